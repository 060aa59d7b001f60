//! Gives the generic statement tree its meaning: declarations, attributes split by the schema,
//! steps, endpoints and fields, with every value's type checked except references.

use smol_str::SmolStr;
use std::ops::Range;

use super::ast::*;
use super::literal::{self, Literal};
use super::schema::{self, Arity, AttrSpec, DeclKind, DeclSpec, Param, Statements, Ty};
use super::token::Token;
use super::tree::{Body, Node, Word};
use crate::diagnostics::{codes, did_you_mean, quoted, Code, Diagnostic};
use crate::source::{FileId, Span};

pub fn shape(file: FileId, nodes: &[Node<'_>]) -> (SourceAst, Vec<Diagnostic>) {
    let mut sh = Shaper { file, errors: Vec::new() };
    let mut items = Vec::with_capacity(nodes.len());
    for node in nodes {
        sh.item(node, &mut items);
    }
    (SourceAst { items }, sh.errors)
}

/// What a line of a declaration's block is, decided by its first words and the declaration's
/// spec. [`reserve_members`] classifies each line once and hands its kind to [`Shaper::member`],
/// so the two always agree.
#[derive(Clone, Copy)]
enum Line {
    Step,
    Endpoint,
    Field,
    Child(DeclKind),
    /// Attributes, or an error `member` reports.
    Other,
}

fn classify(node: &Node<'_>, spec: &DeclSpec) -> Line {
    let Some((Token::Ident(head), _)) = node.words.first() else { return Line::Other };
    let is_step = matches!(node.words.get(1), Some((Token::Arrow | Token::AsyncArrow, _)));
    match spec.statements {
        Statements::Steps if is_step => return Line::Step,
        Statements::Endpoints if schema::HTTP_METHODS.contains(head) || *head == "op" => return Line::Endpoint,
        Statements::Fields if *head == "field" => return Line::Field,
        _ => {}
    }
    // Most kinds nest nothing: no keyword to compare.
    match spec.nested.iter().find(|k| schema::same_word(k.keyword(), head)) {
        Some(kind) => Line::Child(*kind),
        None => Line::Other,
    }
}

/// Sizes a declaration's lists from the lines of its block, as [`Shaper::member`] will sort
/// them, so that each is allocated once and holds no spare room: the batch run keeps every file's
/// tree until resolution. A line with several attributes only makes its list grow once more.
/// Returns each line's kind, for [`Shaper::member`] to sort it by without asking again.
fn reserve_members(members: &mut Members, spec: &DeclSpec, nodes: &[Node<'_>]) -> smallvec::SmallVec<[Line; 32]> {
    let (mut attrs, mut children, mut steps, mut endpoints, mut fields) = (0, 0, 0, 0, 0);
    let mut lines = smallvec::SmallVec::with_capacity(nodes.len());
    for node in nodes {
        let line = classify(node, spec);
        lines.push(line);
        if !matches!(node.words.first(), Some((Token::Ident(_), _))) {
            continue;
        }
        match line {
            Line::Step => steps += 1,
            Line::Endpoint => endpoints += 1,
            Line::Field => fields += 1,
            Line::Child(_) => children += 1,
            Line::Other => attrs += 1,
        }
    }
    members.attrs.reserve_exact(attrs);
    members.children.reserve_exact(children);
    members.steps.reserve_exact(steps);
    members.endpoints.reserve_exact(endpoints);
    members.fields.reserve_exact(fields);
    lines
}

/// A declaration's attributes, nested declarations and statements while its block is read; they
/// become the declaration's boxed and thin lists at the end.
#[derive(Default)]
struct Members {
    attrs: Vec<Attr>,
    children: Vec<Decl>,
    steps: Vec<Step>,
    endpoints: Vec<Endpoint>,
    fields: Vec<Field>,
}

/// Splits the words `from..` of a statement into runs that each start with an attribute name,
/// consuming each attribute's values by its spec. Returns the runs and, if a run could not start,
/// the index of the offending word. The formatter uses the same split to put one attribute per line.
pub fn split_attributes(
    words: &[Word<'_>],
    from: usize,
    attrs: &'static [AttrSpec],
) -> (Vec<Range<usize>>, Option<usize>) {
    let mut runs = Vec::new();
    let mut i = from;
    while i < words.len() {
        match attribute_run(words, i, attrs) {
            Some((_, run)) => {
                i = run.end;
                runs.push(run);
            }
            None => return (runs, Some(i)),
        }
    }
    (runs, None)
}

/// The attribute starting at word `i` and the run of words it takes, if an attribute of `attrs`
/// starts there.
fn attribute_run(
    words: &[Word<'_>],
    i: usize,
    attrs: &'static [AttrSpec],
) -> Option<(&'static AttrSpec, Range<usize>)> {
    let Some((Token::Ident(name), _)) = words.get(i) else { return None };
    let spec = schema::find_attr(attrs, name)?;
    let mut end = i + 1;
    for p in spec.params {
        end = consume_param(words, end, p);
    }
    Some((spec, i..end))
}

fn is_value(tok: &Token<'_>) -> bool {
    matches!(
        tok,
        Token::Ident(_)
            | Token::Str(_)
            | Token::TextBlock(_)
            | Token::Num(_)
            | Token::Date(_)
            | Token::Path(_)
            | Token::Hole
            | Token::Error
    )
}

fn consume_param(words: &[Word<'_>], mut i: usize, p: &Param) -> usize {
    let take = |i: usize| -> bool {
        match words.get(i) {
            Some((tok, _)) if is_value(tok) => match (p.optional, p.ty, tok) {
                (true, Ty::Enum(vals), Token::Ident(w)) => vals.contains(w),
                (true, _, _) => false,
                _ => true,
            },
            _ => false,
        }
    };
    if p.arity == Arity::Flag || !take(i) {
        return i;
    }
    i += 1;
    if p.arity == Arity::List {
        while matches!(words.get(i), Some((Token::Comma, _))) && take(i + 1) {
            i += 2;
        }
    }
    i
}

struct Shaper {
    file: FileId,
    errors: Vec<Diagnostic>,
}

impl Shaper {
    fn span(&self, r: &Range<usize>) -> Span {
        Span::new(self.file, r.clone())
    }

    fn word_span(&self, w: &Word<'_>) -> Span {
        self.span(&w.1)
    }

    fn words_span(&self, words: &[Word<'_>]) -> Option<Span> {
        let first = words.first()?;
        let last = words.last()?;
        Some(self.span(&(first.1.start..last.1.end)))
    }

    fn error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    fn err(&mut self, code: Code, msg: impl Into<String>, span: Span, label: impl Into<String>) -> &mut Diagnostic {
        self.errors.push(Diagnostic::new(code, msg, span, label));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn ident(&self, w: &Word<'_>) -> Option<Ident> {
        match w.0 {
            Token::Ident(s) => Some(Ident { text: smol(s), span: self.word_span(w) }),
            _ => None,
        }
    }

    /// Reports a `{ ... }` that follows no statement; recovery leaves empty nodes, already reported.
    /// Asked of every line: the test is inline, the report out of line.
    #[inline]
    fn stray_block(&mut self, node: &Node<'_>) -> bool {
        if !node.words.is_empty() {
            return false;
        }
        self.report_stray_block(node);
        true
    }

    #[cold]
    #[inline(never)]
    fn report_stray_block(&mut self, node: &Node<'_>) {
        if let Some(b) = &node.body {
            self.err(
                codes::UNEXPECTED_BODY,
                "a block without a statement",
                self.span(&b.range),
                "this block belongs to nothing",
            )
            .help = Some("put it after a declaration such as `component name`, or remove the braces".into());
        }
    }

    /// The item `node` declares, pushed onto `items`; nothing when it is an error.
    fn item(&mut self, node: &Node<'_>, items: &mut Vec<Item>) {
        if self.stray_block(node) {
            return;
        }
        let Some(first) = node.words.first() else { return };
        let Token::Ident(head) = first.0 else {
            let found = first.0.describe();
            self.err(
                codes::UNKNOWN_DECLARATION,
                format!("expected a declaration, found {found}"),
                self.word_span(first),
                "not a declaration",
            )
            .help = Some("a file holds declarations such as `component name { ... }`, imports and accepts".into());
            return;
        };
        match head {
            "import" => items.extend(self.import(node).map(Item::Import)),
            "accept" => items.extend(self.accept(node).map(Item::Accept)),
            _ => match DeclKind::from_keyword(head) {
                Some(kind) => self.decl(node, kind.spec(), items, Item::Decl),
                None => {
                    let span = self.word_span(first);
                    let mut d = Diagnostic::new(
                        codes::UNKNOWN_DECLARATION,
                        format!("unknown declaration `{}`", quoted(head)),
                        span,
                        "not a declaration keyword",
                    );
                    d = match did_you_mean(head, schema::top_level_keywords()) {
                        Some(s) => d.with_suggestion(s),
                        None => d.with_help("declarations start with a keyword such as `component`, `flow` or `team`"),
                    };
                    if DECL_KINDS_NESTED.contains(&head) {
                        d = d.with_note(format!("`{head}` is only allowed inside another block"));
                    }
                    self.error(d);
                }
            },
        }
    }

    fn import(&mut self, node: &Node<'_>) -> Option<Import> {
        let span = self.span(&node.range);
        let target = match node.words.get(1) {
            Some((Token::Ident("std"), r)) => {
                self.err(
                    codes::IMPORT_NOT_FOUND,
                    "import a module of the standard library, not all of it",
                    self.span(r),
                    "which module?",
                )
                .help = Some("write `import std.tech` or `import std.security`".into());
                return None;
            }
            Some((Token::Ident(name), r)) if name.starts_with("std.") => {
                ImportTarget::Std(Ident { text: smol(name), span: self.span(r) })
            }
            Some((Token::Str(raw), r)) => ImportTarget::Path(Text { value: text_value(raw), span: self.span(r) }),
            other => {
                let at = other.map_or(span, |w| self.word_span(w));
                self.err(
                    codes::MISSING_VALUE,
                    "expected a file path or a std module after `import`",
                    at,
                    "expected `\"path.arch\"` or `std.<module>`",
                )
                .help = Some("write `import \"shared/teams.arch\"` or `import std.tech`".into());
                return None;
            }
        };
        self.no_body(node);
        if let Some(extra) = node.words.get(2) {
            self.err(
                codes::UNEXPECTED_VALUE,
                "unexpected words after the import",
                self.word_span(extra),
                "not expected here",
            )
            .help = Some("import one file or module per line".into());
        }
        Some(Import { target, span })
    }

    fn accept(&mut self, node: &Node<'_>) -> Option<Accept> {
        let span = self.span(&node.range);
        let words = &node.words;
        let Some(rule) = words.get(1).and_then(|w| self.ident(w)) else {
            self.err(codes::MISSING_VALUE, "expected a finding after `accept`", span, "expected `RULE@element`").help =
                Some("write `accept HYG004@legacy_sync \"why\" until 2027-01-31`".into());
            return None;
        };
        let mut i = 2;
        let mut targets = Vec::new();
        while matches!(words.get(i), Some((Token::At, _))) {
            match words.get(i + 1).and_then(|w| self.ident(w)) {
                Some(t) => targets.push(t),
                None => {
                    let at = words.get(i).map_or(span, |w| self.word_span(w));
                    self.err(codes::MISSING_VALUE, "expected an element name after `@`", at, "element name missing");
                    return None;
                }
            }
            i += 2;
        }
        if targets.is_empty() {
            self.err(
                codes::MISSING_VALUE,
                "an acceptance names the elements of the finding",
                rule.span,
                "expected `@element` after the rule",
            )
            .help = Some(format!("write `accept {}@element`, as in the finding's fingerprint", rule.text));
        }
        let justification = match words.get(i) {
            Some((Token::Str(raw) | Token::TextBlock(raw), r)) => {
                i += 1;
                Some(Text { value: text_value(raw), span: self.span(r) })
            }
            _ => None,
        };
        let mut attrs = self.attr_runs(words, i, schema::ACCEPT_ATTRS, "accept");
        if let Some(body) = &node.body {
            attrs.extend(self.attr_body(body, schema::ACCEPT_ATTRS, "accept"));
        }
        self.check_duplicates(&attrs);
        Some(Accept { rule, targets, justification, attrs, span })
    }

    /// The declaration `node` makes, wrapped by `wrap` and pushed onto `out`; nothing when it is
    /// an error. Pushed here rather than returned, so the large declaration is copied once (into
    /// its list), not once more per caller that passes it on.
    fn decl<T>(&mut self, node: &Node<'_>, spec: &'static DeclSpec, out: &mut Vec<T>, wrap: impl FnOnce(Decl) -> T) {
        let words = &node.words;
        let keyword = self.word_span(&words[0]);
        let span = self.span(&node.range);
        let name = match words.get(1) {
            Some((Token::Ident(n), r)) if !n.contains('.') => Ident { text: smol(n), span: self.span(r) },
            Some(w @ (Token::Ident(_), _)) => {
                self.err(
                    codes::MISSING_VALUE,
                    "a declared name cannot contain dots",
                    self.word_span(w),
                    "qualified names are for references",
                )
                .help = Some("use `_` or `-` to join words".into());
                return;
            }
            other => {
                let at = other.map_or(keyword, |w| self.word_span(w));
                let found = other.map_or("nothing".to_string(), |w| w.0.describe());
                self.err(
                    codes::MISSING_VALUE,
                    format!("expected a name after `{}`, found {found}", spec.keyword),
                    at,
                    "name missing",
                )
                .help = Some(format!("write `{} my_name {{ ... }}`", spec.keyword));
                return;
            }
        };
        let mut i = 2;
        let label = match words.get(i) {
            Some((Token::Str(raw) | Token::TextBlock(raw), r)) => {
                i += 1;
                Some(Text { value: text_value(raw), span: self.span(r) })
            }
            _ => None,
        };
        let mut variant = None;
        if let Some(variants) = spec.variants {
            match words.get(i) {
                Some((Token::Ident(v), r)) if spec.attr(v).is_none() => {
                    i += 1;
                    let id = Ident { text: smol(v), span: self.span(r) };
                    if !variants.contains(v) {
                        let mut d = Diagnostic::new(
                            codes::WRONG_VALUE_TYPE,
                            format!("unknown {} kind `{v}`", spec.keyword),
                            id.span,
                            format!("expected {}", Ty::Enum(variants).describe()),
                        );
                        if let Some(s) = did_you_mean(v, variants.iter().copied()) {
                            d = d.with_suggestion(s);
                        }
                        self.error(d);
                    }
                    variant = Some(id);
                }
                _ => {}
            }
        }
        let mut members = Members { attrs: self.attr_runs(words, i, spec.attrs, spec.keyword), ..Members::default() };
        for a in members.attrs.iter().filter(|a| a.spec.block.is_some()) {
            let d = Diagnostic::new(
                codes::UNEXPECTED_VALUE,
                format!("`{}` cannot be written on the `{}` line", a.spec.name, spec.keyword),
                a.name_span(),
                "takes options in a block of its own",
            )
            .with_help(format!("move `{}` into the `{}` block, on a line of its own", a.spec.name, spec.keyword));
            self.error(d);
        }
        if let Some(body) = &node.body {
            let lines = reserve_members(&mut members, spec, &body.nodes);
            for (child, line) in body.nodes.iter().zip(lines) {
                self.member(child, line, spec, &mut members);
            }
        }
        self.check_duplicates(&members.attrs);
        out.push(wrap(Decl {
            kind: spec.kind,
            keyword,
            name,
            label,
            variant: variant.map(Box::new),
            attrs: members.attrs.into_boxed_slice(),
            children: members.children.into(),
            steps: members.steps.into(),
            endpoints: members.endpoints.into(),
            fields: members.fields.into(),
            span,
        }));
    }

    /// One line of a declaration's block, whose kind [`classify`] gave.
    fn member(&mut self, node: &Node<'_>, line: Line, spec: &'static DeclSpec, members: &mut Members) {
        if self.stray_block(node) {
            return;
        }
        let Some(first) = node.words.first() else { return };
        if !matches!(first.0, Token::Ident(_)) {
            let found = first.0.describe();
            self.err(
                codes::UNEXPECTED_TOKEN,
                format!("expected an attribute, found {found}"),
                self.word_span(first),
                "not an attribute",
            )
            .help = Some(format!("attributes of `{}` are {}", spec.keyword, list_names(spec.attrs)));
            return;
        }
        match line {
            Line::Step => {
                if let Some(s) = self.step(node) {
                    members.steps.push(s);
                }
                return;
            }
            Line::Endpoint => {
                self.endpoint(node, &mut members.endpoints);
                return;
            }
            Line::Field => {
                self.field(node, &mut members.fields);
                return;
            }
            Line::Child(kind) => {
                self.decl(node, kind.spec(), &mut members.children, |child| child);
                return;
            }
            Line::Other => {}
        }
        let is_step = matches!(node.words.get(1), Some((Token::Arrow | Token::AsyncArrow, _)));
        if is_step {
            self.err(
                codes::UNEXPECTED_VALUE,
                format!("steps are only allowed in a flow, not in `{}`", spec.keyword),
                self.span(&node.range),
                "a step",
            )
            .help = Some("move it into a `flow` block, or declare the dependency with `uses`".into());
            return;
        }
        let first = members.attrs.len();
        self.attr_runs_into(node.words, 0, spec.attrs, spec.keyword, &mut members.attrs);
        let count = members.attrs.len() - first;
        for n in 0..count {
            let at = first + n;
            // An attribute with options (`uses`) ends its line, so its options cannot be mistaken
            // for the enclosing block's attributes.
            if members.attrs[at].spec.block.is_some() && n + 1 < count {
                self.block_attr_not_last(&members.attrs[at]);
            }
            // A trailing block belongs to the last attribute on the line.
            if n + 1 == count {
                if let Some(b) = &node.body {
                    let attr_spec = members.attrs[at].spec;
                    match attr_spec.block {
                        Some(sub) => members.attrs[at].block = self.attr_body(b, sub, attr_spec.name).into(),
                        None => {
                            self.err(
                                codes::UNEXPECTED_BODY,
                                format!("`{}` takes no block", attr_spec.name),
                                self.span(&b.range),
                                "unexpected block",
                            )
                            .help = Some("remove the braces or move these lines into the enclosing block".into());
                        }
                    }
                }
            }
        }
    }

    /// Attributes from `words[from..]`, reporting the word where no attribute can start.
    fn attr_runs(&mut self, words: &[Word<'_>], from: usize, attrs: &'static [AttrSpec], owner: &str) -> Vec<Attr> {
        let mut out = Vec::new();
        self.attr_runs_into(words, from, attrs, owner, &mut out);
        // A pushed-to vector holds four attributes at least; the tree keeps only what it uses.
        out.shrink_to_fit();
        out
    }

    /// [`Shaper::attr_runs`], appending to `all`: a block's lines go straight into one list.
    fn attr_runs_into(
        &mut self,
        words: &[Word<'_>],
        from: usize,
        attrs: &'static [AttrSpec],
        owner: &str,
        all: &mut Vec<Attr>,
    ) {
        let before = all.len();
        let mut i = from;
        let mut stuck = None;
        while i < words.len() {
            let Some((spec, run)) = attribute_run(words, i, attrs) else {
                stuck = Some(i);
                break;
            };
            i = run.end;
            self.attr(&words[run], spec, all);
        }
        if let Some(at) = stuck {
            let prev = all.get(before..).and_then(|out| out.last());
            self.no_attribute_here(words, at, from, attrs, owner, prev);
        }
    }

    /// Reports word `at`, where no attribute of `attrs` can start; `prev` is the attribute
    /// before it on the line. Kept out of line: the loop above runs for every line of a model.
    #[cold]
    #[inline(never)]
    fn no_attribute_here(
        &mut self,
        words: &[Word<'_>],
        at: usize,
        from: usize,
        attrs: &'static [AttrSpec],
        owner: &str,
        prev: Option<&Attr>,
    ) {
        let w = &words[at];
        let span = self.word_span(w);
        match w.0 {
            Token::Ident(name) if at == 0 && DeclKind::from_keyword(name).is_some() => {
                let d = Diagnostic::new(
                    codes::UNKNOWN_ATTRIBUTE,
                    format!("a `{name}` declaration cannot be nested inside `{owner}`"),
                    span,
                    "declaration inside a block",
                )
                .with_help(format!("close the `{owner}` block with `}}` before this line"));
                self.error(d);
            }
            Token::Ident(name)
                if at > from && (name == "field" || name == "op" || schema::HTTP_METHODS.contains(&name)) =>
            {
                let d = Diagnostic::new(
                    codes::UNEXPECTED_VALUE,
                    format!("`{name}` must start its own line"),
                    span,
                    "after attributes on the same line",
                )
                .with_help(format!("put this `{name}` on a new line"));
                self.error(d);
            }
            Token::Ident(name) => {
                let mut d = Diagnostic::new(
                    codes::UNKNOWN_ATTRIBUTE,
                    format!("unknown attribute `{}` in `{owner}`", quoted(name)),
                    span,
                    "not an attribute here",
                );
                d = match did_you_mean(name, attrs.iter().map(|a| a.name)) {
                    Some(s) => d.with_suggestion(s),
                    None => d.with_help(format!("attributes of `{owner}` are {}", list_names(attrs))),
                };
                if at > from {
                    if let Some(prev) = prev {
                        d = d.with_secondary(prev.span, "after this complete attribute");
                    }
                }
                self.error(d);
            }
            Token::Error => {}
            ref tok => {
                let found = tok.describe();
                let mut d = Diagnostic::new(
                    codes::UNEXPECTED_VALUE,
                    format!("{found} is not expected here"),
                    span,
                    "not expected here",
                );
                if let Some(prev) = prev {
                    d = d
                        .with_secondary(prev.span, format!("`{}` is complete here", prev.spec.name))
                        .with_help(format!("`{}` takes {}", prev.spec.name, describe_params(prev.spec)));
                }
                if owner == "endpoint" && matches!(tok, Token::Str(_) | Token::TextBlock(_)) {
                    d = d.with_help("write the summary right after the response model, before the options");
                }
                self.error(d);
            }
        }
    }

    fn attr_body(&mut self, body: &Body<'_>, attrs: &'static [AttrSpec], owner: &str) -> Vec<Attr> {
        // Usually one attribute per line.
        let mut out = Vec::with_capacity(body.nodes.len());
        for node in &body.nodes {
            if self.stray_block(node) {
                continue;
            }
            if let Some(b) = &node.body {
                self.err(
                    codes::UNEXPECTED_BODY,
                    format!("attributes of `{owner}` take no block"),
                    self.span(&b.range),
                    "unexpected block",
                );
            }
            self.attr_runs_into(node.words, 0, attrs, owner, &mut out);
        }
        self.check_duplicates(&out);
        out
    }

    fn check_duplicates(&mut self, attrs: &[Attr]) {
        // One bit per name's length and first letter: an attribute is looked for among the ones
        // before it only when its bit is already set, which in most blocks it never is.
        let mut seen = 0u64;
        for (n, a) in attrs.iter().enumerate() {
            if a.spec.repeatable {
                continue;
            }
            let name = a.spec.name;
            let bit = 1u64 << ((name.len() * 7 + usize::from(name.bytes().next().unwrap_or(0))) % 64);
            if seen & bit == 0 {
                seen |= bit;
                continue;
            }
            if let Some(first) = attrs[..n].iter().find(|b| b.spec.name == a.spec.name) {
                let d = Diagnostic::new(
                    codes::DUPLICATE_ATTRIBUTE,
                    format!("`{}` is given twice", a.spec.name),
                    a.span,
                    "given again here",
                )
                .with_secondary(first.span, "first given here")
                .with_help("keep one of them");
                self.error(d);
            }
        }
    }

    /// One attribute from its run of words (the run starts with the attribute's name), pushed
    /// onto `out` where it is built (see [`Shaper::decl`]).
    #[inline]
    fn attr(&mut self, run: &[Word<'_>], spec: &'static AttrSpec, out: &mut Vec<Attr>) {
        let Some((Token::Ident(name), name_range)) = run.first() else { return };
        let name_span = self.span(name_range);
        let span = self.words_span(run).unwrap_or(name_span);
        // Nearly every attribute is a name and one value for its one parameter, or a flag: those
        // need no list of lists. Anything else (and every error) takes the general path below.
        if let ([], [_]) = (spec.params, run) {
            out.push(Attr { spec, args: Args::default(), block: ThinList::default(), span });
            return;
        }
        if let ([p], [_, w]) = (spec.params, run) {
            if !matches!(w.0, Token::Comma) && consume_param(run, 1, p) == 2 {
                let args = match self.value(w, p.ty, name) {
                    Some(v) => Args::one(v),
                    None => [smallvec::SmallVec::new()].into_iter().collect(),
                };
                out.push(Attr { spec, args, block: ThinList::default(), span });
                return;
            }
        }
        out.push(self.attr_in_general(run, spec, name, name_span, span));
    }

    /// [`Shaper::attr`] for any other shape of values, and for every error; out of line so that
    /// the common shapes above build their attribute in place.
    #[inline(never)]
    fn attr_in_general(
        &mut self,
        run: &[Word<'_>],
        spec: &'static AttrSpec,
        name: &str,
        name_span: Span,
        span: Span,
    ) -> Attr {
        let mut args: smallvec::SmallVec<[smallvec::SmallVec<[Value; 1]>; 2]> = smallvec::SmallVec::new();
        let mut i = 1;
        for p in spec.params {
            let end = consume_param(run, i, p);
            let mut vals = smallvec::SmallVec::new();
            if end == i && !p.optional && p.arity != Arity::Flag {
                let d = Diagnostic::new(
                    codes::MISSING_VALUE,
                    format!("`{name}` needs a value"),
                    name_span,
                    format!("expected {}", p.ty.describe()),
                )
                .with_help(format!(
                    "write `{name} {}`, or `{name} ?` to mark it as still to be filled",
                    example_of(p.ty)
                ));
                self.error(d);
            }
            let mut j = i;
            while j < end {
                let w = &run[j];
                if !matches!(w.0, Token::Comma) {
                    if let Some(v) = self.value(w, p.ty, name) {
                        vals.push(v);
                    }
                }
                j += 1;
            }
            args.push(vals);
            i = end;
        }
        Attr { spec, args: args.into_iter().collect(), block: ThinList::default(), span }
    }

    /// A value word checked against the expected type.
    fn value(&mut self, w: &Word<'_>, ty: Ty, attr: &str) -> Option<Value> {
        let span = self.word_span(w);
        match (ty, w.0) {
            (_, Token::Hole) => Some(Value::Hole(span)),
            // The lexer has reported it.
            (_, Token::Error) => None,
            (Ty::Ref(_) | Ty::StrOrRef(_), Token::Ident(s)) => Some(Value::Ref(Ident { text: smol(s), span })),
            (Ty::Str | Ty::StrOrRef(_), Token::Str(raw) | Token::TextBlock(raw)) => {
                Some(Value::Text(Text { value: text_value(raw), span }))
            }
            (Ty::Str, Token::Path(p)) => Some(Value::Text(Text { value: smol(p), span })),
            (Ty::Enum(vals), Token::Ident(s)) => match schema::FixedWord::find(vals, s) {
                Some(word) => Some(Value::Word(word, span)),
                None => self.not_a_listed_word(s, ty, vals, attr, span),
            },
            (Ty::Bool, Token::Ident(s)) => match s {
                "yes" | "true" => Some(Value::Bool(true, span)),
                "no" | "false" => Some(Value::Bool(false, span)),
                other => self.mismatch(ty, attr, span, format!("`{other}`")),
            },
            (Ty::Date, Token::Date(d)) => match literal::parse_date(d) {
                Ok(lit) => Some(Value::Lit(lit, span)),
                Err(e) => {
                    self.literal_error(e, span);
                    None
                }
            },
            (_, Token::Num(text)) => match literal::parse_number(text) {
                Ok(lit) if fits(ty, lit) => Some(Value::Lit(lit, span)),
                Ok(lit) => self.mismatch(ty, attr, span, format!("{} `{text}`", lit.kind_name())),
                Err(e) => {
                    self.number_error(e, ty, text, attr, span);
                    None
                }
            },
            (_, tok) => self.mismatch(ty, attr, span, tok.describe()),
        }
    }

    /// Reports a value of the wrong type. This and the other reports of [`Shaper::value`] are
    /// kept out of line: the checks run for every value of a model.
    #[cold]
    #[inline(never)]
    fn mismatch(&mut self, ty: Ty, attr: &str, span: Span, found: String) -> Option<Value> {
        let d = Diagnostic::new(
            codes::WRONG_VALUE_TYPE,
            format!("`{attr}` expects {}, found {found}", ty.describe()),
            span,
            format!("expected {}", short_ty(ty)),
        )
        .with_help(format!("write `{attr} {}`", example_of(ty)));
        self.error(d);
        None
    }

    #[cold]
    #[inline(never)]
    fn not_a_listed_word(
        &mut self,
        s: &str,
        ty: Ty,
        vals: &'static [&'static str],
        attr: &str,
        span: Span,
    ) -> Option<Value> {
        let mut d = Diagnostic::new(
            codes::WRONG_VALUE_TYPE,
            format!("`{}` is not a valid `{attr}`", quoted(s)),
            span,
            format!("expected {}", ty.describe()),
        );
        if let Some(sug) = did_you_mean(s, vals.iter().copied()) {
            d = d.with_suggestion(sug);
        }
        self.error(d);
        None
    }

    /// Reports a number that does not parse, suggesting a unit of the kind the attribute expects.
    #[cold]
    #[inline(never)]
    fn number_error(&mut self, mut e: literal::LiteralError, ty: Ty, text: &str, attr: &str, span: Span) {
        let kind = match ty {
            Ty::Duration => Some(literal::UnitKind::Duration),
            Ty::Rate => Some(literal::UnitKind::Rate),
            Ty::Size => Some(literal::UnitKind::Size),
            Ty::Count => Some(literal::UnitKind::Count),
            _ => None,
        };
        if let (Some(kind), true) = (kind, e.message.starts_with("unknown unit")) {
            let unit = literal::unit_of(text);
            let digits = &text[..text.len() - unit.len()];
            let units = literal::units_of(kind);
            e.help = Some(match literal::suggest_unit(unit, units.iter().copied()) {
                Some(u) => format!("did you mean `{digits}{u}`?"),
                None => format!("`{attr}` expects {}; units: {}", ty.describe(), units.join(", ")),
            });
        }
        self.literal_error(e, span);
    }

    fn block_attr_not_last(&mut self, attr: &Attr) {
        let d = Diagnostic::new(
            codes::UNEXPECTED_VALUE,
            format!("`{}` must end its line", attr.spec.name),
            attr.span,
            "more attributes follow on this line",
        )
        .with_help(format!(
            "put the options of `{}` in its block, e.g. `{} target sync {{ timeout 2s }}`, and the other attributes on their own lines",
            attr.spec.name, attr.spec.name
        ));
        self.error(d);
    }

    #[cold]
    #[inline(never)]
    fn literal_error(&mut self, e: literal::LiteralError, span: Span) {
        let mut d = Diagnostic::new(codes::INVALID_LITERAL, e.message, span, "invalid literal");
        d.help = e.help;
        self.error(d);
    }

    fn no_body(&mut self, node: &Node<'_>) {
        if let Some(b) = &node.body {
            self.err(codes::UNEXPECTED_BODY, "this statement takes no block", self.span(&b.range), "unexpected block");
        }
    }

    fn step(&mut self, node: &Node<'_>) -> Option<Step> {
        self.no_body(node);
        let w = &node.words;
        let span = self.span(&node.range);
        let from = self.ident(&w[0])?;
        let is_async = matches!(w.get(1), Some((Token::AsyncArrow, _)));
        let Some(to) = w.get(2).and_then(|x| self.ident(x)) else {
            let at = w.get(2).or(w.get(1)).map_or(span, |x| self.word_span(x));
            self.err(codes::MISSING_VALUE, "a step needs a target after the arrow", at, "expected an element name")
                .help = Some("write `source -> target`".into());
            return None;
        };
        let mut step =
            Step { from, to, is_async, label: None, protocol: None, latency: None, options: Vec::new(), span };
        let mut i = 3;
        while i < w.len() {
            let word = &w[i];
            let wspan = self.word_span(word);
            match word.0 {
                Token::Str(raw) | Token::TextBlock(raw) if step.label.is_none() => {
                    step.label = Some(Text { value: text_value(raw), span: wspan });
                    i += 1;
                }
                Token::Num(text) if step.latency.is_none() => {
                    match literal::parse_number(text) {
                        Ok(lit @ Literal::Duration(_)) => step.latency = Some((lit, wspan)),
                        Ok(other) => {
                            self.err(
                                codes::WRONG_VALUE_TYPE,
                                format!("a step's bare number is its latency, found {} `{text}`", other.kind_name()),
                                wspan,
                                "expected a duration",
                            )
                            .help = Some("write the expected latency with a unit, such as `40ms`".into());
                        }
                        Err(e) => self.literal_error(e, wspan),
                    }
                    i += 1;
                }
                Token::Ident(name) if schema::find_attr(schema::STEP_OPTIONS, name).is_some() => {
                    let Some((spec, run)) = attribute_run(w, i, schema::STEP_OPTIONS) else { break };
                    i = run.end;
                    self.attr(&w[run], spec, &mut step.options);
                }
                Token::Ident(name) if schema::PROTOCOL.contains(&name) && step.protocol.is_none() => {
                    step.protocol = Some(Ident { text: smol(name), span: wspan });
                    i += 1;
                }
                Token::Error => i += 1,
                ref tok => {
                    let found = tok.describe();
                    let mut d = Diagnostic::new(
                        codes::UNEXPECTED_VALUE,
                        format!("{found} is not a step option"),
                        wspan,
                        "not a step option",
                    );
                    let options = schema::STEP_OPTIONS.iter().map(|a| a.name).chain(schema::PROTOCOL.iter().copied());
                    d = match (tok, tok_ident(tok).and_then(|n| did_you_mean(n, options))) {
                        (_, Some(s)) => d.with_suggestion(s),
                        _ => d.with_help("a step takes a \"label\", a protocol, a latency such as `40ms` and options: via, auth, authz, carries, encrypted, timeout, access, per-item"),
                    };
                    self.error(d);
                    i += 1;
                }
            }
        }
        step.options.shrink_to_fit();
        self.check_duplicates(&step.options);
        for (bare, keyed) in
            [(step.protocol.as_ref().map(|p| p.span), "protocol"), (step.latency.map(|l| l.1), "latency")]
        {
            if let (Some(bare), Some(opt)) = (bare, step.options.iter().find(|o| o.spec.name == keyed)) {
                let d = Diagnostic::new(
                    codes::DUPLICATE_ATTRIBUTE,
                    format!("the step's {keyed} is given twice"),
                    opt.span,
                    "given again here",
                )
                .with_secondary(bare, "first given here")
                .with_help("keep one of them");
                self.error(d);
            }
        }
        Some(step)
    }

    /// The endpoint `node` declares, pushed onto `out` (see [`Shaper::decl`]).
    fn endpoint(&mut self, node: &Node<'_>, out: &mut Vec<Endpoint>) {
        self.no_body(node);
        let w = &node.words;
        let span = self.span(&node.range);
        let Some(method) = self.ident(&w[0]) else { return };
        let target = match (method.text.as_str(), w.get(1)) {
            ("op", Some((Token::Ident(n), r))) => Text { value: smol(n), span: self.span(r) },
            (m, Some((Token::Path(p), r))) if m != "op" => Text { value: smol(p), span: self.span(r) },
            (m, other) => {
                let at = other.map_or(method.span, |x| self.word_span(x));
                let (msg, help) = if m == "op" {
                    ("expected an operation name after `op`", "write `op Charge(ChargeRequest) -> Receipt`")
                } else {
                    ("expected a path after the method", "write `GET /orders/{id} -> Order`")
                };
                self.err(codes::MISSING_VALUE, msg, at, "missing").help = Some(help.into());
                return;
            }
        };
        let mut i = 2;
        let mut request = None;
        if matches!(w.get(i), Some((Token::LParen, _))) {
            match (w.get(i + 1), w.get(i + 2)) {
                (Some(v), Some((Token::RParen, _))) if matches!(v.0, Token::Ident(_) | Token::Hole) => {
                    request = self.value(v, Ty::Ref(&[DeclKind::Data, DeclKind::Event]), "request");
                    i += 3;
                }
                (Some((Token::RParen, _)), _) => i += 2,
                _ => {
                    let at = self.word_span(&w[i]);
                    self.err(codes::UNEXPECTED_VALUE, "expected one request model in parentheses", at, "here").help =
                        Some("write `(NewOrder)`".into());
                    return;
                }
            }
        }
        let mut response = None;
        if matches!(w.get(i), Some((Token::Arrow, _))) {
            match w.get(i + 1) {
                Some(v) if matches!(v.0, Token::Ident(_) | Token::Hole) => {
                    response = self.value(v, Ty::Ref(&[DeclKind::Data, DeclKind::Event]), "response");
                    i += 2;
                }
                _ => {
                    let at = self.word_span(&w[i]);
                    self.err(codes::MISSING_VALUE, "expected a response model after `->`", at, "here");
                    return;
                }
            }
        }
        let mut summary = None;
        if let Some((Token::Str(raw) | Token::TextBlock(raw), r)) = w.get(i) {
            summary = Some(Text { value: text_value(raw), span: self.span(r) });
            i += 1;
        }
        let options = self.attr_runs(w, i, schema::ENDPOINT_OPTIONS, "endpoint");
        self.check_duplicates(&options);
        out.push(Endpoint { method, target, request, response, summary, options, span });
    }

    /// The field `node` declares, pushed onto `out` (see [`Shaper::decl`]).
    fn field(&mut self, node: &Node<'_>, out: &mut Vec<Field>) {
        self.no_body(node);
        let w = &node.words;
        let span = self.span(&node.range);
        let Some(name) = w.get(1).and_then(|x| self.ident(x)) else {
            self.err(codes::MISSING_VALUE, "expected a field name", span, "here").help =
                Some("write `field email: string pii`".into());
            return;
        };
        let ty = match (w.get(2), w.get(3)) {
            (Some((Token::Colon, _)), Some(t)) => self.ident(t),
            _ => None,
        };
        let Some(ty) = ty else {
            self.err(codes::MISSING_VALUE, format!("field `{}` needs a type", name.text), name.span, "type missing")
                .help = Some(format!("write `field {}: string`", name.text));
            return;
        };
        let mut i = 4;
        let mut list = false;
        if matches!((w.get(i), w.get(i + 1)), (Some((Token::LBracket, _)), Some((Token::RBracket, _)))) {
            list = true;
            i += 2;
        }
        // Gathered in place: a field has a modifier or two at most, and the tree keeps an exact list.
        let mut modifiers: smallvec::SmallVec<[Ident; 2]> = smallvec::SmallVec::new();
        let mut doc = None;
        for x in &w[i.min(w.len())..] {
            match x.0 {
                Token::Ident(m) if schema::FIELD_MODIFIERS.contains(&m) => {
                    modifiers.push(Ident { text: smol(m), span: self.word_span(x) })
                }
                Token::Str(raw) | Token::TextBlock(raw) if doc.is_none() => {
                    doc = Some(Text { value: text_value(raw), span: self.word_span(x) })
                }
                Token::Ident(m) if modifiers.iter().any(|x: &Ident| x.text == m) => {
                    let first = modifiers.iter().find(|x: &&Ident| x.text == m).map(|x| x.span);
                    let mut d = Diagnostic::new(
                        codes::DUPLICATE_ATTRIBUTE,
                        format!("`{m}` is given twice"),
                        self.word_span(x),
                        "given again here",
                    )
                    .with_help("keep one of them");
                    if let Some(f) = first {
                        d = d.with_secondary(f, "first given here");
                    }
                    self.error(d);
                }
                Token::Error => {}
                ref tok => {
                    let found = tok.describe();
                    let mut d = Diagnostic::new(
                        codes::UNEXPECTED_VALUE,
                        format!("{found} is not a field modifier"),
                        self.word_span(x),
                        "not a field modifier",
                    );
                    d = match tok_ident(tok).and_then(|n| did_you_mean(n, schema::FIELD_MODIFIERS.iter().copied())) {
                        Some(s) => d.with_suggestion(s),
                        None => d.with_help(format!("field modifiers are {}", schema::FIELD_MODIFIERS.join(", "))),
                    };
                    self.error(d);
                }
            }
        }
        let mut modifiers = modifiers.into_vec();
        modifiers.shrink_to_fit();
        out.push(Field { name, ty, list, modifiers, doc, span });
    }
}

const DECL_KINDS_NESTED: &[&str] = &["option", "node"];

/// Whether a number literal is of the type a value expects.
fn fits(ty: Ty, lit: Literal) -> bool {
    matches!(
        (ty, lit),
        (Ty::Int, Literal::Int(_))
            | (Ty::Count, Literal::Int(_) | Literal::Count(_))
            | (Ty::Number, Literal::Int(_) | Literal::Float(_))
            | (Ty::Duration, Literal::Duration(_))
            | (Ty::Rate, Literal::Rate(_))
            | (Ty::Percent, Literal::Percent(_))
            | (Ty::Size, Literal::Size(_))
    )
}

fn tok_ident<'a>(tok: &Token<'a>) -> Option<&'a str> {
    match tok {
        Token::Ident(s) => Some(s),
        _ => None,
    }
}

fn list_names(attrs: &[AttrSpec]) -> String {
    let names: Vec<_> = attrs.iter().map(|a| a.name).collect();
    names.join(", ")
}

fn describe_params(spec: &AttrSpec) -> String {
    if spec.params.is_empty() {
        return "no value".to_string();
    }
    let parts: Vec<String> = spec
        .params
        .iter()
        .map(|p| {
            let base = p.ty.describe();
            match (p.arity, p.optional) {
                (Arity::List, _) => format!("{base} (several, separated by commas)"),
                (_, true) => format!("optionally {base}"),
                _ => base,
            }
        })
        .collect();
    parts.join(", then ")
}

fn short_ty(ty: Ty) -> String {
    match ty {
        Ty::Enum(_) => "one of the listed words".to_string(),
        other => other.describe(),
    }
}

/// A plausible example value for help lines.
pub fn example_of(ty: Ty) -> String {
    match ty {
        Ty::Ref(kinds) | Ty::StrOrRef(kinds) => {
            kinds.first().map_or("name", |k| k.keyword()).replace('-', "_") + "_name"
        }
        Ty::Str => "\"...\"".into(),
        Ty::Int => "3".into(),
        Ty::Count => "10K".into(),
        Ty::Number => "0.5".into(),
        Ty::Duration => "300ms".into(),
        Ty::Rate => "200/s".into(),
        Ty::Percent => "99.9%".into(),
        Ty::Size => "512MB".into(),
        Ty::Date => "2027-01-31".into(),
        Ty::Bool => "yes".into(),
        Ty::Enum(vals) => vals.first().copied().unwrap_or("?").to_string(),
    }
}

/// A word of the text as a tree string. Nearly every name is short enough to be kept inline,
/// which this builds without `SmolStr::new`'s out-of-line call.
#[inline]
fn smol(s: &str) -> SmolStr {
    if s.len() <= 23 {
        SmolStr::new_inline(s)
    } else {
        SmolStr::new(s)
    }
}

/// The value of a string token: quotes removed, escapes processed, text blocks dedented.
/// A string literal's value for the tree: a short one without escapes is kept inline, with no
/// heap allocation.
fn text_value(raw: &str) -> SmolStr {
    let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(raw);
    if !raw.starts_with("\"\"\"") && !inner.contains('\\') {
        return smol(inner);
    }
    SmolStr::from(unescape(raw))
}

pub fn unescape(raw: &str) -> String {
    if let Some(inner) = raw.strip_prefix("\"\"\"").and_then(|r| r.strip_suffix("\"\"\"")) {
        return dedent(inner);
    }
    let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(raw);
    if !inner.contains('\\') {
        return inner.to_string();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Text block content: the first line break dropped, common indentation removed, trailing
/// whitespace lines dropped.
fn dedent(inner: &str) -> String {
    let body = inner.strip_prefix('\n').or_else(|| inner.strip_prefix("\r\n")).unwrap_or(inner);
    let lines: Vec<&str> = body.lines().collect();
    let indent =
        lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    let mut out: Vec<&str> = lines.iter().map(|l| l.get(indent..).unwrap_or("").trim_end()).collect();
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}
