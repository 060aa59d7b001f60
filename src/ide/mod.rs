//! Editor features over one analysis snapshot, independent of any editor protocol: positions are
//! byte offsets into a file's text, results are plain data with paths, ranges and strings. The
//! `lsp` module converts them to the protocol; nothing here knows JSON-RPC or `lsp-types`.

pub mod actions;
pub mod analysis;
pub mod completion;
pub mod highlight;
pub mod hover;
pub mod navigate;
pub mod symbols;

use std::ops::Range;
use std::path::PathBuf;

pub use analysis::Snapshot;

/// A byte range in one workspace file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRange {
    pub path: PathBuf,
    pub range: Range<usize>,
}

impl FileRange {
    /// Sorts by path, then position.
    pub fn key(&self) -> (&std::path::Path, usize, usize) {
        (&self.path, self.range.start, self.range.end)
    }
}

/// Replace `range` of the file at `path` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub path: PathBuf,
    pub range: Range<usize>,
    pub new_text: String,
}

impl TextEdit {
    /// Sorts by path, then position.
    pub fn key(&self) -> (&std::path::Path, usize, usize) {
        (&self.path, self.range.start, self.range.end)
    }
}
