//! `textDocument/codeAction`: the fixes the diagnostics under the cursor carry.

use lsp_types as lt;
use serde_json::Value;

use super::navigation::workspace_edit;
use super::{with_file, Server};

pub(super) fn code_actions(server: &mut Server, p: lt::CodeActionParams) -> super::Handled {
    let enc = server.encoding;
    let found = with_file(server, &p.text_document.uri, |snap, file, lines| {
        let range = lines.offsets(p.range);
        let actions = crate::ide::actions::code_actions(snap, file, range);
        Ok(actions
            .into_iter()
            .map(|a| {
                let diagnostic = p
                    .context
                    .diagnostics
                    .iter()
                    .find(|d| {
                        d.code == Some(lt::NumberOrString::String(a.code.to_string()))
                            && d.message.starts_with(&a.message)
                    })
                    .cloned();
                lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
                    title: a.title,
                    kind: Some(if a.is_quick_fix {
                        lt::CodeActionKind::QUICKFIX
                    } else {
                        lt::CodeActionKind::new("quickfix.accept")
                    }),
                    diagnostics: diagnostic.map(|d| vec![d]),
                    edit: Some(workspace_edit(snap, enc, &a.edits)),
                    is_preferred: Some(a.is_quick_fix),
                    ..Default::default()
                })
            })
            .collect::<Vec<_>>())
    })?;
    Ok(serde_json::to_value(found.unwrap_or_default()).unwrap_or(Value::Null))
}
