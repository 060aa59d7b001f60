//! Files, spans and line indexes: the leaf every other module builds on.

use std::ops::Range;
use std::sync::OnceLock;

/// Index of a file in a [`SourceMap`]. Stable for one analysis run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span { file, start: clamp_u32(range.start), end: clamp_u32(range.end) }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both. Both must be in the same file.
    pub fn cover(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= (self.end as usize)
    }
}

/// A byte range whose file the holder already knows: the model's values and attributes keep
/// this rather than a [`Span`], since their file is always their element's (or acceptance's), and
/// four bytes less on each of millions of them count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    /// The full span of this range in `file`.
    #[inline]
    pub fn in_file(self, file: FileId) -> Span {
        Span { file, start: self.start, end: self.end }
    }
}

impl From<Span> for TextRange {
    #[inline]
    fn from(span: Span) -> TextRange {
        TextRange { start: span.start, end: span.end }
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One loaded source file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path as shown to users: relative to the workspace root, `/` separated; `std/...` for the
    /// embedded standard library.
    pub name: String,
    pub text: String,
    pub line_index: LineIndex,
}

/// All files of one analysis run, indexed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// Prepended to workspace paths when shown to users (the workspace root relative to the
    /// current folder), so that terminal, SARIF and annotation paths open from where archc ran.
    display_prefix: String,
}

impl SourceMap {
    pub fn add(&mut self, name: String, text: String) -> FileId {
        let id = FileId(clamp_u32(self.files.len()));
        // Built on first use: a clean batch run asks for no line number at all.
        self.files.push(SourceFile { name, text, line_index: LineIndex::default() });
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.name.as_str())
    }

    /// Puts back the text of a file whose text was left out (see `Analysis::dropped_texts`).
    pub fn restore_text(&mut self, id: FileId, text: String) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            file.text = text;
            file.line_index = LineIndex::default();
        }
    }

    pub fn set_display_prefix(&mut self, prefix: String) {
        self.display_prefix = prefix;
    }

    /// The path shown to users: the display prefix joined to the workspace path; files of the
    /// embedded standard library keep their `<std>/` name.
    pub fn display_name(&self, id: FileId) -> String {
        let name = self.name(id);
        if self.display_prefix.is_empty() || name.starts_with('<') {
            name.to_string()
        } else {
            format!("{}/{name}", self.display_prefix.trim_end_matches('/'))
        }
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map_or("", |f| f.text.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(clamp_u32(i)), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Line starts of a text, for byte offset to line/column conversion at the edges. Found on the
/// first question, from the text the question passes: always pass the same text.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: OnceLock<Vec<u32>>,
}

/// A zero-based line and column; the column counts UTF-8 bytes, chars or UTF-16 units as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    Utf8,
    Char,
    Utf16,
}

impl LineIndex {
    /// An index built now rather than on first use.
    pub fn new(text: &str) -> LineIndex {
        LineIndex { line_starts: OnceLock::from(line_starts(text)) }
    }

    fn starts(&self, text: &str) -> &[u32] {
        self.line_starts.get_or_init(|| line_starts(text))
    }

    pub fn line_col(&self, text: &str, offset: usize, unit: ColumnUnit) -> LineCol {
        let line_starts = self.starts(text);
        let offset = offset.min(text.len());
        let line = line_starts.partition_point(|&s| s as usize <= offset).saturating_sub(1);
        let start = line_starts.get(line).copied().unwrap_or(0) as usize;
        let prefix = text.get(start..offset).unwrap_or("");
        let col = match unit {
            ColumnUnit::Utf8 => prefix.len(),
            ColumnUnit::Char => prefix.chars().count(),
            ColumnUnit::Utf16 => prefix.encode_utf16().count(),
        };
        LineCol { line: clamp_u32(line), col: clamp_u32(col) }
    }

    /// Inverse of [`LineIndex::line_col`]; clamps to the line's end.
    pub fn offset(&self, text: &str, pos: LineCol, unit: ColumnUnit) -> usize {
        let line_starts = self.starts(text);
        let Some(&start) = line_starts.get(pos.line as usize) else { return text.len() };
        let start = start as usize;
        let end = line_starts.get(pos.line as usize + 1).map_or(text.len(), |&e| e as usize);
        let line = text.get(start..end).unwrap_or("");
        let mut seen = 0u32;
        for (i, ch) in line.char_indices() {
            if seen >= pos.col || ch == '\n' {
                return start + i;
            }
            seen += match unit {
                ColumnUnit::Utf8 => ch.len_utf8() as u32,
                ColumnUnit::Char => 1,
                ColumnUnit::Utf16 => ch.len_utf16() as u32,
            };
        }
        end
    }

    pub fn line_count(&self, text: &str) -> usize {
        self.starts(text).len()
    }
}

/// The offset of every line's first byte.
fn line_starts(text: &str) -> Vec<u32> {
    let mut line_starts = vec![0];
    // Eight bytes at a time, looking closer only at the words that hold a line feed.
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const LINE_FEEDS: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_ne_bytes(word) ^ LINE_FEEDS;
        // Nonzero exactly when some byte of `x` is zero, that is some byte was a line feed.
        if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
            line_starts
                .extend(chunk.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| clamp_u32(at + i + 1)));
        }
        at += 8;
    }
    let rest = chunks.remainder();
    line_starts.extend(rest.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| clamp_u32(at + i + 1)));
    line_starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_are_found_in_every_position_of_a_word() {
        // Line feeds at each offset modulo 8, next to bytes with the high bit set, and at the end.
        let text = "a\nbc\ndéf\n\n\u{1F600}\nxyzxyzxy\nlast line without feed\n\n";
        let expected: Vec<u32> = std::iter::once(0)
            .chain(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i as u32 + 1))
            .collect();
        assert_eq!(line_starts(text), expected);
        for len in 0..text.len() {
            if let Some(prefix) = text.get(..len) {
                let want = 1 + prefix.bytes().filter(|b| *b == b'\n').count();
                assert_eq!(LineIndex::new(prefix).line_count(prefix), want, "prefix of {len} bytes");
            }
        }
    }

    #[test]
    fn a_source_maps_line_index_is_built_on_first_use_from_its_text() {
        let mut map = SourceMap::default();
        let id = map.add("a.arch".into(), "one\ntwo\nthree".into());
        let file = map.get(id).expect("added");
        assert!(file.line_index.line_starts.get().is_none(), "adding a file finds no line");
        let at = file.text.find("three").unwrap_or(0);
        assert_eq!(file.line_index.line_col(&file.text, at, ColumnUnit::Utf8), LineCol { line: 2, col: 0 });
        assert_eq!(file.line_index.line_starts.get().map(Vec::as_slice), Some(&[0, 4, 8][..]));
    }

    #[test]
    fn line_col_round_trips_with_multibyte_text() {
        let text = "ab\nçé𝄞x\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap_or(0);
        assert_eq!(idx.line_col(text, x, ColumnUnit::Char), LineCol { line: 1, col: 3 });
        assert_eq!(idx.line_col(text, x, ColumnUnit::Utf16), LineCol { line: 1, col: 4 });
        assert_eq!(idx.offset(text, LineCol { line: 1, col: 4 }, ColumnUnit::Utf16), x);
    }
}
