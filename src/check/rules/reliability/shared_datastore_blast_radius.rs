//! REL005 shared-datastore-blast-radius: One unreplicated datastore lies on the synchronous paths of several critical flows of different services.

use std::collections::BTreeMap;

use super::{code, deployed_instances, quoted, single_instance};
use crate::check::shared::critical_path;
use crate::check::{Category, Ctx, Link, Rule, HIGH};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{ElementId, Val};
use crate::syntax::literal::Literal;
use crate::syntax::schema::DeclKind;

pub static SHARED_DATASTORE_BLAST_RADIUS: Rule = Rule {
    code: code("REL005", "shared-datastore-blast-radius", Severity::Warning, "One unreplicated datastore lies on the synchronous paths of several critical flows of different services."),
    category: Category::Reliability,
    explanation: "When critical flows (`criticality high` or above) of different services all wait on the same datastore instance, and that instance has no replicas, one hot table, lock, migration or outage takes all of them down together: the services are coupled at runtime even if their code is not. Give each service its own store, or replicate the shared one (`replicas`, `read-replicas`) so that one load or failure does not hit every flow.",
    bad: "team shop\nteam finance\ncomponent orders { owner shop replicas 2 }\ncomponent billing { owner finance replicas 2 }\ndatastore db\nflow checkout {\n  criticality high\n  orders -> db\n}\nflow invoicing {\n  criticality high\n  billing -> db\n}\n",
    good: "team shop\nteam finance\ncomponent orders { owner shop replicas 2 }\ncomponent billing { owner finance replicas 2 }\ndatastore db { replicas 2 }\nflow checkout {\n  criticality high\n  orders -> db\n}\nflow invoicing {\n  criticality high\n  billing -> db\n}\n",
    options: &[],
    run: shared_datastore_blast_radius,
};

fn shared_datastore_blast_radius(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deployed = deployed_instances(cx);
    // Datastore -> (flow, calling component, step) on critical paths.
    let mut users: BTreeMap<ElementId, Vec<(ElementId, ElementId, &Link)>> = BTreeMap::new();
    for flow in cx.facts.flow_steps(cx.model).keys().copied() {
        if cx.criticality(flow).is_none_or(|c| c < HIGH) {
            continue;
        }
        for (_, l) in critical_path(cx, flow) {
            if !l.is_async && cx.kind(l.to) == Some(DeclKind::Datastore) && cx.kind(l.from) == Some(DeclKind::Component)
            {
                users.entry(l.to).or_default().push((flow, l.from, l));
            }
        }
    }
    for (store, uses) in users {
        let mut flows: Vec<ElementId> = uses.iter().map(|(f, _, _)| *f).collect();
        flows.sort();
        flows.dedup();
        let mut callers: Vec<ElementId> = uses.iter().map(|(_, c, _)| *c).collect();
        callers.sort();
        callers.dedup();
        if flows.len() < 2 || callers.len() < 2 {
            continue;
        }
        // Callers of one owning team share the store by design of that team.
        let owners: Vec<Option<ElementId>> = callers.iter().map(|c| cx.facts.owner_of(*c)).collect();
        if owners.iter().all(|o| o.is_some() && *o == owners[0]) {
            continue;
        }
        let Some(e) = cx.model.get(store) else { continue };
        let read_replicas = matches!(e.value("read-replicas"), Some(Val::Lit(Literal::Int(n))) if *n > 0);
        if read_replicas || single_instance(cx, &deployed, store).is_none() {
            continue;
        }
        let mut d = cx.finding(
            &SHARED_DATASTORE_BLAST_RADIUS,
            format!(
                "datastore `{}` is shared by critical flows {} of {} without replication",
                e.name,
                quoted(cx, &flows),
                quoted(cx, &callers)
            ),
            e.name_span,
            "one instance for all of them",
            &[store],
        );
        let mut shown = Vec::new();
        for (_, caller, l) in &uses {
            if !shown.contains(caller) {
                shown.push(*caller);
                d = d.with_secondary(l.span, format!("`{}` waits on it", cx.name(*caller)));
            }
        }
        acc.push(d.with_help("give each service its own store, or replicate this one (`replicas`, `read-replicas`)"));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};

    #[test]
    fn shared_datastore_needs_two_owners_and_no_replication() {
        let bad = "team shop\nteam finance\ncomponent orders { owner shop }\ncomponent billing { owner finance }\ndatastore db\nflow a {\n  criticality high\n  orders -> db\n}\nflow b {\n  criticality critical\n  billing -> db\n}\n";
        assert_eq!(
            messages("REL005", bad),
            vec!["datastore `db` is shared by critical flows `a`, `b` of `orders`, `billing` without replication"
                .to_string()]
        );
        let same_team = bad.replace("component billing { owner finance }", "component billing { owner shop }");
        assert!(of("REL005", &same_team).is_empty());
        let read_replicas = bad.replace("datastore db", "datastore db { read-replicas 2 }");
        assert!(of("REL005", &read_replicas).is_empty());
        let low = bad.replace("criticality critical", "criticality medium");
        assert!(of("REL005", &low).is_empty());
    }
}
