//! The `--format json` output of `archc check`. The schema is documented in README.md and versioned
//! by `SCHEMA_VERSION`; fields are only ever added.

use serde::Serialize;

use super::{Counts, Diagnostic};
use crate::source::{ColumnUnit, SourceMap, Span};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Output<'a> {
    pub version: u32,
    pub tool: Tool,
    pub summary: Summary,
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub message: &'a str,
    pub location: Option<Location<'a>>,
    pub related: Vec<Location<'a>>,
    pub help: Option<&'a str>,
    pub notes: &'a [String],
    /// Paths of the model elements the finding is about.
    pub subjects: &'a [String],
    /// `CODE@subject@subject`: what acceptances and baselines match.
    pub fingerprint: String,
    pub suppressed: Option<JsonSuppression<'a>>,
    /// Machine-applicable fixes, best first.
    pub fixes: Vec<JsonFix<'a>>,
}

#[derive(Serialize)]
pub struct JsonFix<'a> {
    pub title: &'a str,
    /// Replace the text at each location (empty to insert) with `new_text`; apply all together.
    pub edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
pub struct JsonEdit<'a> {
    pub location: Location<'a>,
    pub new_text: &'a str,
}

#[derive(Serialize)]
pub struct JsonSuppression<'a> {
    /// `accept` (an acceptance in the model) or `baseline`.
    pub kind: &'static str,
    pub justification: &'a str,
}

#[derive(Serialize)]
pub struct Location<'a> {
    pub file: String,
    /// Byte offsets into the file.
    pub start: u32,
    pub end: u32,
    /// One-based line and column (in characters) of `start` and `end`.
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: &'a str,
}

fn location<'a>(sources: &'a SourceMap, span: Span, message: &'a str) -> Location<'a> {
    let (line, column, end_line, end_column) = match sources.get(span.file) {
        Some(f) => {
            let a = f.line_index.line_col(&f.text, span.start as usize, ColumnUnit::Char);
            let b = f.line_index.line_col(&f.text, span.end as usize, ColumnUnit::Char);
            (a.line + 1, a.col + 1, b.line + 1, b.col + 1)
        }
        None => (0, 0, 0, 0),
    };
    Location {
        file: sources.display_name(span.file),
        start: span.start,
        end: span.end,
        line,
        column,
        end_line,
        end_column,
        message,
    }
}

/// Converts diagnostics of one or more workspaces; each entry pairs the diagnostics with the
/// source map their spans point into.
pub fn to_json(groups: &[(&SourceMap, &[Diagnostic])], files: usize) -> String {
    let mut diagnostics = Vec::new();
    let mut all = Counts::default();
    for (sources, diags) in groups {
        let c = Counts::of(diags);
        all.errors += c.errors;
        all.warnings += c.warnings;
        all.notes += c.notes;
        for d in diags.iter() {
            diagnostics.push(JsonDiagnostic {
                code: d.code.id,
                name: d.code.name,
                severity: d.severity.as_str(),
                message: &d.message,
                location: d.primary.as_ref().map(|l| location(sources, l.span, &l.message)),
                related: d.secondary.iter().map(|l| location(sources, l.span, &l.message)).collect(),
                help: d.help.as_deref(),
                notes: &d.notes,
                subjects: &d.subjects,
                fingerprint: d.fingerprint(),
                suppressed: d.suppression.as_ref().map(|s| JsonSuppression {
                    kind: match s.kind {
                        super::SuppressionKind::InSource => "accept",
                        super::SuppressionKind::Baseline => "baseline",
                    },
                    justification: &s.justification,
                }),
                fixes: d
                    .fixes
                    .iter()
                    .map(|f| JsonFix {
                        title: &f.title,
                        edits: f
                            .edits
                            .iter()
                            .map(|e| JsonEdit { location: location(sources, e.span, ""), new_text: &e.new_text })
                            .collect(),
                    })
                    .collect(),
            });
        }
    }
    let out = Output {
        version: SCHEMA_VERSION,
        tool: Tool { name: "archc", version: env!("CARGO_PKG_VERSION") },
        summary: Summary { files, errors: all.errors, warnings: all.warnings, notes: all.notes },
        diagnostics,
    };
    serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}
