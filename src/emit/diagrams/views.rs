//! The views, each a function from the context to DOT text.

use std::collections::{BTreeMap, BTreeSet};

use graphviz_rust::dot_structures::{Attribute, Stmt};

use super::dot::{self, aq, at, edge, esc, h, node, q, set, subgraph, Key, Look, Mark};
use super::facts::{short_list, Encryption, Link, SYSTEM_KINDS};
use super::Ctx;
use crate::semantic::model::{Element, ElementId, Val};
use crate::syntax::schema::DeclKind;

/// (file stem, title, DOT) for every view.
pub fn all(ctx: &Ctx) -> Vec<(String, String, String)> {
    // A large model gets overviews of groups instead of pictures of every element.
    let large = ctx.facts.nodes().len() > super::overview::OVERVIEW_ABOVE;
    let mut out = if large {
        vec![context(ctx), super::overview::containers(ctx), super::overview::trust(ctx), super::overview::data(ctx)]
    } else {
        vec![context(ctx), containers(ctx), trust(ctx), data(ctx)]
    };
    let mut stems = BTreeSet::new();
    for (id, d) in ctx.model.of_kind(DeclKind::Deployment) {
        let mut stem = format!("deployment-{}", file_stem(&d.name));
        while !stems.insert(stem.clone()) {
            stem.push('_');
        }
        out.push(deployment(ctx, id, stem));
    }
    for (id, f) in ctx.model.of_kind(DeclKind::Flow) {
        let mut stem = format!("flow-{}", file_stem(&f.name));
        while !stems.insert(stem.clone()) {
            stem.push('_');
        }
        out.push(flow(ctx, id, stem));
    }
    out.extend(super::components::all(ctx));
    out
}

/// A name made safe as a file stem: letters, digits, `-` and `_`.
pub(super) fn file_stem(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}

fn look_of(e: &Element) -> Look {
    match e.kind {
        DeclKind::Actor => dot::ACTOR,
        DeclKind::External => dot::EXTERNAL,
        DeclKind::Component => dot::COMPONENT,
        DeclKind::Datastore => dot::DATASTORE,
        DeclKind::Queue => dot::QUEUE,
        DeclKind::Topic => dot::TOPIC,
        DeclKind::Cache => dot::CACHE,
        DeclKind::System => dot::SYSTEM,
        DeclKind::Data => dot::DATA,
        DeclKind::Event => dot::EVENT,
        _ => dot::INTERFACE,
    }
}

/// `tech`, as text or the title of a technology entry.
fn tech(ctx: &Ctx, e: &Element) -> Option<String> {
    match e.value("tech")? {
        Val::Text(t) => Some(t.to_string()),
        Val::Word(t) => Some(t.to_string()),
        Val::Ref(id) => ctx.model.get(*id).map(|t| t.title().to_string()),
        _ => None,
    }
}

/// The small lines under a node's title: its kind and technology.
fn detail_lines(ctx: &Ctx, e: &Element) -> Vec<String> {
    let kind = match e.kind {
        DeclKind::Component | DeclKind::Actor | DeclKind::Cache => {
            e.word("kind").map(str::to_string).unwrap_or_else(|| e.kind.keyword().to_string())
        }
        DeclKind::External => match e.word("kind") {
            Some(k) => format!("external · {k}"),
            None => "external".to_string(),
        },
        DeclKind::Interface => format!("interface · {}", e.variant.as_deref().unwrap_or("")),
        other => other.keyword().to_string(),
    };
    match tech(ctx, e) {
        Some(t) if super::text::width(&format!("{kind} · {t}"), 9.0, false) <= dot::DETAIL_WIDTH => {
            vec![format!("{kind} · {t}")]
        }
        Some(t) => vec![kind, t],
        None => vec![kind],
    }
}

/// A system's summary as its box shows it: the first sentence of a long one, never cut mid-word.
fn first_sentence(s: &str) -> String {
    match s.find(". ") {
        Some(i) if s.chars().count() > 160 => s[..=i].to_string(),
        _ => s.to_string(),
    }
}

pub(super) fn element_node(ctx: &Ctx, id: ElementId) -> Stmt {
    let Some(e) = ctx.model.get(id) else { return node(&ctx.path(id), vec![]) };
    let label = dot::node_label(e.title(), &detail_lines(ctx, e));
    let mut attrs = dot::look_attrs(&look_of(e), label, ctx.is_marked(id));
    attrs.push(aq("tooltip", &ctx.path(id)));
    node(&ctx.path(id), attrs)
}

pub(super) fn edge_style(attrs: &mut Vec<Attribute>, marked: Option<Mark>, dashed: bool) {
    if dashed {
        attrs.push(aq("style", "dashed"));
    }
    if let Some(m) = marked {
        attrs.push(aq("color", m.color()));
        attrs.push(aq("fontcolor", m.color()));
        attrs.push(aq("penwidth", m.penwidth()));
    }
}

/// Interactions merged per (from, to) pair, in order of first appearance.
pub(super) struct Merged<'a> {
    pub from: ElementId,
    pub to: ElementId,
    pub links: Vec<&'a Link>,
}

pub(super) fn merge<'a>(
    links: impl Iterator<Item = &'a Link>,
    map: impl Fn(ElementId) -> Option<String>,
) -> Vec<(String, String, Merged<'a>)> {
    let mut out: Vec<(String, String, Merged<'a>)> = Vec::new();
    let mut index: BTreeMap<(String, String), usize> = BTreeMap::new();
    for l in links {
        let (Some(a), Some(b)) = (map(l.from), map(l.to)) else { continue };
        if a == b {
            continue;
        }
        match index.get(&(a.clone(), b.clone())) {
            Some(&i) => out[i].2.links.push(l),
            None => {
                index.insert((a.clone(), b.clone()), out.len());
                out.push((a, b, Merged { from: l.from, to: l.to, links: vec![l] }));
            }
        }
    }
    out
}

pub(super) fn protocols(links: &[&Link]) -> Vec<String> {
    let mut seen = Vec::new();
    for l in links {
        if let Some(p) = &l.protocol {
            if !seen.contains(p) {
                seen.push(p.clone());
            }
        }
    }
    seen
}

// ---------------------------------------------------------------------------------------------
// System context

fn context(ctx: &Ctx) -> (String, String, String) {
    let model = ctx.model;
    let systems: Vec<ElementId> = model.of_kind(DeclKind::System).map(|(id, _)| id).collect();
    let box_of = |id: ElementId| -> Option<String> {
        let e = model.get(id)?;
        match e.kind {
            DeclKind::Actor | DeclKind::External => Some(ctx.path(id)),
            k if SYSTEM_KINDS.contains(&k) => Some(match ctx.facts.system_of(id) {
                Some(s) => format!("@system:{}", ctx.path(s)),
                None => "@system".to_string(),
            }),
            _ => None,
        }
    };
    // Members of each system box, for counts and highlighting.
    let mut members: BTreeMap<String, Vec<ElementId>> = BTreeMap::new();
    for (id, _) in model.iter().filter(|(_, e)| !e.from_std && SYSTEM_KINDS.contains(&e.kind)) {
        if let Some(b) = box_of(id) {
            members.entry(b).or_default().push(id);
        }
    }
    let frame = dot::Frame {
        name: "context",
        rankdir: "LR",
        title: "System context",
        subtitle: "who uses the system and what it depends on",
        nodesep: 0.6,
        ranksep: 1.4,
    };
    let mut stmts = Vec::new();
    let mut keys = Vec::new();
    let actors: Vec<ElementId> = model.of_kind(DeclKind::Actor).map(|(id, _)| id).collect();
    let externals: Vec<ElementId> = model.of_kind(DeclKind::External).map(|(id, _)| id).collect();
    if !actors.is_empty() {
        keys.push(Key::Node(dot::ACTOR));
        let nodes = actors.iter().map(|a| element_node(ctx, *a)).collect();
        stmts.push(subgraph("actors", [vec![set("rank", q("source"))], nodes].concat()));
    }
    let mut boxes: Vec<(String, Option<ElementId>)> =
        systems.iter().map(|s| (format!("@system:{}", ctx.path(*s)), Some(*s))).collect();
    if members.contains_key("@system") {
        boxes.push(("@system".to_string(), None));
    }
    if !boxes.is_empty() {
        keys.push(Key::Node(dot::SYSTEM));
    }
    for (bid, sys) in &boxes {
        let inside = members.get(bid).map(Vec::as_slice).unwrap_or(&[]);
        let count = |k: DeclKind| inside.iter().filter(|m| model.get(**m).is_some_and(|e| e.kind == k)).count();
        let mut parts = Vec::new();
        for (k, word) in [
            (DeclKind::Component, "component"),
            (DeclKind::Datastore, "datastore"),
            (DeclKind::Queue, "queue"),
            (DeclKind::Topic, "topic"),
            (DeclKind::Cache, "cache"),
        ] {
            let n = count(k);
            if n > 0 {
                parts.push(format!("{n} {word}{}", if n == 1 { "" } else { "s" }));
            }
        }
        let (title, summary) = match sys.and_then(|s| model.get(s)) {
            Some(e) => (e.title().to_string(), e.text("summary").map(first_sentence).unwrap_or_default()),
            None if systems.is_empty() => ("The system".to_string(), String::new()),
            None => ("Components without a system".to_string(), String::new()),
        };
        // The box is red when the system itself is named; findings about its parts are counted.
        let marked = sys.and_then(|s| ctx.is_marked(s));
        let flagged = inside.iter().filter(|m| ctx.is_marked(**m).is_some()).count();
        let strongest = inside.iter().filter_map(|m| ctx.is_marked(*m)).max();
        let mut label = dot::node_label(&title, &[summary, parts.join(" · ")]);
        if flagged > 0 {
            label.push_str(&format!(
                "<br/><font point-size=\"9\" color=\"{}\">{flagged} element{} named in findings</font>",
                strongest.map_or(dot::HIGHLIGHT, Mark::color),
                if flagged == 1 { "" } else { "s" }
            ));
        }
        let mut attrs = dot::look_attrs(&dot::SYSTEM, label, marked);
        attrs.push(aq("margin", "0.3,0.15"));
        attrs.push(aq("fontsize", "13"));
        stmts.push(node(bid, attrs));
    }
    if !externals.is_empty() {
        keys.push(Key::Node(dot::EXTERNAL));
        let nodes = externals.iter().map(|a| element_node(ctx, *a)).collect();
        stmts.push(subgraph("externals", [vec![set("rank", q("sink"))], nodes].concat()));
    }
    let merged = merge(ctx.links.iter(), box_of);
    let mut any_async = false;
    for (a, b, m) in &merged {
        let protos = protocols(&m.links);
        let all_async = m.links.iter().all(|l| l.is_async);
        any_async |= all_async;
        let mut attrs = Vec::new();
        if !protos.is_empty() {
            attrs.push(aq("label", &short_list(&protos, 3)));
        }
        let marked = ctx.links_marked(m.links.iter().copied());
        edge_style(&mut attrs, marked, all_async);
        stmts.push(edge(a, b, attrs));
    }
    keys.push(Key::Line("#4a5568", "solid", "calls (label: protocols)"));
    if any_async {
        keys.push(Key::Line("#4a5568", "dashed", "asynchronous only"));
    }
    if actors.is_empty() && externals.is_empty() && boxes.is_empty() {
        stmts.push(node(
            "@empty",
            vec![aq("shape", "plaintext"), aq("label", "No actors, systems or externals declared")],
        ));
    }
    ("context".into(), "System context".into(), frame.finish(stmts, &keys, &ctx.marks()))
}

// ---------------------------------------------------------------------------------------------
// Zones as nested clusters

fn trust_colors(trust: Option<&str>) -> (&'static str, &'static str) {
    match trust {
        Some("none") => ("#fef2f2", "#dc2626"),
        Some("low") => ("#fff7ed", "#ea580c"),
        Some("medium") => ("#fefce8", "#ca8a04"),
        Some("high") => ("#f0fdf4", "#16a34a"),
        Some("full") => ("#ecfdf5", "#047857"),
        _ => ("#f9fafb", "#6b7280"),
    }
}

/// Width (points) of a zone's title as drawn: the wrapped bold name over the small facts line.
fn title_width(name: &str, facts: &[String]) -> f64 {
    let name = super::text::wrap_lines(name, 12.0, true, 240.0)
        .iter()
        .map(|l| super::text::width(l, 12.0, true))
        .fold(0.0, f64::max);
    name.max(super::text::width(&facts.join(" · "), 9.0, false))
}

/// Nodes placed in their zones, zones nested by parent. Only zones with something inside (or
/// inside a child) are drawn, since Graphviz drops empty clusters anyway.
/// `hidden` counts elements of a zone left out of the view; the zone shows "+N more".
/// `room`: the empty width beside each zone's title, in title widths (see [`zoned_in`]).
fn zoned_nodes(
    ctx: &Ctx,
    members: &[ElementId],
    hidden: &BTreeMap<ElementId, usize>,
    room: f64,
) -> (Vec<Stmt>, Vec<ElementId>) {
    zoned_in(ctx, members, hidden, &|id| element_node(ctx, id), room)
}

/// [`zoned_nodes`] with the node of each member drawn by `make`.
pub(super) fn zoned(
    ctx: &Ctx,
    members: &[ElementId],
    hidden: &BTreeMap<ElementId, usize>,
    make: &dyn Fn(ElementId) -> Stmt,
) -> (Vec<Stmt>, Vec<ElementId>) {
    zoned_in(ctx, members, hidden, make, 1.0)
}

/// [`zoned`], with `room` title widths of empty space beside each zone's title. Flow views take
/// half: their numbered steps carry long labels, which zones twice as wide as their titles push
/// onto the lines (measured over the examples: 4 more lines through labels, 2 more crossings).
fn zoned_in(
    ctx: &Ctx,
    members: &[ElementId],
    hidden: &BTreeMap<ElementId, usize>,
    make: &dyn Fn(ElementId) -> Stmt,
    room: f64,
) -> (Vec<Stmt>, Vec<ElementId>) {
    let facts = &ctx.facts;
    let mut by_zone: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    let mut top = Vec::new();
    for &m in members {
        match facts.zone_of(m) {
            Some(z) => by_zone.entry(z).or_default().push(m),
            None => top.push(make(m)),
        }
    }
    let mut drawn: BTreeSet<ElementId> = BTreeSet::new();
    for z in by_zone.keys().chain(hidden.keys()) {
        drawn.extend(facts.zone_chain(*z));
    }
    let zones: Vec<ElementId> = facts.zones().into_iter().filter(|z| drawn.contains(z)).collect();
    // Children in declaration order; roots are zones whose parent is not drawn (or is a cycle).
    let parent = |z: ElementId| facts.zone_parent(z).filter(|p| drawn.contains(p) && facts.zone_chain(z).len() > 1);
    let mut done = BTreeSet::new();
    let mut roots = Vec::new();
    for &z in &zones {
        if parent(z).is_none() {
            roots.push(z);
        }
    }
    #[allow(clippy::too_many_arguments)]
    fn cluster(
        ctx: &Ctx,
        z: ElementId,
        zones: &[ElementId],
        by_zone: &BTreeMap<ElementId, Vec<ElementId>>,
        hidden: &BTreeMap<ElementId, usize>,
        make: &dyn Fn(ElementId) -> Stmt,
        parent: &dyn Fn(ElementId) -> Option<ElementId>,
        done: &mut BTreeSet<ElementId>,
        room: f64,
    ) -> Option<Stmt> {
        if !done.insert(z) {
            return None;
        }
        let e = ctx.model.get(z)?;
        let trust = ctx.facts.trust(z);
        let (fill, stroke) = trust_colors(trust);
        let mut facts = Vec::new();
        if let Some(t) = trust {
            facts.push(format!("trust {t}"));
        }
        if e.has_flag("internet") {
            facts.push("internet-facing".to_string());
        }
        if let Some(k) = e.word("kind") {
            facts.push(k.to_string());
        }
        // The trust facts go on a line of their own, so that they never run into the title.
        let mut label = format!("<b>{}</b>", dot::wrap(e.title(), 12.0, true, 240.0));
        if !facts.is_empty() {
            label.push_str(&format!(
                "<br/><font point-size=\"9\" color=\"{stroke}\">{}</font>",
                esc(&facts.join(" · "))
            ));
        }
        let left_out = hidden.get(&z).copied().unwrap_or(0);
        if left_out > 0 && by_zone.contains_key(&z) {
            label.push_str(&format!(
                "<br/><font point-size=\"9\" color=\"#6b7280\">+{left_out} more without crossings</font>"
            ));
        }
        let marked = ctx.is_marked(z);
        // One left-aligned cell, so that every line of the title starts at the zone's edge, and
        // an empty cell as wide as the title beside it: the zone is then at least twice as wide
        // as its title, so a line entering through the middle of its top passes beside the title
        // (or `place.rs` has room to slide the title off it).
        let spacer = (title_width(e.title(), &facts) * room).ceil();
        let label = format!(
            "<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td align=\"left\" balign=\"left\">{label}</td><td width=\"{spacer}\"></td></tr></table>"
        );
        let mut stmts = vec![
            set("label", h(&label)),
            set("style", q("rounded,filled")),
            set("fillcolor", q(fill)),
            set("color", q(marked.map_or(stroke, Mark::color))),
            set("penwidth", q(marked.map_or("1.5", Mark::penwidth))),
            set("fontsize", q("12")),
            set("labeljust", q("l")),
            set("margin", q("14")),
            set("tooltip", q(&format!("zone {}", ctx.path(z)))),
        ];
        for m in by_zone.get(&z).map(Vec::as_slice).unwrap_or(&[]) {
            stmts.push(make(*m));
        }
        // A zone with nothing drawn shows its count as its only node: Graphviz drops empty clusters.
        if left_out > 0 && !by_zone.contains_key(&z) {
            stmts.push(node(
                &format!("@more:{}", ctx.path(z)),
                vec![
                    aq("shape", "plaintext"),
                    aq(
                        "label",
                        &format!("{left_out} element{} without crossings", if left_out == 1 { "" } else { "s" }),
                    ),
                    aq("fontcolor", "#6b7280"),
                    aq("fontsize", "9"),
                ],
            ));
        }
        for &c in zones {
            if c != z && parent(c) == Some(z) {
                if let Some(s) = cluster(ctx, c, zones, by_zone, hidden, make, parent, done, room) {
                    stmts.push(s);
                }
            }
        }
        Some(subgraph(&format!("cluster_zone_{}", z.0), stmts))
    }
    for &r in &roots {
        if let Some(s) = cluster(ctx, r, &zones, &by_zone, hidden, make, &parent, &mut done, room) {
            top.push(s);
        }
    }
    // Zones caught in a parent cycle: draw them at the top level.
    for &z in &zones {
        if let Some(s) = cluster(ctx, z, &zones, &by_zone, hidden, make, &parent, &mut done, room) {
            top.push(s);
        }
    }
    (top, zones)
}

/// Sub-zones from which a zone is laid out as a grid.
const GRID_MIN: usize = 4;

/// Layout hints for a zoned view, so that many zones stay compact instead of forming a staircase.
pub(super) struct ZoneLayout {
    /// Edges between sibling zones (inside a common enclosing zone) that should not decide
    /// ranks: otherwise each call from one sub-zone to the next pushes it a rank further.
    free: BTreeSet<(ElementId, ElementId)>,
    /// Invisible edges stacking the sub-zones of a zone in a grid of rows.
    pub grid: Vec<Stmt>,
}

impl ZoneLayout {
    fn constrain(&self, attrs: &mut Vec<Attribute>, from: ElementId, to: ElementId) {
        if self.free.contains(&(from, to)) {
            attrs.push(aq("constraint", "false"));
        }
    }
}

pub(super) fn zone_layout(
    ctx: &Ctx,
    members: &[ElementId],
    zones: &[ElementId],
    edges: &[(ElementId, ElementId)],
) -> ZoneLayout {
    let facts = &ctx.facts;
    // Zones with many drawn sub-zones: calls between those sub-zones do not rank them.
    let crowded: BTreeSet<ElementId> = zones
        .iter()
        .copied()
        .filter(|p| zones.iter().filter(|c| **c != *p && facts.zone_parent(**c) == Some(*p)).count() >= GRID_MIN)
        .collect();
    let mut free = BTreeSet::new();
    for &(a, b) in edges {
        let (Some(za), Some(zb)) = (facts.zone_of(a), facts.zone_of(b)) else { continue };
        if za == zb {
            continue;
        }
        let cb = facts.zone_chain(zb);
        let common = facts.zone_chain(za).into_iter().find(|z| cb.contains(z));
        if common.is_some_and(|c| crowded.contains(&c) && c != za && c != zb) {
            free.insert((a, b));
        }
    }
    let constrained: Vec<(ElementId, ElementId)> =
        edges.iter().copied().filter(|e| !free.contains(e) && e.0 != e.1).collect();
    // Members of each drawn zone's subtree, in declaration order.
    let subtree = |z: ElementId| -> Vec<ElementId> {
        members
            .iter()
            .copied()
            .filter(|m| facts.zone_of(*m).is_some_and(|mz| facts.zone_chain(mz).contains(&z)))
            .collect()
    };
    // Longest-path layers inside a subtree: its top and bottom nodes.
    let ends = |nodes: &[ElementId]| -> Option<(ElementId, ElementId)> {
        let mut rank: BTreeMap<ElementId, usize> = nodes.iter().map(|n| (*n, 0)).collect();
        let inner: Vec<&(ElementId, ElementId)> =
            constrained.iter().filter(|(a, b)| rank.contains_key(a) && rank.contains_key(b)).collect();
        for _ in 0..nodes.len() {
            let mut changed = false;
            for (a, b) in &inner {
                let want = rank[a] + 1;
                if rank[b] < want && want <= nodes.len() {
                    rank.insert(*b, want);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let top = *nodes.iter().find(|n| rank[n] == 0)?;
        let max = nodes.iter().map(|n| rank[n]).max()?;
        let bottom = *nodes.iter().find(|n| rank[n] == max)?;
        Some((top, bottom))
    };
    let mut grid = Vec::new();
    for &parent in zones {
        let children: Vec<(ElementId, (ElementId, ElementId))> = zones
            .iter()
            .copied()
            .filter(|c| *c != parent && facts.zone_parent(*c) == Some(parent))
            .filter_map(|c| ends(&subtree(c)).map(|e| (c, e)))
            .collect();
        if children.len() < GRID_MIN {
            continue;
        }
        let cols = (children.len() as f64).sqrt().ceil() as usize;
        for i in cols..children.len() {
            let above = children[i - cols].1 .1;
            let below = children[i].1 .0;
            grid.push(edge(&ctx.path(above), &ctx.path(below), vec![aq("style", "invis")]));
        }
    }
    ZoneLayout { free, grid }
}

pub(super) fn zone_keys(ctx: &Ctx, zones: &[ElementId]) -> Vec<Key> {
    let mut trusts: Vec<Option<&str>> = Vec::new();
    for z in zones {
        let t = ctx.facts.trust(*z);
        if !trusts.contains(&t) {
            trusts.push(t);
        }
    }
    let order = [Some("none"), Some("low"), Some("medium"), Some("high"), Some("full"), None];
    order
        .iter()
        .filter(|t| trusts.contains(t))
        .map(|t| {
            let (fill, stroke) = trust_colors(*t);
            let what = match t {
                Some(t) => format!("zone, trust {t}"),
                None => "zone, trust not stated".to_string(),
            };
            Key::Fill(fill, stroke, what)
        })
        .collect()
}

pub(super) fn node_keys(ctx: &Ctx, ids: &[ElementId]) -> Vec<Key> {
    let mut looks: Vec<Look> = Vec::new();
    for id in ids {
        if let Some(e) = ctx.model.get(*id) {
            let l = look_of(e);
            if !looks.contains(&l) {
                looks.push(l);
            }
        }
    }
    let order = [
        dot::ACTOR,
        dot::COMPONENT,
        dot::DATASTORE,
        dot::QUEUE,
        dot::TOPIC,
        dot::CACHE,
        dot::EXTERNAL,
        dot::INTERFACE,
        dot::DATA,
        dot::EVENT,
    ];
    order.into_iter().filter(|l| looks.contains(l)).map(Key::Node).collect()
}

// ---------------------------------------------------------------------------------------------
// Containers

fn containers(ctx: &Ctx) -> (String, String, String) {
    let members: Vec<ElementId> =
        ctx.facts.nodes().into_iter().filter(|id| ctx.facts.is_container_level(*id)).collect();
    let frame = dot::Frame {
        name: "containers",
        rankdir: "TB",
        title: "Containers and zones",
        subtitle: "components, stores and channels inside their trust zones",
        nodesep: 0.35,
        ranksep: 0.8,
    };
    let mut stmts = Vec::new();
    let (nodes, zones) = zoned_nodes(ctx, &members, &BTreeMap::new(), 1.0);
    stmts.extend(nodes);
    let rolled: Vec<Link> = ctx.links.iter().map(|l| ctx.facts.rolled_up(l)).collect();
    let mut merged = merge(rolled.iter(), |id| Some(ctx.path(id)));
    // A flow step answering a call (B -> A after A -> B) is a reply, not a dependency: it turns
    // the call into a two-way arrow instead of adding an edge against the flow of calls.
    let replies: BTreeSet<(String, String)> = merged
        .iter()
        .enumerate()
        .filter(|(i, (a, b, m))| {
            m.links.iter().all(|l| l.flow.is_some())
                && merged
                    .iter()
                    .enumerate()
                    .any(|(j, (c, d, n))| c == b && d == a && (j < *i || n.links.iter().any(|l| l.flow.is_none())))
        })
        .map(|(_, (a, b, _))| (a.clone(), b.clone()))
        .collect();
    merged.retain(|(a, b, _)| !replies.contains(&(a.clone(), b.clone())));
    let pairs: Vec<(ElementId, ElementId)> = merged.iter().map(|m| (m.2.from, m.2.to)).collect();
    let layout = zone_layout(ctx, &members, &zones, &pairs);
    stmts.extend(layout.grid.iter().cloned());
    // Drawn ends that are not nodes of their own (interfaces without a provider).
    let member_set: BTreeSet<ElementId> = members.iter().copied().collect();
    let mut extra = Vec::new();
    let many = merged.len() > 60;
    let mut any_async = false;
    for (a, b, m) in &merged {
        for id in [m.from, m.to] {
            if !member_set.contains(&id) && !extra.contains(&id) {
                extra.push(id);
            }
        }
        let all_async = m.links.iter().all(|l| l.is_async);
        any_async |= all_async;
        let mut attrs = Vec::new();
        let protos = protocols(&m.links);
        if !protos.is_empty() && !many {
            attrs.push(aq("label", &short_list(&protos, 2)));
        }
        if replies.contains(&(b.clone(), a.clone())) {
            attrs.push(aq("dir", "both"));
        }
        // Calls inside a zone hold their ends together; calls out of it may stretch.
        if ctx.facts.zone_of(m.from).is_some() && ctx.facts.zone_of(m.from) == ctx.facts.zone_of(m.to) {
            attrs.push(aq("weight", "4"));
        }
        let marked = ctx.links_marked(m.links.iter().copied());
        edge_style(&mut attrs, marked, all_async);
        layout.constrain(&mut attrs, m.from, m.to);
        stmts.push(edge(a, b, attrs));
    }
    for id in &extra {
        stmts.push(element_node(ctx, *id));
    }
    let mut keys = node_keys(ctx, &[members.clone(), extra].concat());
    keys.extend(zone_keys(ctx, &zones));
    keys.push(Key::Line("#4a5568", "solid", if many { "calls" } else { "calls (label: protocol)" }));
    if any_async {
        keys.push(Key::Line("#4a5568", "dashed", "asynchronous (events, async uses)"));
    }
    if members.is_empty() {
        stmts.push(node("@empty", vec![aq("shape", "plaintext"), aq("label", "No components declared")]));
    }
    ("containers".into(), "Containers and zones".into(), frame.finish(stmts, &keys, &ctx.marks()))
}

// ---------------------------------------------------------------------------------------------
// Trust boundaries

pub(super) const PLAIN_RED: &str = "#dc2626";
pub(super) const AUTH_GREEN: &str = "#15803d";
pub(super) const NOAUTH_ORANGE: &str = "#c2410c";

fn trust(ctx: &Ctx) -> (String, String, String) {
    let facts = &ctx.facts;
    let crossing: Vec<&Link> =
        ctx.links.iter().filter(|l| l.from != l.to && facts.zone_of(l.from) != facts.zone_of(l.to)).collect();
    // The ends of crossings; every zone still shows, with a count of what is left out.
    let ends: BTreeSet<ElementId> = crossing.iter().flat_map(|l| [l.from, l.to]).collect();
    let mut members: Vec<ElementId> = Vec::new();
    let mut hidden: BTreeMap<ElementId, usize> = BTreeMap::new();
    for id in facts.nodes() {
        if ends.contains(&id) {
            members.push(id);
        } else if let Some(z) = facts.zone_of(id) {
            *hidden.entry(z).or_default() += 1;
        }
    }
    for id in &ends {
        if !members.contains(id) {
            members.push(*id);
        }
    }
    let frame = dot::Frame {
        name: "trust",
        rankdir: "LR",
        title: "Trust boundaries",
        subtitle: "interactions that cross a zone boundary, by encryption and authentication",
        nodesep: 0.4,
        ranksep: 1.2,
    };
    let mut stmts = Vec::new();
    let (nodes, zones) = zoned_nodes(ctx, &members, &hidden, 1.0);
    stmts.extend(nodes);
    let pairs: Vec<(ElementId, ElementId)> = crossing.iter().map(|l| (l.from, l.to)).collect();
    let layout = zone_layout(ctx, &members, &zones, &pairs);
    stmts.extend(layout.grid.iter().cloned());
    // Calls inside a zone are not drawn here, but they still order the drawn elements as in the
    // containers view, so that callers stay before callees.
    let drawn: BTreeSet<ElementId> = members.iter().copied().collect();
    let mut inner = BTreeSet::new();
    for l in &ctx.links {
        if l.from != l.to
            && drawn.contains(&l.from)
            && drawn.contains(&l.to)
            && facts.zone_of(l.from) == facts.zone_of(l.to)
            && inner.insert((l.from, l.to))
        {
            stmts.push(edge(&ctx.path(l.from), &ctx.path(l.to), vec![aq("style", "invis"), aq("weight", "4")]));
        }
    }
    // One edge per (from, to, encryption), listing the protocols and authentication methods of
    // the interactions it stands for, so that parallel labels do not pile up.
    type Group<'a> = ((ElementId, ElementId, Encryption), Vec<&'a Link>);
    let mut groups: Vec<Group> = Vec::new();
    for l in &crossing {
        let enc = if l.encryption == Encryption::Local { Encryption::Encrypted } else { l.encryption };
        let key = (l.from, l.to, enc);
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1.push(l),
            None => groups.push((key, vec![l])),
        }
    }
    let mut states = BTreeSet::new();
    for ((from, to, enc), ls) in &groups {
        let mut parts = protocols(ls);
        let mut methods: Vec<&str> = Vec::new();
        let (mut none, mut unknown) = (false, false);
        for l in ls {
            match l.auth.as_deref() {
                Some("none") => none = true,
                Some(a) if !methods.contains(&a) => methods.push(a),
                Some(_) => {}
                None => unknown = true,
            }
        }
        let mut auths: Vec<String> = Vec::new();
        if !methods.is_empty() {
            auths.push(format!("auth {}", methods.join(", ")));
        }
        if none {
            auths.push("no auth".to_string());
        }
        if unknown {
            auths.push("auth ?".to_string());
        }
        parts.push(auths.join(" / "));
        let authenticated = ls.iter().all(|l| l.authenticated());
        let (style, color) = match enc {
            Encryption::Plaintext => ("dashed", PLAIN_RED),
            Encryption::Unknown => ("dotted", if authenticated { AUTH_GREEN } else { NOAUTH_ORANGE }),
            _ => ("solid", if authenticated { AUTH_GREEN } else { NOAUTH_ORANGE }),
        };
        states.insert((*enc, authenticated));
        let marked = ctx.links_marked(ls.iter().copied());
        let width = match (marked, enc) {
            (Some(Mark::Error), _) => "3.5",
            (Some(Mark::Warning), _) | (None, Encryption::Plaintext) => "2.2",
            _ => "1.6",
        };
        let mut attrs = vec![
            aq("label", &parts.join(" · ")),
            aq("style", style),
            aq("color", marked.map_or(color, Mark::color)),
            aq("fontcolor", marked.map_or(color, Mark::color)),
            aq("penwidth", width),
            aq("tooltip", &format!("{} -> {}", ctx.path(*from), ctx.path(*to))),
        ];
        layout.constrain(&mut attrs, *from, *to);
        stmts.push(edge(&ctx.path(*from), &ctx.path(*to), attrs));
    }
    let mut keys = zone_keys(ctx, &zones);
    keys.push(Key::Line(AUTH_GREEN, "solid", "encrypted, authenticated"));
    if states.iter().any(|(e, a)| matches!(e, Encryption::Encrypted | Encryption::Local) && !a) {
        keys.push(Key::Line(NOAUTH_ORANGE, "solid", "encrypted, no (or unstated) authentication"));
    }
    keys.push(Key::Line(PLAIN_RED, "dashed", "NOT encrypted in transit"));
    if states.iter().any(|(e, _)| *e == Encryption::Unknown) {
        keys.push(Key::Line("#4a5568", "dotted", "encryption unknown (no protocol)"));
    }
    keys.extend(node_keys(ctx, &members));
    if crossing.is_empty() {
        stmts.push(node(
            "@empty",
            vec![aq("shape", "plaintext"), aq("label", "No interaction crosses a zone boundary")],
        ));
    }
    ("trust".into(), "Trust boundaries".into(), frame.finish(stmts, &keys, &ctx.marks()))
}

// ---------------------------------------------------------------------------------------------
// Data ownership

pub(super) fn class_colors(class: Option<&str>) -> &'static str {
    match class {
        Some("public") => "#dcfce7",
        Some("internal") => "#e0f2fe",
        Some("confidential") => "#ffedd5",
        Some("restricted") => "#fee2e2",
        _ => "#f3f4f6",
    }
}

fn data(ctx: &Ctx) -> (String, String, String) {
    let model = ctx.model;
    let mut owners: Vec<(ElementId, ElementId)> = Vec::new();
    let mut holders: Vec<(ElementId, ElementId)> = Vec::new();
    for (id, e) in model.iter().filter(|(_, e)| !e.from_std) {
        match e.kind {
            DeclKind::Component => owners.extend(e.references("owns").map(|d| (id, d))),
            DeclKind::Datastore | DeclKind::Cache => holders.extend(e.references("holds").map(|d| (id, d))),
            _ => {}
        }
    }
    let referenced: BTreeSet<ElementId> = owners.iter().map(|p| p.1).chain(holders.iter().map(|p| p.1)).collect();
    let entities: Vec<ElementId> = model
        .iter()
        .filter(|(id, e)| {
            !e.from_std && (e.kind == DeclKind::Data || (e.kind == DeclKind::Event && referenced.contains(id)))
        })
        .map(|(id, _)| id)
        .collect();
    let frame = dot::Frame {
        name: "data",
        rankdir: "LR",
        title: "Data ownership",
        subtitle: "who is the system of record for each entity, and where it is stored",
        nodesep: 0.3,
        ranksep: 1.6,
    };
    let mut stmts = Vec::new();
    let mut classes = Vec::new();
    let mut ent_nodes = Vec::new();
    for &d in &entities {
        let Some(e) = model.get(d) else { continue };
        let class = e.word("classification");
        if !classes.contains(&class) {
            classes.push(class);
        }
        let mut facts = vec![class.unwrap_or("unclassified").to_string()];
        if crate::analysis::facts::is_pii(model, d) {
            facts.push("PII".to_string());
        }
        if crate::analysis::facts::is_credentials(model, d) {
            facts.push("credentials".to_string());
        }
        if !e.fields.is_empty() {
            facts.push(format!("{} field{}", e.fields.len(), if e.fields.len() == 1 { "" } else { "s" }));
        }
        let mut details = vec![format!("{} · {}", e.kind.keyword(), facts.join(" · "))];
        if !owners.iter().any(|o| o.1 == d) {
            match e.reference("owner").and_then(|o| model.get(o)) {
                Some(t) => details.push(format!("owned by team {}", t.title())),
                None => details.push("no owning component".to_string()),
            }
        }
        let look = look_of(e);
        let marked = ctx.is_marked(d);
        let mut attrs = dot::look_attrs(&look, dot::node_label(e.title(), &details), marked);
        attrs.retain(|a| !matches!(&a.0, graphviz_rust::dot_structures::Id::Plain(k) if k == "fillcolor"));
        attrs.push(aq("fillcolor", class_colors(class)));
        attrs.push(aq("tooltip", &ctx.path(d)));
        ent_nodes.push(node(&ctx.path(d), attrs));
    }
    let owner_ids: Vec<ElementId> = dedup(owners.iter().map(|p| p.0));
    let holder_ids: Vec<ElementId> = dedup(holders.iter().map(|p| p.0));
    let entity_set: BTreeSet<ElementId> = entities.iter().copied().collect();
    stmts.push(subgraph(
        "owners",
        [vec![set("rank", q("same"))], owner_ids.iter().map(|o| element_node(ctx, *o)).collect()].concat(),
    ));
    stmts.push(subgraph("entities", [vec![set("rank", q("same"))], ent_nodes].concat()));
    stmts.push(subgraph(
        "holders",
        [vec![set("rank", q("same"))], holder_ids.iter().map(|o| element_node(ctx, *o)).collect()].concat(),
    ));
    for (o, d) in &owners {
        if !entity_set.contains(d) {
            continue;
        }
        let mut attrs = vec![aq("label", "owns"), aq("penwidth", "1.6")];
        let marked = ctx.pair_marked(*o, *d);
        edge_style(&mut attrs, marked, false);
        stmts.push(edge(&ctx.path(*o), &ctx.path(*d), attrs));
    }
    for (s, d) in &holders {
        if !entity_set.contains(d) {
            continue;
        }
        let mut attrs = vec![aq("label", "stored in"), aq("arrowhead", "odot")];
        let marked = ctx.pair_marked(*s, *d);
        edge_style(&mut attrs, marked, true);
        stmts.push(edge(&ctx.path(*d), &ctx.path(*s), attrs));
    }
    let mut keys = node_keys(ctx, &[owner_ids.clone(), holder_ids.clone()].concat());
    let order = [Some("public"), Some("internal"), Some("confidential"), Some("restricted"), None];
    for c in order.iter().filter(|c| classes.contains(c)) {
        let what = match c {
            Some(c) => format!("data, {c}"),
            None => "data, unclassified".to_string(),
        };
        keys.push(Key::Fill(class_colors(*c), "#9a3412", what));
    }
    keys.push(Key::Line("#4a5568", "solid", "owns (system of record)"));
    keys.push(Key::Line("#4a5568", "dashed", "stored in"));
    if entities.is_empty() {
        stmts.push(node("@empty", vec![aq("shape", "plaintext"), aq("label", "No data entities declared")]));
    }
    ("data".into(), "Data ownership".into(), frame.finish(stmts, &keys, &ctx.marks()))
}

fn dedup(ids: impl Iterator<Item = ElementId>) -> Vec<ElementId> {
    let mut out = Vec::new();
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Flows

fn flow(ctx: &Ctx, fid: ElementId, stem: String) -> (String, String, String) {
    let model = ctx.model;
    let f = model.get(fid);
    let title = f.map(|f| f.title().to_string()).unwrap_or_default();
    let steps: Vec<&Link> = ctx.links.iter().filter(|l| l.flow.map(|x| x.0) == Some(fid)).collect();
    let mut order: Vec<ElementId> = Vec::new();
    for l in &steps {
        for id in [l.from, l.to] {
            if !order.contains(&id) {
                order.push(id);
            }
        }
    }
    let mut facts = Vec::new();
    if let Some(f) = f {
        if let Some(k) = f.word("kind") {
            facts.push(k.to_string());
        }
        for key in ["p95", "p99", "throughput"] {
            if let Some(Val::Lit(l)) = f.value(key) {
                facts.push(format!("{key} {l}"));
            }
        }
        if let Some(c) = f.word("criticality") {
            facts.push(format!("criticality {c}"));
        }
        if let Some(t) = f.text("trigger") {
            facts.push(format!("trigger: {t}"));
        }
    }
    let full_title = format!("Flow: {title}");
    let subtitle = facts.join(" · ");
    let frame =
        dot::Frame { name: &stem, rankdir: "LR", title: &full_title, subtitle: &subtitle, nodesep: 0.5, ranksep: 1.0 };
    let mut stmts = Vec::new();
    let (nodes, zones) = zoned_nodes(ctx, &order, &BTreeMap::new(), 0.5);
    stmts.extend(nodes);
    let (mut any_async, mut any_reply) = (false, false);
    for l in &steps {
        let idx = l.flow.map_or(0, |x| x.1);
        let mut line2 = Vec::new();
        if let Some(p) = &l.protocol {
            line2.push(p.clone());
        }
        if let Some(lat) = &l.latency {
            line2.push(lat.clone());
        }
        if l.is_async {
            line2.push("async".to_string());
            any_async = true;
        }
        let mut label = format!("<b>{idx}.</b>");
        if let Some(t) = &l.label {
            label.push_str(&format!(" {}", dot::wrap(t, 9.0, false, 150.0)));
        } else if let Some(v) = l.via.and_then(|v| model.get(v)) {
            label.push_str(&format!(" via {}", esc(v.title())));
        } else if !l.carries.is_empty() {
            let names: Vec<String> =
                l.carries.iter().filter_map(|c| model.get(*c)).map(|c| c.title().to_string()).collect();
            label.push_str(&format!(" {}", esc(&short_list(&names, 2))));
        }
        if !line2.is_empty() {
            label.push_str(&format!("<br/><font point-size=\"8\">{}</font>", esc(&line2.join(" · "))));
        }
        let marked = ctx.link_marked(l);
        let mut attrs = vec![at("label", h(&label))];
        // A step back to an earlier participant does not push it to a later rank.
        let from_pos = order.iter().position(|x| *x == l.from).unwrap_or(0);
        let to_pos = order.iter().position(|x| *x == l.to).unwrap_or(0);
        if to_pos < from_pos {
            attrs.push(aq("constraint", "false"));
        }
        attrs.push(aq("tooltip", &format!("step {idx}: {} -> {}", ctx.path(l.from), ctx.path(l.to))));
        any_reply |= l.reply;
        edge_style(&mut attrs, marked, l.is_async || l.reply);
        stmts.push(edge(&ctx.path(l.from), &ctx.path(l.to), attrs));
    }
    let mut keys = node_keys(ctx, &order);
    keys.extend(zone_keys(ctx, &zones));
    keys.push(Key::Line("#4a5568", "solid", "numbered step, synchronous"));
    if any_async {
        keys.push(Key::Line("#4a5568", "dashed", "asynchronous step"));
    }
    if any_reply {
        keys.push(Key::Line("#4a5568", "dashed", "reply, back to the caller"));
    }
    if steps.is_empty() {
        stmts.push(node("@empty", vec![aq("shape", "plaintext"), aq("label", "This flow has no resolved steps")]));
    }
    let dot = frame.finish(stmts, &keys, &ctx.marks());
    (stem, full_title, dot)
}

// ---------------------------------------------------------------------------------------------
// Deployment

/// A deployment node's box: its platform, instances and size, and what runs on it.
fn deploy_node(ctx: &Ctx, id: ElementId) -> Stmt {
    let Some(e) = ctx.model.get(id) else { return node(&ctx.path(id), vec![]) };
    let mut first = Vec::new();
    if let Some(t) = tech(ctx, e) {
        first.push(t);
    }
    if let Some(Val::Lit(n)) = e.value("instances") {
        let n = n.to_string();
        first.push(if n == "1" { "1 instance".to_string() } else { format!("{n} instances") });
    }
    let mut details = vec![first.join(" · ")];
    if let Some(size) = e.text("size") {
        details.push(size.to_string());
    }
    let runs: Vec<String> =
        e.references("runs").filter_map(|r| ctx.model.get(r)).map(|r| r.title().to_string()).collect();
    let mut label = dot::node_label(e.title(), &details);
    if !runs.is_empty() {
        label.push_str(&format!(
            "<br/><font point-size=\"10\">runs {}</font>",
            dot::wrap(&runs.join(", "), 10.0, false, dot::DETAIL_WIDTH)
        ));
    }
    let mut attrs = dot::look_attrs(&dot::DEPLOY_NODE, label, ctx.is_marked(id));
    attrs.push(aq("tooltip", &ctx.path(id)));
    node(&ctx.path(id), attrs)
}

/// One deployment: its nodes inside their zones, what each runs, and the connections between
/// nodes that the interactions of what they run need.
fn deployment(ctx: &Ctx, did: ElementId, stem: String) -> (String, String, String) {
    let model = ctx.model;
    let d = model.get(did);
    let title = format!("Deployment: {}", d.map(|d| d.title()).unwrap_or_default());
    let nodes: Vec<ElementId> = d
        .map(|d| {
            d.children.iter().copied().filter(|c| model.get(*c).is_some_and(|e| e.kind == DeclKind::Node)).collect()
        })
        .unwrap_or_default();
    let mut facts = Vec::new();
    if let Some(d) = d {
        if let Some(env) = d.word("environment") {
            facts.push(format!("environment {env}"));
        }
        match d.value("platform") {
            Some(Val::Text(t)) => facts.push(format!("platform {t}")),
            Some(Val::Word(t)) => facts.push(format!("platform {t}")),
            Some(Val::Ref(r)) => facts.extend(model.get(*r).map(|t| format!("platform {}", t.title()))),
            _ => {}
        }
        let regions: Vec<String> = d
            .attrs_named("region")
            .flat_map(|a| a.values())
            .filter_map(|v| match &v.val {
                Val::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect();
        if !regions.is_empty() {
            facts.push(format!("region {}", regions.join(", ")));
        }
    }
    let subtitle = facts.join(" · ");
    let frame =
        dot::Frame { name: &stem, rankdir: "LR", title: &title, subtitle: &subtitle, nodesep: 0.5, ranksep: 1.2 };
    let mut stmts = Vec::new();
    let (drawn, zones) = zoned(ctx, &nodes, &BTreeMap::new(), &|id| deploy_node(ctx, id));
    stmts.extend(drawn);
    // Where each element runs: its first node in this deployment.
    let mut host: BTreeMap<ElementId, ElementId> = BTreeMap::new();
    for &n in &nodes {
        for r in model.get(n).into_iter().flat_map(|e| e.references("runs")) {
            host.entry(r).or_insert(n);
        }
    }
    let merged = merge(ctx.links.iter(), |id| host.get(&id).map(|n| ctx.path(*n)));
    let mut any_async = false;
    for (a, b, m) in &merged {
        let all_async = m.links.iter().all(|l| l.is_async);
        any_async |= all_async;
        let mut attrs = Vec::new();
        let protos = protocols(&m.links);
        if !protos.is_empty() {
            attrs.push(aq("label", &short_list(&protos, 3)));
        }
        edge_style(&mut attrs, ctx.links_marked(m.links.iter().copied()), all_async);
        stmts.push(edge(a, b, attrs));
    }
    // What the model runs but this deployment places nowhere: a to-do the picture should show.
    let unplaced: Vec<String> = ctx
        .facts
        .nodes()
        .into_iter()
        .filter(|id| !host.contains_key(id))
        .filter_map(|id| model.get(id))
        .filter(|e| !matches!(e.kind, DeclKind::Actor | DeclKind::External))
        .map(|e| e.title().to_string())
        .collect();
    if !unplaced.is_empty() && !nodes.is_empty() {
        let text = format!("Runs on no node of this deployment: {}", unplaced.join(", "));
        stmts.push(node(
            "@unplaced",
            vec![
                aq("shape", "note"),
                aq("color", "#6b7280"),
                aq("fontsize", "10"),
                at("label", h(&dot::wrap(&text, 10.0, false, 320.0))),
            ],
        ));
    }
    let mut keys = vec![Key::Node(dot::DEPLOY_NODE)];
    keys.extend(zone_keys(ctx, &zones));
    keys.push(Key::Line("#4a5568", "solid", "connection (label: protocols)"));
    if any_async {
        keys.push(Key::Line("#4a5568", "dashed", "asynchronous only"));
    }
    if nodes.is_empty() {
        stmts.push(node("@empty", vec![aq("shape", "plaintext"), aq("label", "This deployment declares no nodes")]));
    }
    let dot = frame.finish(stmts, &keys, &ctx.marks());
    (stem, title, dot)
}
