//! Coupling (CPL): dependency cycles between components and between systems, layering, built-in
//! forbidden and required dependencies, interface bypass, and the Martin/Arcan/MSANose structure
//! metrics (instability, hubs, fan-in and fan-out, shared data, static endpoints, wrong cuts).
//!
//! CPL012 coupling-metrics-regression has no rule here: it compares the metrics with those of a
//! stored baseline *report*, and the baseline kept today only records finding fingerprints.
//!
//! Dependencies are read from the link index: `uses`, flow steps and event deliveries. A flow step
//! that answers an earlier step of the same flow in the opposite direction, synchronously and
//! without naming an interface, is the reply to that call and not a dependency of its own.

mod dependency_cycle;
mod efferent_coupling_limit;
mod endpoint_based_interaction;
mod forbidden_or_not_allowed;
mod hub_like_component;
mod inappropriate_intimacy;
mod interface_bypass;
mod layer_violation;
mod required_dependency;
mod unstable_dependency;
mod wrong_cut;

pub use dependency_cycle::DEPENDENCY_CYCLE;
pub use efferent_coupling_limit::{
    EFFERENT_COUPLING_LIMIT, EFFERENT_COUPLING_LIMIT_MAX_FAN_IN, EFFERENT_COUPLING_LIMIT_MAX_FAN_OUT,
};
pub use endpoint_based_interaction::ENDPOINT_BASED_INTERACTION;
pub use forbidden_or_not_allowed::FORBIDDEN_DEPENDENCY;
pub use hub_like_component::{HUB_LIKE_COMPONENT, HUB_LIKE_COMPONENT_MIN_DEGREE};
pub use inappropriate_intimacy::{
    INAPPROPRIATE_INTIMACY, INAPPROPRIATE_INTIMACY_MIN_SHARED, INAPPROPRIATE_INTIMACY_MIN_SHARED_PERCENT,
};
pub use interface_bypass::INTERFACE_BYPASS;
pub use layer_violation::{LAYER_VIOLATION, LAYER_VIOLATION_ENSURE_ALL_LAYERED};
pub use required_dependency::REQUIRED_DEPENDENCY;
pub use unstable_dependency::{
    UNSTABLE_DEPENDENCY, UNSTABLE_DEPENDENCY_MAX_PERCENT, UNSTABLE_DEPENDENCY_MIN_DEPENDENCIES,
};
pub use wrong_cut::{WRONG_CUT, WRONG_CUT_MAX_OWNED};

use crate::check::{Ctx, Rule};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

// The rule files of this family name their codes with `super::code`.
use super::code;

/// The coupling rules, in code order.
pub static RULES: &[&Rule] = &[
    &DEPENDENCY_CYCLE,
    &LAYER_VIOLATION,
    &FORBIDDEN_DEPENDENCY,
    &REQUIRED_DEPENDENCY,
    &INTERFACE_BYPASS,
    &UNSTABLE_DEPENDENCY,
    &HUB_LIKE_COMPONENT,
    &EFFERENT_COUPLING_LIMIT,
    &INAPPROPRIATE_INTIMACY,
    &ENDPOINT_BASED_INTERACTION,
    &WRONG_CUT,
];

fn user_kind(cx: &Ctx<'_>, id: ElementId) -> Option<DeclKind> {
    cx.model.get(id).filter(|e| !e.from_std).map(|e| e.kind)
}

fn is_component(cx: &Ctx<'_>, id: ElementId) -> bool {
    user_kind(cx, id) == Some(DeclKind::Component)
}

/// Components in name order.
fn components<'a>(cx: &Ctx<'a>) -> &'a [ElementId] {
    cx.facts.components_by_name(cx.model)
}

#[cfg(test)]
mod tests {
    use crate::check::registry::check_source;
    use crate::diagnostics::Diagnostic;

    /// The findings of one rule; the model must parse and resolve.
    pub(super) fn findings(code: &str, text: &str) -> Vec<Diagnostic> {
        let diags = check_source(text);
        let front: Vec<&String> = diags
            .iter()
            .filter(|d| d.code.id.starts_with("SYN") || d.code.id.starts_with("RES") || d.code.id == "HYG001")
            .map(|d| &d.message)
            .collect();
        assert!(front.is_empty(), "{front:?}");
        diags.into_iter().filter(|d| d.code.id == code).collect()
    }

    pub(super) fn messages(code: &str, text: &str) -> Vec<String> {
        findings(code, text).into_iter().map(|d| format!("{} [{}]", d.message, d.subjects.join(","))).collect()
    }

    const T: &str = "{ timeout 1s circuit-breaker }";

    pub(super) fn uses(from: &str, to: &[&str]) -> String {
        let mut s = format!("component {from} {{\n");
        for t in to {
            s.push_str(&format!("  uses {t} sync {T}\n"));
        }
        s.push_str("}\n");
        s
    }

    /// All diagnostics of a one-file model checked with the given `arch.toml`.
    pub(super) fn check_with_config(toml: &str, text: &str) -> Vec<Diagnostic> {
        use crate::driver::{analyze_paths_with, RunOptions};
        use crate::host::MemHost;
        let host = MemHost::new([("/ws/arch.toml", toml), ("/ws/example.arch", text)]);
        let opts = RunOptions { today: None, baseline: None };
        let outcome = analyze_paths_with(&host, &[std::path::PathBuf::from("/ws")], &opts);
        outcome.analyses.into_iter().flat_map(|a| a.diagnostics).chain(outcome.errors).collect()
    }
}
