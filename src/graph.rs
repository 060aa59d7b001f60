//! Small graph algorithms the rules share: strongly connected components (dependency cycles,
//! chains of synchronous calls, timeout cycles) and shortest cycles. Iterative, so deep graphs
//! cannot overflow the stack.

use std::collections::VecDeque;

/// Each node's strongly connected component (Tarjan, iterative), numbered in the order the
/// components complete: an edge never leads to a component numbered later, so the numbers are a
/// reverse topological order. `edge(v, i)` is the `i`-th edge out of `v`: `None` past the last,
/// `Some(None)` for an edge to leave out, `Some(Some(w))` for an edge to `w` (ignored unless
/// `w < n`). Nothing is allocated per node beyond the returned numbers.
pub fn component_of(n: usize, edge: impl Fn(usize, usize) -> Option<Option<usize>>) -> Vec<usize> {
    // Visit numbers and the stacks are four bytes each: the rules run it over 100,000 nodes.
    const UNSEEN: u32 = u32::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut stack: Vec<u32> = Vec::new();
    // Frames: node, position in its edges.
    let mut frames: Vec<(u32, u32)> = Vec::new();
    let mut next = 0u32;
    let mut count = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root as u32);
        on_stack[root] = true;
        frames.push((root as u32, 0));
        while let Some(frame) = frames.last_mut() {
            let v = frame.0 as usize;
            if let Some(to) = edge(v, frame.1 as usize) {
                frame.1 += 1;
                let Some(w) = to.filter(|w| *w < n) else { continue };
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w as u32);
                    on_stack[w] = true;
                    frames.push((w as u32, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(p, _)) = frames.last() {
                low[p as usize] = low[p as usize].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    let w = w as usize;
                    on_stack[w] = false;
                    component[w] = count;
                    if w == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    component
}

/// The components of at least `min_len` nodes, from [`component_of`]'s numbers: each sorted, in
/// order of their smallest node. Smaller components cost no allocation.
pub fn groups(component: &[usize], min_len: usize) -> Vec<Vec<usize>> {
    let count = component.iter().map(|c| c + 1).max().unwrap_or(0);
    let mut size = vec![0u32; count];
    for &c in component {
        size[c] += 1;
    }
    // Nodes are visited in order, so each group comes out sorted and groups are ordered by their
    // first node when they are created at it.
    let mut slot = vec![u32::MAX; count];
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (v, &c) in component.iter().enumerate() {
        if (size[c] as usize) < min_len {
            continue;
        }
        if slot[c] == u32::MAX {
            slot[c] = out.len() as u32;
            out.push(Vec::with_capacity(size[c] as usize));
        }
        out[slot[c] as usize].push(v);
    }
    out
}

/// Strongly connected components of `min_len` nodes or more, each sorted, in order of their
/// smallest node. The successors are kept in one flat list (four bytes each), not a list per node.
pub fn strongly_connected(n: usize, min_len: usize, succ: impl Fn(usize) -> Vec<usize>) -> Vec<Vec<usize>> {
    let mut starts: Vec<u32> = Vec::with_capacity(n + 1);
    let mut targets: Vec<u32> = Vec::new();
    starts.push(0);
    for v in 0..n {
        targets.extend(succ(v).into_iter().map(|w| w as u32));
        starts.push(targets.len() as u32);
    }
    let edge = |v: usize, i: usize| {
        let (from, to) = (starts[v] as usize, starts[v + 1] as usize);
        (from + i < to).then(|| Some(targets[from + i] as usize))
    };
    groups(&component_of(n, edge), min_len)
}

/// The shortest cycle through `start` (breadth-first), as nodes from `start` back to `start`.
/// Successors are visited in the order given, so the result is deterministic.
pub fn shortest_cycle(start: usize, succ: impl Fn(usize) -> Vec<usize>) -> Option<Vec<usize>> {
    let mut prev: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for w in succ(v) {
            if w == start {
                let mut path = vec![v];
                let mut cur = v;
                while cur != start {
                    cur = *prev.get(&cur)?;
                    path.push(cur);
                }
                path.reverse();
                path.push(start);
                return Some(path);
            }
            if w != start && !prev.contains_key(&w) {
                prev.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_components_and_the_shortest_cycle() {
        // 0 -> 1 -> 2 -> 0, 2 -> 3, 3 -> 3, 1 -> 0
        let g: Vec<Vec<usize>> = vec![vec![1], vec![2, 0], vec![0, 3], vec![3]];
        let sccs = strongly_connected(4, 1, |v| g[v].clone());
        assert_eq!(sccs, vec![vec![0, 1, 2], vec![3]]);
        assert_eq!(strongly_connected(4, 2, |v| g[v].clone()), vec![vec![0, 1, 2]]);
        assert_eq!(shortest_cycle(0, |v| g[v].clone()), Some(vec![0, 1, 0]));
        assert_eq!(shortest_cycle(2, |v| g[v].clone()), Some(vec![2, 0, 1, 2]));
    }

    #[test]
    fn components_complete_before_the_components_that_reach_them_and_edges_can_be_left_out() {
        // 0 -> 1 -> 2 -> 1, 2 -> 3; the edge 3 -> 0 is left out, else all four are one cycle.
        let g: Vec<Vec<usize>> = vec![vec![1], vec![2], vec![1, 3], vec![0]];
        let keep = |v: usize, w: usize| !(v == 3 && w == 0);
        let component = component_of(4, |v, i| g[v].get(i).map(|&w| keep(v, w).then_some(w)));
        assert!(component[3] < component[1] && component[1] < component[0], "{component:?}");
        assert_eq!(component[1], component[2]);
        assert_eq!(groups(&component, 2), vec![vec![1, 2]]);
        assert_eq!(groups(&component, 1), vec![vec![0], vec![1, 2], vec![3]]);
        let all = component_of(4, |v, i| g[v].get(i).map(|&w| Some(w)));
        assert_eq!(groups(&all, 2), vec![vec![0, 1, 2, 3]]);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 200_000;
        let sccs = strongly_connected(n, 1, |v| if v + 1 < n { vec![v + 1] } else { vec![0] });
        assert_eq!(sccs.len(), 1);
    }
}
