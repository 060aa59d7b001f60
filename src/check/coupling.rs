//! Coupling (CPL): dependency cycles between components and between systems, layering, built-in
//! forbidden and required dependencies, interface bypass, and the Martin/Arcan/MSANose structure
//! metrics (instability, hubs, fan-in and fan-out, shared data, static endpoints, wrong cuts).
//!
//! CPL012 coupling-metrics-regression has no rule here: it compares the metrics with those of a
//! stored baseline *report*, and the baseline kept today only records finding fingerprints.
//!
//! Dependencies are read from the link index: `uses`, flow steps and event deliveries. A flow step
//! that answers an earlier step of the same flow in the opposite direction, synchronously and
//! without naming an interface, is the reply to that call and not a dependency of its own.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::shared::{count, exposed_by, name_list, team_of};
use super::{Category, Ctx, LinkOrigin, Rule, RuleOption};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::graph;
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

const fn code(id: &'static str, name: &'static str, severity: Severity, summary: &'static str) -> Code {
    Code { id, name, severity, summary }
}

/// The coupling rules, in code order.
pub static RULES: &[&Rule] = &[
    &DEPENDENCY_CYCLE,
    &LAYER_VIOLATION,
    &FORBIDDEN_DEPENDENCY,
    &REQUIRED_DEPENDENCY,
    &INTERFACE_BYPASS,
    &UNSTABLE_DEPENDENCY,
    &HUB_LIKE_COMPONENT,
    &EFFERENT_COUPLING_LIMIT,
    &INAPPROPRIATE_INTIMACY,
    &ENDPOINT_BASED_INTERACTION,
    &WRONG_CUT,
];

fn user_kind(cx: &Ctx<'_>, id: ElementId) -> Option<DeclKind> {
    cx.model.get(id).filter(|e| !e.from_std).map(|e| e.kind)
}

fn is_component(cx: &Ctx<'_>, id: ElementId) -> bool {
    user_kind(cx, id) == Some(DeclKind::Component)
}

fn is_broker(cx: &Ctx<'_>, id: ElementId) -> bool {
    matches!(user_kind(cx, id), Some(DeclKind::Queue | DeclKind::Topic))
}

/// Components in name order.
fn components(cx: &Ctx<'_>) -> Vec<ElementId> {
    let mut v: Vec<ElementId> = cx.model.of_kind(DeclKind::Component).map(|(id, _)| id).collect();
    v.sort_by_cached_key(|id| cx.name(*id));
    v
}

// ---------------------------------------------------------------------------------------------
// CPL001

pub static DEPENDENCY_CYCLE: Rule = Rule {
    code: code("CPL001", "dependency-cycle", Severity::Error, "Components (or systems) that depend on each other in a cycle."),
    category: Category::Coupling,
    explanation: "Components in a dependency cycle cannot be built, deployed, tested or reasoned about separately (the acyclic dependencies principle): a change or an outage anywhere in the cycle reaches all of it, and with synchronous calls a slow member can deadlock the others or exhaust their thread pools. A cycle of synchronous calls (`uses ... sync`, `->` steps between components) is an error; a cycle that needs at least one asynchronous link (`~>` steps, `uses` of a queue or topic, an event delivered from publisher through its topic to a subscriber) is a warning, since the coupling is in time rather than in availability. Each strongly connected group is reported once with one shortest cycle in it, and systems that depend on each other through their components' links are reported too. Break a cycle by inverting one dependency (publish an event, or let the callee pull instead of being called back), by extracting what both sides need into a third component, or by merging components that cannot live apart.",
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
    /// Per node: target node -> its links.
    adj: Vec<BTreeMap<usize, EdgeLinks>>,
}

/// The first synchronous and the first asynchronous link of an edge.
type EdgeLinks = (Option<usize>, Option<usize>);

/// A breadth-first state: a node, and whether an asynchronous link was taken on the way.
type State = (usize, bool);

impl CycleGraph {
    fn new(cx: &Ctx<'_>, mut nodes: Vec<(ElementId, bool)>) -> (CycleGraph, BTreeMap<ElementId, usize>) {
        nodes.sort_by_cached_key(|(id, _)| cx.name(*id));
        let pos = nodes.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
        let g = CycleGraph {
            subject: nodes.iter().map(|(_, s)| *s).collect(),
            adj: vec![BTreeMap::new(); nodes.len()],
            nodes: nodes.into_iter().map(|(id, _)| id).collect(),
        };
        (g, pos)
    }

    fn add(&mut self, a: usize, b: usize, link: usize, is_async: bool) {
        if a == b {
            return;
        }
        let Some(out) = self.adj.get_mut(a) else { return };
        let e = out.entry(b).or_insert((None, None));
        if is_async {
            e.1.get_or_insert(link);
        } else {
            e.0.get_or_insert(link);
        }
    }

    fn sync_succ(&self, v: usize) -> Vec<usize> {
        if !self.subject[v] {
            return Vec::new();
        }
        self.adj[v].iter().filter(|(t, (s, _))| s.is_some() && self.subject[**t]).map(|(t, _)| *t).collect()
    }

    fn all_succ(&self, v: usize) -> Vec<usize> {
        self.adj[v].keys().copied().collect()
    }
}

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
    let sync_sccs = graph::strongly_connected(n, |v| g.sync_succ(v));
    let mut sync_id = vec![usize::MAX; n];
    for (k, scc) in sync_sccs.iter().enumerate() {
        if scc.len() < 2 {
            continue;
        }
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
                let link = g.adj[w[0]].get(&w[1]).and_then(|(s, _)| *s)?;
                Some(Hop { from: w[0], to: w[1], link, is_async: false })
            })
            .collect();
        out.push(Cycle { hops: rotate(g, hops), sync: true, group: scc.clone() });
    }
    let all_sccs = graph::strongly_connected(n, |v| g.all_succ(v));
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
            let c = simple_async(walk);
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
                        let (s, a) = g.adj[w[0]].get(&w[1]).copied()?;
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
    let begin = (start, false);
    let goal = (start, true);
    let mut prev: BTreeMap<State, (State, usize, bool)> = BTreeMap::new();
    let mut queue = VecDeque::from([begin]);
    while let Some(cur) = queue.pop_front() {
        let (v, taken) = cur;
        for (&w, &(s, a)) in &g.adj[v] {
            if group.get(w) != Some(&k) {
                continue;
            }
            let options = [s.map(|l| ((w, taken), l, false)), a.map(|l| ((w, true), l, true))];
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

/// Cuts a closed walk down to a simple cycle that still takes an asynchronous link.
fn simple_async(mut hops: Vec<Hop>) -> Vec<Hop> {
    loop {
        let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
        let mut split = None;
        for (j, h) in hops.iter().enumerate() {
            if let Some(&i) = seen.get(&h.from) {
                split = Some((i, j));
                break;
            }
            seen.insert(h.from, j);
        }
        let Some((i, j)) = split else { return hops };
        let inner: Vec<Hop> = hops[i..j].to_vec();
        let outer: Vec<Hop> = hops[..i].iter().chain(hops[j..].iter()).copied().collect();
        hops = if inner.iter().any(|h| h.is_async) { inner } else { outer };
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
    let mut delivered: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for l in cx.facts.links.iter().filter(|l| l.origin == LinkOrigin::Event) {
        delivered.insert((l.from, l.to));
    }
    cx.facts
        .links
        .iter()
        .map(|l| {
            l.origin == LinkOrigin::Uses
                && is_broker(cx, l.to)
                && (l.access.as_deref() == Some("read")
                    || (delivered.contains(&(l.to, l.from)) && !delivered.contains(&(l.from, l.to))))
        })
        .collect()
}

fn dependency_cycle(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deps = &cx.facts.deps;
    let consumer = consumer_links(cx);
    // Components, with brokers as relays.
    let nodes: Vec<(ElementId, bool)> = cx
        .model
        .iter()
        .filter(|(_, e)| !e.from_std && matches!(e.kind, DeclKind::Component | DeclKind::Queue | DeclKind::Topic))
        .map(|(id, e)| (id, e.kind == DeclKind::Component))
        .collect();
    let (mut g, pos) = CycleGraph::new(cx, nodes);
    for (i, l) in deps.links(cx.facts) {
        let (Some(&a), Some(&b)) = (pos.get(&l.from), pos.get(&l.to)) else { continue };
        if consumer[i] {
            g.add(b, a, i, true);
        } else {
            g.add(a, b, i, l.is_async);
        }
    }
    for c in find_cycles(&g) {
        acc.push(cycle_finding(cx, &g, &c, &consumer, false));
    }
    // Systems, through their members' links; brokers without a system relay.
    let systems: BTreeSet<ElementId> = cx.model.of_kind(DeclKind::System).map(|(id, _)| id).collect();
    if systems.len() < 2 {
        return;
    }
    let mut nodes: Vec<(ElementId, bool)> = systems.iter().map(|s| (*s, true)).collect();
    let system_of = |x: ElementId| {
        cx.model.get(x).filter(|e| !e.from_std).and_then(|e| e.reference("system")).filter(|s| systems.contains(s))
    };
    nodes.extend(
        cx.model.iter().filter(|(id, _)| is_broker(cx, *id) && system_of(*id).is_none()).map(|(id, _)| (id, false)),
    );
    let (mut g, pos) = CycleGraph::new(cx, nodes);
    let node_of = |x: ElementId| -> Option<usize> {
        match user_kind(cx, x)? {
            DeclKind::Component | DeclKind::Datastore | DeclKind::Cache | DeclKind::Queue | DeclKind::Topic => {
                system_of(x).or(Some(x).filter(|x| is_broker(cx, *x))).and_then(|n| pos.get(&n).copied())
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

// ---------------------------------------------------------------------------------------------
// CPL002

/// `[rules.CPL002] ensure-all-layered`.
pub const LAYER_VIOLATION_ENSURE_ALL_LAYERED: RuleOption = RuleOption {
    rule: "CPL002",
    name: "ensure-all-layered",
    default: 0,
    doc: "1 reports components without a `layer` that take part in links between components.",
};

pub static LAYER_VIOLATION: Rule = Rule {
    code: code("CPL002", "layer-violation", Severity::Error, "A link between components whose layers may not depend on each other."),
    category: Category::Coupling,
    explanation: "Layers keep dependencies pointing one way, so that what changes often (presentation) depends on what is stable (business rules, data), never the reverse. The allowed dependencies are: presentation -> presentation, business, cross-cutting; business -> business, data, infrastructure, cross-cutting; infrastructure -> infrastructure, data, cross-cutting; data -> data, cross-cutting; cross-cutting -> infrastructure, data, cross-cutting. A `uses` or flow step between components whose layers are not in this list is reported. A layer may always depend on itself (as in ArchUnit's layered architecture), so an edge proxy may forward to the pages it fronts. Components without a `layer` are skipped unless the option `ensure-all-layered` is 1, which then reports each unlayered component on a link between components.",
    bad: "component web {\n  layer presentation\n  uses orders_repo sync { timeout 1s circuit-breaker }\n}\ncomponent orders_repo {\n  layer data\n}\n",
    good: "component web {\n  layer presentation\n  uses orders sync { timeout 1s circuit-breaker }\n}\ncomponent orders {\n  layer business\n  uses orders_repo sync { timeout 1s circuit-breaker }\n}\ncomponent orders_repo {\n  layer data\n}\n",
    options: &[LAYER_VIOLATION_ENSURE_ALL_LAYERED],
    run: layer_violation,
};

/// The default layer matrix: what each layer may depend on.
const LAYER_ALLOWS: &[(&str, &[&str])] = &[
    ("presentation", &["presentation", "business", "cross-cutting"]),
    ("business", &["business", "data", "infrastructure", "cross-cutting"]),
    ("infrastructure", &["infrastructure", "data", "cross-cutting"]),
    ("data", &["data", "cross-cutting"]),
    ("cross-cutting", &["infrastructure", "data", "cross-cutting"]),
];

fn layer_allows(from: &str, to: &str) -> Option<bool> {
    LAYER_ALLOWS.iter().find(|(l, _)| *l == from).map(|(_, allowed)| allowed.contains(&to))
}

fn layer_violation(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deps = &cx.facts.deps;
    let ensure = cx.option(&LAYER_VIOLATION_ENSURE_ALL_LAYERED) > 0;
    let layer = |c: ElementId| cx.model.get(c).and_then(|e| e.word("layer"));
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    let mut unlayered: BTreeMap<ElementId, ElementId> = BTreeMap::new();
    for (_, l) in deps.links(cx.facts) {
        if l.origin == LinkOrigin::Event || !is_component(cx, l.from) || !is_component(cx, l.to) {
            continue;
        }
        let (Some(a), Some(b)) = (layer(l.from), layer(l.to)) else {
            for (x, other) in [(l.from, l.to), (l.to, l.from)] {
                if layer(x).is_none() {
                    unlayered.entry(x).or_insert(other);
                }
            }
            continue;
        };
        if layer_allows(a, b) != Some(false) || !seen.insert((l.from, l.to)) {
            continue;
        }
        let allowed = LAYER_ALLOWS.iter().find(|(x, _)| *x == a).map(|(_, v)| v.join(", ")).unwrap_or_default();
        acc.push(
            cx.finding(
                &LAYER_VIOLATION,
                format!("`{}` ({a}) depends on `{}` ({b})", cx.name(l.from), cx.name(l.to)),
                l.span,
                format!("{a} may not depend on {b}"),
                &[l.from, l.to],
            )
            .with_secondary(cx.span_of(l.to), format!("layer {b}"))
            .with_help(format!("{a} may depend on {allowed}; route the call through a component of one of those layers, or correct the `layer`")),
        );
    }
    if !ensure {
        return;
    }
    for (c, other) in unlayered {
        acc.push(
            cx.finding(
                &LAYER_VIOLATION,
                format!("component `{}` has no layer", cx.name(c)),
                cx.span_of(c),
                "no `layer`",
                &[c],
            )
            .with_note(format!("it is linked with `{}`, and `ensure-all-layered` is on", cx.name(other)))
            .with_help("add `layer presentation`, `business`, `infrastructure`, `data` or `cross-cutting`"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// CPL003

pub static FORBIDDEN_DEPENDENCY: Rule = Rule {
    code: code("CPL003", "forbidden-or-not-allowed", Severity::Error, "A link matching a forbidden dependency pattern."),
    category: Category::Coupling,
    explanation: "Some dependencies are wrong whatever the rest of the design: frontends and mobile apps never talk to databases, and nothing running in an untrusted zone (trust `none`, or a zone marked `internet`) reaches a datastore directly. Such a link puts credentials for the store on devices or hosts you do not control and lets anyone who extracts them bypass every rule of the owning service. Go through a service that owns the store and exposes an interface. These two patterns are the built-in defaults; user-defined `forbidden` and `allowed` patterns (from, to, via) are not configurable yet, since `arch.toml` only carries numeric rule options.",
    bad: "component app {\n  kind mobile\n  uses orders_db { access read }\n}\ndatastore orders_db\n",
    good: "component app {\n  kind mobile\n  uses orders sync { timeout 1s circuit-breaker }\n}\ncomponent orders {\n  uses orders_db { access read }\n}\ndatastore orders_db\n",
    options: &[],
    run: forbidden_dependency,
};

fn forbidden_dependency(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deps = &cx.facts.deps;
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for (_, l) in deps.links(cx.facts) {
        if !is_component(cx, l.from) || user_kind(cx, l.to) != Some(DeclKind::Datastore) {
            continue;
        }
        let kind = cx.kind_word(l.from).filter(|k| matches!(*k, "frontend" | "mobile" | "spa" | "desktop"));
        let zone = cx.facts.zone_of(l.from).filter(|z| cx.zones.trust(*z) == Some(0) || cx.zones.is_internet(*z));
        let why = match (kind, zone) {
            (Some(k), _) => format!("{k} `{}`", cx.name(l.from)),
            (None, Some(z)) => format!("`{}` in untrusted zone `{}`", cx.name(l.from), cx.name(z)),
            (None, None) => continue,
        };
        if !seen.insert((l.from, l.to)) {
            continue;
        }
        acc.push(
            cx.finding(&FORBIDDEN_DEPENDENCY, format!("{why} accesses datastore `{}` directly", cx.name(l.to)), l.span, "forbidden: client to database", &[l.from, l.to])
                .with_help("call a service that owns the datastore through its interface instead")
                .with_note("built-in pattern: frontends, mobile apps and components in untrusted zones never reach a datastore directly"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// CPL004

pub static REQUIRED_DEPENDENCY: Rule = Rule {
    code: code("CPL004", "required-dependency", Severity::Error, "A component that lacks a dependency it must have."),
    category: Category::Coupling,
    explanation: "Some dependencies must exist for the design to be sound. The built-in requirement: when the model has an identity provider (a component of kind `identity-provider` or an external of kind `identity`), every gateway must reach one of them, directly or through other links, since a gateway that never talks to the identity provider cannot validate the tokens it lets through, or the model is missing that link. Models without an identity provider are not checked. User-defined requirements (a selector, a target and `reachable`) are not configurable yet, since `arch.toml` only carries numeric rule options.",
    bad: "component edge {\n  kind gateway\n  uses orders sync { timeout 1s circuit-breaker }\n}\ncomponent orders\nexternal auth0 {\n  kind identity\n}\ncomponent web {\n  uses auth0 sync { timeout 1s circuit-breaker }\n  uses edge sync { timeout 1s circuit-breaker }\n}\n",
    good: "component edge {\n  kind gateway\n  uses orders sync { timeout 1s circuit-breaker }\n  uses auth0 sync { timeout 1s circuit-breaker }\n}\ncomponent orders\nexternal auth0 {\n  kind identity\n}\ncomponent web {\n  uses auth0 sync { timeout 1s circuit-breaker }\n  uses edge sync { timeout 1s circuit-breaker }\n}\n",
    options: &[],
    run: required_dependency,
};

fn required_dependency(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let idps: Vec<ElementId> = cx
        .model
        .iter()
        .filter(|(id, e)| !e.from_std && cx.facts.roles(*id).identity_provider)
        .map(|(id, _)| id)
        .collect();
    if idps.is_empty() {
        return;
    }
    // Everything that reaches an identity provider: breadth-first backwards from all of them.
    let deps = &cx.facts.deps;
    let mut reaches = vec![false; cx.model.elements.len()];
    let mut queue: VecDeque<ElementId> = idps.iter().copied().collect();
    for i in &idps {
        reaches[i.0 as usize] = true;
    }
    while let Some(v) = queue.pop_front() {
        for &li in cx.facts.incoming.get(v.0 as usize).map(Vec::as_slice).unwrap_or(&[]) {
            let Some(l) = cx.facts.links.get(li) else { continue };
            if !deps.is_dependency(li) {
                continue;
            }
            if let Some(r) = reaches.get_mut(l.from.0 as usize) {
                if !*r {
                    *r = true;
                    queue.push_back(l.from);
                }
            }
        }
    }
    for (id, e) in cx.model.of_kind(DeclKind::Component) {
        if e.word("kind") != Some("gateway") || reaches[id.0 as usize] {
            continue;
        }
        acc.push(
            cx.finding(
                &REQUIRED_DEPENDENCY,
                format!("gateway `{}` does not reach an identity provider", e.name),
                e.name_span,
                "no path to an identity provider",
                &[id],
            )
            .with_help(format!(
                "add the link it validates tokens with, e.g. `uses {} sync {{ ... }}`",
                cx.name(idps[0])
            ))
            .with_note(format!("identity providers in the model: {}", name_list(cx, &idps, 4))),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// CPL005

pub static INTERFACE_BYPASS: Rule = Rule {
    code: code("CPL005", "interface-bypass", Severity::Error, "A link into another system that does not go through the interfaces the target exposes."),
    category: Category::Coupling,
    explanation: "A component that exposes interfaces offers them as its contract to the outside. A caller from another system that reaches it without naming one of them (`via`) depends on internals: undocumented endpoints, a private port, an implementation detail that can change without notice, and skips the authentication and versioning the interface promises. Name the interface the link uses, or have the target expose one for what the caller needs. Links inside a system, and targets that expose no interface at all, are not checked.",
    bad: "system shop\nsystem payments\ncomponent orders {\n  system shop\n  uses billing sync { timeout 1s circuit-breaker }\n}\ncomponent billing {\n  system payments\n  exposes BillingApi\n}\ninterface BillingApi rest\n",
    good: "system shop\nsystem payments\ncomponent orders {\n  system shop\n  uses billing sync { via BillingApi timeout 1s circuit-breaker }\n}\ncomponent billing {\n  system payments\n  exposes BillingApi\n}\ninterface BillingApi rest\n",
    options: &[],
    run: interface_bypass,
};

fn interface_bypass(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deps = &cx.facts.deps;
    let exposed = exposed_by(cx);
    let system = |c: ElementId| cx.model.get(c).and_then(|e| e.reference("system"));
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for (_, l) in deps.links(cx.facts) {
        if l.via.is_some() || l.origin == LinkOrigin::Event || !is_component(cx, l.from) || !is_component(cx, l.to) {
            continue;
        }
        let (Some(a), Some(b)) = (system(l.from), system(l.to)) else { continue };
        let Some(ifaces) = exposed.get(&l.to).filter(|v| !v.is_empty()) else { continue };
        if a == b || !seen.insert((l.from, l.to)) {
            continue;
        }
        let mut names: Vec<String> = ifaces.iter().take(3).map(|i| format!("`via {}`", cx.name(*i))).collect();
        if ifaces.len() > 3 {
            names.push("...".into());
        }
        acc.push(
            cx.finding(
                &INTERFACE_BYPASS,
                format!(
                    "`{}` reaches `{}` of system `{}` without one of its interfaces",
                    cx.name(l.from),
                    cx.name(l.to),
                    cx.name(b)
                ),
                l.span,
                "no `via`",
                &[l.from, l.to],
            )
            .with_secondary(cx.span_of(l.to), format!("exposes {}", name_list(cx, ifaces, 3)))
            .with_help(format!("name the interface the link goes through: {}", names.join(", "))),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Component dependency metrics (CPL006-CPL008).

/// Distinct dependencies between components (sync and async, events through brokers excluded),
/// with the first link of each pair.
struct ComponentGraph {
    comps: Vec<ElementId>,
    out: Vec<BTreeMap<usize, usize>>,
    inn: Vec<BTreeSet<usize>>,
}

impl ComponentGraph {
    fn new(cx: &Ctx<'_>) -> ComponentGraph {
        let comps = components(cx);
        let pos: BTreeMap<ElementId, usize> = comps.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let mut out = vec![BTreeMap::new(); comps.len()];
        let mut inn = vec![BTreeSet::new(); comps.len()];
        let deps = &cx.facts.deps;
        for (i, l) in deps.links(cx.facts) {
            let (Some(&a), Some(&b)) = (pos.get(&l.from), pos.get(&l.to)) else { continue };
            if a == b {
                continue;
            }
            out[a].entry(b).or_insert(i);
            inn[b].insert(a);
        }
        ComponentGraph { comps, out, inn }
    }

    fn instability(&self, v: usize) -> f64 {
        let (ce, ca) = (self.out[v].len() as f64, self.inn[v].len() as f64);
        if ce + ca == 0.0 {
            0.0
        } else {
            ce / (ce + ca)
        }
    }
}

/// `[rules.CPL006] max-percent`.
pub const UNSTABLE_DEPENDENCY_MAX_PERCENT: RuleOption = RuleOption {
    rule: "CPL006",
    name: "max-percent",
    default: 30,
    doc: "Largest share (percent) of dependencies that may target less stable components.",
};
/// `[rules.CPL006] min-dependencies`.
pub const UNSTABLE_DEPENDENCY_MIN_DEPENDENCIES: RuleOption = RuleOption {
    rule: "CPL006",
    name: "min-dependencies",
    default: 3,
    doc: "Fewest dependencies on components before the rule applies.",
};

pub static UNSTABLE_DEPENDENCY: Rule = Rule {
    code: code("CPL006", "unstable-dependency", Severity::Warning, "A component that depends mostly on components less stable than itself."),
    category: Category::Coupling,
    explanation: "Dependencies should point towards stability (the stable dependencies principle): a component's instability is I = Ce / (Ca + Ce), its outgoing dependencies over all its dependencies, and a component that many others rely on should not itself rely on components that change more easily than it does, or their churn ripples into all its dependents. The rule reports a component when more than `max-percent` (30) of its dependencies on other components target components of higher instability, once it has at least `min-dependencies` (3) of them. Dependencies are distinct components reached by `uses` or flow steps, sync or async.",
    bad: "component core {\n  uses a sync { timeout 1s circuit-breaker }\n  uses b sync { timeout 1s circuit-breaker }\n  uses flaky sync { timeout 1s circuit-breaker }\n}\ncomponent web {\n  uses core sync { timeout 1s circuit-breaker }\n}\ncomponent admin {\n  uses core sync { timeout 1s circuit-breaker }\n}\ncomponent a\ncomponent b\ncomponent flaky {\n  uses x sync { timeout 1s circuit-breaker }\n  uses y sync { timeout 1s circuit-breaker }\n}\ncomponent x\ncomponent y\n",
    good: "component core {\n  uses a sync { timeout 1s circuit-breaker }\n  uses b sync { timeout 1s circuit-breaker }\n  uses flaky sync { timeout 1s circuit-breaker }\n}\ncomponent web {\n  uses core sync { timeout 1s circuit-breaker }\n}\ncomponent admin {\n  uses core sync { timeout 1s circuit-breaker }\n}\ncomponent a\ncomponent b\ncomponent flaky {\n  uses x sync { timeout 1s circuit-breaker }\n}\ncomponent x\ncomponent y {\n  standalone\n}\n",
    options: &[
        UNSTABLE_DEPENDENCY_MAX_PERCENT,
        UNSTABLE_DEPENDENCY_MIN_DEPENDENCIES,
    ],
    run: unstable_dependency,
};

fn unstable_dependency(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let max_pct = cx.option(&UNSTABLE_DEPENDENCY_MAX_PERCENT);
    let min_deps = cx.option(&UNSTABLE_DEPENDENCY_MIN_DEPENDENCIES).max(1) as usize;
    let g = ComponentGraph::new(cx);
    for v in 0..g.comps.len() {
        let ce = g.out[v].len();
        if ce < min_deps {
            continue;
        }
        let mine = g.instability(v);
        let worse: Vec<(usize, usize)> =
            g.out[v].iter().filter(|(t, _)| g.instability(**t) > mine + 1e-9).map(|(t, l)| (*t, *l)).collect();
        if (worse.len() as u64) * 100 <= max_pct * ce as u64 {
            continue;
        }
        let c = g.comps[v];
        let mut d = cx.finding(
            &UNSTABLE_DEPENDENCY,
            format!(
                "`{}` depends on {} less stable than itself, out of {ce}",
                cx.name(c),
                count(worse.len(), "component")
            ),
            cx.span_of(c),
            format!("instability {mine:.2}"),
            &[c],
        );
        for (t, li) in &worse {
            if let Some(l) = cx.facts.links.get(*li) {
                d = d.with_secondary(
                    l.span,
                    format!("`{}` has instability {:.2}", cx.name(g.comps[*t]), g.instability(*t)),
                );
            }
        }
        acc.push(d.with_help("depend on stable abstractions: put an interface owned by this component between it and the volatile ones, or move the volatile logic behind a stable component"));
    }
}

/// `[rules.CPL007] min-degree`.
pub const HUB_LIKE_COMPONENT_MIN_DEGREE: RuleOption = RuleOption {
    rule: "CPL007",
    name: "min-degree",
    default: 3,
    doc: "Fewest dependents and fewest dependencies a hub has.",
};

pub static HUB_LIKE_COMPONENT: Rule = Rule {
    code: code("CPL007", "hub-like-component", Severity::Warning, "A component with both many dependents and many dependencies."),
    category: Category::Coupling,
    explanation: "A hub has both more dependents and more dependencies than the typical component, in similar numbers: changes flow into it from every side and out of it to every side, it is a single point of failure, and it tends to grow into an enterprise service bus that knows everybody's business. The rule reports a component whose fan-in and fan-out (distinct components) are both above the model's medians and at least `min-degree` (3), and differ by less than a quarter of their sum. Split it by responsibility, or replace point-to-point calls with events.",
    bad: "component a {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent b {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent c {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent hub {\n  uses x sync { timeout 1s circuit-breaker }\n  uses y sync { timeout 1s circuit-breaker }\n  uses z sync { timeout 1s circuit-breaker }\n}\ncomponent x\ncomponent y\ncomponent z\n",
    good: "component a {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent b {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent c {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent hub {\n  uses x sync { timeout 1s circuit-breaker }\n}\ncomponent x\ncomponent y {\n  standalone\n}\ncomponent z {\n  standalone\n}\n",
    options: &[HUB_LIKE_COMPONENT_MIN_DEGREE],
    run: hub_like_component,
};

fn median(mut v: Vec<usize>) -> f64 {
    v.sort_unstable();
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2] as f64,
        n => (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0,
    }
}

fn hub_like_component(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min = cx.option(&HUB_LIKE_COMPONENT_MIN_DEGREE) as usize;
    let g = ComponentGraph::new(cx);
    let med_in = median(g.inn.iter().map(BTreeSet::len).collect());
    let med_out = median(g.out.iter().map(BTreeMap::len).collect());
    for v in 0..g.comps.len() {
        let (fi, fo) = (g.inn[v].len(), g.out[v].len());
        if fi < min || fo < min || fi as f64 <= med_in || fo as f64 <= med_out || 4 * fi.abs_diff(fo) >= fi + fo {
            continue;
        }
        let c = g.comps[v];
        acc.push(
            cx.finding(
                &HUB_LIKE_COMPONENT,
                format!("`{}` is a hub: {} depend on it and it depends on {fo}", cx.name(c), count(fi, "component")),
                cx.span_of(c),
                "hub",
                &[c],
            )
            .with_note(format!("median fan-in {med_in}, median fan-out {med_out}"))
            .with_help("split it by responsibility, or let its dependents and dependencies talk through events"),
        );
    }
}

/// `[rules.CPL008] max-fan-out`.
pub const EFFERENT_COUPLING_LIMIT_MAX_FAN_OUT: RuleOption = RuleOption {
    rule: "CPL008",
    name: "max-fan-out",
    default: 7,
    doc: "Most distinct synchronous targets of a component.",
};
/// `[rules.CPL008] max-fan-in`.
pub const EFFERENT_COUPLING_LIMIT_MAX_FAN_IN: RuleOption = RuleOption {
    rule: "CPL008",
    name: "max-fan-in",
    default: 10,
    doc: "Most distinct synchronous callers of a component.",
};

pub static EFFERENT_COUPLING_LIMIT: Rule = Rule {
    code: code("CPL008", "efferent-coupling-limit", Severity::Note, "A component with too many synchronous dependencies or callers."),
    category: Category::Coupling,
    explanation: "Every synchronous dependency is something that must be up, fast and compatible for the component to answer: with more than `max-fan-out` (7) distinct synchronous targets (components, stores, caches, externals) its availability is the product of theirs and it is likely doing too much. With more than `max-fan-in` (10) distinct synchronous callers it is a bottleneck that few can change. Both thresholds are ours (no published source) and configurable.",
    bad: "component busy {\n  uses a sync { timeout 1s circuit-breaker }\n  uses b sync { timeout 1s circuit-breaker }\n  uses c sync { timeout 1s circuit-breaker }\n  uses d sync { timeout 1s circuit-breaker }\n  uses e sync { timeout 1s circuit-breaker }\n  uses f sync { timeout 1s circuit-breaker }\n  uses g sync { timeout 1s circuit-breaker }\n  uses h sync { timeout 1s circuit-breaker }\n}\ncomponent a\ncomponent b\ncomponent c\ncomponent d\ncomponent e\ncomponent f\ncomponent g\ncomponent h\n",
    good: "component busy {\n  uses a sync { timeout 1s circuit-breaker }\n  uses b sync { timeout 1s circuit-breaker }\n  uses c sync { timeout 1s circuit-breaker }\n  uses d sync { timeout 1s circuit-breaker }\n  uses e sync { timeout 1s circuit-breaker }\n  uses f sync { timeout 1s circuit-breaker }\n  uses g sync { timeout 1s circuit-breaker }\n  uses h async\n}\ncomponent a\ncomponent b\ncomponent c\ncomponent d\ncomponent e\ncomponent f\ncomponent g\ncomponent h\n",
    options: &[
        EFFERENT_COUPLING_LIMIT_MAX_FAN_OUT,
        EFFERENT_COUPLING_LIMIT_MAX_FAN_IN,
    ],
    run: efferent_coupling_limit,
};

fn efferent_coupling_limit(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let max_out = cx.option(&EFFERENT_COUPLING_LIMIT_MAX_FAN_OUT) as usize;
    let max_in = cx.option(&EFFERENT_COUPLING_LIMIT_MAX_FAN_IN) as usize;
    let deps = &cx.facts.deps;
    let mut out: BTreeMap<ElementId, BTreeSet<ElementId>> = BTreeMap::new();
    let mut inn: BTreeMap<ElementId, BTreeSet<ElementId>> = BTreeMap::new();
    for (_, l) in deps.links(cx.facts).filter(|(_, l)| !l.is_async) {
        out.entry(l.from).or_default().insert(l.to);
        inn.entry(l.to).or_default().insert(l.from);
    }
    for c in components(cx) {
        let by_name = |s: Option<&BTreeSet<ElementId>>| {
            let mut v: Vec<ElementId> = s.map(|s| s.iter().copied().collect()).unwrap_or_default();
            v.sort_by_cached_key(|x| cx.name(*x));
            v
        };
        let (targets, callers) = (by_name(out.get(&c)), by_name(inn.get(&c)));
        let mut parts = Vec::new();
        let mut notes = Vec::new();
        if targets.len() > max_out {
            parts.push(format!("{} (limit {max_out})", count(targets.len(), "synchronous dependency")));
            notes.push(format!("it calls {}", name_list(cx, &targets, 10)));
        }
        if callers.len() > max_in {
            parts.push(format!("{} (limit {max_in})", count(callers.len(), "synchronous caller")));
            notes.push(format!("it is called by {}", name_list(cx, &callers, 10)));
        }
        if parts.is_empty() {
            continue;
        }
        let mut d = cx.finding(
            &EFFERENT_COUPLING_LIMIT,
            format!("`{}` has {}", cx.name(c), parts.join(" and ")),
            cx.span_of(c),
            "too many synchronous links",
            &[c],
        );
        for n in notes {
            d = d.with_note(n);
        }
        acc.push(d.with_help(
            "split the component, aggregate related calls behind one interface, or make some of them asynchronous",
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// CPL009

/// `[rules.CPL009] min-shared-percent`.
pub const INAPPROPRIATE_INTIMACY_MIN_SHARED_PERCENT: RuleOption = RuleOption {
    rule: "CPL009",
    name: "min-shared-percent",
    default: 80,
    doc: "Share of the larger data set two components must exceed.",
};
/// `[rules.CPL009] min-shared`.
pub const INAPPROPRIATE_INTIMACY_MIN_SHARED: RuleOption = RuleOption {
    rule: "CPL009",
    name: "min-shared",
    default: 2,
    doc: "Fewest shared data items before the rule reports.",
};

pub static INAPPROPRIATE_INTIMACY: Rule = Rule {
    code: code("CPL009", "inappropriate-intimacy", Severity::Warning, "Two components that work on almost the same data."),
    category: Category::Coupling,
    explanation: "Two components whose data items overlap almost entirely are one service split in two, or one reaching into the other's data: every change to the data changes both, and they must be deployed together. A component's data items are those it `owns` and those held by the datastores and caches it uses. The rule reports a pair that shares more than `min-shared-percent` (80) of the larger set and at least `min-shared` (2) items. Two components of the same team are taken as deployables of one service (an API and its batch job) and are not reported. Merge them, or give one of them the data and let the other call it. Data, and datastores, used by more than 50 components are common vocabulary and are ignored.",
    bad: "data Order {\n  classification internal\n}\ndata Payment {\n  classification internal\n}\ndatastore shop_db {\n  holds Order, Payment\n}\ncomponent orders {\n  uses shop_db { access read-write }\n}\ncomponent payments {\n  uses shop_db { access read-write }\n}\n",
    good: "data Order {\n  classification internal\n}\ndata Payment {\n  classification internal\n}\ndatastore orders_db {\n  holds Order\n}\ndatastore payments_db {\n  holds Payment\n}\ncomponent orders {\n  uses orders_db { access read-write }\n}\ncomponent payments {\n  uses payments_db { access read-write }\n}\n",
    options: &[
        INAPPROPRIATE_INTIMACY_MIN_SHARED_PERCENT,
        INAPPROPRIATE_INTIMACY_MIN_SHARED,
    ],
    run: inappropriate_intimacy,
};

/// Data used by more components than this is common vocabulary, not intimacy.
const MAX_SHARERS: usize = 50;

fn inappropriate_intimacy(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let pct = cx.option(&INAPPROPRIATE_INTIMACY_MIN_SHARED_PERCENT);
    let min_shared = cx.option(&INAPPROPRIATE_INTIMACY_MIN_SHARED).max(1) as usize;
    let deps = &cx.facts.deps;
    let comps = components(cx);
    let teams: Vec<Option<ElementId>> = comps.iter().map(|c| team_of(cx, *c)).collect();
    let pos: BTreeMap<ElementId, usize> = comps.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let mut items: Vec<BTreeSet<ElementId>> = vec![BTreeSet::new(); comps.len()];
    for (i, c) in comps.iter().enumerate() {
        if let Some(e) = cx.model.get(*c) {
            items[i].extend(e.references("owns"));
        }
    }
    let mut store_users: BTreeMap<ElementId, BTreeSet<ElementId>> = BTreeMap::new();
    for (_, l) in deps.links(cx.facts) {
        if pos.contains_key(&l.from) && matches!(user_kind(cx, l.to), Some(DeclKind::Datastore | DeclKind::Cache)) {
            store_users.entry(l.to).or_default().insert(l.from);
        }
    }
    // A store used by more components than the cap holds common vocabulary; skipping it keeps the
    // item sets linear in the links.
    for (store, comps) in store_users.iter().filter(|(_, c)| c.len() <= MAX_SHARERS) {
        let Some(e) = cx.model.get(*store) else { continue };
        for c in comps {
            if let Some(&a) = pos.get(c) {
                items[a].extend(e.references("holds"));
            }
        }
    }
    // Inverted index: data -> components using it; pairs counted through it.
    let mut users: BTreeMap<ElementId, Vec<usize>> = BTreeMap::new();
    for (i, set) in items.iter().enumerate() {
        for d in set {
            users.entry(*d).or_default().push(i);
        }
    }
    let mut shared: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for list in users.values().filter(|l| l.len() >= 2 && l.len() <= MAX_SHARERS) {
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                *shared.entry((a.min(b), a.max(b))).or_insert(0) += 1;
            }
        }
    }
    for ((a, b), n) in shared {
        let larger = items[a].len().max(items[b].len());
        if n < min_shared || (n as u64) * 100 <= pct * larger as u64 || (teams[a].is_some() && teams[a] == teams[b]) {
            continue;
        }
        let (ca, cb) = (comps[a], comps[b]);
        let common: Vec<ElementId> = items[a].intersection(&items[b]).copied().collect();
        acc.push(
            cx.finding(
                &INAPPROPRIATE_INTIMACY,
                format!(
                    "`{}` and `{}` share {} ({} and {} in all)",
                    cx.name(ca),
                    cx.name(cb),
                    count(n, "data item"),
                    items[a].len(),
                    items[b].len()
                ),
                cx.span_of(ca),
                "intimate with another component",
                &[ca, cb],
            )
            .with_secondary(cx.span_of(cb), format!("shares {} with `{}`", count(n, "data item"), cx.name(ca)))
            .with_note(format!("shared: {}", name_list(cx, &common, 6)))
            .with_help("merge the two components, or give the data to one of them and let the other call it"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// CPL010

pub static ENDPOINT_BASED_INTERACTION: Rule = Rule {
    code: code("CPL010", "endpoint-based-interaction", Severity::Note, "A component reaching another at a hard-coded endpoint."),
    category: Category::Coupling,
    explanation: "A link with `discovery static` reaches its target at a fixed address. The caller then breaks when the target moves, scales out or fails over, and instances cannot be added or replaced without reconfiguring every caller. Let the callee be found through DNS, a registry or a service mesh.",
    bad: "component orders {\n  uses billing sync { timeout 1s circuit-breaker discovery static }\n}\ncomponent billing\n",
    good: "component orders {\n  uses billing sync { timeout 1s circuit-breaker discovery dns }\n}\ncomponent billing\n",
    options: &[],
    run: endpoint_based_interaction,
};

fn endpoint_based_interaction(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deps = &cx.facts.deps;
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for (_, l) in deps.links(cx.facts) {
        if l.discovery.as_deref() != Some("static")
            || !is_component(cx, l.from)
            || !is_component(cx, l.to)
            || !seen.insert((l.from, l.to))
        {
            continue;
        }
        acc.push(
            cx.finding(
                &ENDPOINT_BASED_INTERACTION,
                format!("`{}` reaches `{}` at a static endpoint", cx.name(l.from), cx.name(l.to)),
                l.span,
                "`discovery static`",
                &[l.from, l.to],
            )
            .with_help("use `discovery dns`, `registry` or `mesh`"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// CPL011

/// `[rules.CPL011] max-owned`.
pub const WRONG_CUT_MAX_OWNED: RuleOption =
    RuleOption { rule: "CPL011", name: "max-owned", default: 10, doc: "Most data items one component may own." };

pub static WRONG_CUT: Rule = Rule {
    code: code("CPL011", "wrong-cut", Severity::Note, "A component that owns far more data than the others of its system."),
    category: Category::Coupling,
    explanation: "A component that is the system of record for much more data than its siblings is usually a god component, or the sign of a cut along technical rather than business lines (one service holding everything, the others thin). The rule reports a component that `owns` more than `max-owned` (10) data items, or at least 3 and more than two standard deviations above the mean of the components of its system (components without a system form one group).",
    bad: "data A {\n  classification internal\n}\ndata B {\n  classification internal\n}\ndata C {\n  classification internal\n}\ncomponent everything {\n  owns A, B, C\n  standalone\n}\ncomponent c1 {\n  standalone\n}\ncomponent c2 {\n  standalone\n}\ncomponent c3 {\n  standalone\n}\ncomponent c4 {\n  standalone\n}\ncomponent c5 {\n  standalone\n}\n",
    good: "data A {\n  classification internal\n}\ndata B {\n  classification internal\n}\ndata C {\n  classification internal\n}\ncomponent everything {\n  owns A, B\n  standalone\n}\ncomponent c1 {\n  owns C\n  standalone\n}\ncomponent c2 {\n  standalone\n}\ncomponent c3 {\n  standalone\n}\ncomponent c4 {\n  standalone\n}\ncomponent c5 {\n  standalone\n}\n",
    options: &[WRONG_CUT_MAX_OWNED],
    run: wrong_cut,
};

fn wrong_cut(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let max = cx.option(&WRONG_CUT_MAX_OWNED) as usize;
    let mut groups: BTreeMap<Option<ElementId>, Vec<(ElementId, usize)>> = BTreeMap::new();
    for c in components(cx) {
        let Some(e) = cx.model.get(c) else { continue };
        let owned: BTreeSet<ElementId> = e.references("owns").collect();
        groups.entry(e.reference("system")).or_default().push((c, owned.len()));
    }
    for (system, members) in groups {
        let n = members.len() as f64;
        let mean = members.iter().map(|(_, k)| *k as f64).sum::<f64>() / n;
        let sigma = (members.iter().map(|(_, k)| (*k as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
        for (c, k) in members {
            let outlier = k >= 3 && sigma > 0.0 && k as f64 > mean + 2.0 * sigma;
            if k <= max && !outlier {
                continue;
            }
            let scope =
                system.map_or("components without a system".to_string(), |s| format!("system `{}`", cx.name(s)));
            let why = if k > max {
                format!("limit {max}")
            } else {
                format!("mean of {scope} {mean:.1}, standard deviation {sigma:.1}")
            };
            acc.push(
                cx.finding(
                    &WRONG_CUT,
                    format!("`{}` owns {} ({why})", cx.name(c), count(k, "data item")),
                    cx.span_of(c),
                    "owns too much",
                    &[c],
                )
                .with_help(
                    "split it along business capabilities, each new component owning the data of its capability",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::check_source;
    use crate::diagnostics::{Diagnostic, Severity};

    /// The findings of one rule; the model must parse and resolve.
    fn findings(code: &str, text: &str) -> Vec<Diagnostic> {
        let diags = check_source(text);
        let front: Vec<&String> = diags
            .iter()
            .filter(|d| d.code.id.starts_with("SYN") || d.code.id.starts_with("RES") || d.code.id == "HYG001")
            .map(|d| &d.message)
            .collect();
        assert!(front.is_empty(), "{front:?}");
        diags.into_iter().filter(|d| d.code.id == code).collect()
    }

    fn messages(code: &str, text: &str) -> Vec<String> {
        findings(code, text).into_iter().map(|d| format!("{} [{}]", d.message, d.subjects.join(","))).collect()
    }

    const T: &str = "{ timeout 1s circuit-breaker }";

    fn uses(from: &str, to: &[&str]) -> String {
        let mut s = format!("component {from} {{\n");
        for t in to {
            s.push_str(&format!("  uses {t} sync {T}\n"));
        }
        s.push_str("}\n");
        s
    }

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
    fn layers_follow_the_matrix_and_unlayered_components_are_skipped() {
        let text = "component web {\n  layer presentation\n  uses api sync\n  uses util sync\n  uses lonely sync\n}\ncomponent api {\n  layer business\n  uses web sync\n}\ncomponent util { layer cross-cutting }\ncomponent lonely\n";
        assert_eq!(messages("CPL002", text), vec!["`api` (business) depends on `web` (presentation) [api,web]"]);
    }

    #[test]
    fn gateways_reach_the_identity_provider_transitively() {
        let text = "component edge { kind gateway uses auth sync }\ncomponent auth { uses idp sync }\ncomponent idp { kind identity-provider }\n";
        assert!(messages("CPL004", text).is_empty());
        assert!(messages("CPL004", "component edge { kind gateway standalone }\n").is_empty());
    }

    #[test]
    fn untrusted_zones_do_not_reach_datastores() {
        let text = "zone dmz { trust none }\ncomponent kiosk { zone dmz uses db { access read } }\ndatastore db { zone dmz }\n";
        assert_eq!(
            messages("CPL003", text),
            vec!["`kiosk` in untrusted zone `dmz` accesses datastore `db` directly [kiosk,db]"]
        );
    }

    #[test]
    fn interface_bypass_needs_two_systems_and_an_exposed_interface() {
        let same = "system s\ncomponent a { system s uses b sync }\ncomponent b { system s exposes Api }\ninterface Api rest\n";
        assert!(messages("CPL005", same).is_empty());
        let none = "system s\nsystem t\ncomponent a { system s uses b sync }\ncomponent b { system t }\n";
        assert!(messages("CPL005", none).is_empty());
    }

    #[test]
    fn intimacy_ignores_a_single_shared_item() {
        let text = "data O { classification internal }\ndatastore db { holds O }\ncomponent a { uses db }\ncomponent b { uses db }\n";
        assert!(messages("CPL009", text).is_empty());
    }

    #[test]
    fn fan_in_limit_counts_distinct_callers() {
        let mut text = String::from("component core\n");
        for i in 0..11 {
            text.push_str(&uses(&format!("c{i:02}"), &["core", "core"]));
        }
        assert_eq!(messages("CPL008", &text), vec!["`core` has 11 synchronous callers (limit 10) [core]"]);
    }

    /// All diagnostics of a one-file model checked with the given `arch.toml`.
    fn check_with_config(toml: &str, text: &str) -> Vec<Diagnostic> {
        use crate::driver::{analyze_paths_with, RunOptions};
        use crate::host::MemHost;
        let host = MemHost::new([("/ws/arch.toml", toml), ("/ws/example.arch", text)]);
        let opts = RunOptions { today: None, baseline: None };
        let outcome = analyze_paths_with(&host, &[std::path::PathBuf::from("/ws")], &opts);
        outcome.analyses.into_iter().flat_map(|a| a.diagnostics).chain(outcome.errors).collect()
    }

    #[test]
    fn ensure_all_layered_reports_each_unlayered_component_once() {
        let text = "component web {\n  layer presentation\n  uses api sync\n  uses util sync\n}\ncomponent api {\n  uses util sync\n}\ncomponent util\ncomponent island { standalone }\n";
        assert!(messages("CPL002", text).is_empty());
        let on = check_with_config("[rules.layer-violation]\nensure-all-layered = 1\n", text);
        let mut got: Vec<String> = on.iter().filter(|d| d.code.id == "CPL002").map(|d| d.message.clone()).collect();
        got.sort();
        assert_eq!(got, vec!["component `api` has no layer", "component `util` has no layer"]);
    }

    #[test]
    fn thresholds_come_from_the_configuration() {
        let text = [uses("a", &["b", "c", "d"]), "component b\ncomponent c\ncomponent d\n".to_string()].concat();
        assert!(messages("CPL008", &text).is_empty());
        let on = check_with_config("[rules.efferent-coupling-limit]\nmax-fan-out = 2\n", &text);
        assert_eq!(on.iter().filter(|d| d.code.id == "CPL008").count(), 1);
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
