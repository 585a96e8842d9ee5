//! The stack dependency graph: deploy order, and cycles reported with their chain.

use super::resolve::ResolvedStack;
use super::SynthError;

/// Indices of `stacks` in deploy order: every stack after the stacks it depends on, and
/// otherwise in the order they were added (so the order is deterministic).
pub(crate) fn deploy_order(stacks: &[ResolvedStack]) -> Result<Vec<usize>, SynthError> {
    let index = |name: &str| stacks.iter().position(|s| s.name == name);
    let edges: Vec<Vec<usize>> =
        stacks.iter().map(|s| s.dependencies.keys().filter_map(|d| index(d)).collect()).collect();
    if let Some(cycle) = find_cycle(&edges) {
        let chain: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                let (from, to) = (&stacks[w[0]], &stacks[w[1]]);
                let why = from.dependencies.get(&to.name).and_then(|r| r.first()).cloned().unwrap_or_default();
                format!("{} -> {} ({why})", from.name, to.name)
            })
            .collect();
        return Err(SynthError::Cycle(chain.join(", ")));
    }
    let mut placed = vec![false; stacks.len()];
    let mut order = Vec::with_capacity(stacks.len());
    while order.len() < stacks.len() {
        let Some(next) = (0..stacks.len()).find(|&i| !placed[i] && edges[i].iter().all(|&d| placed[d])) else {
            // Unreachable: no cycle means some stack is always ready.
            return Err(SynthError::Cycle("unresolvable dependencies".into()));
        };
        placed[next] = true;
        order.push(next);
    }
    Ok(order)
}

/// A cycle as a path that starts and ends at the same stack, if there is one.
fn find_cycle(edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn dfs(n: usize, edges: &[Vec<usize>], marks: &mut [Mark], path: &mut Vec<usize>) -> Option<Vec<usize>> {
        marks[n] = Mark::Active;
        path.push(n);
        for &m in &edges[n] {
            match marks[m] {
                Mark::Active => {
                    let start = path.iter().position(|&p| p == m).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(m);
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = dfs(m, edges, marks, path) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks[n] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; edges.len()];
    for n in 0..edges.len() {
        if marks[n] == Mark::New {
            if let Some(c) = dfs(n, edges, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    fn stack(name: &str, deps: &[&str]) -> ResolvedStack {
        ResolvedStack {
            name: name.into(),
            template: serde_json::json!({}),
            origins: IndexMap::new(),
            output_origins: IndexMap::new(),
            dependencies: deps
                .iter()
                .map(|d| ((*d).to_owned(), vec![format!("X uses {d}.Y")]))
                .collect::<IndexMap<_, _>>(),
        }
    }

    #[test]
    fn dependencies_come_first() {
        let stacks = [stack("compute", &["cluster"]), stack("cluster", &["network"]), stack("network", &[])];
        let order = deploy_order(&stacks).map_err(|e| e.to_string());
        assert_eq!(order, Ok(vec![2, 1, 0]));
    }

    #[test]
    fn a_cycle_names_the_whole_chain() {
        let stacks = [stack("a", &["b"]), stack("b", &["c"]), stack("c", &["a"])];
        let err = deploy_order(&stacks).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("stack dependency cycle: a -> b (X uses b.Y), b -> c (X uses c.Y), c -> a (X uses a.Y)".into())
        );
    }
}
