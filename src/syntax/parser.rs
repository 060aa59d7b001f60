//! Tokens to the generic statement tree, with chumsky. The lexer has already balanced every
//! delimiter, so recovery here only has to skip the rest of a broken statement.

use chumsky::input::{Input as _, ValueInput};
use chumsky::prelude::*;

use super::token::Token;
use super::tree::{Body, Node, Word};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{FileId, Span};

type RichExtra<'t, 's> = extra::Err<Rich<'t, Token<'s>, SimpleSpan>>;

pub fn parse_tokens<'s>(
    file: FileId,
    tokens: &[(Token<'s>, std::ops::Range<usize>)],
    text_len: usize,
) -> (Vec<Node<'s>>, Vec<Diagnostic>) {
    let spanned: Vec<(Token<'s>, SimpleSpan)> = tokens.iter().map(|(t, r)| (*t, SimpleSpan::from(r.clone()))).collect();
    let eoi = SimpleSpan::from(text_len..text_len);
    let input = spanned.as_slice().map(eoi, |(t, s)| (t, s));
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

fn file_parser<'t, 's: 't, I, E>() -> impl Parser<'t, I, Vec<Node<'s>>, E>
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
    E: extra::ParserExtra<'t, I, Context = (), State = ()> + 't,
    E::Error: chumsky::label::LabelError<'t, I, &'static str>
        + chumsky::label::LabelError<'t, I, chumsky::DefaultExpected<'t, Token<'s>>>,
{
    let separator = one_of([Token::Newline, Token::Semi]);
    node_parser().repeated().collect::<Vec<_>>().delimited_by(separator.repeated(), end())
}

fn node_parser<'t, 's: 't, I, E>() -> impl Parser<'t, I, Node<'s>, E> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
    E: extra::ParserExtra<'t, I, Context = (), State = ()> + 't,
    E::Error: chumsky::label::LabelError<'t, I, &'static str>
        + chumsky::label::LabelError<'t, I, chumsky::DefaultExpected<'t, Token<'s>>>,
{
    recursive(|node| {
        let separator = one_of([Token::Newline, Token::Semi]);
        let word = any()
            .filter(|t: &Token<'s>| !matches!(t, Token::LBrace | Token::RBrace | Token::Newline | Token::Semi))
            .map_with(|t, e| -> Word<'s> {
                let span: SimpleSpan = e.span();
                (t, span.into_range())
            })
            .labelled("a word");
        let body = node
            .repeated()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LBrace).then(separator.repeated()), just(Token::RBrace))
            .map_with(|nodes, e| {
                let span: SimpleSpan = e.span();
                Body { nodes, range: span.into_range() }
            })
            .labelled("a block");
        let terminator =
            choice((separator.repeated().at_least(1).ignored(), just(Token::RBrace).rewind().ignored(), end()))
                .labelled("end of line");
        // A statement is words with an optional block, or a stray block (reported by `shape`).
        let statement = word
            .repeated()
            .at_least(1)
            .collect::<Vec<_>>()
            .then(body.clone().or_not())
            .or(body.map(|b| (Vec::new(), Some(b))))
            .then_ignore(terminator)
            .map_with(|(words, body), e| {
                let span: SimpleSpan = e.span();
                Node { words, body, range: span.into_range() }
            });
        // A broken statement is skipped up to the end of its line, jumping over whole blocks.
        let skip_block = nested_delimiters(Token::LBrace, Token::RBrace, [], |_| ());
        let recovery = skip_until(
            skip_block.or(any().filter(|t: &Token<'s>| !matches!(t, Token::RBrace)).ignored()),
            choice((separator.repeated().at_least(1).ignored(), just(Token::RBrace).rewind().ignored(), end())),
            || Node { words: Vec::new(), body: None, range: 0..0 },
        );
        // Only start where a statement can start, so recovery always makes progress.
        any()
            .filter(|t: &Token<'s>| !matches!(t, Token::RBrace | Token::Newline | Token::Semi))
            .rewind()
            .ignore_then(statement.recover_with(recovery))
    })
}

fn to_diagnostic(file: FileId, e: &Rich<'_, Token<'_>, SimpleSpan>) -> Diagnostic {
    let span = Span::new(file, e.span().into_range());
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

    fn parse(src: &str) -> (Vec<Node<'_>>, Vec<Diagnostic>) {
        let lexed = lex(FileId(0), src);
        parse_tokens(FileId(0), &lexed.tokens, src.len())
    }

    #[test]
    fn statements_nest_and_end_at_line_breaks() {
        let (nodes, errs) = parse("a b { c d\n e { f } }\n g; h");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(nodes.len(), 3);
        let body = nodes[0].body.as_ref().map(|b| b.nodes.len());
        assert_eq!(body, Some(2));
    }

    #[test]
    fn a_broken_statement_does_not_hide_the_next_ones() {
        // The stray `{ x }` parses as a statement without words; `shape` reports it.
        let (nodes, errs) = parse("a { } b\n{ x }\nc { d { } e }\nf\n");
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert!(nodes.iter().any(|n| n.words.is_empty() && n.body.is_some()));
        assert!(nodes.iter().any(|n| n.head() == Some("f")));
    }
}
