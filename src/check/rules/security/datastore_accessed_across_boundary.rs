//! SEC006 datastore-accessed-across-boundary: A sensitive datastore is accessed directly from a less trusted network.

use super::{code, high_value, q, zone_desc, Memo, Once, MIN_CLASSIFICATION_DOC};
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

pub static DATASTORE_ACCESSED_ACROSS_BOUNDARY: Rule = Rule {
    code: code("SEC006", "datastore-accessed-across-boundary", Severity::Error, "A sensitive datastore is accessed directly from a less trusted network."),
    category: Category::Security,
    explanation: "A datastore or cache that holds confidential or restricted data, personal data or credentials, or is critical, is accessed directly from another network zone that is less trusted and is not itself a trusted service tier (trust below `high`, configurable), or from the internet. Direct database access across such a boundary means the database's own protocol and credentials face the weaker zone: one compromised host in a DMZ or office network reads or rewrites everything (Threagile unguarded-direct-datastore-access; ASVS 1.14.1). A service tier of high trust reaching its data tier is the guard this rule asks for and is not reported; logical zones are not boundaries; links whose zones or trust are unknown are skipped. Fix it by letting a service in the datastore's zone own it and serve the data through an interface.",
    bad: "zone dmz {\n  trust medium\n}\nzone data {\n  trust high\n}\ndata Customer {\n  classification confidential\n}\ncomponent web {\n  zone dmz\n  uses db { protocol postgres-tls auth basic carries Customer }\n}\ndatastore db {\n  zone data\n  holds Customer\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone data {\n  trust high\n}\ndata Customer {\n  classification confidential\n}\ncomponent web {\n  zone dmz\n  uses customers sync { protocol https auth mtls carries Customer timeout 1s circuit-breaker }\n}\ncomponent customers {\n  zone data\n  uses db { protocol postgres-tls auth basic carries Customer }\n}\ndatastore db {\n  zone data\n  holds Customer\n}\n",
    options: &[
        DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CLASSIFICATION,
        DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CRITICALITY,
        DATASTORE_ACCESSED_ACROSS_BOUNDARY_TRUSTED_FROM,
    ],
    run: datastore_accessed_across_boundary,
};

fn datastore_accessed_across_boundary(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min_class = cx.option(&DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CLASSIFICATION) as usize;
    let min_crit = cx.option(&DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CRITICALITY) as usize;
    let trusted_from = cx.option(&DATASTORE_ACCESSED_ACROSS_BOUNDARY_TRUSTED_FROM) as usize;
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
        assert_eq!(count("SEC006", &model("core", "high")), 0, "equal trust");
        assert_eq!(count("SEC006", &model("core", "full")), 0, "a high-trust service tier is the guard");
        assert_eq!(
            findings("SEC006", &model("dmz", "full")),
            vec![
                "SEC006@api@db: `api` in zone `dmz` (trust medium) accesses `db` in zone `data` (trust full) directly"
            ]
        );
    }
}
