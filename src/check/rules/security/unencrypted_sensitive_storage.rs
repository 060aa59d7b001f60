//! SEC008 unencrypted-sensitive-storage: Sensitive data is stored without encryption at rest.

use std::collections::BTreeMap;

use super::{
    attr_span, code, data_list, el, is_store_kind, profiles_of, q, sensitive, tech_of, MIN_CLASSIFICATION_DOC,
};
use crate::check::{Category, Ctx, Rule, RuleOption, CONFIDENTIAL, RESTRICTED};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{ElementId, Val};
use crate::source::Span;
use crate::syntax::schema::DeclKind;

/// `[rules.SEC008] min-classification`.
pub const UNENCRYPTED_SENSITIVE_STORAGE_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC008",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

pub static UNENCRYPTED_SENSITIVE_STORAGE: Rule = Rule {
    code: code("SEC008", "unencrypted-sensitive-storage", Severity::Error, "Sensitive data is stored without encryption at rest."),
    category: Category::Security,
    explanation: "A datastore, cache, queue or topic, or a component that says what it `holds` (a git or build server), keeps confidential or restricted data, personal data or credentials (what it holds or carries, and what its links carry) and is not encrypted at rest: it says `encrypted-at-rest no`, or its catalogue technology does not encrypt by default. Stolen disks, snapshots and backups then expose the data (Threagile unencrypted-asset; ASVS 1.8.2). A store under a profile requiring `encrypted-at-rest` must be encrypted whatever it keeps, and restricted data in a store shared by a multi-tenant component also needs `per-tenant-keys`. A store whose encryption is unknown (no setting, no catalogue technology) is skipped. Fix it with `encrypted-at-rest yes` (and the keys to back it).",
    bad: "data Card {\n  classification restricted\n}\ndatastore cards {\n  holds Card\n  encrypted-at-rest no\n}\n",
    good: "data Card {\n  classification restricted\n}\ndatastore cards {\n  holds Card\n  encrypted-at-rest yes\n}\n",
    options: &[UNENCRYPTED_SENSITIVE_STORAGE_MIN_CLASSIFICATION],
    run: unencrypted_sensitive_storage,
};

/// Encryption at rest: the explicit setting, else the catalogue technology's default.
fn encrypted_at_rest(cx: &Ctx<'_>, id: ElementId) -> Option<(bool, Span)> {
    let e = el(cx, id)?;
    if let Some(a) = e.attr("encrypted-at-rest") {
        if let Some(Val::Bool(b)) = a.first().map(|v| &v.val) {
            return Some((*b, a.span_in(e.file)));
        }
        return None;
    }
    tech_of(cx, id).map(|t| (t.has_flag("encrypts-at-rest"), attr_span(e, "tech")))
}

fn unencrypted_sensitive_storage(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min = cx.option(&UNENCRYPTED_SENSITIVE_STORAGE_MIN_CLASSIFICATION) as usize;
    // Stores used by a multi-tenant component.
    let mut shared_by_tenants: BTreeMap<ElementId, ElementId> = BTreeMap::new();
    for l in &cx.facts.links {
        for (store, user) in [(l.to, l.from), (l.from, l.to)] {
            if is_store_kind(cx.kind(store))
                && el(cx, user).is_some_and(|u| u.kind == DeclKind::Component && u.has_flag("multi-tenant"))
            {
                shared_by_tenants.entry(store).or_insert(user);
            }
        }
    }
    for id in cx.facts.user_elements_where(|_| true) {
        let Some(e) = cx.model.get(id).filter(|_| cx.facts.keeps_data(id)) else {
            continue;
        };
        let Some((encrypted, span)) = encrypted_at_rest(cx, id) else { continue };
        let data = cx.facts.kept_at_rest(id);
        let how = if e.attr("encrypted-at-rest").is_some() {
            "says `encrypted-at-rest no`".to_string()
        } else {
            format!(
                "uses technology {}, which does not encrypt at rest by default",
                tech_of(cx, id).map_or("?".into(), |t| format!("`{}`", t.name))
            )
        };
        let noun = e.kind.noun();
        let d = if !encrypted {
            let sens: Vec<ElementId> = data.iter().copied().filter(|d| sensitive(cx, *d, min)).collect();
            let profile =
                profiles_of(cx, id).into_iter().find(|p| el(cx, *p).is_some_and(|pe| pe.has_flag("encrypted-at-rest")));
            if !sens.is_empty() {
                cx.finding(
                    &UNENCRYPTED_SENSITIVE_STORAGE,
                    format!("{noun} {} keeps {} unencrypted at rest", q(cx, id), data_list(cx, &sens)),
                    e.name_span,
                    "not encrypted at rest",
                    &[id],
                )
                .with_secondary(span, how)
            } else if let Some(p) = profile {
                cx.finding(
                    &UNENCRYPTED_SENSITIVE_STORAGE,
                    format!("{noun} {} is not encrypted at rest although profile {} requires it", q(cx, id), q(cx, p)),
                    e.name_span,
                    "not encrypted at rest",
                    &[id],
                )
                .with_secondary(span, how)
                .with_secondary(cx.span_of(p), "requires `encrypted-at-rest`")
            } else {
                continue;
            }
            .with_help(format!("encrypt {} at rest: `encrypted-at-rest yes`, or a technology that does", q(cx, id)))
        } else {
            let restricted: Vec<ElementId> =
                data.iter().copied().filter(|d| cx.classification(*d).is_some_and(|c| c >= RESTRICTED)).collect();
            let (Some(user), false) = (shared_by_tenants.get(&id), e.has_flag("per-tenant-keys")) else { continue };
            if restricted.is_empty() {
                continue;
            }
            cx.finding(
                &UNENCRYPTED_SENSITIVE_STORAGE,
                format!(
                    "{noun} {} keeps {} for several tenants without per-tenant keys",
                    q(cx, id),
                    data_list(cx, &restricted)
                ),
                e.name_span,
                "one key for all tenants",
                &[id],
            )
            .with_secondary(cx.span_of(*user), format!("{} is multi-tenant", q(cx, *user)))
            .with_help(format!(
                "encrypt each tenant's data with its own key and say `per-tenant-keys` on {}",
                q(cx, id)
            ))
        };
        acc.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::count;

    #[test]
    fn sec008_tech_default_and_per_tenant_keys() {
        let tech = "import std.tech\ndata Card {\n  classification restricted\n}\ndatastore cards {\n  tech postgres\n  holds Card\n}\n";
        assert_eq!(count("SEC008", tech), 1);
        let unknown = "data Card {\n  classification restricted\n}\ndatastore cards {\n  holds Card\n}\n";
        assert_eq!(count("SEC008", unknown), 0, "unknown encryption is a gap");
        let tenants = "data Card {\n  classification restricted\n}\ncomponent saas {\n  multi-tenant\n  uses cards { protocol postgres-tls auth basic }\n}\ndatastore cards {\n  holds Card\n  encrypted-at-rest yes\n}\n";
        assert_eq!(count("SEC008", tenants), 1);
        assert_eq!(
            count("SEC008", &tenants.replace("encrypted-at-rest yes", "encrypted-at-rest yes\n  per-tenant-keys")),
            0
        );
    }
}
