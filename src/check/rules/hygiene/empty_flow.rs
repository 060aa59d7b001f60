//! HYG007 empty-flow: A flow whose steps carry no data.

use std::collections::BTreeMap;

use super::code;
use crate::check::{Category, Ctx, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static EMPTY_FLOW: Rule = Rule {
    code: code("HYG007", "empty-flow", Severity::Note, "A flow whose steps carry no data."),
    category: Category::Hygiene,
    explanation: "When no step of a flow says what data it carries (with `carries` or an interface whose endpoints name models), the security rules cannot judge its encryption, classification or authorization.",
    bad: "actor user\ncomponent web\nflow browse {\n  user -> web https\n}\n",
    good: "actor user\ncomponent web\ndata Page { classification public }\nflow browse {\n  user -> web https carries Page\n}\n",
    options: &[],
    run: empty_flow,
};

fn empty_flow(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut carries: BTreeMap<ElementId, bool> = BTreeMap::new();
    for l in &cx.facts.links {
        if let LinkOrigin::Step { flow, .. } = l.origin {
            *carries.entry(flow).or_insert(false) |= !l.carries.is_empty();
        }
    }
    for (id, e) in cx.of_kind(DeclKind::Flow) {
        if e.steps.is_empty() || carries.get(&id).copied().unwrap_or(false) {
            continue;
        }
        acc.push(
            cx.finding(
                &EMPTY_FLOW,
                format!("no step of flow `{}` carries data", e.name),
                e.name_span,
                "data unknown",
                &[id],
            )
            .with_help("add `carries Data` to the steps, or `via` interfaces whose endpoints name their models"),
        );
    }
}
