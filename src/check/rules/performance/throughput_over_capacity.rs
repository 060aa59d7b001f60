//! PERF006 throughput-over-capacity: A flow's throughput target sends more load to an element than its instances sustain.

use std::collections::BTreeMap;

use super::code;
use crate::analysis::facts;
use crate::check::shared::flow_steps;
use crate::check::{Category, Ctx, Link, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{Element, ElementId, Val};
use crate::syntax::literal::Literal;

pub static THROUGHPUT_OVER_CAPACITY: Rule = Rule {
    code: code("PERF006", "throughput-over-capacity", Severity::Warning, "A flow's throughput target sends more load to an element than its instances sustain."),
    category: Category::Performance,
    explanation: "A flow with a `throughput` target sends that rate, times the number of synchronous calls per run, to every element it calls synchronously. When that exceeds the element's `capacity` per instance times its `replicas`, the element saturates before the target is reached and queues build up along the whole path. Add replicas, raise the capacity (cache, optimise), or reduce the calls per flow. Elements without a declared capacity are skipped.",
    bad: "actor customer\ncomponent api { capacity 50/s replicas 2 }\nflow browse {\n  throughput 150/s\n  customer -> api\n}\n",
    good: "actor customer\ncomponent api { capacity 50/s replicas 4 }\nflow browse {\n  throughput 150/s\n  customer -> api\n}\n",
    options: &[],
    run: throughput_over_capacity,
};

/// A rate attribute, per second.
pub(crate) fn rate(e: &Element, name: &str) -> Option<f64> {
    match e.value(name) {
        Some(Val::Lit(Literal::Rate(r))) => Some(*r),
        _ => None,
    }
}

fn per_second(r: f64) -> String {
    Literal::Rate(r).to_string()
}

fn throughput_over_capacity(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (flow, steps) in flow_steps(cx) {
        let Some(throughput) = cx.model.get(flow).and_then(|f| rate(f, "throughput")) else { continue };
        let mut calls: BTreeMap<ElementId, Vec<&Link>> = BTreeMap::new();
        for (_, l) in steps.iter().filter(|(_, l)| !l.is_async) {
            calls.entry(l.to).or_default().push(l);
        }
        for (target, links) in calls {
            let Some(e) = cx.model.get(target) else { continue };
            let (Some(capacity), Some(attr)) = (rate(e, "capacity"), e.attr("capacity")) else { continue };
            // An unknown count (`replicas 2x`, already reported) is not one instance.
            if facts::written_but_unreadable(cx.model, target, "replicas") {
                continue;
            }
            let replicas = cx.replicas(target).max(1);
            let load = throughput * links.len() as f64;
            let sustained = capacity * replicas as f64;
            if load <= sustained {
                continue;
            }
            let Some(first) = links.first() else { continue };
            let times = if links.len() > 1 {
                format!(" ({} x {} calls)", per_second(throughput), links.len())
            } else {
                String::new()
            };
            acc.push(
                cx.finding(
                    &THROUGHPUT_OVER_CAPACITY,
                    format!(
                        "flow `{}` sends {}{times} to `{}`, which sustains {} ({} x {replicas} replicas)",
                        cx.name(flow),
                        per_second(load),
                        e.name,
                        per_second(sustained),
                        per_second(capacity)
                    ),
                    first.span,
                    format!("{} needed", per_second(load)),
                    &[flow, target],
                )
                .with_secondary(attr.span_in(e.file), "capacity of one instance")
                .with_help(format!(
                    "run more replicas of `{}`, raise its capacity, or make fewer calls per flow",
                    e.name
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};

    #[test]
    fn throughput_counts_calls_per_flow() {
        let text = "actor user\ncomponent web\ncomponent api { capacity 100/s replicas 2 }\nflow f {\n  throughput 80/s\n  user -> web\n  web -> api\n  web -> api\n  web -> api\n}\n";
        assert_eq!(
            messages("PERF006", text),
            vec![
                "flow `f` sends 240/s (80/s x 3 calls) to `api`, which sustains 200/s (100/s x 2 replicas)".to_string()
            ]
        );
        let unknown = text.replace("capacity 100/s ", "");
        assert!(of("PERF006", &unknown).is_empty());
    }

    #[test]
    fn throughput_skips_a_replicas_value_that_failed_to_parse() {
        let text = "actor user\ncomponent api { capacity 100/s replicas 4x }\nflow f {\n  throughput 150/s\n  user -> api\n}\n";
        assert!(messages("PERF006", text).is_empty(), "{:?}", messages("PERF006", text));
        assert_eq!(messages("PERF006", &text.replace(" replicas 4x", "")).len(), 1);
    }
}
