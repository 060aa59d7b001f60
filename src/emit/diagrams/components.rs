//! The component view (C4 level 3): one diagram per container, its components inside its box and
//! the elements they talk to around it. A container is a component with components declared in
//! it; the other views draw it as one node.

use std::collections::BTreeMap;

use super::dot::{self, aq, edge, q, set, subgraph, Key};
use super::facts::{short_list, Link};
use super::views::{element_node, file_stem, node_keys};
use super::Ctx;
use crate::analysis::facts::container_of;
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

/// (file stem, title, DOT) of the component view of every container, in declaration order.
pub fn all(ctx: &Ctx) -> Vec<(String, String, String)> {
    ctx.model
        .of_kind(DeclKind::Component)
        .filter(|(id, _)| parts_of(ctx, *id).next().is_some())
        .map(|(id, _)| view(ctx, id))
        .collect()
}

fn parts_of<'c>(ctx: &'c Ctx, container: ElementId) -> impl Iterator<Item = ElementId> + 'c {
    ctx.model
        .get(container)
        .into_iter()
        .flat_map(|e| e.children.iter().copied())
        .filter(move |c| container_of(ctx.model, *c) == Some(container))
}

fn view(ctx: &Ctx, container: ElementId) -> (String, String, String) {
    let title = ctx.model.get(container).map_or("?", |e| e.title());
    let full_title = format!("Components of {title}");
    let stem = format!("components-{}", file_stem(&ctx.path(container)));
    let parts: Vec<ElementId> = parts_of(ctx, container).collect();
    // Links that start or end at a part, merged per drawn pair in order of first appearance.
    let mut pairs: Vec<((ElementId, ElementId), Vec<&Link>)> = Vec::new();
    let mut index: BTreeMap<(ElementId, ElementId), usize> = BTreeMap::new();
    // The container's own calls (and calls to it) are drawn from and to its box.
    let touches = |id: ElementId| id == container || parts.contains(&id);
    for l in &ctx.links {
        if l.from == l.to
            || !(touches(l.from) || touches(l.to))
            || (touches(l.from) && touches(l.to) && (l.from == container || l.to == container))
        {
            continue;
        }
        match index.get(&(l.from, l.to)) {
            Some(&i) => pairs[i].1.push(l),
            None => {
                index.insert((l.from, l.to), pairs.len());
                pairs.push(((l.from, l.to), vec![l]));
            }
        }
    }
    let mut around: Vec<ElementId> = Vec::new();
    for ((a, b), _) in &pairs {
        for id in [*a, *b] {
            if !touches(id) && !around.contains(&id) {
                around.push(id);
            }
        }
    }
    let frame = dot::Frame {
        name: &stem,
        rankdir: "TB",
        title: &full_title,
        subtitle: "its components and what they talk to",
        nodesep: 0.4,
        ranksep: 0.8,
    };
    let mut inside = vec![
        set("label", q(title)),
        set("style", q("rounded,dashed")),
        set("color", q("#64748b")),
        set("fontname", q(dot::FONT)),
    ];
    inside.extend(parts.iter().map(|p| element_node(ctx, *p)));
    let cluster = format!("cluster_container_{}", container.0);
    let mut stmts = vec![set("compound", q("true")), subgraph(&cluster, inside)];
    // An edge of the container starts or ends at its box: Graphviz clips it there from a node
    // inside (`ltail`, `lhead`).
    let anchor = parts.first().copied().unwrap_or(container);
    stmts.extend(around.iter().map(|id| element_node(ctx, *id)));
    let mut any_async = false;
    for ((a, b), links) in &pairs {
        let all_async = links.iter().all(|l| l.is_async);
        any_async |= all_async;
        let mut protocols: Vec<String> = Vec::new();
        for p in links.iter().filter_map(|l| l.protocol.clone()) {
            if !protocols.contains(&p) {
                protocols.push(p);
            }
        }
        let mut attrs = Vec::new();
        if !protocols.is_empty() {
            attrs.push(aq("label", &short_list(&protocols, 2)));
        }
        if all_async {
            attrs.push(aq("style", "dashed"));
        }
        // The most severe finding on any of the merged calls marks the line.
        if let Some(m) = links.iter().filter_map(|l| ctx.link_marked(l)).max() {
            attrs.push(aq("color", m.color()));
            attrs.push(aq("fontcolor", m.color()));
            attrs.push(aq("penwidth", m.penwidth()));
        }
        let (mut from, mut to) = (*a, *b);
        if from == container {
            from = anchor;
            attrs.push(aq("ltail", &cluster));
        }
        if to == container {
            to = anchor;
            attrs.push(aq("lhead", &cluster));
        }
        stmts.push(edge(&ctx.path(from), &ctx.path(to), attrs));
    }
    let mut keys = node_keys(ctx, &[parts.clone(), around].concat());
    keys.push(Key::Line("#4a5568", "solid", "calls (label: protocol)"));
    if any_async {
        keys.push(Key::Line("#4a5568", "dashed", "asynchronous"));
    }
    let dot = frame.finish(stmts, &keys, &ctx.marks());
    (stem, full_title, dot)
}
