//! Model hygiene (HYG): references, duplicates, orphans, unused declarations, gaps, broken
//! scenarios and zone structure, and the bookkeeping of acceptances.

mod boundary_cycle;
mod dangling_reference;
mod duplicate_flow;
mod duplicate_id;
mod empty_flow;
mod expired_acceptance;
mod incomplete_model;
mod interface_not_on_target;
mod local_protocol_across_processes;
mod multi_boundary_membership;
mod orphan_component;
mod scenario_integrity;
mod unused_acceptance;
mod unused_data;
mod unused_interface;

pub use boundary_cycle::BOUNDARY_CYCLE;
pub use dangling_reference::DANGLING_REFERENCE;
pub use duplicate_flow::DUPLICATE_FLOW;
pub use duplicate_id::DUPLICATE_ID;
pub use empty_flow::EMPTY_FLOW;
pub use expired_acceptance::EXPIRED_ACCEPTANCE;
pub use incomplete_model::INCOMPLETE_MODEL;
pub use interface_not_on_target::INTERFACE_NOT_ON_TARGET;
pub use local_protocol_across_processes::LOCAL_PROTOCOL_ACROSS_PROCESSES;
pub use multi_boundary_membership::MULTI_BOUNDARY_MEMBERSHIP;
pub use orphan_component::ORPHAN_COMPONENT;
pub use scenario_integrity::SCENARIO_INTEGRITY;
pub use unused_acceptance::UNUSED_ACCEPTANCE;
pub use unused_data::UNUSED_DATA;
pub use unused_interface::UNUSED_INTERFACE;

use crate::check::{Ctx, Rule};
use crate::diagnostics::Diagnostic;

// The rule files of this family name their codes with `super::code`.
use super::code;

/// The hygiene rules, in code order.
pub static RULES: &[&Rule] = &[
    &DANGLING_REFERENCE,
    &DUPLICATE_ID,
    &INTERFACE_NOT_ON_TARGET,
    &ORPHAN_COMPONENT,
    &UNUSED_INTERFACE,
    &UNUSED_DATA,
    &EMPTY_FLOW,
    &INCOMPLETE_MODEL,
    &MULTI_BOUNDARY_MEMBERSHIP,
    &DUPLICATE_FLOW,
    &SCENARIO_INTEGRITY,
    &BOUNDARY_CYCLE,
    &EXPIRED_ACCEPTANCE,
    &UNUSED_ACCEPTANCE,
    &LOCAL_PROTOCOL_ACROSS_PROCESSES,
];

/// Rules whose findings come from elsewhere (the resolver, acceptance handling).
fn resolver_owned(_: &Ctx<'_>, _: &mut Vec<Diagnostic>) {}
