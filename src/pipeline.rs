//! The pure analysis of one workspace whose sources are already in memory: parse (through a
//! [`ParseCache`]), follow imports, resolve, derive facts and run the rules. No IO of its own: the
//! driver finds and reads the files and hands them over as [`Sources`] (for `archc check`, with a
//! reader over its host that the parsing threads call); an editor or `archc fill` may build
//! [`Sources`] itself. Files that imports name but [`Sources`] lacks are listed by
//! [`imports_wanted`], so the caller can read them and call again without parsing anything twice.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::analysis::Facts;
use crate::check::{CheckOptions, RuleConfig};
use crate::config::Config;
use crate::diagnostics::{codes, did_you_mean, Diagnostic};
use crate::semantic::LoweredFile;
use crate::semantic::{self, Model, Workspace, WorkspaceFile};
use crate::source::{FileId, Span};
use crate::stdlib;
use crate::syntax::ast::{Ident, Import, ImportTarget, Item, SourceAst, Text};
use crate::syntax::literal::Literal;

pub const CONFIG_FILE: &str = "arch.toml";

/// Everything one analysis reads, already in memory.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// The workspace root: [`Analysis::root`], and the folder imports may not leave.
    pub root: PathBuf,
    /// `arch.toml`, if the workspace has one.
    pub config: Option<SourceText>,
    /// The workspace's selected `.arch` files, in the order they were found.
    pub files: Vec<SourceText>,
    /// Files outside `files` that imports name, by workspace-relative name, as reading them went.
    /// An import naming a file found in neither is reported as missing.
    pub imported: BTreeMap<String, Imported>,
    /// Problems met while finding and reading the files (they point at no source).
    pub diagnostics: Vec<Diagnostic>,
}

/// One file's name (workspace-relative, `/`-separated) and text.
#[derive(Clone, Debug, Default)]
pub struct SourceText {
    pub name: String,
    pub text: String,
    /// Where the bytes stopped being UTF-8, if they did (the rest was read as U+FFFD).
    pub invalid_utf8_at: Option<usize>,
    /// Set when the text is not read yet (`text` is empty): the thread that parses the file reads
    /// it through the reader given to [`imports_wanted_reading`]. Only a cache that drops each text
    /// once parsed ([`ParseCache::batch_for_findings`]) takes such files.
    pub(crate) unread: Option<Unread>,
}

/// Where to read a file that is read by the thread that parses it, and its size when listed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Unread {
    pub path: PathBuf,
    /// The size when the file was listed: parsing takes the largest files first.
    pub size: u64,
}

/// Reads a file's bytes into a buffer (emptied first): the driver's door to its host, handed to the
/// pure pipeline so that each file is read on the thread that parses it.
pub(crate) type ReadFile<'r> = dyn Fn(&Path, &mut Vec<u8>) -> std::io::Result<()> + Sync + 'r;

impl SourceText {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceText {
        SourceText { name: name.into(), text: text.into(), invalid_utf8_at: None, unread: None }
    }

    /// A file to be read by the thread that parses it.
    pub(crate) fn unread(name: String, unread: Unread) -> SourceText {
        SourceText { name, text: String::new(), invalid_utf8_at: None, unread: Some(unread) }
    }

    /// Decodes bytes read from a file, keeping where they stopped being UTF-8.
    pub fn from_bytes(name: String, bytes: Vec<u8>) -> SourceText {
        match String::from_utf8(bytes) {
            Ok(text) => SourceText { name, text, invalid_utf8_at: None, unread: None },
            Err(e) => {
                let (text, at) = lossy(e.as_bytes(), e.utf8_error());
                SourceText { name, text, invalid_utf8_at: Some(at), unread: None }
            }
        }
    }
}

/// Bytes that are not valid UTF-8, as archc reads them: from the first bad byte on, each bad
/// sequence is U+FFFD; also gives where that first bad byte is.
fn lossy(bytes: &[u8], error: std::str::Utf8Error) -> (String, usize) {
    (String::from_utf8_lossy(bytes).into_owned(), error.valid_up_to())
}

/// What reading a file named by an import gave.
#[derive(Clone, Debug)]
pub enum Imported {
    /// Its text; the name may differ from the import's when a link led to another file.
    File(SourceText),
    /// Nothing to read there.
    Missing { is_folder: bool },
    /// A symbolic link leads outside the workspace.
    LeavesWorkspace,
    /// It could not be read; [`Sources::diagnostics`] says why.
    Unreadable,
}

/// Settings of a run that do not come from `arch.toml`.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Today's date, for expiring acceptances (`None`: acceptances never expire).
    pub today: Option<Literal>,
    /// Fingerprints accepted by a baseline file.
    pub baseline: Option<BTreeMap<String, usize>>,
}

/// One analyzed workspace.
pub struct Analysis {
    pub root: PathBuf,
    pub config: Config,
    /// The sources and, per file, its resolved imports. The syntax trees are in `trees`.
    pub workspace: Workspace,
    /// The syntax tree of each file of `workspace.files` (same order), shared with the
    /// [`ParseCache`] that keeps them; empty after a batch run, which frees them as it resolves.
    pub trees: Vec<Arc<SourceAst>>,
    pub model: Model,
    /// Facts derived once from `model` (links, transit, zones, owners, data handled, holes).
    pub facts: Facts,
    pub diagnostics: Vec<Diagnostic>,
    /// Files whose text `workspace.sources` left out (empty) after parsing them, in a run with
    /// [`ParseCache::batch_for_findings`]: the caller reads back those that findings point into.
    pub dropped_texts: Vec<DroppedText>,
    /// How long each phase took, for `--timings`.
    pub timings: Timings,
}

/// A file whose text an analysis let go of once parsed, with what its text was like so that a
/// second reading can be told apart from a file changed in between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DroppedText {
    pub file: FileId,
    pub len: usize,
    pub hash: u64,
}

impl DroppedText {
    fn of(file: FileId, text: &str) -> DroppedText {
        DroppedText { file, len: text.len(), hash: text_hash(text) }
    }

    /// Whether `text` is the text that was dropped.
    pub fn matches(&self, text: &str) -> bool {
        text.len() == self.len && text_hash(text) == self.hash
    }
}

fn text_hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(text)
}

impl Analysis {
    /// The messages of the diagnostics with `code`, in order: what the tests compare.
    #[cfg(test)]
    pub(crate) fn messages_with(&self, code: crate::diagnostics::codes::Code) -> Vec<&str> {
        self.diagnostics.iter().filter(|d| d.code.id == code.id).map(|d| d.message.as_str()).collect()
    }

    /// The syntax tree of a file, when the analysis kept it.
    pub fn tree(&self, file: FileId) -> Option<&SourceAst> {
        let index = self.workspace.files.iter().position(|f| f.id == file)?;
        self.trees.get(index).map(|t| &**t)
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// Discovery, reading, lexing, parsing and shaping, import following; in a batch run also
    /// lowering, which runs on the parsing threads.
    pub load_and_parse: Duration,
    /// Installing the lowered files, declaring names and resolving references (and, with a
    /// keeping cache, lowering or cloning each file's lowered form).
    pub resolve: Duration,
    /// Deriving the facts and running the rules.
    pub check: Duration,
    /// The part of `check` spent deriving the facts.
    pub facts: Duration,
}

/// Parsed files kept between analyses of one workspace, so that re-analysing after an edit
/// re-parses only the files whose text changed. An entry is reused when the file has the same
/// name, the same [`FileId`] (spans in its tree name it) and the same text. The trees are shared
/// (`Arc`) with the analyses that use them.
pub struct ParseCache {
    files: HashMap<String, CachedParse>,
    /// Keep trees and texts after an analysis (an editor), or drop them as soon as the analysis
    /// has resolved them (a batch run, which parses every file once anyway).
    keep: bool,
    /// Let go of each file's text once it is parsed (see [`ParseCache::batch_for_findings`]).
    drop_texts: bool,
    running: (usize, usize),
    /// Files parsed and files reused by the last analysis (with the [`imports_wanted`] calls
    /// before it), for tests and benchmarks.
    pub parsed: usize,
    pub reused: usize,
}

impl Default for ParseCache {
    fn default() -> Self {
        ParseCache { files: HashMap::new(), keep: true, drop_texts: false, running: (0, 0), parsed: 0, reused: 0 }
    }
}

impl ParseCache {
    /// Forgets every file parsed, keeping how the cache keeps them: for a caller that reads the
    /// sources again from scratch.
    pub(crate) fn forget(&mut self) {
        self.files.clear();
        self.running = (0, 0);
    }

    /// A cache for one batch analysis: each file is lowered as soon as it is parsed, on the
    /// parsing thread, and its tree dropped at once.
    pub fn batch() -> ParseCache {
        ParseCache { keep: false, ..ParseCache::default() }
    }

    /// A batch cache for a run that reports findings and nothing else of the sources (`archc
    /// check`): each file's text is also moved out of [`Sources`] and dropped by the thread that
    /// parsed it, so that the texts (98 MB at 100,000 components) are never all resident while the
    /// model grows. The analysis lists them
    /// in [`Analysis::dropped_texts`]; the caller reads back those its findings point into.
    pub fn batch_for_findings() -> ParseCache {
        ParseCache { keep: false, drop_texts: true, ..ParseCache::default() }
    }
}

struct CachedParse {
    id: FileId,
    /// `None` in a batch cache, which lives for one analysis of unchanging texts.
    text: Option<String>,
    /// The tree (in a keeping cache) or the file lowered (in a batch cache, until the analysis
    /// takes it).
    parsed: Parsed,
    /// The file's import statements, which the loader follows.
    imports: Arc<[Import]>,
    /// What the text was like, when it was dropped once parsed.
    dropped: Option<DroppedText>,
    /// In a keeping cache, the file lowered by the last analysis that used it.
    lowered: Option<LoweredFile>,
    errors: Vec<Diagnostic>,
    /// Parsed or reused already during the current analysis (which counts each file once).
    seen: bool,
}

/// The names of files that imports in `sources` name but that `sources` neither holds nor says
/// anything about. Parses into `cache` what it needs, so the [`analyze`] that follows parses nothing
/// again. The caller reads them into [`Sources::imported`] and asks again until none is wanted.
/// With [`ParseCache::batch_for_findings`] the texts it parses are taken out of `sources`.
pub fn imports_wanted(sources: &mut Sources, cache: &mut ParseCache) -> Vec<String> {
    let broken_config = config_of(sources).1.is_some();
    let mut wanted = load(sources, broken_config, cache, None).wanted;
    wanted.sort();
    wanted.dedup();
    wanted
}

/// [`imports_wanted`] for sources that hold [`SourceText::unread`] files: each is read with `read`
/// on the thread that parses it, so that reading overlaps parsing. `None` when such a file could
/// not be read after all: the caller reads the sources again itself, which reports why in place.
pub(crate) fn imports_wanted_reading(
    sources: &mut Sources,
    cache: &mut ParseCache,
    read: &ReadFile<'_>,
) -> Option<Vec<String>> {
    let broken_config = config_of(sources).1.is_some();
    let loaded = load(sources, broken_config, cache, Some(read));
    if loaded.read_failed {
        return None;
    }
    let mut wanted = loaded.wanted;
    wanted.sort();
    wanted.dedup();
    Some(wanted)
}

/// Called between the phases of an analysis with the number of elements the model has, once the
/// last phase's temporaries are freed and before the next phase allocates its own: the binary
/// hands the freed pages back to the system there when the model is large (see `src/main.rs`).
/// Unset, as in tests and in other programs using the library, nothing is called.
static BETWEEN_PHASES: std::sync::OnceLock<fn(usize)> = std::sync::OnceLock::new();

/// Sets what runs between the phases of every analysis (see [`BETWEEN_PHASES`]); the first call
/// wins. It runs on the analysing thread and must not call back into the analysis.
pub fn on_phase_boundary(hook: fn(usize)) {
    let _ = BETWEEN_PHASES.set(hook);
}

fn phase_boundary(elements: usize) {
    if let Some(hook) = BETWEEN_PHASES.get() {
        hook(elements);
    }
}

/// Analyzes one workspace: parses what `cache` does not hold, follows imports, resolves, derives
/// the facts and runs the rules. Pure and deterministic: the same sources give the same analysis.
pub fn analyze(mut sources: Sources, opts: &RunOptions, cache: &mut ParseCache) -> Analysis {
    let started = Instant::now();
    let (config, config_error) = config_of(&sources);
    let mut loaded = load(&mut sources, config_error.is_some(), cache, None);
    // A batch cache holds the lowered files: take them now that the files are final.
    let parsed: Vec<Parsed> = loaded
        .parsed
        .drain(..)
        .zip(&loaded.files)
        .map(|(p, file)| match (p, cache.files.get_mut(&file.name)) {
            (Some(Parsed::Lowered(None)), Some(cached)) => cached.parsed.take(),
            (p, _) => p.unwrap_or(Parsed::Tree(Arc::default())),
        })
        .collect();
    let Sources { root, config: config_source, mut files, mut imported, diagnostics } = sources;
    let mut diags = diagnostics;
    diags.extend(config_error.iter().map(|e| e.diagnostic.clone()));
    diags.extend(loaded.diags);
    let mut workspace = Workspace::default();
    if let (Some(e), Some(source)) = (&config_error, &config_source) {
        let id = workspace.sources.add(source.name.clone(), source.text.clone());
        debug_assert_eq!(id, e.diagnostic.span().map_or(id, |s| s.file));
    }
    let config_file = config_source.map(|c| c.name);
    let mut dropped_texts = Vec::new();
    for (file, imports) in loaded.files.into_iter().zip(loaded.imports) {
        let is_std = matches!(file.origin, Origin::Std(_));
        let mut text = match file.origin {
            Origin::Listed(i) => std::mem::take(&mut files[i].text),
            Origin::Imported(key) => match imported.remove(&key) {
                Some(Imported::File(source)) => source.text,
                _ => String::new(),
            },
            Origin::Std(text) => text.to_string(),
        };
        // The embedded standard library is small and always at hand: only workspace texts go,
        // each as soon as it was parsed.
        let dropped = (cache.drop_texts && !is_std).then(|| {
            let text = std::mem::take(&mut text);
            cache.files.get(&file.name).and_then(|c| c.dropped).unwrap_or_else(|| DroppedText::of(FileId(0), &text))
        });
        let id = workspace.sources.add(file.name, text);
        dropped_texts.extend(dropped.map(|d| DroppedText { file: id, ..d }));
        workspace.files.push(WorkspaceFile { id, ast: SourceAst::default(), imports, is_std: file.is_std });
    }
    drop(files);
    drop(imported);
    let names: std::collections::HashSet<&str> = workspace.files.iter().map(|f| workspace.sources.name(f.id)).collect();
    // Files no longer in the workspace leave the cache; a batch cache lets go of everything.
    if cache.keep {
        cache.files.retain(|name, _| names.contains(name.as_str()));
        cache.files.values_mut().for_each(|c| c.seen = false);
    } else {
        cache.files.clear();
    }
    (cache.parsed, cache.reused) = std::mem::take(&mut cache.running);
    let mut timings = Timings { load_and_parse: started.elapsed(), ..Timings::default() };

    let started = Instant::now();
    let (lowered, trees) = if cache.keep {
        let trees: Vec<Arc<SourceAst>> = parsed.into_iter().map(Parsed::into_tree).collect();
        (lower_kept(&workspace, &trees, cache), trees)
    } else {
        // The batch run lowered each file as it parsed it and kept no tree.
        let lowered = workspace.files.iter().zip(parsed).map(|(f, p)| p.into_lowered(f.id, f.is_std)).collect();
        (lowered, Vec::new())
    };
    // A batch run has freed the syntax trees, the token lists and the read buffers by now.
    phase_boundary(lowered.iter().map(LoweredFile::declarations).sum());
    let (model, resolve_diags) = semantic::analyze_lowered(&workspace, lowered);
    timings.resolve = started.elapsed();

    let started = Instant::now();
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
    let facts_started = Instant::now();
    // The lowered files' lists are freed, their contents moved into the model.
    phase_boundary(model.elements.len());
    let facts = Facts::build(&model);
    timings.facts = facts_started.elapsed();
    // The facts' working tables are freed; the rules build their own.
    phase_boundary(model.elements.len());
    let mut diags = crate::check::run_with_facts(&model, &facts, diags, &check_opts);
    crate::diagnostics::sort(&mut diags);
    timings.check = started.elapsed();
    Analysis { root, config, workspace, trees, model, facts, diagnostics: diags, dropped_texts, timings }
}

/// Each file lowered, for a keeping cache: a file whose text is unchanged since the last analysis
/// is cloned from the cache, which is cheaper than lowering its tree again; the others are lowered
/// and kept for the next analysis.
fn lower_kept(workspace: &Workspace, trees: &[Arc<SourceAst>], cache: &mut ParseCache) -> Vec<LoweredFile> {
    let jobs: Vec<(&WorkspaceFile, &SourceAst, Option<&LoweredFile>)> = workspace
        .files
        .iter()
        .zip(trees)
        .map(|(f, tree)| {
            let cached = cache.files.get(workspace.sources.name(f.id)).and_then(|c| c.lowered.as_ref());
            (f, &**tree, cached)
        })
        .collect();
    let items = trees.iter().map(|t| t.items.len()).sum();
    let threads = crate::parallel::threads_for(items, semantic::LOWER_ON_THREADS_FROM_ITEMS);
    let lowered = crate::parallel::map_in_order(&jobs, threads, |&(f, tree, cached)| {
        let fresh = cached.is_none();
        (cached.map_or_else(|| semantic::lower(f.id, f.is_std, tree), LoweredFile::clone), fresh)
    });
    lowered
        .into_iter()
        .zip(&workspace.files)
        .map(|((lowered, fresh), f)| {
            if fresh {
                if let Some(c) = cache.files.get_mut(workspace.sources.name(f.id)) {
                    c.lowered = Some(lowered.clone());
                }
            }
            lowered
        })
        .collect()
}

struct ConfigError {
    diagnostic: Diagnostic,
}

/// The workspace's configuration (the defaults when it is broken) and, when it is broken, the
/// diagnostic, which points into `arch.toml` as the first file of the source map.
fn config_of(sources: &Sources) -> (Config, Option<ConfigError>) {
    let Some(source) = &sources.config else { return (Config::default(), None) };
    match Config::parse(&source.text) {
        Ok(config) => (config, None),
        Err(e) => {
            let range = e.range.unwrap_or(0..source.text.len().min(1));
            let diagnostic = Diagnostic::new(
                codes::INVALID_CONFIG,
                format!("invalid {CONFIG_FILE}: {}", e.message),
                Span::new(FileId(0), range),
                "here",
            )
            .with_help("see the configuration section of the README for the keys archc reads");
            (Config::default(), Some(ConfigError { diagnostic }))
        }
    }
}

/// The bytes of file `id` stopped being UTF-8 at `at`.
fn invalid_utf8(id: FileId, at: usize) -> Diagnostic {
    Diagnostic::new(
        codes::INVALID_UTF8,
        "file is not valid UTF-8",
        Span::new(id, at..at + '\u{FFFD}'.len_utf8()),
        "invalid byte sequence here",
    )
    .with_help("save the file as UTF-8; invalid bytes were read as U+FFFD")
}

/// Where a loaded file's text is.
enum Origin {
    Listed(usize),
    Imported(String),
    Std(&'static str),
}

struct LoadedFile {
    name: String,
    origin: Origin,
    is_std: bool,
}

/// What parsing a file gave: its tree, or in a batch run the file lowered from it.
#[derive(Debug)]
enum Parsed {
    Tree(Arc<SourceAst>),
    /// Taken (`None`) once a loader has handed it on.
    Lowered(Option<LoweredFile>),
}

impl Parsed {
    /// What a loader hands on from the cache: the tree shared, or the lowered file taken (a
    /// batch cache serves each file to one analysis).
    fn take(&mut self) -> Parsed {
        match self {
            Parsed::Tree(tree) => Parsed::Tree(Arc::clone(tree)),
            Parsed::Lowered(lowered) => Parsed::Lowered(lowered.take()),
        }
    }

    /// A placeholder for the loader while the cache holds the file: the tree shared, a lowered
    /// file left to [`Parsed::take`] once the files are final.
    fn share(&self) -> Parsed {
        match self {
            Parsed::Tree(tree) => Parsed::Tree(Arc::clone(tree)),
            Parsed::Lowered(_) => Parsed::Lowered(None),
        }
    }

    fn into_tree(self) -> Arc<SourceAst> {
        match self {
            Parsed::Tree(tree) => tree,
            Parsed::Lowered(_) => Arc::default(),
        }
    }

    fn into_lowered(self, id: FileId, is_std: bool) -> LoweredFile {
        match self {
            Parsed::Lowered(Some(lowered)) => lowered,
            Parsed::Tree(tree) => semantic::lower(id, is_std, &tree),
            Parsed::Lowered(None) => semantic::lower(id, is_std, &SourceAst::default()),
        }
    }
}

/// The files of an analysis in load order (their [`FileId`]s), with what parsing them gave and
/// their imports.
struct Loaded {
    files: Vec<LoadedFile>,
    parsed: Vec<Option<Parsed>>,
    /// Each file's import statements, once parsed.
    syntax_imports: Vec<Option<Arc<[Import]>>>,
    imports: Vec<Vec<(FileId, Span)>>,
    diags: Vec<Diagnostic>,
    wanted: Vec<String>,
    /// A file to be read while parsing could not be read.
    read_failed: bool,
}

struct Loader<'s> {
    sources: &'s Sources,
    /// Reads the [`SourceText::unread`] files, on the threads that parse them.
    read: Option<&'s ReadFile<'s>>,
    /// The workspace texts, owned, when each is to be dropped as soon as it is parsed.
    taken: TakenTexts,
    cache: &'s mut ParseCache,
    /// The id of the first file: 1 when a broken `arch.toml` takes id 0 to be pointed at.
    first_id: u32,
    out: Loaded,
    by_name: HashMap<String, usize>,
    /// Files added but not parsed yet, by index in `out.files`.
    pending: Vec<usize>,
}

/// Texts moved out of [`Sources`] so that the parsing thread can drop each once it is parsed;
/// a batch cache for findings only keeps what they were like ([`DroppedText`]).
#[derive(Default)]
struct TakenTexts {
    listed: Vec<Option<String>>,
    imported: HashMap<String, String>,
}

impl TakenTexts {
    /// Every workspace text of `sources`, which are left empty: the files already parsed into the
    /// cache need them no more, and the others are parsed by the load that takes them.
    fn take(sources: &mut Sources) -> TakenTexts {
        let listed = sources.files.iter_mut().map(|f| Some(std::mem::take(&mut f.text))).collect();
        let imported = sources
            .imported
            .iter_mut()
            .filter_map(|(key, imported)| match imported {
                Imported::File(source) => Some((key.clone(), std::mem::take(&mut source.text))),
                _ => None,
            })
            .collect();
        TakenTexts { listed, imported }
    }

    fn text(&mut self, origin: &Origin) -> Option<String> {
        match origin {
            Origin::Listed(i) => self.listed.get_mut(*i).and_then(Option::take),
            Origin::Imported(key) => self.imported.remove(key),
            Origin::Std(_) => None,
        }
    }
}

/// Assigns ids in the order the batch driver always has: the listed files, then what their
/// imports reach, breadth first (std modules and imported files as they are first named).
fn load<'s>(
    sources: &'s mut Sources,
    broken_config: bool,
    cache: &'s mut ParseCache,
    read: Option<&'s ReadFile<'s>>,
) -> Loaded {
    let taken = if cache.drop_texts { TakenTexts::take(sources) } else { TakenTexts::default() };
    let sources = &*sources;
    let mut loader = Loader {
        sources,
        read,
        taken,
        cache,
        first_id: u32::from(broken_config),
        out: Loaded {
            files: Vec::new(),
            parsed: Vec::new(),
            syntax_imports: Vec::new(),
            imports: Vec::new(),
            diags: Vec::new(),
            wanted: Vec::new(),
            read_failed: false,
        },
        by_name: HashMap::new(),
        pending: Vec::new(),
    };
    for (i, file) in sources.files.iter().enumerate() {
        if !loader.by_name.contains_key(&file.name) {
            loader.add(file, Origin::Listed(i), false);
        }
    }
    loader.follow_imports();
    loader.out
}

impl<'s> Loader<'s> {
    fn id(&self, index: usize) -> FileId {
        FileId(self.first_id + u32::try_from(index).unwrap_or(u32::MAX - self.first_id))
    }

    fn text(&self, index: usize) -> &'s str {
        text_of(self.sources, &self.out.files[index].origin)
    }

    /// Adds a file; its tree comes from the cache or is parsed with the other pending files
    /// before imports are followed.
    fn add(&mut self, file: &SourceText, origin: Origin, is_std: bool) -> FileId {
        self.add_named(file.name.clone(), origin, is_std, file.invalid_utf8_at)
    }

    fn add_named(&mut self, name: String, origin: Origin, is_std: bool, invalid_utf8_at: Option<usize>) -> FileId {
        let index = self.out.files.len();
        let id = self.id(index);
        let text = text_of(self.sources, &origin);
        let hit = self.cache.files.get_mut(&name).filter(|c| c.id == id && c.text.as_deref().is_none_or(|t| t == text));
        match hit {
            Some(hit) => {
                if !hit.seen {
                    hit.seen = true;
                    self.cache.running.1 += 1;
                }
                self.out.diags.extend(hit.errors.iter().cloned());
                self.out.parsed.push(Some(hit.parsed.share()));
                self.out.syntax_imports.push(Some(Arc::clone(&hit.imports)));
            }
            None => {
                self.pending.push(index);
                self.out.parsed.push(None);
                self.out.syntax_imports.push(None);
            }
        }
        self.by_name.insert(name.clone(), index);
        self.out.files.push(LoadedFile { name, origin, is_std });
        self.out.imports.push(Vec::new());
        if let Some(at) = invalid_utf8_at {
            self.out.diags.push(invalid_utf8(id, at));
        }
        id
    }

    /// Parses every file added since the last call, on all cores, and keeps the results in
    /// file order so that the outcome does not depend on scheduling.
    fn parse_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let lower = !self.cache.keep;
        let jobs: Vec<ParseJob> = pending
            .iter()
            .map(|&i| {
                let origin = &self.out.files[i].origin;
                let text = match self.taken.text(origin) {
                    Some(owned) => Cow::Owned(owned),
                    None => Cow::Borrowed(self.text(i)),
                };
                // Only a cache that drops each text once parsed can take a file read while parsing.
                let unread = unread_of(self.sources, origin).filter(|_| self.cache.drop_texts);
                ParseJob { id: self.id(i), text, unread, is_std: self.out.files[i].is_std, lower }
            })
            .collect();
        let texts: Vec<Option<String>> = jobs.iter().map(|job| self.cache.keep.then(|| job.text.to_string())).collect();
        let parsed = parse_on_threads(jobs, PARALLEL_FROM_BYTES, self.read);
        for ((&i, file), text) in pending.iter().zip(parsed).zip(texts) {
            let ParsedText { parsed, imports, errors, dropped, read_failed } = file;
            self.out.read_failed |= read_failed;
            self.cache.running.0 += 1;
            self.out.parsed[i] = Some(parsed.share());
            self.out.syntax_imports[i] = Some(Arc::clone(&imports));
            let id = self.id(i);
            let dropped = dropped.map(|d| DroppedText { file: id, ..d });
            let entry =
                CachedParse { id, text, parsed, imports, dropped, lowered: None, errors: errors.clone(), seen: true };
            self.cache.files.insert(self.out.files[i].name.clone(), entry);
            self.out.diags.extend(errors);
        }
    }

    /// Loads what the loaded files import, until nothing new appears.
    fn follow_imports(&mut self) {
        let mut next = 0;
        while next < self.out.files.len() {
            if !self.pending.is_empty() {
                self.parse_pending();
            }
            let index = next;
            next += 1;
            let Some(imports) = self.out.syntax_imports[index].clone() else { continue };
            let is_std = self.out.files[index].is_std;
            let mut edges = Vec::new();
            for imp in imports.iter() {
                let target = match &imp.target {
                    ImportTarget::Std(module) => self.import_std(module),
                    ImportTarget::Path(_) if is_std => {
                        self.out.diags.push(Diagnostic::new(
                            codes::IMPORT_NOT_FOUND,
                            "the standard library imports only std modules",
                            imp.span,
                            "here",
                        ));
                        None
                    }
                    ImportTarget::Path(p) => self.import_path(index, p),
                };
                if let Some(t) = target {
                    edges.push((t, imp.span));
                }
            }
            self.out.imports[index] = edges;
        }
    }

    fn import_std(&mut self, module: &Ident) -> Option<FileId> {
        let name = module.text.strip_prefix("std.").unwrap_or("");
        if let Some(text) = stdlib::module(name) {
            let file_name = format!("<std>/{name}.arch");
            if let Some(&index) = self.by_name.get(&file_name) {
                return Some(self.id(index));
            }
            return Some(self.add_named(file_name, Origin::Std(text), true, None));
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
        self.out.diags.push(d);
        None
    }

    fn import_path(&mut self, from: usize, p: &Text) -> Option<FileId> {
        let root = normalize(&self.sources.root);
        let folder = Path::new(&self.out.files[from].name).parent().map(Path::to_path_buf).unwrap_or_default();
        let joined = normalize(&root.join(folder).join(&p.value));
        if !joined.starts_with(&root) {
            self.out.diags.push(
                Diagnostic::new(
                    codes::IMPORT_OUTSIDE_WORKSPACE,
                    format!("import `{}` leaves the workspace", p.value),
                    p.span,
                    "outside the workspace root",
                )
                .with_help(format!(
                    "the workspace root is `{}`; move the file inside it or put `{CONFIG_FILE}` higher up",
                    self.sources.root.display()
                ))
                .with_note("imports stay inside the workspace so that a checkout is self-contained"),
            );
            return None;
        }
        if joined.extension().is_none_or(|x| x != "arch") {
            // Never read (and so never echo) a file that is not a model: `.env`, `.git/config`.
            self.out.diags.push(
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
        let name = relative_name(&root, &joined);
        if let Some(&index) = self.by_name.get(&name) {
            return Some(self.id(index));
        }
        let sources = self.sources;
        let missing = |is_folder: bool| {
            let what = if is_folder { "is a folder, not a file" } else { "does not exist" };
            Diagnostic::new(codes::IMPORT_NOT_FOUND, format!("imported file `{}` {what}", p.value), p.span, "not found")
        };
        match sources.imported.get(&name) {
            Some(Imported::File(source)) => {
                if let Some(&index) = self.by_name.get(&source.name) {
                    return Some(self.id(index));
                }
                Some(self.add(source, Origin::Imported(name), false))
            }
            Some(Imported::Missing { is_folder }) => {
                self.out.diags.push(missing(*is_folder));
                None
            }
            Some(Imported::LeavesWorkspace) => {
                self.out.diags.push(
                    Diagnostic::new(
                        codes::IMPORT_OUTSIDE_WORKSPACE,
                        format!("import `{}` resolves outside the workspace", p.value),
                        p.span,
                        "a link leads outside the root",
                    )
                    .with_help("copy the file into the workspace instead of linking to it"),
                );
                None
            }
            Some(Imported::Unreadable) => None,
            None => {
                self.out.wanted.push(name);
                self.out.diags.push(missing(false));
                None
            }
        }
    }
}

/// Where to read a listed file that was not read yet.
fn unread_of<'s>(sources: &'s Sources, origin: &Origin) -> Option<&'s Unread> {
    match origin {
        Origin::Listed(i) => sources.files.get(*i).and_then(|f| f.unread.as_ref()),
        _ => None,
    }
}

fn text_of<'s>(sources: &'s Sources, origin: &Origin) -> &'s str {
    match origin {
        Origin::Listed(i) => &sources.files[*i].text,
        Origin::Imported(key) => match sources.imported.get(key) {
            Some(Imported::File(source)) => &source.text,
            _ => "",
        },
        Origin::Std(text) => text,
    }
}

/// `path` relative to `root`, `/`-separated: the name a workspace file is known by.
pub fn relative_name(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}

/// Removes `.` and resolves `..` lexically, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
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

/// One file to parse, and whether to lower it too (a batch run). An owned text is dropped once
/// parsed; an unread one is read first, by the thread that parses it.
struct ParseJob<'t> {
    id: FileId,
    text: Cow<'t, str>,
    unread: Option<&'t Unread>,
    is_std: bool,
    lower: bool,
}

impl ParseJob<'_> {
    /// The bytes to parse, known before reading: the order of the work goes by it.
    fn size(&self) -> usize {
        match self.unread {
            Some(unread) => usize::try_from(unread.size).unwrap_or(usize::MAX),
            None => self.text.len(),
        }
    }
}

/// A parsed file: its tree or the file lowered from it, its import statements and its errors.
#[derive(Debug)]
struct ParsedText {
    parsed: Parsed,
    imports: Arc<[Import]>,
    errors: Vec<Diagnostic>,
    /// What the text was like, when it was owned and dropped (its file id is filled in later).
    dropped: Option<DroppedText>,
    /// The file was to be read while parsing and could not be.
    read_failed: bool,
}

/// Measured on two busy cores once the calling thread parsed too: a second thread made `archc
/// check` 0.91x at 1,000 components (0.7 MB in 15 files) for 4 MiB more memory. Smaller
/// workspaces, and an editor re-parsing one file, stay on one thread.
const PARALLEL_FROM_BYTES: usize = 256 << 10;

/// Reading buffers larger than this are freed rather than kept for the next file.
const MAX_SPARE_READ_BUFFER: usize = 8 << 20;

thread_local! {
    /// The bytes of the last file read on this thread for parsing, for the next file to be read
    /// into: a fresh buffer per file meant fresh pages, zeroed by the kernel, for every file.
    static READ_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Parses (and in a batch run lowers) each file on the thread that took it: the tree is lowered
/// while it is still in cache and dropped at once, so the trees of a workspace are never all
/// alive together.
fn parse_on_threads(jobs: Vec<ParseJob>, parallel_from_bytes: usize, read: Option<&ReadFile<'_>>) -> Vec<ParsedText> {
    let parse = |job: ParseJob| {
        let mut read_failed = false;
        let mut invalid_utf8_at = None;
        // An unread file's bytes, in this thread's reading buffer.
        let mut bytes = None;
        if let Some(unread) = job.unread {
            let mut buffer = READ_BUFFER.take();
            buffer.clear();
            buffer.reserve(usize::try_from(unread.size).unwrap_or(0).saturating_add(1));
            match read.map(|read| read(&unread.path, &mut buffer)) {
                Some(Ok(())) => bytes = Some(buffer),
                _ => {
                    read_failed = true;
                    READ_BUFFER.set(buffer);
                }
            }
        }
        let decoded: String;
        let text: &str = match &bytes {
            Some(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let at;
                    (decoded, at) = lossy(bytes, e);
                    invalid_utf8_at = Some(at);
                    &decoded
                }
            },
            None => &job.text,
        };
        let mut p = crate::syntax::parse(job.id, text);
        // Kept with the file's errors, so that a cached parse reports it again.
        p.errors.extend(invalid_utf8_at.map(|at| invalid_utf8(job.id, at)));
        let imports: Arc<[Import]> = p
            .ast
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Import(import) => Some(import.clone()),
                _ => None,
            })
            .collect();
        let parsed = if job.lower {
            Parsed::Lowered(Some(semantic::lower(job.id, job.is_std, &p.ast)))
        } else {
            Parsed::Tree(Arc::new(p.ast))
        };
        let dropped = (bytes.is_some() || matches!(job.text, Cow::Owned(_))).then(|| DroppedText::of(job.id, text));
        if let Some(buffer) = bytes.filter(|b| b.capacity() <= MAX_SPARE_READ_BUFFER) {
            READ_BUFFER.set(buffer);
        }
        ParsedText { parsed, imports, errors: p.errors, dropped, read_failed }
    };
    let bytes: usize = jobs.iter().map(ParseJob::size).sum();
    let threads = crate::parallel::threads_for(bytes, parallel_from_bytes);
    if threads <= 1 {
        let parsed = jobs.into_iter().map(parse).collect();
        // This thread lives on to build the model: its last file's bytes go now.
        drop(READ_BUFFER.take());
        return parsed;
    }
    // A file lowered on another thread moves its per-file lists, which resolving frees, to
    // this thread before that thread exits.
    let settle = |(_, p): &mut (usize, ParsedText)| {
        if let Parsed::Lowered(Some(lowered)) = &mut p.parsed {
            lowered.rehome();
        }
    };
    // Largest first: the thread that takes the last file then finishes close to the others,
    // instead of starting a large file while they sit idle.
    let count = jobs.len();
    let mut ordered: Vec<(usize, ParseJob)> = jobs.into_iter().enumerate().collect();
    ordered.sort_by_key(|(i, job)| (std::cmp::Reverse(job.size()), *i));
    let parsed = crate::parallel::map_owned_in_order_settled(ordered, threads, |(i, job)| (i, parse(job)), settle);
    drop(READ_BUFFER.take());
    // Back in file order, so that ids, diagnostics and the cache do not depend on sizes.
    let mut slots: Vec<Option<ParsedText>> = std::iter::repeat_with(|| None).take(count).collect();
    for (i, p) in parsed {
        slots[i] = Some(p);
    }
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_on_threads_gives_the_sequential_result_in_order() {
        let texts: Vec<String> = (0..9)
            .map(|i| format!("component c{i} {{\n  uses c{} sync {{ timeout 1s }}\n}}\n{}", i + 1, "}".repeat(i % 2)))
            .collect();
        fn job(i: usize, text: &str, lower: bool, owned: bool) -> ParseJob<'_> {
            let text = if owned { Cow::Owned(text.to_string()) } else { Cow::Borrowed(text) };
            ParseJob { id: FileId(i as u32), text, unread: None, is_std: false, lower }
        }
        for (lower, owned) in [(false, false), (true, false), (true, true)] {
            let jobs = || -> Vec<ParseJob> { texts.iter().enumerate().map(|(i, t)| job(i, t, lower, owned)).collect() };
            let render = |r: Vec<ParsedText>| format!("{r:?}");
            let threaded = parse_on_threads(jobs(), 0, None);
            assert!(threaded.iter().any(|p| !p.errors.is_empty()), "some files have errors");
            assert_eq!(threaded.iter().all(|p| p.dropped.is_some()), owned, "an owned text is dropped, and noted");
            assert_eq!(render(threaded), render(parse_on_threads(jobs(), usize::MAX, None)));
        }
    }

    fn sources(files: &[(&str, &str)]) -> Sources {
        Sources {
            root: PathBuf::from("/ws"),
            config: Some(SourceText::new("arch.toml", "")),
            files: files.iter().map(|(name, text)| SourceText::new(*name, *text)).collect(),
            ..Sources::default()
        }
    }

    #[test]
    fn an_import_of_a_file_not_given_is_wanted_then_read_and_parsed_once() {
        let mut given = sources(&[("a.arch", "import \"lib/b.arch\"\ncomponent a \"A\" {\n  uses b\n}\n")]);
        let mut cache = ParseCache::default();
        assert_eq!(imports_wanted(&mut given, &mut cache), vec!["lib/b.arch".to_string()]);
        given
            .imported
            .insert("lib/b.arch".into(), Imported::File(SourceText::new("lib/b.arch", "component b \"B\"\n")));
        assert!(imports_wanted(&mut given, &mut cache).is_empty());
        let analysis = analyze(given, &RunOptions::default(), &mut cache);
        assert_eq!((cache.parsed, cache.reused), (2, 0), "each file parsed once over the three calls");
        assert_eq!(analysis.workspace.files[0].imports.len(), 1, "a's import resolves to b");
        assert!(analysis.diagnostics.iter().all(|d| d.code.id != codes::IMPORT_NOT_FOUND.id));
        assert!(analysis.tree(analysis.workspace.files[1].id).is_some_and(|t| !t.items.is_empty()));
    }

    #[test]
    fn an_import_nothing_answers_is_reported_missing() {
        let given = sources(&[("a.arch", "import \"gone.arch\"\ncomponent a \"A\"\n")]);
        let analysis = analyze(given, &RunOptions::default(), &mut ParseCache::batch());
        assert_eq!(analysis.messages_with(codes::IMPORT_NOT_FOUND), ["imported file `gone.arch` does not exist"]);
        assert!(analysis.trees.is_empty(), "a batch analysis keeps no tree");
    }

    #[test]
    fn a_re_analysis_reuses_the_unchanged_files_lowered_and_resolves_them_afresh() {
        let mut cache = ParseCache::default();
        let a = ("a.arch", "component a \"A\" {\n  uses b sync { timeout 1s }\n  uses gone\n}\n");
        let first = analyze(sources(&[a, ("b.arch", "component b \"B\"\n")]), &RunOptions::default(), &mut cache);
        // b is declared one line lower: a's cached lowering must resolve to b's new element.
        let edited = [a, ("b.arch", "system s \"S\"\ncomponent b \"B\"\n")];
        let second = analyze(sources(&edited), &RunOptions::default(), &mut cache);
        assert_eq!((cache.parsed, cache.reused), (1, 1));
        let fresh = analyze(sources(&edited), &RunOptions::default(), &mut ParseCache::default());
        assert_eq!(format!("{:?}", second.model.elements), format!("{:?}", fresh.model.elements));
        assert_eq!(format!("{:?}", second.diagnostics), format!("{:?}", fresh.diagnostics));
        assert_ne!(format!("{:?}", first.model.elements), format!("{:?}", second.model.elements));
        assert!(
            second.diagnostics.iter().any(|d| d.code.id == codes::DANGLING_REFERENCE.id),
            "`gone` is reported again"
        );
    }

    #[test]
    fn a_re_analysis_shares_the_unchanged_trees() {
        let mut cache = ParseCache::default();
        let files = [("a.arch", "component a \"A\"\n"), ("b.arch", "component b \"B\"\n")];
        let first = analyze(sources(&files), &RunOptions::default(), &mut cache);
        let second =
            analyze(sources(&[files[0], ("b.arch", "component b \"B2\"\n")]), &RunOptions::default(), &mut cache);
        assert_eq!((cache.parsed, cache.reused), (1, 1));
        assert!(Arc::ptr_eq(&first.trees[0], &second.trees[0]), "a's tree is shared, not copied");
        assert!(!Arc::ptr_eq(&first.trees[1], &second.trees[1]), "b's tree is new");
    }
}
