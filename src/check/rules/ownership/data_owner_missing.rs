//! OWN004 data-owner-missing: Sensitive data with no system of record.

use std::collections::BTreeMap;

use super::code;
use crate::check::shared::name_list;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static DATA_OWNER_MISSING: Rule = Rule {
    code: code("OWN004", "data-owner-missing", Severity::Error, "Sensitive data with no system of record."),
    category: Category::Ownership,
    explanation: "Confidential or restricted data, personal data and credentials need a system of record: one component that `owns` it, decides who may read and change it, and answers for its retention, deletion and breach reporting (ASVS 1.8.1). Without one, every copy is equally authoritative and nobody is accountable. When no component can own it, name at least the accountable team with the data's `owner`. Messages that only travel (`transient`: a gRPC request, a notification payload, card data that is by design never stored) need none, nor do value types that appear only as fields of such messages or of owned entities (they are recorded with them).",
    bad: "data Customer {\n  classification confidential\n  field email: string pii\n}\ncomponent crm {\n  uses customers_db { access read-write }\n}\ndatastore customers_db {\n  holds Customer\n}\n",
    good: "data Customer {\n  classification confidential\n  field email: string pii\n}\ncomponent crm {\n  owns Customer\n  uses customers_db { access read-write }\n}\ndatastore customers_db {\n  holds Customer\n}\n",
    options: &[],
    run: data_owner_missing,
};

/// A value type (`field address: Address`) that no store holds on its own, and whose every
/// containing entity is owned, has an accountable `owner`, or is a transient message.
fn recorded_with_its_containers(cx: &Ctx<'_>, data: ElementId) -> bool {
    let containers = cx.facts.containers_of(cx.model, data);
    let held = cx.facts.is_held(cx.model, data);
    !held
        && !containers.is_empty()
        && containers.iter().all(|c| {
            cx.facts.owners_of_data.contains_key(c)
                || cx.model.get(*c).is_some_and(|e| e.attr("owner").is_some() || e.has_flag("transient"))
        })
}

fn data_owner_missing(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // The stores holding each data item, read from the model only once a finding needs them.
    let mut holders: Option<BTreeMap<ElementId, Vec<ElementId>>> = None;
    let stores_holding = || {
        let mut holders: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
        for (id, e) in cx.user_elements_where(|k| matches!(k, DeclKind::Datastore | DeclKind::Cache)) {
            for d in e.references("holds") {
                holders.entry(d).or_default().push(id);
            }
        }
        holders
    };
    for (id, e) in cx.of_kind(DeclKind::Data) {
        if !cx.is_sensitive(id) || cx.facts.owners_of_data.contains_key(&id) || e.attr("owner").is_some() {
            continue;
        }
        // A message that is never stored has no record to keep; a value type kept only inside
        // other entities is recorded with them.
        if cx.facts.is_transient(cx.model, id) || recorded_with_its_containers(cx, id) {
            continue;
        }
        let why = match e.word("classification") {
            Some(c @ ("confidential" | "restricted")) => c.to_string(),
            _ if e.has_flag("credentials")
                || e.fields.iter().any(|f| f.modifiers.iter().any(|m| m == "credentials")) =>
            {
                "credential".to_string()
            }
            _ => "personal".to_string(),
        };
        let mut d = cx
            .finding(
                &DATA_OWNER_MISSING,
                format!("{why} data `{}` has no system of record", e.name),
                e.name_span,
                "no component `owns` it",
                &[id],
            )
            .with_help(format!("add `owns {}` to the component that is its system of record", e.name));
        if let Some(h) = holders.get_or_insert_with(stores_holding).get(&id) {
            d = d.with_note(format!("it is held by {}", name_list(cx, h, 3)));
        }
        acc.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;

    #[test]
    fn transient_messages_and_their_value_types_need_no_system_of_record() {
        let text = "data Address {\n  field street: string pii\n}\ndata ChargeRequest {\n  transient\n  classification restricted\n  field card: string\n  field billing: Address\n}\n";
        assert!(findings("OWN004", text).is_empty(), "{:?}", findings("OWN004", text));
        // Stored somewhere, the value type needs its owner again.
        let held = format!("{text}datastore db {{\n  holds Address\n}}\n");
        assert_eq!(findings("OWN004", &held), vec!["personal data `Address` has no system of record [Address]"]);
        // Without `transient`, the message needs one, and so does its value type.
        assert_eq!(findings("OWN004", &text.replace("  transient\n", "")).len(), 2);
        // Inside an owned entity, the value type is recorded with it.
        let owned = text.replace("  transient\n", "") + "component billing {\n  owns ChargeRequest\n  standalone\n}\n";
        assert!(findings("OWN004", &owned).is_empty(), "{:?}", findings("OWN004", &owned));
    }

    #[test]
    fn sensitive_data_needs_a_system_of_record() {
        let text = "data Secret { credentials }\ndata Note { classification internal }\ndata Person {\n  owner t\n  field email: string pii\n}\nteam t\n";
        assert_eq!(findings("OWN004", text), vec!["credential data `Secret` has no system of record [Secret]"]);
    }
}
