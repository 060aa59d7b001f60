//! The CLI's own errors (a broken `arch.toml`, unreadable or unwritable paths, bad environment
//! variables) as miette reports: a code, a message, a labelled excerpt when there is a source, and a
//! help line. `.arch` diagnostics do not come here: they stay `Diagnostic`s rendered by ariadne in
//! `diagnostics/render.rs`. Only this file knows miette.

use std::fmt;
use std::io::IsTerminal;
use std::ops::Range;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use crate::diagnostics::codes::Code;
use crate::diagnostics::Diagnostic;
use crate::source::SourceMap;

/// One error of the CLI itself.
#[derive(Debug)]
pub struct CliError {
    code: &'static str,
    message: String,
    // Boxed: most errors have none, and a small error keeps `Result`s cheap.
    excerpt: Option<Box<Excerpt>>,
    help: Option<String>,
}

/// The source text an error points into, with the labelled byte range.
#[derive(Debug)]
struct Excerpt {
    source: NamedSource<String>,
    range: Range<usize>,
    label: String,
}

impl CliError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        CliError { code: code.id, message: message.into(), excerpt: None, help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points the error at `range` of the file `name` whose text is `text`.
    pub fn with_excerpt(mut self, name: &str, text: &str, range: Range<usize>, label: impl Into<String>) -> Self {
        // An out-of-range span would make miette drop the excerpt; clamp it to the text instead.
        let end = range.end.min(text.len());
        let start = range.start.min(end);
        self.excerpt = Some(Box::new(Excerpt {
            source: NamedSource::new(name, text.to_string()),
            range: start..end,
            label: label.into(),
        }));
        self
    }

    /// The report for a `Diagnostic` the driver made about a non-`.arch` source (`arch.toml`),
    /// with its excerpt taken from `sources`.
    pub fn from_diagnostic(sources: &SourceMap, d: &Diagnostic) -> Self {
        let mut e = CliError::new(d.code, d.message.clone());
        e.help = d.help.clone();
        if let Some(label) = &d.primary {
            if let Some(file) = sources.get(label.span.file) {
                let name = sources.display_name(label.span.file);
                let range = label.span.start as usize..label.span.end as usize;
                e = e.with_excerpt(&name, &file.text, range, label.message.clone());
            }
        }
        e
    }

    /// The report as text, coloured or plain.
    pub fn render(&self, color: bool) -> String {
        let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
        let mut out = String::new();
        if handler.render_report(&mut out, self).is_err() {
            // The handler only fails when writing to `out` fails, which a String never does; keep
            // the message rather than print nothing.
            out = format!("error[{}]: {}\n", self.code, self.message);
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }

    /// Prints the report to standard error, coloured when standard error is a terminal and
    /// `NO_COLOR` is unset.
    pub fn eprint(&self) {
        eprint!("{}", self.render(stderr_color()));
    }
}

/// Whether reports on standard error are coloured by default.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl MietteDiagnostic for CliError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_ref().map(|e| &e.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let e = self.excerpt.as_ref()?;
        let label = LabeledSpan::new_primary_with_span(Some(e.label.clone()), e.range.clone());
        Some(Box::new(std::iter::once(label)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::codes;

    #[test]
    fn a_report_shows_code_excerpt_label_and_help_without_escapes() {
        let text = "[workspace]\nexclude = [\"a\"\n";
        let e = CliError::new(codes::INVALID_CONFIG, "invalid arch.toml: unclosed array")
            .with_excerpt("arch.toml", text, 12..19, "this array")
            .with_help("close the array with `]`");
        let out = e.render(false);
        assert!(out.contains("IO003"), "{out}");
        assert!(out.contains("exclude = [\"a\""), "{out}");
        assert!(out.contains("this array"), "{out}");
        assert!(out.contains("help: close the array"), "{out}");
        assert!(!out.contains('\u{1b}'), "{out}");
    }
}
