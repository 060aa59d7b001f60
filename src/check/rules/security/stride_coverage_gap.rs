//! SEC016 stride-coverage-gap: An element on a trust boundary has STRIDE threats no control covers.

use super::{code, el, is_ours, is_store_kind, profiles_of, q, Memo};
use crate::check::{Category, Ctx, Link, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{ElementId, Val};
use crate::syntax::schema::{self, DeclKind};

pub static STRIDE_COVERAGE_GAP: Rule = Rule {
    code: code("SEC016", "stride-coverage-gap", Severity::Note, "An element on a trust boundary has STRIDE threats no control covers."),
    category: Category::Security,
    explanation: "Every element touching a link that crosses a trust boundary (into another network zone, or into a zone of different trust; logical zones of equal trust do not count) faces the STRIDE threats of its kind: actors and external systems spoofing and repudiation; components all six (spoofing, tampering, repudiation, information disclosure, denial of service, elevation of privilege); datastores, caches, queues and topics tampering, information disclosure and denial of service. The links themselves are covered by SEC001 to SEC003. Each applicable threat needs a `control` that `mitigates` it, declared in the element's `controls`, in a profile it follows, or in a profile of its system; actors and external systems cannot declare controls, so the controls of the components and stores they talk to across the boundary count for them. One note per element lists what is left, so that the threat model is complete and reviewable (STRIDE per element; CALM controls). Fix it by adding or referencing controls, or accept a deliberate gap with `accept SEC016@element \"why\" until DATE`.",
    bad: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncontrol edge_hardening {\n  mitigates spoofing, tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege\n}\ncomponent web {\n  zone dmz\n  controls edge_hardening\n  uses api sync { protocol https auth mtls timeout 1s circuit-breaker }\n}\ncomponent api {\n  zone core\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncontrol edge_hardening {\n  mitigates spoofing, tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege\n}\ncomponent web {\n  zone dmz\n  controls edge_hardening\n  uses api sync { protocol https auth mtls timeout 1s circuit-breaker }\n}\ncomponent api {\n  zone core\n  controls edge_hardening\n}\n",
    options: &[],
    run: stride_coverage_gap,
};

/// STRIDE threats as bits, in `schema::STRIDE` order.
fn stride_bit(word: &str) -> u8 {
    schema::STRIDE.iter().position(|s| *s == word).map_or(0, |i| 1 << i)
}

const ALL_STRIDE: u8 = 0b11_1111;

fn applicable_stride(kind: Option<DeclKind>) -> u8 {
    match kind {
        Some(DeclKind::Actor | DeclKind::External) => stride_bit("spoofing") | stride_bit("repudiation"),
        Some(DeclKind::Component) => ALL_STRIDE,
        k if is_store_kind(k) => {
            stride_bit("tampering") | stride_bit("information-disclosure") | stride_bit("denial-of-service")
        }
        _ => 0,
    }
}

/// Threats mitigated by the controls an element declares or inherits from profiles (its own and
/// its system's). `listed` keeps what the controls each element lists mitigate: many elements
/// share one profile and one control, which are then read once.
fn mitigated(cx: &Ctx<'_>, id: ElementId, listed: &mut Memo<u8>) -> u8 {
    let mut bits = listed.get(id, || controls_mitigate(cx, id));
    for p in profiles_of(cx, id) {
        bits |= listed.get(p, || controls_mitigate(cx, p));
    }
    bits
}

/// Threats mitigated by the controls element `id` lists.
fn controls_mitigate(cx: &Ctx<'_>, id: ElementId) -> u8 {
    let mut bits = 0;
    for c in el(cx, id).into_iter().flat_map(|e| e.references("controls")) {
        for a in el(cx, c).into_iter().flat_map(|ce| ce.attrs_named("mitigates")) {
            for v in a.values() {
                if let Val::Word(w) = &v.val {
                    bits |= stride_bit(w);
                }
            }
        }
    }
    bits
}

/// The link leaves one network zone for another, or enters a zone of different trust: logical
/// zones of the same trust in one network are not trust boundaries.
fn crosses_trust_boundary(cx: &Ctx<'_>, l: &Link) -> bool {
    let Some((a, b)) = cx.zones_of(l) else { return false };
    a != b && (cx.crosses_network(l) || cx.zones.trust(a) != cx.zones.trust(b))
}

fn stride_coverage_gap(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let n = cx.model.elements.len();
    // Controls are looked up only for elements on a crossing and their counterparts, once each.
    let (mut own, mut listed) = (Memo::new(cx), Memo::new(cx));
    let mut own_of = |id: ElementId| own.get(id, || mitigated(cx, id, &mut listed));
    // For each element on a crossing: the first crossing link and, for actors and externals,
    // the controls of their counterparts.
    let mut first: Vec<Option<&Link>> = vec![None; n];
    let mut borrowed: Vec<u8> = vec![0; n];
    for l in &cx.facts.links {
        if !crosses_trust_boundary(cx, l) {
            continue;
        }
        for (end, other) in [(l.from, l.to), (l.to, l.from)] {
            let i = end.0 as usize;
            if i >= n || applicable_stride(cx.kind(end)) == 0 {
                continue;
            }
            first[i].get_or_insert(l);
            if matches!(cx.kind(end), Some(DeclKind::Actor | DeclKind::External)) && is_ours(cx, other) {
                borrowed[i] |= own_of(other);
            }
        }
    }
    for (i, l) in first.iter().enumerate() {
        let Some(l) = l else { continue };
        let id = ElementId(i as u32);
        let missing = applicable_stride(cx.kind(id)) & !(own_of(id) | borrowed[i]);
        if missing == 0 {
            continue;
        }
        let threats: Vec<&str> =
            schema::STRIDE.iter().enumerate().filter(|(b, _)| missing & (1 << b) != 0).map(|(_, s)| *s).collect();
        let (za, zb) = cx.zones_of(l).unwrap_or((id, id));
        let noun = cx.kind(id).map_or("element", DeclKind::noun);
        acc.push(
            cx.finding(&STRIDE_COVERAGE_GAP, format!("{noun} {} crosses a trust boundary with no control for {}", q(cx, id), threats.join(", ")), cx.span_of(id), "threats not covered", &[id])
                .with_secondary(l.span, format!("crosses from zone {} to {}", q(cx, za), q(cx, zb)))
                .with_help(format!(
                    "add a control that `mitigates {}` to {}'s `controls` or to a profile it follows, or accept the gap with `accept SEC016@{} \"why\" until DATE`",
                    threats.join(", "),
                    q(cx, id),
                    cx.name(id)
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{findings, ZONES};
    use crate::check::registry::check_source;

    #[test]
    fn sec016_actor_borrows_counterpart_controls_and_acceptance() {
        let text = format!("{ZONES}control login {{\n  mitigates spoofing, repudiation\n}}\nactor user {{\n  zone internet\n}}\ncomponent gw {{\n  kind gateway\n  zone dmz\n  controls login\n}}\nflow f {{\n  user -> gw https auth oidc\n}}\naccept SEC016@gw \"Edge hardening tracked in SEC-12\" until 2099-01-01\n");
        let f = findings("SEC016", &text);
        assert!(f.is_empty(), "{f:?}");
        let all = check_source(&text);
        assert!(all.iter().any(|d| d.code.id == "SEC016" && d.suppression.is_some()));
    }

    #[test]
    fn sec016_lists_uncovered_threats_per_element() {
        let text = format!("import std.security\n{ZONES}system shop {{\n  profile baseline\n}}\ncomponent web {{\n  zone dmz\n  system shop\n  uses db {{ protocol postgres-tls auth basic }}\n}}\ndatastore db {{\n  zone data\n  system shop\n}}\n");
        let f = findings("SEC016", &text);
        assert_eq!(
            f,
            vec![
                "SEC016@web: component `web` crosses a trust boundary with no control for denial-of-service",
                "SEC016@db: datastore `db` crosses a trust boundary with no control for denial-of-service",
            ]
        );
    }
}
