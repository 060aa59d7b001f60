//! REL007 availability-critical-data-single-copy: Data rated availability-critical is kept by a single instance.

use super::{code, critical_waits, deployed_instances, quoted, single_instance};
use crate::check::{Category, Ctx, Rule, CRITICAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::lang::Criticality;
use crate::semantic::model::ElementId;

pub static AVAILABILITY_CRITICAL_DATA_SINGLE_COPY: Rule = Rule {
    code: code("REL007", "availability-critical-data-single-copy", Severity::Warning, "Data rated availability-critical is kept by a single instance."),
    category: Category::Reliability,
    explanation: "A datastore, cache, queue or topic, or a component that says what it `holds`, keeps data whose `availability` is rated `critical` or `mission-critical`, and runs one instance: `replicas 1`, `redundancy none`, or a deployment that runs it once. When that instance is lost the data cannot be reached, whatever the flows around it look like (the availability leg of the CIA triple). An element whose replica count is not stated, or that a critical flow waits on (REL001 reports it), is not reported here. Fix it with replicas (`replicas 3`, `redundancy multi-az`), or lower the rating if losing access for a while is acceptable.",
    bad: "data Ledger {\n  classification confidential\n  availability critical\n}\ndatastore ledger_db {\n  holds Ledger\n  replicas 1\n}\n",
    good: "data Ledger {\n  classification confidential\n  availability critical\n}\ndatastore ledger_db {\n  holds Ledger\n  replicas 3\n}\n",
    options: &[],
    run: availability_critical_data_single_copy,
};

fn availability_critical_data_single_copy(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deployed = deployed_instances(cx);
    // A single instance a critical flow waits on is REL001's finding: one cause, one finding.
    let waited_on = critical_waits(cx);
    for (id, e) in cx.user_elements_where(|_| true) {
        if !cx.facts.keeps_data(id) || !waited_on.list(id.0 as usize).is_empty() {
            continue;
        }
        let critical: Vec<ElementId> = cx
            .facts
            .kept_at_rest(id)
            .iter()
            .copied()
            .filter(|d| cx.facts.traits(*d).availability.is_some_and(|a| a.rank() >= CRITICAL))
            .collect();
        if critical.is_empty() {
            continue;
        }
        // Only a known single instance: an unstated count is a gap, not this finding.
        let stated = e.attr("replicas").is_some() || e.word("redundancy").is_some() || deployed.contains_key(&id);
        let Some(why) = single_instance(cx, &deployed, id).filter(|_| stated) else { continue };
        let rating =
            critical.iter().filter_map(|d| cx.facts.traits(*d).availability).max().unwrap_or(Criticality::Critical);
        let span = e.attr("replicas").or_else(|| e.attr("redundancy")).map_or(e.name_span, |a| a.span_in(e.file));
        let first = critical[0];
        acc.push(
            cx.finding(
                &AVAILABILITY_CRITICAL_DATA_SINGLE_COPY,
                format!(
                    "{} `{}` keeps {} (availability {rating}) on a single instance ({why})",
                    e.kind.noun(),
                    e.name,
                    quoted(cx, &critical)
                ),
                e.name_span,
                "one copy of availability-critical data",
                &[id],
            )
            .with_secondary(span, why.clone())
            .with_secondary(cx.span_of(first), format!("`{}` is rated availability {rating}", cx.name(first)))
            .with_help("run it on more than one instance (`replicas 3`, `redundancy multi-az`), or lower the data's `availability` rating"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};

    #[test]
    fn availability_critical_data_needs_more_than_one_copy() {
        let text = "data Ledger { availability mission-critical }\ndata Notes { availability low }\ndatastore ledger_db { holds Ledger replicas 1 }\ndatastore notes_db { holds Notes replicas 1 }\ncomponent git { holds Ledger redundancy none standalone }\ndatastore unknown_db { holds Ledger }\n";
        assert_eq!(
            messages("REL007", text),
            vec![
                "datastore `ledger_db` keeps `Ledger` (availability mission-critical) on a single instance (1 instance)".to_string(),
                "component `git` keeps `Ledger` (availability mission-critical) on a single instance (`redundancy none`)".to_string(),
            ]
        );
        let fixed =
            text.replace("replicas 1 }", "replicas 3 }").replace("redundancy none", "redundancy active-passive");
        assert!(of("REL007", &fixed).is_empty(), "{:?}", messages("REL007", &fixed));
    }
}
