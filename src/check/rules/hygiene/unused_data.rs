//! HYG006 unused-data: Data that nothing stores, owns, carries or exchanges.

use super::code;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{ElementId, Val};
use crate::syntax::schema::DeclKind;

pub static UNUSED_DATA: Rule = Rule {
    code: code("HYG006", "unused-data", Severity::Warning, "Data that nothing stores, owns, carries or exchanges."),
    category: Category::Hygiene,
    explanation: "A data entity or event that no component owns, no store holds, no link carries and no interface exchanges cannot be protected by the security rules: either it is obsolete or its relations are missing.",
    bad: "data Invoice { classification internal }\n",
    good: "data Invoice { classification internal }\ncomponent billing { owns Invoice standalone }\n",
    options: &[],
    run: unused_data,
};

fn unused_data(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut used = vec![false; cx.model.elements.len()];
    let mut mark = |id: ElementId| {
        if let Some(u) = used.get_mut(id.0 as usize) {
            *u = true;
        }
    };
    for l in &cx.facts.links {
        l.carries.iter().for_each(|d| mark(*d));
    }
    for (_, e) in cx.model.iter() {
        for name in ["owns", "holds", "carries", "publishes", "subscribes"] {
            e.references(name).for_each(&mut mark);
        }
        for ep in &e.endpoints {
            for v in ep.request.iter().chain(ep.response.iter()) {
                if let Val::Ref(id) = v.val {
                    mark(id);
                }
            }
        }
        for s in &e.steps {
            s.options.iter().filter(|a| a.name == "carries").flat_map(|a| a.values()).for_each(|v| {
                if let Val::Ref(id) = v.val {
                    mark(id);
                }
            });
        }
    }
    for kind in [DeclKind::Data, DeclKind::Event] {
        for (id, e) in cx.model.of_kind(kind) {
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
