//! SEC014 missing-mfa-for-human-access: A person reaches restricted or mission-critical assets with one factor.

use std::collections::VecDeque;

use super::{
    code, crit_word, data_traits, el, handled, integrity, is_client, is_forwarder, is_human, is_human_login, is_ours,
    join_and, q, Memo,
};
use crate::check::shared::anonymous_by_design;
use crate::check::Link;
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
    explanation: "A person (an actor that is not an API consumer or device) reaches a component or store that handles restricted data or data of mission-critical integrity, or is mission-critical, directly or through frontends, gateways, proxies and load balancers, and logs in with a single factor: the actor is not marked `mfa` and neither the person's own link nor the client's calls say `auth mfa`. A phished or reused password then opens the most valuable assets (Threagile missing-authentication-second-factor; pytm usesMFA). Only logins count (`basic`, `session`, `jwt`, `oauth2`, `oidc`, `saml`): a person who is anonymous, or whose link carries only a machine credential such as a publishable API key, logs in nowhere, and unknown authentication is left to HYG008 and SEC003. Each person is reported once, naming every such asset they reach. Fix it by requiring a second factor: mark the actor `mfa` or use `auth mfa` on the login step. A person who enters through an interface marked `anonymous` (a guest checkout, a sign-in page) has no account to protect and is not asked for a second factor.",
    bad: "data Ledger {\n  classification restricted\n}\nactor clerk {\n  kind admin\n}\ncomponent books {\n  owns Ledger\n}\nflow post {\n  clerk -> books https auth oidc carries Ledger\n}\n",
    good: "data Ledger {\n  classification restricted\n}\nactor clerk {\n  kind admin\n  mfa\n}\ncomponent books {\n  owns Ledger\n}\nflow post {\n  clerk -> books https auth oidc carries Ledger\n}\n",
    options: &[
        MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CLASSIFICATION,
        MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CRITICALITY,
    ],
    run: missing_mfa_for_human_access,
};

/// A person's entry link, the valuable target it leads to, and the single factor used.
type Reached<'a> = (&'a Link, ElementId, &'a str);

fn missing_mfa_for_human_access(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min_class = cx.option(&MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CLASSIFICATION) as usize;
    let min_crit = cx.option(&MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CRITICALITY) as usize;
    let h = &cx.facts.handled;
    let n = cx.model.elements.len();
    let passer = |id: ElementId| is_forwarder(cx, id) || is_client(cx, id);
    // Why each valuable element qualifies; only restricted data counts here, so personal data
    // and credentials below the threshold do not.
    // The integrity rating of each data item, read from the model once: many elements handle it.
    let mut integrity_of = Memo::new(cx);
    let mut value = |id: ElementId| -> Option<String> {
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
        // Source code, build jobs and business records whose tampering would be mission-critical.
        data.iter()
            .copied()
            .filter_map(|d| integrity_of.get(d, || integrity(cx, d)).filter(|i| *i >= min_crit).map(|i| (i, d)))
            .max_by_key(|(i, d)| (*i, std::cmp::Reverse(*d)))
            .map(|(i, d)| format!("handles {} (integrity {})", q(cx, d), crit_word(i)))
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
    // Per person, every valuable target reached with one factor, in link order: one finding per
    // person (one second factor fixes them all), naming each target.
    let mut by_person: Vec<(ElementId, Vec<Reached<'_>>)> = Vec::new();
    for l in &cx.facts.links {
        if !is_human(cx, l.from) || el(cx, l.from).is_some_and(|a| a.has_flag("mfa")) {
            continue;
        }
        // Open by design (a guest checkout, a sign-in page): no account, so no second factor.
        if anonymous_by_design(cx, l) {
            continue;
        }
        let Some(target) = reach.get(l.to.0 as usize).copied().flatten() else { continue };
        // The person's authentication: on their own link, or on the client's calls.
        let mut factors: Vec<&str> = l.auth.iter().map(|a| a.word()).filter(|a| is_human_login(a)).collect();
        if factors.is_empty() && is_client(cx, l.to) {
            factors.extend(
                cx.facts
                    .out(l.to)
                    .filter_map(|o| o.auth.map(crate::lang::AuthScheme::word))
                    .filter(|a| is_human_login(a)),
            );
        }
        let Some(factor) = factors.first().copied() else { continue };
        if factors.contains(&"mfa") {
            continue;
        }
        let at = match by_person.iter().position(|(p, _)| *p == l.from) {
            Some(i) => i,
            None => {
                by_person.push((l.from, Vec::new()));
                by_person.len() - 1
            }
        };
        let reached = &mut by_person[at].1;
        if !reached.iter().any(|(_, t, _)| *t == target) {
            reached.push((l, target, factor));
        }
    }
    for (person, reached) in by_person {
        let Some(&(l, target, factor)) = reached.first() else { continue };
        let why = value(target).unwrap_or_default();
        let through = if target != l.to { format!(" through {}", q(cx, l.to)) } else { String::new() };
        let others: Vec<String> = reached.iter().skip(1).map(|(_, t, _)| q(cx, *t)).collect();
        let also = if others.is_empty() { String::new() } else { format!(" (and also {})", join_and(others)) };
        let mut d = cx
            .finding(
                &MISSING_MFA_FOR_HUMAN_ACCESS,
                format!("{} reaches {}{through} with single-factor `{factor}`{also}", q(cx, person), q(cx, target)),
                l.span,
                "one factor",
                &[person],
            )
            .with_secondary(cx.span_of(target), format!("{} {why}", q(cx, target)));
        for &(other, t, f) in reached.iter().skip(1) {
            d = d.with_secondary(other.span, format!("reaches {} with `{f}`", q(cx, t)));
        }
        acc.push(d.with_help(format!(
            "require a second factor: mark {} `mfa`, or use `auth mfa` on its login steps",
            q(cx, person)
        )));
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
    fn sec014_one_finding_per_person_names_every_target_and_code_integrity_counts() {
        let text = "data Code {\n  classification internal\n  integrity mission-critical\n}\ndata Ledger {\n  classification restricted\n}\nactor dev\ncomponent repo {\n  owns Code\n}\ncomponent books {\n  owns Ledger\n}\nflow work {\n  dev -> repo https auth jwt carries Code\n  dev -> books https auth basic carries Ledger\n}\n";
        assert_eq!(
            super::super::tests::findings("SEC014", text),
            vec!["SEC014@dev: `dev` reaches `repo` with single-factor `jwt` (and also `books`)"]
        );
    }

    #[test]
    fn sec014_anonymous_people_and_machine_keys_are_not_logins() {
        let text = "data Card {\n  classification restricted\n}\nactor cardholder\ncomponent gw {\n  kind gateway\n}\ncomponent vault {\n  owns Card\n}\nflow tokenize {\n  cardholder -> gw https auth api-key carries Card\n  gw -> vault https auth mtls carries Card\n}\n";
        assert_eq!(count("SEC014", text), 0);
        assert_eq!(count("SEC014", &text.replace("auth api-key", "auth session")), 1);
    }
}
