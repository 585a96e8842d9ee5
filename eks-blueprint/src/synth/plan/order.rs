//! Ordering stacks and manual steps together.
//!
//! Every stack comes after the stacks it depends on (deploy), or before them (teardown:
//! a stack is deleted before what it imports from); every manual step comes after and
//! before what its constraints name. Among what is ready, first a manual step that something
//! waits for (one with a `before` constraint: as early as its constraints allow, in the
//! order the rules gave), then the stack first in the manifest's order (deploy) or last in
//! it (teardown), then the other manual steps: a step nothing waits for comes once the
//! stacks it can follow are done.

use super::input::PlanInput;
use super::{ManualStep, Node, PlanError, Step};

pub(crate) fn order(
    input: &PlanInput<'_>,
    stacks: Vec<Step>,
    manual: Vec<ManualStep>,
    teardown: bool,
) -> Result<Vec<Step>, PlanError> {
    let n = stacks.len();
    let names: Vec<String> = stacks.iter().map(|s| s.stack().unwrap_or_default().to_owned()).collect();
    let index = |node: &Node| -> Option<usize> {
        match node {
            Node::Stack(name) => names.iter().position(|s| s == name),
            Node::Step(id) => manual.iter().position(|m| m.id == *id).map(|i| n + i),
        }
    };
    let total = n + manual.len();
    // before[b] holds every a that must come before b.
    let mut before: Vec<Vec<usize>> = vec![Vec::new(); total];
    for (i, name) in names.iter().enumerate() {
        let Some(stack) = input.stack(name) else { continue };
        for dep in &stack.dependencies {
            let Some(d) = names.iter().position(|s| s == dep) else { continue };
            if teardown {
                before[d].push(i);
            } else {
                before[i].push(d);
            }
        }
    }
    for (i, step) in manual.iter().enumerate() {
        for a in step.after.iter().filter_map(&index) {
            before[n + i].push(a);
        }
        for b in step.before.iter().filter_map(&index) {
            before[b].push(n + i);
        }
    }
    let mut placed = vec![false; total];
    let mut sequence = Vec::with_capacity(total);
    let ready = |i: usize, placed: &[bool]| !placed[i] && before[i].iter().all(|&a| placed[a]);
    while sequence.len() < total {
        let urgent = |i: &usize| !manual[*i - n].before.is_empty();
        let next = (n..total)
            .filter(urgent)
            .find(|&i| ready(i, &placed))
            .or_else(|| {
                if teardown {
                    (0..n).rev().find(|&i| ready(i, &placed))
                } else {
                    (0..n).find(|&i| ready(i, &placed))
                }
            })
            .or_else(|| (n..total).find(|&i| ready(i, &placed)));
        let Some(next) = next else {
            let label =
                |i: usize| if i < n { format!("stack {}", names[i]) } else { format!("step {}", manual[i - n].id) };
            let stuck: Vec<String> = (0..total).filter(|&i| !placed[i]).map(label).collect();
            return Err(PlanError(format!(
                "{} wait for each other (a manual step must run both after and before a stack)",
                stuck.join(", ")
            )));
        };
        placed[next] = true;
        sequence.push(next);
    }
    let mut stacks: Vec<Option<Step>> = stacks.into_iter().map(Some).collect();
    let mut manual: Vec<Option<ManualStep>> = manual.into_iter().map(Some).collect();
    Ok(sequence
        .into_iter()
        .filter_map(|i| if i < n { stacks[i].take() } else { manual[i - n].take().map(Step::Manual) })
        .collect())
}
