//! Reliability (REL): single points of failure on critical flows, unguarded synchronous calls,
//! criticality inversions, denial-of-service exposure across network boundaries, datastores shared
//! by critical flows, and missing recovery objectives.

use std::collections::BTreeMap;

use super::shared::{critical_path, flow_steps};
use super::{Category, Ctx, Link, LinkOrigin, Rule, CRITICAL, HIGH};
use crate::analysis::facts;
use crate::diagnostics::{Code, Diagnostic, Severity, TextEdit};
use crate::semantic::model::{Attribute, ElementId, Val};
use crate::syntax::literal::Literal;
use crate::syntax::schema::{DeclKind, CRITICALITY};

const fn code(id: &'static str, name: &'static str, severity: Severity, summary: &'static str) -> Code {
    Code { id, name, severity, summary }
}

/// The reliability rules, in code order.
pub static RULES: &[&Rule] = &[
    &SPOF_ON_CRITICAL_PATH,
    &WOBBLY_INTERACTION,
    &CRITICALITY_INVERSION,
    &DOS_RISKY_BOUNDARY_ACCESS,
    &SHARED_DATASTORE_BLAST_RADIUS,
    &MISSING_RECOVERY_OBJECTIVES,
];

pub static SPOF_ON_CRITICAL_PATH: Rule = Rule {
    code: code("REL001", "spof-on-critical-path", Severity::Error, "A single instance sits on the synchronous path of a flow of high criticality or above."),
    category: Category::Reliability,
    explanation: "When a flow the business depends on (`criticality high` or above) waits synchronously on a component, datastore, cache or queue that runs as one instance (`replicas 1`, no replicas declared, or `redundancy none`), one crash, deploy or host failure stops the whole flow. Replicas declared on deployment nodes (`instances`, `autoscale min`) count when the element declares no `replicas`; an explicit `replicas` wins, and a deployment that runs more instances is named in the finding. Apps that run on the users' own devices (`kind spa`, `mobile` or `desktop`) are never single points of failure: every user runs a copy. Run the element redundantly, spread across failure domains, or take it off the synchronous path (queue the work, degrade gracefully).",
    bad: "actor customer\ncomponent api { replicas 3 }\ndatastore db\nflow checkout {\n  criticality high\n  customer -> api\n  api -> db\n}\n",
    good: "actor customer\ncomponent api { replicas 3 }\ndatastore db { replicas 2 }\nflow checkout {\n  criticality high\n  customer -> api\n  api -> db\n}\n",
    options: &[],
    run: spof_on_critical_path,
};

pub static WOBBLY_INTERACTION: Rule = Rule {
    code: code("REL002", "wobbly-interaction", Severity::Warning, "A synchronous call to a service with neither a timeout nor a circuit breaker."),
    category: Category::Reliability,
    explanation: "A synchronous `uses` of a service, an external system or an interface without a `timeout` waits as long as the callee hangs, and without a `circuit-breaker` keeps hammering a callee that is already failing: one slow dependency then exhausts the caller's threads and the failure cascades upstream. Give the call a timeout shorter than the caller's own deadline, and a circuit breaker so that it fails fast while the callee recovers.",
    bad: "component web { uses api sync }\ncomponent api\n",
    good: "component web { uses api sync { timeout 1s circuit-breaker } }\ncomponent api\n",
    options: &[],
    run: wobbly_interaction,
};

pub static CRITICALITY_INVERSION: Rule = Rule {
    code: code("REL003", "criticality-inversion", Severity::Warning, "An element depends synchronously on an element of lower criticality."),
    category: Category::Reliability,
    explanation: "A synchronous dependency makes the caller at most as available as the callee. When a `critical` service waits on a `medium` one, the weaker element's lower standards (redundancy, on-call, change process) silently cap the stronger one. Raise the callee to the caller's tier with what that implies, or make the dependency asynchronous or optional so that the caller degrades instead of failing.",
    bad: "component orders {\n  criticality critical\n  uses catalog sync { timeout 1s circuit-breaker }\n}\ncomponent catalog { criticality medium }\n",
    good: "component orders {\n  criticality critical\n  uses catalog async\n}\ncomponent catalog { criticality medium }\n",
    options: &[],
    run: criticality_inversion,
};

pub static DOS_RISKY_BOUNDARY_ACCESS: Rule = Rule {
    code: code("REL004", "dos-risky-boundary-access", Severity::Warning, "A critical element receives calls across a network boundary."),
    category: Category::Reliability,
    explanation: "An element of `critical` or `mission-critical` criticality that receives calls from another network zone can be flooded from there, by attack or by a misbehaving client. Calls forwarded by a gateway, proxy, WAF or load balancer count when that forwarder itself receives traffic from another network zone. A control that mitigates `denial-of-service` on the element (rate limiting, IP filtering) settles the finding; a mission-critical element that also runs as a single instance is reported as an error.",
    bad: "zone internet { trust none internet }\nzone core { trust high }\nactor customer { zone internet }\ncomponent api { zone core criticality critical replicas 2 }\nflow browse {\n  customer -> api https auth jwt\n}\n",
    good: "zone internet { trust none internet }\nzone core { trust high }\nactor customer { zone internet }\ncontrol rate_limiting { mitigates denial-of-service }\ncomponent api { zone core criticality critical replicas 2 controls rate_limiting }\nflow browse {\n  customer -> api https auth jwt\n}\n",
    options: &[],
    run: dos_risky_boundary_access,
};

pub static SHARED_DATASTORE_BLAST_RADIUS: Rule = Rule {
    code: code("REL005", "shared-datastore-blast-radius", Severity::Warning, "One unreplicated datastore lies on the synchronous paths of several critical flows of different services."),
    category: Category::Reliability,
    explanation: "When critical flows (`criticality high` or above) of different services all wait on the same datastore instance, and that instance has no replicas, one hot table, lock, migration or outage takes all of them down together: the services are coupled at runtime even if their code is not. Give each service its own store, or replicate the shared one (`replicas`, `read-replicas`) so that one load or failure does not hit every flow.",
    bad: "team shop\nteam finance\ncomponent orders { owner shop replicas 2 }\ncomponent billing { owner finance replicas 2 }\ndatastore db\nflow checkout {\n  criticality high\n  orders -> db\n}\nflow invoicing {\n  criticality high\n  billing -> db\n}\n",
    good: "team shop\nteam finance\ncomponent orders { owner shop replicas 2 }\ncomponent billing { owner finance replicas 2 }\ndatastore db { replicas 2 }\nflow checkout {\n  criticality high\n  orders -> db\n}\nflow invoicing {\n  criticality high\n  billing -> db\n}\n",
    options: &[],
    run: shared_datastore_blast_radius,
};

pub static MISSING_RECOVERY_OBJECTIVES: Rule = Rule {
    code: code("REL006", "missing-recovery-objectives", Severity::Note, "A critical element without recovery objectives or a failover strategy."),
    category: Category::Reliability,
    explanation: "A `critical` or `mission-critical` component needs a recovery time objective (`rto`) and a way to fail over (`failover`, or a `redundancy` other than none); a critical datastore needs an `rto` and a recovery point objective (`rpo`). Without them nobody can say whether backups, replicas and runbooks are good enough. A `quality` block about the element or its system may state the objectives.",
    bad: "component payments {\n  criticality critical\n  standalone\n}\n",
    good: "component payments {\n  criticality critical\n  rto 15m\n  failover \"Promote the standby in the second zone\"\n  standalone\n}\n",
    options: &[],
    run: missing_recovery_objectives,
};

/// Instances the deployments run of each element: per deployment, the sum over the nodes that
/// run it of `instances` (at least `autoscale min`, one by default); the largest deployment wins.
fn deployed_instances(cx: &Ctx<'_>) -> BTreeMap<ElementId, u64> {
    let mut per: BTreeMap<(Option<ElementId>, ElementId), u64> = BTreeMap::new();
    for (_, node) in cx.model.iter().filter(|(_, e)| e.kind == DeclKind::Node && !e.from_std) {
        let instances = match node.value("instances") {
            Some(Val::Lit(Literal::Int(n))) => *n,
            _ => 1,
        };
        let min = node
            .attr("autoscale")
            .and_then(|a| a.block.iter().find(|b| b.name == "min"))
            .and_then(|b| match b.first().map(|v| &v.val) {
                Some(Val::Lit(Literal::Int(n))) => Some(*n),
                _ => None,
            })
            .unwrap_or(0);
        for el in node.references("runs") {
            *per.entry((node.parent, el)).or_insert(0) += instances.max(min);
        }
    }
    let mut out = BTreeMap::new();
    for ((_, el), n) in per {
        let slot = out.entry(el).or_insert(0);
        *slot = n.max(*slot);
    }
    out
}

/// Why an element is a single point of failure, or `None` when it runs redundantly.
fn single_instance(cx: &Ctx<'_>, deployed: &BTreeMap<ElementId, u64>, id: ElementId) -> Option<String> {
    let e = cx.model.get(id)?;
    // Every user runs their own copy of a client app: it has no single instance to lose.
    if facts::runs_on_user_device(cx.model, id) {
        return None;
    }
    // `replicas 2x` is reported once, by the parser: an unknown count is not a single instance.
    if facts::written_but_unreadable(cx.model, id, "replicas") {
        return None;
    }
    let redundancy = e.word("redundancy");
    if redundancy == Some("none") {
        return Some("`redundancy none`".into());
    }
    let declared = match e.value("replicas") {
        Some(Val::Lit(Literal::Int(n))) => Some(*n),
        _ => None,
    };
    // An explicit `replicas` is the element's own statement and wins over the deployments: a
    // node's `instances` must not hide a single instance the model declares.
    let deployed = deployed.get(&id).copied();
    match declared.or(deployed) {
        Some(n) if n <= 1 => match deployed.filter(|d| *d > 1 && declared.is_some()) {
            Some(d) => Some(format!("`replicas {n}`, although a deployment runs {d} instances")),
            None => Some(format!("{n} instance")),
        },
        Some(_) => None,
        // Redundancy declared without a count implies more than one instance.
        None if redundancy.is_some() => None,
        None => Some("no replicas declared".into()),
    }
}

fn criticality_word(cx: &Ctx<'_>, id: ElementId) -> &'static str {
    cx.criticality(id).and_then(|c| CRITICALITY.get(c)).copied().unwrap_or("unknown")
}

fn quoted(cx: &Ctx<'_>, ids: &[ElementId]) -> String {
    ids.iter().map(|id| format!("`{}`", cx.name(*id))).collect::<Vec<_>>().join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        many.to_string()
    }
}

fn spof_on_critical_path(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deployed = deployed_instances(cx);
    // Element -> the critical flows waiting on it, each with the first step reaching it.
    let mut on_path: BTreeMap<ElementId, Vec<(ElementId, &Link)>> = BTreeMap::new();
    for (flow, steps) in flow_steps(cx) {
        if cx.criticality(flow).is_none_or(|c| c < HIGH) {
            continue;
        }
        for (_, l) in critical_path(cx, flow, &steps) {
            if l.is_async
                || !matches!(
                    cx.kind(l.to),
                    Some(DeclKind::Component | DeclKind::Datastore | DeclKind::Cache | DeclKind::Queue)
                )
            {
                continue;
            }
            let flows = on_path.entry(l.to).or_default();
            if !flows.iter().any(|(f, _)| *f == flow) {
                flows.push((flow, l));
            }
        }
    }
    for (el, flows) in on_path {
        let Some(why) = single_instance(cx, &deployed, el) else { continue };
        let names: Vec<ElementId> = flows.iter().map(|(f, _)| *f).collect();
        let mut d = cx.finding(
            &SPOF_ON_CRITICAL_PATH,
            format!(
                "{} `{}` is a single point of failure on critical {} {}",
                cx.kind(el).map_or("element", |k| k.noun()),
                cx.name(el),
                plural(names.len(), "flow", "flows"),
                quoted(cx, &names)
            ),
            cx.span_of(el),
            why,
            &[el],
        );
        for (f, l) in flows.iter().take(3) {
            d = d.with_secondary(l.span, format!("`{}` waits on it here", cx.name(*f)));
        }
        acc.push(d.with_help(format!(
            "run `{}` with `replicas 2` or more across failure domains, or take it off the synchronous path",
            cx.name(el)
        )));
    }
}

fn wobbly_interaction(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for l in &cx.facts.links {
        if l.origin != LinkOrigin::Uses
            || l.is_async
            || l.is_local()
            || l.timeout.is_some()
            || l.circuit_breaker
            || l.from == l.to
        {
            continue;
        }
        // `timeout ?` is a gap HYG008 reports and `timeout 2sec` a syntax error, not a missing timeout.
        if l.unreadable.contains(&"timeout") {
            continue;
        }
        if !matches!(cx.kind(l.to), Some(DeclKind::Component | DeclKind::External | DeclKind::Interface))
            || matches!(cx.kind_word(l.to), Some("library" | "module"))
        {
            continue;
        }
        let callee = cx.name(l.to);
        acc.push(
            cx.finding(
                &WOBBLY_INTERACTION,
                format!(
                    "`{}` calls `{callee}` synchronously with neither a timeout nor a circuit breaker",
                    cx.name(l.from)
                ),
                l.span,
                "unguarded synchronous call",
                &[l.from, l.to],
            )
            .with_help(format!("add `timeout` and `circuit-breaker` to this `uses` of `{callee}`"))
            .with_note("a hanging callee then holds the caller's threads, and the failure cascades upstream")
            .with_fix("Add `timeout ?` to fill in later", vec![timeout_edit(cx, l)]),
        );
    }
}

/// The `uses` attribute a link comes from.
fn uses_attr<'m>(cx: &Ctx<'m>, l: &Link) -> Option<&'m Attribute> {
    cx.model.get(l.from).and_then(|e| e.attrs_named("uses").find(|a| a.span == l.span))
}

/// Inserts `timeout ?` into the `uses` of a link: after its last block attribute, or as a new
/// block when it has none.
fn timeout_edit(cx: &Ctx<'_>, l: &Link) -> TextEdit {
    match uses_attr(cx, l).and_then(|a| a.block.iter().map(|b| b.span).max_by_key(|s| s.end)) {
        Some(last) => TextEdit::insert_after(last, " timeout ?"),
        None => TextEdit::insert_after(l.span, " { timeout ? }"),
    }
}

fn criticality_inversion(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::BTreeSet::new();
    for l in &cx.facts.links {
        if l.is_async
            || matches!(l.origin, LinkOrigin::Event)
            || l.from == l.to
            || cx.kind(l.from) != Some(DeclKind::Component)
        {
            continue;
        }
        // An in-process call shares the caller's process, and with it its availability.
        if l.is_local() || matches!(cx.kind_word(l.to), Some("library" | "module")) {
            continue;
        }
        let (Some(a), Some(b)) = (cx.criticality(l.from), cx.criticality(l.to)) else { continue };
        if a <= b || !seen.insert((l.from, l.to)) {
            continue;
        }
        let (caller, callee) = (cx.name(l.from), cx.name(l.to));
        acc.push(
            cx.finding(
                &CRITICALITY_INVERSION,
                format!(
                    "`{caller}` ({}) depends synchronously on `{callee}` ({})",
                    criticality_word(cx, l.from),
                    criticality_word(cx, l.to)
                ),
                l.span,
                "synchronous dependency on a lower tier",
                &[l.from, l.to],
            )
            .with_secondary(cx.span_of(l.to), format!("{} only", criticality_word(cx, l.to)))
            .with_help(format!(
                "raise `{callee}` to {} with what that implies, or make the call asynchronous or optional",
                criticality_word(cx, l.from)
            )),
        );
    }
}

/// Gateways, proxies, WAFs and load balancers pass traffic through.
fn forwards_traffic(cx: &Ctx<'_>, id: ElementId) -> bool {
    matches!(cx.kind_word(id), Some("gateway" | "proxy" | "waf" | "load-balancer"))
}

fn mitigates_dos(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.model.get(id).is_some_and(|e| {
        e.references("controls").any(|c| {
            cx.model.get(c).is_some_and(|c| {
                c.attrs_named("mitigates")
                    .flat_map(|a| a.values())
                    .any(|v| v.val == Val::Word("denial-of-service".into()))
            })
        })
    })
}

fn dos_risky_boundary_access(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deployed = deployed_instances(cx);
    // Consumers pull from brokers at their own pace, and monitoring only probes.
    let is_request = |l: &Link| {
        !matches!(l.origin, LinkOrigin::Event)
            && l.from != l.to
            && !matches!(cx.kind(l.from), Some(DeclKind::Queue | DeclKind::Topic))
            && cx.kind_word(l.from) != Some("monitoring")
    };
    // Elements that receive requests from another network zone.
    let mut reached_across = vec![false; cx.model.elements.len()];
    for l in cx.facts.links.iter().filter(|l| is_request(l) && cx.crosses_network(l)) {
        if let Some(r) = reached_across.get_mut(l.to.0 as usize) {
            *r = true;
        }
    }
    for kind in [DeclKind::Component, DeclKind::Datastore] {
        for (id, e) in cx.model.of_kind(kind) {
            if cx.criticality(id).is_none_or(|c| c < CRITICAL) || mitigates_dos(cx, id) {
                continue;
            }
            let mut sources: Vec<ElementId> = Vec::new();
            let mut first: Option<&Link> = None;
            for l in cx.facts.inbound(id).filter(|l| is_request(l)) {
                // A forwarder counts when it is itself reached from another network zone.
                let exposed = cx.crosses_network(l)
                    && (!forwards_traffic(cx, l.from)
                        || reached_across.get(l.from.0 as usize).copied().unwrap_or(false));
                if exposed && !sources.contains(&l.from) {
                    sources.push(l.from);
                    first.get_or_insert(l);
                }
            }
            let Some(first) = first else { continue };
            let critical = criticality_word(cx, id);
            let mut d = cx.finding(
                &DOS_RISKY_BOUNDARY_ACCESS,
                format!("{} `{}` ({critical}) receives calls across a network boundary from {}", kind.noun(), e.name, quoted(cx, &sources)),
                e.name_span,
                "reachable from another network zone",
                &[id],
            )
            .with_secondary(first.span, "crosses a network boundary")
            .with_help("rate-limit or filter the callers (declare a control that mitigates `denial-of-service`), run it redundantly, or keep its callers inside its network zone");
            if cx.criticality(id) == Some(CRITICAL + 1) {
                if let Some(why) = single_instance(cx, &deployed, id) {
                    d.severity = Severity::Error;
                    d = d.with_note(format!("mission-critical and not redundant ({why}): one flood stops it"));
                }
            }
            acc.push(d);
        }
    }
}

fn shared_datastore_blast_radius(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deployed = deployed_instances(cx);
    // Datastore -> (flow, calling component, step) on critical paths.
    let mut users: BTreeMap<ElementId, Vec<(ElementId, ElementId, &Link)>> = BTreeMap::new();
    for (flow, steps) in flow_steps(cx) {
        if cx.criticality(flow).is_none_or(|c| c < HIGH) {
            continue;
        }
        for (_, l) in critical_path(cx, flow, &steps) {
            if !l.is_async && cx.kind(l.to) == Some(DeclKind::Datastore) && cx.kind(l.from) == Some(DeclKind::Component)
            {
                users.entry(l.to).or_default().push((flow, l.from, l));
            }
        }
    }
    for (store, uses) in users {
        let mut flows: Vec<ElementId> = uses.iter().map(|(f, _, _)| *f).collect();
        flows.sort();
        flows.dedup();
        let mut callers: Vec<ElementId> = uses.iter().map(|(_, c, _)| *c).collect();
        callers.sort();
        callers.dedup();
        if flows.len() < 2 || callers.len() < 2 {
            continue;
        }
        // Callers of one owning team share the store by design of that team.
        let owners: Vec<Option<ElementId>> = callers.iter().map(|c| cx.facts.owner_of(*c)).collect();
        if owners.iter().all(|o| o.is_some() && *o == owners[0]) {
            continue;
        }
        let Some(e) = cx.model.get(store) else { continue };
        let read_replicas = matches!(e.value("read-replicas"), Some(Val::Lit(Literal::Int(n))) if *n > 0);
        if read_replicas || single_instance(cx, &deployed, store).is_none() {
            continue;
        }
        let mut d = cx.finding(
            &SHARED_DATASTORE_BLAST_RADIUS,
            format!(
                "datastore `{}` is shared by critical flows {} of {} without replication",
                e.name,
                quoted(cx, &flows),
                quoted(cx, &callers)
            ),
            e.name_span,
            "one instance for all of them",
            &[store],
        );
        let mut shown = Vec::new();
        for (_, caller, l) in &uses {
            if !shown.contains(caller) {
                shown.push(*caller);
                d = d.with_secondary(l.span, format!("`{}` waits on it", cx.name(*caller)));
            }
        }
        acc.push(d.with_help("give each service its own store, or replicate this one (`replicas`, `read-replicas`)"));
    }
}

fn missing_recovery_objectives(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // Objectives stated by `quality` blocks, by subject (a component or its system).
    let mut stated: BTreeMap<ElementId, Vec<&'static str>> = BTreeMap::new();
    for (_, q) in cx.model.of_kind(DeclKind::Quality) {
        if let Some(subject) = q.reference("of") {
            for name in ["rto", "rpo"] {
                if q.has_flag(name) {
                    stated.entry(subject).or_default().push(name);
                }
            }
        }
    }
    let has = |id: ElementId, name: &'static str| -> bool {
        let Some(e) = cx.model.get(id) else { return false };
        if e.has_flag(name) {
            return true;
        }
        let via = |s: ElementId| stated.get(&s).is_some_and(|v| v.contains(&name));
        via(id) || e.reference("system").is_some_and(via)
    };
    for kind in [DeclKind::Component, DeclKind::Datastore] {
        for (id, e) in cx.model.of_kind(kind) {
            if cx.criticality(id).is_none_or(|c| c < CRITICAL) {
                continue;
            }
            let mut missing = Vec::new();
            if !has(id, "rto") {
                missing.push("`rto`");
            }
            if kind == DeclKind::Datastore && !has(id, "rpo") {
                missing.push("`rpo`");
            }
            if kind == DeclKind::Component
                && !e.has_flag("failover")
                && e.word("redundancy").is_none_or(|r| r == "none")
            {
                missing.push("`failover`");
            }
            if missing.is_empty() {
                continue;
            }
            acc.push(
                cx.finding(
                    &MISSING_RECOVERY_OBJECTIVES,
                    format!("{} `{}` ({}) has no {}", kind.noun(), e.name, criticality_word(cx, id), missing.join(" or ")),
                    e.name_span,
                    "recovery not specified",
                    &[id],
                )
                .with_help(if kind == DeclKind::Component {
                    "state how fast it must be back (`rto 15m`) and how it fails over (`failover \"...\"` or `redundancy active-passive`)"
                } else {
                    "state how fast it must be back (`rto 1h`) and how much data may be lost (`rpo 5m`)"
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Severity;

    use crate::check::registry::{findings_of as of, messages_of as messages};

    const CRITICAL_FLOWS: &str = "actor customer
component gateway { kind gateway replicas 2 }
component orders { replicas 1 }
datastore db
cache sessions { replicas 2 }
topic events
component mailer
flow checkout {
  criticality high
  customer -> gateway
  gateway -> orders
  orders -> db
  orders -> sessions
  orders ~> events
  events ~> mailer
}
flow refund {
  criticality critical
  customer -> gateway
  gateway -> orders
}
flow browse {
  criticality medium
  customer -> mailer
}
";

    #[test]
    fn spof_lists_each_element_once_with_its_critical_flows() {
        let d = of("REL001", CRITICAL_FLOWS);
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            vec![
                "component `orders` is a single point of failure on critical flows `checkout`, `refund`",
                "datastore `db` is a single point of failure on critical flow `checkout`",
            ]
        );
        assert_eq!(d[0].subjects, vec!["orders".to_string()]);
        assert_eq!(d[0].primary.as_ref().map(|l| l.message.as_str()), Some("1 instance"));
        assert_eq!(d[1].primary.as_ref().map(|l| l.message.as_str()), Some("no replicas declared"));
        // The mailer is only reached asynchronously, and from a medium flow.
    }

    #[test]
    fn spof_counts_redundancy_and_deployed_instances() {
        let text = CRITICAL_FLOWS
            .replace("component orders { replicas 1 }", "component orders { redundancy multi-az }")
            .replace(
                "datastore db",
                "datastore db\ndeployment prod {\n  node db1 { runs db }\n  node db2 { runs db }\n}",
            );
        assert!(of("REL001", &text).is_empty(), "{:?}", messages("REL001", &text));
        let none = CRITICAL_FLOWS.replace("cache sessions { replicas 2 }", "cache sessions { replicas 2 }\n");
        let none = none.replace(
            "component gateway { kind gateway replicas 2 }",
            "component gateway { kind gateway replicas 2 redundancy none }",
        );
        assert!(messages("REL001", &none).iter().any(|m| m.starts_with("component `gateway`")));
    }

    #[test]
    fn explicit_replicas_win_over_deployed_instances() {
        let text = CRITICAL_FLOWS.replace(
            "component mailer",
            "component mailer\ndeployment prod {\n  node pool { instances 3 runs orders }\n}",
        );
        let d = of("REL001", &text);
        let orders = d.iter().find(|d| d.message.starts_with("component `orders`")).expect("orders stays a SPOF");
        assert_eq!(
            orders.primary.as_ref().map(|l| l.message.as_str()),
            Some("`replicas 1`, although a deployment runs 3 instances")
        );
        // Without an explicit count the deployment's instances decide.
        let implicit = text.replace("component orders { replicas 1 }", "component orders");
        assert!(!messages("REL001", &implicit).iter().any(|m| m.starts_with("component `orders`")));
    }

    #[test]
    fn a_replicas_value_that_failed_to_parse_is_not_a_missing_one() {
        let text = CRITICAL_FLOWS.replace("component orders { replicas 1 }", "component orders { replicas 2x }");
        let all = crate::check::registry::check_source(&text);
        let about_orders: Vec<&str> = all.iter().filter(|d| d.message.contains("2x")).map(|d| d.code.id).collect();
        assert_eq!(about_orders, vec!["SYN007"], "the bad value is reported once, by the parser");
        assert!(!messages("REL001", &text).iter().any(|m| m.starts_with("component `orders`")));
    }

    #[test]
    fn a_timeout_that_failed_to_parse_is_not_a_missing_one() {
        let text = "component api { uses pay sync { timeout 2sec } }\ncomponent pay\n";
        let all = crate::check::registry::check_source(text);
        let about: Vec<&str> = all.iter().filter(|d| d.message.contains("2sec")).map(|d| d.code.id).collect();
        assert_eq!(about, vec!["SYN007"]);
        assert!(messages("REL002", text).is_empty(), "{:?}", messages("REL002", text));
        assert_eq!(messages("REL002", &text.replace(" { timeout 2sec }", "")).len(), 1);
    }

    #[test]
    fn apps_on_the_users_devices_need_no_replicas() {
        let text = CRITICAL_FLOWS.replace("actor customer", "actor customer\ncomponent app { kind spa }").replace(
            "flow refund {\n  criticality critical\n  customer -> gateway",
            "flow refund {\n  criticality critical\n  customer -> app\n  app -> gateway",
        );
        assert!(!messages("REL001", &text).iter().any(|m| m.contains("`app`")), "{:?}", messages("REL001", &text));
        for kind in ["mobile", "desktop"] {
            let other = text.replace("kind spa", &format!("kind {kind}"));
            assert!(!messages("REL001", &other).iter().any(|m| m.contains("`app`")));
        }
        // A server-rendered frontend runs on the system's hosts and still needs replicas.
        let server = text.replace("kind spa", "kind frontend");
        assert!(messages("REL001", &server).iter().any(|m| m.starts_with("component `app`")));
    }

    #[test]
    fn wobbly_only_for_unguarded_sync_service_calls() {
        let text = "component web {
  uses api sync
  uses search sync { retries 3 }
  uses guarded sync { timeout 1s }
  uses breaker sync { circuit-breaker }
  uses db sync
  uses jobs
  uses lib sync
  uses PayApi sync
}
component api
component search
component guarded
component breaker
datastore db
queue jobs
component lib { kind library }
external psp { exposes PayApi }
interface PayApi rest
";
        let d = of("REL002", text);
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            vec![
                "`web` calls `api` synchronously with neither a timeout nor a circuit breaker",
                "`web` calls `search` synchronously with neither a timeout nor a circuit breaker",
                "`web` calls `psp` synchronously with neither a timeout nor a circuit breaker",
            ]
        );
        assert_eq!(d[2].subjects, vec!["web".to_string(), "psp".to_string()]);
    }

    #[test]
    fn criticality_inversion_once_per_pair() {
        let text = "actor user\ncomponent orders {\n  criticality mission-critical\n  uses catalog sync { timeout 1s circuit-breaker }\n}\ncomponent catalog { criticality high }\ncomponent stock { criticality mission-critical }\nflow f {\n  user -> orders\n  orders -> catalog\n  orders -> stock\n}\n";
        assert_eq!(
            messages("REL003", text),
            vec!["`orders` (mission-critical) depends synchronously on `catalog` (high)".to_string()]
        );
        let in_process = text
            .replace("uses catalog sync { timeout 1s circuit-breaker }", "uses catalog sync { protocol in-process }");
        let in_process = in_process.replace("  orders -> catalog\n", "  orders -> catalog in-process\n");
        assert!(of("REL003", &in_process).is_empty(), "{:?}", messages("REL003", &in_process));
        let module = text
            .replace("component catalog { criticality high }", "component catalog { kind module criticality high }");
        assert!(of("REL003", &module).is_empty());
    }

    const ZONES: &str = "zone internet { trust none internet }
zone dmz { trust medium }
zone core { trust high }
actor customer { zone internet }
component gateway { kind gateway zone dmz replicas 2 }
";

    #[test]
    fn dos_follows_forwarders_and_escalates_for_single_mission_critical() {
        let text = format!("{ZONES}component orders {{ zone core criticality mission-critical }}\ncomponent internal {{ zone core criticality critical replicas 2 }}\nflow f {{\n  customer -> gateway https auth jwt\n  gateway -> orders https auth jwt\n  orders -> internal https auth jwt\n}}\n");
        let d = of("REL004", &text);
        assert_eq!(d.len(), 1, "{:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>());
        assert_eq!(
            d[0].message,
            "component `orders` (mission-critical) receives calls across a network boundary from `gateway`"
        );
        assert_eq!(d[0].severity, Severity::Error);
        let redundant = text.replace("criticality mission-critical }", "criticality mission-critical replicas 3 }");
        let d = of("REL004", &redundant);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
    }

    #[test]
    fn dos_ignores_internal_forwarders_and_logical_zones() {
        let text = "zone core { trust high }\nzone team_a { kind logical parent core }\ncomponent lb { kind load-balancer zone core }\ncomponent orders { zone team_a criticality critical }\ncomponent web { zone core }\nflow f {\n  web -> lb\n  lb -> orders\n}\n";
        assert!(of("REL004", text).is_empty());
        let broker = "zone edge { trust low }\nzone core { trust high }\ntopic events { zone edge }\ncomponent billing { zone core criticality critical }\nflow f {\n  events ~> billing\n}\n";
        assert!(of("REL004", broker).is_empty());
    }

    #[test]
    fn shared_datastore_needs_two_owners_and_no_replication() {
        let bad = "team shop\nteam finance\ncomponent orders { owner shop }\ncomponent billing { owner finance }\ndatastore db\nflow a {\n  criticality high\n  orders -> db\n}\nflow b {\n  criticality critical\n  billing -> db\n}\n";
        assert_eq!(
            messages("REL005", bad),
            vec!["datastore `db` is shared by critical flows `a`, `b` of `orders`, `billing` without replication"
                .to_string()]
        );
        let same_team = bad.replace("component billing { owner finance }", "component billing { owner shop }");
        assert!(of("REL005", &same_team).is_empty());
        let read_replicas = bad.replace("datastore db", "datastore db { read-replicas 2 }");
        assert!(of("REL005", &read_replicas).is_empty());
        let low = bad.replace("criticality critical", "criticality medium");
        assert!(of("REL005", &low).is_empty());
    }

    #[test]
    fn recovery_objectives_from_the_element_or_a_quality_block() {
        let text = "system shop\ncomponent payments { criticality critical system shop standalone }\ndatastore ledger { criticality mission-critical rto 1h }\n";
        assert_eq!(
            messages("REL006", text),
            vec![
                "component `payments` (critical) has no `rto` or `failover`".to_string(),
                "datastore `ledger` (mission-critical) has no `rpo`".to_string(),
            ]
        );
        let fixed = text
            .replace("system shop\n", "system shop\nquality shop_recovery { of shop rto 30m rpo 5m }\n")
            .replace("standalone }", "redundancy active-passive standalone }")
            .replace("rto 1h }", "rto 1h rpo 1m }");
        assert!(of("REL006", &fixed).is_empty(), "{:?}", messages("REL006", &fixed));
    }
}
