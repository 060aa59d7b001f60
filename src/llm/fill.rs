//! The fill loop over one workspace held in memory: list the holes and gaps, ask for each value,
//! gate every answer by re-analysing an in-memory copy of the workspace, keep what passes and
//! report what does not. Nothing here touches the disk except through the cache; the caller
//! writes the texts it returns.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Severity};
use crate::driver::{self, Analysis, ParseCache, RunOptions};
use crate::host::MemHost;
use crate::semantic::model::Model;
use crate::source::FileId;
use crate::syntax::schema::Ty;

use super::cache::{Answer, CachedProvider, Source};
use super::client::{ChatRequest, ProviderError};
use super::holes::{self, HoleType};
use super::prompt;

/// What to fill and how.
pub struct FillOptions {
    /// Fill only these elements (by name); all when empty.
    pub only: Vec<String>,
    /// Fill only gaps of these rules; `HYG008` (the rule reporting holes) selects the holes. All
    /// when empty.
    pub rules: Vec<String>,
    /// Offer at most this many holes and gaps.
    pub max: Option<usize>,
    /// Answers asked per hole before it is dropped: the first and the retries with the reason.
    pub attempts: usize,
    /// Fill only in files under these paths (absolute); everywhere when empty.
    pub scope: Vec<PathBuf>,
    /// For the provenance comment.
    pub model: String,
    pub date: String,
    pub temperature: f64,
    pub max_tokens: u32,
    pub run: RunOptions,
}

/// A workspace as texts: every `.arch` file and its `arch.toml`, by absolute path.
pub struct WorkspaceText {
    pub root: PathBuf,
    pub files: BTreeMap<PathBuf, String>,
}

impl WorkspaceText {
    /// Analyses the workspace, with `edit` (a file and its new text) in place of that file's text
    /// when given. Every answer is judged by such an analysis; the cache keeps the other files'
    /// trees, so only the edited file is parsed again.
    fn analyse(&self, edit: Option<(&Path, &str)>, opts: &RunOptions, cache: &mut ParseCache) -> Analysis {
        let mut host = MemHost::default();
        for (path, text) in &self.files {
            let text = match edit {
                Some((edited, new_text)) if edited == path => new_text,
                _ => text,
            };
            host.insert(path, text.as_bytes().to_vec());
        }
        driver::analyze_workspace_cached(&host, &self.root, std::slice::from_ref(&self.root), opts, cache)
    }
}

/// One value written.
#[derive(Clone, Debug)]
pub struct Filled {
    pub file: PathBuf,
    pub element: String,
    pub place: String,
    pub value: String,
    /// `None` for a hole, the rule's code for a gap.
    pub rule: Option<&'static str>,
    pub attempts: usize,
    pub source: Source,
}

/// One hole or gap left open, and why.
#[derive(Clone, Debug)]
pub struct Dropped {
    pub file: PathBuf,
    pub element: String,
    pub place: String,
    pub rule: Option<&'static str>,
    pub reason: String,
}

pub struct FillOutcome {
    pub offered: usize,
    pub filled: Vec<Filled>,
    pub dropped: Vec<Dropped>,
    /// The new text of every file that changed.
    pub changed: BTreeMap<PathBuf, String>,
}

/// Something to fill, named so that it can be found again after earlier fills moved the text.
struct Target {
    file: PathBuf,
    element: String,
    /// `uses.timeout`, `owner`: the hole's place, or the attribute a gap's fix writes.
    place: String,
    what: What,
}

enum What {
    /// The `ordinal`-th hole at (file, element, place), counted when the run started.
    Hole { ordinal: usize },
    /// The finding of `rule` with this fingerprint (and these words, if it reports several
    /// things); its edits open the gap.
    Gap { rule: &'static str, fingerprint: String, needle: Option<&'static str> },
}

impl Target {
    fn rule(&self) -> Option<&'static str> {
        match &self.what {
            What::Hole { .. } => None,
            What::Gap { rule, .. } => Some(rule),
        }
    }
}

/// Runs the loop over `ws`, leaving the filled texts in it. A provider error stops the run.
pub fn fill(
    ws: &mut WorkspaceText,
    asker: &mut CachedProvider<'_>,
    opts: &FillOptions,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<FillOutcome, ProviderError> {
    let original = ws.files.clone();
    let mut cache = ParseCache::default();
    let mut current = ws.analyse(None, &opts.run, &mut cache);
    let targets = targets(ws, &current, opts);
    let offered = targets.len();
    // Holes filled so far per (file, element, place): later ordinals there move down.
    let mut filled_at: BTreeMap<(PathBuf, String, String), usize> = BTreeMap::new();
    let mut filled = Vec::new();
    let mut dropped = Vec::new();
    for (n, (_, t)) in targets.iter().enumerate() {
        progress(n, offered, &format!("{} {}", t.element, t.place));
        let drop = |reason: String| Dropped {
            file: t.file.clone(),
            element: t.element.clone(),
            place: t.place.clone(),
            rule: t.rule(),
            reason,
        };
        let key = (t.file.clone(), t.element.clone(), t.place.clone());
        // The text with the `?` to fill, its analysis (when the gap had to be opened) and where.
        let located = match &t.what {
            What::Hole { ordinal } => {
                let ordinal = ordinal.saturating_sub(filled_at.get(&key).copied().unwrap_or(0));
                holes_at(&current, &ws.root, &t.file, &t.element, &t.place)
                    .get(ordinal)
                    .map(|&at| (None, ws.files[&t.file].clone(), at))
            }
            What::Gap { fingerprint, needle, .. } => {
                open_gap(ws, &current, &t.file, fingerprint, *needle, &opts.run, &mut cache)
            }
        };
        let Some((opened, text, hole_at)) = located else {
            dropped.push(drop("it is no longer in the model".into()));
            continue;
        };
        let analysis = opened.as_ref().unwrap_or(&current);
        let Some(file_id) = file_id(analysis, &ws.root, &t.file) else {
            dropped.push(drop("the file is not part of the analysis".into()));
            continue;
        };
        let hole = analysis.facts.holes.iter().find(|h| h.span.file == file_id && h.span.start as usize == hole_at);
        let Some((hole, ty)) = hole.and_then(|h| holes::hole_type(&analysis.model, h).map(|ty| (h, ty))) else {
            dropped.push(drop("the language table has no type for this place".into()));
            continue;
        };
        let question = prompt::Question {
            model: &analysis.model,
            facts: &analysis.facts,
            sources: &analysis.workspace.sources,
            element: hole.element,
            hole: &ty,
            hole_offset: hole_at,
        };
        let mut conversation = prompt::messages(&question);
        let holes_after = current.facts.holes.len() - usize::from(opened.is_none());
        let closes = match &t.what {
            What::Gap { fingerprint, needle, .. } => Some((fingerprint.as_str(), *needle)),
            What::Hole { .. } => None,
        };
        let mut last_reason = String::new();
        let mut accepted = None;
        for attempt in 1..=opts.attempts.max(1) {
            let request = ChatRequest {
                model: opts.model.clone(),
                messages: conversation.clone(),
                temperature: opts.temperature,
                max_tokens: opts.max_tokens,
            };
            let (answer, source) = match asker.ask(&request)? {
                Answer::Text(a, s) => (a, s),
                Answer::NotCached => {
                    last_reason = "offline, and no answer is recorded in the cache".into();
                    break;
                }
            };
            let verdict = value_text(&answer, &ty, &analysis.model).and_then(|value| {
                let candidate = splice(&text, hole_at, &value, &provenance(opts), has_comment_after(&text, hole_at));
                let after = ws.analyse(Some((&t.file, &candidate)), &opts.run, &mut cache);
                gate(&current, &after, holes_after, closes)?;
                Ok((value, candidate, after))
            });
            match verdict {
                Ok((value, candidate, after)) => {
                    accepted = Some((value, candidate, after, attempt, source));
                    break;
                }
                Err(reason) => {
                    conversation.extend(prompt::rejection(&answer, &reason));
                    last_reason = format!("{reason} (answer: {})", one_line(&answer));
                }
            }
        }
        let Some((value, candidate, after, attempts, source)) = accepted else {
            dropped.push(drop(last_reason));
            continue;
        };
        if matches!(t.what, What::Hole { .. }) {
            *filled_at.entry(key).or_default() += 1;
        }
        ws.files.insert(t.file.clone(), candidate);
        current = after;
        filled.push(Filled {
            file: t.file.clone(),
            element: t.element.clone(),
            place: ty.place.clone(),
            value,
            rule: t.rule(),
            attempts,
            source,
        });
    }
    progress(offered, offered, "");
    let mut changed = BTreeMap::new();
    for (path, text) in &ws.files {
        if original.get(path) != Some(text) {
            changed.insert(path.clone(), laid_out(&original[path], text));
        }
    }
    Ok(FillOutcome { offered, filled, dropped, changed })
}

/// Offsets of the holes at (file, element, place), in order.
fn holes_at(analysis: &Analysis, root: &Path, file: &Path, element: &str, place: &str) -> Vec<usize> {
    let Some(id) = file_id(analysis, root, file) else { return Vec::new() };
    analysis
        .facts
        .holes
        .iter()
        .filter(|h| h.span.file == id)
        .filter(|h| analysis.model.get(h.element).is_some_and(|e| e.name == element))
        .filter(|h| holes::hole_type(&analysis.model, h).is_some_and(|t| t.place == place))
        .map(|h| h.span.start as usize)
        .collect()
}

/// The text with the gap's fix applied, its analysis and the offset of the `?` the fix wrote.
fn open_gap(
    ws: &WorkspaceText,
    current: &Analysis,
    file: &Path,
    fingerprint: &str,
    needle: Option<&'static str>,
    run: &RunOptions,
    cache: &mut ParseCache,
) -> Option<(Option<Analysis>, String, usize)> {
    let finding = current.diagnostics.iter().find(|d| holes::Gap::reported_by(fingerprint, needle, d))?;
    let gaps = holes::gaps(&current.model, &current.workspace.sources, std::slice::from_ref(finding));
    let gap = gaps.into_iter().find(|g| g.needle == needle)?;
    let mut edits: Vec<&crate::diagnostics::TextEdit> = gap.edits.iter().collect();
    edits.sort_by_key(|e| e.span.start);
    let before = &ws.files[file];
    let mut text = String::with_capacity(before.len() + 32);
    let mut from = 0;
    let mut hole_at = None;
    for e in edits {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        if start < from || end > before.len() {
            return None;
        }
        text.push_str(&before[from..start]);
        if hole_at.is_none() {
            hole_at = hole_in(&e.new_text).map(|i| text.len() + i);
        }
        text.push_str(&e.new_text);
        from = end;
    }
    text.push_str(&before[from..]);
    let hole_at = hole_at?;
    Some((Some(ws.analyse(Some((file, &text)), run, cache)), text, hole_at))
}

/// The holes and gaps to offer, in file order, filtered by the options.
fn targets(ws: &WorkspaceText, analysis: &Analysis, opts: &FillOptions) -> Vec<(usize, Target)> {
    let model = &analysis.model;
    let mut out = Vec::new();
    let in_scope = |path: &Path| {
        ws.files.contains_key(path) && (opts.scope.is_empty() || opts.scope.iter().any(|s| path.starts_with(s)))
    };
    let wanted = |rule: &str| opts.rules.is_empty() || opts.rules.iter().any(|r| r.eq_ignore_ascii_case(rule));
    let element_ok = |name: &str| opts.only.is_empty() || opts.only.iter().any(|o| o == name);
    if wanted("HYG008") {
        let mut ordinals: BTreeMap<(PathBuf, String, String), usize> = BTreeMap::new();
        for h in &analysis.facts.holes {
            let Some(e) = model.get(h.element) else { continue };
            let Some(path) = path_of(analysis, &ws.root, h.span.file) else { continue };
            let place = holes::hole_type(model, h).map(|t| t.place).unwrap_or_else(|| "?".into());
            let ordinal = ordinals.entry((path.clone(), e.name.to_string(), place.clone())).or_default();
            let what = What::Hole { ordinal: *ordinal };
            *ordinal += 1;
            if in_scope(&path) && element_ok(&e.name) {
                out.push((h.span.start as usize, Target { file: path, element: e.name.to_string(), place, what }));
            }
        }
    }
    for g in holes::gaps(model, &analysis.workspace.sources, &analysis.diagnostics) {
        let rule = g.rule;
        let Some(first) = g.edits.first() else { continue };
        let Some(path) = path_of(analysis, &ws.root, first.span.file) else { continue };
        let element = g.finding.subjects.first().cloned().unwrap_or_default();
        if !wanted(rule)
            || !in_scope(&path)
            || !element_ok(&element)
            || g.edits.iter().any(|e| e.span.file != first.span.file)
        {
            continue;
        }
        let what = What::Gap { rule, fingerprint: g.finding.fingerprint(), needle: g.needle };
        out.push((first.span.start as usize, Target { file: path, element, place: gap_place(&g.edits), what }));
    }
    out.sort_by(|a, b| (&a.1.file, a.0).cmp(&(&b.1.file, b.0)));
    if let Some(max) = opts.max {
        out.truncate(max);
    }
    out
}

/// The attribute a gap's edits write: the word before their `?`.
fn gap_place(edits: &[crate::diagnostics::TextEdit]) -> String {
    edits
        .iter()
        .find_map(|e| {
            let words: Vec<&str> = e.new_text.split_whitespace().collect();
            words.iter().position(|w| *w == "?").and_then(|i| i.checked_sub(1)).map(|i| words[i].to_string())
        })
        .unwrap_or_else(|| "?".into())
}

/// The byte offset of the `?` word in an inserted text.
fn hole_in(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&i| {
        bytes[i] == b'?'
            && (i == 0 || bytes[i - 1].is_ascii_whitespace())
            && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
    })
}

fn file_id(analysis: &Analysis, root: &Path, path: &Path) -> Option<FileId> {
    analysis.workspace.sources.iter().find(|(_, f)| root.join(&f.name) == path).map(|(id, _)| id)
}

fn path_of(analysis: &Analysis, root: &Path, id: FileId) -> Option<PathBuf> {
    let name = analysis.workspace.sources.name(id);
    (!name.starts_with('<')).then(|| root.join(name))
}

/// The provenance comment a written value carries.
fn provenance(opts: &FillOptions) -> String {
    let mark = crate::emit::report::ctx::SUGGESTED_MARK;
    format!("// suggested by {} on {} {mark}: review it", opts.model.replace('\n', " "), opts.date)
}

/// `text` with the `?` at `at` replaced by `value` and the provenance comment at the end of its
/// line; on a line that already ends in a comment, on a line of its own above it.
fn splice(text: &str, at: usize, value: &str, comment: &str, line_has_comment: bool) -> String {
    let mut out = String::with_capacity(text.len() + value.len() + comment.len() + 2);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if line_has_comment {
        let indent: String = text[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        out.push_str(&text[..line_start]);
        out.push_str(&format!("{indent}{comment}\n"));
        out.push_str(&text[line_start..at]);
        out.push_str(value);
        out.push_str(&text[at + 1..]);
    } else {
        out.push_str(&text[..at]);
        out.push_str(value);
        out.push_str(&text[at + 1..line_end]);
        out.push(' ');
        out.push_str(comment);
        out.push_str(&text[line_end..]);
    }
    out
}

/// Whether a `//` comment follows `at` on its line (outside strings).
fn has_comment_after(text: &str, at: usize) -> bool {
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let mut in_string = false;
    let mut escaped = false;
    let bytes = &text.as_bytes()[at..line_end];
    for (i, b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return true,
            _ => {}
        }
    }
    false
}

fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short: String = joined.chars().take(80).collect();
    if joined.chars().count() > 80 {
        short.push('…');
    }
    format!("{short:?}")
}

/// A file that was in the canonical layout stays in it: the fills are laid out as `archc fmt`
/// would. Other files keep their layout around the fills.
fn laid_out(before: &str, after: &str) -> String {
    let id = FileId(0);
    let was_formatted = crate::fmt::format(id, before).is_ok_and(|f| f == before);
    match crate::fmt::format(id, after) {
        Ok(formatted) if was_formatted => formatted,
        _ => after.to_string(),
    }
}

/// The value to write for an answer, or why the answer is not one. The answer is data: only a
/// single value of the expected shape passes, strings are quoted and escaped here, and anything
/// that could open a block, end a line or start a comment is refused before the parser sees it.
pub fn value_text(answer: &str, ty: &HoleType, model: &Model) -> Result<String, String> {
    let lines: Vec<&str> = answer
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("```") && !l.starts_with("~~~"))
        .collect();
    let [line] = lines.as_slice() else {
        return Err(if lines.is_empty() {
            "the answer is empty".into()
        } else {
            format!("the answer has {} lines; one value is expected", lines.len())
        });
    };
    let mut value = line.trim_matches('`').trim();
    // Small models repeat the attribute's name: `timeout 2s`.
    let name = ty.place.rsplit(['.', ' ']).next().unwrap_or("");
    if let Some(rest) = value.strip_prefix(name).filter(|r| r.starts_with([' ', ':', '='])) {
        value = rest.trim_start_matches([':', '=']).trim();
    }
    let is_name = |v: &str| model.lookup(v).is_some();
    let as_string = |v: &str| -> Result<String, String> {
        let inner = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(v).trim();
        if inner.is_empty() {
            return Err("the answer is an empty string".into());
        }
        if inner.chars().count() > 200 {
            return Err("the answer is longer than 200 characters".into());
        }
        if inner.chars().any(char::is_control) {
            return Err("the answer holds control characters".into());
        }
        Ok(format!("\"{}\"", inner.replace('\\', "\\\\").replace('"', "\\\"")))
    };
    match ty.ty {
        Ty::Str => as_string(value),
        Ty::StrOrRef(_) if is_name(value) => Ok(value.to_string()),
        Ty::StrOrRef(_) => as_string(value),
        _ => {
            let value = value.trim_matches('"').trim_end_matches(['.', ',']).trim();
            let items: Vec<&str> = if ty.list { value.split(',').map(str::trim).collect() } else { vec![value] };
            for item in &items {
                if item.is_empty() {
                    return Err("the answer is empty".into());
                }
                if item.contains(char::is_whitespace) {
                    return Err(format!("`{item}` is several words; one value is expected"));
                }
                if item.contains("//") || item.chars().any(|c| "{}()[]\"'#;<>=".contains(c)) {
                    return Err(format!("`{item}` is not a value"));
                }
                if *item == "?" {
                    return Err("the answer is a `?` again".into());
                }
            }
            Ok(items.join(", "))
        }
    }
}

/// Accepts the analysis after a fill only if it adds no error and no finding at warning level
/// or above, keeps the same elements and acceptances, fills exactly one hole and, for a gap,
/// closes the finding that reported it.
fn gate(
    before: &Analysis,
    after: &Analysis,
    holes_after: usize,
    closes: Option<(&str, Option<&str>)>,
) -> Result<(), String> {
    let new_errors = added(before, after, Severity::Error);
    if !new_errors.is_empty() {
        return Err(format!("it makes the model invalid: {}", describe(&new_errors)));
    }
    let new_warnings = added(before, after, Severity::Warning);
    if !new_warnings.is_empty() {
        return Err(format!("it adds a finding: {}", describe(&new_warnings)));
    }
    let elements = |a: &Analysis| {
        let mut v: Vec<(String, &str)> = a.model.iter().map(|(_, e)| (e.name.to_string(), e.kind.keyword())).collect();
        v.sort();
        v
    };
    if elements(before) != elements(after) || before.model.acceptances.len() != after.model.acceptances.len() {
        return Err("it changes the model's elements".into());
    }
    if after.facts.holes.len() != holes_after {
        return Err("it does not fill exactly the one `?` asked about".into());
    }
    if let Some((fingerprint, needle)) = closes {
        if after.diagnostics.iter().any(|d| holes::Gap::reported_by(fingerprint, needle, d)) {
            return Err("the finding that reported the gap is still reported".into());
        }
    }
    Ok(())
}

/// Unsuppressed findings of `severity` in `after` that `before` does not have: errors compared
/// by code and message, warnings by fingerprint (their messages list what is still open).
fn added<'a>(before: &Analysis, after: &'a Analysis, severity: Severity) -> Vec<&'a Diagnostic> {
    let key = |d: &Diagnostic| {
        if severity == Severity::Error {
            format!("{} {}", d.code.id, d.message)
        } else {
            d.fingerprint()
        }
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for d in before.diagnostics.iter().filter(|d| d.suppression.is_none() && d.severity == severity) {
        *seen.entry(key(d)).or_default() += 1;
    }
    after
        .diagnostics
        .iter()
        .filter(|d| d.suppression.is_none() && d.severity == severity)
        .filter(|d| match seen.get_mut(&key(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

fn describe(diags: &[&Diagnostic]) -> String {
    let shown: Vec<String> = diags.iter().take(3).map(|d| format!("[{}] {}", d.code.id, d.message)).collect();
    let more = if diags.len() > 3 { format!(" and {} more", diags.len() - 3) } else { String::new() };
    format!("{}{more}", shown.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(t: Ty, place: &str) -> HoleType {
        HoleType { place: place.into(), ty: t, list: false, doc: "" }
    }

    #[test]
    fn strings_are_quoted_and_escaped_and_other_values_must_be_one_word() {
        let m = Model::default();
        let s = ty(Ty::Str, "contact");
        assert_eq!(value_text("#clinic-oncall", &s, &m).as_deref(), Ok("\"#clinic-oncall\""));
        assert_eq!(value_text("\"say \\\"hi\\\"\"", &s, &m).as_deref(), Ok("\"say \\\\\\\"hi\\\\\\\"\""));
        let d = ty(Ty::Duration, "uses.timeout");
        assert_eq!(value_text("```\n2s\n```", &d, &m).as_deref(), Ok("2s"));
        assert_eq!(value_text("timeout 2s", &d, &m).as_deref(), Ok("2s"));
        assert_eq!(value_text("timeout: 2s", &d, &m).as_deref(), Ok("2s"));
        assert!(value_text("2s }\ncomponent evil {", &d, &m).is_err());
        assert!(value_text("2s // ignore", &d, &m).is_err());
        assert!(value_text("two seconds", &d, &m).is_err());
        assert!(value_text("", &d, &m).is_err());
    }

    #[test]
    fn the_comment_goes_at_the_end_of_the_line_or_above_a_commented_line() {
        let text = "a {\n  timeout ?\n}\n";
        let at = text.find('?').unwrap_or(0);
        assert_eq!(splice(text, at, "2s", "// c", false), "a {\n  timeout 2s // c\n}\n");
        let text = "a {\n  timeout ? // why\n}\n";
        let at = text.find('?').unwrap_or(0);
        assert!(has_comment_after(text, at));
        assert_eq!(splice(text, at, "2s", "// c", true), "a {\n  // c\n  timeout 2s // why\n}\n");
        assert!(!has_comment_after("x \"a//b\" ?\n", 0));
    }
}
