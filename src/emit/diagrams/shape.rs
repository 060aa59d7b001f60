//! Chooses a view's direction before its first layout, from the shape of its graph: the longest
//! chain of calls (ranks) against the most boxes side by side in one rank. A long chain laid out
//! left to right makes a strip far wider than a page; laid out top to bottom it fits. Choosing
//! first means most views are laid out once; the build still lays out again the few whose
//! picture is not readable.

use std::collections::BTreeMap;

use super::budget;

/// Rough size (points) of a box: wrapped titles are at most 170 points wide, two or three lines.
const BOX_WIDTH: f64 = 190.0;
const BOX_HEIGHT: f64 = 60.0;
/// Extra room (points) a rank gap takes for edge labels: beside the line left to right (a label
/// is as wide as a short protocol list), above it top to bottom (one or two lines).
const LABEL_ACROSS: f64 = 90.0;
const LABEL_ALONG: f64 = 25.0;
/// The title, subtitle and legend above every view (points): the picture is at least this wide.
const HEADER_WIDTH: f64 = 650.0;
const HEADER_HEIGHT: f64 = 230.0;
/// How far from a page's shape an estimate may be and the view keep its own direction: below
/// the build's limit for a readable picture (1.8), as the estimate is rough.
const KEEP: f64 = 1.6;

/// The quoted id at the start of `s` and the rest after it.
fn quoted(s: &str) -> Option<(&str, &str)> {
    let rest = s.trim_start().strip_prefix('"')?;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some((&rest[..i], &rest[i + 1..])),
            _ => escaped = false,
        }
    }
    None
}

/// A graph's ranks (longest chain of constraining edges, back edges of cycles left out), its
/// widest rank and whether its edges are labelled, from DOT printed by `dot::print`.
pub fn ranks(dot: &str) -> (usize, usize, bool) {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut labelled = false;
    fn id<'a>(name: &'a str, index: &mut BTreeMap<&'a str, usize>, out: &mut Vec<Vec<usize>>) -> usize {
        let next = index.len();
        *index.entry(name).or_insert_with(|| {
            out.push(Vec::new());
            next
        })
    }
    for line in dot.lines() {
        if budget::is_edge(line) {
            let Some((a, rest)) = quoted(line) else { continue };
            let Some(rest) = rest.trim_start().strip_prefix("->") else { continue };
            let Some((b, attrs)) = quoted(rest) else { continue };
            labelled |= attrs.contains("label=");
            let (ia, ib) = (id(a, &mut index, &mut out), id(b, &mut index, &mut out));
            if !attrs.contains("constraint=\"false\"") && ia != ib {
                out[ia].push(ib);
            }
        } else if let Some((a, _)) = quoted(line) {
            id(a, &mut index, &mut out);
        }
    }
    let n = out.len();
    // Depth-first order; an edge to a node still on the stack closes a cycle and is left out.
    let mut state = vec![0u8; n];
    let mut post = Vec::with_capacity(n);
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            if let Some(&w) = out[v].get(i) {
                top.1 += 1;
                if state[w] == 0 {
                    state[w] = 1;
                    stack.push((w, 0));
                }
            } else {
                state[v] = 2;
                post.push(v);
                stack.pop();
            }
        }
    }
    let order: Vec<usize> = post.into_iter().rev().collect();
    let mut pos = vec![0usize; n];
    for (i, v) in order.iter().enumerate() {
        pos[*v] = i;
    }
    let mut rank = vec![0usize; n];
    for &v in &order {
        for &w in &out[v] {
            if pos[w] > pos[v] {
                rank[w] = rank[w].max(rank[v] + 1);
            }
        }
    }
    let depth = rank.iter().max().map_or(0, |m| m + 1);
    let mut per = vec![0usize; depth];
    for r in &rank {
        per[*r] += 1;
    }
    (depth, per.into_iter().max().unwrap_or(0), labelled)
}

/// A number attribute of the graph (`ranksep="1.2"`), in points.
fn points(dot: &str, key: &str) -> f64 {
    let pat = format!("{key}=\"");
    dot.find(&pat)
        .and_then(|i| dot[i + pat.len()..].split('"').next())
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(36.0, |inches| inches * 72.0)
}

/// How far a picture of `width` by `height` is from a page's shape (1 is a page, either way up).
fn off_page(width: f64, height: f64) -> f64 {
    let aspect = width.max(height) / width.min(height).max(1.0);
    (aspect / std::f64::consts::SQRT_2).max(std::f64::consts::SQRT_2 / aspect)
}

/// The estimated size (points) of the picture laid out left to right and top to bottom.
pub fn estimates(dot: &str) -> ([f64; 2], [f64; 2]) {
    let (depth, widest, labelled) = ranks(dot);
    let (depth, widest) = (depth.max(1) as f64, widest.max(1) as f64);
    let (ranksep, nodesep) = (points(dot, "ranksep"), points(dot, "nodesep"));
    let lr = [
        (depth * BOX_WIDTH + (depth - 1.0) * (ranksep + if labelled { LABEL_ACROSS } else { 0.0 })).max(HEADER_WIDTH),
        widest * BOX_HEIGHT + (widest - 1.0) * nodesep + HEADER_HEIGHT,
    ];
    let tb = [
        (widest * BOX_WIDTH + (widest - 1.0) * nodesep).max(HEADER_WIDTH),
        depth * BOX_HEIGHT + (depth - 1.0) * (ranksep + if labelled { LABEL_ALONG } else { 0.0 }) + HEADER_HEIGHT,
    ];
    (lr, tb)
}

/// The view in its own direction while its estimated picture is near a page's shape, else in the
/// direction whose estimate is nearer.
pub fn oriented(dot: &str) -> String {
    let (lr, tb) = estimates(dot);
    let (lr, tb) = (off_page(lr[0], lr[1]), off_page(tb[0], tb[1]));
    if dot.contains("rankdir=\"LR\"") && lr > KEEP && tb < lr {
        dot.replacen("rankdir=\"LR\"", "rankdir=\"TB\"", 1)
    } else if dot.contains("rankdir=\"TB\"") && tb > KEEP && lr < tb {
        dot.replacen("rankdir=\"TB\"", "rankdir=\"LR\"", 1)
    } else {
        dot.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize, dir: &str) -> String {
        let mut s = format!("digraph \"x\" {{\ngraph [rankdir=\"{dir}\" nodesep=\"0.5\" ranksep=\"1\"]\n");
        for i in 0..n {
            s.push_str(&format!("\"n{i}\" [label=\"x\"]\n"));
        }
        for i in 1..n {
            s.push_str(&format!("\"n{}\" -> \"n{i}\" [label=\"https\"]\n", i - 1));
        }
        // A reply back to the start closes a cycle; it must not lengthen the chain.
        s.push_str(&format!("\"n{}\" -> \"n0\"\n}}\n", n - 1));
        s
    }

    #[test]
    fn ranks_follow_the_longest_chain_and_ignore_back_edges() {
        assert_eq!(ranks(&chain(6, "LR")), (6, 1, true));
        let fan = "\"a\" -> \"b\"\n\"a\" -> \"c\"\n\"a\" -> \"d\" [constraint=\"false\"]\n";
        assert_eq!(ranks(fan), (2, 2, false));
    }

    #[test]
    fn a_long_chain_is_turned_top_to_bottom_and_a_short_one_kept() {
        assert!(oriented(&chain(7, "LR")).contains("rankdir=\"TB\""));
        assert!(oriented(&chain(2, "LR")).contains("rankdir=\"LR\""));
    }
}
