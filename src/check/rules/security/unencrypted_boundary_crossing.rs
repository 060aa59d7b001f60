//! SEC002 unencrypted-boundary-crossing: A link crosses a network boundary unencrypted.

use super::{code, el, encrypt_help, link_name, link_subjects, plain_why, profiles_of, q, sensitive, Once};
use crate::check::{Category, Ctx, Rule, RuleOption, CONFIDENTIAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

pub static UNENCRYPTED_BOUNDARY_CROSSING: Rule = Rule {
    code: code("SEC002", "unencrypted-boundary-crossing", Severity::Warning, "A link crosses a network boundary unencrypted."),
    category: Category::Security,
    explanation: "A link leaves one network zone for another (logical zones do not count) over a plaintext protocol or with `encrypted no`, whatever data it carries; or a link is unencrypted although a security profile of either end requires `encrypted-in-transit`. Traffic between containers, systems or sites should be encrypted (ASVS 1.9.1): metadata, session tokens and future payloads leak otherwise. Links that carry confidential or restricted data, personal data or credentials are SEC001's and not reported again, unless `leave-sensitive-to-sec001` is set to 0 (do so when SEC001 is off). Fix it with the protocol's TLS variant, or say `encrypted yes` when a tunnel or mesh encrypts it.",
    bad: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent web {\n  zone dmz\n  uses api sync { protocol http auth jwt timeout 1s circuit-breaker }\n}\ncomponent api {\n  zone core\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent web {\n  zone dmz\n  uses api sync { protocol https auth jwt timeout 1s circuit-breaker }\n}\ncomponent api {\n  zone core\n}\n",
    options: &[UNENCRYPTED_BOUNDARY_CROSSING_LEAVE_SENSITIVE_TO_SEC001],
    run: unencrypted_boundary_crossing,
};

/// `[rules.SEC002] leave-sensitive-to-sec001`.
pub const UNENCRYPTED_BOUNDARY_CROSSING_LEAVE_SENSITIVE_TO_SEC001: RuleOption = RuleOption {
    rule: "SEC002",
    name: "leave-sensitive-to-sec001",
    default: 1,
    doc: "1 leaves links with confidential or restricted data, personal data or credentials to SEC001; 0 reports them here too.",
};

/// The first profile of `id` that requires encryption in transit.
fn transit_profile(cx: &Ctx<'_>, id: ElementId) -> Option<ElementId> {
    profiles_of(cx, id).into_iter().find(|p| el(cx, *p).is_some_and(|e| e.has_flag("encrypted-in-transit")))
}

fn unencrypted_boundary_crossing(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // Links with sensitive data are SEC001's; this rule reads no other rule's settings, so the
    // hand-over is its own option.
    let leave_sensitive = cx.option(&UNENCRYPTED_BOUNDARY_CROSSING_LEAVE_SENSITIVE_TO_SEC001) > 0;
    let mut once = Once::default();
    for l in &cx.facts.links {
        let Some((why, protocol)) = plain_why(cx, l) else { continue };
        if leave_sensitive && l.carries.iter().any(|d| sensitive(cx, *d, CONFIDENTIAL)) {
            continue;
        }
        let crossing = cx.zones_of(l).filter(|_| cx.crosses_network(l));
        let profile =
            transit_profile(cx, l.to).map(|p| (p, l.to)).or_else(|| transit_profile(cx, l.from).map(|p| (p, l.from)));
        if crossing.is_none() && profile.is_none() {
            continue;
        }
        let subjects = link_subjects(l);
        if !once.first(&subjects) {
            continue;
        }
        let mut d = match crossing {
            Some((a, b)) => cx.finding(
                &UNENCRYPTED_BOUNDARY_CROSSING,
                format!("{} crosses from zone {} to {} over {why}", link_name(cx, l), q(cx, a), q(cx, b)),
                l.span,
                "unencrypted network crossing",
                &subjects,
            ),
            None => {
                let (p, who) = profile.unwrap_or((l.to, l.to));
                cx.finding(
                    &UNENCRYPTED_BOUNDARY_CROSSING,
                    format!(
                        "{} travels over {why}, although profile {} of {} requires encryption in transit",
                        link_name(cx, l),
                        q(cx, p),
                        q(cx, who)
                    ),
                    l.span,
                    "unencrypted",
                    &subjects,
                )
                .with_secondary(cx.span_of(p), "requires `encrypted-in-transit`")
            }
        };
        if let (Some(_), Some((p, who))) = (crossing, profile) {
            d = d.with_note(format!("profile {} of {} also requires encryption in transit", q(cx, p), q(cx, who)));
        }
        acc.push(d.with_help(encrypt_help(protocol.as_deref())));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::count;

    #[test]
    fn sec002_logical_zones_are_not_network_boundaries_but_profiles_count() {
        let logical = "zone net {\n  trust high\n}\nzone billing {\n  kind logical\n  parent net\n}\ncomponent a {\n  zone net\n  uses b sync { protocol http auth jwt }\n}\ncomponent b {\n  zone billing\n}\n";
        assert_eq!(count("SEC002", logical), 0);
        let profile = "profile strict {\n  encrypted-in-transit\n}\ncomponent a {\n  uses b sync { protocol http auth jwt }\n}\ncomponent b {\n  profile strict\n}\n";
        assert_eq!(count("SEC002", profile), 1);
    }
}
