//! Executive summary and system overview: context, core components, integration points, flows,
//! architectural decisions and how the technologies fit together.

use std::collections::BTreeMap;

use super::ctx::{and_list, plural, Ctx, NOT_STATED};
use super::doc::{self, bullets, fact_item, item, Inline, Rich};
use super::Out;
use crate::semantic::model::{Element, ElementId, Val};
use crate::syntax::schema::DeclKind as K;

/// The decision that fixes the architectural style: the system's `style`, else the first decision
/// with `category style`.
pub(crate) fn style_decision(ctx: &Ctx<'_>) -> Option<ElementId> {
    ctx.of(K::System)
        .iter()
        .find_map(|(_, s)| s.reference("style"))
        .or_else(|| ctx.of(K::Decision).iter().find(|(_, d)| d.word("category") == Some("style")).map(|(id, _)| *id))
}

/// The chosen option of a decision as inlines: link, hole or "no option chosen".
pub(crate) fn chosen(ctx: &Ctx<'_>, decision: ElementId) -> Rich {
    let d = ctx.el(decision);
    match d.attr("chosen").and_then(|a| a.first()) {
        Some(v) => ctx.val(v, d.file),
        None => doc::plain("no option chosen yet"),
    }
}

pub(crate) fn chosen_id(ctx: &Ctx<'_>, decision: ElementId) -> Option<ElementId> {
    ctx.el(decision).reference("chosen")
}

fn primary_system<'m>(ctx: &Ctx<'m>) -> Option<(ElementId, &'m Element)> {
    ctx.of(K::System).into_iter().next()
}

pub fn executive_summary(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Executive Summary");
    let system = primary_system(ctx);
    match system {
        Some((id, s)) => {
            let mut r: Rich = vec![Inline::Anchor(ctx.anchor(id)), doc::strong("System"), doc::text(": ")];
            r.push(doc::text(ctx.heading_text(id)));
            if let Some(summary) = ctx.attr(s, "summary") {
                r.push(doc::text(". "));
                r.extend(summary);
            }
            out.rich(r);
        }
        None => out.p("The model declares no system; this summary is drawn from the other elements."),
    }

    // Architectural style.
    let style = match style_decision(ctx) {
        Some(d) => {
            let mut r = chosen(ctx, d);
            r.push(doc::text(" (decided in "));
            r.push(ctx.link(d));
            if let Some(st) = ctx.el(d).word("status") {
                r.push(doc::text(format!(", {st}")));
            }
            r.push(doc::text(")"));
            r
        }
        None => doc::ticks(&format!("{NOT_STATED}: no decision has `category style` and the system names no `style`")),
    };
    out.fact("Architectural Style", style);

    // Technology foundation.
    let usage = ctx.tech_usage();
    let tech = if usage.is_empty() {
        doc::ticks(&format!("{NOT_STATED}: no element declares `tech`"))
    } else {
        let parts: Vec<Rich> = usage
            .iter()
            .map(|(label, (_, users))| {
                let mut r = doc::plain(format!("{label} ("));
                if users.len() <= 4 {
                    r.extend(ctx.links(users));
                } else {
                    r.push(doc::text(plural(users.len(), "element", "elements")));
                }
                r.push(doc::text(")"));
                r
            })
            .collect();
        doc::join(parts, "; ")
    };
    out.fact("Technology Foundation", tech);

    // Complexity.
    let counts = inventory(ctx);
    let complexity = match system.and_then(|(_, s)| s.attr("complexity").and_then(|a| a.first()).map(|v| (v, s.file))) {
        Some((v, file)) => {
            let mut r = ctx.val(v, file);
            r.push(doc::text(format!(" (declared); the model holds {counts}")));
            r
        }
        None => doc::plain(format!("not assessed; the model holds {counts}")),
    };
    out.fact("System Complexity", complexity);

    // Scalability target.
    let mut scale: Vec<Rich> = Vec::new();
    if let Some((_, s)) = system {
        for (attr, what) in [("users", "users"), ("concurrent-users", "concurrent users")] {
            if let Some(v) = s.attr(attr).and_then(|a| a.first()) {
                let mut r = ctx.val(v, s.file);
                r.push(doc::text(format!(" {what}")));
                scale.push(r);
            }
        }
    }
    for (_, q) in system_qualities(ctx) {
        for (attr, what) in [("throughput", "throughput"), ("availability", "availability"), ("p95", "p95 latency")] {
            if let Some(v) = q.attr(attr).and_then(|a| a.first()) {
                let mut r = doc::plain(format!("{what} "));
                r.extend(ctx.val(v, q.file));
                scale.push(r);
            }
        }
    }
    let milestones: Vec<String> = ctx
        .of(K::Milestone)
        .iter()
        .filter_map(|(_, m)| match m.value("users") {
            Some(Val::Lit(l)) => Some(super::ctx::lit(l)),
            _ => None,
        })
        .collect();
    if !milestones.is_empty() {
        scale.push(doc::plain(format!("scalability milestones at {} users", and_list(&milestones))));
    }
    out.fact(
        "Scalability Target",
        if scale.is_empty() {
            doc::plain(format!("{NOT_STATED}: the model declares no user counts, system quality targets or milestones"))
        } else {
            doc::clauses(scale)
        },
    );

    // Security approach.
    let mut sec: Vec<Rich> = Vec::new();
    if let Some((_, s)) = system {
        if let Some(v) = s.attr("security").and_then(|a| a.first()) {
            sec.push(ctx.val(v, s.file));
        }
        let profiles: Vec<ElementId> = s.references("profile").collect();
        if !profiles.is_empty() {
            let mut r = doc::plain("security profiles ");
            r.extend(ctx.links(&profiles));
            sec.push(r);
        }
    }
    let zones = ctx.count(K::Zone);
    if zones > 0 {
        sec.push(doc::plain(format!("{} with declared trust levels", plural(zones, "zone", "zones"))));
    }
    let auths: std::collections::BTreeSet<&str> =
        ctx.of(K::Interface).iter().filter_map(|(_, i)| i.word("auth")).collect();
    if !auths.is_empty() {
        let list: Vec<String> = auths.iter().map(|s| s.to_string()).collect();
        sec.push(doc::plain(format!("interface authentication by {}", and_list(&list))));
    }
    out.fact(
        "Security Approach",
        if sec.is_empty() {
            doc::plain(format!(
                "{NOT_STATED}: the model declares no security summary, profiles, zones or interface authentication"
            ))
        } else {
            doc::clauses(sec)
        },
    );
    out.holes(ctx, |h| h.kind == K::System);
}

/// "5 components, 3 interfaces, …" of the kinds present.
fn inventory(ctx: &Ctx<'_>) -> String {
    let kinds = [
        (K::Component, "component", "components"),
        (K::Interface, "interface", "interfaces"),
        (K::Flow, "flow", "flows"),
        (K::Datastore, "datastore", "datastores"),
        (K::Queue, "queue", "queues"),
        (K::Topic, "topic", "topics"),
        (K::Cache, "cache", "caches"),
        (K::External, "external system", "external systems"),
        (K::Actor, "actor", "actors"),
        (K::Data, "data entity", "data entities"),
        (K::Event, "event", "events"),
        (K::Zone, "zone", "zones"),
    ];
    let parts: Vec<String> = kinds
        .iter()
        .map(|(k, one, many)| (ctx.count(*k), one, many))
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, o, m)| plural(n, o, m))
        .collect();
    if parts.is_empty() {
        "no elements".into()
    } else {
        and_list(&parts)
    }
}

/// Quality target sets about the whole system: `of` a system, or without `of`.
pub(crate) fn system_qualities<'m>(ctx: &Ctx<'m>) -> Vec<(ElementId, &'m Element)> {
    ctx.of(K::Quality)
        .into_iter()
        .filter(|(_, q)| match q.reference("of") {
            None => true,
            Some(t) => ctx.el(t).kind == K::System,
        })
        .collect()
}

pub fn system_overview(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "System Overview");
    out.h(3, "High-Level Architecture");
    high_level(ctx, out);
    out.h(3, "Architectural Decisions");
    decisions(ctx, out);
    technology_integration(ctx, out);
}

fn high_level(ctx: &Ctx<'_>, out: &mut Out) {
    let systems = ctx.of(K::System);
    let actors = ctx.of(K::Actor);
    let externals = ctx.of(K::External);
    // System context.
    let mut context: Vec<Rich> = Vec::new();
    if let Some((_, s)) = systems.first() {
        let scope = ctx.each(s, "scope");
        if !scope.is_empty() {
            let mut r = doc::plain("inside the boundary: ");
            r.extend(doc::join(scope, "; "));
            context.push(r);
        }
        let out_of = ctx.each(s, "out-of-scope");
        if !out_of.is_empty() {
            let mut r = doc::plain("outside the boundary: ");
            r.extend(doc::join(out_of, "; "));
            context.push(r);
        }
    }
    context.push(doc::plain(format!(
        "{} and {} interact with the system",
        plural(actors.len(), "actor", "actors"),
        plural(externals.len(), "external system", "external systems")
    )));
    out.fact("System Context", doc::clauses(context));
    if systems.len() > 1 {
        let rows = systems
            .iter()
            .map(|(id, s)| {
                vec![anchored(ctx, *id), ctx.attr_or(s, "owner"), ctx.attr(s, "summary").unwrap_or_default()]
            })
            .collect();
        out.p(format!("The model declares {} systems:", systems.len()));
        out.table(&["System", "Owner", "Summary"], rows);
    }
    out.diagrams(ctx, |n| n == "context");
    if !actors.is_empty() {
        let rows = actors
            .iter()
            .map(|(id, a)| {
                vec![
                    anchored(ctx, *id),
                    ctx.attr_or(a, "kind"),
                    ctx.attr_or(a, "zone"),
                    ctx.attr(a, "count").unwrap_or_default(),
                    doc::plain(if a.has_flag("mfa") { "yes" } else { "no" }),
                    ctx.attr(a, "summary").unwrap_or_default(),
                ]
            })
            .collect();
        out.table(&["Actor", "Kind", "Zone", "Count", "MFA", "Summary"], rows);
    }
    if !externals.is_empty() {
        let rows = externals
            .iter()
            .map(|(id, x)| {
                vec![
                    anchored(ctx, *id),
                    ctx.attr_or(x, "kind"),
                    ctx.attr(x, "provider").unwrap_or_default(),
                    ctx.links(&ctx.interfaces_of(*id)),
                    ctx.attr(x, "sla").unwrap_or_default(),
                    ctx.attr(x, "criticality").unwrap_or_default(),
                    ctx.attr(x, "data-residency").unwrap_or_default(),
                ]
            })
            .collect();
        out.table(&["External system", "Kind", "Provider", "Interfaces", "SLA", "Criticality", "Data residency"], rows);
    }

    // Core components.
    let components = ctx.of(K::Component);
    let mut by_layer: BTreeMap<String, usize> = BTreeMap::new();
    for (_, c) in &components {
        *by_layer.entry(c.word("layer").unwrap_or("no layer").to_string()).or_default() += 1;
    }
    let with_resp = components.iter().filter(|(_, c)| c.has_flag("does")).count();
    let layers: Vec<String> = by_layer.iter().map(|(l, n)| format!("{n} {l}")).collect();
    out.fact(
        "Core Components",
        if components.is_empty() {
            doc::plain("the model declares no components")
        } else {
            doc::plain(format!(
                "{} ({}), {} of them with a declared responsibility",
                plural(components.len(), "component", "components"),
                layers.join(", "),
                with_resp
            ))
        },
    );

    // Integration points.
    let interfaces = ctx.of(K::Interface);
    let public = interfaces.iter().filter(|(_, i)| i.word("exposure") == Some("public")).count();
    let by_external = interfaces
        .iter()
        .filter(|(id, _)| ctx.provider.get(id).is_some_and(|p| ctx.el(*p).kind == K::External))
        .count();
    let mut integ = doc::plain(format!(
        "{} and {} ({} public, {} provided by external systems)",
        plural(externals.len(), "external system", "external systems"),
        plural(interfaces.len(), "interface", "interfaces"),
        public,
        by_external
    ));
    if !externals.is_empty() {
        integ.push(doc::text(": "));
        integ.extend(ctx.links(&externals.iter().map(|(id, _)| *id).collect::<Vec<_>>()));
    }
    out.fact("Integration Points", integ);

    // Data flows.
    let flows = ctx.of(K::Flow);
    if flows.is_empty() {
        out.fact("Data Flows", doc::plain("the model declares no flows"));
    } else {
        out.fact("Data Flows", doc::plain(format!("{}:", plural(flows.len(), "flow", "flows"))));
        let items = flows
            .iter()
            .map(|(id, f)| {
                let mut r = ctx.link_r(*id);
                let asyncs = f.steps.iter().filter(|s| s.is_async).count();
                let mut facts = vec![plural(f.steps.len(), "step", "steps")];
                if asyncs > 0 {
                    facts.push(format!("{asyncs} asynchronous"));
                }
                if let Some(k) = f.word("kind") {
                    facts.insert(0, k.to_string());
                }
                r.push(doc::text(format!(" ({})", facts.join(", "))));
                if let Some(s) = ctx.attr(f, "summary") {
                    r.push(doc::text(": "));
                    r.extend(s);
                }
                item(r)
            })
            .collect();
        out.push(bullets(items));
    }
    out.holes(ctx, |h| matches!(h.kind, K::Actor | K::External));
}

/// A cell naming an element and carrying its anchor.
pub(crate) fn anchored(ctx: &Ctx<'_>, id: ElementId) -> Rich {
    let e = ctx.el(id);
    let mut r = vec![Inline::Anchor(ctx.anchor(id)), doc::strong(e.title())];
    if e.label.is_some() {
        r.push(doc::text(" "));
        r.push(doc::code(e.name.clone()));
    }
    r
}

fn decisions(ctx: &Ctx<'_>, out: &mut Out) {
    let all = ctx.of(K::Decision);
    if all.is_empty() {
        out.lacks("decisions");
        out.holes(ctx, |h| matches!(h.kind, K::Decision | K::Option));
        return;
    }
    let style = style_decision(ctx);
    if let Some(d) = style {
        let mut r = chosen(ctx, d);
        r.push(doc::text(", as decided in "));
        r.push(ctx.link(d));
        out.fact("Architectural Style", r);
    }
    out.p(format!(
        "The model records {}{}.",
        plural(all.len(), "decision", "decisions"),
        if style.is_some() { ", the style decision first" } else { "" }
    ));
    let mut ordered: Vec<ElementId> = style.into_iter().collect();
    ordered.extend(all.iter().map(|(id, _)| *id).filter(|id| Some(*id) != style));
    for id in ordered {
        decision(ctx, out, id);
    }
    out.holes(ctx, |h| matches!(h.kind, K::Decision | K::Option));
}

fn decision(ctx: &Ctx<'_>, out: &mut Out, id: ElementId) {
    let d = ctx.el(id);
    out.h_el(4, ctx.heading_text(id), ctx.anchor(id));
    let mut facts = Vec::new();
    facts.extend(ctx.stated_facts(
        d,
        &[
            ("category", "Category"),
            ("status", "Status"),
            ("date", "Date"),
            ("owner", "Owner"),
            ("supersedes", "Supersedes"),
        ],
    ));
    if !facts.is_empty() {
        out.push(bullets(facts));
    }
    if let Some(c) = ctx.attr(d, "context") {
        out.fact("Context", c);
    }
    let chosen_opt = chosen_id(ctx, id);
    let options: Vec<ElementId> = d.children.iter().copied().filter(|c| ctx.el(*c).kind == K::Option).collect();
    if options.is_empty() {
        out.p("The decision lists no options.");
    } else {
        let rows = options
            .iter()
            .map(|o| {
                let e = ctx.el(*o);
                let mut name = anchored(ctx, *o);
                if Some(*o) == chosen_opt {
                    name.push(doc::text(" (chosen)"));
                }
                let mut fit = Vec::new();
                if let Some(f) = ctx.attr(e, "fit") {
                    fit.push(f);
                }
                if let Some(f) = ctx.attr(e, "tech-fit") {
                    let mut r = doc::plain("technology: ");
                    r.extend(f);
                    fit.push(r);
                }
                vec![
                    name,
                    ctx.attr(e, "summary").unwrap_or_default(),
                    doc::join(ctx.each(e, "pro"), "; "),
                    doc::join(ctx.each(e, "con"), "; "),
                    doc::join(fit, "; "),
                ]
            })
            .collect();
        out.table(&["Option", "Summary", "Pros", "Cons", "Fit"], rows);
    }
    out.fact("Chosen", chosen(ctx, id));
    let mut rationale = ctx.attr(d, "rationale").unwrap_or_default();
    let reasons = ctx.each(d, "reason");
    if rationale.is_empty() && reasons.is_empty() {
        rationale = doc::plain(NOT_STATED);
    }
    out.fact("Decision Rationale", rationale);
    if !reasons.is_empty() {
        out.push(bullets(reasons.into_iter().map(item).collect()));
    }
    let tradeoffs = match ctx.attr(d, "tradeoffs") {
        Some(t) => t,
        None => match chosen_opt {
            Some(o) => {
                let e = ctx.el(o);
                let (pros, cons) = (ctx.each(e, "pro"), ctx.each(e, "con"));
                if pros.is_empty() && cons.is_empty() {
                    doc::plain(NOT_STATED)
                } else {
                    let mut r = doc::plain("gains ");
                    r.extend(if pros.is_empty() { doc::plain("nothing stated") } else { doc::join(pros, "; ") });
                    r.push(doc::text("; loses "));
                    r.extend(if cons.is_empty() { doc::plain("nothing stated") } else { doc::join(cons, "; ") });
                    r.push(doc::text(" (from the chosen option's pros and cons)"));
                    r
                }
            }
            None => doc::plain(NOT_STATED),
        },
    };
    out.fact("Trade-offs", tradeoffs);
    if let Some(c) = ctx.attr(d, "consequences") {
        out.fact("Consequences", c);
    }
    out.fact("Evolution Path", ctx.attr_or(d, "evolution"));
}

fn technology_integration(ctx: &Ctx<'_>, out: &mut Out) {
    out.fact("Technology Integration", doc::plain("how the declared technologies and elements connect:"));
    let mut items = Vec::new();

    // Frontend integration.
    let fronts: Vec<ElementId> = ctx
        .of(K::Component)
        .iter()
        .filter(|(_, c)| {
            matches!(c.word("kind"), Some("frontend" | "mobile")) || c.word("layer") == Some("presentation")
        })
        .map(|(id, _)| *id)
        .collect();
    let front = if fronts.is_empty() {
        doc::plain("the model declares no frontend, mobile or presentation components")
    } else {
        let parts: Vec<Rich> = fronts
            .iter()
            .map(|f| {
                let targets: Vec<ElementId> = Ctx::dedup(ctx.uses.iter().filter(|u| u.from == *f).map(|u| u.target));
                let mut r = ctx.link_r(*f);
                if targets.is_empty() {
                    r.push(doc::text(" declares no dependencies"));
                } else {
                    r.push(doc::text(" uses "));
                    r.extend(ctx.links(&targets));
                }
                r
            })
            .collect();
        doc::join(parts, "; ")
    };
    items.push(fact_item("Frontend Integration", front));

    // Backend organisation.
    let mut by_layer: BTreeMap<String, Vec<ElementId>> = BTreeMap::new();
    for (id, c) in ctx.of(K::Component) {
        if fronts.contains(&id) {
            continue;
        }
        by_layer.entry(c.word("layer").unwrap_or("no layer").to_string()).or_default().push(id);
    }
    let back = if by_layer.is_empty() {
        doc::plain("the model declares no backend components")
    } else {
        doc::join(
            by_layer
                .iter()
                .map(|(layer, ids)| {
                    let mut r = doc::plain(format!("{layer}: "));
                    r.extend(ctx.links(ids));
                    r
                })
                .collect(),
            "; ",
        )
    };
    items.push(fact_item("Backend Architecture", back));

    // Data architecture.
    let mut stores: Vec<Rich> = Vec::new();
    for kind in [K::Datastore, K::Cache, K::Queue, K::Topic] {
        for (id, s) in ctx.of(kind) {
            let attr = if matches!(kind, K::Queue | K::Topic) { "carries" } else { "holds" };
            let mut r = ctx.link_r(id);
            r.push(doc::text(format!(" ({}", kind.keyword())));
            if let Some(t) = s.attr("tech").and_then(|a| a.first()).and_then(|v| ctx.tech_label(v)) {
                r.push(doc::text(format!(", {t}")));
            }
            r.push(doc::text(")"));
            let held: Vec<ElementId> = s.references(attr).collect();
            if !held.is_empty() {
                r.push(doc::text(format!(" {attr} ")));
                r.extend(ctx.links(&held));
            }
            stores.push(r);
        }
    }
    items.push(fact_item(
        "Data Architecture",
        if stores.is_empty() {
            doc::plain("the model declares no datastores, caches, queues or topics")
        } else {
            doc::join(stores, "; ")
        },
    ));

    // Infrastructure integration.
    let deps = ctx.of(K::Deployment);
    let infra = if deps.is_empty() {
        doc::plain("the model declares no deployments")
    } else {
        doc::join(
            deps.iter()
                .map(|(id, d)| {
                    let mut r = ctx.link_r(*id);
                    let nodes = d.children.iter().filter(|c| ctx.el(**c).kind == K::Node).count();
                    let mut facts = Vec::new();
                    if let Some(env) = d.word("environment") {
                        facts.push(env.to_string());
                    }
                    if let Some(p) = d.attr("platform").and_then(|a| a.first()).and_then(|v| ctx.tech_label(v)) {
                        facts.push(format!("on {p}"));
                    }
                    facts.push(plural(nodes, "node", "nodes"));
                    r.push(doc::text(format!(" ({})", facts.join(", "))));
                    r
                })
                .collect(),
            "; ",
        )
    };
    items.push(fact_item("Infrastructure Integration", infra));
    out.push(bullets(items));

    // The technologies in use, each with its anchor.
    let usage = ctx.tech_usage();
    if !usage.is_empty() {
        let rows = usage
            .iter()
            .map(|(label, (tech, users))| {
                let name = match tech {
                    Some(t) => anchored(ctx, *t),
                    None => vec![doc::strong(label.clone())],
                };
                let facts = match tech {
                    Some(t) => {
                        let e = ctx.el(*t);
                        let mut f = Vec::new();
                        if let Some(k) = e.word("kind") {
                            f.push(k.to_string());
                        }
                        for flag in ["encrypts-at-rest", "tls", "replication", "managed"] {
                            if e.has_flag(flag) {
                                f.push(flag.to_string());
                            }
                        }
                        if e.from_std {
                            f.push("standard catalogue".into());
                        }
                        doc::plain(f.join(", "))
                    }
                    None => doc::plain("free text"),
                };
                vec![name, facts, ctx.links(users)]
            })
            .collect();
        out.table(&["Technology", "Properties", "Used by"], rows);
    }
    // Declared technologies nobody uses still get their row, so that every element has an anchor.
    let used: std::collections::BTreeSet<ElementId> = usage.values().filter_map(|(t, _)| *t).collect();
    let unused: Vec<Vec<Rich>> = ctx
        .of(K::Technology)
        .iter()
        .filter(|(id, _)| !used.contains(id))
        .map(|(id, t)| {
            vec![
                anchored(ctx, *id),
                ctx.attr(t, "kind").unwrap_or_default(),
                ctx.attr(t, "summary").unwrap_or_default(),
            ]
        })
        .collect();
    if !unused.is_empty() {
        out.p("Technologies declared in the catalogue but not used by any element:");
        out.table(&["Technology", "Kind", "Summary"], unused);
    }
    out.holes(ctx, |h| h.kind == K::Technology);
}
