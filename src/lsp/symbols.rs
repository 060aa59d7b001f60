//! `textDocument/documentSymbol` (nested) and `workspace/symbol`.

use lsp_types as lt;
use serde_json::Value;

use crate::ide::symbols::{self, Symbol};
use crate::syntax::schema::DeclKind;

use super::convert::{uri_of, Lines};
use super::{Failure, Server};

pub(super) fn document(server: &mut Server, p: lt::DocumentSymbolParams) -> super::Handled {
    let path = server.path(&p.text_document.uri)?;
    let text = match server.text(&path) {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(&path).map_err(|e| Failure::refused(format!("cannot read the file: {e}")))?,
    };
    let lines = Lines::new(&text, server.encoding);
    let out: Vec<lt::DocumentSymbol> = symbols::document_symbols(&text).iter().map(|s| convert(&lines, s)).collect();
    Ok(serde_json::to_value(lt::DocumentSymbolResponse::Nested(out)).unwrap_or(Value::Null))
}

#[allow(deprecated)]
fn convert(lines: &Lines<'_>, s: &Symbol) -> lt::DocumentSymbol {
    lt::DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone().or_else(|| Some(s.kind.noun().to_string())),
        kind: kind(s.kind),
        tags: None,
        deprecated: None,
        range: lines.range(s.range.clone()),
        selection_range: lines.range(s.name_range.clone()),
        children: (!s.children.is_empty()).then(|| s.children.iter().map(|c| convert(lines, c)).collect()),
    }
}

pub(super) fn kind(kind: DeclKind) -> lt::SymbolKind {
    use DeclKind as K;
    match kind {
        K::System | K::Zone | K::Deployment => lt::SymbolKind::NAMESPACE,
        K::Component | K::External | K::Node => lt::SymbolKind::CLASS,
        K::Datastore | K::Cache | K::Queue | K::Topic => lt::SymbolKind::STRUCT,
        K::Interface => lt::SymbolKind::INTERFACE,
        K::Data => lt::SymbolKind::STRUCT,
        K::Event => lt::SymbolKind::EVENT,
        K::Flow | K::Phase | K::Milestone => lt::SymbolKind::FUNCTION,
        K::Team | K::Person | K::Actor => lt::SymbolKind::OBJECT,
        K::Decision | K::Option | K::Risk | K::Quality => lt::SymbolKind::ENUM_MEMBER,
        K::Technology | K::Profile | K::Control | K::Threat | K::Observability | K::Metric => lt::SymbolKind::CONSTANT,
        K::Rule => lt::SymbolKind::PROPERTY,
    }
}

#[allow(deprecated)]
pub(super) fn workspace(server: &mut Server, p: lt::WorkspaceSymbolParams) -> super::Handled {
    let snap = server.snapshot();
    let enc = server.encoding;
    let out: Vec<lt::SymbolInformation> = symbols::workspace_symbols(&snap, &p.query)
        .into_iter()
        .filter_map(|s| {
            let text = snap.text(&s.location.path)?;
            Some(lt::SymbolInformation {
                name: s.name,
                kind: kind(s.kind),
                tags: None,
                deprecated: None,
                location: lt::Location {
                    uri: uri_of(&s.location.path),
                    range: Lines::new(text, enc).range(s.location.range),
                },
                container_name: s.container,
            })
        })
        .collect();
    Ok(serde_json::to_value(out).unwrap_or(Value::Null))
}
