//! Definition, references, document highlights, prepareRename and rename.

use std::collections::BTreeMap;

use lsp_types as lt;
use serde_json::Value;

use crate::ide::{navigate, FileRange, Snapshot, TextEdit};

use super::convert::{uri_of, Lines};
use super::{with_file, Failure, Server};

fn location(snap: &Snapshot, server_encoding: super::Encoding, r: &FileRange) -> Option<lt::Location> {
    let text = snap.text(&r.path)?;
    Some(lt::Location { uri: uri_of(&r.path), range: Lines::new(text, server_encoding).range(r.range.clone()) })
}

fn to_value<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

pub(super) fn definition(server: &mut Server, p: lt::GotoDefinitionParams) -> super::Handled {
    let doc = p.text_document_position_params;
    let enc = server.encoding;
    let found = with_file(server, &doc.text_document.uri, |snap, file, lines| {
        let offset = lines.offset(doc.position);
        Ok(navigate::definition(snap, file, offset).and_then(|r| location(snap, enc, &r)))
    })?;
    Ok(to_value(found.flatten().map(lt::GotoDefinitionResponse::Scalar)))
}

pub(super) fn references(server: &mut Server, p: lt::ReferenceParams) -> super::Handled {
    let doc = p.text_document_position;
    let enc = server.encoding;
    let found = with_file(server, &doc.text_document.uri, |snap, file, lines| {
        let offset = lines.offset(doc.position);
        let ranges = navigate::references(snap, file, offset, p.context.include_declaration);
        Ok(ranges.iter().filter_map(|r| location(snap, enc, r)).collect::<Vec<_>>())
    })?;
    Ok(to_value(found))
}

pub(super) fn highlights(server: &mut Server, p: lt::DocumentHighlightParams) -> super::Handled {
    let doc = p.text_document_position_params;
    let found = with_file(server, &doc.text_document.uri, |snap, file, lines| {
        let offset = lines.offset(doc.position);
        let ranges = navigate::highlights(snap, file, offset);
        Ok(ranges
            .into_iter()
            .map(|r| lt::DocumentHighlight { range: lines.range(r.range), kind: Some(lt::DocumentHighlightKind::TEXT) })
            .collect::<Vec<_>>())
    })?;
    Ok(to_value(found))
}

pub(super) fn prepare_rename(server: &mut Server, p: lt::TextDocumentPositionParams) -> super::Handled {
    let found = with_file(server, &p.text_document.uri, |snap, file, lines| {
        let offset = lines.offset(p.position);
        match navigate::prepare_rename(snap, file, offset) {
            Ok(r) => Ok(lt::PrepareRenameResponse::Range(lines.range(r.range))),
            Err(e) => Err(Failure::refused(e.0)),
        }
    })?;
    Ok(to_value(found))
}

pub(super) fn rename(server: &mut Server, p: lt::RenameParams) -> super::Handled {
    let doc = p.text_document_position;
    let enc = server.encoding;
    let found = with_file(server, &doc.text_document.uri, |snap, file, lines| {
        let offset = lines.offset(doc.position);
        let edits = navigate::rename(snap, file, offset, &p.new_name).map_err(|e| Failure::refused(e.0))?;
        Ok(workspace_edit(snap, enc, &edits))
    })?;
    Ok(to_value(found))
}

/// Edits grouped by file in path order (document changes rather than a hash map, so that the
/// reply is the same bytes every time), with positions in each file's own text.
pub(super) fn workspace_edit(snap: &Snapshot, enc: super::Encoding, edits: &[TextEdit]) -> lt::WorkspaceEdit {
    let mut by_file: BTreeMap<&std::path::Path, Vec<lt::OneOf<lt::TextEdit, lt::AnnotatedTextEdit>>> = BTreeMap::new();
    for e in edits {
        let Some(text) = snap.text(&e.path) else { continue };
        let range = Lines::new(text, enc).range(e.range.clone());
        by_file.entry(&e.path).or_default().push(lt::OneOf::Left(lt::TextEdit { range, new_text: e.new_text.clone() }));
    }
    let changes = by_file
        .into_iter()
        .map(|(path, edits)| lt::TextDocumentEdit {
            text_document: lt::OptionalVersionedTextDocumentIdentifier { uri: uri_of(path), version: None },
            edits,
        })
        .collect();
    lt::WorkspaceEdit { document_changes: Some(lt::DocumentChanges::Edits(changes)), ..Default::default() }
}
