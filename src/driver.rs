//! Orchestration and all file IO (through [`Host`]): find the workspace root and `arch.toml`,
//! discover `.arch` files, follow imports, then parse and resolve. Everything below is pure.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::analysis::Facts;
use crate::check::{CheckOptions, RuleConfig};
use crate::config::Config;
use crate::diagnostics::{codes, did_you_mean, Diagnostic};
use crate::host::Host;
use crate::semantic::{self, Model, Workspace, WorkspaceFile};
use crate::source::{FileId, Span};
use crate::stdlib;
use crate::syntax::ast::{ImportTarget, Item};
use crate::syntax::literal::Literal;

pub const CONFIG_FILE: &str = "arch.toml";

/// One analyzed workspace.
pub struct Analysis {
    pub root: PathBuf,
    pub config: Config,
    pub workspace: Workspace,
    pub model: Model,
    /// Facts derived once from `model` (links, transit, zones, owners, data handled, holes).
    pub facts: Facts,
    pub diagnostics: Vec<Diagnostic>,
    /// How long each phase took, for `--timings`.
    pub timings: Timings,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// Discovery, reading, lexing, parsing and shaping, import following.
    pub load_and_parse: std::time::Duration,
    pub resolve: std::time::Duration,
    pub check: std::time::Duration,
}

/// The result of analyzing the paths given on a command line.
pub struct Outcome {
    pub analyses: Vec<Analysis>,
    /// Problems with the paths themselves (no source to point at).
    pub errors: Vec<Diagnostic>,
}

/// The folder holding `arch.toml` at or above `path`, else `path` itself (or its folder).
pub fn find_root(host: &dyn Host, path: &Path) -> PathBuf {
    let start =
        if host.is_dir(path) { path.to_path_buf() } else { path.parent().map(Path::to_path_buf).unwrap_or_default() };
    let start = if start.as_os_str().is_empty() { PathBuf::from(".") } else { start };
    let abs = host.canonicalize(&start).unwrap_or(start.clone());
    let mut dir = Some(abs.as_path());
    while let Some(d) = dir {
        if host.is_file(&d.join(CONFIG_FILE)) {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    abs
}

/// Folders below `dir` (other than `root`) that hold their own `arch.toml`, outermost first.
pub fn nested_roots(host: &dyn Host, dir: &Path, root: &Path) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = host
        .walk_workspace_files(dir)
        .into_iter()
        .flatten()
        .filter(|p| p.file_name().is_some_and(|n| n == CONFIG_FILE))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .filter(|d| d != root && d.starts_with(root))
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

/// Settings of a run that do not come from `arch.toml`.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Today's date, for expiring acceptances (`None`: acceptances never expire).
    pub today: Option<Literal>,
    /// Fingerprints accepted by a baseline file.
    pub baseline: Option<BTreeMap<String, usize>>,
}

/// Groups paths by workspace root (in first-seen order) and analyzes each workspace.
pub fn analyze_paths(host: &dyn Host, paths: &[PathBuf]) -> Outcome {
    analyze_paths_with(host, paths, &RunOptions::default())
}

pub fn analyze_paths_with(host: &dyn Host, paths: &[PathBuf], opts: &RunOptions) -> Outcome {
    let (groups, errors) = group_by_workspace(host, paths);
    let analyses = groups.into_iter().map(|(root, inputs)| analyze_workspace(host, &root, &inputs, opts)).collect();
    Outcome { analyses, errors }
}

/// [`analyze_paths_with`] for a process that stays alive (an editor): each workspace keeps its
/// [`ParseCache`] in `caches`, keyed by root, so only files whose text changed are parsed again.
/// Caches of workspaces no longer among `paths` are dropped.
pub fn analyze_paths_cached(
    host: &dyn Host,
    paths: &[PathBuf],
    opts: &RunOptions,
    caches: &mut BTreeMap<PathBuf, ParseCache>,
) -> Outcome {
    let (groups, errors) = group_by_workspace(host, paths);
    caches.retain(|root, _| groups.iter().any(|(r, _)| r == root));
    let analyses = groups
        .into_iter()
        .map(|(root, inputs)| {
            let cache = caches.entry(root.clone()).or_default();
            analyze_workspace_cached(host, &root, &inputs, opts, cache)
        })
        .collect();
    Outcome { analyses, errors }
}

/// The workspace roots of `paths`, in first-seen order, each with the inputs that belong to it,
/// and the paths that could not be read.
fn group_by_workspace(host: &dyn Host, paths: &[PathBuf]) -> (Vec<(PathBuf, Vec<PathBuf>)>, Vec<Diagnostic>) {
    let mut groups: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if !host.is_dir(p) && !host.is_file(p) {
            errors.push(
                Diagnostic::without_span(
                    codes::UNREADABLE_PATH,
                    format!("cannot read `{}`: no such file or directory", p.display()),
                )
                .with_help("pass a workspace folder or an .arch file"),
            );
            continue;
        }
        let root = find_root(host, p);
        let abs = host.canonicalize(p).unwrap_or_else(|_| p.clone());
        let mut add = |root: PathBuf, input: PathBuf| match groups.iter_mut().find(|g| g.0 == root) {
            Some(g) => g.1.push(input),
            None => groups.push((root, vec![input])),
        };
        // A folder holding several workspaces (each with its own arch.toml) is several analyses.
        if host.is_dir(&abs) {
            for nested in nested_roots(host, &abs, &root) {
                add(nested.clone(), nested);
            }
        }
        add(root, abs);
    }
    (groups, errors)
}

/// Parsed files kept between analyses of one workspace, so that re-analysing after an edit
/// re-parses only the files whose text changed. An entry is reused when the file has the same
/// name, the same [`FileId`] (spans in its tree name it) and the same text.
#[derive(Default)]
pub struct ParseCache {
    files: std::collections::HashMap<String, CachedParse>,
    /// Files parsed and files reused in the last analysis, for tests and benchmarks.
    pub parsed: usize,
    pub reused: usize,
}

struct CachedParse {
    id: FileId,
    text: String,
    ast: crate::syntax::ast::SourceAst,
    errors: Vec<Diagnostic>,
}

/// Loads, parses and resolves one workspace.
pub fn analyze_workspace(host: &dyn Host, root: &Path, inputs: &[PathBuf], opts: &RunOptions) -> Analysis {
    analyze_workspace_inner(host, root, inputs, opts, None)
}

/// [`analyze_workspace`] for a process that stays alive (an editor): files whose text is unchanged
/// since the last call are not parsed again, and the returned analysis keeps every file's syntax
/// tree in `workspace` for the editor to read.
pub fn analyze_workspace_cached(
    host: &dyn Host,
    root: &Path,
    inputs: &[PathBuf],
    opts: &RunOptions,
    cache: &mut ParseCache,
) -> Analysis {
    cache.parsed = 0;
    cache.reused = 0;
    analyze_workspace_inner(host, root, inputs, opts, Some(cache))
}

fn analyze_workspace_inner(
    host: &dyn Host,
    root: &Path,
    inputs: &[PathBuf],
    opts: &RunOptions,
    cache: Option<&mut ParseCache>,
) -> Analysis {
    let started = std::time::Instant::now();
    let keep_trees = cache.is_some();
    let mut loader = Loader::new(host, root, cache);
    loader.load_config();
    let mut walked_root = false;
    for input in inputs {
        if host.is_dir(input) {
            loader.load_folder(input);
            walked_root |= input == root;
        } else if crate::host::is_arch_file(input) {
            loader.load_file(input);
            // One namespace per workspace: the names a file uses may be declared in any file of
            // its workspace, so a file checked on its own brings its workspace along. A file
            // outside any `arch.toml` workspace is a workspace of its own (and its imports).
            if loader.config_file.is_some() && !walked_root {
                loader.load_folder(root);
                walked_root = true;
            }
        } else {
            // Reading it could print a secret (`.env`) back in a syntax error.
            loader.diags.push(
                Diagnostic::without_span(
                    codes::UNREADABLE_PATH,
                    format!("`{}` is not an .arch file; it was not read", input.display()),
                )
                .with_help("archc reads only files whose names end in `.arch`"),
            );
        }
    }
    loader.follow_imports();
    let Loader { config, mut workspace, mut diags, config_file, cache, .. } = loader;
    // Files no longer in the workspace leave the cache.
    if let Some(cache) = cache {
        let names: std::collections::HashSet<&str> =
            workspace.files.iter().map(|f| workspace.sources.name(f.id)).collect();
        cache.files.retain(|name, _| names.contains(name.as_str()));
    }
    let mut timings = Timings { load_and_parse: started.elapsed(), ..Timings::default() };
    let started = std::time::Instant::now();
    // The model holds everything the batch run needs: the syntax trees are freed as it is built,
    // unless an editor keeps them.
    let (model, resolve_diags) =
        if keep_trees { semantic::analyze(&workspace) } else { semantic::analyze_consuming(&mut workspace) };
    timings.resolve = started.elapsed();
    let started = std::time::Instant::now();
    diags.extend(resolve_diags);
    let (rules, problems) = RuleConfig::from_table(&config.rules);
    for p in problems {
        let mut d = Diagnostic::without_span(codes::INVALID_CONFIG, format!("invalid {CONFIG_FILE}: {p}"));
        if let Some(name) = &config_file {
            d = d.with_note(format!("in `{name}`"));
        }
        diags.push(d);
    }
    let check_opts = CheckOptions { config: &rules, today: opts.today, baseline: opts.baseline.as_ref() };
    let facts = Facts::build(&model);
    let mut diags = crate::check::run_with_facts(&model, &facts, diags, &check_opts);
    crate::diagnostics::sort(&mut diags);
    timings.check = started.elapsed();
    Analysis { root: root.to_path_buf(), config, workspace, model, facts, diagnostics: diags, timings }
}

struct Loader<'h> {
    host: &'h dyn Host,
    /// Files added but not parsed yet, by index in `workspace.files`.
    pending: Vec<usize>,
    cache: Option<&'h mut ParseCache>,
    root: PathBuf,
    config: Config,
    workspace: Workspace,
    diags: Vec<Diagnostic>,
    /// Canonical path (or `std/<module>`) to file id.
    loaded: BTreeMap<PathBuf, FileId>,
    /// Real paths of loaded workspace files, by file id.
    paths: BTreeMap<FileId, PathBuf>,
    next_to_scan: usize,
    /// Display name of the `arch.toml` read, if any.
    config_file: Option<String>,
}

impl<'h> Loader<'h> {
    fn new(host: &'h dyn Host, root: &Path, cache: Option<&'h mut ParseCache>) -> Self {
        Loader {
            host,
            pending: Vec::new(),
            cache,
            root: root.to_path_buf(),
            config: Config::default(),
            workspace: Workspace::default(),
            diags: Vec::new(),
            loaded: BTreeMap::new(),
            paths: BTreeMap::new(),
            next_to_scan: 0,
            config_file: None,
        }
    }

    /// Loads every selected `.arch` file below `input`, leaving out nested workspaces.
    fn load_folder(&mut self, input: &Path) {
        let root = self.root.clone();
        let entries = self.host.walk_workspace_files(input);
        let nested = nested_roots(self.host, input, &root);
        let mut seen = Vec::new();
        for entry in entries {
            match entry {
                Ok(path) if crate::host::is_arch_file(&path) => {
                    // Files of a nested workspace belong to that workspace's analysis.
                    if nested.iter().any(|n| path.starts_with(n)) {
                        continue;
                    }
                    let rel = self.display_name(&path);
                    if self.config.selects(&rel) {
                        self.load_file(&path);
                    }
                    seen.push(rel);
                }
                Ok(_) => {}
                Err(msg) if msg.starts_with(crate::host::SKIPPED_LINK) => self.diags.push(
                    Diagnostic::without_span(codes::LINK_LEAVES_WORKSPACE, msg)
                        .with_help("copy the files into the workspace, or remove the link"),
                ),
                Err(msg) => self.diags.push(
                    Diagnostic::without_span(codes::UNREADABLE_PATH, msg)
                        .with_help("remove the loop or exclude it in arch.toml"),
                ),
            }
        }
        // Only a walk of the whole workspace shows that a pattern selects nothing.
        if input == root.as_path() {
            for p in self.config.unmatched_includes(&seen) {
                let mut d = Diagnostic::without_span(
                    codes::INCLUDE_MATCHES_NOTHING,
                    format!("the include pattern `{}` matches no .arch file", p.as_str()),
                )
                .with_help("check the pattern; paths are relative to the folder holding arch.toml");
                if let Some(name) = &self.config_file {
                    d = d.with_note(format!("in `{name}`"));
                }
                self.diags.push(d);
            }
        }
    }

    fn load_config(&mut self) {
        let path = self.root.join(CONFIG_FILE);
        if !self.host.is_file(&path) {
            return;
        }
        self.config_file = Some(self.display_name(&path));
        let text = match self.host.read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                self.diags.push(Diagnostic::without_span(
                    codes::UNREADABLE_PATH,
                    format!("cannot read `{}`: {e}", path.display()),
                ));
                return;
            }
        };
        match Config::parse(&text) {
            Ok(c) => self.config = c,
            Err(e) => {
                let len = text.len();
                let id = self.workspace.sources.add(self.display_name(&path), text);
                let range = e.range.unwrap_or(0..len.min(1));
                self.diags.push(
                    Diagnostic::new(
                        codes::INVALID_CONFIG,
                        format!("invalid {CONFIG_FILE}: {}", e.message),
                        Span::new(id, range),
                        "here",
                    )
                    .with_help("see the configuration section of the README for the keys archc reads"),
                );
            }
        }
    }

    /// The path shown to users: relative to the root, `/`-separated.
    fn display_name(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        parts.join("/")
    }

    fn load_file(&mut self, path: &Path) -> Option<FileId> {
        let key = self.host.canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(id) = self.loaded.get(&key) {
            return Some(*id);
        }
        let name = self.display_name(&key);
        match self.host.size(&key) {
            Ok(size) if size > self.config.max_file_size => {
                self.diags.push(
                    Diagnostic::without_span(
                        codes::FILE_TOO_LARGE,
                        format!(
                            "`{name}` is {size} bytes, over the limit of {} bytes; it was not read",
                            self.config.max_file_size
                        ),
                    )
                    .with_help("split the file, or raise `max-file-size` under [workspace] in arch.toml"),
                );
                return None;
            }
            Ok(_) => {}
            Err(e) => {
                self.diags.push(Diagnostic::without_span(codes::UNREADABLE_PATH, format!("cannot read `{name}`: {e}")));
                return None;
            }
        }
        let bytes = match self.host.read(&key) {
            Ok(b) => b,
            Err(e) => {
                self.diags.push(Diagnostic::without_span(codes::UNREADABLE_PATH, format!("cannot read `{name}`: {e}")));
                return None;
            }
        };
        let (text, bad_utf8) = match String::from_utf8(bytes) {
            Ok(t) => (t, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let id = self.add_source(name, text, false);
        if let Some(at) = bad_utf8 {
            self.diags.push(
                Diagnostic::new(
                    codes::INVALID_UTF8,
                    "file is not valid UTF-8",
                    Span::new(id, at..at + '\u{FFFD}'.len_utf8()),
                    "invalid byte sequence here",
                )
                .with_help("save the file as UTF-8; invalid bytes were read as U+FFFD"),
            );
        }
        self.loaded.insert(key.clone(), id);
        self.paths.insert(id, key);
        Some(id)
    }

    /// Adds a file; its tree comes from the cache or is parsed with the other pending files
    /// before imports are followed.
    fn add_source(&mut self, name: String, text: String, is_std: bool) -> FileId {
        let id = self.workspace.sources.add(name.clone(), text);
        let text = self.workspace.sources.text(id);
        let hit = self.cache.as_deref_mut().and_then(|cache| {
            let hit = cache.files.get(&name).filter(|c| c.id == id && c.text == text)?;
            cache.reused += 1;
            Some((hit.ast.clone(), hit.errors.clone()))
        });
        let ast = match hit {
            Some((ast, errors)) => {
                self.diags.extend(errors);
                ast
            }
            None => {
                self.pending.push(self.workspace.files.len());
                Default::default()
            }
        };
        self.workspace.files.push(WorkspaceFile { id, ast, imports: Vec::new(), is_std });
        id
    }

    /// Parses every file added since the last call, on all cores, and keeps the results in
    /// file order so that the outcome does not depend on scheduling.
    fn parse_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let jobs: Vec<(FileId, &str)> = pending
            .iter()
            .map(|&i| {
                let id = self.workspace.files[i].id;
                (id, self.workspace.sources.text(id))
            })
            .collect();
        let parsed = parse_in_parallel(&jobs);
        for (&i, (ast, errors)) in pending.iter().zip(parsed) {
            let id = self.workspace.files[i].id;
            if let Some(cache) = self.cache.as_deref_mut() {
                cache.parsed += 1;
                let entry = CachedParse {
                    id,
                    text: self.workspace.sources.text(id).to_string(),
                    ast: ast.clone(),
                    errors: errors.clone(),
                };
                cache.files.insert(self.workspace.sources.name(id).to_string(), entry);
            }
            self.diags.extend(errors);
            self.workspace.files[i].ast = ast;
        }
    }

    fn load_std(&mut self, module: &str) -> Option<FileId> {
        let key = PathBuf::from(format!("std/{module}"));
        if let Some(id) = self.loaded.get(&key) {
            return Some(*id);
        }
        let text = stdlib::module(module)?;
        let id = self.add_source(format!("<std>/{module}.arch"), text.to_string(), true);
        self.loaded.insert(key, id);
        Some(id)
    }

    /// Loads what the loaded files import, until nothing new appears.
    fn follow_imports(&mut self) {
        while self.next_to_scan < self.workspace.files.len() {
            if !self.pending.is_empty() {
                self.parse_pending();
            }
            let idx = self.next_to_scan;
            self.next_to_scan += 1;
            let file = &self.workspace.files[idx];
            let (from, is_std) = (file.id, file.is_std);
            let imports: Vec<_> = file
                .ast
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Import(imp) => Some(imp.clone()),
                    _ => None,
                })
                .collect();
            let mut edges = Vec::new();
            for imp in imports {
                let target = match &imp.target {
                    ImportTarget::Std(module) => self.import_std(module),
                    ImportTarget::Path(_) if is_std => {
                        self.diags.push(Diagnostic::new(
                            codes::IMPORT_NOT_FOUND,
                            "the standard library imports only std modules",
                            imp.span,
                            "here",
                        ));
                        None
                    }
                    ImportTarget::Path(p) => self.import_path(from, p),
                };
                if let Some(t) = target {
                    edges.push((t, imp.span));
                }
            }
            self.workspace.files[idx].imports = edges;
        }
    }

    fn import_std(&mut self, module: &crate::syntax::ast::Ident) -> Option<FileId> {
        let name = module.text.strip_prefix("std.").unwrap_or("");
        if let Some(id) = self.load_std(name) {
            return Some(id);
        }
        let mut d = Diagnostic::new(
            codes::IMPORT_NOT_FOUND,
            format!("no std module `{}`", module.text),
            module.span,
            "unknown module",
        );
        d = match did_you_mean(name, stdlib::MODULES.iter().map(|m| m.0)) {
            Some(s) => d.with_help(format!("did you mean `std.{s}`?")),
            None => {
                let all: Vec<String> = stdlib::MODULES.iter().map(|m| format!("std.{}", m.0)).collect();
                d.with_help(format!("std modules are {}", all.join(", ")))
            }
        };
        self.diags.push(d);
        None
    }

    fn import_path(&mut self, from: FileId, p: &crate::syntax::ast::Text) -> Option<FileId> {
        let base =
            self.paths.get(&from).and_then(|f| f.parent()).map(Path::to_path_buf).unwrap_or_else(|| self.root.clone());
        let joined = normalize(&base.join(&p.value));
        let root = normalize(&self.root);
        if !joined.starts_with(&root) {
            self.diags.push(
                Diagnostic::new(
                    codes::IMPORT_OUTSIDE_WORKSPACE,
                    format!("import `{}` leaves the workspace", p.value),
                    p.span,
                    "outside the workspace root",
                )
                .with_help(format!(
                    "the workspace root is `{}`; move the file inside it or put `{CONFIG_FILE}` higher up",
                    self.root.display()
                ))
                .with_note("imports stay inside the workspace so that a checkout is self-contained"),
            );
            return None;
        }
        if !crate::host::is_arch_file(&joined) {
            // Never read (and so never echo) a file that is not a model: `.env`, `.git/config`.
            self.diags.push(
                Diagnostic::new(
                    codes::IMPORT_NOT_FOUND,
                    format!("import `{}` does not name an .arch file", p.value),
                    p.span,
                    "not an .arch file",
                )
                .with_help(format!("imports name .arch files; did you mean `{}.arch`?", p.value)),
            );
            return None;
        }
        if !self.host.is_file(&joined) {
            let what = if self.host.is_dir(&joined) { "is a folder, not a file" } else { "does not exist" };
            let d = Diagnostic::new(
                codes::IMPORT_NOT_FOUND,
                format!("imported file `{}` {what}", p.value),
                p.span,
                "not found",
            );
            self.diags.push(d);
            return None;
        }
        // Symbolic links may still lead outside.
        let canon = self.host.canonicalize(&joined).unwrap_or(joined.clone());
        let canon_root = self.host.canonicalize(&self.root).unwrap_or(root);
        if !canon.starts_with(&canon_root) {
            self.diags.push(
                Diagnostic::new(
                    codes::IMPORT_OUTSIDE_WORKSPACE,
                    format!("import `{}` resolves outside the workspace", p.value),
                    p.span,
                    "a link leads outside the root",
                )
                .with_help("copy the file into the workspace instead of linking to it"),
            );
            return None;
        }
        self.load_file(&joined)
    }
}

/// Parses files on as many threads as there are cores (one thread for small workspaces), returning
/// the results in input order. Threads get the main thread's 8 MiB stack: parsing is bounded in depth
/// but was sized for it.
fn parse_in_parallel(jobs: &[(FileId, &str)]) -> Vec<(crate::syntax::ast::SourceAst, Vec<Diagnostic>)> {
    parse_on_threads(jobs, PARALLEL_FROM_BYTES)
}

/// Measured on two busy cores: threads paid off at 10,000 components (7 MB) and not at 1,000
/// (0.7 MB), so smaller workspaces, and an editor re-parsing one file, stay on one thread.
const PARALLEL_FROM_BYTES: usize = 2 << 20;

fn parse_on_threads(
    jobs: &[(FileId, &str)],
    parallel_from_bytes: usize,
) -> Vec<(crate::syntax::ast::SourceAst, Vec<Diagnostic>)> {
    let parse = |&(id, text): &(FileId, &str)| {
        let p = crate::syntax::parse(id, text);
        (p.ast, p.errors)
    };
    let bytes: usize = jobs.iter().map(|(_, text)| text.len()).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = if bytes < parallel_from_bytes { 1 } else { cores.min(jobs.len()).max(1) };
    if threads == 1 {
        return jobs.iter().map(parse).collect();
    }
    let chunk = jobs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                std::thread::Builder::new()
                    .stack_size(8 << 20)
                    .spawn_scoped(scope, move || part.iter().map(parse).collect::<Vec<_>>())
            })
            .collect();
        let mut out = Vec::with_capacity(jobs.len());
        for (h, part) in handles.into_iter().zip(jobs.chunks(chunk)) {
            match h.map(|h| h.join()) {
                Ok(Ok(results)) => out.extend(results),
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
                // No thread could be started: parse this part here.
                Err(_) => out.extend(part.iter().map(parse)),
            }
        }
        out
    })
}

/// Removes `.` and resolves `..` lexically, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod parallel_tests {
    use super::*;

    #[test]
    fn parsing_on_threads_gives_the_sequential_result_in_order() {
        let texts: Vec<String> = (0..9)
            .map(|i| format!("component c{i} {{\n  uses c{} sync {{ timeout 1s }}\n}}\n{}", i + 1, "}".repeat(i % 2)))
            .collect();
        let jobs: Vec<(FileId, &str)> = texts.iter().enumerate().map(|(i, t)| (FileId(i as u32), t.as_str())).collect();
        let render = |r: Vec<(crate::syntax::ast::SourceAst, Vec<Diagnostic>)>| format!("{r:?}");
        let threaded = parse_on_threads(&jobs, 0);
        assert!(threaded.iter().any(|(_, errors)| !errors.is_empty()), "some files have errors");
        assert_eq!(render(threaded), render(parse_on_threads(&jobs, usize::MAX)));
    }
}
