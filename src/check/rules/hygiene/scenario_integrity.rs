//! HYG011 scenario-integrity: A flow step starts from an element the flow has not reached.

use super::code;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{ElementId, Val};
use crate::syntax::schema::DeclKind;

pub static SCENARIO_INTEGRITY: Rule = Rule {
    code: code("HYG011", "scenario-integrity", Severity::Error, "A flow step starts from an element the flow has not reached."),
    category: Category::Hygiene,
    explanation: "A flow is an ordered scenario: each step must start from the flow's initiator or from an element an earlier step reached. A step that starts elsewhere means a step is missing or the order is wrong, and latency budgets and trust-boundary hops computed along the flow would be meaningless.",
    bad: "actor user\ncomponent web\ncomponent api\ncomponent db_proxy\nflow order {\n  user -> web https\n  api -> db_proxy https\n}\n",
    good: "actor user\ncomponent web\ncomponent api\ncomponent db_proxy\nflow order {\n  user -> web https\n  web -> api https\n  api -> db_proxy https\n}\n",
    options: &[],
    run: scenario_integrity,
};

fn scenario_integrity(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (id, e) in cx.model.of_kind(DeclKind::Flow) {
        let mut reached: Vec<ElementId> = Vec::new();
        for (i, s) in e.steps.iter().enumerate() {
            let (Val::Ref(from), Val::Ref(to)) = (&s.from.val, &s.to.val) else { break };
            if i == 0 {
                reached.push(*from);
            } else if !reached.contains(from) {
                acc.push(
                    cx.finding(
                        &SCENARIO_INTEGRITY,
                        format!(
                            "step {} of flow `{}` starts at `{}`, which no earlier step reached",
                            i + 1,
                            e.name,
                            cx.name(*from)
                        ),
                        s.from.span,
                        "not reached yet",
                        &[id, *from],
                    )
                    .with_help("add the missing step, or reorder the steps"),
                );
            }
            reached.push(*to);
        }
    }
}
