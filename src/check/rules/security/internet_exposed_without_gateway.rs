//! SEC005 internet-exposed-without-gateway: A high-value component is reached from the internet without a gateway.

use std::collections::VecDeque;

use super::{code, high_value, in_internet, is_component, is_forwarder, q, Memo, Once, MIN_CLASSIFICATION_DOC};
use crate::check::{Category, Ctx, Rule, RuleOption, CONFIDENTIAL, CRITICAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

/// A gateway, WAF or reverse proxy: inspects and filters what it forwards. A component without
/// a `kind` counts by its catalogue technology.
fn is_guard(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).guard
}

/// Forwards traffic without inspecting it.
fn is_load_balancer(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).load_balancer
}

/// `[rules.SEC005] min-classification`.
pub const INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC005",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

/// `[rules.SEC005] min-criticality`.
pub const INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CRITICALITY: RuleOption = RuleOption {
    rule: "SEC005",
    name: "min-criticality",
    default: CRITICAL as u64,
    doc: "Lowest criticality rank of a high-value component: 2 high, 3 critical, 4 mission-critical.",
};

pub static INTERNET_EXPOSED_WITHOUT_GATEWAY: Rule = Rule {
    code: code("SEC005", "internet-exposed-without-gateway", Severity::Error, "A high-value component is reached from the internet without a gateway."),
    category: Category::Security,
    explanation: "Something in an `internet` zone (an actor, an external system, or a client running on users' devices) reaches a component that handles confidential or restricted data, personal data or credentials, or is critical, and the path passes no component of kind `gateway`, `waf` or `proxy`; load balancers are transparent and do not count as a guard. Such a component must parse hostile input, throttle floods and authenticate strangers on its own, and one bug exposes its data (Threagile unguarded-access-from-internet and missing-waf; microFreshener no-API-gateway; ASVS 1.14.1). Each exposed component is reported once. Fix it by routing internet traffic through a gateway, WAF or reverse proxy, and letting only that reach the component.",
    bad: "zone internet {\n  trust none\n  internet\n}\nzone core {\n  trust high\n}\nactor customer {\n  zone internet\n}\ndata Order {\n  classification confidential\n}\ncomponent orders {\n  zone core\n  owns Order\n}\nflow buy {\n  customer -> orders https auth jwt carries Order\n}\n",
    good: "zone internet {\n  trust none\n  internet\n}\nzone core {\n  trust high\n}\nactor customer {\n  zone internet\n}\ndata Order {\n  classification confidential\n}\ncomponent edge {\n  kind gateway\n  zone core\n}\ncomponent orders {\n  zone core\n  owns Order\n}\nflow buy {\n  customer -> edge https auth jwt carries Order\n  edge -> orders https auth mtls carries Order\n}\n",
    options: &[
        INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CLASSIFICATION,
        INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CRITICALITY,
    ],
    run: internet_exposed_without_gateway,
};

fn internet_exposed_without_gateway(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min_class = cx.option(&INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CLASSIFICATION) as usize;
    let min_crit = cx.option(&INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CRITICALITY) as usize;
    let h = &cx.facts.handled;
    let mut value = Memo::new(cx);
    let n = cx.model.elements.len();
    // Load balancers reached from the internet with no guard in between, with the internet
    // source that reaches them.
    let mut exposed_lb: Vec<Option<ElementId>> = vec![None; n];
    let mut queue: VecDeque<(usize, ElementId)> = VecDeque::new();
    for (i, l) in cx.facts.links.iter().enumerate() {
        if in_internet(cx, l.from) && (cx.kind(l.from) != Some(DeclKind::Component) || !is_forwarder(cx, l.from)) {
            queue.push_back((i, l.from));
        }
    }
    let mut once = Once::default();
    while let Some((i, origin)) = queue.pop_front() {
        let Some(l) = cx.facts.links.get(i) else { continue };
        let to = l.to;
        if !is_component(cx, to) || in_internet(cx, to) || is_guard(cx, to) {
            continue;
        }
        if is_load_balancer(cx, to) {
            if exposed_lb[to.0 as usize].is_none() {
                exposed_lb[to.0 as usize] = Some(origin);
                for &j in cx.facts.outgoing.list(to.0 as usize) {
                    queue.push_back((j, origin));
                }
            }
            continue;
        }
        let Some(why) = value.get(to, || high_value(cx, h, to, min_class, min_crit)) else { continue };
        if !once.first(&[to]) {
            continue;
        }
        let through =
            if l.from != origin { format!(" through load balancer {}", q(cx, l.from)) } else { String::new() };
        acc.push(
            cx.finding(
                &INTERNET_EXPOSED_WITHOUT_GATEWAY,
                format!("{} {why} and is reached from the internet by {}{through} without a gateway", q(cx, to), q(cx, origin)),
                l.span,
                "straight from the internet",
                &[to],
            )
            .with_secondary(cx.span_of(to), "not behind a gateway, WAF or reverse proxy")
            .with_help(format!("route internet traffic through a component of kind `gateway`, `waf` or `proxy`, and let only that reach {}", q(cx, to))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, findings, ZONES};

    #[test]
    fn sec005_load_balancers_are_transparent_and_reported_once() {
        let text = format!("{ZONES}actor user {{\n  zone internet\n}}\nexternal partner {{\n  zone internet\n}}\ndata Order {{\n  classification confidential\n}}\ncomponent lb {{\n  kind load-balancer\n  zone dmz\n}}\ncomponent orders {{\n  zone core\n  owns Order\n}}\nflow f {{\n  user -> lb https auth jwt\n  lb -> orders https auth jwt\n}}\nflow g {{\n  partner -> orders https auth mtls\n}}\n");
        let f = findings("SEC005", &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].starts_with("SEC005@orders:"), "{f:?}");
    }

    #[test]
    fn sec005_spa_in_the_internet_zone_calls_the_api_directly() {
        let text = format!("{ZONES}actor user {{\n  zone internet\n}}\ndata Order {{\n  classification confidential\n}}\ncomponent spa {{\n  kind frontend\n  zone internet\n}}\ncomponent orders {{\n  zone core\n  owns Order\n}}\nflow f {{\n  user -> spa https auth none\n  spa -> orders https auth jwt\n}}\n");
        let f = findings("SEC005", &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].contains("reached from the internet by `spa`"), "{f:?}");
        let public = format!("{ZONES}actor user {{\n  zone internet\n}}\ndata Page {{\n  classification public\n}}\ncomponent site {{\n  zone dmz\n  owns Page\n}}\nflow f {{\n  user -> site https auth none carries Page\n}}\n");
        assert_eq!(count("SEC005", &public), 0, "public data needs no gateway");
    }
}
