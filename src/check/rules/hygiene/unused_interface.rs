//! HYG005 unused-interface: A non-public interface that nothing uses.

use super::code;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::syntax::schema::DeclKind;

pub static UNUSED_INTERFACE: Rule = Rule {
    code: code("HYG005", "unused-interface", Severity::Warning, "A non-public interface that nothing uses."),
    category: Category::Hygiene,
    explanation: "An internal interface that no `uses` and no flow step goes through is dead weight: it still has to be secured, versioned and documented. Public interfaces are exempt, since their callers live outside the model.",
    bad: "component api { exposes ReportsApi }\ninterface ReportsApi rest { exposure internal }\n",
    good: "component api { exposes ReportsApi }\ninterface ReportsApi rest { exposure internal }\ncomponent web {\n  uses ReportsApi sync { timeout 1s circuit-breaker }\n}\n",
    options: &[],
    run: unused_interface,
};

fn unused_interface(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut used = vec![false; cx.model.elements.len()];
    for l in &cx.facts.links {
        if let Some(v) = l.via {
            used[v.0 as usize] = true;
        }
    }
    for (id, e) in cx.of_kind(DeclKind::Interface) {
        if used[id.0 as usize] || matches!(e.word("exposure"), Some("public" | "partner")) {
            continue;
        }
        acc.push(
            cx.finding(
                &UNUSED_INTERFACE,
                format!("interface `{}` is not used", e.name),
                e.name_span,
                "no link goes through it",
                &[id],
            )
            .with_help("remove it, model its callers (`uses` or a flow step with `via`), or mark it `exposure public`"),
        );
    }
}
