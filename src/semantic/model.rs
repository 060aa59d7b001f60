//! The resolved model: inert data with typed ids and spans back into the source. Checks, emitters
//! and the editor features all read it; nothing here does IO or rendering.

use std::fmt::{self, Write as _};
use std::hash::BuildHasher;
use std::sync::OnceLock;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};
use smol_str::SmolStr;

use crate::source::{FileId, Span, TextRange};

use crate::syntax::args::ThinList;
use crate::syntax::literal::Literal;
use crate::syntax::schema::{AttrSpec, DeclKind, FixedWord};

pub use super::text::Text;

/// An element's position in one analysis, in load order: it changes when a declaration is added
/// or removed above it. Carry an [`ElementKey`] across analyses instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ElementId(pub u32);

/// An element's identity across analyses: its qualified name, the names of its enclosing
/// elements and its own joined by dots (`shop.storefront`, `architecture_style.event_driven`),
/// which is also a reference that resolves to it. Editing other declarations, or other files,
/// does not change it. Standard library elements are prefixed `std:` (a user declaration may
/// shadow one); a name declared twice (reported as an error) keys its later declarations
/// `name#2`, `name#3` in load order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ElementKey(String);

impl ElementKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ElementKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every element's key and the way back, derived from the finished model on first use.
#[derive(Clone, Debug, Default)]
struct KeyIndex {
    keys: Vec<ElementKey>,
    ids: FxHashMap<String, ElementId>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Ref(ElementId),
    /// A reference that did not resolve (already reported); rules treat it as absent.
    Unresolved(Text),
    /// Every variant holds at most eight bytes beside the literal's tag, so that `Val` takes
    /// sixteen bytes: texts are one shared pointer and words one reference.
    Text(Text),
    Lit(Literal),
    /// A keyword from a fixed set, borrowed from the schema.
    Word(FixedWord),
    Bool(bool),
    /// `?`: still to be filled.
    Hole,
}

impl Val {
    /// The element a resolved reference names.
    pub fn reference(&self) -> Option<ElementId> {
        match self {
            Val::Ref(id) => Some(*id),
            _ => None,
        }
    }

    /// The keyword of a word value.
    pub fn word(&self) -> Option<&str> {
        match self {
            Val::Word(w) => Some(w),
            _ => None,
        }
    }

    /// The string of a text or a word value.
    pub fn text_or_word(&self) -> Option<&str> {
        match self {
            Val::Text(t) => Some(t),
            Val::Word(w) => Some(w),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub val: Val,
    /// Where it is written, in its element's (or acceptance's) file: see [`Value::span_in`].
    pub span: TextRange,
}

impl Value {
    /// Where it is written, as a full span; `file` is its element's (or acceptance's) file.
    #[inline]
    pub fn span_in(&self, file: FileId) -> Span {
        self.span.in_file(file)
    }
}

/// An attribute's values, one list per parameter of its spec, the common single value inline.
pub type Args = crate::syntax::args::Args<Value>;
/// An attribute's `{ ... }` block: a null pointer when empty, as most are.
pub type Block = ThinList<Attribute>;

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// What the schema says of it; eight bytes where the name alone took sixteen.
    pub spec: &'static AttrSpec,
    /// One list per parameter of the attribute's spec.
    pub args: Args,
    pub block: Block,
    /// Where it is written, in its element's (or acceptance's) file: see [`Attribute::span_in`].
    pub span: TextRange,
}

impl Attribute {
    /// Where it is written, as a full span; `file` is its element's (or acceptance's) file.
    #[inline]
    pub fn span_in(&self, file: FileId) -> Span {
        self.span.in_file(file)
    }

    #[inline]
    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    pub fn first(&self) -> Option<&Value> {
        self.args.first().and_then(|a| a.first())
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.args.iter().flatten()
    }

    /// The resolved references among its values.
    pub fn references(&self) -> impl Iterator<Item = ElementId> + '_ {
        self.values().filter_map(|v| v.val.reference())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub from: Value,
    pub to: Value,
    pub is_async: bool,
    pub label: Option<Text>,
    pub protocol: Option<Text>,
    pub latency: Option<Literal>,
    pub options: ThinList<Attribute>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    pub method: Text,
    pub target: SmolStr,
    pub request: Option<Value>,
    pub response: Option<Value>,
    pub summary: Option<Text>,
    pub options: ThinList<Attribute>,
    pub span: Span,
}

impl Endpoint {
    /// How a `calls` names it: `POST /orders`, or an operation's bare name.
    pub fn signature(&self) -> String {
        if self.method == "op" {
            self.target.to_string()
        } else {
            format!("{} {}", self.method, self.target)
        }
    }

    /// Whether `calls` text names this endpoint; `op name` is accepted for an operation too.
    /// Compares without building the signature: it runs for every `calls` of every link.
    pub fn is_named(&self, text: &str) -> bool {
        let is_op = self.method == "op";
        let is_signature = |t: &str| {
            if is_op {
                t == self.target
            } else {
                t.strip_prefix(self.method.as_str()).and_then(|rest| rest.strip_prefix(' '))
                    == Some(self.target.as_str())
            }
        };
        let text = text.trim();
        is_signature(text) || (is_op && text.strip_prefix("op ").is_some_and(|n| is_signature(n.trim())))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Field names repeat across a file's data (`id`, `created_at`): texts shared within a file.
    pub name: Text,
    /// A few types make most fields: texts shared within a file.
    pub ty: Text,
    pub list: bool,
    pub modifiers: ThinList<Text>,
    pub doc: Option<Text>,
    pub span: Span,
}

/// Laid out in this order so that the name, kind and file, which resolving a reference reads
/// from elements scattered over the model, share the element's first 32 bytes and so one cache
/// line (160-byte elements start 32-byte aligned in a 64-byte aligned list).
#[derive(Clone, Debug, PartialEq)]
#[repr(C)]
pub struct Element {
    pub name: SmolStr,
    pub kind: DeclKind,
    /// Declared in the embedded standard library.
    pub from_std: bool,
    /// Whether a `?` appears in `attrs` at any depth, noted while they are set: the facts' hole
    /// walk then skips the attributes of the many elements without one instead of reading them
    /// all again from memory.
    attrs_have_holes: bool,
    pub file: FileId,
    pub span: Span,
    pub name_span: Span,
    /// The enclosing element for nested declarations (zone in zone, option in decision, node in
    /// deployment, component in system or in its container component).
    pub parent: Option<ElementId>,
    pub label: Option<SmolStr>,
    /// An interface's protocol family or a rule's kind: a few words, shared within a file.
    pub variant: Option<Text>,
    pub children: ThinList<ElementId>,
    /// Set once with [`Element::set_keyed_attrs`], which keeps the lookup keys in step; read
    /// with [`Element::attrs`].
    attrs: Box<[Attribute]>,
    pub steps: ThinList<Step>,
    pub endpoints: ThinList<Endpoint>,
    pub fields: ThinList<Field>,
    /// [`name_key`] of each attribute's name, in `attrs` order: a lookup scans these four-byte
    /// keys (one cache line for a typical element) and reads an attribute only when its key matches.
    attr_keys: Box<[u32]>,
}

/// The hash of a name, for the model's name index and the resolver's symbols.
#[inline]
pub(super) fn hash_name(name: &str) -> u64 {
    FxBuildHasher.hash_one(name)
}

/// A four-byte summary of an attribute name (its length, first, middle and last bytes): the
/// schema's names rarely share one, so comparing keys first skips almost every other attribute
/// without touching it. Equal names always have equal keys.
#[inline]
fn name_key(name: &str) -> u32 {
    let b = name.as_bytes();
    match b.len() {
        0 => 0,
        n => ((n as u32 & 0xff) << 24) | (u32::from(b[0]) << 16) | (u32::from(b[n / 2]) << 8) | u32::from(b[n - 1]),
    }
}

/// An element's attributes with their lookup keys and hole mark, computed where the attributes
/// are still in cache (lowering does it, right after building them; resolving references changes
/// neither) so that installing them on the element only moves them.
#[derive(Clone, Debug, Default)]
pub struct KeyedAttrs {
    attrs: Box<[Attribute]>,
    keys: Box<[u32]>,
    holes: bool,
}

impl KeyedAttrs {
    pub fn new(attrs: Vec<Attribute>) -> Self {
        let keys = attrs.iter().map(|a| name_key(a.name())).collect();
        let holes = has_hole(&attrs);
        KeyedAttrs { attrs: attrs.into_boxed_slice(), keys, holes }
    }

    pub fn attrs(&self) -> &[Attribute] {
        &self.attrs
    }

    /// The attributes, for their values to be resolved; names and holes stay as they are.
    pub(super) fn attrs_mut(&mut self) -> &mut [Attribute] {
        &mut self.attrs
    }
}

/// Whether a `?` appears in `attrs` at any depth of their blocks.
pub fn has_hole(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.values().any(|v| matches!(v.val, Val::Hole)) || has_hole(&a.block))
}

impl Element {
    /// An element with no attributes, children or statements yet.
    pub fn new(
        kind: DeclKind,
        name: SmolStr,
        parent: Option<ElementId>,
        file: FileId,
        span: Span,
        name_span: Span,
    ) -> Self {
        Element {
            kind,
            name,
            label: None,
            variant: None,
            parent,
            children: ThinList::default(),
            attrs: Box::default(),
            steps: ThinList::default(),
            endpoints: ThinList::default(),
            fields: ThinList::default(),
            attr_keys: Box::default(),
            attrs_have_holes: false,
            file,
            span,
            name_span,
            from_std: false,
        }
    }

    /// Sets the attributes together with their lookup keys and hole mark ([`KeyedAttrs::new`]).
    pub fn set_keyed_attrs(&mut self, keyed: KeyedAttrs) {
        let KeyedAttrs { attrs, keys, holes } = keyed;
        self.attrs = attrs;
        self.attr_keys = keys;
        self.attrs_have_holes = holes;
    }

    /// The attributes, in the order written.
    #[inline]
    pub fn attrs(&self) -> &[Attribute] {
        &self.attrs
    }

    /// Whether any attribute, at any depth of its blocks, has a `?` value.
    #[inline]
    pub fn attrs_have_holes(&self) -> bool {
        self.attrs_have_holes
    }

    #[inline]
    pub fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attrs_named(name).next()
    }

    #[inline]
    pub fn attrs_named<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a Attribute> + use<'a, 'n> {
        let key = name_key(name);
        self.attr_keys
            .iter()
            .zip(self.attrs.iter())
            .filter(move |(k, a)| **k == key && a.name() == name)
            .map(|(_, a)| a)
    }

    pub fn has_flag(&self, name: &str) -> bool {
        self.attr(name).is_some()
    }

    /// The single value of a one-value attribute.
    pub fn value(&self, name: &str) -> Option<&Val> {
        self.attr(name).and_then(|a| a.first()).map(|v| &v.val)
    }

    pub fn word(&self, name: &str) -> Option<&str> {
        self.value(name).and_then(Val::word)
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        match self.value(name) {
            Some(Val::Text(t)) => Some(t),
            _ => None,
        }
    }

    pub fn reference(&self, name: &str) -> Option<ElementId> {
        self.value(name).and_then(Val::reference)
    }

    /// All resolved references of a (list) attribute, across repetitions.
    pub fn references<'a>(&'a self, name: &'a str) -> impl Iterator<Item = ElementId> + 'a {
        self.attrs_named(name).flat_map(Attribute::references)
    }

    /// Display title: the label if given, else the name.
    pub fn title(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// `accept RULE@a@b "why" until DATE`
#[derive(Clone, Debug, PartialEq)]
pub struct Acceptance {
    pub rule: SmolStr,
    pub targets: Vec<SmolStr>,
    pub justification: Option<SmolStr>,
    pub attrs: Vec<Attribute>,
    pub file: FileId,
    pub span: Span,
}

impl Acceptance {
    /// The finding fingerprint this acceptance matches: `RULE@a@b`.
    pub fn fingerprint(&self) -> String {
        let mut s = self.rule.to_string();
        for t in &self.targets {
            s.push('@');
            s.push_str(t);
        }
        s
    }
}

/// A name in the model's name index: the first element declaring it, whose name a lookup compares
/// against, and the element it means workspace-wide. The two are nearly always one element, so
/// a resolver reads the meaning's kind and file from the cache line the comparison brought in.
#[derive(Clone, Copy, Debug)]
pub(super) struct DeclaredName {
    pub(super) first: ElementId,
    /// The meaning's id, or [`DeclaredName::NO_MEANING`] for a name only local elements have.
    meaning: u32,
}

impl DeclaredName {
    const NO_MEANING: u32 = u32::MAX;

    /// The element the name means workspace-wide.
    #[inline]
    pub(super) fn meaning(self) -> Option<ElementId> {
        (self.meaning != DeclaredName::NO_MEANING).then_some(ElementId(self.meaning))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Model {
    pub elements: Vec<Element>,
    /// Every declared name, hashed by its name, with the element it means workspace-wide: eight
    /// bytes a name, where a sorted map with its own copy of every name took about forty (15 MiB
    /// at 100,000 components) and a one-thread sort to build. The resolver declares the names
    /// here and resolves against this same table.
    names: HashTable<DeclaredName>,
    pub acceptances: Vec<Acceptance>,
    /// Built on the first `key_of` or `by_key`: the batch CLI never pays for it.
    keys: OnceLock<KeyIndex>,
}

impl Model {
    pub fn get(&self, id: ElementId) -> Option<&Element> {
        self.elements.get(id.0 as usize)
    }

    pub fn iter(&self) -> impl Iterator<Item = (ElementId, &Element)> {
        self.elements.iter().enumerate().map(|(i, e)| (ElementId(i as u32), e))
    }

    /// Elements declared by the user (not the standard library), of one kind.
    pub fn of_kind(&self, kind: DeclKind) -> impl Iterator<Item = (ElementId, &Element)> {
        self.iter().filter(move |(_, e)| e.kind == kind && !e.from_std)
    }

    pub fn lookup(&self, name: &str) -> Option<ElementId> {
        self.declared(name).and_then(DeclaredName::meaning)
    }

    /// Every workspace-wide name with the element it means, in no particular order.
    pub fn global_names(&self) -> impl Iterator<Item = (&str, ElementId)> {
        self.names.iter().filter_map(|d| d.meaning()).map(|id| (self.name_of(id), id))
    }

    /// The declared name `name`; `None` means no element has this name.
    #[inline]
    pub(super) fn declared(&self, name: &str) -> Option<DeclaredName> {
        self.names.find(hash_name(name), |d| self.name_of(d.first) == name).copied()
    }

    /// Declares element `id`'s name, with no meaning yet, unless an earlier element has it;
    /// returns the first element that declared it.
    pub(super) fn declare_name(&mut self, id: ElementId) -> ElementId {
        let Model { elements, names, .. } = self;
        let name_of = |id: ElementId| elements.get(id.0 as usize).map_or("", |e| e.name.as_str());
        let name = name_of(id);
        let hash = hash_name(name);
        if let Some(declared) = names.find(hash, |d| name_of(d.first) == name) {
            return declared.first;
        }
        names.insert_unique(hash, DeclaredName { first: id, meaning: DeclaredName::NO_MEANING }, |d| {
            hash_name(name_of(d.first))
        });
        id
    }

    /// Gives every declared name its workspace-wide meaning, by the first element declaring it.
    pub(super) fn set_meanings(&mut self, meaning_by_first: &[Option<ElementId>]) {
        for declared in self.names.iter_mut() {
            let meaning = meaning_by_first.get(declared.first.0 as usize).copied().flatten();
            declared.meaning = meaning.map_or(DeclaredName::NO_MEANING, |id| id.0);
        }
    }

    /// Room for `names` declared names.
    pub(super) fn reserve_names(&mut self, names: usize) {
        let elements = &self.elements;
        self.names.reserve(names, |d| hash_name(elements.get(d.first.0 as usize).map_or("", |e| e.name.as_str())));
    }

    /// The file an element is declared in: where its values and attributes are written.
    pub fn file_of(&self, id: ElementId) -> FileId {
        self.get(id).map_or(FileId(0), |e| e.file)
    }

    pub fn name_of(&self, id: ElementId) -> &str {
        self.get(id).map_or("?", |e| e.name.as_str())
    }

    /// A stable path for an element: `decision.option` for nested local ones, the name otherwise.
    pub fn path_of(&self, id: ElementId) -> String {
        match self.get(id) {
            Some(e) if !e.kind.is_global() => match e.parent {
                Some(p) => format!("{}.{}", self.path_of(p), e.name),
                None => e.name.to_string(),
            },
            Some(e) => e.name.to_string(),
            None => "?".to_string(),
        }
    }

    /// The element's identity across analyses (see [`ElementKey`]).
    pub fn key_of(&self, id: ElementId) -> Option<&ElementKey> {
        self.key_index().keys.get(id.0 as usize)
    }

    /// The element that has this key in this analysis, if it still exists.
    pub fn by_key(&self, key: &str) -> Option<ElementId> {
        self.key_index().ids.get(key).copied()
    }

    fn key_index(&self) -> &KeyIndex {
        self.keys.get_or_init(|| {
            let mut index = KeyIndex { keys: Vec::with_capacity(self.elements.len()), ids: FxHashMap::default() };
            // How many elements had each qualified name so far, for the rare name declared twice.
            let mut seen: FxHashMap<String, u32> = FxHashMap::default();
            for (id, e) in self.iter() {
                let mut path = vec![e.name.as_str()];
                let mut up = e.parent;
                while let Some(p) = up.and_then(|p| self.get(p)) {
                    path.push(p.name.as_str());
                    up = p.parent;
                }
                path.reverse();
                let qualified = format!("{}{}", if e.from_std { "std:" } else { "" }, path.join("."));
                let count = seen.entry(qualified.clone()).or_insert(0);
                *count += 1;
                let key = if *count == 1 { qualified } else { format!("{qualified}#{count}") };
                index.ids.insert(key.clone(), id);
                index.keys.push(ElementKey(key));
            }
            index
        })
    }

    /// A deterministic text dump without spans: two models are the same iff their dumps are. Used
    /// to prove that formatting preserves meaning.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for (id, e) in self.iter() {
            if e.from_std {
                continue;
            }
            let _ = write!(out, "{} {}", e.kind.keyword(), self.path_of(id));
            if let Some(l) = &e.label {
                let _ = write!(out, " {l:?}");
            }
            if let Some(v) = &e.variant {
                let _ = write!(out, " <{v}>");
            }
            out.push('\n');
            for a in &e.attrs {
                self.dump_attr(&mut out, a, 1);
            }
            for s in &e.steps {
                let arrow = if s.is_async { "~>" } else { "->" };
                let _ = write!(out, "  step {} {arrow} {}", self.dump_val(&s.from.val), self.dump_val(&s.to.val));
                if let Some(l) = &s.label {
                    let _ = write!(out, " {l:?}");
                }
                if let Some(p) = &s.protocol {
                    let _ = write!(out, " {p}");
                }
                if let Some(l) = &s.latency {
                    let _ = write!(out, " {l}");
                }
                out.push('\n');
                for a in &s.options {
                    self.dump_attr(&mut out, a, 2);
                }
            }
            for ep in &e.endpoints {
                let _ = write!(out, "  endpoint {} {}", ep.method, ep.target);
                if let Some(r) = &ep.request {
                    let _ = write!(out, " ({})", self.dump_val(&r.val));
                }
                if let Some(r) = &ep.response {
                    let _ = write!(out, " -> {}", self.dump_val(&r.val));
                }
                if let Some(s) = &ep.summary {
                    let _ = write!(out, " {s:?}");
                }
                out.push('\n');
                for a in &ep.options {
                    self.dump_attr(&mut out, a, 2);
                }
            }
            for f in &e.fields {
                let _ = writeln!(
                    out,
                    "  field {}: {}{} {:?} {:?}",
                    f.name,
                    f.ty,
                    if f.list { "[]" } else { "" },
                    f.modifiers,
                    f.doc
                );
            }
        }
        for a in &self.acceptances {
            let _ = writeln!(out, "accept {} {:?}", a.fingerprint(), a.justification);
            for at in &a.attrs {
                self.dump_attr(&mut out, at, 1);
            }
        }
        out
    }

    fn dump_attr(&self, out: &mut String, a: &Attribute, depth: usize) {
        let _ = write!(out, "{}{}", "  ".repeat(depth), a.name());
        for (i, arg) in a.args.iter().enumerate() {
            let vals: Vec<String> = arg.iter().map(|v| self.dump_val(&v.val)).collect();
            let _ = write!(out, " [{i}:{}]", vals.join(","));
        }
        out.push('\n');
        for b in &a.block {
            self.dump_attr(out, b, depth + 1);
        }
    }

    pub fn dump_val(&self, v: &Val) -> String {
        match v {
            Val::Ref(id) => format!("&{}", self.path_of(*id)),
            Val::Unresolved(n) => format!("!{n}"),
            Val::Text(t) => format!("{t:?}"),
            Val::Lit(l) => l.to_string(),
            Val::Word(w) => w.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Hole => "?".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn endpoint(method: &str, target: &str) -> Endpoint {
        Endpoint {
            method: method.into(),
            target: target.into(),
            request: None,
            response: None,
            summary: None,
            options: ThinList::default(),
            span: Span::new(FileId(0), 0..0),
        }
    }

    #[test]
    fn a_calls_names_an_endpoint_by_its_signature_and_an_operation_by_its_name() {
        let get = endpoint("GET", "/orders/{id}");
        assert!(get.is_named("GET /orders/{id}"));
        assert!(get.is_named("  GET /orders/{id} "));
        assert!(!get.is_named("GET  /orders/{id}"), "one space, as the signature has");
        assert!(!get.is_named("POST /orders/{id}"));
        assert!(!get.is_named("GET /orders"));
        assert!(!get.is_named("/orders/{id}"));
        let op = endpoint("op", "reserve");
        assert!(op.is_named("reserve"));
        assert!(op.is_named("op reserve"));
        assert!(op.is_named("op  reserve "));
        assert!(!op.is_named("op reserved"));
        assert!(!get.is_named("op GET /orders/{id}"), "`op` prefixes operations only");
    }

    /// Values and attributes keep only a range; `span_in` with their element's file must point at
    /// their own text, in whichever file they are written.
    #[test]
    fn value_and_attribute_spans_point_into_their_elements_file() {
        use crate::semantic::Workspace;
        let texts = ["component a \"A\" {\n  uses b sync\n}\n", "component b \"B\" {\n  owner ?\n  uses a async\n}\n"];
        let ws = Workspace::of_texts(texts);
        let (model, _) = crate::semantic::analyze(&ws);
        let b = model.get(model.lookup("b").unwrap()).unwrap();
        assert_eq!(b.file, FileId(1));
        let text_of = |span: Span| &ws.sources.text(span.file)[span.range()];
        let owner = b.attr("owner").unwrap();
        assert_eq!(text_of(owner.span_in(b.file)), "owner ?");
        assert_eq!(text_of(owner.first().unwrap().span_in(b.file)), "?");
        let uses = b.attr("uses").unwrap();
        assert_eq!(text_of(uses.first().unwrap().span_in(model.file_of(model.lookup("b").unwrap()))), "a");
        assert_eq!(uses.span_in(b.file).file, FileId(1));
    }

    /// The workspace of 100,000 components holds over three million attributes and values: each
    /// byte here is megabytes of peak memory. Values and attributes keep a range, not a span: their
    /// file is their element's.
    #[test]
    fn model_types_stay_small() {
        assert!(std::mem::size_of::<Val>() <= 16, "Val is {} bytes", std::mem::size_of::<Val>());
        assert!(std::mem::size_of::<Value>() <= 24, "Value is {} bytes", std::mem::size_of::<Value>());
        assert!(std::mem::size_of::<Attribute>() <= 48, "Attribute is {} bytes", std::mem::size_of::<Attribute>());
        assert!(std::mem::size_of::<Block>() <= 8);
        assert!(std::mem::size_of::<Element>() <= 160, "Element is {} bytes", std::mem::size_of::<Element>());
        assert!(
            std::mem::offset_of!(Element, file) + std::mem::size_of::<FileId>() <= 32,
            "an element's name, kind and file share its first 32 bytes"
        );
        assert!(std::mem::size_of::<Field>() <= 48, "Field is {} bytes", std::mem::size_of::<Field>());
        assert!(std::mem::size_of::<Step>() <= 104, "Step is {} bytes", std::mem::size_of::<Step>());
        assert!(std::mem::size_of::<Endpoint>() <= 112, "Endpoint is {} bytes", std::mem::size_of::<Endpoint>());
    }
}
