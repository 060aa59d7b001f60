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
    explanation: "Confidential or restricted data, personal data and credentials need a system of record: one component that `owns` it, decides who may read and change it, and answers for its retention, deletion and breach reporting (ASVS 1.8.1). Without one, every copy is equally authoritative and nobody is accountable. When no component can own it, name at least the accountable team with the data's `owner`.",
    bad: "data Customer {\n  classification confidential\n  field email: string pii\n}\ncomponent crm {\n  uses customers_db { access read-write }\n}\ndatastore customers_db {\n  holds Customer\n}\n",
    good: "data Customer {\n  classification confidential\n  field email: string pii\n}\ncomponent crm {\n  owns Customer\n  uses customers_db { access read-write }\n}\ndatastore customers_db {\n  holds Customer\n}\n",
    options: &[],
    run: data_owner_missing,
};

fn data_owner_missing(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut holders: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for (id, e) in
        cx.model.iter().filter(|(_, e)| !e.from_std && matches!(e.kind, DeclKind::Datastore | DeclKind::Cache))
    {
        for d in e.references("holds") {
            holders.entry(d).or_default().push(id);
        }
    }
    for (id, e) in cx.model.of_kind(DeclKind::Data) {
        if !cx.is_sensitive(id) || cx.facts.owners_of_data.contains_key(&id) || e.attr("owner").is_some() {
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
        if let Some(h) = holders.get(&id) {
            d = d.with_note(format!("it is held by {}", name_list(cx, h, 3)));
        }
        acc.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;

    #[test]
    fn sensitive_data_needs_a_system_of_record() {
        let text = "data Secret { credentials }\ndata Note { classification internal }\ndata Person {\n  owner t\n  field email: string pii\n}\nteam t\n";
        assert_eq!(findings("OWN004", text), vec!["credential data `Secret` has no system of record [Secret]"]);
    }
}
