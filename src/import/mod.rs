//! Importers: models from other tools (Structurizr DSL, LikeC4, FINOS CALM, Threagile) turned into
//! `.arch` text. Each importer is a pure function from the source text to a `Draft`; `write` turns
//! the draft into one `.arch` file. What has no place in the language is kept as a comment next to
//! the element it belongs to and counted in the summary, so nothing disappears silently. Reading
//! the input and writing the files is the command line's job.

pub mod calm;
pub mod likec4;
pub mod structurizr;
pub mod threagile;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet};

/// The formats `archc import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Structurizr,
    Likec4,
    Calm,
    Threagile,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Structurizr => "Structurizr DSL",
            Source::Likec4 => "LikeC4",
            Source::Calm => "FINOS CALM",
            Source::Threagile => "Threagile",
        }
    }
}

/// An input that could not be read as its format, with the line it was noticed on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl ImportError {
    pub fn new(file: &str, line: Option<usize>, message: impl Into<String>) -> ImportError {
        ImportError { file: file.to_string(), line, message: message.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> ImportError {
        self.help = Some(help.into());
        self
    }
}

/// What an import produced: the files to write and what was kept only as comments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    /// File name (relative to the output folder) and contents.
    pub files: Vec<(String, String)>,
    /// Elements of the source written as declarations.
    pub elements: usize,
    /// Relationships of the source written as `uses` or flow steps.
    pub relations: usize,
    /// What has no counterpart in `.arch`, by what it is, with how often it was kept as a comment.
    pub commented: BTreeMap<String, usize>,
}

/// An element on its way to `.arch`: a declaration with its attribute lines already written.
#[derive(Clone, Debug, Default)]
pub(crate) struct DraftElement {
    pub kind: &'static str,
    /// The source's identifier, used by relationships to refer to it.
    pub key: String,
    pub name: String,
    pub label: Option<String>,
    /// Written after the name (an interface's kind).
    pub variant: Option<String>,
    pub attrs: Vec<String>,
    pub comments: Vec<String>,
    /// Nested declarations (nodes in a deployment, zones in a zone).
    pub children: Vec<DraftElement>,
    /// Counted as an element of the source (stand-ins and containers made up here are not).
    pub counted: bool,
}

/// A relationship on its way to `.arch`, between two source identifiers.
#[derive(Clone, Debug, Default)]
pub(crate) struct DraftRelation {
    pub from: String,
    pub to: String,
    pub label: Option<String>,
    pub technology: Option<String>,
    pub is_async: bool,
    /// Keyed options already written (`protocol https`, `auth oauth2`), for a `uses` block or a step.
    pub options: Vec<String>,
    pub comments: Vec<String>,
}

/// A model in the making. Names are made unique and valid as elements are added.
#[derive(Default)]
pub(crate) struct Draft {
    pub header: Vec<String>,
    pub elements: Vec<DraftElement>,
    pub relations: Vec<DraftRelation>,
    pub commented: BTreeMap<String, usize>,
    names: BTreeSet<String>,
    by_key: BTreeMap<String, (String, &'static str)>,
}

impl Draft {
    /// A fresh, valid, unused `.arch` name derived from `wanted`.
    pub fn fresh_name(&mut self, wanted: &str) -> String {
        let base = identifier(wanted);
        let mut name = base.clone();
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.names.insert(name.clone());
        name
    }

    /// Adds an element (and its children) and remembers its key for relationships.
    pub fn add(&mut self, element: DraftElement) {
        self.remember(&element);
        self.elements.push(element);
    }

    fn remember(&mut self, e: &DraftElement) {
        if !e.key.is_empty() {
            self.by_key.insert(e.key.clone(), (e.name.clone(), e.kind));
        }
        for c in &e.children {
            self.remember(c);
        }
    }

    /// The `.arch` name and kind of a source identifier.
    pub fn resolve(&self, key: &str) -> Option<(&str, &'static str)> {
        self.by_key.get(key).map(|(n, k)| (n.as_str(), *k))
    }

    /// Records that something was kept as a comment.
    pub fn comment(&mut self, what: &str) {
        *self.commented.entry(what.to_string()).or_insert(0) += 1;
    }

    /// The draft as one `.arch` file named `file`.
    pub fn finish(mut self, file: &str) -> Imported {
        let mut out = String::new();
        for h in &self.header {
            push_comment(&mut out, "", h);
        }
        if !self.header.is_empty() {
            out.push('\n');
        }
        // Relationships from components become `uses`; any other source gets a flow of its own,
        // since only components have dependencies in `.arch`.
        let mut uses: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut flows: Vec<(String, Vec<String>)> = Vec::new();
        let mut relations = 0;
        let mut relationships = std::mem::take(&mut self.relations);
        self.stand_in_for_systems(&mut relationships);
        for r in &relationships {
            let (Some((from, from_kind)), Some((to, to_kind))) = (self.resolve(&r.from), self.resolve(&r.to)) else {
                self.comment("relationships with an end that is not an element");
                let line = format!(
                    "relationship {} -> {}{} (an end is not an element here)",
                    r.from,
                    r.to,
                    r.label.as_deref().map(|l| format!(" \"{l}\"")).unwrap_or_default()
                );
                out.push_str(&format!("// {line}\n"));
                continue;
            };
            let (from, to) = (from.to_string(), to.to_string());
            if !is_participant(to_kind) || !(from_kind == "component" || is_participant(from_kind)) {
                self.comment("relationships between elements that cannot depend on each other");
                out.push_str(&format!(
                    "// relationship {from} -> {to}{}: a {from_kind} cannot depend on a {to_kind} in .arch\n",
                    r.label.as_deref().map(|l| format!(" \"{l}\"")).unwrap_or_default()
                ));
                continue;
            }
            relations += 1;
            let description = match (&r.label, &r.technology) {
                (Some(l), Some(t)) => Some(format!("{l} [{t}]")),
                (Some(l), None) => Some(l.clone()),
                (None, Some(t)) => Some(format!("[{t}]")),
                (None, None) => None,
            };
            let mut text = String::new();
            for c in &r.comments {
                push_comment(&mut text, "  ", c);
            }
            if from_kind == "component" {
                let mode = if r.is_async { " async" } else { "" };
                let mut block: Vec<String> = description.iter().map(|d| format!("description {}", quote(d))).collect();
                block.extend(r.options.iter().cloned());
                if block.is_empty() {
                    text.push_str(&format!("  uses {to}{mode}\n"));
                } else {
                    text.push_str(&format!("  uses {to}{mode} {{ {} }}\n", block.join("; ")));
                }
                uses.entry(from).or_default().push(text);
            } else {
                let arrow = if r.is_async { "~>" } else { "->" };
                let mut tail = description.map(|d| format!(" {}", quote(&d))).unwrap_or_default();
                for o in &r.options {
                    tail.push(' ');
                    tail.push_str(o);
                }
                text.push_str(&format!("  {from} {arrow} {to}{tail}\n"));
                match flows.iter_mut().find(|(f, _)| *f == from) {
                    Some((_, steps)) => steps.push(text),
                    None => flows.push((from, vec![text])),
                }
            }
        }
        // Other tools rarely record owners; a hole says "still to be filled" instead of failing
        // the owner rule on every element.
        for e in &mut self.elements {
            let owned =
                matches!(e.kind, "system" | "component" | "datastore" | "queue" | "topic" | "cache" | "interface");
            let has = |name: &str| e.attrs.iter().any(|a| a.split(' ').next() == Some(name));
            if owned && !has("owner") && !has("system") {
                e.attrs.insert(0, "owner ?".to_string());
            }
        }
        let mut elements = 0;
        for e in &self.elements {
            write_element(&mut out, e, "", &uses, &mut elements);
            out.push('\n');
        }
        for (from, steps) in &flows {
            let name = self.fresh_name(&format!("{from}_relationships"));
            out.push_str(&format!(
                "flow {name} \"Relationships of {from}\" {{\n  kind integration\n  summary \"The imported relationships that start at {from}\"\n"
            ));
            for s in steps {
                out.push_str(s);
            }
            out.push_str("}\n\n");
        }
        while out.ends_with("\n\n") {
            out.pop();
        }
        Imported { files: vec![(file.to_string(), out)], elements, relations, commented: self.commented }
    }
}

impl Draft {
    /// `.arch` systems cannot depend or be depended on; a relationship drawn to a whole system
    /// goes to a stand-in component of that system, made once per system.
    fn stand_in_for_systems(&mut self, relationships: &mut [DraftRelation]) {
        let mut stand_ins: BTreeMap<String, String> = BTreeMap::new();
        for r in relationships.iter_mut() {
            for end in [&mut r.from, &mut r.to] {
                let Some((name, "system")) = self.resolve(end).map(|(n, k)| (n.to_string(), k)) else { continue };
                if let Some(key) = stand_ins.get(end.as_str()) {
                    *end = key.clone();
                    continue;
                }
                let label = self.elements.iter().find(|e| e.name == name).and_then(|e| e.label.clone());
                let key = format!("#whole.{end}");
                let stand_in = DraftElement {
                    kind: "component",
                    key: key.clone(),
                    name: self.fresh_name(&format!("{name}_as_a_whole")),
                    label: Some(format!("{} (as a whole)", label.as_deref().unwrap_or(&name))),
                    attrs: vec![
                        format!("system {name}"),
                        "summary \"Stands for the whole system in relationships drawn at the system level\""
                            .to_string(),
                    ],
                    counted: false,
                    ..Default::default()
                };
                self.add(stand_in);
                stand_ins.insert(end.clone(), key.clone());
                *end = key;
            }
        }
    }
}

fn is_participant(kind: &str) -> bool {
    matches!(kind, "actor" | "external" | "component" | "datastore" | "queue" | "topic" | "cache" | "interface")
}

fn write_element(
    out: &mut String,
    e: &DraftElement,
    indent: &str,
    uses: &BTreeMap<String, Vec<String>>,
    count: &mut usize,
) {
    if e.counted {
        *count += 1;
    }
    for c in &e.comments {
        push_comment(out, indent, c);
    }
    out.push_str(&format!("{indent}{} {}", e.kind, e.name));
    if let Some(l) = &e.label {
        out.push(' ');
        out.push_str(&quote(l));
    }
    if let Some(v) = &e.variant {
        out.push(' ');
        out.push_str(v);
    }
    out.push_str(" {\n");
    let inner = format!("{indent}  ");
    for a in &e.attrs {
        out.push_str(&format!("{inner}{a}\n"));
    }
    for u in uses.get(&e.name).into_iter().flatten() {
        // `uses` lines were written for a top-level component: a nested one indents them more.
        for line in u.lines() {
            out.push_str(&format!("{indent}{line}\n"));
        }
    }
    for c in &e.children {
        write_element(out, c, &inner, uses, count);
    }
    out.push_str(&format!("{indent}}}\n"));
}

fn push_comment(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str(&format!("{indent}//\n"));
        } else {
            out.push_str(&format!("{indent}// {line}\n"));
        }
    }
}

/// A `.arch` string literal; line breaks become `\n` escapes.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `tags "a", "b"` for a non-empty list of tags.
pub(crate) fn tags_attr(tags: &[String]) -> Option<String> {
    let tags: Vec<String> = tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).map(quote).collect();
    (!tags.is_empty()).then(|| format!("tags {}", tags.join(", ")))
}

/// A valid `.arch` name: letters, digits and `_`, starting with a letter or `_`.
pub(crate) fn identifier(wanted: &str) -> String {
    let mut out = String::new();
    let mut last_underscore = false;
    for c in wanted.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            last_underscore = false;
        } else if !last_underscore && !out.is_empty() {
            out.push('_');
            last_underscore = true;
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("unnamed");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A one-line human summary of an import.
pub fn summary_line(source: Source, imported: &Imported) -> String {
    let commented: usize = imported.commented.values().sum();
    let mut line = format!(
        "imported {} elements and {} relationships from {}",
        imported.elements,
        imported.relations,
        source.name()
    );
    if commented > 0 {
        let what: Vec<String> = imported.commented.iter().map(|(w, n)| format!("{n} {w}")).collect();
        line.push_str(&format!("; kept {commented} as comments: {}", what.join(", ")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_valid_arch_names() {
        assert_eq!(identifier("trade-service"), "trade_service");
        assert_eq!(identifier("Customer's mobile device"), "Customer_s_mobile_device");
        assert_eq!(identifier("3rd party"), "_3rd_party");
        assert_eq!(identifier("Zürich DC"), "Z_rich_DC");
        assert_eq!(identifier("***"), "unnamed");
        assert_eq!(identifier("a..b__c"), "a_b_c");
    }

    #[test]
    fn fresh_names_never_repeat() {
        let mut d = Draft::default();
        assert_eq!(d.fresh_name("web"), "web");
        assert_eq!(d.fresh_name("web"), "web_2");
        assert_eq!(d.fresh_name("web!"), "web_3");
    }

    #[test]
    fn strings_are_escaped_onto_one_line() {
        assert_eq!(quote("say \"hi\"\nthen \\ leave"), "\"say \\\"hi\\\"\\nthen \\\\ leave\"");
        assert_eq!(tags_attr(&["a".into(), " ".into(), "b c".into()]), Some("tags \"a\", \"b c\"".to_string()));
        assert_eq!(tags_attr(&[]), None);
    }

    #[test]
    fn relationships_with_unknown_ends_become_counted_comments() {
        let mut d = Draft::default();
        let name = d.fresh_name("a");
        d.add(DraftElement { kind: "component", key: "a".into(), name, counted: true, ..Default::default() });
        d.relations.push(DraftRelation { from: "a".into(), to: "ghost".into(), ..Default::default() });
        let out = d.finish("model.arch");
        assert_eq!(out.relations, 0);
        assert_eq!(out.commented.get("relationships with an end that is not an element"), Some(&1));
        assert!(out.files[0].1.contains("// relationship a -> ghost"), "{}", out.files[0].1);
    }
}
