//! Conversions between the editor-agnostic `ide` values (paths, byte offsets) and the protocol's
//! (URIs, line and column in the negotiated encoding). The only place that knows both.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use lsp_types::{Position, Uri};

/// How columns are counted: UTF-8 bytes when the client offers it, else UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A text with its line index, for converting many positions in one file.
pub struct Lines<'t> {
    text: &'t str,
    index: LineIndex,
    encoding: Encoding,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str, encoding: Encoding) -> Self {
        Lines { text, index: LineIndex::new(text), encoding }
    }

    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let size = TextSize::from(u32::try_from(offset).unwrap_or(u32::MAX));
        let lc = self.index.try_line_col(size).unwrap_or(LineCol { line: 0, col: 0 });
        let col = match self.encoding {
            Encoding::Utf8 => lc.col,
            Encoding::Utf16 => self.index.to_wide(WideEncoding::Utf16, lc).map_or(lc.col, |w| w.col),
        };
        Position { line: lc.line, character: col }
    }

    pub fn range(&self, range: Range<usize>) -> lsp_types::Range {
        lsp_types::Range { start: self.position(range.start), end: self.position(range.end) }
    }

    /// The byte offset of a position; positions past the end of a line or of the text are moved
    /// back to it, as the protocol asks.
    pub fn offset(&self, pos: Position) -> usize {
        let Some(line) = self.index.line(pos.line) else { return self.text.len() };
        let start = usize::from(line.start());
        let line_text = self.text.get(start..usize::from(line.end())).unwrap_or("");
        let end = start + line_text.trim_end_matches(['\n', '\r']).len();
        let col = match self.encoding {
            Encoding::Utf8 => pos.character,
            Encoding::Utf16 => self
                .index
                .to_utf8(WideEncoding::Utf16, WideLineCol { line: pos.line, col: pos.character })
                .map_or(pos.character, |lc| lc.col),
        };
        let mut offset = (start + col as usize).min(end).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    pub fn offsets(&self, range: lsp_types::Range) -> Range<usize> {
        let (a, b) = (self.offset(range.start), self.offset(range.end));
        a.min(b)..a.max(b)
    }

    /// Splits a range at line ends, for clients that take only one-line tokens.
    pub fn line_pieces(&self, range: Range<usize>) -> Vec<Range<usize>> {
        let to = |n: usize| TextSize::from(u32::try_from(n).unwrap_or(u32::MAX));
        let whole = line_index::TextRange::new(to(range.start), to(range.end.max(range.start)));
        self.index
            .lines(whole)
            .map(|r| usize::from(r.start())..usize::from(r.end()))
            .map(|r| {
                let text = self.text.get(r.clone()).unwrap_or("");
                r.start..r.start + text.trim_end_matches(['\n', '\r']).len()
            })
            .filter(|r| r.start < r.end)
            .collect()
    }
}

/// The file path of a `file:` URI, percent-decoded.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host is ours.
    let path = if rest.starts_with('/') { rest } else { rest.strip_prefix("localhost")? };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// The `file:` URI of an absolute path, percent-encoding what URIs do not allow.
pub fn uri_of(path: &Path) -> Uri {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    // Every byte outside the allowed set is escaped above, so the text is always a valid URI.
    Uri::from_str(&s).unwrap_or_else(|_| Uri::from_str("file:///").unwrap_or_else(|_| unreachable!()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_encoding_after_non_ascii_text() {
        let text = "a \"é😀\" b\nxyz";
        let b = text.find(" b").unwrap_or(0) + 1;
        let utf16 = Lines::new(text, Encoding::Utf16);
        let utf8 = Lines::new(text, Encoding::Utf8);
        assert_eq!(utf16.position(b), Position { line: 0, character: 8 });
        assert_eq!(utf8.position(b), Position { line: 0, character: 11 });
        assert_eq!(utf16.offset(Position { line: 0, character: 8 }), b);
        assert_eq!(utf8.offset(Position { line: 0, character: 11 }), b);
        // Past the end of a line: its end.
        assert_eq!(utf16.offset(Position { line: 0, character: 99 }), text.find('\n').unwrap_or(0));
        assert_eq!(utf16.offset(Position { line: 9, character: 0 }), text.len());
    }

    #[test]
    fn uris_round_trip_with_spaces_and_non_ascii() {
        let path = Path::new("/tmp/my models/café.arch");
        let uri = uri_of(path);
        assert_eq!(uri.as_str(), "file:///tmp/my%20models/caf%C3%A9.arch");
        assert_eq!(path_of(&uri).as_deref(), Some(path));
    }
}
