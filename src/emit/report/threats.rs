//! Threat model: the technology-derived threats (SEC022 notes from the `threat` catalogue) per
//! element, with STRIDE category, CWE and whether the model marks them mitigated.
//!
//! The section appears only when the model declares threats (`import std.threats` or its own), so
//! a model without a catalogue reads as before.

use super::ctx::{plural, Ctx};
use super::doc::{self, Rich};
use super::Out;
use crate::diagnostics::{Diagnostic, SuppressionKind};
use crate::semantic::model::Val;
use crate::syntax::literal::Literal;
use crate::syntax::schema::DeclKind;

/// The rule whose findings are the threats.
const THREAT_RULE: &str = "SEC022";

pub fn threat_model(ctx: &Ctx<'_>, out: &mut Out) {
    if !ctx.model.iter().any(|(_, e)| e.kind == DeclKind::Threat) {
        return;
    }
    out.h(3, "Threat Model");
    let found: Vec<&Diagnostic> = ctx.findings.iter().filter(|d| d.code.id == THREAT_RULE).collect();
    if found.is_empty() {
        out.p(format!(
            "The model has a threat catalogue, but no element has a surface it applies to, or {THREAT_RULE} is turned off."
        ));
        return;
    }
    let mitigated = found.iter().filter(|d| d.suppression.is_some()).count();
    let elements: std::collections::BTreeSet<&str> =
        found.iter().filter_map(|d| d.subjects.first().map(String::as_str)).collect();
    out.p(format!(
        "The threat catalogue applies {} to {}; {} marked mitigated. Each is a question for review, not a defect: accept its {THREAT_RULE} finding with how it is mitigated to close it.",
        plural(found.len(), "threat", "threats"),
        plural(elements.len(), "element", "elements"),
        if mitigated == 1 { "1 is".to_string() } else { format!("{mitigated} are") }
    ));
    let rows: Vec<Vec<Rich>> = found.iter().map(|d| row(ctx, d)).collect();
    out.table(&["Element", "Threat", "STRIDE", "CWE", "Status"], rows);
}

fn row(ctx: &Ctx<'_>, d: &Diagnostic) -> Vec<Rich> {
    let element = d.subjects.first().cloned().unwrap_or_default();
    let threat_name = d.subjects.get(1).cloned().unwrap_or_default();
    let threat = ctx.subject(&threat_name).and_then(|id| ctx.model.get(id));
    let title = threat.map_or(threat_name.clone(), |t| t.title().to_string());
    let stride = threat.and_then(|t| t.word("stride")).unwrap_or("-").to_string();
    let cwe = match threat.and_then(|t| t.value("cwe")) {
        Some(Val::Lit(Literal::Int(n))) => format!("CWE-{n}"),
        _ => "-".to_string(),
    };
    let status = match &d.suppression {
        None => "open".to_string(),
        Some(s) if s.kind == SuppressionKind::Baseline => "in the baseline".to_string(),
        Some(s) => format!("mitigated: {}", s.justification),
    };
    let element_cell = match ctx.subject(&element) {
        Some(id) => vec![doc::Inline::Link { text: element.clone(), href: format!("#{}", ctx.anchor(id)), code: true }],
        None => vec![doc::code(element)],
    };
    vec![element_cell, doc::plain(title), doc::plain(stride), doc::plain(cwe), doc::plain(status)]
}
