//! A plan as text (`eks-blueprint plan`) and as Markdown (`DEPLOY.md`).

use std::fmt::Write;

use super::{Plan, Step, MAX_INLINE_TEMPLATE_BYTES};

/// Where a line of prose wraps.
const WIDTH: usize = 96;

/// `12345` -> `12,345`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The step's title, one line, without Markdown.
fn title(step: &Step, code: fn(&str) -> String) -> String {
    match step {
        Step::Deploy(s) => {
            let mut facts =
                vec![plural(s.resources, "resource", "resources"), format!("{} bytes", thousands(s.template_bytes))];
            if s.upload {
                facts.push(format!("over {} bytes: uploaded to $BUCKET", thousands(MAX_INLINE_TEMPLATE_BYTES)));
            }
            if !s.after.is_empty() {
                let after: Vec<String> = s.after.iter().map(|a| code(a)).collect();
                facts.push(format!("after {}", after.join(", ")));
            }
            format!("Deploy stack {} ({})", code(&s.stack), facts.join("; "))
        }
        Step::Delete(s) => {
            if s.retained.is_empty() {
                format!("Delete stack {}", code(&s.stack))
            } else {
                let kept: Vec<String> = s.retained.iter().map(|r| code(&r.logical_id)).collect();
                format!("Delete stack {} (it retains {})", code(&s.stack), kept.join(", "))
            }
        }
        Step::Manual(m) => m.title.clone(),
    }
}

/// Words of `text` in lines of at most [`WIDTH`] characters after `indent`.
fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > WIDTH {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

fn plain(s: &str) -> String {
    s.to_owned()
}

fn backticks(s: &str) -> String {
    format!("`{s}`")
}

fn where_text(plan: &Plan) -> String {
    if plan.dir.is_empty() {
        "the commands run from the output directory".to_owned()
    } else {
        format!("the commands name files under {}/", plan.dir)
    }
}

fn text_section(out: &mut String, heading: &str, steps: &[Step]) {
    let _ = writeln!(out, "{heading}");
    let width = steps.len().to_string().len();
    for (i, step) in steps.iter().enumerate() {
        let _ = writeln!(out, "{:>width$}. {}", i + 1, title(step, plain));
        let indent = " ".repeat(width + 2);
        if let Step::Manual(m) = step {
            out.push_str(&wrap(&format!("From {}.", m.run_from), &indent));
            if !m.detail.is_empty() {
                out.push_str(&wrap(&m.detail, &indent));
            }
        }
        for command in step.commands() {
            let _ = writeln!(out, "{indent}  {command}");
        }
    }
}

pub(crate) fn to_text(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Plan of {} ({}).", plan.name, where_text(plan));
    let _ = writeln!(out);
    text_section(&mut out, "Deploy:", &plan.deploy);
    let _ = writeln!(out);
    text_section(&mut out, "Tear down:", &plan.teardown);
    out
}

fn markdown_section(out: &mut String, steps: &[Step]) {
    for (i, step) in steps.iter().enumerate() {
        let marker = format!("{}. ", i + 1);
        let _ = writeln!(out, "{marker}{}", title(step, backticks));
        // CommonMark: a list item's content is indented by its marker's width ("10. " is
        // four columns), or it falls out of the item.
        let indent = &" ".repeat(marker.len());
        if let Step::Manual(m) = step {
            let _ = writeln!(out);
            out.push_str(&wrap(&format!("From {}.", m.run_from), indent));
            if !m.detail.is_empty() {
                let _ = writeln!(out);
                out.push_str(&wrap(&m.detail, indent));
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{indent}```sh");
        for command in step.commands() {
            let _ = writeln!(out, "{indent}{command}");
        }
        let _ = writeln!(out, "{indent}```");
        let _ = writeln!(out);
    }
}

pub(crate) fn to_markdown(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Deploy and tear down {}", plan.name);
    let _ = writeln!(out);
    out.push_str(&wrap(
        &format!(
            "Written by `eks-blueprint synth` ({}); `eks-blueprint plan` prints the same plan. Each step says where it runs from.",
            if plan.dir.is_empty() { "run the commands from this directory".to_owned() } else { where_text(plan) }
        ),
        "",
    ));
    let _ = writeln!(out);
    let _ = writeln!(out, "## Deploy");
    let _ = writeln!(out);
    markdown_section(&mut out, &plan.deploy);
    let _ = writeln!(out, "## Tear down");
    let _ = writeln!(out);
    markdown_section(&mut out, &plan.teardown);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
