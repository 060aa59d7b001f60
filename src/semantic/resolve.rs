//! Lowering and name resolution: declarations become elements, names become [`ElementId`]s, and
//! every reference is checked for existence, kind and import visibility.

use std::collections::BTreeMap;

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};
use smol_str::SmolStr;

use super::model::*;
use super::{Workspace, WorkspaceFile};
use crate::diagnostics::{codes, did_you_mean, Diagnostic};
use crate::source::{FileId, Span};
use std::borrow::Cow;

use crate::syntax::args::ThinList;
use crate::syntax::ast::{self, Decl, Ident, Item, SourceAst};
use crate::syntax::schema::{self, DeclKind, Ty};

/// Resolves a workspace whose syntax trees are given separately, one per file in `ws.files`
/// order. Owned trees are dropped file by file as the model grows, which keeps the peak low.
pub fn run(ws: &Workspace, asts: Vec<Cow<'_, SourceAst>>) -> (Model, Vec<Diagnostic>) {
    run_parallel_from(ws, asts, PARALLEL_FROM_DECLARATIONS)
}

fn run_parallel_from(
    ws: &Workspace,
    asts: Vec<Cow<'_, SourceAst>>,
    parallel_from_declarations: usize,
) -> (Model, Vec<Diagnostic>) {
    let per_file: Vec<usize> = asts.iter().map(|a| a.items.iter().map(count_decls).sum::<usize>()).collect();
    let declarations: usize = per_file.iter().sum();
    let top_level: usize = asts.iter().map(|a| a.items.iter().filter(|i| matches!(i, Item::Decl(_))).count()).sum();
    let mut r = Resolver {
        ws,
        model: Model::default(),
        diags: Vec::new(),
        visible: Vec::new(),
        file_index: Vec::new(),
        symbols: Symbols::with_capacity(declarations),
        global: Vec::with_capacity(declarations),
        std_names: FxHashMap::default(),
        duplicates: FxHashMap::default(),
        children: FxHashMap::with_capacity_and_hasher(declarations - top_level, FxBuildHasher),
    };
    r.model.elements.reserve_exact(declarations);
    let files = ws.files.iter().map(|f| f.id.0 as usize + 1).max().unwrap_or(0);
    r.file_index = vec![None; files];
    for (i, f) in ws.files.iter().enumerate() {
        r.file_index[f.id.0 as usize] = Some(i);
    }
    r.compute_visibility();
    // Every name is declared before any reference is resolved.
    for (f, ast) in ws.files.iter().zip(&asts) {
        for item in &ast.items {
            if let Item::Decl(d) = item {
                r.declare(f, d, None);
            }
        }
    }
    // The workspace-wide names, built once in sorted order for the model's readers.
    r.model.names = sorted_names(&r.global, &r.model.elements);
    // With every name known, lowering one file needs nothing from another: files are lowered
    // on all cores and their elements, acceptances and diagnostics appended in file order, so the
    // outcome is the one-thread outcome. Lowering visits declarations in declaring order, so each
    // file's ids start where the files before it end. It reads the trees, borrowed (the editor
    // keeps them) or owned alike: a name or text is a `SmolStr`, so the model shares it (inline
    // up to 23 bytes, reference-counted beyond) instead of copying. An owned tree is dropped as
    // soon as its file is lowered, which keeps the peak low.
    let mut next = 0u32;
    let mut jobs = ws.files.iter().zip(asts).zip(&per_file).map(|((f, ast), &count)| {
        let first = next;
        next += count as u32;
        (first, count, f.id, ast)
    });
    let threads = crate::parallel::threads_for(declarations, parallel_from_declarations);
    // Files are lowered a wave at a time, and each wave's elements are installed before the
    // next starts, so that lowered elements and their empty shells are not all alive at once.
    let mut installed = 0u32;
    loop {
        let mut wave = Vec::new();
        let mut wave_declarations = 0;
        for job in jobs.by_ref() {
            wave_declarations += job.1;
            wave.push(job);
            if wave_declarations >= WAVE_DECLARATIONS {
                break;
            }
        }
        if wave.is_empty() {
            break;
        }
        let lowered = crate::parallel::map_owned_in_order(wave, threads, |(first, count, file, ast)| {
            let mut lowerer =
                Lowerer { r: &r, diags: Vec::new(), elements: Vec::with_capacity(count), acceptances: Vec::new() };
            lowerer.lower_file(first, file, &ast);
            lowerer.into_parts()
        });
        for (parts, acceptances, diags) in lowered {
            for lowered in parts {
                r.install(ElementId(installed), lowered);
                installed += 1;
            }
            r.model.acceptances.extend(acceptances);
            r.diags.extend(diags);
        }
    }
    r.providers_once();
    (r.model, r.diags)
}

/// Lowering takes 1.1 to 1.5 us a declaration on one thread. At 100,000 components (285,000
/// declarations) two idle cores lowered in 245 ms instead of 436, and at 10,000 (28,000
/// declarations) `archc check` took 0.85x the one-thread time on a quiet machine. At 1,000
/// components (about 2,900 declarations) a second thread took resolve from 2.6 to 2.2 ms (median
/// of 25, two alternating sets, load 1.3). On cores busy with other work a wave can end waiting
/// for a descheduled thread; below this bound that wait would dwarf the gain, and a one-file
/// workspace keeps its start-up time.
const PARALLEL_FROM_DECLARATIONS: usize = 2_000;

/// At most about 21 MB of lowered elements waiting to be installed (peak memory at 100,000
/// components did not move, measured against one wave and against waves of 32,768); few waves,
/// since on a busy machine each one ends waiting for its slowest thread. A 10,000-component
/// workspace (28,000 declarations) is one wave, 100,000 components (285,000) are three.
const WAVE_DECLARATIONS: usize = 100_000;

/// The element each global name means, sorted by name. Sorting compares the names' first sixteen
/// bytes as one integer and reads the rest only on a tie: at 100,000 components comparing the
/// names themselves made this sort take longer than declaring them.
fn sorted_names(global: &[Option<ElementId>], elements: &[Element]) -> BTreeMap<SmolStr, ElementId> {
    let mut names: Vec<(u128, &SmolStr, ElementId)> = global
        .iter()
        .flatten()
        .map(|&id| {
            let name = &elements[id.0 as usize].name;
            (prefix_key(name), name, id)
        })
        .collect();
    names.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.as_str().cmp(b.1.as_str())));
    names.into_iter().map(|(_, name, id)| (name.clone(), id)).collect()
}

/// The first sixteen bytes of `name`, zero-padded, as a big-endian integer: ordering these orders
/// the names by those bytes, and equal keys leave the order to the rest of the names.
fn prefix_key(name: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = name.len().min(16);
    bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
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

/// A declared name, interned once: lookups hash the reference's text once and then compare
/// small integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Sym(u32);

/// The names declared in the workspace. Each entry is a symbol and the first element with that
/// name: the text itself stays in the model, so interning allocates nothing per name.
struct Symbols {
    table: HashTable<(Sym, ElementId)>,
}

impl Symbols {
    /// Room for `names` names, the number of declarations being an upper bound.
    fn with_capacity(names: usize) -> Symbols {
        Symbols { table: HashTable::with_capacity(names) }
    }

    /// The symbol of `id`'s name, which is `name`; the element must already be in `elements`.
    fn intern(&mut self, name: &str, id: ElementId, elements: &[Element]) -> Sym {
        let hash = hash_name(name);
        if let Some(&(sym, _)) = self.table.find(hash, |&(_, e)| elements[e.0 as usize].name == name) {
            return sym;
        }
        let sym = Sym(self.table.len() as u32);
        self.table.insert_unique(hash, (sym, id), |&(_, e)| hash_name(&elements[e.0 as usize].name));
        sym
    }

    /// The symbol of a name some declaration has; `None` means no element has this name.
    fn get(&self, name: &str, elements: &[Element]) -> Option<Sym> {
        self.table.find(hash_name(name), |&(_, e)| elements[e.0 as usize].name == name).map(|&(sym, _)| sym)
    }
}

fn hash_name(name: &str) -> u64 {
    FxBuildHasher.hash_one(name)
}

struct Resolver<'w> {
    ws: &'w Workspace,
    model: Model,
    diags: Vec<Diagnostic>,
    /// For each std module (by index in `ws.files`), the files whose declarations it sees; empty
    /// for workspace files, which see the whole workspace.
    visible: Vec<Vec<u64>>,
    /// Index in `ws.files` by `FileId`.
    file_index: Vec<Option<usize>>,
    symbols: Symbols,
    /// The element a global name means (what `model.names` holds), by symbol.
    global: Vec<Option<ElementId>>,
    /// Names declared by the standard library: std files resolve against these, so a user
    /// declaration that shadows a std name does not change what std itself means.
    std_names: FxHashMap<Sym, ElementId>,
    /// Later declarations of names already taken (reported as HYG002); a reference prefers the
    /// declaration its file can see.
    duplicates: FxHashMap<Sym, Vec<ElementId>>,
    /// The first child of an element with a given name: nested and qualified names resolve
    /// without scanning the children.
    children: FxHashMap<(ElementId, Sym), ElementId>,
}

/// Lowers the declarations of one file against the finished name tables, which it only reads,
/// so files can be lowered side by side; what it makes is appended to the model in file order.
struct Lowerer<'r, 'w> {
    r: &'r Resolver<'w>,
    /// This file's diagnostics, in the order one thread would have reported them.
    diags: Vec<Diagnostic>,
    /// What lowering adds to each of this file's declared elements, in declaring order.
    elements: Vec<Lowered>,
    acceptances: Vec<Acceptance>,
}

/// Lowering reads the resolver's tables and model (names, kinds, parents, files) as the resolver
/// itself would; only its output goes elsewhere.
impl<'w> std::ops::Deref for Lowerer<'_, 'w> {
    type Target = Resolver<'w>;

    fn deref(&self) -> &Resolver<'w> {
        self.r
    }
}

/// What lowering a declaration adds to the element declaring it made: the declared shell already
/// has the kind, name, parent, children, file and spans, so only the rest is built and moved.
struct Lowered {
    label: Option<SmolStr>,
    variant: Option<SmolStr>,
    attrs: Vec<Attribute>,
    steps: ThinList<Step>,
    endpoints: ThinList<Endpoint>,
    fields: ThinList<Field>,
}

impl<'w> Resolver<'w> {
    /// Fills a declared element with what lowering made of its declaration.
    fn install(&mut self, id: ElementId, lowered: Lowered) {
        let Some(declared) = self.model.elements.get_mut(id.0 as usize) else { return };
        let Lowered { label, variant, attrs, steps, endpoints, fields } = lowered;
        declared.label = label;
        declared.variant = variant;
        declared.set_attrs(attrs);
        declared.steps = steps;
        declared.endpoints = endpoints;
        declared.fields = fields;
    }

    fn file(&self, id: FileId) -> Option<&'w WorkspaceFile> {
        self.file_index.get(id.0 as usize).copied().flatten().and_then(|i| self.ws.files.get(i))
    }

    fn index_of(&self, id: FileId) -> Option<usize> {
        self.file_index.get(id.0 as usize).copied().flatten()
    }

    /// What each std module sees: itself and the std modules it imports, transitively. Workspace
    /// files see everything and need no row of their own.
    fn compute_visibility(&mut self) {
        let n = self.ws.files.len();
        let words = n.div_ceil(64).max(1);
        self.visible = vec![Vec::new(); n];
        for start in 0..n {
            if !self.ws.files[start].is_std {
                continue;
            }
            self.visible[start] = vec![0u64; words];
            let mut stack = vec![start];
            while let Some(v) = stack.pop() {
                let (w, b) = (v / 64, v % 64);
                if self.visible[start][w] & (1 << b) != 0 {
                    continue;
                }
                self.visible[start][w] |= 1 << b;
                for (to, _) in &self.ws.files[v].imports {
                    if let Some(j) = self.index_of(*to) {
                        stack.push(j);
                    }
                }
            }
        }
    }

    /// One namespace per workspace: a workspace file sees every declaration, std modules
    /// included; only a std module is limited to what it imports, so that std means the same
    /// in every workspace.
    fn sees(&self, from: FileId, target: FileId) -> bool {
        if !self.file(from).is_some_and(|f| f.is_std) {
            return true;
        }
        match (self.index_of(from), self.index_of(target)) {
            (Some(a), Some(b)) => self.visible[a].get(b / 64).is_some_and(|w| w & (1 << (b % 64)) != 0),
            _ => false,
        }
    }

    fn declare(&mut self, f: &WorkspaceFile, d: &Decl, parent: Option<ElementId>) -> ElementId {
        let id = ElementId(self.model.elements.len() as u32);
        // The rest is filled in while lowering.
        let mut element = Element::new(d.kind, d.name.text.clone(), parent, f.id, d.span, d.name.span);
        element.from_std = f.is_std;
        self.model.elements.push(element);
        let sym = self.symbols.intern(&d.name.text, id, &self.model.elements);
        // The earlier sibling of the same name, if any (the first one keeps the name).
        let mut clash = None;
        if let Some(p) = parent {
            clash = Some(*self.children.entry((p, sym)).or_insert(id)).filter(|c| *c != id);
        }
        if d.kind.is_global() {
            self.bind_global(id, sym, d);
        } else if let Some(other) = clash {
            // Local names (options, nodes) must be unique within their parent.
            let first = self.model.get(other).map(|e| e.name_span).unwrap_or(d.name.span);
            self.diags.push(
                Diagnostic::new(
                    codes::DUPLICATE_ID,
                    format!("`{}` is declared twice in this block", d.name.text),
                    d.name.span,
                    "declared again here",
                )
                .with_secondary(first, "first declared here")
                .with_help("rename one of them"),
            );
        }
        if !d.children.is_empty() {
            let children = d.children.iter().map(|c| self.declare(f, c, Some(id))).collect();
            if let Some(e) = self.model.elements.get_mut(id.0 as usize) {
                e.children = children;
            }
        }
        id
    }

    fn bind_global(&mut self, id: ElementId, sym: Sym, d: &Decl) {
        if self.model.get(id).is_some_and(|e| e.from_std) {
            self.std_names.entry(sym).or_insert(id);
        }
        let slot = sym.0 as usize;
        if self.global.len() <= slot {
            self.global.resize(slot + 1, None);
        }
        let Some(existing) = self.global[slot] else {
            self.global[slot] = Some(id);
            return;
        };
        let (old_std, new_std) =
            (self.model.get(existing).is_some_and(|e| e.from_std), self.model.get(id).is_some_and(|e| e.from_std));
        match (old_std, new_std) {
            // A user declaration shadows the standard library's.
            (true, false) => {
                self.global[slot] = Some(id);
            }
            (false, true) => {}
            _ => {
                self.duplicates.entry(sym).or_default().push(id);
                let Some(first) = self.model.get(existing) else { return };
                let first_kind = first.kind;
                let name = &d.name.text;
                let mut diag = Diagnostic::new(
                    codes::DUPLICATE_ID,
                    format!("`{name}` is declared twice"),
                    d.name.span,
                    "declared again here",
                )
                .with_secondary(first.name_span, format!("first declared here as {}", first_kind.article()))
                .with_help("names are unique across the workspace: rename one of them");
                if first_kind != d.kind {
                    diag = diag.with_note(format!("one is {}, the other {}", first_kind.article(), d.kind.article()));
                }
                self.diags.push(diag);
            }
        }
    }
}

impl Lowerer<'_, '_> {
    fn lower_file(&mut self, first: u32, file: FileId, ast: &SourceAst) {
        let mut next = first;
        for item in &ast.items {
            match item {
                Item::Decl(d) => self.lower_tree(d, &mut next),
                Item::Accept(a) => self.accept(file, a),
                Item::Import(_) => {}
            }
        }
    }

    fn into_parts(self) -> (Vec<Lowered>, Vec<Acceptance>, Vec<Diagnostic>) {
        (self.elements, self.acceptances, self.diags)
    }

    /// Lowers a declaration and its nested ones, in declaration order.
    fn lower_tree(&mut self, d: &Decl, next: &mut u32) {
        let id = ElementId(*next);
        *next += 1;
        self.lower(id, d);
        for child in &d.children {
            self.lower_tree(child, next);
        }
    }

    fn lower(&mut self, id: ElementId, d: &Decl) {
        let ctx = Ctx { file: self.model.get(id).map_or(FileId(0), |e| e.file), element: id };
        let attrs = self.attrs(&d.attrs, ctx);
        let steps = d
            .steps
            .iter()
            .map(|s| Step {
                from: self.reference(&s.from, schema::PARTICIPANTS, ctx, "a step"),
                to: self.reference(&s.to, schema::PARTICIPANTS, ctx, "a step"),
                is_async: s.is_async,
                label: s.label.as_ref().map(|l| l.value.clone()),
                protocol: s.protocol.as_ref().map(|p| p.text.clone()),
                latency: s.latency.map(|l| l.0),
                options: self.attrs(&s.options, ctx).into_boxed_slice(),
                span: s.span,
            })
            .collect();
        let models: &[DeclKind] = &[DeclKind::Data, DeclKind::Event];
        let endpoints = d
            .endpoints
            .iter()
            .map(|e| Endpoint {
                method: e.method.text.clone(),
                target: e.target.value.clone(),
                request: e.request.as_ref().map(|v| self.value(v, Ty::Ref(models), ctx, "a request")),
                response: e.response.as_ref().map(|v| self.value(v, Ty::Ref(models), ctx, "a response")),
                summary: e.summary.as_ref().map(|s| s.value.clone()),
                options: self.attrs(&e.options, ctx).into_boxed_slice(),
                span: e.span,
            })
            .collect();
        let fields = d
            .fields
            .iter()
            .map(|f| Field {
                name: f.name.text.clone(),
                ty: f.ty.text.clone(),
                list: f.list,
                modifiers: f.modifiers.iter().map(|m| m.text.clone()).collect(),
                doc: f.doc.as_ref().map(|t| t.value.clone()),
                span: f.span,
            })
            .collect();
        if d.kind == DeclKind::Component {
            self.system_agrees_with_nesting(id, &attrs);
        }
        self.elements.push(Lowered {
            label: d.label.as_ref().map(|l| l.value.clone()),
            variant: d.variant.as_ref().map(|v| v.text.clone()),
            attrs,
            steps,
            endpoints,
            fields,
        });
    }

    /// A component declared inside a system belongs to it: a `system` attribute naming another
    /// system contradicts the nesting.
    fn system_agrees_with_nesting(&mut self, id: ElementId, attrs: &[Attribute]) {
        let mut enclosing = self.model.get(id).and_then(|e| e.parent);
        while let Some(p) = enclosing.and_then(|p| self.model.get(p)).filter(|p| p.kind != DeclKind::System) {
            enclosing = p.parent;
        }
        let Some(system) = enclosing else { return };
        let Some(declared) = attrs.iter().find(|a| a.name() == "system").and_then(|a| a.first()) else { return };
        let Val::Ref(named) = declared.val else { return };
        if named == system {
            return;
        }
        let (named_name, system_name) = (self.model.name_of(named).to_string(), self.model.name_of(system).to_string());
        let Some(sys) = self.model.get(system) else { return };
        let component = self.model.name_of(id).to_string();
        self.diags.push(
            Diagnostic::new(
                codes::SYSTEM_CONTRADICTS_NESTING,
                format!("`{component}` is declared inside system `{system_name}` but says `system {named_name}`"),
                declared.span,
                format!("names `{named_name}`"),
            )
            .with_secondary(sys.name_span, format!("`{component}` is nested in `{system_name}` here"))
            .with_help(format!(
                "remove the `system` line (the nesting says it), or move `{component}` out of `{system_name}`"
            )),
        );
    }

    fn attrs(&mut self, attrs: &[ast::Attr], ctx: Ctx) -> Vec<Attribute> {
        attrs
            .iter()
            .map(|a| {
                let spec = a.spec;
                let args = a.args.map(|i, v| {
                    let ty = spec.params.get(i).map_or(Ty::Str, |p| p.ty);
                    self.value(v, ty, ctx, spec.name)
                });
                Attribute { spec, args, block: self.attrs(&a.block, ctx).into(), span: a.span }
            })
            .collect()
    }

    fn value(&mut self, v: &ast::Value, ty: Ty, ctx: Ctx, what: &str) -> Value {
        let span = v.span();
        let val = match v {
            ast::Value::Ref(ident) => {
                let kinds = match ty {
                    Ty::Ref(k) | Ty::StrOrRef(k) => k,
                    _ => &[],
                };
                return self.reference(ident, kinds, ctx, what);
            }
            ast::Value::Text(t) => Val::Text(t.value.clone()),
            ast::Value::Lit(l, _) => Val::Lit(*l),
            ast::Value::Word(w, _) => Val::Word(w.clone()),
            ast::Value::Bool(b, _) => Val::Bool(*b),
            ast::Value::Hole(_) => Val::Hole,
        };
        Value { val, span }
    }

    /// Resolves a name where an element of one of `kinds` is expected.
    fn reference(&mut self, name: &Ident, kinds: &[DeclKind], ctx: Ctx, what: &str) -> Value {
        let span = name.span;
        let val = match self.find(&name.text, kinds, ctx) {
            Some(id) => self.check_found(id, name, kinds, ctx, what),
            None => {
                self.unresolved(name, kinds, ctx);
                Val::Unresolved(name.text.as_str().into())
            }
        };
        Value { val, span }
    }

    fn find(&self, text: &str, kinds: &[DeclKind], ctx: Ctx) -> Option<ElementId> {
        // `decision.option`, `deployment.node`, `system.container.component`.
        if let Some((head, rest)) = text.split_once('.') {
            let mut cur = self.global(self.symbol(head)?)?;
            for segment in rest.split('.') {
                cur = self.child(cur, self.symbol(segment)?)?;
            }
            return Some(cur);
        }
        // A name no declaration has resolves nowhere.
        let sym = self.symbol(text)?;
        // Local names first: options of this decision, nodes of this deployment.
        if kinds.iter().any(|k| !k.is_global()) {
            let mut scope = Some(ctx.element);
            while let Some(s) = scope {
                if let Some(c) = self.child(s, sym) {
                    return Some(c);
                }
                scope = self.model.get(s).and_then(|e| e.parent);
            }
        }
        if self.file(ctx.file).is_some_and(|f| f.is_std) {
            if let Some(id) = self.std_names.get(&sym) {
                return Some(*id);
            }
        }
        let first = self.global(sym)?;
        // With a duplicated name (already reported), prefer a declaration of the expected kind,
        // in this file if there is one, so the duplicate does not cascade into wrong-kind errors.
        if let Some(others) = self.duplicates.get(&sym) {
            let of_kind =
                |id: &ElementId| self.model.get(*id).is_some_and(|e| kinds.is_empty() || kinds.contains(&e.kind));
            let here = |id: &ElementId| self.model.get(*id).is_some_and(|e| e.file == ctx.file);
            let all = || std::iter::once(&first).chain(others.iter());
            if let Some(best) = all().find(|id| of_kind(id) && here(id)).or_else(|| all().find(|id| of_kind(id))) {
                return Some(*best);
            }
        }
        Some(first)
    }

    fn symbol(&self, name: &str) -> Option<Sym> {
        self.symbols.get(name, &self.model.elements)
    }

    /// The element a global name means.
    fn global(&self, sym: Sym) -> Option<ElementId> {
        self.global.get(sym.0 as usize).copied().flatten()
    }

    fn child(&self, parent: ElementId, name: Sym) -> Option<ElementId> {
        self.children.get(&(parent, name)).copied()
    }

    fn check_found(&mut self, id: ElementId, name: &Ident, kinds: &[DeclKind], ctx: Ctx, what: &str) -> Val {
        let Some(target) = self.model.get(id) else { return Val::Unresolved(name.text.as_str().into()) };
        if !kinds.is_empty() && !kinds.contains(&target.kind) {
            let expected: Vec<String> = kinds.iter().map(|k| k.article()).collect();
            let d = Diagnostic::new(
                codes::WRONG_KIND_REFERENCE,
                format!(
                    "`{}` is {}, but `{what}` expects {}",
                    name.text,
                    target.kind.article(),
                    schema::join_or(&expected)
                ),
                name.span,
                format!("{} here", target.kind.article()),
            )
            .with_secondary(target.name_span, format!("declared here as {}", target.kind.article()))
            .with_help(format!("refer to {} instead", schema::join_or(&expected)));
            self.diags.push(d);
            return Val::Unresolved(name.text.as_str().into());
        }
        if !self.sees(ctx.file, target.file) {
            let target_file = target.file;
            let import = self.import_text(ctx.file, target_file);
            let where_ = self.ws.sources.name(target_file).to_string();
            let d = Diagnostic::new(
                codes::NOT_IMPORTED,
                format!("`{}` is declared in `{where_}`, which this file does not import", name.text),
                name.span,
                "not imported",
            )
            .with_secondary(target.name_span, "declared here");
            // If that file already (transitively) imports this one, importing it back is a cycle.
            let help = if self.sees(target_file, ctx.file) {
                format!("`{where_}` imports this file, so importing it back would be a cycle: move `{}` to a file that both can import", name.text)
            } else {
                format!("add `{import}` at the top of this file")
            };
            let d = d.with_help(help);
            self.diags.push(d);
            return Val::Unresolved(name.text.as_str().into());
        }
        Val::Ref(id)
    }

    fn import_text(&self, from: FileId, target: FileId) -> String {
        let target_name = self.ws.sources.name(target);
        if self.file(target).is_some_and(|f| f.is_std) {
            let module = target_name.trim_start_matches("<std>/").trim_end_matches(".arch").replace('/', ".");
            return format!("import std.{module}");
        }
        format!("import \"{}\"", relative_path(self.ws.sources.name(from), target_name))
    }

    fn unresolved(&mut self, name: &Ident, kinds: &[DeclKind], ctx: Ctx) {
        let candidates: Vec<&str> = self
            .model
            .names
            .iter()
            .filter(|(_, id)| kinds.is_empty() || self.model.get(**id).is_some_and(|e| kinds.contains(&e.kind)))
            .map(|(n, _)| n.as_str())
            .collect();
        let mut d = Diagnostic::new(
            codes::DANGLING_REFERENCE,
            format!("unresolved reference `{}`", crate::diagnostics::quoted(&name.text)),
            name.span,
            "no element has this name",
        );
        if let Some(s) = did_you_mean(&name.text, candidates.iter().copied()) {
            d = d.with_suggestion(s);
            if let Some(target) = self.model.lookup(s).and_then(|id| self.model.get(id)) {
                d = d.with_secondary(target.name_span, format!("`{s}` is declared here"));
            }
        } else if !kinds.is_empty() {
            let expected: Vec<String> = kinds.iter().map(|k| k.article()).collect();
            d = d.with_help(format!(
                "declare {} named `{}`, or mark the value as still to be filled with `?`",
                schema::join_or(&expected),
                name.text
            ));
        }
        let _ = ctx;
        self.diags.push(d);
    }
}

impl Resolver<'_> {
    /// An interface has one provider: a second `exposes` (or an `exposes` by another element than
    /// the interface's `provider`) is an error, not a line silently ignored.
    fn providers_once(&mut self) {
        // Per interface: the first provider claimed and where.
        let mut claimed: BTreeMap<ElementId, (ElementId, Span, bool)> = BTreeMap::new();
        for (id, e) in self.model.iter() {
            if e.kind != DeclKind::Interface {
                continue;
            }
            if let Some(a) = e.attr("provider") {
                if let Some(Value { val: Val::Ref(p), span }) = a.first() {
                    claimed.insert(id, (*p, *span, true));
                }
            }
        }
        let mut diags = Vec::new();
        for (id, e) in self.model.iter() {
            if !matches!(e.kind, DeclKind::Component | DeclKind::External) {
                continue;
            }
            for v in e.attrs_named("exposes").flat_map(|a| a.values()) {
                let Val::Ref(iface) = v.val else { continue };
                let Some(&(first, first_span, by_attr)) = claimed.get(&iface) else {
                    claimed.insert(iface, (id, v.span, false));
                    continue;
                };
                if first == id {
                    continue;
                }
                let (iface_name, first_name) = (self.model.name_of(iface), self.model.name_of(first));
                let how = if by_attr { "its `provider`" } else { "an earlier `exposes`" };
                diags.push(
                    Diagnostic::new(
                        codes::INTERFACE_PROVIDED_TWICE,
                        format!("`{iface_name}` is already provided by `{first_name}`"),
                        v.span,
                        format!("`{}` exposes it too", e.name),
                    )
                    .with_secondary(first_span, format!("provided by `{first_name}` here ({how})"))
                    .with_help(format!(
                        "an interface has one provider: remove one of the two, or declare a separate interface for `{}`",
                        e.name
                    ))
                    .with_note("links through the interface reach its first provider only"),
                );
            }
        }
        self.diags.extend(diags);
    }
}

impl Lowerer<'_, '_> {
    fn accept(&mut self, file: FileId, a: &ast::Accept) {
        let ctx = Ctx { file, element: ElementId(u32::MAX) };
        for t in &a.targets {
            if self.find(&t.text, &[], ctx).is_none() {
                self.unresolved(t, &[], ctx);
            }
        }
        let attrs = self.attrs(&a.attrs, ctx);
        self.acceptances.push(Acceptance {
            rule: a.rule.text.clone(),
            targets: a.targets.iter().map(|t| t.text.clone()).collect(),
            justification: a.justification.as_ref().map(|j| j.value.clone()),
            attrs,
            file,
            span: a.span,
        });
    }
}

#[derive(Clone, Copy)]
struct Ctx {
    file: FileId,
    element: ElementId,
}

/// `to` relative to the directory of `from`; both are `/`-separated workspace paths.
fn relative_path(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> =
        from.split('/').collect::<Vec<_>>().split_last().map(|(_, d)| d.to_vec()).unwrap_or_default();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace of `files` files that reference each other, with a mistake of every kind
    /// lowering reports (dangling, wrong kind, duplicate, contradicting nesting, accept).
    fn workspace(files: usize) -> Workspace {
        let mut ws = Workspace::default();
        for i in 0..files {
            let next = (i + 1) % files;
            let text = format!(
                "system s{i} \"S{i}\" {{\n  component c{i} \"C{i}\" {{\n    system s{next}\n    uses c{next} sync {{ timeout 1s }}\n    uses missing{i}\n    owner s{i}\n  }}\n}}\n\
                 data d{i} \"D{i}\" {{\n  field id: uuid\n}}\n\
                 component c{next} \"Again\" {{\n  reads d{i}\n}}\n\
                 accept SEC001@c{i}@nowhere{i} \"known\"\n"
            );
            let id = ws.sources.add(format!("f{i}.arch"), text.clone());
            let ast = crate::syntax::parse(id, &text).ast;
            ws.files.push(WorkspaceFile { id, ast, imports: Vec::new(), is_std: false });
        }
        ws
    }

    #[test]
    fn lowering_on_threads_gives_the_one_thread_model_and_diagnostics() {
        let ws = workspace(40);
        let trees = || ws.files.iter().map(|f| Cow::Borrowed(&f.ast)).collect::<Vec<_>>();
        let (model, diags) = run_parallel_from(&ws, trees(), usize::MAX);
        let (threaded, threaded_diags) = run_parallel_from(&ws, trees(), 0);
        assert!(model.elements.len() >= 40 * 4, "every declaration is an element");
        assert_eq!(model.acceptances.len(), 40);
        for code in [
            codes::DANGLING_REFERENCE,
            codes::DUPLICATE_ID,
            codes::SYSTEM_CONTRADICTS_NESTING,
            codes::WRONG_KIND_REFERENCE,
        ] {
            assert!(diags.iter().any(|d| d.code.id == code.id), "the workspace has a {} finding", code.id);
        }
        assert_eq!(format!("{:?}", threaded.elements), format!("{:?}", model.elements));
        assert_eq!(format!("{:?}", threaded.acceptances), format!("{:?}", model.acceptances));
        assert_eq!(format!("{:?}", threaded.names), format!("{:?}", model.names));
        assert_eq!(format!("{threaded_diags:?}"), format!("{diags:?}"), "same diagnostics in the same order");
        // Owned trees, freed as they are lowered, give the same model too.
        let owned = ws.files.iter().map(|f| Cow::Owned(f.ast.clone())).collect();
        let (from_owned, _) = run_parallel_from(&ws, owned, 0);
        assert_eq!(format!("{:?}", from_owned.elements), format!("{:?}", model.elements));
    }

    #[test]
    fn names_sort_as_strings_whatever_their_first_sixteen_bytes() {
        let words = [
            "Cart1128_10",
            "Cart1128_1",
            "Cart112",
            "Customer1128_0002_b",
            "Customer1128_0002_a",
            "Customer1128_0002",
            "a",
            "",
            "ab\u{0}",
            "ab",
            "Zone",
            "zone",
            "Cart1128_2",
            "é",
            "ab\u{1}",
        ];
        let elements: Vec<Element> = words
            .iter()
            .map(|w| {
                Element::new(
                    DeclKind::Component,
                    SmolStr::new(w),
                    None,
                    FileId(0),
                    Span::new(FileId(0), 0..0),
                    Span::new(FileId(0), 0..0),
                )
            })
            .collect();
        let global: Vec<Option<ElementId>> =
            (0..words.len() as u32).map(|i| Some(ElementId(i))).chain([None]).collect();
        let mut expected: Vec<&str> = words.to_vec();
        expected.sort_unstable();
        let names = sorted_names(&global, &elements);
        assert_eq!(names.keys().map(SmolStr::as_str).collect::<Vec<_>>(), expected);
        assert_eq!(names["Cart112"], ElementId(2));
    }

    #[test]
    fn relative_paths_climb_to_the_common_directory() {
        assert_eq!(relative_path("a/b/x.arch", "a/c/y.arch"), "../c/y.arch");
        assert_eq!(relative_path("x.arch", "teams/t.arch"), "teams/t.arch");
        assert_eq!(relative_path("a/x.arch", "a/y.arch"), "y.arch");
    }
}
