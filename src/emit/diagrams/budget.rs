//! The layout budget. Graphviz's layered layout grows far faster than the graph (a fully
//! connected view of 48 components took 34 s, 300 components 6.5 GB), so a view is laid out in
//! full only while its size stays within a budget. A larger view is drawn with its boxes and
//! zones but without the interaction lines, and says so in the picture; a view too large even for
//! that is not drawn at all. Either way `build` finishes in time proportional to the model.

/// Largest product of nodes and edges laid out in full.
pub const MAX_NODES_TIMES_EDGES: usize = 40_000;
/// Largest number of edges laid out in full (many parallel steps between few nodes are slow too).
pub const MAX_EDGES: usize = 600;
/// Largest number of nodes drawn at all, without edges.
pub const MAX_NODES: usize = 1_500;

/// How much of a view to lay out.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    Full,
    /// The DOT without its edges, and why.
    WithoutEdges(String, String),
    /// Not drawn, and why.
    Skip(String),
}

/// What one line of the DOT printed by `dot::print` states: that printer puts one statement on
/// each line, and every node and edge starts with a quoted id.
#[derive(PartialEq, Eq)]
enum Line {
    Node,
    Edge,
    Other,
}

fn classify(line: &str) -> Line {
    let Some(rest) = line.trim_start().strip_prefix('"') else { return Line::Other };
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => {
                let after = rest[i + 1..].trim_start();
                return if after.starts_with("->") { Line::Edge } else { Line::Node };
            }
            _ => escaped = false,
        }
    }
    Line::Other
}

/// Whether a line of DOT printed by `dot::print` is an edge.
pub fn is_edge(line: &str) -> bool {
    classify(line) == Line::Edge
}

/// The numbers of nodes and edges in `dot`: a linear scan.
pub fn size(dot: &str) -> (usize, usize) {
    let (mut nodes, mut edges) = (0usize, 0usize);
    for line in dot.lines() {
        match classify(line) {
            Line::Node => nodes += 1,
            Line::Edge => edges += 1,
            Line::Other => {}
        }
    }
    (nodes, edges)
}

/// Largest view (nodes times edges) that may be laid out more than once to find a readable form:
/// a fifth of the full budget, so that retries cost at most about as much as one large view.
pub const MAX_RETRIED: usize = MAX_NODES_TIMES_EDGES / 5;

/// Decides how to lay out `dot`, from the counts of its nodes and edges.
pub fn plan(dot: &str) -> Plan {
    let (nodes, edges) = size(dot);
    if nodes.saturating_mul(edges) <= MAX_NODES_TIMES_EDGES && edges <= MAX_EDGES {
        return Plan::Full;
    }
    let size = format!("{nodes} boxes and {edges} lines, over the layout budget");
    if nodes > MAX_NODES {
        return Plan::Skip(format!(
            "not drawn: {size} ({MAX_NODES} boxes at most); model.json and the report list every element"
        ));
    }
    let note = format!("Interactions not drawn: {size}. The report and model.json list them all.");
    let mut out = String::with_capacity(dot.len() / 2);
    for line in dot.lines() {
        if classify(line) == Line::Edge {
            continue;
        }
        // The note goes in just before the graph's closing brace.
        if line == "}" {
            // The note holds only digits, letters and punctuation: no escaping needed.
            out.push_str(&format!("  \"archc_layout_budget\"[shape=\"note\" label=\"{note}\"]\n"));
        }
        out.push_str(line);
        out.push('\n');
    }
    Plan::WithoutEdges(out, format!("drawn without its interaction lines: {size}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete_graph(n: usize) -> String {
        let mut s = String::from("digraph g {\n");
        for i in 0..n {
            s.push_str(&format!("  \"n{i}\"[label=\"N{i}\"]\n"));
        }
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    s.push_str(&format!("  \"n{i}\" -> \"n{j}\" [label=\"a -> b\"]\n"));
                }
            }
        }
        s.push_str("}\n");
        s
    }

    #[test]
    fn small_views_are_laid_out_in_full() {
        assert_eq!(plan(&complete_graph(10)), Plan::Full);
    }

    #[test]
    fn dense_views_lose_their_edges_and_say_so() {
        match plan(&complete_graph(48)) {
            Plan::WithoutEdges(dot, why) => {
                assert!(!dot.contains("\" -> \""), "{dot}");
                assert!(dot.contains("Interactions not drawn"), "{dot}");
                assert!(why.contains("48 boxes and 2256 lines"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }
}
