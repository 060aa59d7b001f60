//! Tokens of the `.arch` language.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Token<'s> {
    /// A name, possibly qualified with dots (`std.tech`) or containing hyphens (`cross-cutting`).
    Ident(&'s str),
    /// A `"..."` string, quotes included, escapes not yet processed.
    Str(&'s str),
    /// A `"""..."""` text block, quotes included.
    TextBlock(&'s str),
    /// A number with an optional unit: `3`, `1.5s`, `200/s`, `99.9%`, `10GB`, `10K`.
    Num(&'s str),
    /// An ISO date `2027-01-31`.
    Date(&'s str),
    /// A URL path `/orders/{id}`.
    Path(&'s str),
    /// `?`: a value still to be filled.
    Hole,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Colon,
    Semi,
    /// `->`: a synchronous step or a response type.
    Arrow,
    /// `~>`: an asynchronous step.
    AsyncArrow,
    At,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Newline,
    /// Text the lexer could not make sense of; already reported.
    Error,
}

impl Token<'_> {
    /// How the token is described in "expected ..., found ..." messages.
    pub fn describe(&self) -> String {
        match self {
            Token::Ident(s) => format!("`{}`", crate::diagnostics::quoted(s)),
            Token::Str(_) | Token::TextBlock(_) => "a string".to_string(),
            Token::Num(s) | Token::Date(s) | Token::Path(s) => format!("`{}`", crate::diagnostics::quoted(s)),
            Token::Newline => "end of line".to_string(),
            Token::Error => "invalid text".to_string(),
            other => format!("`{other}`"),
        }
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Token::Ident(s) | Token::Str(s) | Token::TextBlock(s) | Token::Num(s) | Token::Date(s) | Token::Path(s) => {
                s
            }
            Token::Hole => "?",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::Comma => ",",
            Token::Colon => ":",
            Token::Semi => ";",
            Token::Arrow => "->",
            Token::AsyncArrow => "~>",
            Token::At => "@",
            Token::Lt => "<",
            Token::Le => "<=",
            Token::Gt => ">",
            Token::Ge => ">=",
            Token::Eq => "=",
            Token::Newline => "\\n",
            Token::Error => "<error>",
        };
        f.write_str(s)
    }
}
