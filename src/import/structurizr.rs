//! Structurizr DSL: people, software systems, containers, components, relationships, groups and
//! deployment environments, with `!include` followed through a loader the caller supplies.
//!
//! Mapping: person -> `actor`; a software system with containers -> `system`, its containers and
//! components -> `component` (`datastore` when tagged `Database`), each component declared inside
//! its container's block (C4 level 3); a software system without
//! containers -> `external`; deployment environment -> `deployment` with one `node` per deployment
//! or infrastructure node (nesting flattened, container instances as `runs`). Relationships from
//! containers and components are `uses`; others become flow steps. A relationship drawn to a whole
//! software system goes to a stand-in component of that system. Views, styles, groups, properties,
//! perspectives and URLs have no `.arch` counterpart and are kept as comments.

use std::collections::BTreeMap;

use super::{quote, tags_attr, Draft, DraftElement, DraftRelation, ImportError, Imported};

/// Nested `!include`s deeper than this are taken for a cycle.
const MAX_INCLUDE_DEPTH: usize = 16;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
}

impl Tok {
    fn text(&self) -> &str {
        match self {
            Tok::Word(s) | Tok::Str(s) => s,
        }
    }
}

/// One line of the DSL with the block it opens, if any.
#[derive(Clone, Debug)]
struct Stmt {
    file: String,
    line: usize,
    toks: Vec<Tok>,
    block: Option<Vec<Stmt>>,
}

impl Stmt {
    fn word(&self, i: usize) -> Option<&str> {
        self.toks.get(i).map(Tok::text)
    }
}

/// Splits a file into lines of tokens; `{` ends a line and opens a block, `}` closes one.
fn lex(file: &str, text: &str) -> Result<Vec<(usize, Vec<Tok>, char)>, ImportError> {
    let mut lines = Vec::new();
    let mut toks = Vec::new();
    let mut line = 1;
    let mut start_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                if !toks.is_empty() {
                    lines.push((start_line, std::mem::take(&mut toks), '\n'));
                }
                line += 1;
                start_line = line;
            }
            '\\' if chars.peek() == Some(&'\n') => {
                chars.next();
                line += 1;
            }
            c if c.is_whitespace() => {}
            '#' if toks.is_empty() => skip_line(&mut chars),
            '/' if chars.peek() == Some(&'/') => skip_line(&mut chars),
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                loop {
                    match chars.next() {
                        Some('/') if prev == '*' => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            prev = c;
                        }
                        None => return Err(ImportError::new(file, Some(line), "unterminated `/*` comment")),
                    }
                }
            }
            '{' | '}' => {
                if c == '{' || !toks.is_empty() {
                    lines.push((start_line, std::mem::take(&mut toks), c));
                } else {
                    lines.push((line, Vec::new(), c));
                }
                start_line = line;
            }
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') if matches!(chars.peek(), Some('"') | Some('\\')) => {
                            s.push(chars.next().unwrap_or('"'))
                        }
                        Some('\n') | None => {
                            return Err(ImportError::new(file, Some(line), "unterminated string")
                                .with_help("Structurizr strings end on the line they start"))
                        }
                        Some(c) => s.push(c),
                    }
                }
                toks.push(Tok::Str(s));
            }
            c => {
                let mut s = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || n == '{' || n == '}' || n == '"' {
                        break;
                    }
                    s.push(n);
                    chars.next();
                }
                toks.push(Tok::Word(s));
            }
        }
    }
    if !toks.is_empty() {
        lines.push((start_line, toks, '\n'));
    }
    Ok(lines)
}

fn skip_line(chars: &mut std::iter::Peekable<std::str::Chars>) {
    while let Some(&c) = chars.peek() {
        if c == '\n' {
            break;
        }
        chars.next();
    }
}

struct Reader<'a> {
    load: &'a mut dyn FnMut(&str) -> Result<String, String>,
}

impl Reader<'_> {
    /// The statements of a file, with `!include`s replaced by the statements they bring in.
    fn parse_file(&mut self, file: &str, text: &str, depth: usize) -> Result<Vec<Stmt>, ImportError> {
        let lines = lex(file, text)?;
        let mut pos = 0;
        let stmts = self.block(file, &lines, &mut pos, depth, 0)?;
        if pos < lines.len() {
            return Err(ImportError::new(file, Some(lines[pos].0), "`}` without a matching `{`"));
        }
        Ok(stmts)
    }

    fn block(
        &mut self,
        file: &str,
        lines: &[(usize, Vec<Tok>, char)],
        pos: &mut usize,
        depth: usize,
        nesting: usize,
    ) -> Result<Vec<Stmt>, ImportError> {
        if nesting > 64 {
            return Err(ImportError::new(file, lines.get(*pos).map(|l| l.0), "blocks nested deeper than 64 levels"));
        }
        let mut out = Vec::new();
        while let Some((line, toks, end)) = lines.get(*pos) {
            *pos += 1;
            if *end == '}' {
                if nesting == 0 {
                    return Err(ImportError::new(file, Some(*line), "`}` without a matching `{`"));
                }
                if !toks.is_empty() {
                    out.push(Stmt { file: file.to_string(), line: *line, toks: toks.clone(), block: None });
                }
                return Ok(out);
            }
            let block = if *end == '{' { Some(self.block(file, lines, pos, depth, nesting + 1)?) } else { None };
            if toks.first().map(Tok::text).is_some_and(|w| w.eq_ignore_ascii_case("!include")) {
                let Some(path) = toks.get(1).map(Tok::text) else {
                    return Err(ImportError::new(file, Some(*line), "`!include` needs a file"));
                };
                if depth >= MAX_INCLUDE_DEPTH {
                    return Err(ImportError::new(file, Some(*line), format!("`!include {path}` nests too deep"))
                        .with_help("files probably include each other in a cycle"));
                }
                let text = (self.load)(path).map_err(|e| {
                    ImportError::new(file, Some(*line), format!("cannot include `{path}`: {e}"))
                        .with_help("include paths are relative to the workspace file; URLs are not followed")
                })?;
                out.extend(self.parse_file(path, &text, depth + 1)?);
                continue;
            }
            out.push(Stmt { file: file.to_string(), line: *line, toks: toks.clone(), block });
        }
        if nesting > 0 {
            let last = lines.last().map(|l| l.0);
            return Err(ImportError::new(file, last, "a `{` is never closed"));
        }
        Ok(out)
    }
}

/// Imports a Structurizr DSL workspace. `load` reads an `!include`d file by its path as written.
pub fn import(
    file: &str,
    text: &str,
    load: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Imported, ImportError> {
    let stmts = Reader { load }.parse_file(file, text, 0)?;
    let mut w = Walker::default();
    w.draft.header.push(format!("Imported from the Structurizr DSL workspace `{file}` by `archc import`."));
    for s in &stmts {
        match s.word(0).map(str::to_ascii_lowercase).as_deref() {
            Some("workspace") => {
                let args: Vec<&str> = s.toks.iter().skip(1).map(Tok::text).filter(|t| *t != "extends").collect();
                if s.word(1) == Some("extends") {
                    w.keep(s, "workspace extension (`extends`) not followed");
                }
                if let Some(name) = args.first() {
                    w.draft.header.push(format!("Workspace: {name}"));
                    w.draft.comment("workspace names and descriptions");
                }
                if let Some(desc) = args.get(1) {
                    w.draft.header.push(desc.to_string());
                    w.draft.comment("workspace names and descriptions");
                }
                for inner in s.block.iter().flatten() {
                    w.workspace_statement(inner);
                }
            }
            _ => w.workspace_statement(s),
        }
    }
    Ok(w.finish())
}

#[derive(Clone, Debug)]
struct Element {
    kind: &'static str,
    key: String,
    name: String,
    label: String,
    description: Option<String>,
    technology: Option<String>,
    tags: Vec<String>,
    /// The key of the enclosing software system or container.
    parent: Option<String>,
    comments: Vec<String>,
}

#[derive(Default)]
struct Walker {
    draft: Draft,
    elements: Vec<Element>,
    /// Flat identifier -> canonical key (hierarchical path).
    aliases: BTreeMap<String, String>,
    relations: Vec<DraftRelation>,
    deployments: Vec<DraftElement>,
    /// Top-level comments (views, configuration).
    trailer: Vec<String>,
    anonymous: usize,
}

/// Structurizr's element keywords that this importer maps.
const ELEMENT_KEYWORDS: &[&str] = &["person", "softwaresystem", "container", "component"];

impl Walker {
    fn keep(&mut self, s: &Stmt, what: &str) {
        self.draft.comment(what);
        self.trailer.push(format!("{}:{}: {what}: {}", s.file, s.line, render(s)));
    }

    fn workspace_statement(&mut self, s: &Stmt) {
        match s.word(0).map(str::to_ascii_lowercase).as_deref() {
            Some("model") => {
                for inner in s.block.iter().flatten() {
                    self.model_statement(inner, None, None);
                }
            }
            Some("views") => {
                let n = s.block.as_ref().map_or(0, Vec::len);
                self.draft.comment("views and styles blocks");
                self.trailer.push(format!(
                    "{}:{}: the `views` block ({n} statements: views, styles, themes) is not imported; `archc build` draws its own diagrams",
                    s.file, s.line
                ));
            }
            Some("name") | Some("description") => {
                if let Some(v) = s.word(1) {
                    self.draft.header.push(v.to_string());
                    self.draft.comment("workspace names and descriptions");
                }
            }
            Some(w) if w.starts_with('!') => self.keep(s, "directives"),
            Some(_) => self.keep(s, "workspace settings"),
            None => {}
        }
    }

    fn key_for(&mut self, id: Option<&str>, parent: Option<&str>) -> String {
        match id {
            Some(id) => {
                let key = match parent {
                    Some(p) => format!("{p}.{id}"),
                    None => id.to_string(),
                };
                self.aliases.entry(id.to_string()).or_insert_with(|| key.clone());
                key
            }
            None => {
                self.anonymous += 1;
                format!("#anonymous{}", self.anonymous)
            }
        }
    }

    fn model_statement(&mut self, s: &Stmt, parent: Option<&str>, group: Option<&str>) {
        let (id, rest) = if s.word(1) == Some("=") { (s.word(0), &s.toks[2..]) } else { (None, &s.toks[..]) };
        let Some(head) = rest.first().map(Tok::text) else { return };
        let lower = head.to_ascii_lowercase();
        if rest.get(1).map(Tok::text) == Some("->") || head == "->" {
            let (from, tail) = if head == "->" {
                (parent.map(str::to_string), &rest[1..])
            } else {
                let from = if head == "this" { parent.map(str::to_string) } else { Some(head.to_string()) };
                (from, &rest[2..])
            };
            self.relationship(s, from, tail);
            return;
        }
        if lower == "group" {
            let name = rest.get(1).map(Tok::text).unwrap_or("group").to_string();
            for inner in s.block.iter().flatten() {
                self.model_statement(inner, parent, Some(&name));
            }
            return;
        }
        if lower == "enterprise" {
            let name = rest.get(1).map(Tok::text).unwrap_or("enterprise").to_string();
            for inner in s.block.iter().flatten() {
                self.model_statement(inner, parent, Some(&name));
            }
            return;
        }
        if lower == "deploymentenvironment" {
            self.deployment(s, rest, id);
            return;
        }
        if ELEMENT_KEYWORDS.contains(&lower.as_str()) {
            self.element(s, id, &lower, rest, parent, group);
            return;
        }
        if let Some(p) = parent {
            // Statements inside an element's block.
            let value = rest.get(1).map(|t| t.text().to_string());
            if let Some(e) = self.elements.iter_mut().rev().find(|e| e.key == p) {
                match (lower.as_str(), value) {
                    ("description", Some(v)) => {
                        e.description = Some(v);
                        return;
                    }
                    ("technology", Some(v)) => {
                        e.technology = Some(v);
                        return;
                    }
                    ("tags", Some(_)) => {
                        e.tags.extend(rest[1..].iter().flat_map(|t| split_tags(t.text())));
                        return;
                    }
                    ("url", Some(v)) => {
                        e.comments.push(format!("url: {v}"));
                        self.draft.comment("URLs");
                        return;
                    }
                    ("properties", _) | ("perspectives", _) => {
                        for inner in s.block.iter().flatten() {
                            let line: Vec<&str> = inner.toks.iter().map(Tok::text).collect();
                            e.comments.push(format!("{lower}: {}", line.join(" = ")));
                            self.draft.comment(if lower == "properties" { "properties" } else { "perspectives" });
                        }
                        return;
                    }
                    _ => {}
                }
            }
        }
        self.keep(s, "statements of unsupported kinds");
    }

    fn element(
        &mut self,
        s: &Stmt,
        id: Option<&str>,
        keyword: &str,
        rest: &[Tok],
        parent: Option<&str>,
        group: Option<&str>,
    ) {
        let args: Vec<String> = rest[1..].iter().map(|t| t.text().to_string()).collect();
        let label = args.first().cloned().unwrap_or_else(|| id.unwrap_or("unnamed").to_string());
        let key = self.key_for(id, parent);
        let (kind, description, technology, tags) = match keyword {
            "person" => ("actor", args.get(1).cloned(), None, args.get(2)),
            "softwaresystem" => ("external", args.get(1).cloned(), None, args.get(2)),
            _ => ("component", args.get(1).cloned(), args.get(2).cloned(), args.get(3)),
        };
        let wanted = id.map(str::to_string).unwrap_or_else(|| label.clone());
        let name = self.draft.fresh_name(&snake(&wanted));
        let mut comments = Vec::new();
        if let Some(g) = group {
            comments.push(format!("Structurizr group: {g}"));
            self.draft.comment("group memberships");
        }
        self.elements.push(Element {
            kind,
            key: key.clone(),
            name,
            label,
            description,
            technology,
            tags: tags.map(|t| split_tags(t)).unwrap_or_default(),
            parent: parent.map(str::to_string),
            comments,
        });
        for inner in s.block.iter().flatten() {
            self.model_statement(inner, Some(&key), group);
        }
    }

    fn relationship(&mut self, s: &Stmt, from: Option<String>, tail: &[Tok]) {
        let Some(from) = from else {
            self.keep(s, "relationships without a source");
            return;
        };
        let Some(to) = tail.first().map(|t| t.text().to_string()) else {
            self.keep(s, "relationships without a destination");
            return;
        };
        let args: Vec<String> = tail[1..].iter().map(|t| t.text().to_string()).collect();
        let mut comments = Vec::new();
        if let Some(tags) = args.get(2).filter(|t| !t.trim().is_empty()) {
            comments.push(format!("tags: {tags}"));
            self.draft.comment("relationship tags");
        }
        for inner in s.block.iter().flatten() {
            comments.push(render(inner));
            self.draft.comment("relationship block statements");
        }
        let technology = args.get(1).cloned().filter(|t| !t.is_empty());
        let is_async = technology.as_deref().is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            ["async", "queue", "kafka", "amqp", "jms", "event"].iter().any(|w| t.contains(w))
        });
        self.relations.push(DraftRelation {
            from,
            to,
            label: args.first().cloned().filter(|l| !l.is_empty()),
            technology,
            is_async,
            options: Vec::new(),
            comments,
        });
    }

    fn deployment(&mut self, s: &Stmt, rest: &[Tok], id: Option<&str>) {
        let label = rest.get(1).map(|t| t.text().to_string()).unwrap_or_else(|| "deployment".to_string());
        let name = self.draft.fresh_name(&snake(id.unwrap_or(&label)));
        let mut dep = DraftElement {
            kind: "deployment",
            key: String::new(),
            name,
            label: Some(label.clone()),
            counted: true,
            ..Default::default()
        };
        let lower = label.to_ascii_lowercase();
        let environment = [
            ("dev", "development"),
            ("test", "test"),
            ("stag", "staging"),
            ("live", "production"),
            ("prod", "production"),
            ("disaster", "disaster-recovery"),
            ("dr", "disaster-recovery"),
        ]
        .iter()
        .find(|(k, _)| lower.contains(k))
        .map(|(_, v)| *v);
        if let Some(env) = environment {
            dep.attrs.push(format!("environment {env}"));
        }
        for inner in s.block.iter().flatten() {
            self.deployment_statement(inner, &mut dep, &[]);
        }
        self.deployments.push(dep);
    }

    /// Deployment nodes nest in Structurizr; `.arch` nodes do not, so the path goes in a comment.
    fn deployment_statement(&mut self, s: &Stmt, dep: &mut DraftElement, path: &[String]) {
        let (id, rest) = if s.word(1) == Some("=") { (s.word(0), &s.toks[2..]) } else { (None, &s.toks[..]) };
        let Some(head) = rest.first().map(|t| t.text().to_ascii_lowercase()) else { return };
        let args: Vec<String> = rest[1..].iter().map(|t| t.text().to_string()).collect();
        match head.as_str() {
            "deploymentnode" | "infrastructurenode" => {
                let label = args.first().cloned().unwrap_or_else(|| "node".to_string());
                let name = self.draft.fresh_name(&snake(id.unwrap_or(&label)));
                let mut node = DraftElement {
                    kind: "node",
                    key: id.map(|i| format!("#deployment.{i}")).unwrap_or_default(),
                    name,
                    label: Some(label.clone()),
                    counted: true,
                    ..Default::default()
                };
                if let Some(d) = args.get(1).filter(|d| !d.is_empty()) {
                    node.attrs.push(format!("summary {}", quote(d)));
                }
                if let Some(t) = args.get(2).filter(|t| !t.is_empty()) {
                    node.attrs.push(format!("tech {}", quote(t)));
                }
                if let Some(tags) = args.get(3).filter(|t| !t.trim().is_empty()) {
                    node.comments.push(format!("tags: {tags}"));
                    self.draft.comment("deployment node tags");
                }
                if head == "deploymentnode" {
                    if let Some(n) =
                        args.get(4).and_then(|n| n.split(':').next_back()).and_then(|n| n.parse::<u32>().ok())
                    {
                        node.attrs.push(format!("instances {n}"));
                    }
                } else {
                    node.comments.push("Structurizr infrastructure node".to_string());
                }
                if !path.is_empty() {
                    node.comments.push(format!("Inside: {}", path.join(" > ")));
                    self.draft.comment("deployment node nesting");
                }
                let mut inner_path = path.to_vec();
                inner_path.push(label);
                let mut runs = Vec::new();
                // Inner nodes are written after this one, as they nest in the source.
                let mut inner_dep = DraftElement::default();
                for inner in s.block.iter().flatten() {
                    let w = inner.word(if inner.word(1) == Some("=") { 2 } else { 0 }).map(str::to_ascii_lowercase);
                    match w.as_deref() {
                        Some("containerinstance") => {
                            let at = if inner.word(1) == Some("=") { 3 } else { 1 };
                            if let Some(target) = inner.word(at) {
                                runs.push(target.to_string());
                            }
                            if inner.toks.len() > at + 1 {
                                node.comments.push(format!("container instance: {}", render(inner)));
                                self.draft.comment("container instance groups and tags");
                            }
                        }
                        Some("description") | Some("technology") | Some("instances") => {
                            let v = inner.word(1).unwrap_or_default();
                            match w.as_deref() {
                                Some("description") => node.attrs.push(format!("summary {}", quote(v))),
                                Some("technology") => node.attrs.push(format!("tech {}", quote(v))),
                                _ => {
                                    if let Ok(n) = v.parse::<u32>() {
                                        node.attrs.push(format!("instances {n}"))
                                    }
                                }
                            }
                        }
                        _ => self.deployment_statement(inner, &mut inner_dep, &inner_path),
                    }
                }
                if !runs.is_empty() {
                    // Resolved to `.arch` names once every element is known.
                    node.attrs.push(format!("#runs {}", runs.join(" ")));
                }
                dep.children.push(node);
                dep.children.append(&mut inner_dep.children);
                dep.comments.append(&mut inner_dep.comments);
            }
            "softwaresysteminstance" => {
                self.draft.comment("software system instances");
                dep.comments.push(format!(
                    "software system instance of {} in {}",
                    args.first().cloned().unwrap_or_default(),
                    path.join(" > ")
                ));
            }
            _ if rest.get(1).map(Tok::text) == Some("->") || rest.first().map(Tok::text) == Some("->") => {
                self.draft.comment("relationships between deployment nodes");
                dep.comments.push(format!("relationship: {}", render(s)));
            }
            _ => {
                self.draft.comment("deployment statements of unsupported kinds");
                dep.comments.push(render(s));
            }
        }
    }

    fn canonical(&self, reference: &str) -> String {
        if self.elements.iter().any(|e| e.key == reference) {
            return reference.to_string();
        }
        self.aliases.get(reference).cloned().unwrap_or_else(|| reference.to_string())
    }

    fn finish(mut self) -> Imported {
        // Systems with containers are `system`s; the rest are externals.
        let parents: std::collections::BTreeSet<String> =
            self.elements.iter().filter_map(|e| e.parent.clone()).collect();
        for e in &mut self.elements {
            if e.kind == "external" && parents.contains(&e.key) {
                e.kind = "system";
            }
            if e.kind == "component" && e.tags.iter().any(|t| t.eq_ignore_ascii_case("database")) {
                e.kind = "datastore";
            }
        }
        let relations: Vec<DraftRelation> = std::mem::take(&mut self.relations)
            .into_iter()
            .map(|mut r| {
                r.from = self.canonical(&r.from);
                r.to = self.canonical(&r.to);
                r
            })
            .collect();
        // A component is declared inside its container (C4 level 3); the drafts are collected
        // first so that each can be placed in its container's block.
        let mut drafts: Vec<(Option<String>, DraftElement)> = Vec::new();
        for e in &self.elements {
            let mut attrs = Vec::new();
            match e.kind {
                "actor" => attrs.push("kind user".to_string()),
                "component" | "datastore" => {
                    if e.kind == "component" {
                        let tags: Vec<String> = e.tags.iter().map(|t| t.to_ascii_lowercase()).collect();
                        if tags.iter().any(|t| t.contains("browser") || t.contains("web")) {
                            attrs.push("kind frontend".to_string());
                        } else if tags.iter().any(|t| t.contains("mobile")) {
                            attrs.push("kind mobile".to_string());
                        }
                    }
                    if let Some(sys) = self.system_of(e) {
                        attrs.push(format!("system {sys}"));
                    }
                }
                _ => {}
            }
            if let Some(t) = &e.technology {
                attrs.push(format!("tech {}", quote(t)));
            }
            if let Some(d) = &e.description {
                attrs.push(format!("summary {}", quote(d)));
            }
            attrs.extend(tags_attr(&e.tags));
            let mut comments = e.comments.clone();
            let container = e
                .parent
                .as_deref()
                .and_then(|p| self.elements.iter().find(|c| c.key == p))
                .filter(|c| c.kind == "component");
            let nest_in = match container {
                Some(c) if e.kind == "component" => Some(c.key.clone()),
                Some(c) => {
                    // Only components nest; a store keeps its container as a comment.
                    comments.push(format!("Component of the container `{}`", c.name));
                    self.draft.comment("container memberships of stores");
                    None
                }
                None => None,
            };
            let draft = DraftElement {
                kind: e.kind,
                key: e.key.clone(),
                name: e.name.clone(),
                label: Some(e.label.clone()),
                attrs,
                comments,
                counted: true,
                ..Default::default()
            };
            drafts.push((nest_in, draft));
        }
        // Containers come before their components in the source, so each parent is placed first.
        let mut placed: Vec<DraftElement> = Vec::new();
        for (nest_in, draft) in drafts {
            match nest_in.and_then(|k| placed.iter_mut().find(|p| p.key == k)) {
                Some(container) => container.children.push(draft),
                None => placed.push(draft),
            }
        }
        for draft in placed {
            self.draft.add(draft);
        }
        for mut dep in std::mem::take(&mut self.deployments) {
            for node in &mut dep.children {
                for a in &mut node.attrs {
                    if let Some(list) = a.strip_prefix("#runs ") {
                        let names: Vec<String> = list
                            .split(' ')
                            .map(|r| self.canonical(r))
                            .filter_map(|k| {
                                self.elements.iter().find(|e| e.key == k && matches!(e.kind, "component" | "datastore"))
                            })
                            .map(|e| e.name.clone())
                            .collect();
                        *a = if names.is_empty() { String::new() } else { format!("runs {}", names.join(", ")) };
                    }
                }
                node.attrs.retain(|a| !a.is_empty());
            }
            self.draft.add(dep);
        }
        self.draft.relations.extend(relations);
        for t in &self.trailer {
            self.draft.header.push(t.clone());
        }
        self.draft.finish("model.arch")
    }

    /// The `.arch` name of the software system a container or component belongs to.
    fn system_of(&self, e: &Element) -> Option<String> {
        let mut at = e.parent.as_deref()?;
        loop {
            let p = self.elements.iter().find(|x| x.key == at)?;
            if p.kind == "system" {
                return Some(p.name.clone());
            }
            at = p.parent.as_deref()?;
        }
    }
}

fn split_tags(s: &str) -> Vec<String> {
    s.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()
}

fn render(s: &Stmt) -> String {
    let parts: Vec<String> = s
        .toks
        .iter()
        .map(|t| match t {
            Tok::Word(w) => w.clone(),
            Tok::Str(x) => format!("\"{x}\""),
        })
        .collect();
    let mut line = parts.join(" ");
    if s.block.is_some() {
        line.push_str(" { ... }");
    }
    line
}

/// camelCase identifiers to snake_case names.
fn snake(id: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in id.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}
