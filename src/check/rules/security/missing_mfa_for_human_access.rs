//! SEC014 missing-mfa-for-human-access: A person reaches restricted or mission-critical assets with one factor.

use std::collections::VecDeque;

use super::{
    code, crit_word, data_traits, el, handled, is_client, is_forwarder, is_human, is_human_login, is_ours, q, Once,
};
use crate::check::{Category, Ctx, Rule, RuleOption, RESTRICTED};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

/// Mission-critical, the top of the criticality scale.
const MISSION_CRITICAL: usize = 4;

/// `[rules.SEC014] min-classification`.
pub const MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC014",
    name: "min-classification",
    default: RESTRICTED as u64,
    doc: "Lowest classification rank that needs a second factor: 2 confidential, 3 restricted.",
};

/// `[rules.SEC014] min-criticality`.
pub const MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CRITICALITY: RuleOption = RuleOption {
    rule: "SEC014",
    name: "min-criticality",
    default: MISSION_CRITICAL as u64,
    doc: "Lowest criticality rank that needs a second factor: 3 critical, 4 mission-critical.",
};

pub static MISSING_MFA_FOR_HUMAN_ACCESS: Rule = Rule {
    code: code("SEC014", "missing-mfa-for-human-access", Severity::Warning, "A person reaches restricted or mission-critical assets with one factor."),
    category: Category::Security,
    explanation: "A person (an actor that is not an API consumer or device) reaches a component or store that handles restricted data or is mission-critical, directly or through frontends, gateways, proxies and load balancers, and logs in with a single factor: the actor is not marked `mfa` and neither the person's own link nor the client's calls say `auth mfa`. A phished or reused password then opens the most valuable assets (Threagile missing-authentication-second-factor; pytm usesMFA). Only logins count (`basic`, `session`, `jwt`, `oauth2`, `oidc`, `saml`): a person who is anonymous, or whose link carries only a machine credential such as a publishable API key, logs in nowhere, and unknown authentication is left to HYG008 and SEC003. Fix it by requiring a second factor: mark the actor `mfa` or use `auth mfa` on the login step.",
    bad: "data Ledger {\n  classification restricted\n}\nactor clerk {\n  kind admin\n}\ncomponent books {\n  owns Ledger\n}\nflow post {\n  clerk -> books https auth oidc carries Ledger\n}\n",
    good: "data Ledger {\n  classification restricted\n}\nactor clerk {\n  kind admin\n  mfa\n}\ncomponent books {\n  owns Ledger\n}\nflow post {\n  clerk -> books https auth oidc carries Ledger\n}\n",
    options: &[
        MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CLASSIFICATION,
        MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CRITICALITY,
    ],
    run: missing_mfa_for_human_access,
};

fn missing_mfa_for_human_access(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min_class = cx.option(&MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CLASSIFICATION) as usize;
    let min_crit = cx.option(&MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CRITICALITY) as usize;
    let h = &cx.facts.handled;
    let n = cx.model.elements.len();
    let passer = |id: ElementId| is_forwarder(cx, id) || is_client(cx, id);
    // Why each valuable element qualifies; only restricted data counts here, so personal data
    // and credentials below the threshold do not.
    let value = |id: ElementId| -> Option<String> {
        if !is_ours(cx, id) || passer(id) {
            return None;
        }
        let data = handled(h, id);
        if let Some(d) = data
            .iter()
            .copied()
            .filter(|d| cx.classification(*d).is_some_and(|c| c >= min_class))
            .max_by_key(|d| (cx.classification(*d), std::cmp::Reverse(*d)))
        {
            return Some(format!("handles {} ({})", q(cx, d), data_traits(cx, d)));
        }
        if let Some(c) = cx.criticality(id).filter(|c| *c >= min_crit) {
            return Some(format!("is {}", crit_word(c)));
        }
        None
    };
    // The valuable target each element reaches through passers (clients, forwarders), found by
    // walking links backwards from the targets.
    let mut reach: Vec<Option<ElementId>> = vec![None; n];
    let mut queue: VecDeque<ElementId> = VecDeque::new();
    for (i, r) in reach.iter_mut().enumerate() {
        let id = ElementId(i as u32);
        if value(id).is_some() {
            *r = Some(id);
            queue.push_back(id);
        }
    }
    while let Some(x) = queue.pop_front() {
        let target = reach[x.0 as usize];
        for l in cx.facts.inbound(x) {
            if passer(l.from) && reach[l.from.0 as usize].is_none() {
                reach[l.from.0 as usize] = target;
                queue.push_back(l.from);
            }
        }
    }
    let mut once = Once::default();
    for l in &cx.facts.links {
        if !is_human(cx, l.from) || el(cx, l.from).is_some_and(|a| a.has_flag("mfa")) {
            continue;
        }
        let Some(target) = reach.get(l.to.0 as usize).copied().flatten() else { continue };
        // The person's authentication: on their own link, or on the client's calls.
        let mut factors: Vec<&str> = l.auth.iter().map(String::as_str).filter(|a| is_human_login(a)).collect();
        if factors.is_empty() && is_client(cx, l.to) {
            factors.extend(cx.facts.out(l.to).filter_map(|o| o.auth.as_deref()).filter(|a| is_human_login(a)));
        }
        if factors.is_empty() || factors.contains(&"mfa") || !once.first(&[l.from]) {
            continue;
        }
        let why = value(target).unwrap_or_default();
        let through = if target != l.to { format!(" through {}", q(cx, l.to)) } else { String::new() };
        acc.push(
            cx.finding(
                &MISSING_MFA_FOR_HUMAN_ACCESS,
                format!(
                    "{} reaches {}{through} with single-factor `{}`",
                    q(cx, l.from),
                    q(cx, target),
                    factors.first().copied().unwrap_or_default()
                ),
                l.span,
                "one factor",
                &[l.from],
            )
            .with_secondary(cx.span_of(target), format!("{} {why}", q(cx, target)))
            .with_help(format!(
                "require a second factor: mark {} `mfa`, or use `auth mfa` on its login step",
                q(cx, l.from)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::count;

    #[test]
    fn sec014_through_a_client_and_mfa_on_the_client_call() {
        let base = "data Ledger {\n  classification restricted\n}\nactor clerk\ncomponent ui {\n  kind frontend\n}\ncomponent books {\n  owns Ledger\n}\nflow post {\n  clerk -> ui https\n  ui -> books https auth AUTH carries Ledger\n}\n";
        assert_eq!(count("SEC014", &base.replace("AUTH", "oidc")), 1);
        assert_eq!(count("SEC014", &base.replace("AUTH", "mfa")), 0);
    }

    #[test]
    fn sec014_anonymous_people_and_machine_keys_are_not_logins() {
        let text = "data Card {\n  classification restricted\n}\nactor cardholder\ncomponent gw {\n  kind gateway\n}\ncomponent vault {\n  owns Card\n}\nflow tokenize {\n  cardholder -> gw https auth api-key carries Card\n  gw -> vault https auth mtls carries Card\n}\n";
        assert_eq!(count("SEC014", text), 0);
        assert_eq!(count("SEC014", &text.replace("auth api-key", "auth session")), 1);
    }
}
