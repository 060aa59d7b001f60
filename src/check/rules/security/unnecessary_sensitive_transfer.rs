//! SEC012 unnecessary-sensitive-transfer: A component receives sensitive data it does nothing with.

use std::collections::{BTreeMap, BTreeSet};

use super::{code, data_traits, is_forwarder, q, sensitive, MIN_CLASSIFICATION_DOC};
use crate::analysis::facts;
use crate::check::{Category, Ctx, Link, Rule, RuleOption, CONFIDENTIAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

/// `[rules.SEC012] min-classification`.
pub const UNNECESSARY_SENSITIVE_TRANSFER_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC012",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

pub static UNNECESSARY_SENSITIVE_TRANSFER: Rule = Rule {
    code: code("SEC012", "unnecessary-sensitive-transfer", Severity::Warning, "A component receives sensitive data it does nothing with."),
    category: Category::Security,
    explanation: "A link delivers confidential or restricted data, personal data or credentials to a component that neither owns it, nor exchanges it through an interface it exposes, nor subscribes to it, nor passes it on or stores it over any other link. Data sent where it is not needed widens the attack surface and the compliance scope for nothing (Threagile unnecessary-data-transfer; data minimisation). Components with a link whose data is unknown are skipped (HYG007 reports that gap), and so are gateways, WAFs, load balancers, ingresses and proxies, which pass on what they receive. Fix it by dropping the data from the link, or model what the component does with it.",
    bad: "data Card {\n  classification restricted\n}\ncomponent checkout {\n  owns Card\n  uses mailer sync { protocol https auth mtls carries Card timeout 1s circuit-breaker }\n}\ncomponent mailer\n",
    good: "data Card {\n  classification restricted\n}\ndata Receipt {\n  classification internal\n}\ncomponent checkout {\n  owns Card\n  uses mailer sync { protocol https auth mtls carries Receipt timeout 1s circuit-breaker }\n}\ncomponent mailer\n",
    options: &[UNNECESSARY_SENSITIVE_TRANSFER_MIN_CLASSIFICATION],
    run: unnecessary_sensitive_transfer,
};

fn unnecessary_sensitive_transfer(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min = cx.option(&UNNECESSARY_SENSITIVE_TRANSFER_MIN_CLASSIFICATION) as usize;
    for (id, e) in cx.of_kind(DeclKind::Component) {
        // Forwarding what it receives is a relay's job, whatever its links say.
        if cx.facts.traits(id).relay || is_forwarder(cx, id) {
            continue;
        }
        let links: Vec<&Link> = cx.facts.out(id).chain(cx.facts.inbound(id)).collect();
        if links.is_empty() || links.iter().any(|l| l.carries.is_empty()) {
            continue;
        }
        // How often each data item appears on this component's links, and what it declares.
        let mut count: BTreeMap<ElementId, usize> = BTreeMap::new();
        for l in &links {
            for d in &l.carries {
                *count.entry(*d).or_insert(0) += 1;
            }
        }
        // Only a component that receives sensitive data on one link alone is read from the model.
        let once = |d: &ElementId| sensitive(cx, *d, min) && count.get(d).copied().unwrap_or(0) == 1;
        if !cx.facts.inbound(id).any(|l| l.carries.iter().any(once)) {
            continue;
        }
        let mut own: BTreeSet<ElementId> =
            ["owns", "publishes", "subscribes"].into_iter().flat_map(|n| e.references(n)).collect();
        for i in e.references("exposes") {
            own.extend(facts::interface_data(cx.model, i));
        }
        for l in cx.facts.inbound(id) {
            let unneeded: Vec<ElementId> = l
                .carries
                .iter()
                .copied()
                .filter(|d| sensitive(cx, *d, min) && !own.contains(d) && count.get(d).copied().unwrap_or(0) == 1)
                .collect();
            for d in unneeded {
                acc.push(
                    cx.finding(
                        &UNNECESSARY_SENSITIVE_TRANSFER,
                        format!("{} receives {} ({}) from {} but neither owns, stores nor forwards it", q(cx, id), q(cx, d), data_traits(cx, d), q(cx, l.from)),
                        l.span,
                        "sent for nothing",
                        &[id, d],
                    )
                    .with_secondary(cx.span_of(id), "does nothing with it in the model")
                    .with_help(format!("stop sending {} to {}, or model what it does with it (`owns`, an interface, or the link that stores or forwards it)", q(cx, d), q(cx, id))),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::count;

    #[test]
    fn sec012_a_forwarder_is_not_receiving_data_it_does_nothing_with() {
        let text = "data Card {\n  classification restricted\n}\ndata Page {\n  classification public\n}\ncomponent shop {\n  owns Card\n  uses lb sync { protocol https auth mtls carries Card }\n}\ncomponent lb {\n  kind load-balancer\n  uses web sync { protocol https auth mtls carries Page }\n}\ncomponent web\n";
        assert_eq!(count("SEC012", text), 0);
        assert_eq!(count("SEC012", &text.replace("kind load-balancer", "kind service")), 1);
    }

    #[test]
    fn sec012_skips_components_with_unknown_data() {
        let text = "data Card {\n  classification restricted\n}\ncomponent checkout {\n  owns Card\n  uses mailer sync { protocol https auth mtls carries Card }\n}\ncomponent mailer {\n  uses smtp_relay sync { protocol smtps auth basic }\n}\ncomponent smtp_relay\n";
        assert_eq!(count("SEC012", text), 0);
    }
}
