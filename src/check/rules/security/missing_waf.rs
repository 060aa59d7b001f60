//! SEC017 missing-waf: A web application is reached across a network boundary without a WAF.

use super::{code, is_component, is_forwarder, link_name, q, zone_desc};
use crate::analysis::facts;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static MISSING_WAF: Rule = Rule {
    code: code("SEC017", "missing-waf", Severity::Warning, "A web application is reached across a network boundary without a WAF."),
    category: Category::Security,
    explanation: "A component (not a vault or a monitoring system, whose HTTP is an infrastructure API) is called over HTTP or WebSockets from another network zone of lower trust (or by a person or an outside system from another zone), and the caller is not a gateway, WAF or reverse proxy. Web traffic that crosses a network boundary is where injection, cross-site scripting and request smuggling arrive; with nothing in front that inspects it, every web application must defend itself alone (Threagile missing-waf). Calls from the internet, directly or through load balancers, are SEC005's: it asks for a gateway in front of what is worth protecting, so they are not reported twice. Each component is reported once, at its first unguarded caller. Fix it by routing the traffic through a component of kind `waf`, `gateway` or `proxy` in the callee's zone.",
    bad: "zone office {\n  trust medium\n}\nzone apps {\n  trust high\n}\nactor clerk {\n  zone office\n}\ncomponent erp {\n  zone apps\n}\nflow work {\n  clerk -> erp https auth oidc\n}\n",
    good: "zone office {\n  trust medium\n}\nzone apps {\n  trust high\n}\nactor clerk {\n  zone office\n}\ncomponent waf {\n  kind waf\n  zone apps\n}\ncomponent erp {\n  zone apps\n}\nflow work {\n  clerk -> waf https auth oidc\n  waf -> erp https auth oidc\n}\n",
    options: &[],
    run: missing_waf,
};

fn missing_waf(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let from_internet = facts::internet_reached(cx.model, cx.facts);
    let mut reported: Vec<ElementId> = Vec::new();
    for l in &cx.facts.links {
        let to = l.to;
        // Secret stores and monitoring speak HTTP as an infrastructure API, not as a web application.
        let roles = cx.facts.roles(to);
        if !is_component(cx, to) || is_forwarder(cx, to) || roles.vault || roles.monitoring {
            continue;
        }
        if cx.facts.traits(to).user_device {
            continue;
        }
        let web = l.wire.as_ref().is_some_and(|w| w.protocol.is_web());
        if !web || !cx.crosses_network(l) || cx.facts.roles(l.from).guard || reported.contains(&to) {
            continue;
        }
        if from_internet.get(to.0 as usize).copied().unwrap_or(false) {
            continue;
        }
        let Some((a, b)) = cx.zones_of(l) else { continue };
        // Between services of equal trust (two segments of one estate) a WAF is not what a reviewer
        // asks for; traffic from a less trusted zone, or from people and outside systems, is.
        let from_outside = matches!(cx.kind(l.from), Some(DeclKind::Actor | DeclKind::External));
        if !from_outside && !cx.enters_higher_trust(l) {
            continue;
        }
        reported.push(to);
        acc.push(
            cx.finding(
                &MISSING_WAF,
                format!(
                    "{} in zone {} is called over the web by {} from zone {} with no WAF in between",
                    q(cx, to),
                    zone_desc(cx, b),
                    q(cx, l.from),
                    zone_desc(cx, a)
                ),
                l.span,
                format!("{} crosses a network boundary unguarded", link_name(cx, l)),
                &[to],
            )
            .with_secondary(cx.span_of(to), "inspects its web traffic alone")
            .with_help(format!(
                "route the traffic through a component of kind `waf`, `gateway` or `proxy` in front of {}",
                q(cx, to)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, findings, ZONES};

    #[test]
    fn sec017_leaves_internet_traffic_to_sec005_and_ignores_non_web_protocols() {
        let internet = format!("{ZONES}actor user {{\n  zone internet\n}}\ncomponent lb {{\n  kind load-balancer\n  zone dmz\n}}\ncomponent site {{\n  zone core\n}}\nflow f {{\n  user -> lb https auth none\n  lb -> site http auth none\n}}\n");
        assert_eq!(count("SEC017", &internet), 0, "SEC005 judges internet exposure");
        let inner = format!("{ZONES}component web {{\n  zone dmz\n  uses api sync {{ protocol PROTO auth jwt timeout 1s circuit-breaker }}\n}}\ncomponent api {{\n  zone core\n}}\n");
        assert_eq!(
            findings("SEC017", &inner.replace("PROTO", "https")),
            vec!["SEC017@api: `api` in zone `core` (trust high) is called over the web by `web` from zone `dmz` (trust medium) with no WAF in between"]
        );
        assert_eq!(count("SEC017", &inner.replace("PROTO", "grpcs")), 0, "not a web protocol");
    }

    #[test]
    fn sec017_leaves_calls_between_zones_of_equal_trust_alone() {
        let text = "zone core {\n  trust high\n}\nzone pci {\n  trust high\n}\ncomponent orders {\n  zone core\n  uses billing sync { protocol https auth mtls timeout 1s circuit-breaker }\n}\ncomponent billing {\n  zone pci\n}\n";
        assert_eq!(count("SEC017", text), 0);
    }
}
