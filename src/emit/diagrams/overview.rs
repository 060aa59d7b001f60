//! Overviews for large models: above [`OVERVIEW_ABOVE`] elements, a picture of every component
//! is neither readable nor affordable (the layered layout grows far faster than the graph), so
//! the containers and trust views draw groups instead: in each zone, one box per owning team
//! (or per zone alone when even the teams are too many), with counts of what each holds, and
//! the interactions between groups merged into one line with their number. The data view counts
//! entities by classification between the groups that own them and those that store them.

use std::collections::BTreeMap;

use graphviz_rust::dot_structures::Stmt;

use super::dot::{self, aq, edge, node, Key};
use super::facts::{short_list, Encryption, Link};
use super::views::{edge_style, merge, protocols, zone_keys, zoned, AUTH_GREEN, NOAUTH_ORANGE, PLAIN_RED};
use super::Ctx;
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

/// Elements (components, stores, channels, actors, externals) above which overviews are drawn.
pub const OVERVIEW_ABOVE: usize = 300;
/// Groups above which teams are no longer told apart inside a zone.
const MAX_GROUPS: usize = 150;

/// Elements gathered into boxes.
struct Groups {
    /// Box id of each element drawn.
    of: BTreeMap<ElementId, String>,
    /// Each box: a representative element (for its zone) and its members.
    boxes: BTreeMap<String, (ElementId, Vec<ElementId>)>,
}

fn groups(ctx: &Ctx, by_team: bool) -> Groups {
    let mut of = BTreeMap::new();
    let mut boxes: BTreeMap<String, (ElementId, Vec<ElementId>)> = BTreeMap::new();
    for id in ctx.facts.nodes() {
        let Some(e) = ctx.model.get(id) else { continue };
        let key = match e.kind {
            // Who uses the system and what it depends on stay themselves: there are few.
            DeclKind::Actor | DeclKind::External => ctx.path(id),
            _ => {
                let zone = ctx.facts.zone_of(id).map(|z| ctx.path(z)).unwrap_or_default();
                let team = if by_team { ctx.facts.derived.owner_of(id).map(|o| ctx.path(o)) } else { None };
                format!("@group:{zone}:{}", team.unwrap_or_default())
            }
        };
        of.insert(id, key.clone());
        boxes.entry(key).or_insert((id, Vec::new())).1.push(id);
    }
    Groups { of, boxes }
}

fn grouped(ctx: &Ctx) -> Groups {
    let g = groups(ctx, true);
    if g.boxes.len() > MAX_GROUPS {
        groups(ctx, false)
    } else {
        g
    }
}

/// The box of a group: its team (or zone), and how many of each kind it holds.
fn group_node(ctx: &Ctx, key: &str, rep: ElementId, members: &[ElementId]) -> Stmt {
    let model = ctx.model;
    let Some(e) = model.get(rep) else { return node(key, vec![]) };
    if matches!(e.kind, DeclKind::Actor | DeclKind::External) {
        return super::views::element_node(ctx, rep);
    }
    let team = ctx.facts.derived.owner_of(rep).filter(|_| key.rsplit(':').next().is_some_and(|t| !t.is_empty()));
    let zone = ctx.facts.zone_of(rep);
    let title = match (team.and_then(|t| model.get(t)), zone.and_then(|z| model.get(z))) {
        (Some(t), _) => t.title().to_string(),
        (None, Some(z)) => format!("Everything in {}", z.title()),
        (None, None) => "Outside any zone".to_string(),
    };
    let mut counts: Vec<String> = Vec::new();
    for (k, one, many) in [
        (DeclKind::Component, "component", "components"),
        (DeclKind::Datastore, "datastore", "datastores"),
        (DeclKind::Queue, "queue", "queues"),
        (DeclKind::Topic, "topic", "topics"),
        (DeclKind::Cache, "cache", "caches"),
    ] {
        let n = members.iter().filter(|m| model.get(**m).is_some_and(|e| e.kind == k)).count();
        if n > 0 {
            counts.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    let marked = members.iter().filter_map(|m| ctx.is_marked(*m)).max();
    let mut label = dot::node_label(&title, &[counts.join(" · ")]);
    let flagged = members.iter().filter(|m| ctx.is_marked(**m).is_some()).count();
    if flagged > 0 {
        label.push_str(&format!("<br/><font point-size=\"9\">{flagged} named in findings</font>"));
    }
    let mut attrs = dot::look_attrs(&dot::GROUP, label, marked);
    attrs.push(aq("tooltip", &format!("{} elements", members.len())));
    node(key, attrs)
}

fn group_nodes(ctx: &Ctx, g: &Groups) -> (Vec<Stmt>, Vec<ElementId>) {
    let reps: Vec<ElementId> = g.boxes.values().map(|(rep, _)| *rep).collect();
    groups_in_zones(ctx, g, &reps)
}

/// The boxes of the groups whose representatives are `reps`, in their zones; a zone with many
/// sub-zones lays them out in a grid, so that the overview stays near a page's shape.
fn groups_in_zones(ctx: &Ctx, g: &Groups, reps: &[ElementId]) -> (Vec<Stmt>, Vec<ElementId>) {
    let by_rep: BTreeMap<ElementId, (&String, &Vec<ElementId>)> =
        g.boxes.iter().map(|(k, (rep, members))| (*rep, (k, members))).collect();
    let (mut stmts, zones) = zoned(ctx, reps, &BTreeMap::new(), &|rep| match by_rep.get(&rep) {
        Some((key, members)) => group_node(ctx, key, rep, members),
        None => super::views::element_node(ctx, rep),
    });
    // The grid's invisible edges name elements; here each stands for its group's box.
    let layout = super::views::zone_layout(ctx, reps, &zones, &[]);
    let id_of = |path: &str| -> Option<String> {
        let rep = reps.iter().find(|r| ctx.path(**r) == path)?;
        by_rep.get(rep).map(|(k, _)| (*k).clone()).or_else(|| Some(path.to_string()))
    };
    for e in layout.grid {
        if let Stmt::Edge(ed) = &e {
            if let graphviz_rust::dot_structures::EdgeTy::Pair(
                graphviz_rust::dot_structures::Vertex::N(a),
                graphviz_rust::dot_structures::Vertex::N(b),
            ) = &ed.ty
            {
                let unq = |id: &graphviz_rust::dot_structures::Id| match id {
                    graphviz_rust::dot_structures::Id::Escaped(s) => s.trim_matches('"').replace("\\\"", "\""),
                    other => format!("{other:?}"),
                };
                if let (Some(x), Some(y)) = (id_of(&unq(&a.0)), id_of(&unq(&b.0))) {
                    stmts.push(edge(&x, &y, vec![aq("style", "invis")]));
                }
            }
        }
    }
    (stmts, zones)
}

fn count_label(n: usize, what: &str, protos: &[String]) -> String {
    let mut s = format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    if !protos.is_empty() {
        s.push_str(&format!(" · {}", short_list(protos, 2)));
    }
    s
}

/// Containers overview: teams in their zones and the calls between them.
pub fn containers(ctx: &Ctx) -> (String, String, String) {
    let g = grouped(ctx);
    let frame = dot::Frame {
        name: "containers",
        rankdir: "TB",
        title: "Containers overview",
        subtitle: &format!(
            "{} elements, too many to draw one by one: each box is a team's share of a zone (or a whole zone)",
            g.of.len()
        ),
        nodesep: 0.4,
        ranksep: 0.9,
    };
    let (mut stmts, zones) = group_nodes(ctx, &g);
    let merged = merge(ctx.links.iter(), |id| g.of.get(&id).cloned());
    let mut any_async = false;
    for (a, b, m) in &merged {
        let all_async = m.links.iter().all(|l| l.is_async);
        any_async |= all_async;
        let mut attrs = vec![aq("label", &count_label(m.links.len(), "interaction", &protocols(&m.links)))];
        edge_style(&mut attrs, ctx.links_marked(m.links.iter().copied()), all_async);
        stmts.push(edge(a, b, attrs));
    }
    let mut keys = vec![Key::Node(dot::GROUP)];
    keys.extend(zone_keys(ctx, &zones));
    keys.push(Key::Line("#4a5568", "solid", "interactions between groups (label: count, protocols)"));
    if any_async {
        keys.push(Key::Line("#4a5568", "dashed", "asynchronous only"));
    }
    ("containers".into(), "Containers overview".into(), frame.finish(stmts, &keys, &ctx.marks()))
}

/// Trust overview: the same groups, and the interactions crossing a zone boundary merged per
/// pair of groups and per encryption and authentication.
pub fn trust(ctx: &Ctx) -> (String, String, String) {
    let g = grouped(ctx);
    let facts = &ctx.facts;
    let frame = dot::Frame {
        name: "trust",
        rankdir: "LR",
        title: "Trust boundaries overview",
        subtitle: "interactions that cross a zone boundary, merged between groups, by encryption and authentication",
        nodesep: 0.4,
        ranksep: 1.2,
    };
    let (mut stmts, zones) = group_nodes(ctx, &g);
    type Key3 = (String, String, Encryption, bool);
    let mut lines: BTreeMap<Key3, Vec<&Link>> = BTreeMap::new();
    for l in ctx.links.iter().filter(|l| l.from != l.to && facts.zone_of(l.from) != facts.zone_of(l.to)) {
        let (Some(a), Some(b)) = (g.of.get(&l.from), g.of.get(&l.to)) else { continue };
        let enc = if l.encryption == Encryption::Local { Encryption::Encrypted } else { l.encryption };
        lines.entry((a.clone(), b.clone(), enc, l.authenticated())).or_default().push(l);
    }
    let mut plain = false;
    let mut unauthenticated = false;
    let mut unknown = false;
    for ((a, b, enc, authenticated), ls) in &lines {
        let (style, color) = match enc {
            Encryption::Plaintext => ("dashed", PLAIN_RED),
            Encryption::Unknown => ("dotted", if *authenticated { AUTH_GREEN } else { NOAUTH_ORANGE }),
            _ => ("solid", if *authenticated { AUTH_GREEN } else { NOAUTH_ORANGE }),
        };
        plain |= *enc == Encryption::Plaintext;
        unknown |= *enc == Encryption::Unknown;
        unauthenticated |= !authenticated && *enc != Encryption::Plaintext;
        let marked = ctx.links_marked(ls.iter().copied());
        let color = marked.map_or(color, dot::Mark::color);
        let attrs = vec![
            aq("label", &count_label(ls.len(), "crossing", &protocols(ls))),
            aq("style", style),
            aq("color", color),
            aq("fontcolor", color),
            aq("penwidth", marked.map_or("1.6", dot::Mark::penwidth)),
        ];
        stmts.push(edge(a, b, attrs));
    }
    let mut keys = vec![Key::Node(dot::GROUP)];
    keys.extend(zone_keys(ctx, &zones));
    keys.push(Key::Line(AUTH_GREEN, "solid", "encrypted, authenticated"));
    if unauthenticated {
        keys.push(Key::Line(NOAUTH_ORANGE, "solid", "encrypted, no (or unstated) authentication"));
    }
    if plain {
        keys.push(Key::Line(PLAIN_RED, "dashed", "NOT encrypted in transit"));
    }
    if unknown {
        keys.push(Key::Line("#4a5568", "dotted", "encryption unknown (no protocol)"));
    }
    ("trust".into(), "Trust boundaries overview".into(), frame.finish(stmts, &keys, &ctx.marks()))
}

/// Data overview: the entities counted by classification, which groups own them (system of
/// record) and which groups of stores hold them.
pub fn data(ctx: &Ctx) -> (String, String, String) {
    let model = ctx.model;
    let g = grouped(ctx);
    let frame = dot::Frame {
        name: "data",
        rankdir: "LR",
        title: "Data ownership overview",
        subtitle: "data entities counted by classification: which groups own them and which groups of stores hold them",
        nodesep: 0.4,
        ranksep: 1.6,
    };
    let class_of = |d: ElementId| model.get(d).and_then(|e| e.word("classification")).unwrap_or("unclassified");
    let class_key = |c: &str| format!("@class:{c}");
    // Entities per classification, and the (group, classification) pairs with their counts.
    let mut classes: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (id, _) in model.iter().filter(|(_, e)| !e.from_std && e.kind == DeclKind::Data) {
        let c = classes.entry(class_of(id)).or_default();
        c.0 += 1;
        if crate::analysis::facts::is_pii(model, id) {
            c.1 += 1;
        }
    }
    let mut owns: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut holds: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (id, e) in model.iter().filter(|(_, e)| !e.from_std) {
        let Some(group) = g.of.get(&id) else { continue };
        let (attr, into) = match e.kind {
            DeclKind::Component => ("owns", &mut owns),
            DeclKind::Datastore | DeclKind::Cache => ("holds", &mut holds),
            _ => continue,
        };
        for d in e.references(attr).filter(|d| model.get(*d).is_some_and(|x| x.kind == DeclKind::Data)) {
            *into.entry((group.clone(), class_key(class_of(d)))).or_default() += 1;
        }
    }
    let mut used: Vec<String> = owns.keys().chain(holds.keys()).map(|(grp, _)| grp.clone()).collect();
    used.sort();
    used.dedup();
    let reps: Vec<ElementId> = g.boxes.iter().filter(|(k, _)| used.contains(k)).map(|(_, (rep, _))| *rep).collect();
    let (mut stmts, zones) = groups_in_zones(ctx, &g, &reps);
    let order = ["public", "internal", "confidential", "restricted", "unclassified"];
    for c in order.iter().filter(|c| classes.contains_key(**c)) {
        let (n, pii) = classes[*c];
        let mut details = vec![format!("{n} entit{}", if n == 1 { "y" } else { "ies" })];
        if pii > 0 {
            details.push(format!("{pii} with personal data"));
        }
        let mut attrs = dot::look_attrs(&dot::DATA, dot::node_label(&format!("{c} data"), &details), None);
        attrs.retain(|a| !matches!(&a.0, graphviz_rust::dot_structures::Id::Plain(k) if k == "fillcolor"));
        attrs.push(aq("fillcolor", super::views::class_colors(if *c == "unclassified" { None } else { Some(c) })));
        stmts.push(node(&class_key(c), attrs));
    }
    for ((grp, class), n) in &owns {
        stmts.push(edge(grp, class, vec![aq("label", &format!("owns {n}")), aq("penwidth", "1.6")]));
    }
    for ((grp, class), n) in &holds {
        stmts.push(edge(
            class,
            grp,
            vec![aq("label", &format!("{n} stored")), aq("style", "dashed"), aq("arrowhead", "odot")],
        ));
    }
    let mut keys = vec![Key::Node(dot::GROUP), Key::Node(dot::DATA)];
    keys.extend(zone_keys(ctx, &zones));
    keys.push(Key::Line("#4a5568", "solid", "owns (system of record; label: entities)"));
    keys.push(Key::Line("#4a5568", "dashed", "stored in (label: entities)"));
    ("data".into(), "Data ownership overview".into(), frame.finish(stmts, &keys, &ctx.marks()))
}
