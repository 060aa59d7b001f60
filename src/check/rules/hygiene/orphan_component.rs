//! HYG004 orphan-component: A component with no links at all.

use super::code;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::syntax::schema::DeclKind;

pub static ORPHAN_COMPONENT: Rule = Rule {
    code: code("HYG004", "orphan-component", Severity::Warning, "A component with no links at all."),
    category: Category::Hygiene,
    explanation: "A component that neither uses anything nor is used by anything, in no flow and no event subscription, is either dead or its relations are missing from the model. Mark deliberate islands (batch tools, libraries) with `standalone`.",
    bad: "component reporting\n",
    good: "component reporting {\n  standalone\n}\n",
    options: &[],
    run: orphan_component,
};

fn orphan_component(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (id, e) in cx.of_kind(DeclKind::Component) {
        // A declared dependency counts even when its target did not resolve (HYG001 reports that).
        // The facts' link lists first: most components have links, and their attributes then
        // stay unread.
        if cx.facts.out(id).next().is_some()
            || cx.facts.inbound(id).next().is_some()
            || e.has_flag("standalone")
            || ["uses", "publishes", "subscribes"].iter().any(|a| e.attr(a).is_some())
        {
            continue;
        }
        acc.push(
            cx.finding(
                &ORPHAN_COMPONENT,
                format!("component `{}` has no links", e.name),
                e.name_span,
                "nothing uses it and it uses nothing",
                &[id],
            )
            .with_help("add its `uses`, put it in a flow, or mark it `standalone` if that is deliberate"),
        );
    }
}
