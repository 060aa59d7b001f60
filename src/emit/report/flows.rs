//! Data flow architecture (flows, synchronization, caching) and performance and scalability
//! (latency budgets, targets, scaling, milestones).

use std::collections::BTreeMap;

use super::ctx::{dur, plural, Ctx, StepLatency, NOT_STATED};
use super::doc::{self, bullets, fact_item, numbered, Rich};
use super::overview::anchored;
use super::Out;
use crate::semantic::model::{Element, ElementId, Step, Val};
use crate::source::FileId;
use crate::syntax::literal::Literal;
use crate::syntax::schema::DeclKind as K;

pub fn data_flow_architecture(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Data Flow Architecture");
    out.h(3, "Primary Data Flows");
    let flows = ctx.of(K::Flow);
    if flows.is_empty() {
        out.lacks("flows");
    } else {
        out.p(format!("The model declares {}.", plural(flows.len(), "flow", "flows")));
        for (id, f) in &flows {
            flow(ctx, out, *id, f);
        }
    }
    out.holes(ctx, |h| h.kind == K::Flow);

    out.h(3, "Data Synchronization Patterns");
    synchronization(ctx, out);

    out.h(3, "Caching Strategy");
    caching(ctx, out);
}

pub(crate) fn step_protocol(s: &Step) -> Option<&str> {
    s.protocol.as_deref().or_else(|| {
        s.options.iter().find(|a| a.name() == "protocol").and_then(|a| a.first()).and_then(|v| v.val.word())
    })
}

/// A step option's values, if given; `file` is the flow's.
pub(crate) fn step_opt(ctx: &Ctx<'_>, s: &Step, file: FileId, name: &str) -> Option<Rich> {
    let vals: Vec<Rich> =
        s.options.iter().filter(|a| a.name() == name).flat_map(|a| a.values()).map(|v| ctx.val(v, file)).collect();
    if vals.is_empty() {
        None
    } else {
        Some(doc::join(vals, ", "))
    }
}

/// Authentication of a step: its own `auth`, else the interface it goes through; `file` is the
/// flow's.
pub(crate) fn step_auth(ctx: &Ctx<'_>, s: &Step, file: FileId) -> Rich {
    if let Some(a) = step_opt(ctx, s, file, "auth") {
        return a;
    }
    let via = s.options.iter().find(|a| a.name() == "via").and_then(|a| a.first()).and_then(|v| v.val.reference());
    let via = via.or(match s.to.val {
        Val::Ref(id) if ctx.el(id).kind == K::Interface => Some(id),
        _ => None,
    });
    match via.and_then(|i| ctx.el(i).attr("auth").and_then(|a| a.first()).map(|v| (i, v))) {
        Some((i, v)) => {
            let mut r = ctx.val(v, ctx.el(i).file);
            r.push(doc::text(" (from "));
            r.push(ctx.link(i));
            r.push(doc::text(")"));
            r
        }
        None => doc::plain(NOT_STATED),
    }
}

fn latency_cell(ctx: &Ctx<'_>, s: &Step, file: FileId) -> Rich {
    match ctx.step_latency(s) {
        StepLatency::Known(ns) => doc::plain(dur(ns)),
        StepLatency::Hole(range) => ctx.hole_r(range.in_file(file)),
        StepLatency::Unknown => doc::plain(NOT_STATED),
    }
}

fn flow(ctx: &Ctx<'_>, out: &mut Out, id: ElementId, f: &Element) {
    out.h_el(4, ctx.heading_text(id), ctx.anchor(id));
    if let Some(s) = ctx.attr(f, "summary") {
        out.rich(s);
    }
    let mut facts = Vec::new();
    facts.extend(ctx.stated_facts(
        f,
        &[
            ("kind", "Kind"),
            ("criticality", "Criticality"),
            ("p95", "Latency target (p95)"),
            ("p99", "Latency target (p99)"),
            ("throughput", "Throughput target"),
        ],
    ));
    if f.has_flag("waits") {
        facts.push(fact_item("Waits for asynchronous steps", doc::plain("yes")));
    }
    if !facts.is_empty() {
        out.push(bullets(facts));
    }
    let stages = [
        ("Trigger", "trigger"),
        ("Input", "input"),
        ("Validation", "validation"),
        ("Processing", "processing"),
        ("Storage", "storage"),
        ("Output", "output"),
    ];
    let declared: Vec<_> = stages.iter().filter(|(_, a)| f.has_flag(a)).collect();
    if declared.is_empty() {
        out.p("The flow declares no trigger, input, validation, processing, storage or output.");
    } else {
        let items = declared.iter().map(|(label, attr)| fact_item(label, doc::join(ctx.each(f, attr), "; "))).collect();
        out.push(numbered(items));
        let missing: Vec<String> =
            stages.iter().filter(|(_, a)| !f.has_flag(a)).map(|(l, _)| l.to_lowercase()).collect();
        if !missing.is_empty() {
            out.p(format!("The flow does not state its {}.", super::ctx::and_list(&missing)));
        }
    }
    if f.steps.is_empty() {
        out.p("The flow declares no steps.");
    } else {
        let rows = f
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                vec![
                    doc::plain((i + 1).to_string()),
                    ctx.val(&s.from, f.file),
                    doc::plain(if s.is_async { "async" } else { "sync" }),
                    ctx.val(&s.to, f.file),
                    s.label.clone().map(doc::plain).unwrap_or_default(),
                    step_opt(ctx, s, f.file, "via").unwrap_or_default(),
                    doc::plain(ctx.link_transit(ctx.step_link(id, i), step_protocol(s))),
                    step_auth(ctx, s, f.file),
                    step_opt(ctx, s, f.file, "carries").unwrap_or_default(),
                    latency_cell(ctx, s, f.file),
                ]
            })
            .collect();
        out.table(
            &[
                "#",
                "From",
                "Mode",
                "To",
                "Description",
                "Via",
                "Encrypted in transit",
                "Authentication",
                "Carries",
                "Latency",
            ],
            rows,
        );
    }
    let names = [format!("flow-{}", f.name), format!("flow-{}", f.name.replace('_', "-"))];
    out.diagrams(ctx, |n| names.iter().any(|x| x == n));
}

fn synchronization(ctx: &Ctx<'_>, out: &mut Out) {
    let realtime: Vec<ElementId> = ctx
        .of(K::Interface)
        .iter()
        .filter(|(_, i)| matches!(i.variant.as_deref(), Some("websocket" | "events" | "webhook")))
        .map(|(id, _)| *id)
        .collect();
    let topics: Vec<ElementId> = ctx.of(K::Topic).iter().chain(ctx.of(K::Queue).iter()).map(|(id, _)| *id).collect();
    let async_steps: usize = ctx.of(K::Flow).iter().map(|(_, f)| f.steps.iter().filter(|s| s.is_async).count()).sum();
    let batch_flows: Vec<ElementId> =
        ctx.of(K::Flow).iter().filter(|(_, f)| f.word("kind") == Some("batch")).map(|(id, _)| *id).collect();
    let batch_components: Vec<ElementId> = ctx
        .of(K::Component)
        .iter()
        .filter(|(_, c)| matches!(c.word("kind"), Some("job" | "batch")))
        .map(|(id, _)| *id)
        .collect();
    let event_chains: Vec<ElementId> =
        ctx.of(K::Flow).iter().filter(|(_, f)| f.word("kind") == Some("event-chain")).map(|(id, _)| *id).collect();
    if realtime.is_empty()
        && topics.is_empty()
        && async_steps == 0
        && batch_flows.is_empty()
        && batch_components.is_empty()
    {
        out.lacks("websocket, event or webhook interfaces, queues, topics, asynchronous steps or batch processing");
        return;
    }
    let mut rt = Vec::new();
    if !realtime.is_empty() {
        rt.push(fact_item("Push interfaces (websocket, events, webhook)", ctx.links(&realtime)));
    }
    if !topics.is_empty() {
        rt.push(fact_item("Queues and topics", ctx.links(&topics)));
    }
    if !event_chains.is_empty() {
        rt.push(fact_item("Event chains", ctx.links(&event_chains)));
    }
    rt.push(fact_item("Asynchronous flow steps", doc::plain(async_steps.to_string())));
    out.label("Real-time Data Updates");
    out.push(bullets(rt));
    let mut batch = Vec::new();
    if !batch_flows.is_empty() {
        batch.push(fact_item("Batch flows", ctx.links(&batch_flows)));
    }
    if !batch_components.is_empty() {
        // What the model says is their kind; whether they run on a schedule it may not say.
        batch.push(fact_item("Components of kind job or batch", ctx.links(&batch_components)));
    }
    if batch.is_empty() {
        out.fact("Batch Data Processing", doc::plain("the model declares no batch flows or job components"));
    } else {
        out.label("Batch Data Processing");
        out.push(bullets(batch));
    }
}

fn caching(ctx: &Ctx<'_>, out: &mut Out) {
    let caches = ctx.of(K::Cache);
    if caches.is_empty() {
        out.lacks("caches");
        return;
    }
    let rows = caches
        .iter()
        .map(|(id, c)| {
            vec![
                anchored(ctx, *id),
                ctx.attr_or(c, "kind"),
                ctx.attr_or(c, "tech"),
                ctx.attr(c, "holds").unwrap_or_default(),
                ctx.attr(c, "serves").unwrap_or_default(),
                ctx.attr(c, "ttl").unwrap_or_default(),
                ctx.attr_or(c, "invalidation"),
                ctx.attr(c, "hit-ratio").unwrap_or_default(),
                ctx.attr(c, "size").unwrap_or_default(),
            ]
        })
        .collect();
    out.table(&["Cache", "Kind", "Technology", "Holds", "Serves", "TTL", "Invalidation", "Hit ratio", "Size"], rows);
    let group = |kinds: &[&str]| -> Vec<ElementId> {
        caches.iter().filter(|(_, c)| c.word("kind").is_some_and(|k| kinds.contains(&k))).map(|(id, _)| *id).collect()
    };
    let app = group(&["in-memory", "session", "computed"]);
    let dist = group(&["distributed", "query", "http", "cdn"]);
    out.fact(
        "Application-Level Caching",
        if app.is_empty() { doc::plain("none declared (in-memory, session or computed)") } else { ctx.links(&app) },
    );
    out.fact(
        "Distributed Caching",
        if dist.is_empty() { doc::plain("none declared (distributed, query, HTTP or CDN)") } else { ctx.links(&dist) },
    );
    let mut by_inv: BTreeMap<String, Vec<ElementId>> = BTreeMap::new();
    for (id, c) in &caches {
        by_inv.entry(c.word("invalidation").unwrap_or(NOT_STATED).to_string()).or_default().push(*id);
    }
    let parts: Vec<Rich> = by_inv
        .iter()
        .map(|(k, ids)| {
            let mut r = doc::plain(format!("{k}: "));
            r.extend(ctx.links(ids));
            r
        })
        .collect();
    out.fact("Cache Invalidation", doc::join(parts, "; "));
    out.holes(ctx, |h| h.kind == K::Cache);
}

/// The latency budget of a flow.
pub(crate) struct Budget {
    pub counted: usize,
    pub sum: u64,
    /// 1-based numbers of counted steps without a latency.
    pub missing: Vec<usize>,
    pub p95: Option<u64>,
}

pub(crate) fn budget(ctx: &Ctx<'_>, f: &Element) -> Budget {
    let waits = f.has_flag("waits");
    let mut b = Budget { counted: 0, sum: 0, missing: Vec::new(), p95: None };
    for (i, s) in f.steps.iter().enumerate() {
        if s.is_async && !waits {
            continue;
        }
        b.counted += 1;
        match ctx.step_latency(s) {
            StepLatency::Known(ns) => b.sum += ns,
            _ => b.missing.push(i + 1),
        }
    }
    if let Some(Val::Lit(Literal::Duration(ns))) = f.value("p95") {
        b.p95 = Some(*ns);
    }
    b
}

pub fn performance(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Performance and Scalability Architecture");
    out.h(3, "Performance Optimization");
    let flows = ctx.of(K::Flow);
    if flows.is_empty() {
        out.fact("Latency Budgets", doc::plain("the model declares no flows"));
    } else {
        out.fact(
            "Latency Budgets",
            doc::ticks("each flow's p95 target against the sum of its synchronous step latencies (asynchronous steps count too when the flow `waits`):"),
        );
        let rows = flows
            .iter()
            .map(|(id, f)| {
                let b = budget(ctx, f);
                let result = match (b.p95, b.missing.is_empty()) {
                    (None, _) => "no p95 target".to_string(),
                    (Some(_), false) => format!(
                        "incomplete: {} without a latency",
                        if b.missing.len() == 1 {
                            format!("step {}", b.missing[0])
                        } else {
                            format!("steps {}", b.missing.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", "))
                        }
                    ),
                    (Some(p), true) if b.sum <= p => format!("within budget, {} headroom", dur(p - b.sum)),
                    (Some(p), true) => format!("over budget by {}", dur(b.sum - p)),
                };
                vec![
                    ctx.link_r(*id),
                    doc::plain(b.counted.to_string()),
                    doc::plain(dur(b.sum)),
                    ctx.attr_or(f, "p95"),
                    doc::plain(result),
                ]
            })
            .collect();
        out.table(&["Flow", "Counted steps", "Sum of latencies", "p95 target", "Result"], rows);
    }
    // Database performance.
    let stores: Vec<Vec<Rich>> = ctx
        .of(K::Datastore)
        .iter()
        .map(|(id, s)| {
            vec![
                ctx.link_r(*id),
                ctx.attr_or(s, "tech"),
                ctx.attr(s, "replicas").unwrap_or_default(),
                ctx.attr(s, "read-replicas").unwrap_or_default(),
                ctx.attr(s, "partitioning").unwrap_or_default(),
                ctx.attr(s, "size").unwrap_or_default(),
            ]
        })
        .collect();
    if stores.is_empty() {
        out.fact("Database Performance", doc::plain("the model declares no datastores"));
    } else {
        out.fact("Database Performance", doc::plain("replication and partitioning per datastore:"));
        out.table(&["Datastore", "Technology", "Replicas", "Read replicas", "Partitioning", "Size"], stores);
    }
    // API performance.
    let apis: Vec<Vec<Rich>> = ctx
        .of(K::Interface)
        .iter()
        .filter(|(_, i)| i.has_flag("rate-limit") || i.endpoints.iter().any(|e| !e.options.is_empty()))
        .map(|(id, i)| {
            let limited: Vec<String> = i
                .endpoints
                .iter()
                .filter(|e| e.options.iter().any(|o| o.name() == "rate-limit" || o.name() == "latency"))
                .map(|e| format!("{} {}", e.method, e.target))
                .collect();
            let lat: Vec<Rich> = i
                .endpoints
                .iter()
                .filter_map(|e| {
                    e.options.iter().find(|o| o.name() == "latency").and_then(|o| o.first()).map(|v| {
                        let mut r = doc::plain(format!("{} {} ", e.method, e.target));
                        r.extend(ctx.val(v, i.file));
                        r
                    })
                })
                .collect();
            vec![
                ctx.link_r(*id),
                ctx.attr(i, "rate-limit").unwrap_or_else(|| doc::plain(NOT_STATED)),
                doc::plain(limited.len().to_string()),
                doc::join(lat, "; "),
            ]
        })
        .collect();
    if apis.is_empty() {
        out.fact("API Performance", doc::plain("the model declares no rate limits or endpoint latencies"));
    } else {
        out.fact("API Performance", doc::plain("rate limits and endpoint latencies:"));
        out.table(&["Interface", "Rate limit", "Endpoints with their own limits", "Endpoint latencies"], apis);
    }
    let comps: Vec<Vec<Rich>> = ctx
        .of(K::Component)
        .iter()
        .filter(|(_, c)| ["capacity", "latency", "timeout"].iter().any(|a| c.has_flag(a)))
        .map(|(id, c)| {
            vec![
                ctx.link_r(*id),
                ctx.attr(c, "capacity").unwrap_or_default(),
                ctx.attr(c, "latency").unwrap_or_default(),
                ctx.attr(c, "timeout").unwrap_or_default(),
            ]
        })
        .collect();
    if !comps.is_empty() {
        out.fact("Component Performance", doc::plain("capacity per instance, own latency and request deadline:"));
        out.table(&["Component", "Capacity", "Latency (p95)", "Deadline"], comps);
    }
    out.holes(ctx, |h| {
        matches!(h.top.as_str(), "p95" | "p99" | "throughput" | "latency" | "capacity" | "rate-limit" | "timeout")
    });

    out.h(3, "Scalability Design");
    scalability(ctx, out);
}

const QUALITY_ATTRS: &[(&str, &str)] = &[
    ("p95", "p95"),
    ("p99", "p99"),
    ("page-load", "Page load"),
    ("query-time", "Query time"),
    ("throughput", "Throughput"),
    ("concurrent-users", "Concurrent users"),
    ("availability", "Availability"),
    ("error-rate", "Error rate"),
    ("rto", "RTO"),
    ("rpo", "RPO"),
    ("durability", "Durability"),
];

fn scalability(ctx: &Ctx<'_>, out: &mut Out) {
    let qualities = ctx.of(K::Quality);
    let milestones = ctx.of(K::Milestone);
    if qualities.is_empty() {
        out.fact("Performance Targets and Monitoring", doc::plain("the model declares no quality targets"));
    } else {
        let cols: Vec<&(&str, &str)> =
            QUALITY_ATTRS.iter().filter(|(a, _)| qualities.iter().any(|(_, q)| q.has_flag(a))).collect();
        let mut head = vec!["Targets", "Applies to"];
        head.extend(cols.iter().map(|(_, l)| *l));
        let rows = qualities
            .iter()
            .map(|(id, q)| {
                let mut row =
                    vec![anchored(ctx, *id), ctx.attr(q, "of").unwrap_or_else(|| doc::plain("the whole system"))];
                row.extend(cols.iter().map(|(a, _)| ctx.attr(q, a).unwrap_or_default()));
                row
            })
            .collect();
        out.fact(
            "Performance Targets and Monitoring",
            doc::plain(format!("{}:", plural(qualities.len(), "quality target set", "quality target sets"))),
        );
        out.table(&head, rows);
    }
    // Horizontal scaling: replicas, redundancy and the autoscale of the nodes that run each element.
    let mut autoscale: BTreeMap<ElementId, Vec<Rich>> = BTreeMap::new();
    for (nid, n) in ctx.of(K::Node) {
        if let Some(a) = n.attr("autoscale") {
            let get = |name: &str| {
                a.block.iter().find(|b| b.name() == name).and_then(|b| b.first()).map(|v| ctx.val(v, n.file))
            };
            let mut r = doc::plain("");
            match (get("min"), get("max")) {
                (Some(lo), Some(hi)) => {
                    r.extend(lo);
                    r.push(doc::text("–"));
                    r.extend(hi);
                    r.push(doc::text(" instances"));
                }
                (Some(lo), None) => {
                    r.push(doc::text("at least "));
                    r.extend(lo);
                }
                (None, Some(hi)) => {
                    r.push(doc::text("at most "));
                    r.extend(hi);
                }
                (None, None) => r.push(doc::text("enabled")),
            }
            if let Some(on) = get("on") {
                r.push(doc::text(" on "));
                r.extend(on);
            }
            r.push(doc::text(" ("));
            r.push(ctx.link(nid));
            r.push(doc::text(")"));
            for runs in n.references("runs") {
                autoscale.entry(runs).or_default().push(r.clone());
            }
        }
    }
    let rows: Vec<Vec<Rich>> = ctx
        .of(K::Component)
        .iter()
        .filter(|(id, c)| c.has_flag("replicas") || c.has_flag("redundancy") || autoscale.contains_key(id))
        .map(|(id, c)| {
            vec![
                ctx.link_r(*id),
                ctx.attr(c, "replicas").unwrap_or_default(),
                ctx.attr(c, "redundancy").unwrap_or_default(),
                autoscale.get(id).map(|a| doc::join(a.clone(), "; ")).unwrap_or_default(),
            ]
        })
        .collect();
    if rows.is_empty() {
        out.fact(
            "Horizontal Scaling Strategy",
            doc::plain("the model declares no replicas, redundancy or autoscaling"),
        );
    } else {
        out.fact("Horizontal Scaling Strategy", doc::plain("replicas, redundancy and autoscaling per component:"));
        out.table(&["Component", "Replicas", "Redundancy", "Autoscale"], rows);
    }
    if milestones.is_empty() {
        out.fact("Scalability Milestones", doc::plain("the model declares no milestones"));
    } else {
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
        let rows = ms
            .iter()
            .map(|(_, _, id, m)| {
                let changes = ctx.each(m, "change");
                vec![
                    anchored(ctx, *id),
                    ctx.attr_or(m, "users"),
                    if changes.is_empty() { doc::plain(NOT_STATED) } else { doc::join(changes, "; ") },
                    ctx.attr(m, "affects").unwrap_or_default(),
                ]
            })
            .collect();
        out.fact(
            "Scalability Milestones",
            doc::plain(format!("{}, by user count:", plural(milestones.len(), "milestone", "milestones"))),
        );
        out.table(&["Milestone", "Users", "Planned changes", "Affects"], rows);
    }
    out.holes(ctx, |h| matches!(h.kind, K::Quality | K::Milestone) || h.top == "autoscale" || h.top == "replicas");
}
