//! `textDocument/hover`.

use lsp_types as lt;
use serde_json::Value;

use super::{with_file, Server};

pub(super) fn hover(server: &mut Server, p: lt::HoverParams) -> super::Handled {
    let doc = p.text_document_position_params;
    let found = with_file(server, &doc.text_document.uri, |snap, file, lines| {
        let offset = lines.offset(doc.position);
        Ok(crate::ide::hover::hover(snap, file, offset).map(|h| lt::Hover {
            contents: lt::HoverContents::Markup(lt::MarkupContent {
                kind: lt::MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(lines.range(h.range)),
        }))
    })?;
    Ok(serde_json::to_value(found.flatten()).unwrap_or(Value::Null))
}
