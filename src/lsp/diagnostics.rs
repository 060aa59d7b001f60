//! Diagnostics to the protocol: severity from the rule levels already applied by the checker,
//! the code with a link to its documentation, help and notes in the message, secondary labels as
//! related locations.

use std::collections::BTreeMap;
use std::str::FromStr;

use lsp_types as lt;

use crate::diagnostics::{Diagnostic, Severity};
use crate::driver::Analysis;
use crate::ide::Snapshot;
use crate::source::FileId;

use super::convert::{uri_of, Encoding, Lines};

/// Where each code is documented (the same anchors as the SARIF output's `helpUri`).
const RULES_DOC: &str = "https://github.com/archc/archc/blob/main/docs/rules.md";

/// Line indexes of the files being converted, by analysis (its address) and file, so that a file
/// with many findings is indexed once.
pub type LinesCache<'s> = BTreeMap<(usize, FileId), Lines<'s>>;

/// A diagnostic of an analyzed workspace.
pub fn convert<'s>(
    snap: &Snapshot,
    analysis: &'s Analysis,
    d: &Diagnostic,
    encoding: Encoding,
    cache: &mut LinesCache<'s>,
) -> lt::Diagnostic {
    let sources = &analysis.workspace.sources;
    let mut range_of = |span: crate::source::Span| {
        let key = (analysis as *const Analysis as usize, span.file);
        cache.entry(key).or_insert_with(|| Lines::new(sources.text(span.file), encoding)).range(span.range())
    };
    let range = match d.span() {
        Some(span) => range_of(span),
        None => lt::Range::default(),
    };
    let related: Vec<lt::DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|label| {
            let path = snap.path_of(analysis, label.span.file)?;
            let range = range_of(label.span);
            Some(lt::DiagnosticRelatedInformation {
                location: lt::Location { uri: uri_of(&path), range },
                message: label.message.clone(),
            })
        })
        .collect();
    let mut out = base(d, range);
    out.related_information = (!related.is_empty()).then_some(related);
    out
}

/// Whether a published diagnostic is a syntax error (`SYN` codes).
pub fn is_syntax(d: &lt::Diagnostic) -> bool {
    matches!(&d.code, Some(lt::NumberOrString::String(code)) if code.starts_with("SYN"))
}

/// A syntax error of one buffer, reported before the workspace is analyzed.
pub fn syntax(lines: &Lines<'_>, d: &Diagnostic) -> lt::Diagnostic {
    let range = d.span().map(|s| lines.range(s.range())).unwrap_or_default();
    base(d, range)
}

fn base(d: &Diagnostic, range: lt::Range) -> lt::Diagnostic {
    let mut message = d.message.clone();
    if let Some(label) = &d.primary {
        if !label.message.is_empty() && label.message != "here" {
            message.push_str(&format!(": {}", label.message));
        }
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let href = lt::Uri::from_str(&format!("{RULES_DOC}#{}", d.code.id.to_ascii_lowercase())).ok();
    lt::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => lt::DiagnosticSeverity::ERROR,
            Severity::Warning => lt::DiagnosticSeverity::WARNING,
            Severity::Note => lt::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lt::NumberOrString::String(d.code.id.to_string())),
        code_description: href.map(|href| lt::CodeDescription { href }),
        source: Some("archc".into()),
        message,
        related_information: None,
        tags: None,
        data: None,
    }
}
