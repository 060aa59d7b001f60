//! Code actions built from the diagnostics under the cursor: apply a did-you-mean suggestion, or
//! accept a finding with an `accept` statement that asks for a justification and expires.

use std::ops::Range;

use crate::check::registry;
use crate::diagnostics::Diagnostic;

use super::analysis::{File, Snapshot};
use super::TextEdit;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    /// A quick fix repairs the model; the other kind records a decision to live with it.
    pub is_quick_fix: bool,
    /// The diagnostic it resolves, as code and message, so the editor can link them.
    pub code: &'static str,
    pub message: String,
    pub range: Range<usize>,
    pub edits: Vec<TextEdit>,
}

/// The text that stands for the reason in a new `accept` statement.
pub const JUSTIFICATION_PLACEHOLDER: &str = "TODO: say why this finding is acceptable";

/// Actions for the diagnostics of the file that touch `range`. `expiry` is the date written into
/// new acceptances (`2027-03-01`), chosen by the caller, which knows today's date.
pub fn code_actions(snap: &Snapshot, file: File<'_>, range: Range<usize>, expiry: &str) -> Vec<CodeAction> {
    let Some(path) = snap.path_of(file.analysis, file.id) else { return Vec::new() };
    let text = file.text();
    let mut out = Vec::new();
    for d in &file.analysis.diagnostics {
        let Some(span) = d.span() else { continue };
        if span.file != file.id || d.suppression.is_some() {
            continue;
        }
        let r = span.range();
        if r.end < range.start || r.start > range.end {
            continue;
        }
        if let Some(suggestion) = suggestion(d) {
            let current = text.get(r.clone()).unwrap_or("");
            if !current.is_empty() && !current.contains(char::is_whitespace) && current != suggestion {
                out.push(CodeAction {
                    title: format!("Replace `{current}` with `{suggestion}`"),
                    is_quick_fix: true,
                    code: d.code.id,
                    message: d.message.clone(),
                    range: r.clone(),
                    edits: vec![TextEdit { path: path.clone(), range: r.clone(), new_text: suggestion.to_string() }],
                });
            }
        }
        if !d.subjects.is_empty() && registry::find(d.code.id).is_some() {
            let end = text.len();
            let lead = if text.ends_with('\n') || text.is_empty() { "" } else { "\n" };
            let statement =
                format!("{lead}\naccept {} \"{JUSTIFICATION_PLACEHOLDER}\" until {expiry}\n", d.fingerprint());
            out.push(CodeAction {
                title: format!("Accept {} for `{}` until {expiry}", d.code.id, d.subjects.join("`, `")),
                is_quick_fix: false,
                code: d.code.id,
                message: d.message.clone(),
                range: r,
                edits: vec![TextEdit { path: path.clone(), range: end..end, new_text: statement }],
            });
        }
    }
    out
}

/// The name in a "did you mean `x`?" help.
fn suggestion(d: &Diagnostic) -> Option<&str> {
    let help = d.help.as_deref()?;
    let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
    let name = &rest[..rest.find('`')?];
    (!name.is_empty()).then_some(name)
}
