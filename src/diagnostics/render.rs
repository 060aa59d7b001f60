//! Terminal rendering with ariadne: the only module that knows it.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use ariadne::{Cache, Color, Config, IndexType, Label as AriadneLabel, Report, ReportKind, Source};

use super::{Diagnostic, Severity};
use crate::source::{ColumnUnit, SourceMap};

/// Source lines longer than this are not quoted; the location is printed instead.
const MAX_QUOTED_LINE: usize = 400;

pub struct RenderOptions {
    pub color: bool,
}

/// Renders diagnostics as a human reads them, in the order given.
pub fn render(sources: &SourceMap, diags: &[Diagnostic], opts: &RenderOptions) -> String {
    let mut cache = LazyCache { sources, built: HashMap::new() };
    let mut out = Vec::new();
    for d in diags {
        render_one(&mut cache, d, opts, &mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn kind(sev: Severity) -> ReportKind<'static> {
    match sev {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
        Severity::Note => ReportKind::Advice,
    }
}

/// The span's range widened to character boundaries and clamped to the text.
fn char_range(text: &str, r: Range<usize>) -> Range<usize> {
    let mut start = r.start.min(text.len());
    let mut end = r.end.clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

fn render_one(cache: &mut LazyCache<'_>, d: &Diagnostic, opts: &RenderOptions, out: &mut Vec<u8>) {
    let Some(primary) = &d.primary else {
        plain(d, None, out);
        return;
    };
    let sources = cache.sources;
    let file = sources.get(primary.span.file);
    let name = printable(&sources.display_name(primary.span.file));
    let text = file.map_or("", |f| f.text.as_str());
    let quotable = |r: Range<usize>| {
        let start = text.get(..r.start.min(text.len())).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let end = text.get(r.end.min(text.len())..).and_then(|t| t.find('\n')).map_or(text.len(), |i| r.end + i);
        end.saturating_sub(start) <= MAX_QUOTED_LINE
    };
    let all_quotable = quotable(primary.span.range())
        && d.secondary.iter().all(|l| l.span.file != primary.span.file || quotable(l.span.range()));
    if !all_quotable {
        let lc = file.map(|f| f.line_index.line_col(&f.text, primary.span.start as usize, ColumnUnit::Char));
        plain(d, lc.map(|lc| format!("{name}:{}:{}", lc.line + 1, lc.col + 1)), out);
        return;
    }
    let (primary_color, secondary_color) = match d.severity {
        Severity::Error => (Color::Red, Color::Blue),
        Severity::Warning => (Color::Yellow, Color::Blue),
        Severity::Note => (Color::Cyan, Color::Blue),
    };
    let primary_range = char_range(text, primary.span.range());
    let mut report = Report::build(kind(d.severity), (name.clone(), primary_range.clone()))
        .with_config(Config::default().with_color(opts.color).with_index_type(IndexType::Byte))
        .with_code(d.code.id)
        .with_message(printable(&d.message))
        .with_label(
            AriadneLabel::new((name.clone(), primary_range))
                .with_message(printable(&primary.message))
                .with_color(primary_color)
                .with_order(0),
        );
    for (i, l) in d.secondary.iter().enumerate() {
        let lname = printable(&sources.display_name(l.span.file));
        let range = char_range(sources.text(l.span.file), l.span.range());
        report = report.with_label(
            AriadneLabel::new((lname, range))
                .with_message(printable(&l.message))
                .with_color(secondary_color)
                .with_order(i as i32 + 1),
        );
    }
    if let Some(h) = &d.help {
        report = report.with_help(printable(h));
    }
    for n in &d.notes {
        report = report.with_note(printable(n));
    }
    if report.finish().write(&mut *cache, &mut *out).is_err() {
        plain(d, Some(name), out);
    }
}

/// A diagnostic without a quoted source line.
fn plain(d: &Diagnostic, location: Option<String>, out: &mut Vec<u8>) {
    use std::io::Write as _;
    let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code.id, printable(&d.message));
    if let Some(loc) = location {
        let _ = writeln!(out, "  --> {}", printable(&loc));
    }
    if let Some(h) = &d.help {
        let _ = writeln!(out, "  help: {}", printable(h));
    }
    for n in &d.notes {
        let _ = writeln!(out, "  note: {}", printable(n));
    }
}

struct LazyCache<'a> {
    sources: &'a SourceMap,
    built: HashMap<String, Source<String>>,
}

/// Source text safe to print: control characters (but line breaks and tabs) become `?`, byte for
/// byte, so an `.arch` file cannot drive the terminal and spans stay valid.
fn printable_source(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let keep = !c.is_control() || matches!(c, '\n' | '\t' | '\r');
            let n = if keep { 0 } else { c.len_utf8() };
            std::iter::repeat_n('?', n).chain(keep.then_some(c))
        })
        .collect()
}

/// A message safe to print: control characters are shown escaped.
fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|c| if c.is_control() && c != '\n' { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
        .collect()
}

impl<'a> Cache<String> for LazyCache<'a> {
    type Storage = String;

    fn fetch(&mut self, id: &String) -> Result<&Source<String>, impl fmt::Debug> {
        if !self.built.contains_key(id) {
            let text = self
                .sources
                .iter()
                .find(|(fid, _)| &printable(&self.sources.display_name(*fid)) == id)
                .map(|(_, f)| f.text.as_str());
            match text {
                Some(t) => {
                    self.built.insert(id.clone(), Source::from(printable_source(t)));
                }
                None => return Err(format!("unknown file {id}")),
            }
        }
        self.built.get(id).ok_or_else(|| format!("unknown file {id}"))
    }

    fn display<'b>(&self, id: &'b String) -> Option<impl fmt::Display + 'b> {
        Some(id.clone())
    }
}
