//! Leaf helpers with no domain knowledge, shared by every layer: PascalCase names (the
//! stems of logical ids, so that compile can detect clashes without the CloudFormation
//! layer), "did you mean" hints, and quoting user values in messages.

/// Turns a name such as `system-nodes_v2` into PascalCase alphanumerics: `SystemNodesV2`.
///
/// Every run of characters other than ASCII letters and digits is a word break.
pub fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// The candidates closest to `value` (at most `n`, all at the smallest distance found,
/// alphabetically), for "did you mean" hints: edit distance (with transpositions, ignoring
/// case) of at most 1 for values up to 5 characters and at most 2 beyond. An exact match is
/// not a suggestion.
pub(crate) fn closest<'a>(value: &str, candidates: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let limit = if value.chars().count() <= 5 { 1 } else { 2 };
    let folded = value.to_lowercase();
    let mut found: Vec<(usize, &str)> = candidates
        .filter(|c| *c != value)
        .filter_map(|c| {
            let d = edit_distance(&folded, &c.to_lowercase());
            (d <= limit).then_some((d, c))
        })
        .collect();
    found.sort_unstable();
    found.dedup_by(|a, b| a.1 == b.1);
    let best = found.first().map_or(0, |(d, _)| *d);
    found.into_iter().take_while(|(d, _)| *d == best).take(n).map(|(_, c)| c).collect()
}

/// ` (did you mean `a` or `b`?)`, or nothing without suggestions.
pub(crate) fn did_you_mean(suggestions: &[&str]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!(" (did you mean `{one}`?)"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|s| format!("`{s}`")).collect();
            format!(" (did you mean {} or `{last}`?)", init.join(", "))
        }
    }
}

/// The optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// adjacent characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best =
                (d[(i - 1) * width + j] + 1).min(d[i * width + j - 1] + 1).min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// A user value quoted in an error message: at most 80 characters (then `…`), with control
/// and invisible characters shown as escapes, so a message never breaks a terminal or a log.
pub(crate) fn quote(value: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{200b}'..='\u{200f}') {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(edit_distance("lrage", "large"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn closest_ignores_case_and_skips_exact_matches() {
        let names = ["ClusterAdmin", "Admin", "Edit", "View"];
        assert_eq!(closest("Clusteradmin", names.iter().copied(), 3), vec!["ClusterAdmin"]);
        assert_eq!(closest("Admin", names.iter().copied(), 3), Vec::<&str>::new());
        assert_eq!(closest("Vew", names.iter().copied(), 3), vec!["View"]);
        assert_eq!(did_you_mean(&["a", "b", "c"]), " (did you mean `a`, `b` or `c`?)");
        assert_eq!(did_you_mean(&[]), "");
    }

    #[test]
    fn quote_caps_and_escapes() {
        assert_eq!(quote("a\u{2028}b\n"), "a\\u{2028}b\\u{a}");
        assert_eq!(quote(&"x".repeat(100)), format!("{}…", "x".repeat(80)));
    }
}
