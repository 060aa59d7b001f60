//! REL004 dos-risky-boundary-access: A critical element receives calls across a network boundary.

use super::{code, criticality_word, deployed_instances, quoted, single_instance};
use crate::check::{Category, Ctx, Link, LinkOrigin, Rule, CRITICAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{ElementId, Val};
use crate::syntax::schema::DeclKind;

pub static DOS_RISKY_BOUNDARY_ACCESS: Rule = Rule {
    code: code("REL004", "dos-risky-boundary-access", Severity::Warning, "A critical element receives calls across a network boundary."),
    category: Category::Reliability,
    explanation: "An element of `critical` or `mission-critical` criticality that receives calls from another network zone can be flooded from there, by attack or by a misbehaving client. Calls forwarded by a gateway, proxy, WAF or load balancer count when that forwarder itself receives traffic from another network zone. A control that mitigates `denial-of-service` on the element (rate limiting, IP filtering) settles the finding; a mission-critical element that also runs as a single instance is reported as an error.",
    bad: "zone internet { trust none internet }\nzone core { trust high }\nactor customer { zone internet }\ncomponent api { zone core criticality critical replicas 2 }\nflow browse {\n  customer -> api https auth jwt\n}\n",
    good: "zone internet { trust none internet }\nzone core { trust high }\nactor customer { zone internet }\ncontrol rate_limiting { mitigates denial-of-service }\ncomponent api { zone core criticality critical replicas 2 controls rate_limiting }\nflow browse {\n  customer -> api https auth jwt\n}\n",
    options: &[],
    run: dos_risky_boundary_access,
};

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

#[cfg(test)]
mod tests {
    use crate::check::registry::findings_of as of;
    use crate::diagnostics::Severity;

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
}
