//! Lowering one file without the names of the others: its declarations become elements and its
//! values model values, right after the file is parsed and while its tree is still in cache, so
//! that the tree can be dropped at once. References stay pending until every file is lowered and
//! every name declared; [`super::resolve`] then resolves them in place.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use smol_str::SmolStr;

use super::model::*;
use super::text::Texts;
use crate::source::FileId;
use crate::syntax::args::ThinList;
use crate::syntax::ast::{self, Decl, Ident, Item, SourceAst};

/// One file lowered without names. Element ids count from the file's first element (its first
/// declaration is 0), in declaration order; installing the file offsets them.
///
/// A pending reference is a `Val::Ref` whose id is an index into `names`, the text it was
/// written as: no reference is resolved yet, so no `Val::Ref` means anything else here. The
/// resolver replaces every one of them before the model is handed out. References written alike
/// share one index: a file names the same owner, zone and system many times, and the resolver
/// then looks each of them up once, by index, without hashing its text again.
#[derive(Clone, Debug)]
pub struct LoweredFile {
    pub(super) file: FileId,
    /// Each declaration's element, with its parent and children in file-local ids.
    pub(super) elements: Vec<Element>,
    /// What each element's attributes, steps and endpoints lowered to, in step with `elements`.
    pub(super) parts: Vec<Parts>,
    pub(super) acceptances: Vec<PendingAcceptance>,
    /// The text of each pending reference, by the index its `Val::Ref` holds; each text once.
    pub(super) names: Vec<SmolStr>,
}

impl LoweredFile {
    /// How many declarations the file has.
    pub fn declarations(&self) -> usize {
        self.elements.len()
    }

    /// Moves the file's lists, which resolving frees, into lists allocated by the calling thread,
    /// and frees the originals now: a file lowered on another thread then leaves nothing for the
    /// allocator to collect on that thread once it has exited (see
    /// [`crate::parallel::map_owned_in_order_settled`]). The elements' own contents stay where
    /// they are: the model keeps them.
    pub fn rehome(&mut self) {
        fn moved<T>(list: &mut Vec<T>) {
            let mut here = Vec::with_capacity(list.len());
            here.append(list);
            *list = here;
        }
        moved(&mut self.elements);
        moved(&mut self.parts);
        moved(&mut self.acceptances);
        moved(&mut self.names);
    }
}

/// The parts of an element whose values may hold references; kept apart from the element so
/// that resolving them can read every declared element meanwhile.
#[derive(Clone, Debug)]
pub(super) struct Parts {
    pub(super) attrs: KeyedAttrs,
    pub(super) steps: ThinList<Step>,
    pub(super) endpoints: ThinList<Endpoint>,
}

/// An `accept` line, whose targets are checked once names are known.
#[derive(Clone, Debug)]
pub(super) struct PendingAcceptance {
    pub(super) acceptance: Acceptance,
    pub(super) targets: Vec<Ident>,
    /// How many of the file's elements are declared before it: diagnostics come in file order.
    pub(super) elements_before: usize,
}

/// Lowers one file's tree; `is_std` marks the embedded standard library's files.
pub fn lower(file: FileId, is_std: bool, ast: &SourceAst) -> LoweredFile {
    let mut lowering = Lowering {
        is_std,
        texts: Texts::default(),
        name_index: HashTable::new(),
        out: LoweredFile { file, elements: Vec::new(), parts: Vec::new(), acceptances: Vec::new(), names: Vec::new() },
    };
    let declarations: usize = ast.items.iter().map(count_decls).sum();
    lowering.out.elements.reserve_exact(declarations);
    lowering.out.parts.reserve_exact(declarations);
    for item in &ast.items {
        match item {
            Item::Decl(d) => {
                lowering.decl(d, None);
            }
            Item::Accept(a) => lowering.accept(a),
            Item::Import(_) => {}
        }
    }
    lowering.out
}

fn count_decls(item: &Item) -> usize {
    fn count(d: &Decl) -> usize {
        1 + d.children.iter().map(count).sum::<usize>()
    }
    match item {
        Item::Decl(d) => count(d),
        _ => 0,
    }
}

struct Lowering {
    is_std: bool,
    /// The file's texts, each kept once.
    texts: Texts,
    /// Each pending reference text's index in `out.names`, hashed by the text.
    name_index: HashTable<u32>,
    out: LoweredFile,
}

impl Lowering {
    /// Lowers a declaration, then its nested ones: ids in declaration order.
    fn decl(&mut self, d: &Decl, parent: Option<ElementId>) -> ElementId {
        let id = ElementId(self.out.elements.len() as u32);
        let mut element = Element::new(d.kind, d.name.text.clone(), parent, self.out.file, d.span, d.name.span);
        element.from_std = self.is_std;
        element.label = d.label.as_ref().map(|l| l.value.clone());
        element.variant = d.variant.as_ref().map(|v| self.texts.get(&v.text));
        let texts = &mut self.texts;
        element.fields = d
            .fields
            .iter()
            .map(|f| Field {
                name: texts.get(&f.name.text),
                ty: texts.get(&f.ty.text),
                list: f.list,
                modifiers: f.modifiers.iter().map(|m| texts.get(&m.text)).collect(),
                doc: f.doc.as_ref().map(|t| texts.get(&t.value)),
                span: f.span,
            })
            .collect();
        self.out.elements.push(element);
        let attrs = self.attrs(&d.attrs);
        let steps = d
            .steps
            .iter()
            .map(|s| Step {
                from: self.reference(&s.from),
                to: self.reference(&s.to),
                is_async: s.is_async,
                label: s.label.as_ref().map(|l| self.texts.get(&l.value)),
                protocol: s.protocol.as_ref().map(|p| self.texts.get(&p.text)),
                latency: s.latency.map(|l| l.0),
                options: self.attrs(&s.options).into(),
                span: s.span,
            })
            .collect();
        let endpoints = d
            .endpoints
            .iter()
            .map(|e| Endpoint {
                method: self.texts.get(&e.method.text),
                target: e.target.value.clone(),
                request: e.request.as_ref().map(|v| self.value(v)),
                response: e.response.as_ref().map(|v| self.value(v)),
                summary: e.summary.as_ref().map(|s| self.texts.get(&s.value)),
                options: self.attrs(&e.options).into(),
                span: e.span,
            })
            .collect();
        self.out.parts.push(Parts { attrs: KeyedAttrs::new(attrs), steps, endpoints });
        if !d.children.is_empty() {
            let children = d.children.iter().map(|c| self.decl(c, Some(id))).collect();
            if let Some(e) = self.out.elements.get_mut(id.0 as usize) {
                e.children = children;
            }
        }
        id
    }

    fn accept(&mut self, a: &ast::Accept) {
        let attrs = self.attrs(&a.attrs);
        self.out.acceptances.push(PendingAcceptance {
            acceptance: Acceptance {
                rule: a.rule.text.clone(),
                targets: a.targets.iter().map(|t| t.text.clone()).collect(),
                justification: a.justification.as_ref().map(|j| j.value.clone()),
                attrs,
                file: self.out.file,
                span: a.span,
            },
            targets: a.targets.clone(),
            elements_before: self.out.elements.len(),
        });
    }

    fn attrs(&mut self, attrs: &[ast::Attr]) -> Vec<Attribute> {
        attrs
            .iter()
            .map(|a| Attribute {
                spec: a.spec,
                args: a.args.map(|_, v| self.value(v)),
                block: self.attrs(&a.block).into(),
                span: a.span.into(),
            })
            .collect()
    }

    fn value(&mut self, v: &ast::Value) -> Value {
        let val = match v {
            ast::Value::Ref(ident) => return self.reference(ident),
            ast::Value::Text(t) => Val::Text(self.texts.get(&t.value)),
            ast::Value::Lit(l, _) => Val::Lit(*l),
            ast::Value::Word(w, _) => Val::Word(w.clone()),
            ast::Value::Bool(b, _) => Val::Bool(*b),
            ast::Value::Hole(_) => Val::Hole,
        };
        Value { val, span: v.span().into() }
    }

    /// A reference, pending: its text is kept in `names`, once per file, until names are known.
    fn reference(&mut self, name: &Ident) -> Value {
        let names = &mut self.out.names;
        let text = name.text.as_str();
        let hash = FxBuildHasher.hash_one(text);
        let index = match self.name_index.find(hash, |i| names[*i as usize] == text) {
            Some(i) => *i,
            None => {
                let i = names.len() as u32;
                names.push(name.text.clone());
                self.name_index.insert_unique(hash, i, |i| FxBuildHasher.hash_one(names[*i as usize].as_str()));
                i
            }
        };
        Value { val: Val::Ref(ElementId(index)), span: name.span.into() }
    }
}
