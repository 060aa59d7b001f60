//! The one diagnostic type. Passes build [`Diagnostic`] values; renderers at the edge turn them into
//! terminal text (`render`), JSON (`json`) and, later, SARIF and LSP messages.

pub mod codes;
pub mod json;
pub mod render;

use crate::source::Span;

pub use codes::Code;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A finding about the input. Plain data: wording happens where it is built, rendering at the edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Short, lowercase headline without a final period.
    pub message: String,
    /// Where the problem is; `None` only for problems with no source location (unreadable paths).
    pub primary: Option<Label>,
    /// Other places worth showing ("first defined here").
    pub secondary: Vec<Label>,
    /// What to do about it, in the imperative.
    pub help: Option<String>,
    /// Why it matters or extra facts.
    pub notes: Vec<String>,
    /// Paths of the model elements the finding is about (`orders`, `decision.option`), in a
    /// meaningful order; they make the fingerprint and let emitters highlight the elements.
    pub subjects: Vec<String>,
    /// Set when an `accept` or the baseline covers the finding: it is reported as suppressed and
    /// does not fail the run.
    pub suppression: Option<Suppression>,
    /// Machine-applicable fixes, best first; an editor offers them as code actions.
    pub fixes: Vec<Fix>,
    /// Fingerprints this finding also answers to: the places of one cause that used to be
    /// reported one by one (a link as a `uses` and as steps of several flows), so that acceptances
    /// and baselines written for those still match.
    pub merged: Vec<String>,
}

/// One way to fix a diagnostic: edits to apply together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What applying it does, in the imperative: "Replace with `orders`".
    pub title: String,
    pub kind: FixKind,
    pub edits: Vec<TextEdit>,
}

/// Whether a fix repairs the model or records a decision to live with the finding; editors offer
/// the first as a quick fix and the second apart from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixKind {
    Repair,
    /// An `accept` statement for the finding.
    Acceptance,
}

/// Replace the text of `span` (empty to insert) with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub new_text: String,
}

impl TextEdit {
    pub fn insert(at: Span, new_text: impl Into<String>) -> TextEdit {
        TextEdit { span: Span::new(at.file, at.start as usize..at.start as usize), new_text: new_text.into() }
    }

    /// Inserts just after `span`.
    pub fn insert_after(span: Span, new_text: impl Into<String>) -> TextEdit {
        TextEdit { span: Span::new(span.file, span.end as usize..span.end as usize), new_text: new_text.into() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub justification: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    /// An `accept` statement in the model.
    InSource,
    /// The baseline file given with `--baseline`.
    Baseline,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity,
            message: message.into(),
            primary: Some(Label { span, message: label.into() }),
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            subjects: Vec::new(),
            suppression: None,
            fixes: Vec::new(),
            merged: Vec::new(),
        }
    }

    /// A diagnostic about something that has no span, such as a path that cannot be read.
    pub fn without_span(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            subjects: Vec::new(),
            suppression: None,
            fixes: Vec::new(),
            merged: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label { span, message: message.into() });
        self
    }

    pub fn with_fix(mut self, title: impl Into<String>, edits: Vec<TextEdit>) -> Self {
        self.fixes.push(Fix { title: title.into(), kind: FixKind::Repair, edits });
        self
    }

    /// Says "did you mean `name`?" and offers to put `name` in place of the primary span, which
    /// must cover exactly the misspelt word.
    pub fn with_suggestion(mut self, name: &str) -> Self {
        self.help = Some(format!("did you mean `{name}`?"));
        if let Some(span) = self.span() {
            self.fixes.push(Fix {
                title: format!("Replace with `{name}`"),
                kind: FixKind::Repair,
                edits: vec![TextEdit { span, new_text: name.to_string() }],
            });
        }
        self
    }

    /// Fingerprints of the former findings this one stands for (see [`Diagnostic::merged`]).
    pub fn with_merged(mut self, fingerprints: impl IntoIterator<Item = String>) -> Self {
        for f in fingerprints {
            if !self.merged.contains(&f) {
                self.merged.push(f);
            }
        }
        self
    }

    /// The finding's own fingerprint or one it stands for is `fingerprint`.
    pub fn answers_to(&self, fingerprint: &str) -> bool {
        self.fingerprint() == fingerprint || self.merged.iter().any(|m| m == fingerprint)
    }

    pub fn with_subjects(mut self, subjects: impl IntoIterator<Item = String>) -> Self {
        self.subjects.extend(subjects);
        self
    }

    /// The stable key that acceptances and baselines match: `CODE@subject@subject`.
    pub fn fingerprint(&self) -> String {
        let mut s = self.code.id.to_string();
        for subject in &self.subjects {
            s.push('@');
            s.push_str(subject);
        }
        s
    }

    pub fn span(&self) -> Option<Span> {
        self.primary.as_ref().map(|l| l.span)
    }

    /// Sort key giving a deterministic order: file, position, code, message.
    pub fn sort_key(&self) -> (u32, u32, u32, &'static str, &str) {
        match &self.primary {
            Some(l) => (l.span.file.0, l.span.start, l.span.end, self.code.id, &self.message),
            None => (u32::MAX, 0, 0, self.code.id, &self.message),
        }
    }
}

/// Sorts diagnostics into the order every output uses and drops exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// Counts by severity, for summaries and exit codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    /// Counts the diagnostics that are not suppressed.
    pub fn of(diags: &[Diagnostic]) -> Counts {
        let mut c = Counts::default();
        for d in diags.iter().filter(|d| d.suppression.is_none()) {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Note => c.notes += 1,
            }
        }
        c
    }
}

/// User text as quoted in a message: long names are cut so that one 10 MB identifier does not
/// make a 10 MB message.
pub fn quoted(text: &str) -> String {
    const MAX: usize = 48;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Edit distance suggestion: the closest candidate, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Edit distance is quadratic: a name this long is no typo of anything.
    const LONGEST: usize = 64;
    if name.len() > LONGEST {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for cand in candidates {
        // Lengths too far apart cannot be within the distance allowed below.
        if cand == name || cand.len().abs_diff(name.len()) > name.len().max(3) {
            continue;
        }
        let score = strsim::jaro_winkler(&lower, &cand.to_ascii_lowercase());
        let dist = strsim::damerau_levenshtein(&lower, &cand.to_ascii_lowercase());
        let close = dist <= (name.len().max(3) / 3).max(1) || score >= 0.88;
        if !close {
            continue;
        }
        // Prefer the higher score; break ties by name so the choice is deterministic.
        let better = match best {
            None => true,
            Some((s, c)) => score > s || (score == s && cand < c),
        };
        if better {
            best = Some((score, cand));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["payments", "orders", "ordering", "gateway"];
        assert_eq!(did_you_mean("paymnts", names), Some("payments"));
        assert_eq!(did_you_mean("gatway", names), Some("gateway"));
        assert_eq!(did_you_mean("zzz", names), None);
    }
}
