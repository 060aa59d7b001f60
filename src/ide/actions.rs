//! Code actions for the diagnostics under the cursor. They are the fixes the diagnostics carry
//! (did-you-mean, a `timeout ?` for an unguarded call, an owner for an element without one, an
//! `accept` statement with a justification to write and an expiry), turned into edits of files;
//! no fix is invented here, so the CLI's JSON and the editor offer the same ones.

use std::ops::Range;

use crate::diagnostics::FixKind;

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

/// Actions for the diagnostics of the file that touch `range`.
pub fn code_actions(snap: &Snapshot, file: File<'_>, range: Range<usize>) -> Vec<CodeAction> {
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
        for fix in &d.fixes {
            // A fix touching the standard library cannot be applied by the user.
            let Some(edits) = fix
                .edits
                .iter()
                .map(|e| {
                    snap.locate(file.analysis, e.span).map(|at| TextEdit {
                        path: at.path,
                        range: at.range,
                        new_text: e.new_text.clone(),
                    })
                })
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            out.push(CodeAction {
                title: fix.title.clone(),
                is_quick_fix: fix.kind == FixKind::Repair,
                code: d.code.id,
                message: d.message.clone(),
                range: r.clone(),
                edits,
            });
        }
    }
    out
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
        let actions = code_actions(&snap, file, 0..text.len());
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
        let (fixed, codes) = check(MODEL, "REL002", "Add `timeout ?`");
        assert!(fixed.contains("uses b sync {\n    protocol https timeout ?\n  }"), "{fixed}");
        assert!(!codes.contains(&"REL002".to_string()), "{codes:?}");

        let unowned = MODEL.replacen("  owner t\n  summary \"y\"", "  summary \"y\"", 1);
        let (fixed, codes) = check(&unowned, "OWN001", "Add `owner");
        assert!(fixed.contains("system s \"S\" {\n  owner "), "{fixed}");
        assert!(!codes.contains(&"OWN001".to_string()), "{codes:?}");

        let (fixed, codes) = check(MODEL, "REL002", "Accept this REL002 finding");
        assert!(
            fixed.contains("accept REL002@a@b \"TODO: say why this finding is acceptable\"\ncomponent a"),
            "{fixed}"
        );
        assert!(!codes.contains(&"REL002".to_string()), "{codes:?}");

        let typo = MODEL.replacen("uses b sync", "uses bb sync", 1);
        let (fixed, codes) = check(&typo, "HYG001", "Replace with `b`");
        assert_eq!(fixed, MODEL);
        assert!(!codes.contains(&"HYG001".to_string()), "{codes:?}");

        // Front-end did-you-mean suggestions are fixes too.
        let misspelt = MODEL.replacen("  summary \"z\"", "  sumary \"z\"", 1);
        let (fixed, codes) = check(&misspelt, "SYN009", "Replace with `summary`");
        assert_eq!(fixed, MODEL);
        assert!(!codes.contains(&"SYN009".to_string()), "{codes:?}");
    }
}
