//! REL006 missing-recovery-objectives: A critical element without recovery objectives or a failover strategy.

use std::collections::BTreeMap;

use super::{code, criticality_word};
use crate::check::{Category, Ctx, Rule, CRITICAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static MISSING_RECOVERY_OBJECTIVES: Rule = Rule {
    code: code("REL006", "missing-recovery-objectives", Severity::Note, "A critical element without recovery objectives or a failover strategy."),
    category: Category::Reliability,
    explanation: "A `critical` or `mission-critical` component needs a recovery time objective (`rto`) and a way to fail over (`failover`, or a `redundancy` other than none); a critical datastore needs an `rto` and a recovery point objective (`rpo`). Without them nobody can say whether backups, replicas and runbooks are good enough. A `quality` block about the element or its system may state the objectives.",
    bad: "component payments {\n  criticality critical\n  standalone\n}\n",
    good: "component payments {\n  criticality critical\n  rto 15m\n  failover \"Promote the standby in the second zone\"\n  standalone\n}\n",
    options: &[],
    run: missing_recovery_objectives,
};

fn missing_recovery_objectives(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // Objectives stated by `quality` blocks, by subject (a component or its system).
    let mut stated: BTreeMap<ElementId, Vec<&'static str>> = BTreeMap::new();
    for (_, q) in cx.of_kind(DeclKind::Quality) {
        if let Some(subject) = q.reference("of") {
            for name in ["rto", "rpo"] {
                if q.has_flag(name) {
                    stated.entry(subject).or_default().push(name);
                }
            }
        }
    }
    let has = |id: ElementId, name: &'static str| -> bool {
        let Some(e) = cx.model.get(id) else { return false };
        if e.has_flag(name) {
            return true;
        }
        let via = |s: ElementId| stated.get(&s).is_some_and(|v| v.contains(&name));
        via(id) || cx.facts.system_of(id).is_some_and(via)
    };
    for kind in [DeclKind::Component, DeclKind::Datastore] {
        for (id, e) in cx.of_kind(kind) {
            if cx.criticality(id).is_none_or(|c| c < CRITICAL) {
                continue;
            }
            let mut missing = Vec::new();
            if !has(id, "rto") {
                missing.push("`rto`");
            }
            if kind == DeclKind::Datastore && !has(id, "rpo") {
                missing.push("`rpo`");
            }
            if kind == DeclKind::Component
                && !e.has_flag("failover")
                && e.word("redundancy").is_none_or(|r| r == "none")
            {
                missing.push("`failover`");
            }
            if missing.is_empty() {
                continue;
            }
            acc.push(
                cx.finding(
                    &MISSING_RECOVERY_OBJECTIVES,
                    format!("{} `{}` ({}) has no {}", kind.noun(), e.name, criticality_word(cx, id), missing.join(" or ")),
                    e.name_span,
                    "recovery not specified",
                    &[id],
                )
                .with_help(if kind == DeclKind::Component {
                    "state how fast it must be back (`rto 15m`) and how it fails over (`failover \"...\"` or `redundancy active-passive`)"
                } else {
                    "state how fast it must be back (`rto 1h`) and how much data may be lost (`rpo 5m`)"
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};

    #[test]
    fn recovery_objectives_from_the_element_or_a_quality_block() {
        let text = "system shop\ncomponent payments { criticality critical system shop standalone }\ndatastore ledger { criticality mission-critical rto 1h }\n";
        assert_eq!(
            messages("REL006", text),
            vec![
                "component `payments` (critical) has no `rto` or `failover`".to_string(),
                "datastore `ledger` (mission-critical) has no `rpo`".to_string(),
            ]
        );
        let fixed = text
            .replace("system shop\n", "system shop\nquality shop_recovery { of shop rto 30m rpo 5m }\n")
            .replace("standalone }", "redundancy active-passive standalone }")
            .replace("rto 1h }", "rto 1h rpo 1m }");
        assert!(of("REL006", &fixed).is_empty(), "{:?}", messages("REL006", &fixed));
    }
}
