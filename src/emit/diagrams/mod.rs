//! Diagrams: the model drawn as Graphviz DOT (built with graphviz-rust's structures) and rendered
//! to SVG by an injected [`SvgRenderer`]: graphviz-pure in this process ([`Builtin`]), or one the
//! caller supplies (the CLI runs a system `dot`; this module starts no process).
//!
//! Views: the system context, the containers inside their zones, the trust boundaries with every
//! crossing styled by encryption and authentication, data ownership, one per deployment (nodes
//! in their zones, what runs where, connections between nodes), one per flow with numbered
//! steps, and one per container with its components (`components.rs`). Each has a legend. With `highlight`, elements and interactions named in errors are
//! drawn in thick red, in warnings in light red. Each rendered picture is read back
//! (`inspect`) and laid out again in another direction or with more room when its text overlaps
//! or it is far wider than a page. Output depends only on the model and the findings, in
//! declaration order, so the same input gives the same bytes.

mod budget;
mod components;
mod dot;
pub mod facts;
mod geometry;
pub mod inspect;
mod overview;
mod place;
mod shape;
mod text;
mod views;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::analysis::facts::Facts;
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{ElementId, Model};
use dot::Mark;

/// What turns DOT into SVG. Injected so that the core never spawns a process itself. Views are
/// rendered on several threads at once, hence `Sync`.
pub trait SvgRenderer: Sync {
    fn render(&self, dot: &str) -> Result<String, String>;
}

/// graphviz-pure, in this process: no system Graphviz needed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Builtin;

impl SvgRenderer for Builtin {
    fn render(&self, dot: &str) -> Result<String, String> {
        graphviz_pure::render_dot(dot, "dot", "svg")
            .map(|r| r.into_output())
            .map_err(|e| format!("graphviz-pure could not render the diagram: {e}"))
    }
}

#[derive(Clone, Copy)]
pub struct DiagramOptions<'r> {
    /// Draw elements and interactions named in findings in thick red.
    pub highlight: bool,
    pub renderer: &'r dyn SvgRenderer,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    /// File stem: `context`, `containers`, `trust`, `data`, `flow-checkout`.
    pub name: String,
    pub title: String,
    pub dot: String,
    /// The rendered SVG, or why it could not be rendered.
    pub svg: Result<String, String>,
    /// Why the view was drawn in a simpler form than its DOT (over the layout budget), if it was.
    pub simplified: Option<String>,
    /// How many times the view was laid out to find a readable picture.
    pub layouts: usize,
}

/// Every view of the model, in a fixed order: context, containers, trust, data, then one per
/// deployment, one per flow and one per container with components, each in declaration order.
pub fn diagrams(model: &Model, facts: &Facts, findings: &[Diagnostic], opts: &DiagramOptions) -> Vec<Diagram> {
    diagrams_with_progress(model, facts, findings, opts, &|_, _| {})
}

/// [`diagrams`], calling `progress(done, total)` (from any thread) as each view is rendered.
/// Views are laid out on up to as many threads as the machine has cores; the result is in the
/// same fixed order whatever the threads do.
pub fn diagrams_with_progress(
    model: &Model,
    facts: &Facts,
    findings: &[Diagnostic],
    opts: &DiagramOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Diagram> {
    let ctx = Ctx::new(model, facts, findings, opts.highlight);
    let views = views::all(&ctx);
    drop(ctx);
    let total = views.len();
    let done = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    crate::parallel::map_in_order(&views, threads, |(name, title, dot)| {
        let diagram = draw(opts.renderer, name.clone(), title.clone(), dot.clone());
        progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
        diagram
    })
}

/// Lays out one view within the budget.
fn draw(renderer: &dyn SvgRenderer, name: String, title: String, dot: String) -> Diagram {
    let mut dot = dot;
    let layouts = AtomicUsize::new(0);
    let counted = Counted { renderer, layouts: &layouts };
    let (svg, simplified) = match budget::plan(&dot) {
        budget::Plan::Full => {
            let (best, svg) = render_readable(&counted, &shape::oriented(&dot));
            dot = best;
            (svg, None)
        }
        budget::Plan::WithoutEdges(lighter, why) => (counted.render(&lighter), Some(why)),
        budget::Plan::Skip(why) => (Err(why.clone()), Some(why)),
    };
    Diagram { name, title, dot, svg, simplified, layouts: layouts.into_inner() }
}

/// A renderer that counts its layouts.
struct Counted<'r> {
    renderer: &'r dyn SvgRenderer,
    layouts: &'r AtomicUsize,
}

impl SvgRenderer for Counted<'_> {
    fn render(&self, dot: &str) -> Result<String, String> {
        self.layouts.fetch_add(1, Ordering::Relaxed);
        self.renderer.render(dot)
    }
}

const NEWRANK: &str = " newrank=\"true\"";

/// Renders a view and, when the picture has faults a reader would see (text on text, far wider
/// or taller than a page), tries the other direction and more spacing, and keeps the best
/// picture (the first among equals, so the choice is deterministic). Large views are rendered
/// once: their layout dominates the build.
fn render_readable(renderer: &dyn SvgRenderer, dot: &str) -> (String, Result<String, String>) {
    let render = |dot: &str| {
        let mut dot = dot.to_string();
        let mut svg = renderer.render(&dot);
        let mut picture = svg.as_deref().ok().and_then(inspect::parse);
        // Graphviz's `newrank` keeps calls flowing across zones but, with many constraints, can
        // let zone boxes overlap; such a layout is redone with the classic ranking.
        if picture.as_ref().is_some_and(inspect::Picture::zones_cross) && dot.contains(NEWRANK) {
            dot = dot.replacen(NEWRANK, "", 1);
            svg = renderer.render(&dot);
            picture = svg.as_deref().ok().and_then(inspect::parse);
        }
        // Text the lines cross or that lies on other text is moved before the picture is judged:
        // most overlapping labels need no second layout.
        let (svg, picture) = match (svg, picture) {
            (Ok(s), Some(p)) => {
                let (moved, unchanged) = place::untangle(&s, p);
                let picture = unchanged.or_else(|| inspect::parse(&moved));
                (Ok(moved), picture)
            }
            (svg, _) => (svg, None),
        };
        let badness = picture.map(|p| p.badness());
        (dot, svg, badness)
    };
    let first = render(dot);
    let (nodes, edges) = budget::size(dot);
    let readable = |b: Option<(usize, usize, u64)>| b.is_some_and(|(faults, _, shape)| faults == 0 && shape <= 1800);
    if readable(first.2) || first.2.is_none() || nodes * edges.max(1) > budget::MAX_RETRIED {
        return (first.0, first.1);
    }
    // The other direction first: it cures most pictures that are too wide or too tall.
    let mut best = first;
    let flipped = render(&flip_direction(dot));
    if flipped.2.is_some() && flipped.2 < best.2 {
        best = flipped;
    }
    // More room or labels placed after the layout cure overlapping text, not the shape: tried
    // only when text still overlaps, in the better direction.
    if best.2.is_some_and(|(_, text_faults, _)| text_faults == 0) {
        return (best.0, best.1);
    }
    let base = best.0.clone();
    let other = flip_direction(&base);
    let cures = [
        spaced(&base),
        outside_labels(&base),
        outside_labels(&spaced(&base)),
        spaced(&spaced(&base)),
        spaced(&other),
        outside_labels(&other),
        spaced(&spaced(&other)),
    ];
    for candidate in cures {
        let next = render(&candidate);
        if next.2.is_some() && next.2 < best.2 {
            best = next;
        }
        if best.2.is_some_and(|(_, text_faults, _)| text_faults == 0) {
            break;
        }
    }
    (best.0, best.1)
}

/// The same view with the edges' labels placed after the layout, beside their lines, where the
/// engine finds free room (fan-outs otherwise stack labels on one spot).
fn outside_labels(dot: &str) -> String {
    dot.lines()
        .map(|l| if budget::is_edge(l) { l.replacen(" [label=", " [xlabel=", 1) } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The same view laid out top to bottom instead of left to right, or the reverse.
fn flip_direction(dot: &str) -> String {
    if dot.contains("rankdir=\"LR\"") {
        dot.replacen("rankdir=\"LR\"", "rankdir=\"TB\"", 1)
    } else {
        dot.replacen("rankdir=\"TB\"", "rankdir=\"LR\"", 1)
    }
}

/// The same view with more room between boxes and between ranks, for labels to find space.
fn spaced(dot: &str) -> String {
    let mut out = dot.to_string();
    for (key, factor) in [("nodesep", 1.8), ("ranksep", 1.4)] {
        let pat = format!("{key}=\"");
        if let Some(i) = out.find(&pat) {
            let start = i + pat.len();
            if let Some(len) = out[start..].find('"') {
                if let Ok(v) = out[start..start + len].parse::<f64>() {
                    out.replace_range(start..start + len, &format!("{:.2}", v * factor));
                }
            }
        }
    }
    out
}

/// What every view needs: the model, derived facts and the findings to highlight.
pub(crate) struct Ctx<'m> {
    pub model: &'m Model,
    pub facts: facts::Facts<'m>,
    pub links: Vec<facts::Link>,
    /// Paths named in errors and warnings, with the strongest mark (empty without highlighting).
    pub marked: BTreeMap<String, Mark>,
    /// Ordered pairs of paths named together in one finding.
    pub pairs: BTreeMap<(String, String), Mark>,
}

impl<'m> Ctx<'m> {
    fn new(model: &'m Model, derived: &'m Facts, findings: &[Diagnostic], highlight: bool) -> Self {
        let facts = facts::Facts::new(model, derived);
        let links = facts.links();
        let mut marked = BTreeMap::new();
        let mut pairs = BTreeMap::new();
        for d in findings.iter().filter(|_| highlight).filter(|d| d.suppression.is_none()) {
            let m = match d.severity {
                Severity::Error => Mark::Error,
                Severity::Warning => Mark::Warning,
                Severity::Note => continue,
            };
            for a in &d.subjects {
                let e = marked.entry(a.clone()).or_insert(m);
                *e = (*e).max(m);
                for b in &d.subjects {
                    if a != b {
                        let e = pairs.entry((a.clone(), b.clone())).or_insert(m);
                        *e = (*e).max(m);
                    }
                }
            }
        }
        Ctx { model, facts, links, marked, pairs }
    }

    pub fn path(&self, id: ElementId) -> String {
        self.model.path_of(id)
    }

    pub fn is_marked(&self, id: ElementId) -> Option<Mark> {
        if self.marked.is_empty() {
            return None;
        }
        self.marked.get(&self.path(id)).copied()
    }

    /// The mark of a pair of paths named together in one finding.
    pub fn pair_marked(&self, a: ElementId, b: ElementId) -> Option<Mark> {
        self.pairs.get(&(self.path(a), self.path(b))).copied()
    }

    /// An interaction is marked when one finding names both ends, or names the flow of a step
    /// together with each of its ends.
    pub fn link_marked(&self, l: &facts::Link) -> Option<Mark> {
        if self.pairs.is_empty() {
            return None;
        }
        let (a, b) = (self.path(l.from), self.path(l.to));
        if let Some(m) = self.pairs.get(&(a.clone(), b.clone())) {
            return Some(*m);
        }
        let (flow, _) = l.flow?;
        let f = self.path(flow);
        let with_a = self.pairs.get(&(f.clone(), a))?;
        let with_b = self.pairs.get(&(f, b))?;
        Some((*with_a).min(*with_b))
    }

    /// The strongest mark among several interactions.
    pub fn links_marked<'l>(&self, ls: impl IntoIterator<Item = &'l facts::Link>) -> Option<Mark> {
        ls.into_iter().filter_map(|l| self.link_marked(l)).max()
    }

    /// The marks in use, for the legend.
    pub fn marks(&self) -> Vec<Mark> {
        let mut out: Vec<Mark> = self.marked.values().copied().collect();
        out.sort();
        out.dedup();
        out
    }
}
