//! All file IO of an analysis, through [`Host`]: find the workspace root and `arch.toml`, discover
//! the `.arch` files, read them and the files their imports name, then hand the texts to the pure
//! [`pipeline::analyze`], which parses, resolves and checks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{codes, Diagnostic};
use crate::host::{Host, WalkOnce};
use crate::pipeline::{self, Imported, SourceText, Sources, Unread};

pub use crate::pipeline::{Analysis, ParseCache, RunOptions, Timings, CONFIG_FILE};

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
    nested_roots_among(&host.walk_workspace_files(dir), root)
}

/// [`nested_roots`] from a walk already made.
fn nested_roots_among(walked: &[Result<PathBuf, String>], root: &Path) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = walked
        .iter()
        .flatten()
        .filter(|p| p.file_name().is_some_and(|n| n == CONFIG_FILE))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .filter(|d| d != root && d.starts_with(root))
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

/// Groups paths by workspace root (in first-seen order) and analyzes each workspace.
pub fn analyze_paths(host: &dyn Host, paths: &[PathBuf]) -> Outcome {
    analyze_paths_with(host, paths, &RunOptions::default())
}

pub fn analyze_paths_with(host: &dyn Host, paths: &[PathBuf], opts: &RunOptions) -> Outcome {
    let host = &WalkOnce::new(host);
    let (groups, errors) = group_by_workspace(host, paths);
    let analyses = groups.into_iter().map(|(root, inputs)| analyze_workspace(host, &root, &inputs, opts)).collect();
    Outcome { analyses, errors }
}

/// [`analyze_paths_with`] for a run that reports findings and reads nothing else of the sources
/// (`archc check`): each file's text is let go of once parsed and read again afterwards only if a
/// finding points into it, so that the texts are not resident while the model and facts are built.
pub fn analyze_paths_for_findings(host: &dyn Host, paths: &[PathBuf], opts: &RunOptions) -> Outcome {
    let host = &WalkOnce::new(host);
    let (groups, errors) = group_by_workspace(host, paths);
    let analyses = groups
        .into_iter()
        .map(|(root, inputs)| {
            let mut cache = ParseCache::batch_for_findings();
            let (mut analysis, read) = analyze_reading(host, &root, &inputs, opts, &mut cache, ReadWhen::WhileParsing);
            restore_texts_of_findings(host, &mut analysis, &read);
            analysis
        })
        .collect();
    Outcome { analyses, errors }
}

/// Reads back the dropped texts of the files findings point into (`read` gives each file's path by
/// name). A file whose text is no longer what was checked keeps no text, and a finding says so.
fn restore_texts_of_findings(host: &dyn Host, analysis: &mut Analysis, read: &BTreeMap<String, PathBuf>) {
    if analysis.dropped_texts.is_empty() {
        return;
    }
    let mut wanted = BTreeSet::new();
    for d in &analysis.diagnostics {
        wanted.extend(d.primary.iter().chain(&d.secondary).map(|l| l.span.file));
        wanted.extend(d.fixes.iter().flat_map(|f| &f.edits).map(|e| e.span.file));
    }
    let mut changed = Vec::new();
    for dropped in std::mem::take(&mut analysis.dropped_texts) {
        if !wanted.contains(&dropped.file) {
            continue;
        }
        let name = analysis.workspace.sources.name(dropped.file).to_string();
        let text = read
            .get(&name)
            .and_then(|path| host.read(path).ok())
            .map(|bytes| SourceText::from_bytes(name.clone(), bytes).text)
            .filter(|text| dropped.matches(text));
        match text {
            Some(text) => analysis.workspace.sources.restore_text(dropped.file, text),
            None => changed.push(name),
        }
    }
    if changed.is_empty() {
        return;
    }
    for name in changed {
        analysis.diagnostics.push(
            Diagnostic::without_span(
                codes::UNREADABLE_PATH,
                format!("`{name}` changed or went away while it was checked; its findings show no source"),
            )
            .with_help("run the check again once the file is saved"),
        );
    }
    // Every output relies on the analysis' order, which these findings must keep.
    crate::diagnostics::sort(&mut analysis.diagnostics);
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
    let host = &WalkOnce::new(host);
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

/// Loads, parses and resolves one workspace, keeping nothing the batch run does not need.
pub fn analyze_workspace(host: &dyn Host, root: &Path, inputs: &[PathBuf], opts: &RunOptions) -> Analysis {
    analyze_workspace_cached(host, root, inputs, opts, &mut ParseCache::batch())
}

/// [`analyze_workspace`] for a process that stays alive (an editor): files whose text is unchanged
/// since the last call are not parsed again, and the returned analysis shares every file's syntax
/// tree with the cache (`Analysis::trees`) for the editor to read.
pub fn analyze_workspace_cached(
    host: &dyn Host,
    root: &Path,
    inputs: &[PathBuf],
    opts: &RunOptions,
    cache: &mut ParseCache,
) -> Analysis {
    analyze_reading(host, root, inputs, opts, cache, ReadWhen::First).0
}

/// When the `.arch` files found by walking a folder are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ReadWhen {
    /// All of them, before any is parsed.
    First,
    /// Each by the thread that parses it, so that reading overlaps parsing: only with a cache
    /// that drops each text once parsed ([`ParseCache::batch_for_findings`]).
    WhileParsing,
}

/// [`analyze_workspace_cached`], also giving the path each file was read from, by name.
fn analyze_reading(
    host: &dyn Host,
    root: &Path,
    inputs: &[PathBuf],
    opts: &RunOptions,
    cache: &mut ParseCache,
    when: ReadWhen,
) -> (Analysis, BTreeMap<String, PathBuf>) {
    let started = std::time::Instant::now();
    let mut reader = Reader::new(host, root);
    reader.read_when = when;
    reader.read_inputs(inputs);
    let read = |path: &Path, buffer: &mut Vec<u8>| host.read_into(path, buffer);
    // What the files import outside the selection is read and offered again; the cache keeps the
    // trees parsed so far, so no file is parsed twice.
    loop {
        let wanted = match when {
            ReadWhen::First => pipeline::imports_wanted(&mut reader.sources, cache),
            ReadWhen::WhileParsing => match pipeline::imports_wanted_reading(&mut reader.sources, cache, &read) {
                Some(wanted) => wanted,
                None => {
                    // A file that could be listed could not be read: read them all first, which
                    // reports the problem where and as it always is.
                    cache.forget();
                    let wasted = started.elapsed();
                    let (mut analysis, paths) = analyze_reading(host, root, inputs, opts, cache, ReadWhen::First);
                    analysis.timings.load_and_parse += wasted;
                    return (analysis, paths);
                }
            },
        };
        if wanted.is_empty() {
            break;
        }
        for name in wanted {
            let imported = reader.read_import(&name);
            reader.sources.imported.insert(name, imported);
        }
    }
    let reading = started.elapsed();
    let mut analysis = pipeline::analyze(reader.sources, opts, cache);
    analysis.timings.load_and_parse += reading;
    (analysis, reader.paths)
}

/// The sources of one workspace as the driver reads them (`arch.toml`, the selected `.arch`
/// files and problems reading them), without following imports: the input of
/// [`pipeline::analyze`] for a caller that keeps the texts itself, such as a benchmark.
pub fn read_sources(host: &dyn Host, root: &Path, inputs: &[PathBuf]) -> Sources {
    let mut reader = Reader::new(host, root);
    reader.read_inputs(inputs);
    reader.sources
}

/// Reading on a second thread costs its start, and on busy cores a wait for it: measured side by
/// side, it made `examples/shop` (10 files) and 1,000 components (15 files) slower; from about a
/// hundred files on (10,000 components, 133 files) it pays.
const READ_ON_THREADS_FROM_FILES: usize = 32;

/// One file read (or to be read while parsing), by its canonical path (`key`), or why it was not.
struct Fetched {
    key: PathBuf,
    read: Result<SourceText, Box<Diagnostic>>,
}

/// Reads the file at `path` within the size `limit` (or, with [`ReadWhen::WhileParsing`], only
/// checks its size); touches nothing but the host, so that several files can be read at once.
fn fetch(host: &dyn Host, root: &Path, limit: u64, path: PathBuf, when: ReadWhen) -> Fetched {
    let key = host.canonicalize(&path).unwrap_or(path);
    fetch_canonical(host, root, limit, key, when)
}

fn fetch_canonical(host: &dyn Host, root: &Path, limit: u64, key: PathBuf, when: ReadWhen) -> Fetched {
    let name = pipeline::relative_name(root, &key);
    let unreadable =
        |e: std::io::Error| Diagnostic::without_span(codes::UNREADABLE_PATH, format!("cannot read `{name}`: {e}"));
    let read = match host.size(&key) {
        Ok(size) if size > limit => Err(Diagnostic::without_span(
            codes::FILE_TOO_LARGE,
            format!("`{name}` is {size} bytes, over the limit of {limit} bytes; it was not read"),
        )
        .with_help("split the file, or raise `max-file-size` under [workspace] in arch.toml")),
        Ok(size) if when == ReadWhen::WhileParsing => {
            Ok(SourceText::unread(name.clone(), Unread { path: key.clone(), size }))
        }
        Ok(_) => match host.read(&key) {
            Ok(bytes) => Ok(SourceText::from_bytes(name.clone(), bytes)),
            Err(e) => Err(unreadable(e)),
        },
        Err(e) => Err(unreadable(e)),
    };
    Fetched { key, read: read.map_err(Box::new) }
}

/// Finds and reads the files of one workspace.
struct Reader<'h> {
    host: &'h dyn Host,
    root: PathBuf,
    /// `arch.toml` as read (defaults when it is missing or broken): which files to select and how
    /// large they may be.
    config: Config,
    sources: Sources,
    /// Canonical paths read (successfully), so that a file reached twice (through a link) is read once.
    read: BTreeSet<PathBuf>,
    /// Files read for imports, by canonical path: what a second name for one of them gives.
    imported: BTreeMap<PathBuf, SourceText>,
    /// The path each file was read from, by the name the analysis knows it by.
    paths: BTreeMap<String, PathBuf>,
    /// When the files found by walking a folder are read.
    read_when: ReadWhen,
}

impl<'h> Reader<'h> {
    fn new(host: &'h dyn Host, root: &Path) -> Self {
        let sources = Sources { root: root.to_path_buf(), ..Sources::default() };
        Reader {
            host,
            root: root.to_path_buf(),
            config: Config::default(),
            sources,
            read: BTreeSet::new(),
            imported: BTreeMap::new(),
            paths: BTreeMap::new(),
            read_when: ReadWhen::First,
        }
    }

    fn read_inputs(&mut self, inputs: &[PathBuf]) {
        self.read_config();
        let mut walked_root = false;
        for input in inputs {
            if self.host.is_dir(input) {
                self.read_folder(input);
                walked_root |= input == &self.root;
            } else if crate::host::is_arch_file(input) {
                if let Some(file) = self.read_file(input) {
                    self.sources.files.push(file);
                }
                // One namespace per workspace: the names a file uses may be declared in any file of
                // its workspace, so a file checked on its own brings its workspace along. A file
                // outside any `arch.toml` workspace is a workspace of its own (and its imports).
                if self.sources.config.is_some() && !walked_root {
                    let root = self.root.clone();
                    self.read_folder(&root);
                    walked_root = true;
                }
            } else {
                // Reading it could print a secret (`.env`) back in a syntax error.
                self.sources.diagnostics.push(
                    Diagnostic::without_span(
                        codes::UNREADABLE_PATH,
                        format!("`{}` is not an .arch file; it was not read", input.display()),
                    )
                    .with_help("archc reads only files whose names end in `.arch`"),
                );
            }
        }
    }

    /// Reads every selected `.arch` file below `input`, leaving out nested workspaces.
    fn read_folder(&mut self, input: &Path) {
        let root = self.root.clone();
        let entries = self.host.walk_workspace_files(input);
        // From the same walk: a second one would read every folder again.
        let nested = nested_roots_among(&entries, &root);
        let mut seen = Vec::new();
        // The walk's order, with each selected file's place kept for its reading.
        let mut steps: Vec<Result<usize, Diagnostic>> = Vec::new();
        let mut selected = Vec::new();
        for entry in entries {
            match entry {
                Ok(path) if crate::host::is_arch_file(&path) => {
                    // Files of a nested workspace belong to that workspace's analysis.
                    if nested.iter().any(|n| path.starts_with(n)) {
                        continue;
                    }
                    let rel = self.display_name(&path);
                    if self.config.selects(&rel) {
                        steps.push(Ok(selected.len()));
                        selected.push(path);
                    }
                    seen.push(rel);
                }
                Ok(_) => {}
                Err(msg) if msg.starts_with(crate::host::SKIPPED_LINK) => {
                    steps.push(Err(Diagnostic::without_span(codes::LINK_LEAVES_WORKSPACE, msg)
                        .with_help("copy the files into the workspace, or remove the link")))
                }
                Err(msg) => steps.push(Err(Diagnostic::without_span(codes::UNREADABLE_PATH, msg)
                    .with_help("remove the loop or exclude it in arch.toml"))),
            }
        }
        // The system calls of reading (and checking the UTF-8 of) many files overlap on the
        // cores; what was read is then taken in the walk's order, as if read one by one.
        let threads = crate::parallel::threads_for(selected.len(), READ_ON_THREADS_FROM_FILES);
        let fetched = {
            let (host, root, limit, when) = (self.host, self.root.as_path(), self.config.max_file_size, self.read_when);
            crate::parallel::map_owned_in_order(selected, threads, |path| fetch(host, root, limit, path, when))
        };
        let mut fetched: Vec<Option<Fetched>> = fetched.into_iter().map(Some).collect();
        for step in steps {
            match step {
                Ok(i) => {
                    if let Some(file) = fetched[i].take().and_then(|f| self.take_fetched(f)) {
                        self.sources.files.push(file);
                    }
                }
                Err(diagnostic) => self.sources.diagnostics.push(diagnostic),
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
                if let Some(config) = &self.sources.config {
                    d = d.with_note(format!("in `{}`", config.name));
                }
                self.sources.diagnostics.push(d);
            }
        }
    }

    fn read_config(&mut self) {
        let path = self.root.join(CONFIG_FILE);
        if !self.host.is_file(&path) {
            return;
        }
        match self.host.read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                // A broken file is reported by the analysis, which points into it.
                self.config = Config::parse(&text).unwrap_or_default();
                self.sources.config = Some(SourceText::new(self.display_name(&path), text));
            }
            Err(e) => self.sources.diagnostics.push(Diagnostic::without_span(
                codes::UNREADABLE_PATH,
                format!("cannot read `{}`: {e}", path.display()),
            )),
        }
    }

    /// The path shown to users: relative to the root, `/`-separated.
    fn display_name(&self, path: &Path) -> String {
        pipeline::relative_name(&self.root, path)
    }

    /// Reads a file not read before, within the size limit; problems become diagnostics.
    fn read_file(&mut self, path: &Path) -> Option<SourceText> {
        let key = self.host.canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.read.contains(&key) {
            return None;
        }
        let fetched = fetch_canonical(self.host, &self.root, self.config.max_file_size, key, ReadWhen::First);
        self.take_fetched(fetched)
    }

    /// What [`fetch`] gave, unless its file was read already under another name; problems
    /// become diagnostics.
    fn take_fetched(&mut self, fetched: Fetched) -> Option<SourceText> {
        if self.read.contains(&fetched.key) {
            return None;
        }
        match fetched.read {
            Ok(file) => {
                self.paths.insert(file.name.clone(), fetched.key.clone());
                self.read.insert(fetched.key);
                Some(file)
            }
            Err(diagnostic) => {
                self.sources.diagnostics.push(*diagnostic);
                None
            }
        }
    }

    /// Reads the file an import names (`name`, relative to the root), which the analysis asked for.
    fn read_import(&mut self, name: &str) -> Imported {
        let root = pipeline::normalize(&self.root);
        let joined = root.join(name);
        if !self.host.is_file(&joined) {
            return Imported::Missing { is_folder: self.host.is_dir(&joined) };
        }
        // Symbolic links may still lead outside.
        let canon = self.host.canonicalize(&joined).unwrap_or(joined.clone());
        let canon_root = self.host.canonicalize(&self.root).unwrap_or(root);
        if !canon.starts_with(&canon_root) {
            return Imported::LeavesWorkspace;
        }
        if self.read.contains(&canon) {
            // A second name for a file already read: the analysis knows it by its first name (a
            // selected file is always loaded before any import is followed).
            return match self.imported.get(&canon) {
                Some(file) => Imported::File(file.clone()),
                None => Imported::File(SourceText::new(self.display_name(&canon), String::new())),
            };
        }
        match self.read_file(&joined) {
            Some(file) => {
                self.imported.insert(canon, file.clone());
                Imported::File(file)
            }
            None => Imported::Unreadable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{Intercepting, MemHost};
    use std::sync::atomic::{AtomicUsize, Ordering};

    const WITH_FINDING: &str = "component a \"A\" {\n  uses nowhere sync\n}\n";
    const CLEAN: &str = "// nothing declared here\n";

    fn host() -> MemHost {
        MemHost::new([("/ws/arch.toml", ""), ("/ws/a.arch", WITH_FINDING), ("/ws/b.arch", CLEAN)])
    }

    fn file<'a>(a: &'a Analysis, name: &str) -> &'a crate::source::SourceFile {
        let id = a.workspace.files.iter().map(|f| f.id).find(|&id| a.workspace.sources.name(id) == name);
        id.and_then(|id| a.workspace.sources.get(id)).expect("file is in the analysis")
    }

    #[test]
    fn a_check_reads_back_only_the_texts_its_findings_point_into() {
        let host = host();
        let paths = [PathBuf::from("/ws")];
        let full = analyze_paths_with(&host, &paths, &RunOptions::default());
        let lean = analyze_paths_for_findings(&host, &paths, &RunOptions::default());
        let (full, lean) = (&full.analyses[0], &lean.analyses[0]);
        assert!(!lean.diagnostics.is_empty(), "a.arch has a finding");
        assert_eq!(format!("{:?}", full.diagnostics), format!("{:?}", lean.diagnostics));
        assert_eq!(file(lean, "a.arch").text, WITH_FINDING, "read back for its finding");
        assert_eq!(file(lean, "b.arch").text, "", "no finding points into it");
        assert_eq!(file(full, "b.arch").text, CLEAN, "the full analysis keeps every text");
    }

    #[test]
    fn files_read_at_once_come_in_walk_order_with_their_problems_in_place() {
        let names: Vec<String> = (0..40).map(|i| format!("/ws/f{i:02}.arch")).collect();
        let texts: Vec<String> =
            (0..40).map(|i| format!("component c{i}\n{}", "// padding\n".repeat(i % 4 * 3))).collect();
        let config = "[workspace]\nmax-file-size = 30\n";
        let host = MemHost::new(
            std::iter::once(("/ws/arch.toml", config))
                .chain(names.iter().map(String::as_str).zip(texts.iter().map(String::as_str))),
        );
        assert!(READ_ON_THREADS_FROM_FILES <= names.len(), "the files are read on threads");
        let sources = read_sources(&host, Path::new("/ws"), &[PathBuf::from("/ws")]);
        let read: Vec<&str> = sources.files.iter().map(|f| f.name.as_str()).collect();
        let small: Vec<String> = (0..40).filter(|i| i % 4 == 0).map(|i| format!("f{i:02}.arch")).collect();
        assert_eq!(read, small, "the files within the limit, in walk order");
        assert!(sources.files.iter().zip(texts.iter().step_by(4)).all(|(f, t)| &f.text == t));
        let too_large: Vec<&str> = sources.diagnostics.iter().map(|d| d.message.as_str()).collect();
        let expected: Vec<String> = (0..40)
            .filter(|i| i % 4 != 0)
            .map(|i| format!("`f{i:02}.arch` is {} bytes, over the limit of 30 bytes; it was not read", texts[i].len()))
            .collect();
        assert_eq!(too_large, expected, "one error per file over the limit, in walk order");
    }

    #[test]
    fn files_read_while_parsing_give_what_files_read_first_give() {
        let mut host = host();
        host.insert(Path::new("/ws/c.arch"), b"component c \"C\xff\" {\n  uses a sync\n}\n".to_vec());
        let paths = [PathBuf::from("/ws")];
        let full = analyze_paths_with(&host, &paths, &RunOptions::default());
        let lean = analyze_paths_for_findings(&host, &paths, &RunOptions::default());
        let (full, lean) = (&full.analyses[0], &lean.analyses[0]);
        assert!(lean.diagnostics.iter().any(|d| d.code.id == codes::INVALID_UTF8.id), "c.arch's bad byte is reported");
        assert_eq!(format!("{:?}", full.diagnostics), format!("{:?}", lean.diagnostics));
        assert_eq!(file(lean, "c.arch").text, file(full, "c.arch").text, "read back, as decoded the first time");
    }

    #[test]
    fn a_file_that_cannot_be_read_while_parsing_is_reported_as_when_read_first() {
        // Lists every file but cannot read `b.arch`, as with a file its owner alone may read.
        let host = Intercepting::reads(host(), |path: &Path| {
            path.ends_with("b.arch")
                .then(|| Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied")))
        });
        let paths = [PathBuf::from("/ws")];
        let full = analyze_paths_with(&host, &paths, &RunOptions::default());
        let lean = analyze_paths_for_findings(&host, &paths, &RunOptions::default());
        let (full, lean) = (&full.analyses[0], &lean.analyses[0]);
        assert_eq!(lean.messages_with(codes::UNREADABLE_PATH), ["cannot read `b.arch`: permission denied"]);
        assert_eq!(format!("{:?}", full.diagnostics), format!("{:?}", lean.diagnostics));
        assert_eq!(lean.workspace.files.len(), full.workspace.files.len(), "b.arch is left out of both");
    }

    #[test]
    fn a_file_changed_before_it_is_read_back_is_reported_not_shown_wrongly() {
        // Gives other bytes for `a.arch` from its second reading on, as if it were saved meanwhile.
        let reads = AtomicUsize::new(0);
        let host = Intercepting::reads(host(), |path: &Path| {
            (path.ends_with("a.arch") && reads.fetch_add(1, Ordering::Relaxed) > 0)
                .then(|| Ok(b"component a \"A\"\n".to_vec()))
        });
        let outcome = analyze_paths_for_findings(&host, &[PathBuf::from("/ws")], &RunOptions::default());
        let a = &outcome.analyses[0];
        assert_eq!(reads.load(Ordering::Relaxed), 2, "read once to check, once to show the finding");
        assert_eq!(file(a, "a.arch").text, "", "the new text is not the one the spans point into");
        assert_eq!(
            a.messages_with(codes::UNREADABLE_PATH),
            ["`a.arch` changed or went away while it was checked; its findings show no source"]
        );
    }
}
