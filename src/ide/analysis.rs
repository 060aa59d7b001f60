//! The one place that knows how the driver analyzes a workspace. A [`Snapshot`] is immutable: the
//! server builds a new one after edits and the features only read it. The driver reads the open
//! documents and the disk through the server's overlay `Host` and hands the texts to the pure
//! `pipeline::analyze`; with [`ParseCaches`] only edited files are parsed again, and each analysis
//! shares the other files' syntax trees with the cache (`Analysis::tree`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostics::Diagnostic;
use crate::driver::{self, Analysis, ParseCache, RunOptions};
use crate::host::Host;
use crate::semantic::model::{ElementId, Model};
use crate::source::{FileId, Span};

/// Every workspace the editor has open, analyzed at one generation of the documents.
pub struct Snapshot {
    /// Counts document edits; a snapshot is current when it matches the server's count.
    pub generation: u64,
    pub workspaces: Vec<Analysis>,
    /// Problems with no workspace to belong to (an unreadable folder).
    pub errors: Vec<Diagnostic>,
    files: BTreeMap<PathBuf, (usize, FileId)>,
}

/// The parse caches of the open workspaces, shared by the builds of successive snapshots (on the
/// worker thread or, when a request cannot wait, on the main one).
#[derive(Default)]
pub struct ParseCaches(Mutex<BTreeMap<PathBuf, ParseCache>>);

/// One file of a snapshot: its workspace's analysis and its id there.
#[derive(Clone, Copy)]
pub struct File<'s> {
    pub analysis: &'s Analysis,
    pub id: FileId,
}

impl<'s> File<'s> {
    pub fn model(&self) -> &'s Model {
        &self.analysis.model
    }

    pub fn text(&self) -> &'s str {
        self.analysis.workspace.sources.text(self.id)
    }

    /// The file's syntax tree, kept when the snapshot was built with [`ParseCaches`].
    pub fn tree(&self) -> Option<&'s crate::syntax::ast::SourceAst> {
        self.analysis.tree(self.id)
    }
}

impl Snapshot {
    /// Analyzes the workspaces at `roots` (folders), reading through `host`.
    pub fn build(host: &dyn Host, roots: &[PathBuf], generation: u64, opts: &RunOptions) -> Snapshot {
        Snapshot::from_outcome(driver::analyze_paths_with(host, roots, opts), generation)
    }

    /// [`Snapshot::build`] reusing the syntax trees of files whose text did not change since the
    /// last build with the same `caches`; what a server that re-analyses on every edit wants.
    pub fn build_cached(
        host: &dyn Host,
        roots: &[PathBuf],
        generation: u64,
        opts: &RunOptions,
        caches: &ParseCaches,
    ) -> Snapshot {
        // A build that panicked may have left a cache half written: start that cache afresh.
        let mut guard = caches.0.lock().unwrap_or_else(|poisoned| {
            caches.0.clear_poison();
            let mut guard = poisoned.into_inner();
            guard.clear();
            guard
        });
        Snapshot::from_outcome(driver::analyze_paths_cached(host, roots, opts, &mut guard), generation)
    }

    fn from_outcome(outcome: driver::Outcome, generation: u64) -> Snapshot {
        let mut files = BTreeMap::new();
        for (index, analysis) in outcome.analyses.iter().enumerate() {
            for (id, file) in analysis.workspace.sources.iter() {
                if let Some(path) = workspace_path(&analysis.root, &file.name) {
                    files.entry(path).or_insert((index, id));
                }
            }
        }
        Snapshot { generation, workspaces: outcome.analyses, errors: outcome.errors, files }
    }

    /// The analyzed file at `path` (absolute), if some workspace loaded it.
    pub fn file(&self, path: &Path) -> Option<File<'_>> {
        let (index, id) = *self.files.get(path)?;
        Some(File { analysis: self.workspaces.get(index)?, id })
    }

    /// Absolute paths of every workspace file analyzed (the standard library excluded).
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.keys().map(PathBuf::as_path)
    }

    /// The absolute path of a span's file; `None` for the embedded standard library.
    pub fn path_of(&self, analysis: &Analysis, file: FileId) -> Option<PathBuf> {
        workspace_path(&analysis.root, analysis.workspace.sources.name(file))
    }

    /// The span as a path and byte range; `None` for the embedded standard library.
    pub fn locate(&self, analysis: &Analysis, span: Span) -> Option<super::FileRange> {
        Some(super::FileRange { path: self.path_of(analysis, span.file)?, range: span.range() })
    }

    /// The text of an analyzed file.
    pub fn text(&self, path: &Path) -> Option<&str> {
        self.file(path).map(|f| f.text())
    }

    /// The diagnostics to show in an editor, by file: suppressed findings are left out, and
    /// problems without a location are shown at the top of the workspace's `arch.toml`.
    pub fn diagnostics(&self) -> BTreeMap<PathBuf, Vec<(&Analysis, &Diagnostic)>> {
        let mut out: BTreeMap<PathBuf, Vec<(&Analysis, &Diagnostic)>> = BTreeMap::new();
        for path in self.files.keys() {
            out.entry(path.clone()).or_default();
        }
        for analysis in &self.workspaces {
            for d in analysis.diagnostics.iter().filter(|d| d.suppression.is_none()) {
                let path = match d.span() {
                    Some(span) => self.path_of(analysis, span.file),
                    None => Some(analysis.root.join(driver::CONFIG_FILE)),
                };
                if let Some(path) = path {
                    out.entry(path).or_default().push((analysis, d));
                }
            }
        }
        out
    }

    /// The element declared at or referenced at `offset` of the file, with the range of the name
    /// under the cursor.
    pub fn element_at(&self, file: File<'_>, offset: usize) -> Option<(ElementId, Span)> {
        let model = file.model();
        for (id, e) in model.iter() {
            if e.file == file.id && e.name_span.contains(offset) {
                return Some((id, e.name_span));
            }
        }
        let mut found = None;
        super::navigate::each_reference(model, |target, span| {
            if span.file == file.id && span.contains(offset) && found.is_none() {
                found = Some((target, span));
            }
        });
        found
    }
}

/// `root/name` for a workspace file; `None` for `<std>/...` names.
fn workspace_path(root: &Path, name: &str) -> Option<PathBuf> {
    if name.starts_with('<') {
        None
    } else {
        Some(root.join(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::MemHost;

    fn findings(snap: &Snapshot) -> Vec<String> {
        snap.workspaces[0].diagnostics.iter().map(|d| format!("{}@{:?}", d.code.id, d.primary)).collect()
    }

    #[test]
    fn a_cached_build_parses_only_the_edited_file_and_agrees_with_a_fresh_build() {
        let ws = [PathBuf::from("/ws")];
        let opts = RunOptions::default();
        let teams = "team t \"T\" {\n  summary \"x\"\n}\n";
        let before = "component a \"A\" {\n  owner t\n}\n";
        let after = "component a \"A\" {\n  owner tt\n}\n";
        let caches = ParseCaches::default();
        let host = MemHost::new([("/ws/arch.toml", ""), ("/ws/teams.arch", teams), ("/ws/a.arch", before)]);
        Snapshot::build_cached(&host, &ws, 1, &opts, &caches);

        let host = MemHost::new([("/ws/arch.toml", ""), ("/ws/teams.arch", teams), ("/ws/a.arch", after)]);
        let cached = Snapshot::build_cached(&host, &ws, 2, &opts, &caches);
        let cache = caches.0.lock().expect("not poisoned");
        let cache = cache.get(Path::new("/ws")).expect("a cache for the workspace");
        assert_eq!((cache.parsed, cache.reused), (1, 1), "only the edited file is parsed again");

        let fresh = Snapshot::build(&host, &ws, 2, &opts);
        assert_eq!(findings(&cached), findings(&fresh));
        let a = cached.file(Path::new("/ws/a.arch")).expect("a.arch analyzed");
        assert!(a.tree().is_some_and(|t| !t.items.is_empty()), "the cached build keeps the edited file's tree");
        assert!(fresh.file(Path::new("/ws/a.arch")).and_then(|f| f.tree()).is_none(), "a batch build frees it");
        assert!(findings(&cached).iter().any(|f| f.starts_with("HYG001")), "the misspelt owner is found");
    }
}
