//! The typed syntax tree: declarations, attributes, steps, endpoints and fields, every piece with a
//! span. References are still names; `semantic` resolves them.

use smol_str::SmolStr;

use super::literal::Literal;
use super::schema::{AttrSpec, DeclKind, FixedWord};
use crate::source::Span;

pub use super::args::{Args, ThinList};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceAst {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Import(Import),
    Accept(Accept),
    Decl(Decl),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub text: SmolStr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub value: SmolStr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportTarget {
    /// `import std.tech`
    Std(Ident),
    /// `import "../shared/teams.arch"`
    Path(Text),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub target: ImportTarget,
    pub span: Span,
}

/// `accept RULE@element[@element] "justification" until 2027-01-31 ticket "SEC-1"`
#[derive(Clone, Debug, PartialEq)]
pub struct Accept {
    pub rule: Ident,
    pub targets: Vec<Ident>,
    pub justification: Option<Text>,
    pub attrs: Vec<Attr>,
    pub span: Span,
}

/// A workspace's trees are all alive at the end of parsing: the lists that most declarations
/// leave empty are [`ThinList`]s.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    pub kind: DeclKind,
    pub keyword: Span,
    pub name: Ident,
    pub label: Option<Text>,
    /// Boxed: few declarations have one.
    pub variant: Option<Box<Ident>>,
    pub attrs: Box<[Attr]>,
    pub children: ThinList<Decl>,
    pub steps: ThinList<Step>,
    pub endpoints: ThinList<Endpoint>,
    pub fields: ThinList<Field>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attr {
    pub spec: &'static AttrSpec,
    /// One entry per parameter of the spec; an omitted optional parameter is an empty list.
    pub args: Args<Value>,
    /// The attributes of its `{ ... }` block (most attributes have none).
    pub block: ThinList<Attr>,
    pub span: Span,
}

impl Attr {
    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    /// Where the name is written: the attribute starts with it, spelled as the schema spells it
    /// (not stored: a workspace's trees hold millions of attributes).
    pub fn name_span(&self) -> Span {
        let end = self.span.start.saturating_add(self.spec.name.len() as u32);
        Span { file: self.span.file, start: self.span.start, end: end.min(self.span.end) }
    }

    /// The first value of the first parameter.
    pub fn value(&self) -> Option<&Value> {
        self.args.first().and_then(|a| a.first())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A name to resolve.
    Ref(Ident),
    Text(Text),
    Lit(Literal, Span),
    /// A keyword from a fixed set (`high`, `rest`, `sync`).
    Word(FixedWord, Span),
    Bool(bool, Span),
    /// `?`: to be filled.
    Hole(Span),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Ref(i) => i.span,
            Value::Text(t) => t.span,
            Value::Lit(_, s) | Value::Word(_, s) | Value::Bool(_, s) | Value::Hole(s) => *s,
        }
    }
}

/// `a -> b "label" https auth jwt carries Order 40ms`
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub from: Ident,
    pub to: Ident,
    pub is_async: bool,
    pub label: Option<Text>,
    pub protocol: Option<Ident>,
    pub latency: Option<(Literal, Span)>,
    pub options: Vec<Attr>,
    pub span: Span,
}

/// `GET /orders/{id} (OrderQuery) -> Order "Fetch one order"` or `op Charge(ChargeRequest) -> Receipt`.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// `GET`, `POST`, ... or `op`.
    pub method: Ident,
    /// The path, or the operation's name.
    pub target: Text,
    pub request: Option<Value>,
    pub response: Option<Value>,
    pub summary: Option<Text>,
    pub options: Vec<Attr>,
    pub span: Span,
}

/// `field email: string pii "Login address"`
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: Ident,
    pub ty: Ident,
    pub list: bool,
    pub modifiers: Vec<Ident>,
    pub doc: Option<Text>,
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn walk<'a>(attrs: &'a [Attr], out: &mut Vec<&'a Attr>) {
        for a in attrs {
            out.push(a);
            walk(&a.block, out);
        }
    }

    #[test]
    fn an_attributes_name_span_covers_its_name_as_written() {
        let text = "component shop \"Shop\" {\n  kind service\n  owner   team_a\n  uses db sync {\n    timeout 2s\n    circuit-breaker\n  }\n}\ncomponent db {\n  kind worker\n}\nteam team_a {}\n";
        let parsed = crate::syntax::parse(FileId(3), text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let mut attrs = Vec::new();
        for item in &parsed.ast.items {
            if let Item::Decl(d) = item {
                walk(&d.attrs, &mut attrs);
            }
        }
        let names: Vec<&str> = attrs.iter().map(|a| &text[a.name_span().range()]).collect();
        assert_eq!(names, ["kind", "owner", "uses", "timeout", "circuit-breaker", "kind"]);
        assert!(attrs.iter().all(|a| a.name_span().file == FileId(3)));
    }

    /// Every file's tree is alive at the end of parsing: at 100,000 components that is three
    /// million attributes and 285,000 declarations, so each byte here is megabytes of peak memory.
    #[test]
    fn tree_types_stay_small() {
        use std::mem::size_of;
        assert!(size_of::<Attr>() <= 80, "Attr is {} bytes", size_of::<Attr>());
        assert!(size_of::<Decl>() <= 168, "Decl is {} bytes", size_of::<Decl>());
    }
}
