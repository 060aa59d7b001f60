//! Text to a typed syntax tree. Parsing never fails: it returns what it understood plus every error.
//!
//! `lexer` makes tokens (and keeps comments), `parser` (chumsky) builds the generic statement tree,
//! `shape` gives it meaning using `schema`. Depends only on `source` and `diagnostics`.

pub mod args;
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

pub struct Parse {
    pub file: FileId,
    pub ast: ast::SourceAst,
    pub comments: Vec<lexer::Comment>,
    pub errors: Vec<Diagnostic>,
}

/// Lexes, parses and shapes one file. The statement tree is dropped with the tokens it borrows;
/// [`parse_with_tree`] lends it to a caller that needs it.
pub fn parse(file: FileId, text: &str) -> Parse {
    parse_with_tree(file, text, |_, _| ()).0
}

/// [`parse`], also lending the generic statement tree (the formatter prints from it).
pub fn parse_with_tree<R>(
    file: FileId,
    text: &str,
    use_tree: impl FnOnce(&Parse, &[tree::Node<'_>]) -> R,
) -> (Parse, R) {
    let mut lexed = lexer::lex(file, text);
    let (nodes, parse_errors) = parser::parse_tokens(file, &lexed.tokens, text.len());
    let (ast, shape_errors) = shape::shape(file, &nodes);
    let mut errors = std::mem::take(&mut lexed.errors);
    explain_stray_closers(&ast, text, &mut errors);
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
    let parse = Parse { file, ast, comments: std::mem::take(&mut lexed.comments), errors };
    let out = use_tree(&parse, &nodes);
    (parse, out)
}

/// A forgotten `}` nests the next declaration in the block before it, which is valid where
/// components nest, so the `}` left over at the end is the only error. When a nested
/// declaration starts at the beginning of a line before that `}`, it is the likely place.
fn explain_stray_closers(ast: &ast::SourceAst, text: &str, errors: &mut [Diagnostic]) {
    let stray = |d: &Diagnostic| d.code == codes::UNEXPECTED_TOKEN && d.message == "unexpected `}`";
    let Some(error) = errors.iter_mut().find(|d| stray(d)) else { return };
    let Some(at) = error.span().map(|s| s.start as usize) else { return };
    let mut stack: Vec<(&ast::Decl, Option<&ast::Decl>)> = ast
        .items
        .iter()
        .filter_map(|i| match i {
            ast::Item::Decl(d) => Some((d, None)),
            _ => None,
        })
        .collect();
    let mut suspect: Option<(&ast::Decl, &ast::Decl)> = None;
    // Iterative: nesting is bounded by the lexer, but no pass over a tree recurses.
    while let Some((d, parent)) = stack.pop() {
        let start = d.keyword.start as usize;
        let at_line_start = start == 0 || text[..start].ends_with('\n');
        if let Some(p) = parent {
            if at_line_start && start < at && suspect.is_none_or(|(s, _)| start < s.keyword.start as usize) {
                suspect = Some((d, p));
            }
        }
        stack.extend(d.children.iter().map(|c| (c, Some(d))));
    }
    let Some((nested, parent)) = suspect else { return };
    let keyword = nested.kind.keyword();
    error.secondary.push(crate::diagnostics::Label {
        span: nested.keyword,
        message: format!("`{keyword} {}` is read as nested in `{}`", nested.name.text, parent.name.text),
    });
    error.help = Some(format!(
        "a `}}` is probably missing before `{keyword} {}`: close `{}` there and remove this one",
        nested.name.text, parent.name.text
    ));
}
