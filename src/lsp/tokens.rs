//! `textDocument/semanticTokens/full` and `textDocument/foldingRange`.

use lsp_types as lt;
use serde_json::Value;

use crate::ide::highlight::{self, folding_ranges, TokenKind};
use crate::syntax::schema::DeclKind;

use super::convert::Lines;
use super::{Failure, Server};

/// The token types, in the order of their indexes in the legend.
const TYPES: &[lt::SemanticTokenType] = &[
    lt::SemanticTokenType::KEYWORD,
    lt::SemanticTokenType::CLASS,
    lt::SemanticTokenType::STRUCT,
    lt::SemanticTokenType::INTERFACE,
    lt::SemanticTokenType::EVENT,
    lt::SemanticTokenType::NAMESPACE,
    lt::SemanticTokenType::VARIABLE,
    lt::SemanticTokenType::PROPERTY,
    lt::SemanticTokenType::STRING,
    lt::SemanticTokenType::NUMBER,
    lt::SemanticTokenType::ENUM_MEMBER,
    lt::SemanticTokenType::MACRO,
    lt::SemanticTokenType::COMMENT,
];

const DECLARATION: u32 = 1;

pub(super) fn legend() -> lt::SemanticTokensLegend {
    lt::SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: vec![lt::SemanticTokenModifier::DECLARATION],
    }
}

fn index(t: &lt::SemanticTokenType) -> u32 {
    TYPES.iter().position(|x| x == t).unwrap_or(0) as u32
}

fn element_type(kind: Option<DeclKind>) -> lt::SemanticTokenType {
    use DeclKind as K;
    match kind {
        Some(K::Component | K::External | K::Actor | K::Node) => lt::SemanticTokenType::CLASS,
        Some(K::Datastore | K::Cache | K::Queue | K::Topic | K::Data) => lt::SemanticTokenType::STRUCT,
        Some(K::Interface) => lt::SemanticTokenType::INTERFACE,
        Some(K::Event) => lt::SemanticTokenType::EVENT,
        Some(K::System | K::Zone | K::Team | K::Person | K::Deployment) => lt::SemanticTokenType::NAMESPACE,
        _ => lt::SemanticTokenType::VARIABLE,
    }
}

fn text_of(server: &Server, uri: &lt::Uri) -> Result<(std::path::PathBuf, String), Failure> {
    let path = server.path(uri)?;
    let text = match server.text(&path) {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(&path).map_err(|e| Failure::refused(format!("cannot read the file: {e}")))?,
    };
    Ok((path, text))
}

pub(super) fn semantic_tokens(server: &mut Server, p: lt::SemanticTokensParams) -> super::Handled {
    let (path, text) = text_of(server, &p.text_document.uri)?;
    let snap = server.latest_snapshot();
    let model = snap.file(&path).map(|f| f.model());
    let lines = Lines::new(&text, server.encoding);
    let mut data = Vec::new();
    let (mut prev_line, mut prev_start) = (0, 0);
    for token in highlight::semantic_tokens(model, &text) {
        let (ty, modifiers) = match token.kind {
            TokenKind::Keyword => (lt::SemanticTokenType::KEYWORD, 0),
            TokenKind::Declaration(kind) => (element_type(Some(kind)), DECLARATION),
            TokenKind::Reference(kind) => (element_type(kind), 0),
            TokenKind::Attribute => (lt::SemanticTokenType::PROPERTY, 0),
            TokenKind::String => (lt::SemanticTokenType::STRING, 0),
            TokenKind::Number => (lt::SemanticTokenType::NUMBER, 0),
            TokenKind::EnumMember => (lt::SemanticTokenType::ENUM_MEMBER, 0),
            TokenKind::Hole => (lt::SemanticTokenType::MACRO, 0),
            TokenKind::Comment => (lt::SemanticTokenType::COMMENT, 0),
            TokenKind::Module => (lt::SemanticTokenType::NAMESPACE, 0),
        };
        // Text blocks span lines; the protocol's tokens do not by default.
        for piece in lines.line_pieces(token.range) {
            let start = lines.position(piece.start);
            let end = lines.position(piece.end);
            let delta_line = start.line - prev_line;
            let delta_start = if delta_line == 0 { start.character - prev_start } else { start.character };
            data.push(lt::SemanticToken {
                delta_line,
                delta_start,
                length: end.character.saturating_sub(start.character),
                token_type: index(&ty),
                token_modifiers_bitset: modifiers,
            });
            (prev_line, prev_start) = (start.line, start.character);
        }
    }
    let result = lt::SemanticTokensResult::Tokens(lt::SemanticTokens { result_id: None, data });
    Ok(serde_json::to_value(result).unwrap_or(Value::Null))
}

pub(super) fn folding(server: &mut Server, p: lt::FoldingRangeParams) -> super::Handled {
    let (_, text) = text_of(server, &p.text_document.uri)?;
    let lines = Lines::new(&text, server.encoding);
    let mut out: Vec<lt::FoldingRange> = Vec::new();
    for range in folding_ranges(&text) {
        let is_comment = text.get(range.clone()).is_some_and(|t| t.starts_with("//"));
        let (start, end) = (lines.position(range.start), lines.position(range.end));
        if end.line > start.line && !out.iter().any(|f| f.start_line == start.line) {
            out.push(lt::FoldingRange {
                start_line: start.line,
                end_line: end.line,
                kind: is_comment.then_some(lt::FoldingRangeKind::Comment),
                ..Default::default()
            });
        }
    }
    Ok(serde_json::to_value(out).unwrap_or(Value::Null))
}
