//! Component architecture: components by layer, the responsibility matrix, ownership, interaction
//! patterns, interface specifications and data models.

use std::collections::BTreeMap;

use super::ctx::{plural, Ctx, Use, NOT_STATED};
use super::doc::{self, bullets, fact_item, item, Item, Rich};
use super::overview::anchored;
use super::Out;
use crate::semantic::model::{Element, ElementId, Val};
use crate::syntax::schema::DeclKind as K;

/// Who depends on whom, from `uses` and flow steps.
pub(crate) struct Relations {
    pub deps: BTreeMap<ElementId, Vec<ElementId>>,
    pub consumers: BTreeMap<ElementId, Vec<ElementId>>,
    pub externals: BTreeMap<ElementId, Vec<ElementId>>,
}

pub(crate) fn relations(ctx: &Ctx<'_>) -> Relations {
    let mut deps: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    let mut consumers: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    let mut externals: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    let mut add = |from: ElementId, to: ElementId, declared: ElementId, from_uses: bool| {
        if from_uses {
            let d = deps.entry(from).or_default();
            if !d.contains(&declared) {
                d.push(declared);
            }
        }
        let c = consumers.entry(to).or_default();
        if !c.contains(&from) && from != to {
            c.push(from);
        }
        if ctx.el(to).kind == K::External {
            let x = externals.entry(from).or_default();
            if !x.contains(&to) {
                x.push(to);
            }
        }
    };
    for u in &ctx.uses {
        add(u.from, ctx.reach(u.target), u.target, true);
    }
    for (_, f) in ctx.of(K::Flow) {
        for s in &f.steps {
            if let (Val::Ref(a), Val::Ref(b)) = (&s.from.val, &s.to.val) {
                add(ctx.reach(*a), ctx.reach(*b), *b, false);
            }
        }
    }
    Relations { deps, consumers, externals }
}

const LAYERS: &[(Option<&str>, &str)] = &[
    (Some("business"), "Business Domain Components"),
    (Some("presentation"), "Presentation Components"),
    (Some("infrastructure"), "Technical Infrastructure Components"),
    (Some("cross-cutting"), "Cross-Cutting Components"),
    (Some("data"), "Data Components"),
    (None, "Components Without a Layer"),
];

pub fn component_architecture(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Component Architecture");
    out.h(3, "Component Overview");
    let components = ctx.of(K::Component);
    let rel = relations(ctx);
    if components.is_empty() {
        out.lacks("components");
    } else {
        let counts: Vec<String> = LAYERS
            .iter()
            .map(|(l, title)| (title, components.iter().filter(|(_, c)| c.word("layer") == *l).count()))
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| {
                format!("{} {n}", t.to_lowercase().trim_end_matches(" components").replace("components ", ""))
            })
            .collect();
        out.p(format!(
            "The model declares {}, by layer: {}.",
            plural(components.len(), "component", "components"),
            counts.join(", ")
        ));
        out.diagrams(ctx, |n| n == "containers");
        for (layer, title) in LAYERS {
            let group: Vec<&(ElementId, &Element)> =
                components.iter().filter(|(_, c)| c.word("layer") == *layer).collect();
            if group.is_empty() {
                continue;
            }
            out.h(4, title);
            for (n, (id, _)) in group.iter().enumerate() {
                component(ctx, out, &rel, n + 1, *id);
            }
        }
        matrix(ctx, out, &rel);
        super::containers::containers(ctx, out);
    }
    teams(ctx, out);
    out.holes(ctx, |h| matches!(h.kind, K::Component | K::Team | K::Person));

    out.h(3, "Component Interaction Patterns");
    interactions(ctx, out);

    out.h(3, "Component Interface Specifications");
    interfaces(ctx, out);
    data_models(ctx, out);
}

/// "payments (sync, timeout 2s, retries 2, circuit breaker)".
pub(crate) fn use_summary(ctx: &Ctx<'_>, u: &Use<'_>) -> Rich {
    let mut r = ctx.link_r(u.target);
    let mut facts: Vec<Rich> = Vec::new();
    if let Some(m) = u.mode {
        facts.push(doc::plain(m));
    }
    for b in &u.attr.block {
        let v = b.first();
        let label = match (b.name(), v) {
            ("circuit-breaker", _) => doc::plain("circuit breaker"),
            ("per-item", _) => doc::plain("per item"),
            ("description", Some(v)) => ctx.val(v, u.file),
            (name, Some(_)) => {
                let mut r = doc::plain(format!("{name} "));
                r.extend(doc::join(b.values().map(|v| ctx.val(v, u.file)).collect(), ", "));
                r
            }
            (name, None) => doc::plain(name),
        };
        facts.push(label);
    }
    facts.extend(stated_by_default(ctx, u));
    if !facts.is_empty() {
        r.push(doc::text(" ("));
        r.extend(doc::join(facts, ", "));
        r.push(doc::text(")"));
    }
    r
}

/// "auth service-token (the default of zone `vpc`)": what the `uses` takes from a zone or system
/// default rather than stating itself, so the report shows what the rules judge.
fn stated_by_default(ctx: &Ctx<'_>, u: &Use<'_>) -> Vec<Rich> {
    use crate::analysis::facts::{LinkOrigin, StatedBy};
    let Some(l) = ctx.facts.out(u.from).find(|l| l.origin == LinkOrigin::Uses && l.span == u.attr.span_in(u.file))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let protocol = l.protocol.map(crate::lang::Protocol::word);
    let auth = l.auth.map(crate::lang::AuthScheme::word);
    for (name, value, from) in [("protocol", protocol, l.protocol_from), ("auth", auth, l.auth_from)] {
        let (Some(value), Some(StatedBy::Default(place))) = (value, from) else { continue };
        let noun = ctx.model.get(place).map_or("zone", |p| p.kind.noun());
        let mut r = doc::plain(format!("{name} {value} (the default of {noun} "));
        r.push(ctx.link(place));
        r.push(doc::text(")"));
        out.push(r);
    }
    out
}

fn component(ctx: &Ctx<'_>, out: &mut Out, rel: &Relations, n: usize, id: ElementId) {
    let c = ctx.el(id);
    out.h_el(5, format!("{n}. {}", ctx.heading_text(id)), ctx.anchor(id));
    if let Some(s) = ctx.attr(c, "summary") {
        out.rich(s);
    }
    let mut items: Vec<Item> = Vec::new();
    let does = ctx.each(c, "does");
    let mut resp = fact_item("Responsibility", does.first().cloned().unwrap_or_else(|| doc::plain(NOT_STATED)));
    if does.len() > 1 {
        resp.children.push(bullets(does[1..].iter().cloned().map(item).collect()));
    }
    items.push(resp);
    for (attr, label) in [("kind", "Kind"), ("tech", "Technology")] {
        items.push(fact_item(label, ctx.attr_or(c, attr)));
    }
    let uses: Vec<&Use<'_>> = ctx.uses.iter().filter(|u| u.from == id).collect();
    let mut deps = fact_item(
        "Dependencies",
        if uses.is_empty() {
            doc::plain("none declared")
        } else {
            doc::plain(plural(uses.len(), "dependency", "dependencies"))
        },
    );
    if !uses.is_empty() {
        deps.children.push(bullets(uses.iter().map(|u| item(use_summary(ctx, u))).collect()));
    }
    items.push(deps);
    let ifaces = ctx.interfaces_of(id);
    items.push(fact_item("Interfaces", if ifaces.is_empty() { doc::plain("none") } else { ctx.links(&ifaces) }));
    items.push(fact_item("Data Ownership", ctx.attr(c, "owns").unwrap_or_else(|| doc::plain("none"))));
    if let Some(consumers) = rel.consumers.get(&id) {
        items.push(fact_item("Consumers", ctx.links(consumers)));
    }
    items.extend(ctx.stated_facts(
        c,
        &[
            ("publishes", "Publishes"),
            ("subscribes", "Subscribes to"),
            ("owner", "Owner"),
            ("zone", "Zone"),
            ("system", "System"),
            ("criticality", "Criticality"),
            ("replicas", "Replicas"),
            ("redundancy", "Redundancy"),
            ("capacity", "Capacity per instance"),
            ("latency", "Processing latency (p95)"),
            ("timeout", "Request deadline"),
            ("rto", "RTO"),
            ("rpo", "RPO"),
            ("failover", "Failover"),
            ("health", "Health check"),
            ("profile", "Security profiles"),
            ("controls", "Security controls"),
            ("max-classification", "Most sensitive data allowed"),
            ("standalone", "Standalone"),
            ("multi-tenant", "Multi-tenant"),
        ],
    ));
    super::containers::nesting_facts(ctx, id, &mut items);
    out.push(bullets(items));
}

fn matrix(ctx: &Ctx<'_>, out: &mut Out, rel: &Relations) {
    out.h(4, "Component Responsibility Matrix");
    let none = || doc::plain("none");
    let rows = ctx
        .of(K::Component)
        .iter()
        .map(|(id, c)| {
            let primary = c
                .attr("does")
                .and_then(|a| a.first())
                .map(|v| ctx.val(v, c.file))
                .unwrap_or_else(|| doc::plain(NOT_STATED));
            vec![
                ctx.link_r(*id),
                primary,
                rel.deps.get(id).map(|d| ctx.links(d)).unwrap_or_else(none),
                rel.consumers.get(id).map(|d| ctx.links(d)).unwrap_or_else(none),
                ctx.attr(c, "owns").unwrap_or_else(none),
                rel.externals.get(id).map(|d| ctx.links(d)).unwrap_or_else(none),
            ]
        })
        .collect();
    out.table(
        &[
            "Component",
            "Primary responsibility",
            "Dependencies",
            "Consumers",
            "Data ownership",
            "External integrations",
        ],
        rows,
    );
}

fn teams(ctx: &Ctx<'_>, out: &mut Out) {
    let teams = ctx.of(K::Team);
    let people = ctx.of(K::Person);
    if teams.is_empty() && people.is_empty() {
        return;
    }
    out.h(4, "Teams and Ownership");
    let mut owned: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for (id, e) in ctx.model.iter().filter(|(_, e)| !e.from_std) {
        if let Some(o) = e.reference("owner") {
            owned.entry(o).or_default().push(id);
        }
    }
    let rows = teams
        .iter()
        .map(|(id, t)| {
            vec![
                anchored(ctx, *id),
                ctx.attr(t, "contact").unwrap_or_default(),
                ctx.attr(t, "lead").unwrap_or_default(),
                ctx.attr(t, "size").unwrap_or_default(),
                owned.get(id).map(|o| ctx.links(o)).unwrap_or_else(|| doc::plain("nothing")),
            ]
        })
        .collect();
    out.table(&["Team", "Contact", "Lead", "Size", "Owns"], rows);
    let rows = people
        .iter()
        .map(|(id, p)| {
            vec![
                anchored(ctx, *id),
                ctx.attr(p, "team").unwrap_or_default(),
                ctx.attr(p, "role").unwrap_or_default(),
                ctx.attr(p, "email").unwrap_or_default(),
                owned.get(id).map(|o| ctx.links(o)).unwrap_or_else(|| doc::plain("nothing")),
            ]
        })
        .collect();
    out.table(&["Person", "Team", "Role", "Email", "Owns"], rows);
}

/// What a dependency reaches, for the interaction tables.
fn target_kind(ctx: &Ctx<'_>, target: ElementId) -> &'static str {
    match ctx.el(ctx.reach(target)).kind {
        K::Datastore => "database query",
        K::Cache => "cache access",
        K::External => "external service call",
        K::Queue => "message queue",
        K::Topic => "event stream",
        K::Actor => "call to an actor",
        _ => "API call",
    }
}

fn interactions(ctx: &Ctx<'_>, out: &mut Out) {
    if ctx.uses.is_empty() && ctx.of(K::Event).is_empty() {
        out.lacks("dependencies (`uses`) or events");
        out.holes(ctx, |h| h.top == "uses");
        return;
    }
    let is_async = |u: &Use<'_>| match u.mode {
        Some(m) => m == "async",
        None => matches!(ctx.el(ctx.reach(u.target)).kind, K::Queue | K::Topic),
    };
    if ctx.uses.iter().any(|u| u.mode.is_none()) {
        out.p("Dependencies without a stated mode count as synchronous unless they reach a queue or topic.");
    }
    let get = |u: &Use<'_>, name: &str| u.block_value(name).map(|v| ctx.val(v, u.file)).unwrap_or_default();
    let transit_of = |u: &Use<'_>| {
        let protocol = match u.block_value("protocol").map(|v| &v.val) {
            Some(Val::Word(w)) => Some(w.as_str()),
            _ => None,
        };
        doc::plain(ctx.link_transit(ctx.use_link(u), protocol))
    };
    let sync: Vec<Vec<Rich>> = ctx
        .uses
        .iter()
        .filter(|u| !is_async(u))
        .map(|u| {
            vec![
                ctx.link_r(u.from),
                ctx.link_r(u.target),
                doc::plain(target_kind(ctx, u.target)),
                get(u, "via"),
                get(u, "timeout"),
                get(u, "retries"),
                doc::plain(if u.has("circuit-breaker") { "yes" } else { "no" }),
                transit_of(u),
            ]
        })
        .collect();
    out.fact(
        "Synchronous Interactions",
        doc::plain(if sync.is_empty() {
            "none declared".to_string()
        } else {
            format!(
                "{} (API calls, database queries and external service calls)",
                plural(sync.len(), "dependency", "dependencies")
            )
        }),
    );
    out.table(&["From", "To", "Pattern", "Via", "Timeout", "Retries", "Circuit breaker", "Encrypted in transit"], sync);
    let asyncs: Vec<Vec<Rich>> = ctx
        .uses
        .iter()
        .filter(|u| is_async(u))
        .map(|u| {
            vec![
                ctx.link_r(u.from),
                ctx.link_r(u.target),
                doc::plain(target_kind(ctx, u.target)),
                get(u, "carries"),
                transit_of(u),
            ]
        })
        .collect();
    out.fact(
        "Asynchronous Interactions",
        doc::plain(if asyncs.is_empty() {
            "no asynchronous dependencies declared".to_string()
        } else {
            plural(asyncs.len(), "asynchronous dependency", "asynchronous dependencies")
        }),
    );
    out.table(&["From", "To", "Pattern", "Carries", "Encrypted in transit"], asyncs);

    // Event publishing.
    let events = ctx.of(K::Event);
    if !events.is_empty() {
        let mut pubs: BTreeMap<ElementId, (Vec<ElementId>, Vec<ElementId>)> = BTreeMap::new();
        for (id, c) in ctx.of(K::Component) {
            for e in c.references("publishes") {
                pubs.entry(e).or_default().0.push(id);
            }
            for e in c.references("subscribes") {
                pubs.entry(e).or_default().1.push(id);
            }
        }
        let rows = events
            .iter()
            .map(|(id, _)| {
                let (p, s) = pubs.get(id).cloned().unwrap_or_default();
                vec![ctx.link_r(*id), ctx.links(&p), ctx.links(&s)]
            })
            .collect();
        out.fact("Event Publishing", doc::plain(format!("{}:", plural(events.len(), "event", "events"))));
        out.table(&["Event", "Published by", "Consumed by"], rows);
    }
    let background: Vec<ElementId> = ctx
        .of(K::Component)
        .iter()
        .filter(|(_, c)| matches!(c.word("kind"), Some("worker" | "job" | "batch" | "function")))
        .map(|(id, _)| *id)
        .collect();
    out.fact(
        "Background Processing",
        if background.is_empty() {
            doc::plain("the model declares no worker, job, batch or function components")
        } else {
            ctx.links(&background)
        },
    );
    out.holes(ctx, |h| h.top == "uses" || h.top == "publishes" || h.top == "subscribes");
}

fn interfaces(ctx: &Ctx<'_>, out: &mut Out) {
    let all = ctx.of(K::Interface);
    if all.is_empty() {
        out.lacks("interfaces");
        return;
    }
    out.p(format!("The model declares {}.", plural(all.len(), "interface", "interfaces")));
    for (id, i) in all {
        let heading = match i.variant.as_deref() {
            Some(kind) => format!("{} ({kind})", ctx.heading_text(id)),
            None => ctx.heading_text(id),
        };
        out.h_el(4, heading, ctx.anchor(id));
        if let Some(s) = ctx.attr(i, "summary") {
            out.rich(s);
        }
        let mut items = vec![fact_item(
            "Provider",
            ctx.provider.get(&id).map(|p| ctx.link_r(*p)).unwrap_or_else(|| doc::plain(NOT_STATED)),
        )];
        for (attr, label) in [
            ("auth", "Authentication"),
            ("authz", "Authorization"),
            ("version", "Version"),
            ("errors", "Error model"),
            ("rate-limit", "Rate limit"),
            ("exposure", "Exposure"),
        ] {
            items.push(fact_item(label, ctx.attr_or(i, attr)));
        }
        for (attr, label) in
            [("versioning", "Versioning"), ("format", "Format"), ("carries", "Carries"), ("owner", "Owner")]
        {
            if let Some(v) = ctx.attr(i, attr) {
                items.push(fact_item(label, v));
            }
        }
        out.push(bullets(items));
        if i.endpoints.is_empty() {
            out.p("The interface lists no endpoints or operations.");
        } else {
            let rows = i
                .endpoints
                .iter()
                .map(|ep| {
                    let opts: Vec<Rich> = ep
                        .options
                        .iter()
                        .map(|o| {
                            let mut r = doc::plain(o.name());
                            if o.first().is_some() {
                                r.push(doc::text(" "));
                                r.extend(doc::join(o.values().map(|v| ctx.val(v, i.file)).collect(), ", "));
                            }
                            r
                        })
                        .collect();
                    vec![
                        vec![doc::code(ep.method.clone())],
                        vec![doc::code(ep.target.clone())],
                        ep.request.as_ref().map(|v| ctx.val(v, i.file)).unwrap_or_default(),
                        ep.response.as_ref().map(|v| ctx.val(v, i.file)).unwrap_or_default(),
                        ep.summary.clone().map(doc::plain).unwrap_or_default(),
                        doc::join(opts, ", "),
                    ]
                })
                .collect();
            out.table(&["Method", "Path or operation", "Request", "Response", "Summary", "Options"], rows);
        }
        // Data models used by the interface.
        let mut models: Vec<ElementId> = Vec::new();
        for ep in &i.endpoints {
            for v in [&ep.request, &ep.response].into_iter().flatten() {
                if let Val::Ref(d) = v.val {
                    models.push(d);
                }
            }
        }
        models.extend(i.references("carries"));
        let models = Ctx::dedup(models);
        if !models.is_empty() {
            out.label("Data Models");
            out.push(bullets(models.iter().map(|m| item(model_line(ctx, *m))).collect()));
        }
    }
    out.holes(ctx, |h| h.kind == K::Interface);
}

/// `Order: { id: uuid, email: string (pii) }`.
fn model_line(ctx: &Ctx<'_>, id: ElementId) -> Rich {
    let e = ctx.el(id);
    let mut r = ctx.link_r(id);
    if e.fields.is_empty() {
        r.push(doc::text(": no fields declared"));
        return r;
    }
    let fields: Vec<String> = e
        .fields
        .iter()
        .map(|f| {
            let mut s = format!("{}: {}{}", f.name, f.ty, if f.list { "[]" } else { "" });
            if !f.modifiers.is_empty() {
                s.push_str(&format!(" ({})", f.modifiers.join(", ")));
            }
            s
        })
        .collect();
    r.push(doc::text(": "));
    r.push(doc::code(format!("{{ {} }}", fields.join(", "))));
    r
}

fn data_models(ctx: &Ctx<'_>, out: &mut Out) {
    let data = ctx.of(K::Data);
    let events = ctx.of(K::Event);
    out.h(4, "Data Models");
    if data.is_empty() && events.is_empty() {
        out.lacks("data entities or events");
        out.diagrams(ctx, |n| n == "data");
        return;
    }
    out.p(format!(
        "The model declares {} and {}.",
        plural(data.len(), "data entity", "data entities"),
        plural(events.len(), "event", "events")
    ));
    out.diagrams(ctx, |n| n == "data");
    for (id, e) in data.iter().chain(events.iter()) {
        out.h_el(5, format!("{} ({})", ctx.heading_text(*id), e.kind.keyword()), ctx.anchor(*id));
        if let Some(s) = ctx.attr(e, "summary") {
            out.rich(s);
        }
        let mut items = vec![fact_item("Classification", ctx.attr_or(e, "classification"))];
        let mut flags = Vec::new();
        for f in ["pii", "credentials"] {
            if e.has_flag(f) || e.fields.iter().any(|x| x.modifiers.iter().any(|m| m == f)) {
                flags.push(f);
            }
        }
        if !flags.is_empty() {
            items.push(fact_item("Contains", doc::plain(flags.join(", "))));
        }
        let owners = ctx.data_owners.get(id).cloned().unwrap_or_default();
        if !owners.is_empty() {
            items.push(fact_item("System of record", ctx.links(&owners)));
        }
        items.extend(ctx.stated_facts(
            e,
            &[
                ("owner", "Owner"),
                ("retention", "Retention"),
                ("integrity", "Integrity"),
                ("volume", "Volume"),
                ("version", "Schema version"),
                ("key", "Partitioning key"),
            ],
        ));
        out.push(bullets(items));
        if e.fields.is_empty() {
            out.p("No fields are declared.");
        } else {
            let rows = e
                .fields
                .iter()
                .map(|f| {
                    vec![
                        vec![doc::code(f.name.clone())],
                        vec![doc::code(format!("{}{}", f.ty, if f.list { "[]" } else { "" }))],
                        doc::plain(f.modifiers.join(", ")),
                        f.doc.clone().map(doc::plain).unwrap_or_default(),
                    ]
                })
                .collect();
            out.table(&["Field", "Type", "Modifiers", "Description"], rows);
        }
    }
    out.holes(ctx, |h| matches!(h.kind, K::Data | K::Event));
}
