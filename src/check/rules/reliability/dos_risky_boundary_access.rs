//! REL004 dos-risky-boundary-access: A critical element receives calls across a network boundary.

use super::{code, criticality_word, deployed_instances, quoted, single_instance};
use crate::check::{Category, Ctx, Link, LinkOrigin, Rule, CRITICAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{ElementId, Val};
use crate::syntax::schema::DeclKind;

pub static DOS_RISKY_BOUNDARY_ACCESS: Rule = Rule {
    code: code("REL004", "dos-risky-boundary-access", Severity::Warning, "A critical element receives calls across a network boundary."),
    category: Category::Reliability,
    explanation: "An element of `critical` or `mission-critical` criticality that receives calls from another network zone can be flooded from there, by attack or by a misbehaving client. Calls forwarded by a gateway, proxy, WAF, load balancer or ingress count when that forwarder itself receives traffic from another network zone; a load balancer, ingress or proxy is not reported itself (as in Threagile, the elements behind it are), and build or maintenance access (`usage devops`) is no business traffic. A control that mitigates `denial-of-service` on the element (rate limiting, IP filtering) settles the finding; a mission-critical element that also runs as a single instance is reported as an error.",
    bad: "zone internet { trust none internet }\nzone core { trust high }\nactor customer { zone internet }\ncomponent api { zone core criticality critical replicas 2 }\nflow browse {\n  customer -> api https auth jwt\n}\n",
    good: "zone internet { trust none internet }\nzone core { trust high }\nactor customer { zone internet }\ncontrol rate_limiting { mitigates denial-of-service }\ncomponent api { zone core criticality critical replicas 2 controls rate_limiting }\nflow browse {\n  customer -> api https auth jwt\n}\n",
    options: &[],
    run: dos_risky_boundary_access,
};

/// Gateways, proxies, WAFs and load balancers pass traffic through.
fn forwards_traffic(cx: &Ctx<'_>, id: ElementId) -> bool {
    matches!(cx.kind_word(id), Some("gateway" | "proxy" | "waf" | "load-balancer" | "ingress"))
        || cx.facts.traits(id).relay
}

fn mitigates_dos(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.model.get(id).is_some_and(|e| {
        e.references("controls").any(|c| {
            cx.model.get(c).is_some_and(|c| {
                c.attrs_named("mitigates")
                    .flat_map(|a| a.values())
                    .any(|v| matches!(&v.val, Val::Word(w) if *w == "denial-of-service"))
            })
        })
    })
}

fn dos_risky_boundary_access(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deployed = deployed_instances(cx);
    // Consumers pull from brokers at their own pace, and monitoring only probes.
    let is_request = |l: &Link| {
        !matches!(l.origin, LinkOrigin::Event)
            && !l.devops
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
        for (id, e) in cx.of_kind(kind) {
            if cx.criticality(id).is_none_or(|c| c < CRITICAL) || mitigates_dos(cx, id) {
                continue;
            }
            // Receiving outside traffic is a relay's job; the elements behind it are judged.
            if cx.facts.traits(id).relay {
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

    #[test]
    fn optional_dependencies_and_devops_links_are_not_runtime_dependencies() {
        let text = "actor shopper\ncomponent web {\n  criticality critical\n  replicas 2\n  uses ads sync { timeout 100ms circuit-breaker optional }\n  uses cart sync { timeout 1s circuit-breaker }\n}\ncomponent ads {\n  criticality low\n  uses catalog sync { timeout 1s circuit-breaker }\n}\ncomponent catalog {\n  criticality low\n}\ncomponent cart {\n  criticality critical\n  replicas 2\n}\nflow browse {\n  criticality critical\n  shopper -> web\n  web -> ads\n  ads -> catalog\n  web -> cart\n}\n";
        // `ads` and what only it reaches are not single points of failure, nor an inversion.
        let spof: Vec<String> = of("REL001", text).iter().map(|d| d.fingerprint()).collect();
        assert!(spof.is_empty(), "{spof:?}");
        assert!(of("REL003", text).is_empty());
        let required = text.replace(" optional }", " }");
        let spof: Vec<String> = of("REL001", &required).iter().map(|d| d.fingerprint()).collect();
        assert_eq!(spof, vec!["REL001@ads", "REL001@catalog"]);
        assert_eq!(of("REL003", &required).len(), 1);
        // A devops link: no timeout, layer or denial-of-service finding.
        let devops = "zone dev {\n  trust medium\n}\nzone prod {\n  trust high\n}\ncomponent jenkins {\n  layer infrastructure\n  zone dev\n  uses web sync { protocol tls auth mtls usage devops }\n}\ncomponent web {\n  layer presentation\n  zone prod\n  criticality critical\n  replicas 2\n}\n";
        for code in ["REL002", "REL004", "CPL002"] {
            assert!(of(code, devops).is_empty(), "{code}");
            assert_eq!(of(code, &devops.replace(" usage devops", "")).len(), 1, "{code} without `usage devops`");
        }
    }

    #[test]
    fn relays_are_infrastructure_for_the_reliability_rules() {
        let text = "zone internet {\n  trust none\n  internet\n}\nzone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\nactor customer {\n  zone internet\n}\ncomponent lb {\n  kind load-balancer\n  zone dmz\n  criticality mission-critical\n  replicas 2\n  uses web sync { protocol https auth none }\n}\ncomponent web {\n  zone core\n  criticality critical\n  replicas 2\n}\nflow portal {\n  customer -> lb https auth none\n  lb -> web https auth none\n}\n";
        // The load balancer receives the internet's traffic by design; `web` behind it is judged.
        let dos: Vec<String> = of("REL004", text).iter().map(|d| d.fingerprint()).collect();
        assert_eq!(dos, vec!["REL004@web"]);
        assert!(of("REL002", text).is_empty(), "a relay's upstream timeout is proxy configuration");
        assert!(of("REL003", text).is_empty(), "a relay rated above its backend is no inversion");
        // The same element as an ordinary service is reported by all three.
        let service = text.replace("kind load-balancer", "kind service");
        assert_eq!(of("REL002", &service).len(), 1);
        assert_eq!(of("REL003", &service).len(), 1);
        assert!(of("REL004", &service).iter().any(|d| d.fingerprint() == "REL004@lb"));
        // An ingress, or a component on a proxy technology, is a relay too.
        assert!(of("REL002", &text.replace("kind load-balancer", "kind ingress")).is_empty());
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
}
