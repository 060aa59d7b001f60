//! `textDocument/completion`. Works on the buffer as typed; reference names come from the latest
//! analysis, which may be one edit behind, so completion never waits for a re-check.

use lsp_types as lt;
use serde_json::Value;

use crate::ide::completion::{completions, CompletionKind};

use super::convert::Lines;
use super::Server;

pub(super) fn complete(server: &mut Server, p: lt::CompletionParams) -> super::Handled {
    let doc = p.text_document_position;
    let path = server.path(&doc.text_document.uri)?;
    let Some(text) = server.text(&path) else { return Ok(Value::Null) };
    let snap = server.latest_snapshot();
    let model = snap.file(&path).map(|f| f.model());
    let offset = Lines::new(&text, server.encoding).offset(doc.position);
    let items: Vec<lt::CompletionItem> = completions(model, &text, offset)
        .into_iter()
        .map(|c| {
            let (kind, snippet) = match c.kind {
                CompletionKind::Keyword => (lt::CompletionItemKind::KEYWORD, false),
                CompletionKind::Snippet => (lt::CompletionItemKind::SNIPPET, true),
                CompletionKind::Attribute => (lt::CompletionItemKind::PROPERTY, false),
                CompletionKind::EnumValue => (lt::CompletionItemKind::ENUM_MEMBER, false),
                CompletionKind::Reference(_) => (lt::CompletionItemKind::REFERENCE, false),
                CompletionKind::Module => (lt::CompletionItemKind::MODULE, false),
            };
            lt::CompletionItem {
                label: c.label.clone(),
                kind: Some(kind),
                detail: c.detail,
                documentation: c.documentation.map(lt::Documentation::String),
                insert_text: c.snippet,
                insert_text_format: snippet.then_some(lt::InsertTextFormat::SNIPPET),
                ..Default::default()
            }
        })
        .collect();
    Ok(serde_json::to_value(lt::CompletionResponse::Array(items)).unwrap_or(Value::Null))
}
