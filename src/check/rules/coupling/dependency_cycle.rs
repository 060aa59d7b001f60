//! CPL001 dependency-cycle: Components (or systems) that depend on each other in a cycle.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rustc_hash::FxHashSet;

use super::{code, user_kind};
use crate::analysis::graphs::{path_key, sort_by_path};
use crate::analysis::ranges::Ranges;
use crate::check::shared::name_list;
use crate::check::{Category, Ctx, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::graph;
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

fn is_broker(cx: &Ctx<'_>, id: ElementId) -> bool {
    matches!(user_kind(cx, id), Some(DeclKind::Queue | DeclKind::Topic))
}

pub static DEPENDENCY_CYCLE: Rule = Rule {
    code: code("CPL001", "dependency-cycle", Severity::Error, "Components (or systems) that depend on each other in a cycle."),
    category: Category::Coupling,
    explanation: "Components in a dependency cycle cannot be built, deployed, tested or reasoned about separately (the acyclic dependencies principle): a change or an outage anywhere in the cycle reaches all of it, and with synchronous calls a slow member can deadlock the others or exhaust their thread pools. A cycle of synchronous calls (`uses ... sync`, `->` steps between components) is an error; a cycle that needs at least one asynchronous link (`~>` steps, `uses` of a queue or topic, an event delivered from publisher through its topic to a subscriber) is a warning, since the coupling is in time rather than in availability. Each strongly connected group is reported once with one shortest cycle in it that joins at least two components (a cycle through a topic they share is shown as `orders ~> bus ~> stock ~> bus ~> orders`, never as a loop of one component through the topic), and systems that depend on each other through their components' links are reported too. Break a cycle by inverting one dependency (publish an event, or let the callee pull instead of being called back), by extracting what both sides need into a third component, or by merging components that cannot live apart.",
    bad: "component orders {\n  uses billing sync { timeout 1s circuit-breaker }\n}\ncomponent billing {\n  uses orders sync { timeout 1s circuit-breaker }\n}\n",
    good: "event OrderBilled {\n  classification internal\n}\ntopic billing_events {\n  carries OrderBilled\n}\ncomponent orders {\n  uses billing sync { timeout 1s circuit-breaker }\n}\ncomponent billing {\n  publishes OrderBilled\n}\ncomponent ledger {\n  subscribes OrderBilled\n}\n",
    options: &[],
    run: dependency_cycle,
};

/// A graph for cycle detection: subject nodes (components, or systems) and relay nodes (brokers)
/// that only pass dependencies on.
struct CycleGraph {
    nodes: Vec<ElementId>,
    subject: Vec<bool>,
    /// Per node: its targets in node order, with their links; built by [`CycleGraph::link_up`].
    /// One flat list of 12-byte edges: at 100,000 components a `Vec` of 40-byte entries per node
    /// took about 16 MB.
    adj: Ranges<Edge>,
    /// Edges as added: (from, to, link, asynchronous).
    added: Vec<(u32, u32, u32, bool)>,
}

/// An edge of a [`CycleGraph`]: its target and its first synchronous and asynchronous links
/// (`NO_LINK` when there is none).
#[derive(Clone, Copy)]
struct Edge {
    to: u32,
    sync: u32,
    asynchronous: u32,
}

const NO_LINK: u32 = u32::MAX;

impl Edge {
    fn to(&self) -> usize {
        self.to as usize
    }

    fn links(&self) -> EdgeLinks {
        let link = |l: u32| (l != NO_LINK).then_some(l as usize);
        (link(self.sync), link(self.asynchronous))
    }
}

impl CycleGraph {
    /// The graph over `nodes` (put in name order) and the node of each element, by element index.
    fn new(cx: &Ctx<'_>, mut nodes: Vec<(ElementId, bool)>) -> (CycleGraph, NodeOf) {
        nodes.sort_by_cached_key(|(id, _)| path_key(cx.model, *id));
        Self::sorted(cx, nodes)
    }

    /// [`CycleGraph::new`] over nodes already in name order.
    fn sorted(cx: &Ctx<'_>, nodes: Vec<(ElementId, bool)>) -> (CycleGraph, NodeOf) {
        let mut pos = vec![NodeOf::NONE; cx.model.elements.len()];
        for (i, (id, _)) in nodes.iter().enumerate() {
            pos[id.0 as usize] = i as u32;
        }
        let pos = NodeOf(pos);
        let g = CycleGraph {
            subject: nodes.iter().map(|(_, s)| *s).collect(),
            adj: Ranges::default(),
            added: Vec::new(),
            nodes: nodes.into_iter().map(|(id, _)| id).collect(),
        };
        (g, pos)
    }

    fn add(&mut self, a: usize, b: usize, link: usize, is_async: bool) {
        if a != b && a < self.nodes.len() {
            self.added.push((a as u32, b as u32, link as u32, is_async));
        }
    }

    /// Builds the adjacency from the added edges: one sort instead of a map per node. Each edge
    /// keeps the first synchronous and the first asynchronous link added for it.
    fn link_up(&mut self) {
        // Grouped by source in the order they were added, then each source's few edges sorted
        // stably by target, so the links of one edge stay in the order they were added.
        let added = std::mem::take(&mut self.added);
        let by_source = Ranges::from_pairs(
            self.nodes.len(),
            added.iter().map(|&(a, b, link, is_async)| (a as usize, (b, link, is_async))),
        );
        let mut adj = Ranges::with_capacity(self.nodes.len(), added.len());
        drop(added);
        let (mut edges, mut out) = (Vec::new(), Vec::new());
        for a in 0..self.nodes.len() {
            edges.clear();
            edges.extend_from_slice(by_source.list(a));
            edges.sort_by_key(|(b, _, _)| *b);
            out.clear();
            for &(b, link, is_async) in &edges {
                if out.last().is_none_or(|e: &Edge| e.to != b) {
                    out.push(Edge { to: b, sync: NO_LINK, asynchronous: NO_LINK });
                }
                if let Some(e) = out.last_mut() {
                    let first = if is_async { &mut e.asynchronous } else { &mut e.sync };
                    if *first == NO_LINK {
                        *first = link;
                    }
                }
            }
            adj.push_list(out.iter().copied());
        }
        self.adj = adj;
    }

    /// The links of the edge from `v` to `w`.
    fn edge(&self, v: usize, w: usize) -> Option<EdgeLinks> {
        let out = self.adj.get(v)?;
        out.binary_search_by_key(&w, Edge::to).ok().map(|i| out[i].links())
    }

    fn sync_succ(&self, v: usize) -> Vec<usize> {
        if !self.subject[v] {
            return Vec::new();
        }
        self.adj[v].iter().filter(|e| self.is_sync_edge(v, e.to(), &e.links())).map(Edge::to).collect()
    }

    /// A synchronous dependency between two subjects.
    fn is_sync_edge(&self, v: usize, w: usize, (sync, _): &EdgeLinks) -> bool {
        sync.is_some() && self.subject[v] && self.subject[w]
    }

    /// The strongly connected groups of two nodes or more over the edges `keep` accepts, each
    /// sorted, in order of their smallest node, walking the adjacency lists in place.
    fn groups(&self, keep: impl Fn(usize, usize, &EdgeLinks) -> bool) -> Vec<Vec<usize>> {
        let component = graph::component_of(self.nodes.len(), |v, i| {
            self.adj[v].get(i).map(|e| keep(v, e.to(), &e.links()).then_some(e.to()))
        });
        graph::groups(&component, 2)
    }

    fn all_succ(&self, v: usize) -> Vec<usize> {
        self.adj[v].iter().map(Edge::to).collect()
    }
}

/// The node of each element in a [`CycleGraph`], by element index: four bytes per element of
/// the model (285,000 at 100,000 components), `NONE` for an element off the graph.
struct NodeOf(Vec<u32>);

impl NodeOf {
    const NONE: u32 = u32::MAX;

    fn get(&self, id: &ElementId) -> Option<usize> {
        self.0.get(id.0 as usize).copied().filter(|&v| v != Self::NONE).map(|v| v as usize)
    }
}

/// The first synchronous and the first asynchronous link of an edge.
type EdgeLinks = (Option<usize>, Option<usize>);

/// A breadth-first state: a node, whether an asynchronous link was taken on the way, and whether
/// another subject was met (a walk back through a shared topic alone is no cycle of components).
type State = (usize, bool, bool);

/// One hop of a reported cycle.
#[derive(Clone, Copy, Debug)]
struct Hop {
    from: usize,
    to: usize,
    link: usize,
    is_async: bool,
}

/// A cycle found in a strongly connected group.
struct Cycle {
    hops: Vec<Hop>,
    sync: bool,
    /// The subject nodes of the whole group.
    group: Vec<usize>,
}

/// How many start nodes the shortest-cycle search tries per group; keeps the search linear.
const CYCLE_STARTS: usize = 32;

fn find_cycles(g: &CycleGraph) -> Vec<Cycle> {
    let n = g.nodes.len();
    let mut out = Vec::new();
    let sync_sccs = g.groups(|v, w, links| g.is_sync_edge(v, w, links));
    let mut sync_id = vec![usize::MAX; n];
    for (k, scc) in sync_sccs.iter().enumerate() {
        for &v in scc {
            sync_id[v] = k;
        }
        let mut best: Option<Vec<usize>> = None;
        for &s in scc.iter().take(CYCLE_STARTS) {
            let succ = |v: usize| g.sync_succ(v).into_iter().filter(|w| sync_id[*w] == k).collect::<Vec<_>>();
            if let Some(c) = graph::shortest_cycle(s, succ) {
                if best.as_ref().is_none_or(|b| c.len() < b.len()) {
                    best = Some(c);
                }
            }
        }
        let Some(nodes) = best else { continue };
        let hops: Vec<Hop> = nodes
            .windows(2)
            .filter_map(|w| {
                let link = g.edge(w[0], w[1]).and_then(|(s, _)| s)?;
                Some(Hop { from: w[0], to: w[1], link, is_async: false })
            })
            .collect();
        out.push(Cycle { hops: rotate(g, hops), sync: true, group: scc.clone() });
    }
    let all_sccs = g.groups(|_, _, _| true);
    let mut all_id = vec![usize::MAX; n];
    for (k, scc) in all_sccs.iter().enumerate() {
        let subjects: Vec<usize> = scc.iter().copied().filter(|v| g.subject[*v]).collect();
        if subjects.len() < 2 {
            continue;
        }
        // Already reported as a synchronous cycle.
        let first = sync_id[subjects[0]];
        if first != usize::MAX && subjects.iter().all(|v| sync_id[*v] == first) {
            continue;
        }
        for &v in scc {
            all_id[v] = k;
        }
        let mut best: Option<Vec<Hop>> = None;
        for &s in subjects.iter().take(CYCLE_STARTS) {
            let Some(walk) = async_walk(g, s, &all_id, k) else { continue };
            let c = simple_async(g, walk);
            let score = |h: &[Hop]| (h.iter().filter(|x| g.subject[x.from]).count() < 2, h.len());
            if best.as_ref().is_none_or(|b| score(&c) < score(b)) {
                best = Some(c);
            }
        }
        let hops = match best {
            Some(h) => h,
            None => {
                // No asynchronous link inside the group: a synchronous cycle through a relay.
                let succ = |v: usize| g.all_succ(v).into_iter().filter(|w| all_id[*w] == k).collect::<Vec<_>>();
                let Some(nodes) = graph::shortest_cycle(subjects[0], succ) else { continue };
                nodes
                    .windows(2)
                    .filter_map(|w| {
                        let (s, a) = g.edge(w[0], w[1])?;
                        let link = s.or(a)?;
                        Some(Hop { from: w[0], to: w[1], link, is_async: s.is_none() })
                    })
                    .collect()
            }
        };
        out.push(Cycle { hops: rotate(g, hops), sync: false, group: subjects });
    }
    out
}

/// The shortest closed walk from `start` back to it that takes at least one asynchronous link,
/// inside group `k`: breadth-first over (node, async taken yet).
fn async_walk(g: &CycleGraph, start: usize, group: &[usize], k: usize) -> Option<Vec<Hop>> {
    let begin = (start, false, false);
    let goal = (start, true, true);
    let mut prev: BTreeMap<State, (State, usize, bool)> = BTreeMap::new();
    let mut queue = VecDeque::from([begin]);
    while let Some(cur) = queue.pop_front() {
        let (v, taken, met) = cur;
        for (w, (s, a)) in g.adj[v].iter().map(|e| (e.to(), e.links())) {
            if group.get(w) != Some(&k) {
                continue;
            }
            let met = met || (g.subject[w] && w != start);
            let options = [s.map(|l| ((w, taken, met), l, false)), a.map(|l| ((w, true, met), l, true))];
            for (next, link, is_async) in options.into_iter().flatten() {
                if next == begin || prev.contains_key(&next) {
                    continue;
                }
                prev.insert(next, (cur, link, is_async));
                if next == goal {
                    let mut hops = Vec::new();
                    let mut at = goal;
                    while at != begin {
                        let (p, link, is_async) = *prev.get(&at)?;
                        hops.push(Hop { from: p.0, to: at.0, link, is_async });
                        at = p;
                    }
                    hops.reverse();
                    return Some(hops);
                }
                queue.push_back(next);
            }
        }
    }
    None
}

/// Cuts a closed walk down to a simple cycle of subjects that still takes an asynchronous link
/// and joins two subjects. A relay (a topic several members share) may be passed more than once:
/// `orders ~> bus ~> stock ~> bus ~> orders` is the cycle of `orders` and `stock`, not a loop
/// of the topic.
fn simple_async(g: &CycleGraph, mut hops: Vec<Hop>) -> Vec<Hop> {
    let subjects = |h: &[Hop]| h.iter().filter(|x| g.subject[x.from]).count();
    loop {
        let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
        let mut split = None;
        for (j, h) in hops.iter().enumerate() {
            if !g.subject[h.from] {
                continue;
            }
            if let Some(&i) = seen.get(&h.from) {
                split = Some((i, j));
                break;
            }
            seen.insert(h.from, j);
        }
        let Some((i, j)) = split else { return hops };
        let inner: Vec<Hop> = hops[i..j].to_vec();
        let outer: Vec<Hop> = hops[..i].iter().chain(hops[j..].iter()).copied().collect();
        let good = |h: &[Hop]| h.iter().any(|x| x.is_async) && subjects(h) >= 2;
        let has_async = |h: &[Hop]| h.iter().any(|x| x.is_async);
        hops = match (good(&inner), good(&outer)) {
            (true, _) => inner,
            (false, true) => outer,
            _ if has_async(&inner) => inner,
            _ => outer,
        };
    }
}

/// Starts the cycle at its subject with the smallest name (nodes are in name order).
fn rotate(g: &CycleGraph, mut hops: Vec<Hop>) -> Vec<Hop> {
    if let Some(p) =
        hops.iter().enumerate().filter(|(_, h)| g.subject[h.from]).min_by_key(|(_, h)| h.from).map(|(i, _)| i)
    {
        hops.rotate_left(p);
    }
    hops
}

/// Links from a component into a broker that only consume from it: `access read`, or a component
/// that subscribes to the broker's events without publishing any of them.
fn consumer_links(cx: &Ctx<'_>) -> Vec<bool> {
    let mut delivered: FxHashSet<(ElementId, ElementId)> = FxHashSet::default();
    for l in cx.facts.links.iter().filter(|l| l.origin == LinkOrigin::Event) {
        delivered.insert((l.from, l.to));
    }
    cx.facts
        .links
        .iter()
        .map(|l| {
            l.origin == LinkOrigin::Uses
                && is_broker(cx, l.to)
                && (l.access() == Some("read")
                    || (delivered.contains(&(l.to, l.from)) && !delivered.contains(&(l.from, l.to))))
        })
        .collect()
}

fn dependency_cycle(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deps = &cx.facts.deps;
    let consumer = consumer_links(cx);
    // Components, with brokers as relays, in name order: the few brokers are sorted and merged
    // into the components, which the facts keep sorted already.
    let mut brokers: Vec<ElementId> =
        cx.facts.user_elements_where(|k| matches!(k, DeclKind::Queue | DeclKind::Topic)).collect();
    sort_by_path(cx.model, &mut brokers);
    let components = cx.facts.components_by_name(cx.model);
    let mut nodes: Vec<(ElementId, bool)> = Vec::with_capacity(components.len() + brokers.len());
    let key = |id: ElementId| (path_key(cx.model, id), id);
    let (mut c, mut b) = (components.iter().copied().peekable(), brokers.into_iter().peekable());
    while let (Some(&x), Some(&y)) = (c.peek(), b.peek()) {
        if key(x) <= key(y) {
            nodes.push((x, true));
            c.next();
        } else {
            nodes.push((y, false));
            b.next();
        }
    }
    nodes.extend(c.map(|x| (x, true)).chain(b.map(|y| (y, false))));
    let (mut g, pos) = CycleGraph::sorted(cx, nodes);
    for (i, l) in deps.links(cx.facts) {
        let (Some(a), Some(b)) = (pos.get(&l.from), pos.get(&l.to)) else { continue };
        if consumer[i] {
            g.add(b, a, i, true);
        } else {
            g.add(a, b, i, l.is_async);
        }
    }
    g.link_up();
    for c in find_cycles(&g) {
        acc.push(cycle_finding(cx, &g, &c, &consumer, false));
    }
    // Systems, through their members' links; brokers without a system relay.
    let systems: BTreeSet<ElementId> = cx.of_kind(DeclKind::System).map(|(id, _)| id).collect();
    if systems.len() < 2 {
        return;
    }
    let mut nodes: Vec<(ElementId, bool)> = systems.iter().map(|s| (*s, true)).collect();
    let system_of = |x: ElementId| {
        cx.model.get(x).filter(|e| !e.from_std).and_then(|_| cx.facts.system_of(x)).filter(|s| systems.contains(s))
    };
    nodes.extend(
        cx.model.iter().filter(|(id, _)| is_broker(cx, *id) && system_of(*id).is_none()).map(|(id, _)| (id, false)),
    );
    let (mut g, pos) = CycleGraph::new(cx, nodes);
    let node_of = |x: ElementId| -> Option<usize> {
        match user_kind(cx, x)? {
            DeclKind::Component | DeclKind::Datastore | DeclKind::Cache | DeclKind::Queue | DeclKind::Topic => {
                system_of(x).or(Some(x).filter(|x| is_broker(cx, *x))).and_then(|n| pos.get(&n))
            }
            _ => None,
        }
    };
    for (i, l) in deps.links(cx.facts) {
        let (Some(a), Some(b)) = (node_of(l.from), node_of(l.to)) else { continue };
        if consumer[i] {
            g.add(b, a, i, true);
        } else {
            g.add(a, b, i, l.is_async);
        }
    }
    g.link_up();
    for c in find_cycles(&g) {
        acc.push(cycle_finding(cx, &g, &c, &consumer, true));
    }
}

fn cycle_finding(cx: &Ctx<'_>, g: &CycleGraph, c: &Cycle, consumer: &[bool], systems: bool) -> Diagnostic {
    let arrow = |h: &Hop| if h.is_async { "~>" } else { "->" };
    let mut path = String::new();
    for h in &c.hops {
        path.push_str(&cx.name(g.nodes[h.from]));
        path.push(' ');
        path.push_str(arrow(h));
        path.push(' ');
    }
    if let Some(h) = c.hops.first() {
        path.push_str(&cx.name(g.nodes[h.from]));
    }
    let label = |h: &Hop| -> String {
        let Some(l) = cx.facts.links.get(h.link) else { return String::new() };
        let hop = if consumer.get(h.link).copied().unwrap_or(false) {
            format!("`{}` consumes from `{}`", cx.name(l.from), cx.name(l.to))
        } else {
            format!("`{}` {} `{}`", cx.name(l.from), arrow(h), cx.name(l.to))
        };
        if systems {
            format!("{hop}: `{}` depends on `{}`", cx.name(g.nodes[h.from]), cx.name(g.nodes[h.to]))
        } else {
            hop
        }
    };
    let subjects: Vec<ElementId> = c.hops.iter().filter(|h| g.subject[h.from]).map(|h| g.nodes[h.from]).collect();
    let what = if systems { "systems" } else { "components" };
    let message = if c.sync {
        format!("{what} depend on each other synchronously in a cycle: {path}")
    } else {
        format!("{what} depend on each other in a cycle through asynchronous links: {path}")
    };
    let first = c.hops.first().and_then(|h| cx.facts.links.get(h.link));
    let span = first.map_or_else(|| cx.span_of(subjects.first().copied().unwrap_or(ElementId(0))), |l| l.span);
    let mut d = cx.finding(&DEPENDENCY_CYCLE, message, span, c.hops.first().map(label).unwrap_or_default(), &subjects);
    if !c.sync {
        d.severity = Severity::Warning;
    }
    for h in c.hops.iter().skip(1) {
        if let Some(l) = cx.facts.links.get(h.link) {
            d = d.with_secondary(l.span, label(h));
        }
    }
    if c.group.len() > subjects.len() {
        let group: Vec<ElementId> = c.group.iter().map(|v| g.nodes[*v]).collect();
        d = d.with_note(format!("{} {what} are tangled in this group: {}", group.len(), name_list(cx, &group, 8)));
    }
    let help = if systems {
        "make the dependency between the systems go one way: invert one link with an event, or move the component that calls back into the other system"
    } else if c.sync {
        "break the cycle: invert one call (publish an event or let the callee pull), extract what both sides need into a third component, or merge the components"
    } else {
        "check that the loop is intended: an event chain that feeds back into its origin needs idempotent handlers and a guard against endless loops"
    };
    d.with_help(help)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{findings, uses};
    use crate::diagnostics::Severity;

    #[test]
    fn a_sync_cycle_is_one_error_with_the_shortest_cycle() {
        // b -> c -> d -> b and b -> d -> b: one group, the 2-cycle is shown.
        let text = [uses("b", &["c", "d"]), uses("c", &["d"]), uses("d", &["b"])].concat();
        let f = findings("CPL001", &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(f[0].message, "components depend on each other synchronously in a cycle: b -> d -> b");
        assert_eq!(f[0].subjects, vec!["b", "d"]);
        assert_eq!(f[0].secondary.len(), 1);
        assert!(f[0].notes[0].contains("3 components"), "{:?}", f[0].notes);
    }

    #[test]
    fn a_cycle_through_a_shared_topic_is_the_cycle_of_its_components() {
        let text = "event OrderPlaced {\n  classification internal\n}\nevent StockReserved {\n  classification internal\n}\ntopic bus {\n  carries OrderPlaced, StockReserved\n}\ncomponent orders {\n  publishes OrderPlaced\n  subscribes StockReserved\n  uses bus async\n}\ncomponent stock {\n  publishes StockReserved\n  subscribes OrderPlaced\n  uses bus async\n}\n";
        let f = findings("CPL001", text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].message,
            "components depend on each other in a cycle through asynchronous links: orders ~> bus ~> stock ~> bus ~> orders"
        );
        assert_eq!(f[0].subjects, vec!["orders", "stock"]);
    }

    #[test]
    fn the_cycle_starts_at_the_smallest_name() {
        let text = [uses("zeta", &["alpha"]), uses("alpha", &["mid"]), uses("mid", &["zeta"])].concat();
        let f = findings("CPL001", &text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].subjects, vec!["alpha", "mid", "zeta"]);
        assert!(f[0].message.ends_with("alpha -> mid -> zeta -> alpha"), "{}", f[0].message);
    }

    #[test]
    fn two_separate_cycles_are_two_findings() {
        let text = [uses("a", &["b"]), uses("b", &["a"]), uses("c", &["d"]), uses("d", &["c"])].concat();
        assert_eq!(findings("CPL001", &text).len(), 2);
    }

    #[test]
    fn an_async_cycle_through_a_topic_is_a_warning() {
        let text = "event Billed { classification internal }\ntopic billing_events { carries Billed }\ncomponent orders {\n  uses billing sync { timeout 1s circuit-breaker }\n  subscribes Billed\n}\ncomponent billing { publishes Billed }\n";
        let f = findings("CPL001", text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].message, "components depend on each other in a cycle through asynchronous links: billing ~> billing_events ~> orders -> billing");
        assert_eq!(f[0].subjects, vec!["billing", "orders"]);
    }

    #[test]
    fn a_sync_cycle_is_not_reported_again_as_async() {
        let text = "component a {\n  uses b sync { timeout 1s circuit-breaker }\n  uses b async\n}\ncomponent b {\n  uses a sync { timeout 1s circuit-breaker }\n}\n";
        let f = findings("CPL001", text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Error);
    }

    #[test]
    fn an_async_group_around_a_sync_cycle_shows_an_async_cycle() {
        // a <-> b sync; b ~> c, c -> a: the group {a, b, c} is reported once more, with c in it.
        let text = "component a {\n  uses b sync { timeout 1s circuit-breaker }\n}\ncomponent b {\n  uses a sync { timeout 1s circuit-breaker }\n  uses c async\n}\ncomponent c {\n  uses a sync { timeout 1s circuit-breaker }\n}\n";
        let f = findings("CPL001", text);
        assert_eq!(f.len(), 2, "{f:?}");
        let w = f.iter().find(|d| d.severity == Severity::Warning).unwrap();
        assert_eq!(
            w.message,
            "components depend on each other in a cycle through asynchronous links: a -> b ~> c -> a"
        );
    }

    #[test]
    fn a_reply_step_is_not_a_dependency() {
        let text = "actor user\ncomponent web\ncomponent api\nflow f {\n  user -> web https\n  web -> api https\n  api -> web \"result\"\n}\n";
        assert!(findings("CPL001", text).is_empty());
        // A step back through an interface is a call of its own.
        let callback = "component web { exposes Hook }\ninterface Hook webhook\ncomponent api\nflow f {\n  web -> api https\n  api -> web https via Hook\n}\n";
        assert_eq!(findings("CPL001", callback).len(), 1);
    }

    #[test]
    fn a_consumer_using_its_queue_does_not_close_a_cycle() {
        let text = "event Job { classification internal }\nqueue jobs { carries Job }\ncomponent producer {\n  publishes Job\n  uses jobs async\n}\ncomponent worker {\n  subscribes Job\n  uses jobs async\n  uses other sync { timeout 1s circuit-breaker }\n}\ncomponent other {\n  uses jobs { access read }\n}\n";
        assert!(findings("CPL001", text).is_empty(), "{:?}", findings("CPL001", text));
    }

    #[test]
    fn systems_in_a_cycle_are_reported_with_the_systems() {
        let text = "system shop\nsystem pay\ncomponent orders {\n  system shop\n  uses billing sync { timeout 1s circuit-breaker }\n}\ncomponent billing {\n  system pay\n  uses stock sync { timeout 1s circuit-breaker }\n}\ncomponent stock {\n  system shop\n}\n";
        let f = findings("CPL001", text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].subjects, vec!["pay", "shop"]);
        assert_eq!(f[0].message, "systems depend on each other synchronously in a cycle: pay -> shop -> pay");
    }

    #[test]
    fn a_long_cycle_is_found_without_recursion() {
        let n = 3000;
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&uses(&format!("c{i:04}"), &[&format!("c{:04}", (i + 1) % n)]));
        }
        let f = findings("CPL001", &text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].subjects.len(), n);
    }

    #[test]
    fn systems_linked_through_a_shared_topic_form_an_async_cycle() {
        let text = "system s1\nsystem s2\nevent E { classification internal }\ntopic t { carries E }\ncomponent a {\n  system s1\n  publishes E\n}\ncomponent b {\n  system s2\n  subscribes E\n  uses a sync { timeout 1s circuit-breaker }\n}\n";
        let f = findings("CPL001", text);
        let msgs: Vec<(&str, Severity)> = f.iter().map(|d| (d.message.as_str(), d.severity)).collect();
        assert_eq!(
            msgs,
            vec![
                (
                    "components depend on each other in a cycle through asynchronous links: a ~> t ~> b -> a",
                    Severity::Warning
                ),
                (
                    "systems depend on each other in a cycle through asynchronous links: s1 ~> t ~> s2 -> s1",
                    Severity::Warning
                ),
            ]
        );
        assert_eq!(f[1].subjects, vec!["s1", "s2"]);
    }

    #[test]
    fn the_first_link_of_the_cycle_is_the_primary_span_and_declarations_win_over_steps() {
        let text = "component a {\n  uses b sync { timeout 1s circuit-breaker }\n}\ncomponent b\nflow f {\n  a -> b https\n  b -> a https via Back\n}\ninterface Back rest { provider a }\n";
        let f = findings("CPL001", text);
        assert_eq!(f.len(), 1);
        let primary = f[0].primary.as_ref().unwrap();
        assert_eq!(&text[primary.span.start as usize..primary.span.start as usize + 6], "uses b");
        assert_eq!(f[0].secondary.len(), 1);
        assert_eq!(f[0].secondary[0].message, "`b` -> `a`");
    }
}
