//! Name resolution over lowered files: their elements take their ids, their names are declared,
//! and every pending reference becomes an [`ElementId`], checked for existence, kind and import
//! visibility.

use rustc_hash::{FxBuildHasher, FxHashMap};
use smol_str::SmolStr;

use super::lower::{LoweredFile, Parts, PendingAcceptance};
use super::model::DeclaredName as Declared;
use super::model::*;
use super::{Workspace, WorkspaceFile};
use crate::diagnostics::{codes, did_you_mean, Diagnostic};
use crate::source::{FileId, Span};

use crate::syntax::ast::Ident;
use crate::syntax::schema::{self, DeclKind, Ty};

/// Resolves a workspace whose files are lowered already, one per file in `ws.files` order.
pub fn run(ws: &Workspace, files: Vec<LoweredFile>) -> (Model, Vec<Diagnostic>) {
    run_parallel_from(ws, files, PARALLEL_FROM_DECLARATIONS)
}

fn run_parallel_from(
    ws: &Workspace,
    files: Vec<LoweredFile>,
    parallel_from_declarations: usize,
) -> (Model, Vec<Diagnostic>) {
    let declarations: usize = files.iter().map(LoweredFile::declarations).sum();
    let nested: usize = files.iter().flat_map(|f| &f.elements).filter(|e| e.parent.is_some()).count();
    let mut r = Resolver {
        ws,
        model: Model::default(),
        diags: Vec::new(),
        visible: Vec::new(),
        file_index: Vec::new(),
        global: Vec::with_capacity(declarations),
        std_names: FxHashMap::default(),
        duplicates: FxHashMap::default(),
        children: FxHashMap::with_capacity_and_hasher(nested, FxBuildHasher),
    };
    r.model.elements.reserve_exact(declarations);
    let file_ids = ws.files.iter().map(|f| f.id.0 as usize + 1).max().unwrap_or(0);
    r.file_index = vec![None; file_ids];
    for (i, f) in ws.files.iter().enumerate() {
        r.file_index[f.id.0 as usize] = Some(i);
    }
    r.compute_visibility();
    // The files' elements take their ids in file order, then every name is declared, in id
    // order, before any reference is resolved.
    let mut pending = Vec::with_capacity(files.len());
    for file in files {
        let LoweredFile { file, elements, parts, acceptances, names } = file;
        let first = r.model.elements.len() as u32;
        r.model.elements.extend(elements.into_iter().map(|mut e| {
            e.parent = e.parent.map(|p| ElementId(p.0 + first));
            e.children.iter_mut().for_each(|c| c.0 += first);
            e
        }));
        pending.push(PendingFile { file, first, parts, acceptances, names });
    }
    r.model.reserve_names(declarations);
    for id in 0..r.model.elements.len() {
        r.declare(ElementId(id as u32));
    }
    r.model.set_meanings(&r.global);
    r.global = Vec::new();
    // With every name known, resolving one file's references needs nothing from another: files
    // are resolved on all cores, each in place, and their parts, acceptances and diagnostics
    // installed in file order, so the outcome is the one-thread outcome.
    let threads = crate::parallel::threads_for(declarations, parallel_from_declarations);
    let resolved = crate::parallel::map_owned_in_order(pending, threads, |mut file| {
        let mut resolving = Resolving {
            r: &r,
            diags: Vec::new(),
            found: vec![(0, NOT_FOUND); file.names.len()],
            names: std::mem::take(&mut file.names),
            found_more: FxHashMap::default(),
            calls_seen: false,
            with_calls: Vec::new(),
            declared_names: Vec::new(),
        };
        resolving.resolve_file(&mut file);
        let providing = resolving.providing(&file);
        (file.first, file.parts, file.acceptances, providing, resolving.diags, resolving.with_calls)
    });
    let mut providing = Providing::default();
    let mut with_calls = Vec::new();
    for (first, parts, acceptances, file_providing, diags, file_with_calls) in resolved {
        for (k, parts) in parts.into_iter().enumerate() {
            r.install(ElementId(first + k as u32), parts);
        }
        r.model.acceptances.extend(acceptances.into_iter().map(|a| a.acceptance));
        providing.claims.extend(file_providing.claims);
        providing.exposes.extend(file_providing.exposes);
        r.diags.extend(diags);
        with_calls.extend(file_with_calls);
    }
    r.providers_once(providing);
    // The `calls` that name no endpoint, which needs every interface's endpoints installed.
    r.diags.extend(super::calls::check(&r.model, &with_calls));
    (r.model, r.diags)
}

/// Resolving walks values already lowered (lowering itself runs while parsing), about a fifth of
/// what lowering and resolving together cost. At 1,000 components (2,900 declarations) a second
/// thread took the phase from 0.5 to 0.4 ms at load 1.9 (median of 41, alternating), but from
/// 1.4 to 1.6 ms at load 5.5, when the thread waits for a core. The examples and a one-file
/// workspace stay on one thread and keep their start-up time.
const PARALLEL_FROM_DECLARATIONS: usize = 2_000;

/// Who provides which interface, as one file's resolved attributes say, in element order; read
/// on the resolving threads so that checking "one provider per interface" does not walk every
/// element's attributes again.
#[derive(Default)]
struct Providing {
    /// Per interface with a `provider` that resolved: the interface, its provider and where.
    claims: Vec<(ElementId, ElementId, Span)>,
    /// Per resolved `exposes` value of a component or external: the element, the interface and
    /// where.
    exposes: Vec<(ElementId, ElementId, Span)>,
}

/// One installed file whose references are still pending.
struct PendingFile {
    file: FileId,
    /// The id of its first element.
    first: u32,
    parts: Vec<Parts>,
    acceptances: Vec<PendingAcceptance>,
    names: Vec<SmolStr>,
}

/// A declared name, interned once: lookups hash the reference's text once and then compare
/// small integers. Its number is the id of the first element declaring the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Sym(u32);

impl Sym {
    fn of(declared: Declared) -> Sym {
        Sym(declared.first.0)
    }
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
    /// The element a global name means, by symbol, while names are declared; resolving reads it
    /// from the model's name index.
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

/// Resolves the pending references of one file against the finished name tables, which it only
/// reads, so files can be resolved side by side; the file's parts are changed in place.
struct Resolving<'r, 'w> {
    r: &'r Resolver<'w>,
    /// This file's diagnostics, in the order one thread would have reported them.
    diags: Vec<Diagnostic>,
    /// The text of each of this file's pending references, each text once.
    names: Vec<SmolStr>,
    /// What a name resolved to in this file without any finding, by its index in `names`, with
    /// the expected kinds it was resolved for (one bit per kind, none for any kind): a file names
    /// the same owner, zone and system many times, and resolving one again reads its symbol and
    /// its element, scattered over the model. A name expected as other kinds too goes to
    /// `found_more`.
    found: Vec<(u64, u32)>,
    found_more: FxHashMap<(u32, u64), ElementId>,
    /// Whether a `calls` was met since the current element's references began.
    calls_seen: bool,
    /// This file's elements with a `calls` in their links or steps, in id order: the only ones
    /// the `calls` check reads, where it used to walk every element's attributes again.
    with_calls: Vec<ElementId>,
    /// What the model's name index says of each of this file's reference texts, looked up all
    /// together before the file's values are walked: the lookups of one tight loop do not wait
    /// for each other's cache misses, where lookups spread over the walk did, one at a time.
    declared_names: Vec<Option<Declared>>,
}

/// The mark of a name not resolved yet in `Resolving::found`.
const NOT_FOUND: u32 = u32::MAX;

/// Resolving reads the resolver's tables and model (names, kinds, parents, files) as the resolver
/// itself would; only its output goes elsewhere.
impl<'w> std::ops::Deref for Resolving<'_, 'w> {
    type Target = Resolver<'w>;

    fn deref(&self) -> &Resolver<'w> {
        self.r
    }
}

impl<'w> Resolver<'w> {
    /// Gives a declared element its resolved attributes, steps and endpoints.
    fn install(&mut self, id: ElementId, parts: Parts) {
        let Some(declared) = self.model.elements.get_mut(id.0 as usize) else { return };
        let Parts { attrs, steps, endpoints } = parts;
        declared.set_keyed_attrs(attrs);
        declared.steps = steps;
        declared.endpoints = endpoints;
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

    /// Declares an installed element's name; elements are declared in id order, so a parent
    /// before its children and the first of two same names first.
    fn declare(&mut self, id: ElementId) {
        let Some(e) = self.model.elements.get(id.0 as usize) else { return };
        let (kind, parent, name_span) = (e.kind, e.parent, e.name_span);
        let sym = Sym(self.model.declare_name(id).0);
        // The earlier sibling of the same name, if any (the first one keeps the name).
        let mut clash = None;
        if let Some(p) = parent {
            clash = Some(*self.children.entry((p, sym)).or_insert(id)).filter(|c| *c != id);
        }
        if kind.is_global() {
            self.bind_global(id, sym);
        } else if let Some(other) = clash {
            // Local names (options, nodes) must be unique within their parent.
            let first = self.model.get(other).map(|e| e.name_span).unwrap_or(name_span);
            let name = self.model.name_of(id);
            let d = Diagnostic::new(
                codes::DUPLICATE_ID,
                format!("`{name}` is declared twice in this block"),
                name_span,
                "declared again here",
            )
            .with_secondary(first, "first declared here")
            .with_help("rename one of them");
            self.diags.push(d);
        }
    }

    fn bind_global(&mut self, id: ElementId, sym: Sym) {
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
                let (Some(first), Some(again)) = (self.model.get(existing), self.model.get(id)) else { return };
                let first_kind = first.kind;
                let mut diag = Diagnostic::new(
                    codes::DUPLICATE_ID,
                    format!("`{}` is declared twice", again.name),
                    again.name_span,
                    "declared again here",
                )
                .with_secondary(first.name_span, format!("first declared here as {}", first_kind.article()))
                .with_help("names are unique across the workspace: rename one of them");
                if first_kind != again.kind {
                    diag =
                        diag.with_note(format!("one is {}, the other {}", first_kind.article(), again.kind.article()));
                }
                self.diags.push(diag);
            }
        }
    }
}

impl Resolving<'_, '_> {
    /// Resolves a file's references in the order lowering met them (declarations and `accept`
    /// lines in file order, each declaration's attributes, steps and endpoints, then its nested
    /// declarations), so that its diagnostics come in that order.
    fn resolve_file(&mut self, file: &mut PendingFile) {
        let model = &self.r.model;
        self.declared_names = self.names.iter().map(|name| model.declared(name)).collect();
        let models: &[DeclKind] = &[DeclKind::Data, DeclKind::Event];
        let mut acceptances = file.acceptances.iter_mut().peekable();
        for (k, parts) in file.parts.iter_mut().enumerate() {
            while let Some(a) = acceptances.next_if(|a| a.elements_before <= k) {
                self.accept(file.file, a);
            }
            let id = ElementId(file.first + k as u32);
            let ctx = Ctx { file: file.file, element: id };
            self.calls_seen = false;
            self.attrs(parts.attrs.attrs_mut(), ctx);
            for s in parts.steps.iter_mut() {
                self.reference(&mut s.from, schema::PARTICIPANTS, ctx, "a step");
                self.reference(&mut s.to, schema::PARTICIPANTS, ctx, "a step");
                self.attrs(&mut s.options, ctx);
            }
            for e in parts.endpoints.iter_mut() {
                if let Some(v) = &mut e.request {
                    self.reference(v, models, ctx, "a request");
                }
                if let Some(v) = &mut e.response {
                    self.reference(v, models, ctx, "a response");
                }
                self.attrs(&mut e.options, ctx);
            }
            if self.calls_seen {
                self.with_calls.push(id);
            }
            if self.model.get(id).is_some_and(|e| e.kind == DeclKind::Component) {
                self.system_agrees_with_nesting(id, file.file, parts.attrs.attrs());
            }
        }
        for a in acceptances {
            self.accept(file.file, a);
        }
    }

    /// A component declared inside a system belongs to it: a `system` attribute naming another
    /// system contradicts the nesting.
    fn system_agrees_with_nesting(&mut self, id: ElementId, file: FileId, attrs: &[Attribute]) {
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
                declared.span_in(file),
                format!("names `{named_name}`"),
            )
            .with_secondary(sys.name_span, format!("`{component}` is nested in `{system_name}` here"))
            .with_help(format!(
                "remove the `system` line (the nesting says it), or move `{component}` out of `{system_name}`"
            )),
        );
    }

    fn attrs(&mut self, attrs: &mut [Attribute], ctx: Ctx) {
        for a in attrs {
            let spec = a.spec;
            self.calls_seen |= spec.name == "calls";
            a.args.for_each_mut(|i, v| {
                let kinds = match spec.params.get(i).map_or(Ty::Str, |p| p.ty) {
                    Ty::Ref(k) | Ty::StrOrRef(k) => k,
                    _ => &[],
                };
                self.reference(v, kinds, ctx, spec.name);
            });
            self.attrs(&mut a.block, ctx);
        }
    }

    /// Resolves a value that is a pending reference, where an element of one of `kinds` is
    /// expected; any other value stays as it is.
    fn reference(&mut self, value: &mut Value, kinds: &[DeclKind], ctx: Ctx, what: &str) {
        let Val::Ref(pending) = value.val else { return };
        let index = pending.0 as usize;
        // Only local names (options, nodes) depend on where in the file they are written; what
        // else a name means, and whether that is a finding, depends on the file alone.
        let kinds_key =
            kinds.iter().try_fold(0u64, |bits, k| Some(bits | 1u64.checked_shl(*k as u32).filter(|_| k.is_global())?));
        if let Some(id) = kinds_key.and_then(|k| self.found_before(index, k)) {
            value.val = Val::Ref(id);
            return;
        }
        let text = self.names.get(index).cloned().unwrap_or_default();
        let name = Ident { text, span: value.span_in(ctx.file) };
        let declared = self.declared_names.get(index).copied();
        value.val = match self.find(&name.text, declared, kinds, ctx) {
            Some(id) => {
                let val = self.check_found(id, &name, kinds, ctx, what);
                if let (Val::Ref(id), Some(k)) = (&val, kinds_key) {
                    self.note_found(index, k, *id);
                }
                val
            }
            None => {
                self.unresolved(&name, kinds, ctx);
                Val::Unresolved(Text::new(name.text.clone()))
            }
        };
    }

    /// What the name at `index` resolved to before in this file, for the same expected kinds.
    fn found_before(&self, index: usize, kinds_key: u64) -> Option<ElementId> {
        match self.found.get(index) {
            Some(&(k, id)) if k == kinds_key && id != NOT_FOUND => Some(ElementId(id)),
            Some(&(_, id)) if id != NOT_FOUND => self.found_more.get(&(index as u32, kinds_key)).copied(),
            _ => None,
        }
    }

    fn note_found(&mut self, index: usize, kinds_key: u64, id: ElementId) {
        match self.found.get_mut(index) {
            Some(slot) if slot.1 == NOT_FOUND => *slot = (kinds_key, id.0),
            Some(_) => {
                self.found_more.insert((index as u32, kinds_key), id);
            }
            None => {}
        }
    }

    /// `declared` is what the model's name index says of `text`, when already looked up.
    fn find(&self, text: &str, declared: Option<Option<Declared>>, kinds: &[DeclKind], ctx: Ctx) -> Option<ElementId> {
        // `decision.option`, `deployment.node`, `system.container.component`.
        if let Some((head, rest)) = text.split_once('.') {
            let mut cur = self.declared(head)?.meaning()?;
            for segment in rest.split('.') {
                cur = self.child(cur, Sym::of(self.declared(segment)?))?;
            }
            return Some(cur);
        }
        // A name no declaration has resolves nowhere.
        let declared = declared.unwrap_or_else(|| self.declared(text))?;
        let sym = Sym::of(declared);
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
        let first = declared.meaning()?;
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

    fn declared(&self, name: &str) -> Option<Declared> {
        self.model.declared(name)
    }

    fn child(&self, parent: ElementId, name: Sym) -> Option<ElementId> {
        self.children.get(&(parent, name)).copied()
    }

    fn check_found(&mut self, id: ElementId, name: &Ident, kinds: &[DeclKind], ctx: Ctx, what: &str) -> Val {
        let Some(target) = self.model.get(id) else { return Val::Unresolved(Text::new(name.text.clone())) };
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
            return Val::Unresolved(Text::new(name.text.clone()));
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
            return Val::Unresolved(Text::new(name.text.clone()));
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
        // In no particular order: the suggestion breaks ties by name.
        let candidates: Vec<&str> = self
            .model
            .global_names()
            .filter(|(_, id)| kinds.is_empty() || self.model.get(*id).is_some_and(|e| kinds.contains(&e.kind)))
            .map(|(n, _)| n)
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
    fn providers_once(&mut self, providing: Providing) {
        // Per interface: the first provider claimed and where.
        let mut claimed: FxHashMap<ElementId, (ElementId, Span, bool)> =
            FxHashMap::with_capacity_and_hasher(providing.claims.len(), FxBuildHasher);
        for (iface, provider, span) in providing.claims {
            claimed.insert(iface, (provider, span, true));
        }
        let mut diags = Vec::new();
        for (id, iface, span) in providing.exposes {
            let Some(e) = self.model.get(id) else { continue };
            let Some(&(first, first_span, by_attr)) = claimed.get(&iface) else {
                claimed.insert(iface, (id, span, false));
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
                    span,
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
        self.diags.extend(diags);
    }
}

impl Resolving<'_, '_> {
    /// The provider claims and `exposes` of a file whose references are resolved.
    fn providing(&self, file: &PendingFile) -> Providing {
        let mut providing = Providing::default();
        for (k, parts) in file.parts.iter().enumerate() {
            let id = ElementId(file.first + k as u32);
            let Some(kind) = self.model.get(id).map(|e| e.kind) else { continue };
            match kind {
                DeclKind::Interface => {
                    // The first `provider` line, as `Element::attr` finds it.
                    let provider = parts.attrs.attrs().iter().find(|a| a.name() == "provider").and_then(|a| a.first());
                    if let Some(Value { val: Val::Ref(p), span }) = provider {
                        providing.claims.push((id, *p, span.in_file(file.file)));
                    }
                }
                DeclKind::Component | DeclKind::External => {
                    let exposes = parts.attrs.attrs().iter().filter(|a| a.name() == "exposes").flat_map(|a| a.values());
                    for v in exposes {
                        if let Val::Ref(iface) = v.val {
                            providing.exposes.push((id, iface, v.span_in(file.file)));
                        }
                    }
                }
                _ => {}
            }
        }
        providing
    }

    fn accept(&mut self, file: FileId, pending: &mut PendingAcceptance) {
        let ctx = Ctx { file, element: ElementId(u32::MAX) };
        for t in &pending.targets {
            if self.find(&t.text, None, &[], ctx).is_none() {
                self.unresolved(t, &[], ctx);
            }
        }
        self.attrs(&mut pending.acceptance.attrs, ctx);
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
        Workspace::of_texts((0..files).map(|i| {
            let next = (i + 1) % files;
            format!(
                "system s{i} \"S{i}\" {{\n  component c{i} \"C{i}\" {{\n    system s{next}\n    uses c{next} sync {{ timeout 1s }}\n    uses missing{i}\n    owner s{i}\n  }}\n}}\n\
                 data d{i} \"D{i}\" {{\n  field id: uuid\n}}\n\
                 component c{next} \"Again\" {{\n  reads d{i}\n}}\n\
                 accept SEC001@c{i}@nowhere{i} \"known\"\n"
            )
        }))
    }

    #[test]
    fn resolving_on_threads_gives_the_one_thread_model_and_diagnostics() {
        let ws = workspace(40);
        let lowered = || ws.files.iter().map(|f| super::super::lower(f.id, f.is_std, &f.ast)).collect::<Vec<_>>();
        let (model, diags) = run_parallel_from(&ws, lowered(), usize::MAX);
        let (threaded, threaded_diags) = run_parallel_from(&ws, lowered(), 0);
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
        let names = |m: &Model| {
            let mut names: Vec<(String, ElementId)> = m.global_names().map(|(n, id)| (n.to_string(), id)).collect();
            names.sort();
            names
        };
        assert_eq!(names(&threaded), names(&model));
        assert_eq!(format!("{threaded_diags:?}"), format!("{diags:?}"), "same diagnostics in the same order");
    }

    /// A file that names the same elements many times resolves each name once per expected kinds:
    /// the same name expected as another kind is still a finding, every time it is written.
    #[test]
    fn a_name_resolved_before_in_the_file_still_reports_every_finding() {
        let text = "component a \"A\" {\n  uses b sync\n  owns b\n  uses b async\n  owns b\n  uses nowhere\n  uses nowhere\n}\n\
                    component b \"B\" {\n  uses a sync\n}\n";
        let ws = Workspace::of_texts([text]);
        let lowered = ws.files.iter().map(|f| super::super::lower(f.id, f.is_std, &f.ast)).collect::<Vec<_>>();
        let (model, diags) = run_parallel_from(&ws, lowered, usize::MAX);
        let count = |code: &str| diags.iter().filter(|d| d.code.id == code).count();
        assert_eq!(count(codes::WRONG_KIND_REFERENCE.id), 2, "`owns b` twice: b is no data entity");
        assert_eq!(count(codes::DANGLING_REFERENCE.id), 2, "`uses nowhere` twice");
        let a = model.get(model.lookup("a").unwrap()).unwrap();
        let b = model.lookup("b").unwrap();
        assert_eq!(a.references("uses").collect::<Vec<_>>(), vec![b, b], "both `uses b` resolve");
        assert_eq!(a.references("owns").count(), 0);
    }

    /// References written alike share one pending name; one resolved for some expected kinds is
    /// resolved afresh for others, and means the same element each time.
    #[test]
    fn a_name_written_many_times_is_pending_once_and_resolves_for_every_expected_kind() {
        let text = "event e \"E\" {\n  field id: uuid\n}\n\
                    component a \"A\" {\n  publishes e\n  owns e\n  publishes e\n  owns e\n  uses e\n}\n";
        let ws = Workspace::of_texts([text]);
        let lowered = ws.files.iter().map(|f| super::super::lower(f.id, f.is_std, &f.ast)).collect::<Vec<_>>();
        assert_eq!(lowered[0].names, vec![SmolStr::new("e")], "five references, one pending name");
        let (model, diags) = run_parallel_from(&ws, lowered, usize::MAX);
        let a = model.get(model.lookup("a").unwrap()).unwrap();
        let e = model.lookup("e").unwrap();
        assert_eq!(a.references("publishes").collect::<Vec<_>>(), vec![e, e]);
        assert_eq!(a.references("owns").collect::<Vec<_>>(), vec![e, e]);
        let wrong: Vec<_> = diags.iter().filter(|d| d.code.id == codes::WRONG_KIND_REFERENCE.id).collect();
        assert_eq!(wrong.len(), 1, "`uses e`: an event is no participant of a link: {diags:?}");
        assert_eq!(a.references("uses").count(), 0);
    }

    #[test]
    fn every_global_name_is_looked_up_and_local_ones_are_not() {
        let ws = workspace(12);
        let lowered = ws.files.iter().map(|f| super::super::lower(f.id, f.is_std, &f.ast)).collect::<Vec<_>>();
        let (model, _) = run_parallel_from(&ws, lowered, usize::MAX);
        let mut names: Vec<(&str, ElementId)> = model.global_names().collect();
        names.sort();
        // s, c, d per file, each once although `c{i}` is declared twice.
        assert_eq!(names.len(), 12 * 3);
        for (name, id) in &names {
            assert_eq!(model.lookup(name), Some(*id));
            assert_eq!(model.name_of(*id), *name);
        }
        let again = model.lookup("c1").and_then(|id| model.get(id)).map(|e| e.label.clone());
        assert_eq!(
            again,
            Some(Some("Again".into())),
            "a name declared twice means its first declaration, in load order"
        );
        assert_eq!(model.lookup("missing1"), None);
        assert_eq!(model.lookup(""), None);
    }

    #[test]
    fn relative_paths_climb_to_the_common_directory() {
        assert_eq!(relative_path("a/b/x.arch", "a/c/y.arch"), "../c/y.arch");
        assert_eq!(relative_path("x.arch", "teams/t.arch"), "teams/t.arch");
        assert_eq!(relative_path("a/x.arch", "a/y.arch"), "y.arch");
    }
}
