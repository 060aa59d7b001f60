//! Semantic tokens (what each word of a file is) and folding ranges, from a fresh parse of the
//! buffer plus the model for the kinds of referenced elements.

use std::ops::Range;

use crate::semantic::model::Model;
use crate::syntax::ast::{Attr, Decl, ImportTarget, Item, Value};
use crate::syntax::schema::DeclKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TokenKind {
    Keyword,
    /// The name in a declaration.
    Declaration(DeclKind),
    /// A name referring to an element, with the element's kind when it resolves.
    Reference(Option<DeclKind>),
    Attribute,
    String,
    Number,
    /// A word from a fixed set (`high`, `https`).
    EnumMember,
    /// `?`, a value still to be filled.
    Hole,
    Comment,
    Module,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub kind: TokenKind,
}

/// The classified tokens of `text`, sorted and without overlaps.
pub fn semantic_tokens(model: Option<&Model>, text: &str) -> Vec<Token> {
    let parse = crate::syntax::parse(crate::source::FileId(0), text);
    let mut acc = Vec::new();
    let kind_of = |name: &str| model.and_then(|m| m.lookup(name)).and_then(|id| model?.get(id)).map(|e| e.kind);
    for item in &parse.ast.items {
        match item {
            Item::Import(imp) => {
                push(&mut acc, imp.span.start as usize..imp.span.start as usize + "import".len(), TokenKind::Keyword);
                match &imp.target {
                    ImportTarget::Std(ident) => push(&mut acc, ident.span.range(), TokenKind::Module),
                    ImportTarget::Path(text) => push(&mut acc, text.span.range(), TokenKind::String),
                }
            }
            Item::Accept(a) => {
                push(&mut acc, a.span.start as usize..a.span.start as usize + "accept".len(), TokenKind::Keyword);
                push(&mut acc, a.rule.span.range(), TokenKind::EnumMember);
                for t in &a.targets {
                    push(&mut acc, t.span.range(), TokenKind::Reference(kind_of(&t.text)));
                }
                if let Some(j) = &a.justification {
                    push(&mut acc, j.span.range(), TokenKind::String);
                }
                attrs(&mut acc, &a.attrs, &kind_of);
            }
            Item::Decl(d) => decl(&mut acc, d, &kind_of),
        }
    }
    for c in &parse.comments {
        push(&mut acc, c.range.clone(), TokenKind::Comment);
    }
    acc.sort_by_key(|t| (t.range.start, t.range.end, t.kind));
    // Keep the first of overlapping tokens so that editors get a clean stream.
    let mut out: Vec<Token> = Vec::with_capacity(acc.len());
    for t in acc {
        if out.last().is_none_or(|last| last.range.end <= t.range.start) {
            out.push(t);
        }
    }
    out
}

fn push(acc: &mut Vec<Token>, range: Range<usize>, kind: TokenKind) {
    if range.start < range.end {
        acc.push(Token { range, kind });
    }
}

fn decl(acc: &mut Vec<Token>, d: &Decl, kind_of: &dyn Fn(&str) -> Option<DeclKind>) {
    push(acc, d.keyword.range(), TokenKind::Keyword);
    push(acc, d.name.span.range(), TokenKind::Declaration(d.kind));
    if let Some(l) = &d.label {
        push(acc, l.span.range(), TokenKind::String);
    }
    if let Some(v) = &d.variant {
        push(acc, v.span.range(), TokenKind::EnumMember);
    }
    attrs(acc, &d.attrs, kind_of);
    for s in &d.steps {
        push(acc, s.from.span.range(), TokenKind::Reference(kind_of(&s.from.text)));
        push(acc, s.to.span.range(), TokenKind::Reference(kind_of(&s.to.text)));
        if let Some(l) = &s.label {
            push(acc, l.span.range(), TokenKind::String);
        }
        if let Some(p) = &s.protocol {
            push(acc, p.span.range(), TokenKind::EnumMember);
        }
        if let Some((_, span)) = &s.latency {
            push(acc, span.range(), TokenKind::Number);
        }
        attrs(acc, &s.options, kind_of);
    }
    for ep in &d.endpoints {
        push(acc, ep.method.span.range(), TokenKind::Keyword);
        push(acc, ep.target.span.range(), TokenKind::String);
        for v in ep.request.iter().chain(&ep.response) {
            value(acc, v, kind_of);
        }
        if let Some(s) = &ep.summary {
            push(acc, s.span.range(), TokenKind::String);
        }
        attrs(acc, &ep.options, kind_of);
    }
    for f in &d.fields {
        push(acc, f.name.span.range(), TokenKind::Attribute);
        push(acc, f.ty.span.range(), TokenKind::Reference(kind_of(&f.ty.text)));
        for m in &f.modifiers {
            push(acc, m.span.range(), TokenKind::EnumMember);
        }
        if let Some(doc) = &f.doc {
            push(acc, doc.span.range(), TokenKind::String);
        }
    }
    for c in &d.children {
        decl(acc, c, kind_of);
    }
}

fn attrs(acc: &mut Vec<Token>, list: &[Attr], kind_of: &dyn Fn(&str) -> Option<DeclKind>) {
    for a in list {
        push(acc, a.name_span().range(), TokenKind::Attribute);
        for v in a.args.iter().flatten() {
            value(acc, v, kind_of);
        }
        attrs(acc, &a.block, kind_of);
    }
}

fn value(acc: &mut Vec<Token>, v: &Value, kind_of: &dyn Fn(&str) -> Option<DeclKind>) {
    let kind = match v {
        Value::Ref(i) => TokenKind::Reference(kind_of(&i.text)),
        Value::Text(_) => TokenKind::String,
        Value::Lit(..) => TokenKind::Number,
        Value::Word(..) | Value::Bool(..) => TokenKind::EnumMember,
        Value::Hole(_) => TokenKind::Hole,
    };
    push(acc, v.span().range(), kind);
}

/// Foldable regions: declarations, attribute blocks and runs of comment lines. Ranges may be on
/// one line; the editor side drops those.
pub fn folding_ranges(text: &str) -> Vec<Range<usize>> {
    let parse = crate::syntax::parse(crate::source::FileId(0), text);
    let mut out = Vec::new();
    fn decl(out: &mut Vec<Range<usize>>, text: &str, d: &Decl) {
        out.push(d.span.range());
        blocks(out, text, &d.attrs);
        for s in &d.steps {
            blocks(out, text, &s.options);
        }
        for c in &d.children {
            decl(out, text, c);
        }
    }
    // An attribute's span ends with its header; its block runs to the next `}` after its last item.
    fn blocks(out: &mut Vec<Range<usize>>, text: &str, list: &[Attr]) {
        for a in list {
            let Some(last) = a.block.last() else { continue };
            let inner_end = last.span.end as usize;
            let close = text.get(inner_end..).and_then(|t| t.find('}')).map_or(inner_end, |i| inner_end + i + 1);
            out.push(a.span.start as usize..close);
            blocks(out, text, &a.block);
        }
    }
    for item in &parse.ast.items {
        if let Item::Decl(d) = item {
            decl(&mut out, text, d);
        }
    }
    // Consecutive comment lines fold together.
    let mut run: Option<Range<usize>> = None;
    for c in parse.comments.iter().filter(|c| c.own_line) {
        match &mut run {
            Some(r)
                if text
                    .get(r.end..c.range.start)
                    .is_some_and(|gap| gap.trim().is_empty() && gap.matches('\n').count() == 1) =>
            {
                r.end = c.range.end;
            }
            _ => {
                out.extend(run.take());
                run = Some(c.range.clone());
            }
        }
    }
    out.extend(run);
    for r in &mut out {
        let kept = text.get(r.clone()).map_or(0, |t| t.trim_end().len());
        r.end = r.start + kept;
    }
    out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn folds_declarations_blocks_and_comment_runs() {
        let text = "// a\n// b\ncomponent x {\n  uses y sync {\n    protocol https\n  }\n}\n";
        assert_eq!(super::folding_ranges(text), [0..9, 10..text.len() - 1, 26..text.len() - 3]);
    }
}
