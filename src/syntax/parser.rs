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
    // Most files are clean: a hand-written pass that gives up at the first surprise builds their
    // tree; only a file it gives up on goes through chumsky, with recovery and rich messages.
    if let Some(nodes) = clean_statements(tokens) {
        return (nodes, Vec::new());
    }
    let input = tokens.map(text_len..text_len, |(t, r)| (t, r));
    let (out, errs) = file_parser::<_, RichExtra<'_, 's>>().parse(input).into_output_errors();
    let diags = errs.into_iter().map(|e| to_diagnostic(file, &e)).collect();
    (out.unwrap_or_default(), diags)
}

/// The statement tree of a file without syntax errors, exactly as [`file_parser`] builds it; `None`
/// at the first token that grammar would not accept there. Iterative, one token at a time: a
/// statement is its words, then a block or nothing, then line breaks, `;`, a `}` or the end.
fn clean_statements<'t>(tokens: &'t [Word<'_>]) -> Option<Vec<Node<'t>>> {
    /// A block being read, and the statement it belongs to.
    struct Open<'t> {
        nodes: Vec<Node<'t>>,
        /// The statement's words, by token index.
        words: Range<usize>,
        brace: usize,
    }
    let is_separator = |i: usize| matches!(tokens.get(i), Some((Token::Newline | Token::Semi, _)));
    let is_word = |i: usize| tokens.get(i).is_some_and(|(t, _)| is_word_token(t));
    let skip_separators = |mut i: usize| {
        while is_separator(i) {
            i += 1;
        }
        i
    };
    let mut top: Vec<Node<'t>> = Vec::new();
    let mut open: Vec<Open<'t>> = Vec::new();
    let mut at = skip_separators(0);
    loop {
        // Where a statement may start.
        let (words, body, end) = match tokens.get(at) {
            None if open.is_empty() => return Some(top),
            Some((Token::RBrace, close)) => {
                let block = open.pop()?;
                let body = Body { nodes: block.nodes, range: tokens[block.brace].1.start..close.end };
                (block.words, Some(body), at + 1)
            }
            Some((Token::LBrace, _)) => {
                open.push(Open { nodes: Vec::with_capacity(BLOCK_LINES), words: at..at, brace: at });
                at = skip_separators(at + 1);
                continue;
            }
            _ if is_word(at) => {
                let mut end = at + 1;
                while is_word(end) {
                    end += 1;
                }
                if matches!(tokens.get(end), Some((Token::LBrace, _))) {
                    open.push(Open { nodes: Vec::with_capacity(BLOCK_LINES), words: at..end, brace: end });
                    at = skip_separators(end + 1);
                    continue;
                }
                // Most statements have no block: built in their list in place, not moved there.
                let after = match tokens.get(end) {
                    Some((Token::Newline | Token::Semi, _)) => skip_separators(end),
                    Some((Token::RBrace, _)) | None => end,
                    Some(_) => return None,
                };
                let node =
                    Node { words: &tokens[at..end], body: None, range: tokens[at].1.start..tokens[after - 1].1.end };
                match open.last_mut() {
                    Some(block) => block.nodes.push(node),
                    None => top.push(node),
                }
                at = after;
                continue;
            }
            // A separator here, or the end inside a block, which the lexer never leaves open.
            _ => return None,
        };
        // The statement is complete; it needs a terminator.
        let after = match tokens.get(end) {
            Some((Token::Newline | Token::Semi, _)) => skip_separators(end),
            Some((Token::RBrace, _)) | None => end,
            Some(_) => return None,
        };
        let start =
            if words.is_empty() { body.as_ref().map_or(0, |b| b.range.start) } else { tokens[words.start].1.start };
        // Chumsky's span ends where the last token consumed ends.
        let range = start..tokens[after - 1].1.end;
        let words: &'t [Word<'t>] = if words.is_empty() { &[] } else { &tokens[words] };
        let node = Node { words, body, range };
        match open.last_mut() {
            Some(block) => block.nodes.push(node),
            None => top.push(node),
        }
        at = after;
    }
}

/// Room for a block's statements from the start: a component's block has a dozen lines or more,
/// and growing from four was a third of this pass. The tree lives only while its file is shaped.
const BLOCK_LINES: usize = 16;

/// A token that is a statement's word: anything but braces and separators. The clean pass and
/// the grammar both ask this, so they agree on what a word is.
fn is_word_token(t: &Token<'_>) -> bool {
    !matches!(t, Token::LBrace | Token::RBrace | Token::Newline | Token::Semi)
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
        let word = any().filter(is_word_token).labelled("a word");
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

    /// The tree chumsky's grammar builds when it finds no error, for comparison.
    fn grammar_tree<'t>(tokens: &'t [Word<'_>], text_len: usize) -> Option<Vec<Node<'t>>> {
        let input = tokens.map(text_len..text_len, |(t, r)| (t, r));
        let out = file_parser::<_, extra::Default>().parse(input);
        if out.has_errors() {
            return None;
        }
        out.into_output()
    }

    fn assert_same_as_grammar(src: &str) {
        let lexed = lex(FileId(0), src);
        let clean = clean_statements(&lexed.tokens);
        let grammar = grammar_tree(&lexed.tokens, src.len());
        assert_eq!(clean, grammar, "for {src:?}");
        if clean.is_none() {
            let (_, errs) = parse_tokens(FileId(0), &lexed.tokens, src.len());
            assert!(!errs.is_empty(), "given up on, then reported: {src:?}");
        }
    }

    #[test]
    fn the_clean_pass_builds_what_the_grammar_builds() {
        for src in [
            "",
            "\n\n;",
            "a",
            "a b c\n",
            "a;b;;c",
            "a {}",
            "a { }\nb",
            "{ x }\nc",
            "{}",
            "a { b { c } d }\n",
            "a {\n b\n}\n\n",
            "a { b; c }; d",
            "a { } b",
            "a { b } { c }",
            "a { b }}",
            "a ( b\n c ) { d -> e,\n f }",
            "a {",
            "a { b",
            "}",
            "a \"s\" 1.5s 2027-01-01 /p ? ' x",
        ] {
            assert_same_as_grammar(src);
        }
    }

    #[test]
    fn the_clean_pass_agrees_with_the_grammar_on_random_token_soup() {
        const PIECES: [&str; 12] = ["a", "b", "{", "}", "\n", ";", " ", "(", ")", "->", ",", "\"s\""];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut clean = 0;
        for _ in 0..20_000 {
            let mut src = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = seed % 24;
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                src.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            assert_same_as_grammar(&src);
            clean += usize::from(clean_statements(&lex(FileId(0), &src).tokens).is_some());
        }
        // Both outcomes are exercised.
        assert!((2_000..18_000).contains(&clean), "{clean} of 20,000 clean");
    }

    #[test]
    fn the_clean_pass_agrees_with_the_grammar_on_every_model_in_the_repository() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stack: Vec<std::path::PathBuf> = [
            "examples",
            "tests/data",
            "tests/support",
            "fuzz/seeds",
            "fuzz/regressions",
            "std",
            "src/cli/starter",
            "editors",
        ]
        .iter()
        .map(|d| root.join(d))
        .collect();
        let mut seen = 0;
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    assert_same_as_grammar(&text);
                    seen += 1;
                }
            }
        }
        assert!(seen > 100, "only {seen} files found");
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
