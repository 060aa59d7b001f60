//! SEC003 unauthenticated-boundary-crossing: A link enters higher trust or reaches sensitive data without authentication.

use super::{
    code, crit_word, data_traits, el, group_by_link, handled, integrity, is_forwarder, is_ours, most_sensitive,
    profiles_of, q, zone_desc, Memo, MIN_CLASSIFICATION_DOC,
};
use crate::check::shared::anonymous_by_design;
use crate::check::{Category, Ctx, Rule, RuleOption, Transit, CONFIDENTIAL, CRITICAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::lang::AuthScheme;
use crate::semantic::model::ElementId;
use crate::source::Span;
use crate::syntax::schema::{self};

fn is_monitoring(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).monitoring
}

/// Relative strength of an authentication mode, for `min-auth`; an unknown word counts as none.
fn auth_strength(mode: &str) -> u8 {
    AuthScheme::parse(mode).map_or(0, AuthScheme::strength)
}

/// The carried item of the highest integrity rating, when it is critical or above.
fn integrity_critical(cx: &Ctx<'_>, carries: &[ElementId]) -> Option<(usize, ElementId)> {
    carries
        .iter()
        .filter_map(|d| integrity(cx, *d).filter(|i| *i >= CRITICAL).map(|i| (i, *d)))
        .max_by_key(|(i, d)| (*i, std::cmp::Reverse(*d)))
}

/// `[rules.SEC003] min-classification`.
pub const UNAUTHENTICATED_BOUNDARY_CROSSING_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC003",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

pub static UNAUTHENTICATED_BOUNDARY_CROSSING: Rule = Rule {
    code: code("SEC003", "unauthenticated-boundary-crossing", Severity::Error, "A link enters higher trust or reaches sensitive data without authentication."),
    category: Category::Security,
    explanation: "A link says `auth none` (its own, or inherited from the interface or endpoint it calls, its `uses` or a zone or system default) and either enters a zone of higher trust than the one it leaves, or reaches an element that handles confidential or restricted data, personal data or credentials, or reaches a multi-tenant component, or carries data whose `integrity` is rated `critical` or `mission-critical` (which anyone who reaches the target could then forge). Whoever can reach the network can then act as any caller (STRIDE spoofing; ASVS 1.2.2, 1.9.2). Each hop is judged on its own: the hop into a gateway, load balancer, WAF or reverse proxy is exempt (they pass traffic to a backend that must authenticate it) unless that forwarder is multi-tenant, and so is monitoring traffic. A link whose authentication is weaker than the `min-auth` of a profile of its target is reported too. A link that does not say how it authenticates is a gap (HYG008). Links through an interface marked `anonymous` (or that call only endpoints marked so), open by design like sign-in, token, password reset, JWKS and health endpoints, are exempt. Fix it with service credentials (`auth mtls`, `service-token`) or end-user tokens (`jwt`, `oidc`). A link stated as a `uses` and as steps of several flows is one finding, at the `uses` (else at its first step) with the other places as related locations; its fingerprint names the caller and the callee only (`SEC003@web@api`), and an acceptance written with a flow (`SEC003@pay@web@api`) still matches it.",
    bad: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent gateway {\n  kind gateway\n  zone dmz\n  uses orders sync { protocol https auth none timeout 1s circuit-breaker }\n}\ncomponent orders {\n  zone core\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent gateway {\n  kind gateway\n  zone dmz\n  uses orders sync { protocol https auth mtls timeout 1s circuit-breaker }\n}\ncomponent orders {\n  zone core\n}\n",
    options: &[UNAUTHENTICATED_BOUNDARY_CROSSING_MIN_CLASSIFICATION],
    run: unauthenticated_boundary_crossing,
};

/// The strongest `min-auth` among the profiles of `id`.
fn min_auth(cx: &Ctx<'_>, id: ElementId) -> Option<(&'static str, ElementId)> {
    profiles_of(cx, id)
        .into_iter()
        .filter_map(|p| {
            let w = el(cx, p)?.word("min-auth")?;
            let w = schema::AUTHN.iter().copied().find(|a| *a == w)?;
            Some((w, p))
        })
        .max_by_key(|(w, p)| (auth_strength(w), std::cmp::Reverse(*p)))
}

fn unauthenticated_boundary_crossing(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min = cx.option(&UNAUTHENTICATED_BOUNDARY_CROSSING_MIN_CLASSIFICATION) as usize;
    let h = &cx.facts.handled;
    let mut sensitive_at = Memo::new(cx);
    // The profiles' minimum of each target, read once per target rather than once per link.
    let mut required_of = Memo::new(cx);
    let mut problems = Vec::new();
    for l in &cx.facts.links {
        let Some(auth) = l.auth.map(crate::lang::AuthScheme::word) else { continue };
        if !is_ours(cx, l.to) || l.transit == Transit::Local || is_monitoring(cx, l.from) || is_monitoring(cx, l.to) {
            continue;
        }
        if anonymous_by_design(cx, l) {
            continue;
        }
        let multi_tenant = el(cx, l.to).is_some_and(|e| e.has_flag("multi-tenant"));
        if is_forwarder(cx, l.to) && !multi_tenant {
            continue;
        }
        let required =
            required_of.get(l.to, || min_auth(cx, l.to)).filter(|(w, _)| auth_strength(auth) < auth_strength(w));
        let mut reason: Option<(String, Span, String)> = None;
        if auth == "none" {
            if let (true, Some((a, b))) = (cx.enters_higher_trust(l), cx.zones_of(l)) {
                reason = Some((
                    format!("enters zone {} from {} without authentication", zone_desc(cx, b), zone_desc(cx, a)),
                    cx.span_of(b),
                    "higher trust".into(),
                ));
            } else if let Some(d) = sensitive_at.get(l.to, || most_sensitive(cx, handled(h, l.to), min)) {
                reason = Some((
                    format!(
                        "reaches {}, which handles {} ({}), without authentication",
                        q(cx, l.to),
                        q(cx, d),
                        data_traits(cx, d)
                    ),
                    cx.span_of(d),
                    format!("{} is {}", q(cx, d), data_traits(cx, d)),
                ));
            } else if multi_tenant {
                reason = Some((
                    format!("reaches multi-tenant {} without authentication", q(cx, l.to)),
                    cx.span_of(l.to),
                    "serves several tenants".into(),
                ));
            } else if let Some((rating, d)) = integrity_critical(cx, &l.carries) {
                reason = Some((
                    format!("carries {} (integrity {}) without authentication", q(cx, d), crit_word(rating)),
                    cx.span_of(d),
                    format!("rated integrity {}", crit_word(rating)),
                ));
            }
        }
        if reason.is_none() {
            if let Some((w, p)) = required {
                reason = Some((
                    format!(
                        "authenticates with `{auth}`, weaker than the `{w}` that profile {} of {} requires",
                        q(cx, p),
                        q(cx, l.to)
                    ),
                    cx.span_of(p),
                    format!("requires `min-auth {w}`"),
                ));
            }
        }
        let Some(reason) = reason else { continue };
        problems.push((l, (reason, required)));
    }
    for g in group_by_link(problems) {
        let (l, ((why, span, label), required)) = g.primary();
        let help = match required {
            Some((w, _)) => format!("authenticate the caller with `auth {w}` or stronger"),
            None => "authenticate the caller: `auth mtls` or `service-token` between services, `jwt` or `oidc` for end users".to_string(),
        };
        let d = cx
            .finding(
                &UNAUTHENTICATED_BOUNDARY_CROSSING,
                format!("{} {why}", g.name(cx)),
                l.span,
                "unauthenticated",
                &g.subjects(),
            )
            .with_secondary(*span, label.clone())
            .with_help(help);
        acc.push(g.finish(cx, d));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, findings, ZONES};

    #[test]
    fn sec003_hop_by_hop_through_a_gateway() {
        // Into the gateway: exempt (pass-through). Gateway to the service: its own hop, reported.
        let text = format!("{ZONES}actor user {{\n  zone internet\n}}\ncomponent gw {{\n  kind gateway\n  zone dmz\n}}\ncomponent api {{\n  zone core\n}}\nflow f {{\n  user -> gw https auth none\n  gw -> api https auth none\n}}\n");
        assert_eq!(findings("SEC003", &text), vec!["SEC003@gw@api: step `gw -> api` of flow `f` enters zone `core` (trust high) from `dmz` (trust medium) without authentication"]);
    }

    #[test]
    fn sec003_sensitive_target_in_same_zone_and_min_auth() {
        let same = "data Card {\n  classification restricted\n}\ncomponent a {\n  uses b sync { protocol https auth none }\n}\ncomponent b {\n  owns Card\n}\n";
        assert_eq!(count("SEC003", same), 1);
        let weak = "profile strict {\n  min-auth jwt\n}\ncomponent a {\n  uses b sync { protocol https auth api-key }\n}\ncomponent b {\n  profile strict\n}\n";
        assert_eq!(count("SEC003", weak), 1);
        let strong = "profile strict {\n  min-auth jwt\n}\ncomponent a {\n  uses b sync { protocol https auth mtls }\n}\ncomponent b {\n  profile strict\n}\n";
        assert_eq!(count("SEC003", strong), 0);
    }

    #[test]
    fn sec003_integrity_critical_data_needs_an_authenticated_sender() {
        // Same zone, data not confidential: only its integrity rating makes the link matter.
        let text = "data Payment {\n  classification internal\n  integrity mission-critical\n}\ndata Note {\n  classification internal\n  integrity high\n}\ncomponent shop {\n  uses ledger sync { protocol https auth none carries Payment }\n  uses notes sync { protocol https auth none carries Note }\n}\ncomponent ledger\ncomponent notes\n";
        assert_eq!(
            findings("SEC003", text),
            vec!["SEC003@shop@ledger: `shop -> ledger` carries `Payment` (integrity mission-critical) without authentication"]
        );
        assert_eq!(count("SEC003", &text.replace("auth none carries Payment", "auth mtls carries Payment")), 0);
    }

    #[test]
    fn sec003_a_link_calling_only_anonymous_endpoints_is_open_by_design() {
        let text = "data Card {\n  classification restricted\n}\ninterface Pay rest {\n  provider pay\n  GET /health anonymous\n  POST /charges (Card) -> Card\n}\ncomponent probe {\n  uses pay sync { via Pay calls \"GET /health\" protocol https auth none timeout 1s }\n}\ncomponent pay {\n  owns Card\n}\n";
        assert_eq!(count("SEC003", text), 0, "{:?}", findings("SEC003", text));
        assert_eq!(count("SEC003", &text.replace("calls \"GET /health\"", "calls \"POST /charges\"")), 1);
    }
}
