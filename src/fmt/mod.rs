//! `archc fmt`: one canonical layout. Two-space indentation, one attribute per line, blocks always
//! open on the header line, at most one blank line kept between items, comments kept where they
//! were. Works on the syntax tree and the schema only; files with syntax errors are refused rather
//! than mangled.

use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::syntax::lexer::Comment;
use crate::syntax::schema::{self, AttrSpec, DeclKind, DeclSpec, Statements};
use crate::syntax::shape::split_attributes;
use crate::syntax::token::Token;
use crate::syntax::tree::{Body, Node, Word};

/// Formats one file. Returns the syntax errors instead when the file does not parse cleanly.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (parse, printed) = crate::syntax::parse_with_tree(file, text, |parse, nodes| {
        if !parse.errors.is_empty() {
            return None;
        }
        let mut p = Printer {
            text,
            comments: &parse.comments,
            next_comment: 0,
            out: String::new(),
            last_end: 0,
            block_start: true,
        };
        for node in nodes {
            p.top_level(node);
        }
        p.comments_before(text.len(), 0);
        if !p.out.is_empty() && !p.out.ends_with('\n') {
            p.out.push('\n');
        }
        Some(p.out)
    });
    printed.ok_or(parse.errors)
}

/// What governs the lines inside a block.
#[derive(Clone, Copy)]
enum Context {
    Decl(&'static DeclSpec),
    Attrs(&'static [AttrSpec]),
}

struct Printer<'a> {
    text: &'a str,
    comments: &'a [Comment],
    next_comment: usize,
    out: String,
    /// End offset of the last source text printed.
    last_end: usize,
    /// Nothing printed yet in the current block (no blank line wanted).
    block_start: bool,
}

impl Printer<'_> {
    fn raw(&self, w: &Word<'_>) -> &str {
        self.text.get(w.1.clone()).unwrap_or("")
    }

    /// Whether the source has a blank line between the last printed text and `pos`.
    fn blank_before(&self, pos: usize) -> bool {
        let gap = self.text.get(self.last_end.min(pos)..pos).unwrap_or("");
        let lines: Vec<&str> = gap.split('\n').collect();
        lines.len() > 2 && lines[1..lines.len() - 1].iter().any(|l| l.trim().is_empty())
    }

    fn start_line(&mut self, pos: usize, indent: usize) {
        if !self.block_start && self.blank_before(pos) {
            self.out.push('\n');
        }
        self.block_start = false;
        for _ in 0..indent {
            self.out.push_str("  ");
        }
    }

    /// Prints the comments that start before `pos`: on the previous line's end if they were there
    /// in the source, else on their own line.
    fn comments_before(&mut self, pos: usize, indent: usize) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.range.start >= pos {
                break;
            }
            self.next_comment += 1;
            let body = self.text.get(c.range.clone()).unwrap_or("").trim_end();
            let same_line = !c.own_line
                && !self.text.get(self.last_end.min(c.range.start)..c.range.start).unwrap_or("\n").contains('\n');
            if same_line && self.out.ends_with('\n') && !self.block_start_line() {
                self.out.pop();
                self.out.push(' ');
                self.out.push_str(body);
                self.out.push('\n');
            } else {
                self.start_line(c.range.start, indent);
                self.out.push_str(body);
                self.out.push('\n');
            }
            self.last_end = c.range.end;
        }
    }

    /// True when the output is empty (a trailing comment needs a line to trail).
    fn block_start_line(&self) -> bool {
        self.out.is_empty()
    }

    /// Prints a statement's words. A comment written between two of its words (a statement
    /// continued over lines) stays where it was, and the statement goes on on the next line.
    fn words(&mut self, words: &[Word<'_>], indent: usize) {
        let mut prev: Option<&Token<'_>> = None;
        for w in words {
            if prev.is_some() && self.comment_within(w.1.start) {
                self.inner_comments(w.1.start, indent + 1);
                prev = None;
            }
            let space = !matches!(
                (prev, &w.0),
                (None, _)
                    | (_, Token::Comma | Token::Colon | Token::RParen | Token::RBracket | Token::LBracket | Token::At)
                    | (Some(Token::LParen | Token::LBracket | Token::At), _)
            );
            if space {
                self.out.push(' ');
            }
            let raw = self.raw(w).to_string();
            self.out.push_str(&raw);
            prev = Some(&w.0);
            self.last_end = w.1.end;
        }
    }

    fn line(&mut self, words: &[Word<'_>], indent: usize) {
        if let Some(first) = words.first() {
            self.comments_before(first.1.start, indent);
            self.start_line(first.1.start, indent);
        }
        self.words(words, indent);
        self.trailing_comment();
        self.out.push('\n');
    }

    fn comment_within(&self, pos: usize) -> bool {
        self.comments.get(self.next_comment).is_some_and(|c| c.range.start < pos)
    }

    /// Prints the comments before `pos` inside a statement, each ending its line, and indents
    /// the statement's next line.
    fn inner_comments(&mut self, pos: usize, indent: usize) {
        while let Some(c) = self.comments.get(self.next_comment).filter(|c| c.range.start < pos) {
            self.next_comment += 1;
            let body = self.text.get(c.range.clone()).unwrap_or("").trim_end();
            if c.own_line {
                self.out.push('\n');
                self.out.push_str(&"  ".repeat(indent));
            } else {
                self.out.push(' ');
            }
            self.out.push_str(body);
            self.out.push('\n');
            self.out.push_str(&"  ".repeat(indent));
            self.last_end = c.range.end;
        }
    }

    /// Appends the comment written after the last printed word on the same source line, so
    /// that splitting a line or opening a block does not move it to another line.
    fn trailing_comment(&mut self) {
        let Some(c) = self.comments.get(self.next_comment) else { return };
        let gap = self.text.get(self.last_end.min(c.range.start)..c.range.start).unwrap_or("\n");
        if c.own_line || !gap.chars().all(|ch| ch == ' ' || ch == '\t') {
            return;
        }
        self.next_comment += 1;
        self.out.push(' ');
        self.out.push_str(self.text.get(c.range.clone()).unwrap_or("").trim_end());
        self.last_end = c.range.end;
    }

    fn top_level(&mut self, node: &Node<'_>) {
        let spec = node.head().and_then(DeclKind::from_keyword).map(DeclKind::spec);
        match spec {
            Some(spec) => self.decl(node, spec, 0),
            None => self.plain(node, 0, None),
        }
    }

    /// A statement printed as written (steps, endpoints, fields, imports, accepts), with its block.
    fn plain(&mut self, node: &Node<'_>, indent: usize, ctx: Option<Context>) {
        self.line(node.words, indent);
        if let Some(body) = &node.body {
            let ctx = ctx.unwrap_or(Context::Attrs(schema::ACCEPT_ATTRS));
            self.reopen_last_line();
            self.body(body, ctx, indent);
        }
    }

    /// Turns the last printed line `x` into `x {`.
    fn reopen_last_line(&mut self) {
        if self.out.ends_with('\n') {
            self.out.pop();
        }
        self.out.push_str(" {\n");
        self.block_start = true;
    }

    fn decl(&mut self, node: &Node<'_>, spec: &'static DeclSpec, indent: usize) {
        let words = &node.words;
        let mut h = 2.min(words.len());
        if matches!(words.get(h), Some((Token::Str(_) | Token::TextBlock(_), _))) {
            h += 1;
        }
        if spec.variants.is_some() {
            if let Some((Token::Ident(v), _)) = words.get(h) {
                if spec.attr(v).is_none() {
                    h += 1;
                }
            }
        }
        let (runs, _) = split_attributes(words, h, spec.attrs);
        self.line(&words[..h], indent);
        let has_body = node.body.as_ref().is_some_and(|b| !b.nodes.is_empty() || self.has_comments_in(b));
        if runs.is_empty() && !has_body {
            return;
        }
        self.reopen_last_line();
        for r in &runs {
            self.line(&words[r.clone()], indent + 1);
        }
        match &node.body {
            Some(body) => self.body_contents(body, Context::Decl(spec), indent),
            None => self.close(indent, None),
        }
    }

    fn has_comments_in(&self, body: &Body<'_>) -> bool {
        self.comments.iter().any(|c| c.range.start > body.range.start && c.range.start < body.range.end)
    }

    fn body(&mut self, body: &Body<'_>, ctx: Context, indent: usize) {
        self.body_contents(body, ctx, indent);
    }

    fn body_contents(&mut self, body: &Body<'_>, ctx: Context, indent: usize) {
        // Comments right after `{` trail the header line.
        if let Some(first) = body.nodes.first() {
            self.comments_before(first.range.start, indent + 1);
        }
        for child in &body.nodes {
            self.member(child, ctx, indent + 1);
        }
        self.close(indent, Some(body.range.end.saturating_sub(1)));
    }

    fn close(&mut self, indent: usize, brace: Option<usize>) {
        if let Some(pos) = brace {
            self.comments_before(pos, indent + 1);
            self.last_end = self.last_end.max(pos);
        }
        for _ in 0..indent {
            self.out.push_str("  ");
        }
        self.out.push_str("}\n");
        self.block_start = false;
        if let Some(pos) = brace {
            self.last_end = pos + 1;
        }
    }

    fn member(&mut self, node: &Node<'_>, ctx: Context, indent: usize) {
        let attrs = match ctx {
            Context::Attrs(attrs) => attrs,
            Context::Decl(spec) => {
                let head = node.head().unwrap_or("");
                let is_step = matches!(node.words.get(1), Some((Token::Arrow | Token::AsyncArrow, _)));
                let statement = match spec.statements {
                    Statements::Steps => is_step,
                    Statements::Endpoints => schema::HTTP_METHODS.contains(&head) || head == "op",
                    Statements::Fields => head == "field",
                    Statements::None => false,
                };
                if statement {
                    return self.plain(node, indent, None);
                }
                if let Some(kind) = spec.nested.iter().find(|k| k.keyword() == head) {
                    return self.decl(node, kind.spec(), indent);
                }
                spec.attrs
            }
        };
        let (runs, _) = split_attributes(node.words, 0, attrs);
        let count = runs.len();
        for (i, r) in runs.into_iter().enumerate() {
            let last = i + 1 == count;
            self.line(&node.words[r.clone()], indent);
            if last {
                if let Some(body) = &node.body {
                    let name = node.words.get(r.start).map(|w| self.raw(w).to_string()).unwrap_or_default();
                    let sub = schema::find_attr(attrs, &name).and_then(|a| a.block).unwrap_or(&[]);
                    self.reopen_last_line();
                    self.body(body, Context::Attrs(sub), indent);
                }
            }
        }
    }
}
