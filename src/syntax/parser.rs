//! Tokens to the generic statement tree, with chumsky. The lexer has already balanced every
//! delimiter, so recovery here only has to skip the rest of a broken statement.
//!
//! The parser reads the lexer's `(token, byte range)` pairs in place, and a statement's words are
//! a slice of them: the tree allocates only for blocks, never per statement or per token.

use std::ops::Range;

use chumsky::input::{Input as _, SliceInput, ValueInput};
use chumsky::prelude::*;

use super::token::Token;
use super::tree::{Body, Node, Word};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{FileId, Span};

type RichExtra<'t, 's> = extra::Err<Rich<'t, Token<'s>, Range<usize>>>;

/// The statement tree of `tokens`; its words borrow from `tokens`.
pub fn parse_tokens<'t, 's: 't>(
    file: FileId,
    tokens: &'t [Word<'s>],
    text_len: usize,
) -> (Vec<Node<'t>>, Vec<Diagnostic>) {
    let input = tokens.map(text_len..text_len, |(t, r)| (t, r));
    // Most files are clean: a first pass with errors that cost nothing; only a file with errors
    // is parsed again to build the rich messages.
    let fast = file_parser::<_, extra::Default>().parse(input.clone());
    if !fast.has_errors() {
        if let Some(out) = fast.into_output() {
            return (out, Vec::new());
        }
    }
    let (out, errs) = file_parser::<_, RichExtra<'_, 's>>().parse(input).into_output_errors();
    let diags = errs.into_iter().map(|e| to_diagnostic(file, &e)).collect();
    (out.unwrap_or_default(), diags)
}

fn file_parser<'t, 's: 't, I, E>() -> impl Parser<'t, I, Vec<Node<'t>>, E> + use<'t, 's, I, E>
where
    I: ValueInput<'t, Token = Token<'s>, Span = Range<usize>> + SliceInput<'t, Slice = &'t [Word<'s>]>,
    E: extra::ParserExtra<'t, I, Context = (), State = ()> + 't,
    E::Error: chumsky::label::LabelError<'t, I, &'static str>
        + chumsky::label::LabelError<'t, I, chumsky::DefaultExpected<'t, Token<'s>>>,
{
    let separator = one_of([Token::Newline, Token::Semi]);
    node_parser().repeated().collect::<Vec<_>>().delimited_by(separator.repeated(), end())
}

fn node_parser<'t, 's: 't, I, E>() -> impl Parser<'t, I, Node<'t>, E> + Clone + use<'t, 's, I, E>
where
    I: ValueInput<'t, Token = Token<'s>, Span = Range<usize>> + SliceInput<'t, Slice = &'t [Word<'s>]>,
    E: extra::ParserExtra<'t, I, Context = (), State = ()> + 't,
    E::Error: chumsky::label::LabelError<'t, I, &'static str>
        + chumsky::label::LabelError<'t, I, chumsky::DefaultExpected<'t, Token<'s>>>,
{
    recursive(|node| {
        let separator = one_of([Token::Newline, Token::Semi]);
        let word = any()
            .filter(|t: &Token<'s>| !matches!(t, Token::LBrace | Token::RBrace | Token::Newline | Token::Semi))
            .labelled("a word");
        let body = node
            .repeated()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LBrace).then(separator.repeated()), just(Token::RBrace))
            .map_with(|nodes, e| Body { nodes, range: e.span() })
            .labelled("a block");
        let terminator =
            choice((separator.repeated().at_least(1).ignored(), just(Token::RBrace).rewind().ignored(), end()))
                .labelled("end of line");
        // A statement is words with an optional block, or a stray block (reported by `shape`).
        let statement = word
            .repeated()
            .at_least(1)
            .to_slice()
            .then(body.clone().or_not())
            .or(body.map(|b| (&[][..], Some(b))))
            .then_ignore(terminator)
            .map_with(|(words, body), e| Node { words, body, range: e.span() });
        // A broken statement is skipped up to the end of its line, jumping over whole blocks.
        let skip_block = nested_delimiters(Token::LBrace, Token::RBrace, [], |_| ());
        let recovery = skip_until(
            skip_block.or(any().filter(|t: &Token<'s>| !matches!(t, Token::RBrace)).ignored()),
            choice((separator.repeated().at_least(1).ignored(), just(Token::RBrace).rewind().ignored(), end())),
            || Node { words: &[], body: None, range: 0..0 },
        );
        // Only start where a statement can start, so recovery always makes progress.
        any()
            .filter(|t: &Token<'s>| !matches!(t, Token::RBrace | Token::Newline | Token::Semi))
            .rewind()
            .ignore_then(statement.recover_with(recovery))
    })
}

fn to_diagnostic(file: FileId, e: &Rich<'_, Token<'_>, Range<usize>>) -> Diagnostic {
    let span = Span::new(file, e.span().clone());
    let found = e.found().map_or_else(|| "end of file".to_string(), |t| t.describe());
    let mut expected: Vec<String> = e
        .expected()
        .map(|p| match p {
            chumsky::error::RichPattern::Token(t) => t.describe(),
            chumsky::error::RichPattern::Label(l) => l.to_string(),
            chumsky::error::RichPattern::EndOfInput => "end of file".to_string(),
            other => other.to_string(),
        })
        .collect();
    expected.sort();
    expected.dedup();
    let wanted = match expected.len() {
        0 => "something else".to_string(),
        1 => expected.remove(0),
        _ => {
            let last = expected.pop().unwrap_or_default();
            format!("{} or {last}", expected.join(", "))
        }
    };
    let mut diag = Diagnostic::new(
        codes::UNEXPECTED_TOKEN,
        format!("expected {wanted}, found {found}"),
        span,
        format!("unexpected {found}"),
    );
    if matches!(e.found(), Some(Token::LBrace)) {
        diag = diag.with_help("a block belongs to a statement: write a keyword and a name before `{`");
    } else if expected.iter().any(|x| x == "end of line") || wanted == "end of line" {
        diag = diag.with_help("a block ends its statement: start a new line after `}`");
    }
    diag
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer::lex;

    #[test]
    fn statements_nest_and_end_at_line_breaks() {
        let src = "a b { c d\n e { f } }\n g; h";
        let lexed = lex(FileId(0), src);
        let (nodes, errs) = parse_tokens(FileId(0), &lexed.tokens, src.len());
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(nodes.len(), 3);
        let body = nodes[0].body.as_ref().map(|b| b.nodes.len());
        assert_eq!(body, Some(2));
    }

    #[test]
    fn words_are_the_lexers_tokens_in_place() {
        let src = "component api {\n  tech rust\n}\n";
        let lexed = lex(FileId(0), src);
        let (nodes, errs) = parse_tokens(FileId(0), &lexed.tokens, src.len());
        assert!(errs.is_empty(), "{errs:?}");
        assert!(std::ptr::eq(nodes[0].words.as_ptr(), &lexed.tokens[0]));
        let inner = &nodes[0].body.as_ref().map(|b| b.nodes[0].words).unwrap_or_default();
        assert_eq!(inner.iter().map(|(t, _)| t.to_string()).collect::<Vec<_>>(), ["tech", "rust"]);
        assert_eq!(inner[1].1, src.find("rust").map_or(0..0, |at| at..at + 4));
    }

    #[test]
    fn a_broken_statement_does_not_hide_the_next_ones() {
        // The stray `{ x }` parses as a statement without words; `shape` reports it.
        let src = "a { } b\n{ x }\nc { d { } e }\nf\n";
        let lexed = lex(FileId(0), src);
        let (nodes, errs) = parse_tokens(FileId(0), &lexed.tokens, src.len());
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert!(nodes.iter().any(|n| n.words.is_empty() && n.body.is_some()));
        assert!(nodes.iter().any(|n| n.head() == Some("f")));
    }
}
