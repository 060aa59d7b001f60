//! SEC006 datastore-accessed-across-boundary: A sensitive datastore is accessed directly from a less trusted network.
//!
//! Also from another network of equal trust below the service-tier level, as Threagile's
//! unguarded-direct-datastore-access.

use super::{code, high_value, is_identity_provider, q, zone_desc, Memo, Once, MIN_CLASSIFICATION_DOC};
use crate::check::{Category, Ctx, Rule, RuleOption, CONFIDENTIAL, CRITICAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::syntax::schema::DeclKind;

/// `[rules.SEC006] min-classification`.
pub const DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC006",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

/// `[rules.SEC006] min-criticality`.
pub const DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CRITICALITY: RuleOption = RuleOption {
    rule: "SEC006",
    name: "min-criticality",
    default: CRITICAL as u64,
    doc: "Lowest criticality rank of a high-value store: 2 high, 3 critical, 4 mission-critical.",
};

/// `[rules.SEC006] trusted-from`.
pub const DATASTORE_ACCESSED_ACROSS_BOUNDARY_TRUSTED_FROM: RuleOption =
    RuleOption { rule: "SEC006", name: "trusted-from", default: 3, doc: "Trust rank of a zone whose services may reach stores in other networks directly (a service tier): 2 medium, 3 high, 4 full." };

/// `[rules.SEC006] equal-trust`.
pub const DATASTORE_ACCESSED_ACROSS_BOUNDARY_EQUAL_TRUST: RuleOption = RuleOption {
    rule: "SEC006",
    name: "equal-trust",
    default: 1,
    doc: "1 also reports access from another network of equal trust (below `trusted-from`) that shares no enclosing zone with the store; 0 reports only less trusted networks.",
};

pub static DATASTORE_ACCESSED_ACROSS_BOUNDARY: Rule = Rule {
    code: code("SEC006", "datastore-accessed-across-boundary", Severity::Error, "A sensitive datastore is accessed directly from a less trusted network."),
    category: Category::Security,
    explanation: "A datastore or cache that holds confidential or restricted data, personal data or credentials, or is critical, is accessed directly from another network zone that is less trusted and is not itself a trusted service tier (trust below `high`, configurable), or from the internet. Direct database access across such a boundary means the database's own protocol and credentials face the weaker zone: one compromised host in a DMZ or office network reads or rewrites everything (Threagile unguarded-direct-datastore-access; ASVS 1.14.1). Access from another network of the same trust is reported too when that trust is below `trusted-from` and the two zones share no enclosing zone (`equal-trust`, on by default), except an identity provider reading its identity store. A service tier of high trust reaching its data tier is the guard this rule asks for and is not reported (set `trusted-from` to 5 to report it as Threagile does); logical zones are not boundaries; links whose zones or trust are unknown are skipped. Fix it by letting a service in the datastore's zone own it and serve the data through an interface.",
    bad: "zone dmz {\n  trust medium\n}\nzone data {\n  trust high\n}\ndata Customer {\n  classification confidential\n}\ncomponent web {\n  zone dmz\n  uses db { protocol postgres-tls auth basic carries Customer }\n}\ndatastore db {\n  zone data\n  holds Customer\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone data {\n  trust high\n}\ndata Customer {\n  classification confidential\n}\ncomponent web {\n  zone dmz\n  uses customers sync { protocol https auth mtls carries Customer timeout 1s circuit-breaker }\n}\ncomponent customers {\n  zone data\n  uses db { protocol postgres-tls auth basic carries Customer }\n}\ndatastore db {\n  zone data\n  holds Customer\n}\n",
    options: &[
        DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CLASSIFICATION,
        DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CRITICALITY,
        DATASTORE_ACCESSED_ACROSS_BOUNDARY_TRUSTED_FROM,
        DATASTORE_ACCESSED_ACROSS_BOUNDARY_EQUAL_TRUST,
    ],
    run: datastore_accessed_across_boundary,
};

fn datastore_accessed_across_boundary(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min_class = cx.option(&DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CLASSIFICATION) as usize;
    let min_crit = cx.option(&DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CRITICALITY) as usize;
    let trusted_from = cx.option(&DATASTORE_ACCESSED_ACROSS_BOUNDARY_TRUSTED_FROM) as usize;
    let equal_trust = cx.option(&DATASTORE_ACCESSED_ACROSS_BOUNDARY_EQUAL_TRUST) != 0;
    // Zones nested in one enclosing zone are segments of one network, as Threagile's shared parent
    // boundary; an identity provider binding to its identity store is that store's own service.
    let share_parent = |a, b| {
        let outer = cx.zones.chain(a);
        cx.zones.chain(b).iter().any(|z| outer.contains(z))
    };
    let h = &cx.facts.handled;
    let mut value = Memo::new(cx);
    let mut once = Once::default();
    for l in &cx.facts.links {
        if !matches!(cx.kind(l.to), Some(DeclKind::Datastore | DeclKind::Cache)) || !cx.crosses_network(l) {
            continue;
        }
        let Some((a, b)) = cx.zones_of(l) else { continue };
        let weaker = if cx.zones.is_internet(a) && !cx.zones.is_internet(b) {
            Some("the internet".to_string())
        } else {
            match (cx.zones.trust(a), cx.zones.trust(b)) {
                (Some(x), Some(y)) if x < y && x < trusted_from => Some(format!("zone {}", zone_desc(cx, a))),
                (Some(x), Some(y))
                    if equal_trust
                        && x == y
                        && x < trusted_from
                        && !share_parent(a, b)
                        && !(is_identity_provider(cx, l.from) && is_identity_provider(cx, l.to)) =>
                {
                    Some(format!("zone {}, another network of equal trust,", zone_desc(cx, a)))
                }
                _ => None,
            }
        };
        let Some(from_where) = weaker else { continue };
        let Some(why) = value.get(l.to, || high_value(cx, h, l.to, min_class, min_crit)) else { continue };
        let subjects = [l.from, l.to];
        if !once.first(&subjects) {
            continue;
        }
        acc.push(
            cx.finding(
                &DATASTORE_ACCESSED_ACROSS_BOUNDARY,
                format!(
                    "{} in {from_where} accesses {} in zone {} directly",
                    q(cx, l.from),
                    q(cx, l.to),
                    zone_desc(cx, b)
                ),
                l.span,
                "direct access across a network boundary",
                &subjects,
            )
            .with_secondary(cx.span_of(l.to), format!("{} {why}", q(cx, l.to)))
            .with_help(format!(
                "let a service in zone {} own {} and serve the data through an interface",
                q(cx, b),
                q(cx, l.to)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, findings};

    #[test]
    fn sec006_service_tier_may_reach_its_data_tier_but_a_dmz_may_not() {
        let model = |from: &str, store_trust: &str| {
            format!("zone dmz {{\n  trust medium\n}}\nzone core {{\n  trust high\n}}\nzone data {{\n  trust {store_trust}\n}}\ndata Customer {{\n  classification confidential\n}}\ncomponent api {{\n  zone {from}\n  uses db {{ protocol postgres-tls auth basic carries Customer }}\n}}\ndatastore db {{\n  zone data\n  holds Customer\n}}\n")
        };
        assert_eq!(count("SEC006", &model("core", "high")), 0, "a high-trust service tier of equal trust");
        assert_eq!(count("SEC006", &model("dmz", "medium")), 1, "equal trust below the service tier");
        let off =
            crate::check::registry::check_source_with(&model("dmz", "medium"), "[rules.SEC006]\nequal-trust = 0\n");
        assert!(!off.iter().any(|d| d.code.id == "SEC006"), "equal-trust = 0 leaves it out");
        let nested = "zone net {\n  trust medium\n  zone a {\n    trust medium\n  }\n  zone b {\n    trust medium\n  }\n}\ndata Customer {\n  classification confidential\n}\ncomponent api {\n  zone a\n  uses db { protocol postgres-tls auth basic carries Customer }\n}\ndatastore db {\n  zone b\n  holds Customer\n}\n";
        assert_eq!(count("SEC006", nested), 0, "segments of one enclosing zone");
        assert_eq!(count("SEC006", &model("core", "full")), 0, "a high-trust service tier is the guard");
        assert_eq!(
            findings("SEC006", &model("dmz", "full")),
            vec![
                "SEC006@api@db: `api` in zone `dmz` (trust medium) accesses `db` in zone `data` (trust full) directly"
            ]
        );
    }
}
