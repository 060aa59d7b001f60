//! Text to tokens. Hand-written: it also records comments for the formatter, folds line breaks
//! that cannot end a statement, and caps nesting depth so that no later pass can overflow the stack.

use std::cell::Cell;
use std::ops::Range;

use super::token::Token;
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{FileId, Span};

/// Deepest nesting of `{`, `(` and `[` together. Real models use four or five levels.
pub const MAX_DEPTH: usize = 64;

/// Lexer errors kept per file; the rest are summarised in one diagnostic.
pub const MAX_ERRORS: usize = 100;

/// A `//` comment, kept for the formatter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub range: Range<usize>,
    /// True when nothing but whitespace precedes it on its line.
    pub own_line: bool,
}

pub struct Lexed<'s> {
    pub tokens: Vec<(Token<'s>, Range<usize>)>,
    pub comments: Vec<Comment>,
    pub errors: Vec<Diagnostic>,
}

/// Token lists larger than this are freed rather than kept for the next file.
const MAX_SPARE_TOKENS: usize = 1 << 18;

thread_local! {
    /// The token list of the last file lexed on this thread, emptied, for the next file to fill: a
    /// fresh list per file (hundreds of kilobytes) was about 3% of a check at 10,000 components in
    /// page faults alone.
    static SPARE_TOKENS: Cell<Vec<(Token<'static>, Range<usize>)>> = const { Cell::new(Vec::new()) };
}

impl Drop for Lexed<'_> {
    fn drop(&mut self) {
        let mut tokens = std::mem::take(&mut self.tokens);
        if tokens.capacity() > MAX_SPARE_TOKENS {
            return;
        }
        tokens.clear();
        // An empty list borrows no text: collecting its no items in place keeps the allocation
        // under the `'static` type (a `filter` could not change the type).
        #[allow(clippy::unnecessary_filter_map)]
        let spare: Vec<(Token<'static>, Range<usize>)> = tokens.into_iter().filter_map(|_| None).collect();
        SPARE_TOKENS.set(spare);
    }
}

pub fn lex(file: FileId, text: &str) -> Lexed<'_> {
    let mut out: Vec<(Token<'_>, Range<usize>)> = SPARE_TOKENS.take();
    // About one token per six bytes in real models: one allocation for most files.
    out.reserve(text.len() / 6 + 16);
    let mut lx = Lexer {
        file,
        text,
        bytes: text.as_bytes(),
        pos: 0,
        out,
        comments: Vec::new(),
        errors: Vec::new(),
        open: Vec::new(),
        dropped_errors: 0,
    };
    // A UTF-8 byte-order mark is not part of the text.
    if text.starts_with('\u{FEFF}') {
        lx.pos = '\u{FEFF}'.len_utf8();
    }
    lx.run();
    if lx.dropped_errors > 0 {
        let at = Span::new(file, text.len()..text.len());
        lx.errors.push(
            Diagnostic::new(
                codes::TOO_MANY_ERRORS,
                format!("{} more lexical errors not shown", lx.dropped_errors),
                at,
                "reporting stopped before here",
            )
            .with_help("is this really an .arch file? fix the first errors and run again"),
        );
    }
    Lexed { tokens: lx.out, comments: lx.comments, errors: lx.errors }
}

struct Lexer<'s> {
    file: FileId,
    text: &'s str,
    bytes: &'s [u8],
    pos: usize,
    out: Vec<(Token<'s>, Range<usize>)>,
    comments: Vec<Comment>,
    errors: Vec<Diagnostic>,
    /// Open delimiters with their positions, innermost last.
    open: Vec<(u8, usize)>,
    dropped_errors: usize,
}

fn opener_of(closer: u8) -> u8 {
    match closer {
        b'}' => b'{',
        b')' => b'(',
        _ => b'[',
    }
}

fn closer_of(opener: u8) -> u8 {
    match opener {
        b'{' => b'}',
        b'(' => b')',
        _ => b']',
    }
}

fn closer_token(b: u8) -> Token<'static> {
    match b {
        b'{' | b'}' => Token::RBrace,
        b'(' | b')' => Token::RParen,
        _ => Token::RBracket,
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// Letters, digits and `_`, looked up rather than compared: names are most of the text.
const IDENT_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

fn is_ident_char(b: u8) -> bool {
    IDENT_CHARS[b as usize]
}

/// How many bytes from the start of `bytes` are letters, digits or `_`: eight bytes at a time
/// while they last, as names are most of a model's text and a byte-by-byte loop spent a quarter
/// of the lexer's time in them.
fn ident_run_length(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut len = 0;
    while let Some(chunk) = bytes.get(len..len + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // Each byte's low seven bits: the sums below then never carry into the next byte.
        let low = word & !HIGH;
        // A byte's high bit set when it is at least `lo`, and when it is above `hi`.
        let at_least = |lo: u8| low + ONES * u64::from(0x80 - lo);
        let above = |hi: u8| low + ONES * u64::from(0x7f - hi);
        let digit = at_least(b'0') & !above(b'9');
        let lower = low | (ONES * 0x20);
        let letter = (lower + ONES * u64::from(0x80 - b'a')) & !(lower + ONES * u64::from(0x7f - b'z'));
        let underscore = !((low ^ (ONES * u64::from(b'_'))) + ONES * 0x7f);
        // ASCII bytes only: a byte with its high bit set is no name character.
        let name = (digit | letter | underscore) & !word & HIGH;
        if name != HIGH {
            return len + ((!name & HIGH).trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    len + run_length(&bytes[len..], is_ident_char)
}

/// How many bytes from the start of `bytes` satisfy `keep`.
fn run_length(bytes: &[u8], keep: impl Fn(u8) -> bool) -> usize {
    bytes.iter().position(|b| !keep(*b)).unwrap_or(bytes.len())
}

fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_{}-.:~*%!$&'+=/@".contains(&b)
}

impl<'s> Lexer<'s> {
    /// The text from `at` on (empty past the end).
    fn rest(&self, at: usize) -> &'s [u8] {
        self.bytes.get(at..).unwrap_or_default()
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn slice(&self, range: Range<usize>) -> &'s str {
        self.text.get(range).unwrap_or("")
    }

    fn error(&mut self, diag: Diagnostic) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(diag);
        } else {
            self.dropped_errors += 1;
        }
    }

    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range)
    }

    fn push(&mut self, tok: Token<'s>, range: Range<usize>) {
        self.out.push((tok, range));
    }

    fn run(&mut self) {
        loop {
            // Spaces and indentation end nearly every token: skipped here, they take no turn
            // through the match below (an indirect jump the processor often mispredicts).
            self.pos += run_length(self.rest(self.pos), |b| b == b' ' || b == b'\t');
            if self.at_end() {
                break;
            }
            let start = self.pos;
            let b = self.peek(0);
            // Names are most tokens: a plain test finds them before the match does.
            if is_ident_start(b) {
                self.ident();
                continue;
            }
            match b {
                b'\r' if self.peek(1) != b'\n' => {
                    // A lone CR (classic Mac line ending) would otherwise hide the rest of a
                    // commented line's file inside the comment, or join two lines silently.
                    self.pos += 1;
                    self.error(
                        Diagnostic::new(
                            codes::UNEXPECTED_CHARACTER,
                            "a carriage return without a line feed",
                            self.span(start..self.pos),
                            "lone `\\r` line break",
                        )
                        .with_help("save the file with LF or CRLF line endings"),
                    );
                }
                b' ' | b'\t' | b'\r' => {
                    // Indentation comes in runs: skip them here rather than one byte per turn.
                    self.pos += 1 + run_length(self.rest(self.pos + 1), |b| b == b' ' || b == b'\t');
                }
                b'\n' => {
                    self.pos += 1;
                    self.newline(start);
                }
                b'/' if self.peek(1) == b'/' => self.comment(),
                b'"' if self.peek(1) == b'"' && self.peek(2) == b'"' => self.text_block(),
                b'"' => self.string(),
                b'0'..=b'9' => self.number(),
                b'/' => {
                    self.pos += 1;
                    while is_path_char(self.peek(0)) {
                        self.pos += 1;
                    }
                    let s = self.slice(start..self.pos);
                    self.push(Token::Path(s), start..self.pos);
                }
                _ if is_ident_start(b) => self.ident(),
                b'{' | b'(' | b'[' => {
                    self.pos += 1;
                    if self.open.len() >= MAX_DEPTH {
                        self.too_deep(start);
                        break;
                    }
                    self.open.push((b, start));
                    let tok = match b {
                        b'{' => Token::LBrace,
                        b'(' => Token::LParen,
                        _ => Token::LBracket,
                    };
                    self.push(tok, start..self.pos);
                }
                b'}' | b')' | b']' => {
                    self.pos += 1;
                    self.close(b, start);
                }
                b'-' if self.peek(1) == b'>' => {
                    self.pos += 2;
                    self.push(Token::Arrow, start..self.pos);
                }
                b'~' if self.peek(1) == b'>' => {
                    self.pos += 2;
                    self.push(Token::AsyncArrow, start..self.pos);
                }
                b'<' | b'>' => {
                    self.pos += 1;
                    let tok = if self.peek(0) == b'=' {
                        self.pos += 1;
                        if b == b'<' {
                            Token::Le
                        } else {
                            Token::Ge
                        }
                    } else if b == b'<' {
                        Token::Lt
                    } else {
                        Token::Gt
                    };
                    self.push(tok, start..self.pos);
                }
                b',' => self.single(Token::Comma),
                b':' => self.single(Token::Colon),
                b';' => self.single(Token::Semi),
                b'@' => self.single(Token::At),
                b'=' => self.single(Token::Eq),
                b'?' => self.single(Token::Hole),
                _ => self.garbage(),
            }
        }
        self.finish();
    }

    /// Keeps the token stream balanced: a closer that matches an opener further out closes the
    /// unclosed ones in between (each reported); a closer that matches nothing is reported and dropped.
    fn close(&mut self, b: u8, start: usize) {
        let want = opener_of(b);
        let Some(depth) = self.open.iter().rposition(|o| o.0 == want) else {
            let what = char::from(b);
            self.error(
                Diagnostic::new(
                    codes::UNEXPECTED_TOKEN,
                    format!("unexpected `{what}`"),
                    self.span(start..start + 1),
                    "this closes nothing",
                )
                .with_help(format!("remove it, or add the matching `{}` before it", char::from(want))),
            );
            return;
        };
        while self.open.len() > depth + 1 {
            if let Some((inner, at)) = self.open.pop() {
                self.unclosed(inner, at, Some(start));
                self.push(closer_token(inner), start..start);
            }
        }
        self.open.pop();
        self.push(closer_token(b), start..start + 1);
    }

    fn unclosed(&mut self, opener: u8, at: usize, closed_by: Option<usize>) {
        let closer = char::from(closer_of(opener));
        let mut diag = Diagnostic::new(
            codes::UNCLOSED_DELIMITER,
            format!("unclosed `{}`", char::from(opener)),
            self.span(at..at + 1),
            format!("this `{}` is never closed", char::from(opener)),
        )
        .with_help(format!("add the missing `{closer}`"));
        if let Some(other) = closed_by {
            diag = diag.with_secondary(self.span(other..other + 1), "an outer block ends here");
        }
        self.error(diag);
    }

    fn finish(&mut self) {
        let end = self.bytes.len();
        while let Some((b, at)) = self.open.pop() {
            self.unclosed(b, at, None);
            self.push(closer_token(b), end..end);
        }
    }

    fn single(&mut self, tok: Token<'s>) {
        let start = self.pos;
        self.pos += 1;
        self.push(tok, start..self.pos);
    }

    /// Emits a line break unless it cannot end a statement: inside `(`/`[`, after a separator or an
    /// arrow, or right after another line break.
    fn newline(&mut self, start: usize) {
        if matches!(self.open.last(), Some((b'(' | b'[', _))) {
            return;
        }
        let continues = matches!(
            self.out.last(),
            None | Some((
                Token::Newline
                    | Token::Comma
                    | Token::Arrow
                    | Token::AsyncArrow
                    | Token::LBrace
                    | Token::Semi
                    | Token::At,
                _
            ))
        );
        if !continues {
            self.push(Token::Newline, start..start + 1);
        }
    }

    fn comment(&mut self) {
        let start = self.pos;
        loop {
            self.pos += run_length(self.rest(self.pos), |b| b != b'\n' && b != b'\r');
            // A CR ends the comment only when it is a line break of its own.
            if self.peek(0) == b'\r' && self.peek(1) == b'\n' {
                self.pos += 1;
                continue;
            }
            break;
        }
        // Comments end at a line break, which is ASCII, so the range is on char boundaries.
        let line_start = self.text.get(..start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let own_line = self.bytes.get(line_start..start).is_some_and(|p| p.iter().all(|b| *b == b' ' || *b == b'\t'));
        self.comments.push(Comment { range: start..self.pos, own_line });
    }

    fn string(&mut self) {
        let start = self.pos;
        self.pos += 1;
        loop {
            self.pos += run_length(self.rest(self.pos), |b| !matches!(b, b'"' | b'\\' | b'\n'));
            match self.peek(0) {
                0 if self.at_end() => break,
                b'\n' => break,
                b'"' => {
                    self.pos += 1;
                    let s = self.slice(start..self.pos);
                    self.push(Token::Str(s), start..self.pos);
                    return;
                }
                b'\\' => {
                    let esc = self.pos;
                    self.pos += 1;
                    match self.peek(0) {
                        b'"' | b'\\' | b'n' | b't' | b'r' | b'0' => self.pos += 1,
                        b'\n' => {}
                        0 if self.at_end() => {}
                        _ => {
                            let end = self.next_char_end(self.pos);
                            self.error(
                                Diagnostic::new(
                                    codes::INVALID_ESCAPE,
                                    "unknown escape sequence",
                                    self.span(esc..end),
                                    "not a valid escape",
                                )
                                .with_help(r#"use one of \" \\ \n \t \r \0"#),
                            );
                            self.pos = end;
                        }
                    }
                }
                _ => self.pos += 1,
            }
        }
        self.error(
            Diagnostic::new(
                codes::UNTERMINATED_STRING,
                "unterminated string",
                self.span(start..self.pos),
                "this string is never closed",
            )
            .with_help("add a closing `\"` before the end of the line, or use a `\"\"\"` text block for several lines"),
        );
        self.push(Token::Error, start..self.pos);
    }

    fn text_block(&mut self) {
        let start = self.pos;
        self.pos += 3;
        while !self.at_end() {
            if self.peek(0) == b'"' && self.peek(1) == b'"' && self.peek(2) == b'"' {
                self.pos += 3;
                let s = self.slice(start..self.pos);
                self.push(Token::TextBlock(s), start..self.pos);
                return;
            }
            self.pos += 1;
        }
        self.error(
            Diagnostic::new(
                codes::UNTERMINATED_STRING,
                "unterminated text block",
                self.span(start..start + 3),
                "this text block is never closed",
            )
            .with_help("close it with `\"\"\"`"),
        );
        self.push(Token::Error, start..self.pos);
    }

    fn number(&mut self) {
        let start = self.pos;
        // Dates first: exactly `dddd-dd-dd`.
        let date = self.bytes.get(start..start + 10).is_some_and(|d| {
            d.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
        }) && !is_ident_char(self.peek(10));
        let date_like = self.bytes.get(start..start + 10).is_some_and(|d| {
            d.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
        });
        if date_like && !date {
            // `2027-01-31x`: one malformed date, not a number followed by debris.
            self.pos += 10;
            while is_ident_char(self.peek(0)) {
                self.pos += 1;
            }
            let s = self.slice(start..self.pos);
            self.push(Token::Date(s), start..self.pos);
            return;
        }
        if date {
            self.pos += 10;
            let s = self.slice(start..self.pos);
            self.push(Token::Date(s), start..self.pos);
            return;
        }
        while self.peek(0).is_ascii_digit() || self.peek(0) == b'_' {
            self.pos += 1;
        }
        if self.peek(0) == b'.' && self.peek(1).is_ascii_digit() {
            self.pos += 1;
            while self.peek(0).is_ascii_digit() || self.peek(0) == b'_' {
                self.pos += 1;
            }
        }
        // The unit: `%`, `/unit` or letters.
        if self.peek(0) == b'%' {
            self.pos += 1;
        } else if self.peek(0) == b'/' && self.peek(1).is_ascii_alphabetic() {
            self.pos += 1;
            while self.peek(0).is_ascii_alphabetic() {
                self.pos += 1;
            }
        } else {
            while is_ident_char(self.peek(0)) {
                self.pos += 1;
            }
            // A counted rate: `6K/s`.
            if self.peek(0) == b'/' && self.peek(1).is_ascii_alphabetic() {
                self.pos += 1;
                while self.peek(0).is_ascii_alphabetic() {
                    self.pos += 1;
                }
            }
        }
        let s = self.slice(start..self.pos);
        self.push(Token::Num(s), start..self.pos);
    }

    fn ident(&mut self) {
        let start = self.pos;
        let mut end = start;
        loop {
            end += ident_run_length(self.rest(end));
            // A hyphen joins words (`cross-cutting`) but `a->b` is an arrow; a dot qualifies names.
            match self.bytes.get(end..end + 2) {
                Some(&[b'-' | b'.', next]) if is_ident_char(next) => end += 1,
                _ => break,
            }
        }
        self.pos = end;
        let s = self.slice(start..self.pos);
        self.push(Token::Ident(s), start..self.pos);
    }

    fn next_char_end(&self, at: usize) -> usize {
        let mut end = at + 1;
        while end < self.bytes.len() && !self.text.is_char_boundary(end) {
            end += 1;
        }
        end.min(self.bytes.len())
    }

    /// A run of characters that start no token, reported once.
    fn garbage(&mut self) {
        let start = self.pos;
        let first = self.peek(0);
        let mut end = self.next_char_end(start);
        if first == b'\'' {
            // A single-quoted string: one error for the whole of it.
            let close = self.bytes[end..].iter().position(|b| *b == b'\'' || *b == b'\n');
            if let Some(i) = close.filter(|i| self.bytes.get(end + i) == Some(&b'\'')) {
                end += i + 1;
            }
        } else if first == b'-' && self.peek(1).is_ascii_digit() {
            // A negative number: swallow its digits and unit too.
            while end < self.bytes.len()
                && (self.bytes[end].is_ascii_alphanumeric() || b"._%/".contains(&self.bytes[end]))
            {
                end += 1;
            }
        }
        while end < self.bytes.len() {
            let b = self.bytes.get(end).copied().unwrap_or(b' ');
            let starts_token =
                b.is_ascii_whitespace() || b.is_ascii_alphanumeric() || b"_\"{}()[],:;@=?/<>".contains(&b);
            if starts_token {
                break;
            }
            end = self.next_char_end(end);
        }
        self.pos = end;
        let shown: String = self
            .slice(start..end)
            .chars()
            .take(24)
            .flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
            .collect();
        let mut diag = Diagnostic::new(
            codes::UNEXPECTED_CHARACTER,
            format!(
                "unexpected character{} `{shown}`",
                if self.slice(start..end).chars().count() > 1 { "s" } else { "" }
            ),
            self.span(start..end),
            "not part of the language",
        );
        let first = self.slice(start..end).chars().next().unwrap_or(' ');
        diag = match first {
            '#' => diag.with_help("comments start with `//`"),
            '\'' => diag.with_help("strings use double quotes: \"like this\""),
            '-' => diag.with_help("numbers cannot be negative; `->` is a synchronous step"),
            '\0' => diag.with_help("the file contains NUL bytes; is it a binary file?"),
            c if !c.is_ascii() => diag.with_help("names are ASCII; put other text inside a string"),
            _ => diag,
        };
        self.error(diag);
        self.push(Token::Error, start..end);
    }

    /// Stops lexing at a delimiter nested too deep, closing the open ones so the tree stays
    /// well-formed and only this one problem is reported.
    fn too_deep(&mut self, at: usize) {
        self.error(
            Diagnostic::new(
                codes::NESTING_TOO_DEEP,
                format!("nesting deeper than {MAX_DEPTH} levels"),
                self.span(at..at + 1),
                "too deep",
            )
            .with_help("flatten the structure; the rest of the file was not read")
            .with_note("`{`, `(` and `[` count together"),
        );
        while let Some((b, _)) = self.open.pop() {
            self.push(closer_token(b), at..at);
        }
        self.pos = self.bytes.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        lex(FileId(0), src).tokens.iter().map(|(t, _)| t.to_string()).collect()
    }

    #[test]
    fn arrows_hyphens_paths_and_units() {
        assert_eq!(kinds("a->b-c ~> d"), ["a", "->", "b-c", "~>", "d"]);
        assert_eq!(
            kinds("GET /orders/{id} 200/s 1.5s 99.9% 2027-01-31"),
            ["GET", "/orders/{id}", "200/s", "1.5s", "99.9%", "2027-01-31"]
        );
        assert_eq!(kinds("import std.tech // c\nx"), ["import", "std.tech", "\\n", "x"]);
    }

    #[test]
    fn names_end_where_a_hyphen_or_dot_joins_nothing() {
        assert_eq!(
            kinds("a- b. c.d-e f--g h_1.x"),
            ["a", "<error>", "b", "<error>", "c.d-e", "f", "<error>", "g", "h_1.x"]
        );
        assert_eq!(kinds("end-"), ["end", "<error>"]);
        assert_eq!(kinds("x.y"), ["x.y"]);
    }

    #[test]
    fn comments_and_strings_end_at_the_right_byte() {
        let src = "a // one\r\nb // two\rc \"s\\\"t\\n\u{0}u\" \"open\nd";
        let lexed = lex(FileId(0), src);
        let ranges: Vec<&str> = lexed.comments.iter().map(|c| &src[c.range.clone()]).collect();
        assert_eq!(ranges, ["// one\r", "// two"]);
        let strings: Vec<&str> = lexed
            .tokens
            .iter()
            .filter(|(t, _)| matches!(t, Token::Str(_) | Token::Error))
            .map(|(_, r)| &src[r.clone()])
            .collect();
        assert_eq!(strings, ["\"s\\\"t\\n\u{0}u\"", "\"open"]);
        let codes: Vec<_> = lexed.errors.iter().map(|e| e.code.id).collect();
        assert_eq!(codes, [codes::UNEXPECTED_CHARACTER.id, codes::UNTERMINATED_STRING.id]);
    }

    #[test]
    fn the_next_file_fills_the_token_list_of_the_last() {
        let first = lex(FileId(0), "component a {\n  tech rust\n}\n");
        let at = first.tokens.as_ptr() as usize;
        let capacity = first.tokens.capacity();
        drop(first);
        let second = lex(FileId(1), "team t");
        assert_eq!((second.tokens.as_ptr() as usize, second.tokens.capacity()), (at, capacity));
        assert_eq!(second.tokens.iter().map(|(t, _)| t.to_string()).collect::<Vec<_>>(), ["team", "t"]);
    }

    #[test]
    fn names_are_measured_eight_bytes_at_a_time_as_byte_by_byte() {
        // Every byte value at every place of a run, with runs longer and shorter than eight.
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 23] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let bytes: Vec<u8> = bytes.into_iter().chain(*b"_Zz09 x").collect();
                    assert_eq!(
                        ident_run_length(&bytes),
                        run_length(&bytes, is_ident_char),
                        "byte {b} at {at} of {len}"
                    );
                }
            }
        }
        assert_eq!(ident_run_length(b"retention_policy_7Days\n"), 22);
        assert_eq!(ident_run_length(b""), 0);
    }

    #[test]
    fn line_breaks_after_commas_do_not_end_statements() {
        assert_eq!(kinds("owns A,\n  B\n\n\nx"), ["owns", "A", ",", "B", "\\n", "x"]);
    }

    #[test]
    fn deep_nesting_is_cut_with_one_error() {
        let src = "{".repeat(50_000);
        let lexed = lex(FileId(0), &src);
        assert_eq!(lexed.errors.len(), 1);
        assert_eq!(lexed.errors[0].code, codes::NESTING_TOO_DEEP);
        let opens = lexed.tokens.iter().filter(|t| t.0 == Token::LBrace).count();
        let closes = lexed.tokens.iter().filter(|t| t.0 == Token::RBrace).count();
        assert_eq!(opens, closes);
    }

    #[test]
    fn unbalanced_closers_are_repaired_and_reported() {
        let lexed = lex(FileId(0), "a { b ( c } d }");
        let codes: Vec<_> = lexed.errors.iter().map(|e| e.code.id).collect();
        assert_eq!(codes, ["SYN005", "SYN004"]);
        let toks: Vec<String> = lexed.tokens.iter().map(|(t, _)| t.to_string()).collect();
        assert_eq!(toks, ["a", "{", "b", "(", "c", ")", "}", "d"]);
    }

    #[test]
    fn single_quoted_strings_and_negative_numbers_are_one_error_each() {
        let lexed = lex(FileId(0), "summary 'hello there' replicas -12ms é");
        let msgs: Vec<&str> = lexed.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            ["unexpected characters `'hello there'`", "unexpected characters `-12ms`", "unexpected character `é`"]
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let lexed = lex(FileId(0), "\u{FEFF}team t");
        assert!(lexed.errors.is_empty(), "{:?}", lexed.errors);
        assert_eq!(lexed.tokens.len(), 2);
    }

    #[test]
    fn garbage_runs_are_reported_once() {
        let lexed = lex(FileId(0), "a ### b \u{0}\u{0} c");
        assert_eq!(lexed.errors.len(), 2);
        assert!(lexed.errors[0].help.as_deref().unwrap_or("").contains("//"));
    }
}
