//! HYG006 unused-data: Data that nothing stores, owns, carries or exchanges.

use super::code;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static UNUSED_DATA: Rule = Rule {
    code: code("HYG006", "unused-data", Severity::Warning, "Data that nothing stores, owns, carries or exchanges."),
    category: Category::Hygiene,
    explanation: "A data entity or event that no component owns, no store holds, no link carries, no interface exchanges and no used entity names as a field type (`field address: Address`) cannot be protected by the security rules: either it is obsolete or its relations are missing.",
    bad: "data Invoice { classification internal }\n",
    good: "data Invoice { classification internal }\ncomponent billing { owns Invoice standalone }\n",
    options: &[],
    run: unused_data,
};

fn unused_data(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // Named as data by some element (see the facts), or carried by a link.
    let mut used = cx.facts.mentioned_as_data.clone();
    used.resize(cx.model.elements.len(), false);
    for l in &cx.facts.links {
        for d in &l.carries {
            if let Some(u) = used.get_mut(d.0 as usize) {
                *u = true;
            }
        }
    }
    // A value type nested in used data (`field address: Address`) is used with it: a walk from
    // every used data item or event through its field types.
    let is_data = |id: ElementId| cx.model.get(id).is_some_and(|e| matches!(e.kind, DeclKind::Data | DeclKind::Event));
    let mut stack: Vec<ElementId> =
        cx.model.iter().filter(|(id, _)| used[id.0 as usize] && is_data(*id)).map(|(id, _)| id).collect();
    while let Some(id) = stack.pop() {
        for &t in cx.facts.field_types(cx.model, id) {
            if !used[t.0 as usize] {
                used[t.0 as usize] = true;
                stack.push(t);
            }
        }
    }
    for kind in [DeclKind::Data, DeclKind::Event] {
        for (id, e) in cx.of_kind(kind) {
            if used[id.0 as usize] {
                continue;
            }
            acc.push(
                cx.finding(
                    &UNUSED_DATA,
                    format!("{} `{}` is not stored, owned or exchanged", kind.noun(), e.name),
                    e.name_span,
                    "unused",
                    &[id],
                )
                .with_help("add it to a component's `owns`, a store's `holds` or a link's `carries`, or remove it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::check_source;

    fn unused(text: &str) -> Vec<String> {
        check_source(text).iter().filter(|d| d.code.id == "HYG006").map(|d| d.fingerprint()).collect()
    }

    #[test]
    fn a_field_type_of_used_data_is_used() {
        let text = "data Address {\n  classification internal\n}\ndata Item {\n  classification internal\n}\ndata Order {\n  classification internal\n  field ship_to: Address\n  field items: Item[]\n}\ncomponent orders {\n  owns Order\n  standalone\n}\n";
        assert!(unused(text).is_empty(), "{:?}", unused(text));
        // Nested in data nothing uses, it is as unused as its container.
        let orphan = text.replace("  owns Order\n", "");
        assert_eq!(unused(&orphan), vec!["HYG006@Address", "HYG006@Item", "HYG006@Order"]);
    }
}
