//! Code actions built from the diagnostics under the cursor: apply a did-you-mean suggestion, add
//! a timeout to an unguarded call (REL002), add an owner hole to an element without one (OWN001),
//! or accept a finding with an `accept` statement that asks for a justification and expires.

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
        if let Some((title, edit)) = rule_fix(text, d, r.clone()) {
            out.push(CodeAction {
                title,
                is_quick_fix: true,
                code: d.code.id,
                message: d.message.clone(),
                range: r.clone(),
                edits: vec![TextEdit { path: path.clone(), range: edit.0, new_text: edit.1 }],
            });
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

/// The timeout added to an unguarded synchronous call; the title shows it, so it is a visible
/// choice to adjust rather than a hidden default.
const DEFAULT_TIMEOUT: &str = "timeout 2s";

/// A fix for the rules whose remedy is one line in the block of the flagged statement.
fn rule_fix(text: &str, d: &Diagnostic, span: Range<usize>) -> Option<(String, (Range<usize>, String))> {
    match d.code.id {
        "REL002" if text.get(span.clone())?.starts_with("uses") => {
            Some((format!("Add `{DEFAULT_TIMEOUT}` to this call"), add_line(text, span.start, DEFAULT_TIMEOUT)))
        }
        "OWN001" => Some(("Add `owner ?` to fill in later".to_string(), add_line(text, span.start, "owner ?"))),
        _ => None,
    }
}

/// An edit adding `line` as the first statement of the block opened on the line of `at`, or
/// giving that line a block if it has none.
fn add_line(text: &str, at: usize, line: &str) -> (Range<usize>, String) {
    let line_start = text.get(..at).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let line_end = text.get(at..).and_then(|t| t.find('\n')).map_or(text.len(), |i| at + i);
    let header = text.get(line_start..line_end).unwrap_or("");
    let indent: String = header.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    match header.rfind('{') {
        Some(brace) => {
            let after = line_start + brace + 1;
            (after..after, format!("\n{indent}  {line}"))
        }
        None => {
            let end = line_start + header.trim_end().len();
            (end..end, format!(" {{\n{indent}  {line}\n{indent}}}"))
        }
    }
}

/// The name in a "did you mean `x`?" help.
fn suggestion(d: &Diagnostic) -> Option<&str> {
    let help = d.help.as_deref()?;
    let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
    let name = &rest[..rest.find('`')?];
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::host::MemHost;

    /// Applies every edit of the action titled `title` (edits do not overlap).
    fn apply(text: &str, action: &CodeAction) -> String {
        let mut out = text.to_string();
        let mut edits = action.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        for e in edits {
            out.replace_range(e.range, &e.new_text);
        }
        out
    }

    fn check(text: &str, code: &str, title: &str) -> (String, Vec<String>) {
        let host = MemHost::new([("/ws/arch.toml", "[workspace]\n"), ("/ws/a.arch", text)]);
        let snap = Snapshot::build(&host, &[PathBuf::from("/ws")], 1, &Default::default());
        let file = snap.file(std::path::Path::new("/ws/a.arch")).expect("analyzed");
        let actions = code_actions(&snap, file, 0..text.len(), "2027-03-01");
        let action = actions
            .iter()
            .find(|a| a.code == code && a.title.starts_with(title))
            .unwrap_or_else(|| panic!("no `{title}` among {actions:#?}"));
        let fixed = apply(text, action);
        let host = MemHost::new([("/ws/arch.toml", "[workspace]\n"), ("/ws/a.arch", fixed.as_str())]);
        let snap = Snapshot::build(&host, &[PathBuf::from("/ws")], 2, &Default::default());
        let codes = snap.workspaces[0]
            .diagnostics
            .iter()
            .filter(|d| d.suppression.is_none())
            .map(|d| d.code.id.to_string())
            .collect();
        (fixed, codes)
    }

    const MODEL: &str = "team t \"T\" {\n  summary \"x\"\n}\nsystem s \"S\" {\n  owner t\n  summary \"y\"\n}\n\
        component a \"A\" {\n  owner t\n  summary \"z\"\n  system s\n  uses b sync {\n    protocol https\n  }\n}\n\
        component b \"B\" {\n  owner t\n  system s\n  summary \"w\"\n}\n";

    #[test]
    fn fixes_resolve_their_findings() {
        let (fixed, codes) = check(MODEL, "REL002", "Add `timeout 2s`");
        assert!(fixed.contains("  uses b sync {\n    timeout 2s\n    protocol https\n"), "{fixed}");
        assert!(!codes.contains(&"REL002".to_string()), "{codes:?}");

        let unowned = MODEL.replacen("  owner t\n  summary \"y\"", "  summary \"y\"", 1);
        let (fixed, codes) = check(&unowned, "OWN001", "Add `owner ?`");
        assert!(fixed.contains("system s \"S\" {\n  owner ?\n"), "{fixed}");
        // The gap is now a hole to fill, reported as incomplete rather than as a missing owner.
        assert!(!codes.contains(&"OWN001".to_string()) && codes.contains(&"HYG008".to_string()), "{codes:?}");

        let (fixed, codes) = check(MODEL, "REL002", "Accept REL002");
        assert!(fixed.ends_with("accept REL002@a@b \"TODO: say why this finding is acceptable\" until 2027-03-01\n"));
        assert!(!codes.contains(&"REL002".to_string()), "{codes:?}");

        let typo = MODEL.replacen("uses b sync", "uses bb sync", 1);
        let (fixed, codes) = check(&typo, "HYG001", "Replace `bb` with `b`");
        assert_eq!(fixed, MODEL);
        assert!(!codes.contains(&"HYG001".to_string()), "{codes:?}");
    }

    #[test]
    fn a_line_without_a_block_gets_one() {
        let (range, text) = add_line("component a \"A\"\nx", 0, "owner ?");
        assert_eq!((range, text.as_str()), (15..15, " {\n  owner ?\n}"));
    }
}
