//! Model hygiene (HYG): references, duplicates, orphans, unused declarations, gaps, broken
//! scenarios and zone structure, and the bookkeeping of acceptances.

use std::collections::BTreeMap;

use super::{Category, Ctx, LinkOrigin, Rule};
use crate::analysis::facts::HolePlace;
use crate::diagnostics::{codes, Code, Diagnostic, Severity};
use crate::semantic::model::{ElementId, Val};
use crate::syntax::schema::DeclKind;

const fn code(id: &'static str, name: &'static str, severity: Severity, summary: &'static str) -> Code {
    Code { id, name, severity, summary }
}

/// The hygiene rules, in code order.
pub static RULES: &[&Rule] = &[
    &DANGLING_REFERENCE,
    &DUPLICATE_ID,
    &INTERFACE_NOT_ON_TARGET,
    &ORPHAN_COMPONENT,
    &UNUSED_INTERFACE,
    &UNUSED_DATA,
    &EMPTY_FLOW,
    &INCOMPLETE_MODEL,
    &MULTI_BOUNDARY_MEMBERSHIP,
    &DUPLICATE_FLOW,
    &SCENARIO_INTEGRITY,
    &BOUNDARY_CYCLE,
    &EXPIRED_ACCEPTANCE,
    &UNUSED_ACCEPTANCE,
];

/// Rules whose findings come from elsewhere (the resolver, acceptance handling).
fn resolver_owned(_: &Ctx<'_>, _: &mut Vec<Diagnostic>) {}

pub static DANGLING_REFERENCE: Rule = Rule {
    code: codes::DANGLING_REFERENCE,
    category: Category::Hygiene,
    explanation: "A reference names no declared element. Every other rule is unsound while a reference dangles, so the resolver reports it with the closest existing name.",
    bad: "component web {\n  uses api sync { timeout 1s circuit-breaker }\n}\n",
    good: "component web {\n  uses api sync { timeout 1s circuit-breaker }\n}\ncomponent api\n",
    options: &[],
    run: resolver_owned,
};

pub static DUPLICATE_ID: Rule = Rule {
    code: codes::DUPLICATE_ID,
    category: Category::Hygiene,
    explanation: "Two declarations share a name. Names are unique across the workspace so that every reference has exactly one meaning.",
    bad: "component api\ndatastore api\n",
    good: "component api\ndatastore api_db\n",
    options: &[],
    run: resolver_owned,
};

pub static INTERFACE_NOT_ON_TARGET: Rule = Rule {
    code: code("HYG003", "interface-not-on-target", Severity::Error, "A link goes `via` an interface its target does not provide."),
    category: Category::Hygiene,
    explanation: "A `uses` or a flow step names the interface it goes through, but the target does not expose that interface. Either the target or the interface is wrong, and rules that read the interface's authentication and data would judge the wrong contract.",
    bad: "component web {\n  uses api sync { via BillingApi timeout 1s circuit-breaker }\n}\ncomponent api\ncomponent billing { exposes BillingApi }\ninterface BillingApi rest\n",
    good: "component web {\n  uses billing sync { via BillingApi timeout 1s circuit-breaker }\n}\ncomponent api\ncomponent billing { exposes BillingApi }\ninterface BillingApi rest\n",
    options: &[],
    run: interface_not_on_target,
};

fn interface_not_on_target(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for l in &cx.facts.links {
        let Some(via) = l.via else { continue };
        if matches!(l.origin, LinkOrigin::Event) || l.to == via {
            continue;
        }
        let provider = cx.facts.provider.get(&via).copied();
        if provider.is_some_and(|p| p != l.to) || provider.is_none() {
            let who = provider.map_or("no element".to_string(), |p| format!("`{}`", cx.name(p)));
            let mut d = cx
                .finding(
                    &INTERFACE_NOT_ON_TARGET,
                    format!("`{}` does not provide `{}`", cx.name(l.to), cx.name(via)),
                    l.span,
                    format!("goes via `{}`", cx.name(via)),
                    &[l.from, l.to, via],
                )
                .with_secondary(cx.span_of(via), format!("provided by {who}"));
            d = d.with_help(match provider {
                Some(p) => format!(
                    "point the link at `{}`, or add `exposes {}` to `{}`",
                    cx.name(p),
                    cx.name(via),
                    cx.name(l.to)
                ),
                None => format!("add `exposes {}` to `{}`", cx.name(via), cx.name(l.to)),
            });
            acc.push(d);
        }
    }
}

pub static ORPHAN_COMPONENT: Rule = Rule {
    code: code("HYG004", "orphan-component", Severity::Warning, "A component with no links at all."),
    category: Category::Hygiene,
    explanation: "A component that neither uses anything nor is used by anything, in no flow and no event subscription, is either dead or its relations are missing from the model. Mark deliberate islands (batch tools, libraries) with `standalone`.",
    bad: "component reporting\n",
    good: "component reporting {\n  standalone\n}\n",
    options: &[],
    run: orphan_component,
};

fn orphan_component(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (id, e) in cx.model.of_kind(DeclKind::Component) {
        // A declared dependency counts even when its target did not resolve (HYG001 reports that).
        let declares_links = ["uses", "publishes", "subscribes"].iter().any(|a| e.attr(a).is_some());
        if e.has_flag("standalone")
            || declares_links
            || cx.facts.out(id).next().is_some()
            || cx.facts.inbound(id).next().is_some()
        {
            continue;
        }
        acc.push(
            cx.finding(
                &ORPHAN_COMPONENT,
                format!("component `{}` has no links", e.name),
                e.name_span,
                "nothing uses it and it uses nothing",
                &[id],
            )
            .with_help("add its `uses`, put it in a flow, or mark it `standalone` if that is deliberate"),
        );
    }
}

pub static UNUSED_INTERFACE: Rule = Rule {
    code: code("HYG005", "unused-interface", Severity::Warning, "A non-public interface that nothing uses."),
    category: Category::Hygiene,
    explanation: "An internal interface that no `uses` and no flow step goes through is dead weight: it still has to be secured, versioned and documented. Public interfaces are exempt, since their callers live outside the model.",
    bad: "component api { exposes ReportsApi }\ninterface ReportsApi rest { exposure internal }\n",
    good: "component api { exposes ReportsApi }\ninterface ReportsApi rest { exposure internal }\ncomponent web {\n  uses ReportsApi sync { timeout 1s circuit-breaker }\n}\n",
    options: &[],
    run: unused_interface,
};

fn unused_interface(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut used = vec![false; cx.model.elements.len()];
    for l in &cx.facts.links {
        if let Some(v) = l.via {
            used[v.0 as usize] = true;
        }
    }
    for (id, e) in cx.model.of_kind(DeclKind::Interface) {
        if used[id.0 as usize] || matches!(e.word("exposure"), Some("public" | "partner")) {
            continue;
        }
        acc.push(
            cx.finding(
                &UNUSED_INTERFACE,
                format!("interface `{}` is not used", e.name),
                e.name_span,
                "no link goes through it",
                &[id],
            )
            .with_help("remove it, model its callers (`uses` or a flow step with `via`), or mark it `exposure public`"),
        );
    }
}

pub static UNUSED_DATA: Rule = Rule {
    code: code("HYG006", "unused-data", Severity::Warning, "Data that nothing stores, owns, carries or exchanges."),
    category: Category::Hygiene,
    explanation: "A data entity or event that no component owns, no store holds, no link carries and no interface exchanges cannot be protected by the security rules: either it is obsolete or its relations are missing.",
    bad: "data Invoice { classification internal }\n",
    good: "data Invoice { classification internal }\ncomponent billing { owns Invoice standalone }\n",
    options: &[],
    run: unused_data,
};

fn unused_data(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut used = vec![false; cx.model.elements.len()];
    let mut mark = |id: ElementId| {
        if let Some(u) = used.get_mut(id.0 as usize) {
            *u = true;
        }
    };
    for l in &cx.facts.links {
        l.carries.iter().for_each(|d| mark(*d));
    }
    for (_, e) in cx.model.iter() {
        for name in ["owns", "holds", "carries", "publishes", "subscribes"] {
            e.references(name).for_each(&mut mark);
        }
        for ep in &e.endpoints {
            for v in ep.request.iter().chain(ep.response.iter()) {
                if let Val::Ref(id) = v.val {
                    mark(id);
                }
            }
        }
        for s in &e.steps {
            s.options.iter().filter(|a| a.name == "carries").flat_map(|a| a.values()).for_each(|v| {
                if let Val::Ref(id) = v.val {
                    mark(id);
                }
            });
        }
    }
    for kind in [DeclKind::Data, DeclKind::Event] {
        for (id, e) in cx.model.of_kind(kind) {
            if used[id.0 as usize] {
                continue;
            }
            acc.push(
                cx.finding(
                    &UNUSED_DATA,
                    format!("{} `{}` is not stored, owned or exchanged", kind.noun(), e.name),
                    e.name_span,
                    "unused",
                    &[id],
                )
                .with_help("add it to a component's `owns`, a store's `holds` or a link's `carries`, or remove it"),
            );
        }
    }
}

pub static EMPTY_FLOW: Rule = Rule {
    code: code("HYG007", "empty-flow", Severity::Note, "A flow whose steps carry no data."),
    category: Category::Hygiene,
    explanation: "When no step of a flow says what data it carries (with `carries` or an interface whose endpoints name models), the security rules cannot judge its encryption, classification or authorization.",
    bad: "actor user\ncomponent web\nflow browse {\n  user -> web https\n}\n",
    good: "actor user\ncomponent web\ndata Page { classification public }\nflow browse {\n  user -> web https carries Page\n}\n",
    options: &[],
    run: empty_flow,
};

fn empty_flow(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut carries: BTreeMap<ElementId, bool> = BTreeMap::new();
    for l in &cx.facts.links {
        if let LinkOrigin::Step { flow, .. } = l.origin {
            *carries.entry(flow).or_insert(false) |= !l.carries.is_empty();
        }
    }
    for (id, e) in cx.model.of_kind(DeclKind::Flow) {
        if e.steps.is_empty() || carries.get(&id).copied().unwrap_or(false) {
            continue;
        }
        acc.push(
            cx.finding(
                &EMPTY_FLOW,
                format!("no step of flow `{}` carries data", e.name),
                e.name_span,
                "data unknown",
                &[id],
            )
            .with_help("add `carries Data` to the steps, or `via` interfaces whose endpoints name their models"),
        );
    }
}

pub static INCOMPLETE_MODEL: Rule = Rule {
    code: code("HYG008", "incomplete-model", Severity::Warning, "A security-relevant attribute is missing or still a `?` hole."),
    category: Category::Hygiene,
    explanation: "Rules cannot judge what the model does not say. A `?` hole, a link crossing zones without a protocol or authentication, or a component without a zone in a model that has zones is reported once here, as a gap, instead of as a cascade of findings from every rule that needs it.",
    bad: "risk outage {\n  likelihood low\n  contingency ?\n}\n",
    good: "risk outage {\n  likelihood low\n  contingency \"Fail over to the standby region\"\n}\n",
    options: &[],
    run: incomplete_model,
};

/// The holes of each element as HYG008 names them: `contingency`, `uses.timeout`,
/// `GET /x`, `step 2 (source, latency)`; from the analysis facts, in declaration order.
fn holes_by_element(cx: &Ctx<'_>) -> BTreeMap<ElementId, Vec<String>> {
    let mut out: BTreeMap<ElementId, Vec<String>> = BTreeMap::new();
    let mut steps: BTreeMap<(ElementId, usize), Vec<String>> = BTreeMap::new();
    for h in &cx.facts.holes {
        let Some(e) = cx.model.get(h.element) else { continue };
        match &h.place {
            HolePlace::Attr { path, .. } => out.entry(h.element).or_default().push(path.join(".")),
            HolePlace::Endpoint { endpoint, option } => {
                let Some(ep) = e.endpoints.get(*endpoint) else { continue };
                let name = match option {
                    Some(o) => format!("{} {}.{o}", ep.method, ep.target),
                    None => format!("{} {}", ep.method, ep.target),
                };
                let list = out.entry(h.element).or_default();
                if !list.contains(&name) {
                    list.push(name);
                }
            }
            HolePlace::StepEnd { step, to } => {
                steps.entry((h.element, *step)).or_default().push(if *to { "target" } else { "source" }.to_string())
            }
            HolePlace::StepOption { step, path } => steps.entry((h.element, *step)).or_default().push(path.join(".")),
        }
    }
    for ((element, step), sub) in steps {
        out.entry(element).or_default().push(format!("step {} ({})", step + 1, sub.join(", ")));
    }
    out
}

fn incomplete_model(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let has_zones = cx.model.of_kind(DeclKind::Zone).next().is_some();
    let mut holes_of = holes_by_element(cx);
    for (id, e) in cx.model.iter().filter(|(_, e)| !e.from_std) {
        let holes = holes_of.remove(&id).unwrap_or_default();
        // Trust rules place every participant of a link: runnable elements, actors and externals.
        let missing_zone = has_zones
            && matches!(
                e.kind,
                DeclKind::Component
                    | DeclKind::Datastore
                    | DeclKind::Queue
                    | DeclKind::Topic
                    | DeclKind::Cache
                    | DeclKind::Actor
                    | DeclKind::External
            )
            && e.attr("zone").is_none();
        if holes.is_empty() && !missing_zone {
            continue;
        }
        let mut parts = Vec::new();
        if !holes.is_empty() {
            parts.push(format!("still to be filled: {}", holes.join(", ")));
        }
        if missing_zone {
            parts.push("no `zone`".to_string());
        }
        acc.push(
            cx.finding(
                &INCOMPLETE_MODEL,
                format!("{} `{}` is incomplete: {}", e.kind.noun(), e.name, parts.join("; ")),
                e.name_span,
                "gap",
                &[id],
            )
            .with_help("fill the holes, and give every component, store, actor and external system its zone")
            .with_note("rules that need these attributes skip this element until then"),
        );
    }
    // Links crossing zones need a protocol and an authentication mode.
    for l in &cx.facts.links {
        let LinkOrigin::Step { flow, .. } = l.origin else { continue };
        let (Some(a), Some(b)) = (cx.facts.zone_of(l.from), cx.facts.zone_of(l.to)) else { continue };
        if a == b {
            continue;
        }
        // A protocol or auth written with a bad value is the parser's finding, not a gap.
        let stated = |name: &str| l.unreadable.contains(&name);
        let mut missing = Vec::new();
        if l.protocol.is_none() && !stated("protocol") {
            missing.push("protocol");
        }
        if l.auth.is_none() && !stated("auth") {
            missing.push("auth");
        }
        if missing.is_empty() {
            continue;
        }
        acc.push(
            cx.finding(
                &INCOMPLETE_MODEL,
                format!(
                    "step `{} -> {}` crosses from zone `{}` to `{}` without {}",
                    cx.name(l.from),
                    cx.name(l.to),
                    cx.name(a),
                    cx.name(b),
                    missing.join(" or ")
                ),
                l.span,
                "crossing a trust boundary",
                &[flow, l.from, l.to],
            )
            .with_help("say how the step travels, e.g. `https auth jwt`, so the security rules can judge it"),
        );
    }
}

pub static MULTI_BOUNDARY_MEMBERSHIP: Rule = Rule {
    code: code("HYG009", "multi-boundary-membership", Severity::Error, "An element placed in two zones that do not nest."),
    category: Category::Hygiene,
    explanation: "An element's `zone` says where it runs, and a deployment node that runs it says so too. When the two zones are unrelated (neither contains the other), trust-boundary rules cannot know which side of the boundary the element is on.",
    bad: "zone office\nzone cloud\ncomponent ledger { zone office standalone }\ndeployment prod {\n  node vm1 { zone cloud runs ledger }\n}\n",
    good: "zone office\nzone cloud\ncomponent ledger { zone cloud standalone }\ndeployment prod {\n  node vm1 { zone cloud runs ledger }\n}\n",
    options: &[],
    run: multi_boundary_membership,
};

fn multi_boundary_membership(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (node_id, node) in cx.model.iter().filter(|(_, e)| e.kind == DeclKind::Node && !e.from_std) {
        let Some(node_zone) = node.reference("zone") else { continue };
        for el in node.references("runs") {
            let Some(el_zone) = cx.model.get(el).and_then(|e| e.reference("zone")) else { continue };
            let nested = cx.zones.chain(el_zone).contains(&node_zone) || cx.zones.chain(node_zone).contains(&el_zone);
            if nested {
                continue;
            }
            acc.push(
                cx.finding(
                    &MULTI_BOUNDARY_MEMBERSHIP,
                    format!(
                        "`{}` is in zone `{}` but node `{}` runs it in zone `{}`",
                        cx.name(el),
                        cx.name(el_zone),
                        cx.name(node_id),
                        cx.name(node_zone)
                    ),
                    node.name_span,
                    "runs it in another zone",
                    &[el, node_id],
                )
                .with_secondary(cx.span_of(el), format!("declared in zone `{}`", cx.name(el_zone)))
                .with_help("make the zones agree, or nest one zone inside the other"),
            );
        }
    }
}

pub static DUPLICATE_FLOW: Rule = Rule {
    code: code("HYG010", "duplicate-flow", Severity::Warning, "The same dependency declared twice."),
    category: Category::Hygiene,
    explanation: "Two `uses` of one component with the same target, mode and interface describe one dependency twice; their settings (timeouts, authentication) can silently disagree.",
    bad: "component web {\n  uses api sync { timeout 1s circuit-breaker }\n  uses api sync { timeout 2s circuit-breaker }\n}\ncomponent api\n",
    good: "component web {\n  uses api sync { timeout 1s circuit-breaker }\n}\ncomponent api\n",
    options: &[],
    run: duplicate_flow,
};

fn duplicate_flow(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(ElementId, ElementId, bool, Option<ElementId>), crate::source::Span> = BTreeMap::new();
    for l in cx.facts.links.iter().filter(|l| l.origin == LinkOrigin::Uses) {
        let key = (l.from, l.to, l.is_async, l.via);
        match seen.get(&key) {
            Some(first) => acc.push(
                cx.finding(
                    &DUPLICATE_FLOW,
                    format!("`{}` uses `{}` twice", cx.name(l.from), cx.name(l.to)),
                    l.span,
                    "declared again",
                    &[l.from, l.to],
                )
                .with_secondary(*first, "first declared here")
                .with_help("merge the two `uses` into one"),
            ),
            None => {
                seen.insert(key, l.span);
            }
        }
    }
}

pub static SCENARIO_INTEGRITY: Rule = Rule {
    code: code("HYG011", "scenario-integrity", Severity::Error, "A flow step starts from an element the flow has not reached."),
    category: Category::Hygiene,
    explanation: "A flow is an ordered scenario: each step must start from the flow's initiator or from an element an earlier step reached. A step that starts elsewhere means a step is missing or the order is wrong, and latency budgets and trust-boundary hops computed along the flow would be meaningless.",
    bad: "actor user\ncomponent web\ncomponent api\ncomponent db_proxy\nflow order {\n  user -> web https\n  api -> db_proxy https\n}\n",
    good: "actor user\ncomponent web\ncomponent api\ncomponent db_proxy\nflow order {\n  user -> web https\n  web -> api https\n  api -> db_proxy https\n}\n",
    options: &[],
    run: scenario_integrity,
};

fn scenario_integrity(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (id, e) in cx.model.of_kind(DeclKind::Flow) {
        let mut reached: Vec<ElementId> = Vec::new();
        for (i, s) in e.steps.iter().enumerate() {
            let (Val::Ref(from), Val::Ref(to)) = (&s.from.val, &s.to.val) else { break };
            if i == 0 {
                reached.push(*from);
            } else if !reached.contains(from) {
                acc.push(
                    cx.finding(
                        &SCENARIO_INTEGRITY,
                        format!(
                            "step {} of flow `{}` starts at `{}`, which no earlier step reached",
                            i + 1,
                            e.name,
                            cx.name(*from)
                        ),
                        s.from.span,
                        "not reached yet",
                        &[id, *from],
                    )
                    .with_help("add the missing step, or reorder the steps"),
                );
            }
            reached.push(*to);
        }
    }
}

pub static BOUNDARY_CYCLE: Rule = Rule {
    code: code("HYG012", "boundary-cycle", Severity::Error, "Zones nested in a cycle, or a zone with two parents."),
    category: Category::Hygiene,
    explanation: "Zone nesting must form a tree: trust levels and internet exposure are inherited along it. A zone that is its own ancestor, or that is nested in one zone but names another as `parent`, has no well-defined trust.",
    bad: "zone a { parent b }\nzone b { parent a }\n",
    good: "zone a { parent b }\nzone b\n",
    options: &[],
    run: boundary_cycle,
};

fn boundary_cycle(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let zones: Vec<ElementId> = cx.model.of_kind(DeclKind::Zone).map(|(id, _)| id).collect();
    let mut reported = std::collections::BTreeSet::new();
    for &z in &zones {
        let Some(e) = cx.model.get(z) else { continue };
        let nested_in = e.parent.filter(|p| cx.model.get(*p).is_some_and(|pe| pe.kind == DeclKind::Zone));
        if let (Some(n), Some(attr)) = (nested_in, e.reference("parent")) {
            if n != attr {
                acc.push(
                    cx.finding(
                        &BOUNDARY_CYCLE,
                        format!(
                            "zone `{}` is nested in `{}` but names `{}` as parent",
                            e.name,
                            cx.name(n),
                            cx.name(attr)
                        ),
                        e.name_span,
                        "two parents",
                        &[z],
                    )
                    .with_help("keep one: either the nesting or the `parent` attribute"),
                );
            }
        }
        // Walk up; a cycle returns to a zone already on the path.
        let mut path = vec![z];
        let mut cur = z;
        while let Some(p) = cx.zones.parent(cur) {
            if let Some(pos) = path.iter().position(|x| *x == p) {
                let cycle: Vec<ElementId> = path[pos..].to_vec();
                let min = cycle.iter().copied().min().unwrap_or(z);
                if reported.insert(min) {
                    let names: Vec<String> = cycle.iter().map(|c| cx.name(*c)).collect();
                    acc.push(
                        cx.finding(
                            &BOUNDARY_CYCLE,
                            format!("zones nest in a cycle: {} -> {}", names.join(" -> "), cx.name(p)),
                            cx.span_of(min),
                            "part of the cycle",
                            &[min],
                        )
                        .with_help("remove one `parent` so that the zones form a tree"),
                    );
                }
                break;
            }
            if path.len() > 256 {
                break;
            }
            path.push(p);
            cur = p;
        }
    }
}

pub static EXPIRED_ACCEPTANCE: Rule = Rule {
    code: code("HYG013", "expired-acceptance", Severity::Warning, "An `accept` whose `until` date has passed."),
    category: Category::Hygiene,
    explanation: "An acceptance is a decision with a shelf life. Once its `until` date has passed it no longer suppresses the finding, and this finding asks for a fix or a renewed, re-justified acceptance.",
    bad: "component legacy\naccept orphan-component@legacy \"Retired with the old billing run\" until 2025-12-31\n",
    good: "component legacy\naccept orphan-component@legacy \"Retired with the old billing run\" until 2099-12-31\n",
    options: &[],
    run: resolver_owned,
};

pub static UNUSED_ACCEPTANCE: Rule = Rule {
    code: code("HYG014", "unused-acceptance", Severity::Warning, "An `accept` that matches no finding or names no rule."),
    category: Category::Hygiene,
    explanation: "An acceptance that no longer matches a finding is stale: the problem was fixed or the element renamed. Left in place it would silently accept a future, different problem with the same fingerprint.",
    bad: "component web {\n  standalone\n}\naccept orphan-component@web \"Kept for the migration\"\n",
    good: "component web\naccept orphan-component@web \"Kept for the migration\"\n",
    options: &[],
    run: resolver_owned,
};

#[cfg(test)]
mod tests {
    use crate::check::registry::{check_source, messages_of as messages};

    const CROSSING: &str = "zone dmz { trust low }\nzone core { trust high }\nactor user { zone dmz }\ncomponent api { zone core }\nflow f {\n  user -> api protocol htps auth jwt\n}\n";

    #[test]
    fn a_protocol_that_failed_to_parse_is_not_a_missing_one() {
        let all = check_source(CROSSING);
        let about: Vec<&str> = all.iter().filter(|d| d.message.contains("htps")).map(|d| d.code.id).collect();
        assert_eq!(about.len(), 1, "the bad value is reported once: {about:?}");
        assert!(
            !messages("HYG008", CROSSING).iter().any(|m| m.contains("without protocol")),
            "{:?}",
            messages("HYG008", CROSSING)
        );
        // A protocol that is not written at all is still a gap.
        let unwritten = CROSSING.replace(" protocol htps", "");
        assert!(messages("HYG008", &unwritten).iter().any(|m| m.ends_with("without protocol")));
    }
}
