//! Reliability (REL): single points of failure on critical flows, unguarded synchronous calls,
//! criticality inversions, denial-of-service exposure across network boundaries, datastores shared
//! by critical flows, and missing recovery objectives.

mod availability_critical_data_single_copy;
mod criticality_inversion;
mod dos_risky_boundary_access;
mod missing_recovery_objectives;
mod shared_datastore_blast_radius;
mod spof_on_critical_path;
mod wobbly_interaction;

pub use availability_critical_data_single_copy::AVAILABILITY_CRITICAL_DATA_SINGLE_COPY;
pub use criticality_inversion::CRITICALITY_INVERSION;
pub use dos_risky_boundary_access::DOS_RISKY_BOUNDARY_ACCESS;
pub use missing_recovery_objectives::MISSING_RECOVERY_OBJECTIVES;
pub use shared_datastore_blast_radius::SHARED_DATASTORE_BLAST_RADIUS;
pub use spof_on_critical_path::SPOF_ON_CRITICAL_PATH;
pub use wobbly_interaction::WOBBLY_INTERACTION;

use std::collections::BTreeMap;

use crate::analysis::facts;
use crate::analysis::ranges::Ranges;
use crate::check::shared::critical_path;
use crate::check::{Ctx, Link, Rule, HIGH};
use crate::semantic::model::{ElementId, Val};
use crate::syntax::literal::Literal;
use crate::syntax::schema::{DeclKind, CRITICALITY};

// The rule files of this family name their codes with `super::code`.
use super::code;

/// The reliability rules, in code order.
pub static RULES: &[&Rule] = &[
    &SPOF_ON_CRITICAL_PATH,
    &WOBBLY_INTERACTION,
    &CRITICALITY_INVERSION,
    &DOS_RISKY_BOUNDARY_ACCESS,
    &SHARED_DATASTORE_BLAST_RADIUS,
    &MISSING_RECOVERY_OBJECTIVES,
    &AVAILABILITY_CRITICAL_DATA_SINGLE_COPY,
];

/// Instances the deployments run of each element: per deployment, the sum over the nodes that
/// run it of `instances` (at least `autoscale min`, one by default); the largest deployment wins.
fn deployed_instances(cx: &Ctx<'_>) -> BTreeMap<ElementId, u64> {
    let mut per: BTreeMap<(Option<ElementId>, ElementId), u64> = BTreeMap::new();
    for (_, node) in cx.of_kind(DeclKind::Node) {
        let instances = match node.value("instances") {
            Some(Val::Lit(Literal::Int(n))) => *n,
            _ => 1,
        };
        let min = node
            .attr("autoscale")
            .and_then(|a| a.block.iter().find(|b| b.name() == "min"))
            .and_then(|b| match b.first().map(|v| &v.val) {
                Some(Val::Lit(Literal::Int(n))) => Some(*n),
                _ => None,
            })
            .unwrap_or(0);
        for el in node.references("runs") {
            *per.entry((node.parent, el)).or_insert(0) += instances.max(min);
        }
    }
    let mut out = BTreeMap::new();
    for ((_, el), n) in per {
        let slot = out.entry(el).or_insert(0);
        *slot = n.max(*slot);
    }
    out
}

/// Per element index: the flows of high criticality or above that wait on it synchronously, each
/// with the step that waits; REL001 judges them, and REL007 leaves them to it.
fn critical_waits<'c>(cx: &'c Ctx<'_>) -> Ranges<(ElementId, &'c Link)> {
    // (element index, (flow, step)) in flow order; one flat list rather than a list per element
    // of the model, which took about 11 MB at 100,000 components.
    let mut waits: Vec<(usize, (ElementId, &Link))> = Vec::new();
    for flow in cx.facts.flow_steps(cx.model).keys().copied() {
        if cx.criticality(flow).is_none_or(|c| c < HIGH) {
            continue;
        }
        // Elements reached only through optional or devops steps: the flow survives without them.
        let mut degraded: std::collections::BTreeSet<ElementId> = std::collections::BTreeSet::new();
        for (_, l) in critical_path(cx, flow) {
            if l.optional || l.devops || degraded.contains(&l.from) {
                degraded.insert(l.to);
                continue;
            }
            degraded.remove(&l.to);
            if l.is_async
                || !matches!(
                    cx.kind(l.to),
                    Some(DeclKind::Component | DeclKind::Datastore | DeclKind::Cache | DeclKind::Queue)
                )
            {
                continue;
            }
            // A component of a container fails with its container: the container is judged.
            waits.push((crate::analysis::facts::deployed_as(cx.model, l.to).0 as usize, (flow, l)));
        }
    }
    // Flows are walked in order, so each element's list is in flow order: keeping the first
    // step of each flow keeps the step that first waits on it.
    Ranges::from_pairs(cx.model.elements.len(), waits.iter().copied()).into_first_per_key()
}

/// Why an element is a single point of failure, or `None` when it runs redundantly.
fn single_instance(cx: &Ctx<'_>, deployed: &BTreeMap<ElementId, u64>, id: ElementId) -> Option<String> {
    let e = cx.model.get(id)?;
    // Every user runs their own copy of a client app: it has no single instance to lose.
    if cx.facts.traits(id).user_device {
        return None;
    }
    // `replicas 2x` is reported once, by the parser: an unknown count is not a single instance.
    if facts::written_but_unreadable(cx.model, id, "replicas") {
        return None;
    }
    let redundancy = e.word("redundancy");
    if redundancy == Some("none") {
        return Some("`redundancy none`".into());
    }
    let declared = match e.value("replicas") {
        Some(Val::Lit(Literal::Int(n))) => Some(*n),
        _ => None,
    };
    // An explicit `replicas` is the element's own statement and wins over the deployments: a
    // node's `instances` must not hide a single instance the model declares.
    let deployed = deployed.get(&id).copied();
    match declared.or(deployed) {
        Some(n) if n <= 1 => match deployed.filter(|d| *d > 1 && declared.is_some()) {
            Some(d) => Some(format!("`replicas {n}`, although a deployment runs {d} instances")),
            None => Some(format!("{n} instance")),
        },
        Some(_) => None,
        // Redundancy declared without a count implies more than one instance.
        None if redundancy.is_some() => None,
        None => Some("no replicas declared".into()),
    }
}

fn criticality_word(cx: &Ctx<'_>, id: ElementId) -> &'static str {
    cx.criticality(id).and_then(|c| CRITICALITY.get(c)).copied().unwrap_or("unknown")
}

fn quoted(cx: &Ctx<'_>, ids: &[ElementId]) -> String {
    ids.iter().map(|id| format!("`{}`", cx.name(*id))).collect::<Vec<_>>().join(", ")
}
