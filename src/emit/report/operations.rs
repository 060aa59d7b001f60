//! Infrastructure, monitoring, risks, roadmap, success metrics, the conclusion, the check findings
//! and the open holes.

use std::collections::{BTreeMap, BTreeSet};

use super::ctx::{and_list, plural, Ctx, NOT_STATED};
use super::doc::{self, bullets, fact_item, item, numbered, Inline, Item, Rich};
use super::overview::{anchored, chosen, chosen_id, style_decision};
use super::Out;
use crate::diagnostics::Severity;
use crate::semantic::model::{Element, ElementId, Val};
use crate::syntax::literal::Literal;
use crate::syntax::schema::DeclKind as K;

pub fn infrastructure(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Infrastructure Architecture");
    out.h(3, "Deployment Architecture");
    let deployments = ctx.of(K::Deployment);
    if deployments.is_empty() {
        out.lacks("deployments");
    } else {
        let mut envs: BTreeMap<String, Vec<ElementId>> = BTreeMap::new();
        for (id, d) in &deployments {
            envs.entry(d.word("environment").unwrap_or(NOT_STATED).to_string()).or_default().push(*id);
        }
        let parts: Vec<Rich> = envs
            .iter()
            .map(|(env, ids)| {
                let mut r = doc::plain(format!("{env}: "));
                r.extend(ctx.links(ids));
                r
            })
            .collect();
        out.fact("Environment Strategy", doc::join(parts, "; "));
        out.diagrams(ctx, |n| n.starts_with("deploy"));
        for (id, d) in &deployments {
            deployment(ctx, out, *id, d);
        }
    }
    out.holes(ctx, |h| matches!(h.kind, K::Deployment | K::Node));

    out.h(3, "Infrastructure Components");
    components(ctx, out);

    out.h(3, "Monitoring and Observability");
    observability(ctx, out);
}

fn deployment(ctx: &Ctx<'_>, out: &mut Out, id: ElementId, d: &Element) {
    out.h_el(4, ctx.heading_text(id), ctx.anchor(id));
    if let Some(s) = ctx.attr(d, "summary") {
        out.rich(s);
    }
    let mut items = Vec::new();
    items.extend(ctx.stated_facts(
        d,
        &[
            ("environment", "Environment"),
            ("platform", "Platform"),
            ("region", "Regions"),
            ("strategy", "Release strategy"),
            ("promotion", "Promotion"),
            ("registry", "Container registry"),
            ("network", "Network"),
        ],
    ));
    if !items.is_empty() {
        out.push(bullets(items));
    }
    let nodes: Vec<ElementId> = d.children.iter().copied().filter(|c| ctx.el(*c).kind == K::Node).collect();
    if nodes.is_empty() {
        out.p("The deployment declares no nodes.");
        return;
    }
    let rows = nodes
        .iter()
        .map(|n| {
            let e = ctx.el(*n);
            let autoscale = match e.attr("autoscale") {
                Some(a) => {
                    let parts: Vec<Rich> = a
                        .block
                        .iter()
                        .map(|b| {
                            let mut r = doc::plain(format!("{} ", b.name()));
                            r.extend(doc::join(b.values().map(|v| ctx.val(v, e.file)).collect(), ", "));
                            r
                        })
                        .collect();
                    if parts.is_empty() {
                        doc::plain("yes")
                    } else {
                        doc::join(parts, ", ")
                    }
                }
                None => doc::plain("no"),
            };
            vec![
                anchored(ctx, *n),
                ctx.attr(e, "tech").unwrap_or_default(),
                ctx.attr(e, "runs").unwrap_or_default(),
                ctx.attr(e, "instances").unwrap_or_default(),
                ctx.attr(e, "size").unwrap_or_default(),
                ctx.attr(e, "zone").unwrap_or_default(),
                autoscale,
            ]
        })
        .collect();
    out.table(&["Node", "Technology", "Runs", "Instances", "Size", "Zone", "Autoscale"], rows);
}

fn components(ctx: &Ctx<'_>, out: &mut Out) {
    let mut placed: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for (nid, n) in ctx.of(K::Node) {
        for r in n.references("runs") {
            placed.entry(r).or_default().push(nid);
        }
    }
    let components = ctx.of(K::Component);
    if components.is_empty() {
        out.fact("Compute Resources", doc::plain("the model declares no components"));
    } else {
        let rows = components
            .iter()
            .map(|(id, c)| {
                vec![
                    ctx.link_r(*id),
                    ctx.attr_or(c, "kind"),
                    ctx.attr_or(c, "tech"),
                    ctx.attr(c, "replicas").unwrap_or_default(),
                    placed.get(id).map(|n| ctx.links(n)).unwrap_or_else(|| doc::plain("no node")),
                ]
            })
            .collect();
        out.fact("Compute Resources", doc::plain("components and the nodes that run them:"));
        out.table(&["Component", "Kind", "Technology", "Replicas", "Runs on"], rows);
    }
    let stores = ctx.of(K::Datastore);
    if stores.is_empty() {
        out.fact("Storage Resources", doc::plain("the model declares no datastores"));
    } else {
        let rows = stores
            .iter()
            .map(|(id, s)| {
                vec![
                    anchored(ctx, *id),
                    ctx.attr_or(s, "tech"),
                    ctx.attr(s, "holds").unwrap_or_default(),
                    ctx.attr(s, "owner").unwrap_or_default(),
                    ctx.attr(s, "backup").unwrap_or_default(),
                    ctx.attr(s, "rto").unwrap_or_default(),
                    ctx.attr(s, "rpo").unwrap_or_default(),
                    placed.get(id).map(|n| ctx.links(n)).unwrap_or_else(|| doc::plain("no node")),
                ]
            })
            .collect();
        out.fact("Storage Resources", doc::plain(format!("{}:", plural(stores.len(), "datastore", "datastores"))));
        out.table(&["Datastore", "Technology", "Holds", "Owner", "Backup", "RTO", "RPO", "Runs on"], rows);
    }
    let messaging: Vec<(ElementId, &Element)> = ctx.of(K::Queue).into_iter().chain(ctx.of(K::Topic)).collect();
    if messaging.is_empty() {
        out.fact("Messaging", doc::plain("the model declares no queues or topics"));
    } else {
        let rows = messaging
            .iter()
            .map(|(id, q)| {
                vec![
                    anchored(ctx, *id),
                    doc::plain(q.kind.keyword()),
                    ctx.attr_or(q, "tech"),
                    ctx.attr(q, "carries").unwrap_or_default(),
                    ctx.attr(q, "partitions").unwrap_or_default(),
                    ctx.attr(q, "retention").unwrap_or_default(),
                    ctx.attr(q, "ordering").unwrap_or_default(),
                    ctx.attr(q, "dead-letter").unwrap_or_default(),
                ]
            })
            .collect();
        out.fact(
            "Messaging",
            doc::plain(format!("{}:", plural(messaging.len(), "queue or topic", "queues and topics"))),
        );
        out.table(
            &["Name", "Kind", "Technology", "Carries", "Partitions", "Retention", "Ordering", "Dead letter"],
            rows,
        );
    }
    if !ctx.of(K::Deployment).is_empty() {
        let unplaced: Vec<ElementId> = [K::Component, K::Datastore, K::Queue, K::Topic, K::Cache]
            .iter()
            .flat_map(|k| ctx.of(*k))
            .filter(|(id, _)| !placed.contains_key(id))
            .map(|(id, _)| id)
            .collect();
        if !unplaced.is_empty() {
            let mut r =
                doc::plain(format!("{} run on no deployment node: ", plural(unplaced.len(), "element", "elements")));
            r.extend(ctx.links(&unplaced));
            out.fact("Unplaced Elements", r);
        }
    }
    out.holes(ctx, |h| matches!(h.kind, K::Datastore | K::Queue | K::Topic));
}

fn observability(ctx: &Ctx<'_>, out: &mut Out) {
    let all = ctx.of(K::Observability);
    let health: Vec<Vec<Rich>> = ctx
        .of(K::Component)
        .iter()
        .filter(|(_, c)| c.has_flag("health"))
        .map(|(id, c)| vec![ctx.link_r(*id), ctx.attr_or(c, "health")])
        .collect();
    if all.is_empty() {
        out.lacks("observability setup");
        if !health.is_empty() {
            out.p("Components declare these health checks:");
            out.table(&["Component", "Health check"], health);
        }
        return;
    }
    let mut covered: BTreeSet<ElementId> = BTreeSet::new();
    let mut covers_all = false;
    for (id, o) in &all {
        out.h_el(4, ctx.heading_text(*id), ctx.anchor(*id));
        if let Some(s) = ctx.attr(o, "summary") {
            out.rich(s);
        }
        let covers: Vec<ElementId> = o.references("covers").collect();
        if covers.is_empty() && !o.has_flag("covers") {
            covers_all = true;
        }
        covered.extend(covers.iter().copied());
        let mut items = vec![fact_item(
            "Covers",
            if o.has_flag("covers") { ctx.attr_or(o, "covers") } else { doc::plain("every element") },
        )];
        for (attr, label) in [
            ("tech", "Technology"),
            ("health-checks", "Health checks"),
            ("logs", "Centralized logging"),
            ("tracing", "Distributed tracing"),
            ("audit", "Security audit logging"),
        ] {
            items.push(fact_item(label, ctx.attr_or(o, attr)));
        }
        for (attr, label) in [("metric", "Metrics"), ("alert", "Alerts"), ("dashboard", "Dashboards")] {
            let vals = ctx.each(o, attr);
            let mut it = fact_item(
                label,
                if vals.is_empty() { doc::plain("none declared") } else { doc::plain(vals.len().to_string()) },
            );
            if !vals.is_empty() {
                it.children.push(bullets(vals.into_iter().map(item).collect()));
            }
            items.push(it);
        }
        out.push(bullets(items));
    }
    if !covers_all {
        let uncovered: Vec<ElementId> = [K::Component, K::Datastore, K::Queue, K::Topic, K::Cache]
            .iter()
            .flat_map(|k| ctx.of(*k))
            .filter(|(id, _)| !covered.contains(id))
            .map(|(id, _)| id)
            .collect();
        if !uncovered.is_empty() {
            let mut r = doc::plain(format!(
                "{} no observability setup covers: ",
                plural(uncovered.len(), "element", "elements")
            ));
            r.extend(ctx.links(&uncovered));
            out.fact("Coverage Gaps", r);
        }
    }
    if !health.is_empty() {
        out.fact(
            "Component Health Checks",
            doc::plain(format!("{}:", plural(health.len(), "component", "components"))),
        );
        out.table(&["Component", "Health check"], health);
    }
    out.holes(ctx, |h| h.kind == K::Observability);
}

const ARCHITECTURAL: &[(&str, &str)] = &[
    ("scalability", "Scalability Risks"),
    ("reliability", "Reliability Risks"),
    ("security", "Security Risks"),
    ("performance", "Performance Risks"),
    ("data", "Data Risks"),
    ("compliance", "Compliance Risks"),
    ("vendor", "Vendor Risks"),
];
const OPERATIONAL: &[(&str, &str)] = &[
    ("operational", "Operational Risks"),
    ("deployment", "Deployment Risks"),
    ("maintenance", "Maintenance Risks"),
    ("organisational", "Organisational Risks"),
];

pub fn risks(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Risk Assessment and Mitigation");
    let risks = ctx.of(K::Risk);
    if risks.is_empty() {
        out.lacks("risks");
        out.h(3, "Architectural Risks");
        out.lacks("architectural risks");
        out.h(3, "Operational Risks");
        out.lacks("operational risks");
        return;
    }
    out.p(format!("The model declares {}.", plural(risks.len(), "risk", "risks")));
    let rows = risks
        .iter()
        .map(|(id, r)| {
            vec![
                ctx.link_r(*id),
                ctx.attr_or(r, "category"),
                ctx.attr_or(r, "likelihood"),
                ctx.attr_or(r, "impact"),
                ctx.attr_or(r, "status"),
                ctx.attr(r, "owner").unwrap_or_default(),
                ctx.attr(r, "affects").unwrap_or_default(),
            ]
        })
        .collect();
    out.table(&["Risk", "Category", "Likelihood", "Impact", "Status", "Owner", "Affects"], rows);
    out.h(3, "Architectural Risks");
    let uncategorised: Vec<ElementId> = risks
        .iter()
        .filter(|(_, r)| {
            let c = r.word("category");
            c.is_none() || !ARCHITECTURAL.iter().chain(OPERATIONAL).any(|(k, _)| Some(*k) == c)
        })
        .map(|(id, _)| *id)
        .collect();
    risk_groups(ctx, out, &risks, ARCHITECTURAL, &uncategorised, "architectural risks");
    out.h(3, "Operational Risks");
    risk_groups(ctx, out, &risks, OPERATIONAL, &[], "operational risks");
    out.holes(ctx, |h| h.kind == K::Risk);
}

fn risk_groups(
    ctx: &Ctx<'_>,
    out: &mut Out,
    risks: &[(ElementId, &Element)],
    groups: &[(&str, &str)],
    extra: &[ElementId],
    what: &str,
) {
    let mut any = false;
    for (cat, title) in groups {
        let ids: Vec<ElementId> =
            risks.iter().filter(|(_, r)| r.word("category") == Some(cat)).map(|(id, _)| *id).collect();
        if ids.is_empty() {
            continue;
        }
        any = true;
        out.label(title);
        out.push(bullets(ids.iter().map(|id| risk_item(ctx, *id)).collect()));
    }
    if !extra.is_empty() {
        any = true;
        out.label("Risks Without a Category");
        out.push(bullets(extra.iter().map(|id| risk_item(ctx, *id)).collect()));
    }
    if !any {
        out.lacks(what);
    }
}

fn risk_item(ctx: &Ctx<'_>, id: ElementId) -> Item {
    let r = ctx.el(id);
    let mut text: Rich = vec![Inline::Anchor(ctx.anchor(id)), doc::strong(ctx.heading_text(id))];
    let rating: Vec<String> = [("likelihood", "likelihood"), ("impact", "impact")]
        .iter()
        .filter_map(|(a, l)| r.word(a).map(|w| format!("{l} {w}")))
        .collect();
    if !rating.is_empty() {
        text.push(doc::text(format!(" ({})", rating.join(", "))));
    }
    if let Some(s) = ctx.attr(r, "summary") {
        text.push(doc::text(": "));
        text.extend(s);
    }
    let mut children = vec![
        fact_item("Mitigation", ctx.attr_or(r, "mitigation")),
        fact_item("Monitoring", ctx.attr_or(r, "monitoring")),
        fact_item("Contingency", ctx.attr_or(r, "contingency")),
    ];
    if let Some(a) = ctx.attr(r, "affects") {
        children.push(fact_item("Affects", a));
    }
    Item { text, children: vec![bullets(children)] }
}

/// Phases in roadmap order: each after the phase it follows, otherwise in declaration order.
pub(crate) fn ordered_phases<'m>(ctx: &Ctx<'m>) -> Vec<(ElementId, &'m Element)> {
    let phases = ctx.of(K::Phase);
    let ids: BTreeSet<ElementId> = phases.iter().map(|(id, _)| *id).collect();
    let mut done: BTreeSet<ElementId> = BTreeSet::new();
    let mut order = Vec::new();
    // Repeatedly take the first phase whose predecessor is placed (or absent); a cycle falls back
    // to declaration order.
    while order.len() < phases.len() {
        let next = phases
            .iter()
            .find(|(id, p)| {
                !done.contains(id) && p.reference("after").is_none_or(|a| done.contains(&a) || !ids.contains(&a))
            })
            .or_else(|| phases.iter().find(|(id, _)| !done.contains(id)));
        let Some((id, p)) = next else { break };
        done.insert(*id);
        order.push((*id, *p));
    }
    order
}

pub fn roadmap(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Implementation Roadmap");
    let phases = ordered_phases(ctx);
    if phases.is_empty() {
        out.lacks("roadmap phases");
        return;
    }
    out.p(format!("The roadmap has {}.", plural(phases.len(), "phase", "phases")));
    for (n, (id, p)) in phases.iter().enumerate() {
        // A label that already numbers the phase ("Phase 1: Foundations") is kept as it is.
        let numbered_label = p.title().to_ascii_lowercase().starts_with("phase ");
        let mut title = if numbered_label { p.title().to_string() } else { format!("Phase {}: {}", n + 1, p.title()) };
        if let Some(Val::Text(period)) = p.value("period") {
            title.push_str(&format!(" ({period})"));
        }
        out.h_el(3, title, ctx.anchor(*id));
        if let Some(s) = ctx.attr(p, "summary") {
            out.rich(s);
        }
        let mut items = Vec::new();
        if let Some(v) = p.attr("period").and_then(|a| a.first()).filter(|v| v.val == Val::Hole) {
            items.push(fact_item("Period", ctx.val(v, p.file)));
        }
        if let Some(a) = ctx.attr(p, "after") {
            items.push(fact_item("Follows", a));
        }
        let goals = ctx.each(p, "goal");
        let mut g = fact_item(
            "Goals",
            if goals.is_empty() { doc::plain("none declared") } else { doc::plain(goals.len().to_string()) },
        );
        if !goals.is_empty() {
            g.children.push(bullets(goals.into_iter().map(item).collect()));
        }
        items.push(g);
        items.push(fact_item("Delivers", ctx.attr(p, "delivers").unwrap_or_else(|| doc::plain("nothing declared"))));
        out.push(bullets(items));
    }
    out.holes(ctx, |h| h.kind == K::Phase);
}

pub fn metrics(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Success Metrics and Monitoring");
    let metrics = ctx.of(K::Metric);
    let groups: [(&str, &[&str]); 3] = [
        ("Technical Performance Metrics", &["performance", "scalability"]),
        ("Reliability and Security Metrics", &["reliability", "security"]),
        ("Business and Delivery Metrics", &["business", "cost", "delivery"]),
    ];
    if metrics.is_empty() {
        out.lacks("success metrics");
        out.h(3, groups[0].0);
        out.lacks("performance or scalability metrics");
        out.h(3, groups[1].0);
        out.lacks("reliability or security metrics");
        return;
    }
    out.p(format!("The model declares {}.", plural(metrics.len(), "success metric", "success metrics")));
    for (i, (title, cats)) in groups.iter().enumerate() {
        let rows: Vec<Vec<Rich>> = metrics
            .iter()
            .filter(|(_, m)| match m.word("category") {
                Some(c) => cats.contains(&c),
                None => i == 2,
            })
            .map(|(id, m)| {
                vec![
                    anchored(ctx, *id),
                    ctx.attr_or(m, "category"),
                    ctx.attr_or(m, "target"),
                    ctx.attr_or(m, "measure"),
                    ctx.attr(m, "owner").unwrap_or_default(),
                ]
            })
            .collect();
        if rows.is_empty() && i == 2 {
            continue;
        }
        out.h(3, title);
        if rows.is_empty() {
            out.lacks(&format!(
                "{} metrics",
                and_list(&cats.iter().map(|c| c.to_string()).collect::<Vec<_>>()).replace(" and ", " or ")
            ));
        } else {
            out.table(&["Metric", "Category", "Target", "Measure", "Owner"], rows);
        }
    }
    out.holes(ctx, |h| h.kind == K::Metric);
}

pub fn conclusion(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Conclusion and Next Steps");
    let style = style_decision(ctx);
    let risks = ctx.of(K::Risk);
    let milestones = ctx.of(K::Milestone);
    let phases = ordered_phases(ctx);
    let decisions = ctx.of(K::Decision);
    let components = ctx.of(K::Component);
    if style.is_none() && risks.is_empty() && milestones.is_empty() && phases.is_empty() && components.is_empty() {
        out.p("The model declares no style decision, components, risks, milestones or phases to conclude from.");
        return;
    }

    out.h(3, "Architecture Summary");
    let mut items = Vec::new();
    match style {
        Some(d) => {
            items.push(fact_item("Chosen Architecture", chosen(ctx, d)));
            if let Some(o) = chosen_id(ctx, d) {
                let pros = ctx.each(ctx.el(o), "pro");
                if !pros.is_empty() {
                    // The option's own pros, named as such: the report does not judge them.
                    items.push(fact_item("Pros the decision lists for the chosen option", doc::join(pros, "; ")));
                }
            }
        }
        None => items.push(fact_item("Chosen Architecture", doc::plain("no style decision is recorded"))),
    }
    if !risks.is_empty() {
        let mitigated = risks.iter().filter(|(_, r)| matches!(r.value("mitigation"), Some(Val::Text(_)))).count();
        let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, r) in &risks {
            *by_status.entry(r.word("status").unwrap_or(NOT_STATED)).or_default() += 1;
        }
        let statuses: Vec<String> = by_status.iter().map(|(s, n)| format!("{s}: {n}")).collect();
        items.push(fact_item(
            "Risk Mitigation",
            doc::plain(format!(
                "mitigation declared for {} of {} (status {})",
                mitigated,
                plural(risks.len(), "risk", "risks"),
                statuses.join(", ")
            )),
        ));
    }
    if let Some(d) = style {
        if let Some(e) = ctx.attr(ctx.el(d), "evolution") {
            items.push(fact_item("Evolution Path", e));
        }
    }
    out.push(bullets(items));

    out.h(3, "Implementation Readiness");
    let with_tech = components.iter().filter(|(_, c)| c.has_flag("tech")).count();
    let with_owner = components.iter().filter(|(_, c)| c.reference("owner").is_some()).count();
    let ifaces = ctx.of(K::Interface);
    let with_eps = ifaces.iter().filter(|(_, i)| !i.endpoints.is_empty()).count();
    let with_resp = components.iter().filter(|(_, c)| c.has_flag("does")).count();
    let deployments = ctx.of(K::Deployment);
    let envs: BTreeSet<&str> = deployments.iter().filter_map(|(_, d)| d.word("environment")).collect();
    let runnables: Vec<ElementId> = [K::Component, K::Datastore, K::Queue, K::Topic, K::Cache]
        .iter()
        .flat_map(|k| ctx.of(*k))
        .map(|(id, _)| id)
        .collect();
    let placed: BTreeSet<ElementId> = ctx.of(K::Node).iter().flat_map(|(_, n)| n.references("runs")).collect();
    let placed_n = runnables.iter().filter(|r| placed.contains(r)).count();
    out.push(bullets(vec![
        fact_item(
            "Technology Foundation",
            doc::plain(format!(
                "technology declared for {with_tech} of {}",
                plural(components.len(), "component", "components")
            )),
        ),
        fact_item(
            "Component Design",
            doc::plain(format!(
                "responsibility declared for {with_resp} of {}; endpoints or operations listed for {with_eps} of {}",
                plural(components.len(), "component", "components"),
                plural(ifaces.len(), "interface", "interfaces")
            )),
        ),
        fact_item(
            "Infrastructure Plan",
            doc::plain(format!(
                "{} covering {}; deployment nodes run {placed_n} of {}",
                plural(deployments.len(), "deployment", "deployments"),
                plural(envs.len(), "environment", "environments"),
                plural(runnables.len(), "runnable element", "runnable elements")
            )),
        ),
        fact_item(
            "Team Preparation",
            doc::plain(format!(
                "{}; an owner is declared for {with_owner} of {}",
                plural(ctx.count(K::Team), "team", "teams"),
                plural(components.len(), "component", "components")
            )),
        ),
    ]));

    out.h(3, "Immediate Next Steps");
    let mut steps: Vec<Item> = Vec::new();
    if !ctx.holes.is_empty() {
        steps.push(item(doc::plain(format!(
            "Fill the {} listed under Open Holes.",
            plural(ctx.holes.len(), "hole", "holes")
        ))));
    }
    let open: Vec<_> = ctx.findings.iter().filter(|d| d.suppression.is_none()).collect();
    let errors = open.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = open.iter().filter(|d| d.severity == Severity::Warning).count();
    if errors + warnings > 0 {
        let mut parts = Vec::new();
        if errors > 0 {
            parts.push(plural(errors, "error", "errors"));
        }
        if warnings > 0 {
            parts.push(plural(warnings, "warning", "warnings"));
        }
        steps
            .push(item(doc::plain(format!("Resolve or accept the {} listed under Check Findings.", and_list(&parts)))));
    }
    let undecided: Vec<ElementId> = decisions
        .iter()
        .filter(|(_, d)| d.reference("chosen").is_none() || d.word("status") == Some("proposed"))
        .map(|(id, _)| *id)
        .collect();
    if !undecided.is_empty() {
        let mut r = doc::plain("Settle the open decisions: ");
        r.extend(ctx.links(&undecided));
        r.push(doc::text("."));
        steps.push(item(r));
    }
    let open_risks: Vec<ElementId> =
        risks.iter().filter(|(_, r)| r.word("status").is_none_or(|s| s == "open")).map(|(id, _)| *id).collect();
    if !open_risks.is_empty() {
        let mut r = doc::plain("Track the open risks: ");
        r.extend(ctx.links(&open_risks));
        r.push(doc::text("."));
        steps.push(item(r));
    }
    if let Some((id, p)) = phases.first() {
        let mut r = doc::plain("Start the first phase, ");
        r.push(ctx.link(*id));
        let goals = ctx.each(p, "goal");
        if goals.is_empty() {
            r.push(doc::text("."));
        } else {
            r.push(doc::text(": "));
            r.extend(doc::join(goals, "; "));
            r.push(doc::text("."));
        }
        steps.push(item(r));
    }
    if steps.is_empty() {
        out.p("The model leaves no holes, findings, open decisions, open risks or phases to act on.");
    } else {
        out.push(numbered(steps));
    }

    out.h(3, "Long-term Architecture Evolution");
    let mut evo = Vec::new();
    if !milestones.is_empty() {
        let mut ms: Vec<(u64, usize, ElementId, &Element)> = milestones
            .iter()
            .enumerate()
            .map(|(i, (id, m))| {
                let users = match m.value("users") {
                    Some(Val::Lit(Literal::Count(n) | Literal::Int(n))) => *n,
                    _ => u64::MAX,
                };
                (users, i, *id, *m)
            })
            .collect();
        ms.sort_by_key(|(u, i, _, _)| (*u, *i));
        let children: Vec<Item> = ms
            .iter()
            .map(|(_, _, id, m)| {
                let mut r = ctx.link_r(*id);
                let changes = ctx.each(m, "change");
                if !changes.is_empty() {
                    r.push(doc::text(": "));
                    r.extend(doc::join(changes, "; "));
                }
                item(r)
            })
            .collect();
        let mut it = fact_item("Scaling Milestones", doc::plain(plural(ms.len(), "milestone", "milestones")));
        it.children.push(bullets(children));
        evo.push(it);
    }
    let evolving: Vec<Item> = decisions
        .iter()
        .filter_map(|(id, d)| {
            ctx.attr(d, "evolution").map(|e| {
                let mut r = ctx.link_r(*id);
                r.push(doc::text(": "));
                r.extend(e);
                item(r)
            })
        })
        .collect();
    if !evolving.is_empty() {
        let mut it = fact_item("Decision Evolution", doc::plain(plural(evolving.len(), "decision", "decisions")));
        it.children.push(bullets(evolving));
        evo.push(it);
    }
    if evo.is_empty() {
        out.p("The model declares no milestones and no decision evolution paths.");
    } else {
        out.push(bullets(evo));
    }
}

pub fn findings(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Check Findings");
    if ctx.findings.is_empty() {
        out.p("The analysis reports no findings.");
        return;
    }
    let (open, accepted): (Vec<_>, Vec<_>) = ctx.findings.iter().partition(|d| d.suppression.is_none());
    let count = |s: Severity| open.iter().filter(|d| d.severity == s).count();
    let mut summary = format!(
        "The analysis reports {}, {} and {}",
        plural(count(Severity::Error), "error", "errors"),
        plural(count(Severity::Warning), "warning", "warnings"),
        plural(count(Severity::Note), "note", "notes")
    );
    if !accepted.is_empty() {
        summary.push_str(&format!(", and {} accepted", plural(accepted.len(), "finding", "findings")));
    }
    summary.push('.');
    out.p(summary);
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &open {
        *by_code.entry(d.code.id).or_default() += 1;
    }
    let row = |d: &crate::diagnostics::Diagnostic| {
        // Diagnostics quote names in backticks; show those as code.
        let mut msg = doc::ticks(&d.message);
        if let Some(h) = &d.help {
            msg.push(doc::text(" — "));
            msg.extend(doc::ticks(h));
        }
        vec![
            vec![doc::code(d.code.id)],
            doc::plain(d.severity.as_str()),
            msg,
            super::subjects(ctx, d),
            doc::plain(d.span().map(|s| ctx.loc(s)).unwrap_or_default()),
        ]
    };
    out.table(&["Code", "Severity", "Message", "Elements", "Location"], open.iter().map(|d| row(d)).collect());
    if !accepted.is_empty() {
        out.label("Accepted Findings");
        let rows = accepted
            .iter()
            .map(|d| {
                let mut r = row(d);
                r.push(doc::plain(d.suppression.as_ref().map(|s| s.justification.clone()).unwrap_or_default()));
                r
            })
            .collect();
        out.table(&["Code", "Severity", "Message", "Elements", "Location", "Justification"], rows);
    }
}

/// Rules whose findings say that the model does not state something a rule needed (a gap), as
/// opposed to a design fault: the report's to-do list gathers them with the `?` holes.
pub(crate) const GAP_CODES: &[&str] = &["HYG008", "OWN001", "OWN004", "PERF002", "REL006", "SEC009"];

pub fn holes_appendix(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Open Holes");
    match ctx.holes_table(|_| true) {
        Some(t) => {
            out.p(format!("The model marks {} with `?`, to be filled:", plural(ctx.holes.len(), "value", "values")));
            out.push(t);
        }
        None => out.p("The model has no holes."),
    }
    let gaps: Vec<&crate::diagnostics::Diagnostic> =
        ctx.findings.iter().filter(|d| d.suppression.is_none() && GAP_CODES.contains(&d.code.id)).collect();
    if gaps.is_empty() {
        out.p("No rule found an attribute missing that it needed.");
        return;
    }
    out.p(format!(
        "The model does not state {} that the rules needed (gaps, shown as \u{201c}{NOT_STATED}\u{201d} in the sections above):",
        plural(gaps.len(), "thing", "things")
    ));
    let rows = gaps
        .iter()
        .map(|d| {
            vec![
                doc::plain(d.span().map(|s| ctx.loc(s)).unwrap_or_default()),
                super::subjects(ctx, d),
                doc::ticks(&d.message),
                vec![doc::code(d.code.id)],
            ]
        })
        .collect();
    out.table(&["Location", "Elements", "What is missing", "Rule"], rows);
}
