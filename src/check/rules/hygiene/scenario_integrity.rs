//! HYG011 scenario-integrity: A flow step starts from an element the flow has not reached.

use super::code;
use crate::check::{Category, Ctx, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{ElementId, Val};
use crate::syntax::schema::DeclKind;

pub static SCENARIO_INTEGRITY: Rule = Rule {
    code: code("HYG011", "scenario-integrity", Severity::Error, "A flow step starts from an element the flow has not reached."),
    category: Category::Hygiene,
    explanation: "A flow is an ordered scenario: each step must start from the flow's initiator or from an element an earlier step reached. A step that starts elsewhere means a step is missing or the order is wrong, and latency budgets and trust-boundary hops computed along the flow would be meaningless. Likewise a step marked `reply` must answer an earlier call of the flow in the other direction: a reply nobody asked for is a call written the wrong way round.",
    bad: "actor user\ncomponent web\ncomponent api\ncomponent db_proxy\nflow order {\n  user -> web https\n  api -> db_proxy https\n}\n",
    good: "actor user\ncomponent web\ncomponent api\ncomponent db_proxy\nflow order {\n  user -> web https\n  web -> api https\n  api -> db_proxy https\n}\n",
    options: &[],
    run: scenario_integrity,
};

fn scenario_integrity(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (id, e) in cx.of_kind(DeclKind::Flow) {
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
                        s.from.span_in(e.file),
                        "not reached yet",
                        &[id, *from],
                    )
                    .with_help("add the missing step, or reorder the steps"),
                );
            }
            reached.push(*to);
        }
    }
    replies_answer_calls(cx, acc);
}

/// A `reply` step answers an earlier step of its flow going the other way (after interfaces are
/// replaced by their providers).
fn replies_answer_calls(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let steps: Vec<(ElementId, usize, &crate::check::Link)> = cx
        .facts
        .links
        .iter()
        .filter_map(|l| match l.origin {
            LinkOrigin::Step { flow, index } => Some((flow, index, l)),
            _ => None,
        })
        .collect();
    for &(flow, index, l) in steps.iter().filter(|(_, _, l)| l.reply) {
        let answered =
            steps.iter().any(|&(f, i, c)| f == flow && i < index && c.from == l.to && c.to == l.from && !c.reply);
        if answered {
            continue;
        }
        acc.push(
            cx.finding(
                &SCENARIO_INTEGRITY,
                format!(
                    "step {} of flow `{}` replies to `{}`, which called `{}` in no earlier step",
                    index + 1,
                    cx.name(flow),
                    cx.name(l.to),
                    cx.name(l.from)
                ),
                l.span,
                "a reply to no call",
                &[flow, l.from, l.to],
            )
            .with_help(format!(
                "add the call `{} -> {}` before it, or drop `reply` if this step is a call of its own",
                cx.name(l.to),
                cx.name(l.from)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::messages_of as messages;

    #[test]
    fn a_reply_must_answer_an_earlier_call() {
        let ok = "actor user\ncomponent web\nflow f {\n  user -> web https\n  web -> user https reply\n}\n";
        assert!(messages("HYG011", ok).is_empty());
        let early = "actor user\ncomponent web\nflow f {\n  web -> user https reply\n  user -> web https\n}\n";
        assert_eq!(
            messages("HYG011", early),
            vec!["step 1 of flow `f` replies to `user`, which called `web` in no earlier step"]
        );
        // The call may go through an interface the replying component provides.
        let via = "actor user\ncomponent web { exposes Api }\ninterface Api rest\nflow f {\n  user -> Api https\n  web -> user https reply\n}\n";
        assert!(!messages("HYG011", via).iter().any(|m| m.contains("replies to")), "{:?}", messages("HYG011", via));
    }
}
