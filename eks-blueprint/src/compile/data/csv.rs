//! A reader for the comma-separated data tables of `data/`: `#` starts a comment line, the
//! first other line names the columns, a cell may be double-quoted (`"a, b"`, `""` for a
//! quote inside). Enough for the tables this repository writes; not a general CSV reader.

use indexmap::IndexMap;

/// The rows of `text`, each a map from column name to cell.
pub(crate) fn rows(text: &'static str) -> Vec<IndexMap<&'static str, String>> {
    let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let Some(header) = lines.next() else { return Vec::new() };
    let columns: Vec<&'static str> = header.split(',').collect();
    lines.map(|line| columns.iter().copied().zip(cells(line)).collect()).collect()
}

/// The cells of one line.
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    out.push(cell);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_header_and_quoted_cells() {
        let rows = rows("# a comment\nname,rule,n\nx,\"a, \"\"b\"\"\",1\n\ny,,2\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["rule"], "a, \"b\"");
        assert_eq!(rows[0]["n"], "1");
        assert_eq!(rows[1]["rule"], "");
    }
}
