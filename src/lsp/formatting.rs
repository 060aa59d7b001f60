//! `textDocument/formatting`: the formatter of `archc fmt`, refusing files with syntax errors.

use lsp_types as lt;
use serde_json::Value;

use super::convert::Lines;
use super::{Failure, Server};

pub(super) fn format(server: &mut Server, p: lt::DocumentFormattingParams) -> super::Handled {
    let path = server.path(&p.text_document.uri)?;
    let text = match server.text(&path) {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(&path).map_err(|e| Failure::refused(format!("cannot read the file: {e}")))?,
    };
    match crate::fmt::format(crate::source::FileId(0), &text) {
        Ok(formatted) if formatted == text => {
            Ok(serde_json::to_value(Vec::<lt::TextEdit>::new()).unwrap_or(Value::Null))
        }
        Ok(formatted) => {
            let lines = Lines::new(&text, server.encoding);
            let edit = lt::TextEdit { range: lines.range(0..text.len()), new_text: formatted };
            Ok(serde_json::to_value(vec![edit]).unwrap_or(Value::Null))
        }
        Err(errors) => Err(Failure::refused(format!(
            "not formatted: the file has {} syntax error{}; fix {} first",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if errors.len() == 1 { "it" } else { "them" },
        ))),
    }
}
