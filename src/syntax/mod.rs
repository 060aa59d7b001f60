//! Text to a typed syntax tree. Parsing never fails: it returns what it understood plus every error.
//!
//! `lexer` makes tokens (and keeps comments), `parser` (chumsky) builds the generic statement tree,
//! `shape` gives it meaning using `schema`. Depends only on `source` and `diagnostics`.

pub mod ast;
pub mod lexer;
pub mod literal;
pub mod parser;
pub mod schema;
pub mod shape;
pub mod token;
pub mod tree;

use crate::diagnostics::{codes, Diagnostic};
use crate::source::{FileId, Span};

/// Errors kept per file; later ones are summarised.
pub const MAX_ERRORS_PER_FILE: usize = 100;

pub struct Parse<'s> {
    pub file: FileId,
    pub nodes: Vec<tree::Node<'s>>,
    pub ast: ast::SourceAst,
    pub comments: Vec<lexer::Comment>,
    pub errors: Vec<Diagnostic>,
}

pub fn parse(file: FileId, text: &str) -> Parse<'_> {
    let lexed = lexer::lex(file, text);
    let (nodes, parse_errors) = parser::parse_tokens(file, &lexed.tokens, text.len());
    let (ast, shape_errors) = shape::shape(file, &nodes);
    let mut errors = lexed.errors;
    errors.extend(parse_errors);
    errors.extend(shape_errors);
    errors.sort_by_key(|d| d.sort_key().1);
    errors.dedup();
    if errors.len() > MAX_ERRORS_PER_FILE {
        let dropped = errors.len() - MAX_ERRORS_PER_FILE;
        errors.truncate(MAX_ERRORS_PER_FILE);
        errors.push(
            Diagnostic::new(
                codes::TOO_MANY_ERRORS,
                format!("{dropped} more errors in this file not shown"),
                Span::new(file, text.len()..text.len()),
                "reporting stopped",
            )
            .with_help("fix the errors above and run again"),
        );
    }
    Parse { file, nodes, ast, comments: lexed.comments, errors }
}
