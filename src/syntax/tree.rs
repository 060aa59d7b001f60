//! The generic statement tree the chumsky parser produces: every statement is a line of words with
//! an optional `{ ... }` body. `shape` gives it meaning using the language schema.

use std::ops::Range;

use super::token::Token;

/// One word of a statement: any token but braces, line breaks and `;`.
pub type Word<'s> = (Token<'s>, Range<usize>);

#[derive(Clone, Debug, PartialEq)]
pub struct Node<'s> {
    pub words: Vec<Word<'s>>,
    pub body: Option<Body<'s>>,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Body<'s> {
    pub nodes: Vec<Node<'s>>,
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
