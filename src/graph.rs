//! Small graph algorithms shared by the resolver (import cycles) and the checker (dependency
//! cycles). Iterative, so deep graphs cannot overflow the stack.

use std::collections::VecDeque;

/// Strongly connected components (Tarjan, iterative), each sorted, in order of their smallest node.
pub fn strongly_connected(n: usize, succ: impl Fn(usize) -> Vec<usize>) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // Frames: node, its successors, position in them.
        let mut frames: Vec<(usize, Vec<usize>, usize)> = vec![(root, succ(root), 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(frame) = frames.last_mut() {
            let v = frame.0;
            if let Some(&w) = frame.1.get(frame.2) {
                frame.2 += 1;
                if w >= n {
                    continue;
                }
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    frames.push((w, succ(w), 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(parent) = frames.last() {
                let p = parent.0;
                low[p] = low[p].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comp.sort_unstable();
                out.push(comp);
            }
        }
    }
    out.sort_by_key(|c| c.first().copied());
    out
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
        let sccs = strongly_connected(4, |v| g[v].clone());
        assert_eq!(sccs, vec![vec![0, 1, 2], vec![3]]);
        assert_eq!(shortest_cycle(0, |v| g[v].clone()), Some(vec![0, 1, 0]));
        assert_eq!(shortest_cycle(2, |v| g[v].clone()), Some(vec![2, 0, 1, 2]));
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 200_000;
        let sccs = strongly_connected(n, |v| if v + 1 < n { vec![v + 1] } else { vec![0] });
        assert_eq!(sccs.len(), 1);
    }
}
