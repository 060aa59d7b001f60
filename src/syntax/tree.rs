//! The generic statement tree the chumsky parser produces: every statement is a line of words with
//! an optional `{ ... }` body. `shape` gives it meaning using the language schema. The tree
//! borrows its words from the lexer's tokens, so it lives only as long as they do.

use std::ops::Range;

use super::token::Token;

/// One word of a statement: any token but braces, line breaks and `;`.
pub type Word<'s> = (Token<'s>, Range<usize>);

#[derive(Clone, Debug, PartialEq)]
pub struct Node<'t> {
    /// The statement's words: a run of the lexer's tokens, in place.
    pub words: &'t [Word<'t>],
    pub body: Option<Body<'t>>,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Body<'t> {
    pub nodes: Vec<Node<'t>>,
    /// From `{` to `}` inclusive.
    pub range: Range<usize>,
}

impl Node<'_> {
    pub fn head(&self) -> Option<&str> {
        match self.words.first() {
            Some((Token::Ident(s), _)) => Some(s),
            _ => None,
        }
    }
}
