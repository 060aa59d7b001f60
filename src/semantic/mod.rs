//! Syntax trees to one resolved [`Model`]: names, references, import visibility and import cycles.
//! Pure: the driver loads the files and hands over a [`Workspace`].

mod calls;
mod lower;
pub mod model;
mod resolve;
pub mod text;

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, SourceMap, Span};

use crate::syntax::ast::SourceAst;

pub use lower::{lower, LoweredFile};
pub use model::{ElementId, Model};

/// One parsed file of a workspace and the files its imports resolved to.
#[derive(Clone, Debug)]
pub struct WorkspaceFile {
    pub id: FileId,
    /// The file's syntax tree; emptied by the driver once the model is built.
    pub ast: SourceAst,
    /// Resolved imports, with the span of each import statement.
    pub imports: Vec<(FileId, Span)>,
    pub is_std: bool,
}

/// Everything the resolver needs, already loaded.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub sources: SourceMap,
    pub files: Vec<WorkspaceFile>,
}

#[cfg(test)]
impl Workspace {
    /// A workspace of the given texts, parsed, as files `f0.arch`, `f1.arch`, ... in that order.
    pub(crate) fn of_texts<T: AsRef<str>>(texts: impl IntoIterator<Item = T>) -> Workspace {
        let mut ws = Workspace::default();
        for (i, text) in texts.into_iter().enumerate() {
            let text = text.as_ref();
            let id = ws.sources.add(format!("f{i}.arch"), text.to_string());
            let ast = crate::syntax::parse(id, text).ast;
            ws.files.push(WorkspaceFile { id, ast, imports: Vec::new(), is_std: false });
        }
        ws
    }
}

/// Resolves a workspace, leaving its syntax trees in place: each file is lowered from its tree,
/// on two threads for large workspaces, then resolved.
pub fn analyze(ws: &Workspace) -> (Model, Vec<Diagnostic>) {
    let items = ws.files.iter().map(|f| f.ast.items.len()).sum();
    let threads = crate::parallel::threads_for(items, LOWER_ON_THREADS_FROM_ITEMS);
    let lowered = crate::parallel::map_in_order(&ws.files, threads, |f| lower(f.id, f.is_std, &f.ast));
    analyze_lowered(ws, lowered)
}

/// Lowering a tree that is not hot in cache (the editor's kept trees) takes about 1 us a
/// declaration; a thread pays for itself from about a thousand top-level declarations.
pub const LOWER_ON_THREADS_FROM_ITEMS: usize = 1_000;

/// Resolves a workspace whose files are lowered already, one per file in `ws.files` order: the
/// batch path, which lowers each file as soon as it is parsed and drops its tree.
pub fn analyze_lowered(ws: &Workspace, files: Vec<LoweredFile>) -> (Model, Vec<Diagnostic>) {
    resolve::run(ws, files)
}
