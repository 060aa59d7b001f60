//! LikeC4 models: the specification's element kinds mapped to `.arch` kinds, elements (nested
//! ones included), relationships (`->`, `-[kind]->`, and `->` inside an element), titles,
//! descriptions, technologies and tags.
//!
//! A kind maps by its shape and name: `person` shape or an actor-like name -> `actor`; storage
//! shape or a database-like name -> `datastore`; queue-like -> `queue`; topic or bus -> `topic`;
//! an external-like name -> `external`; a kind whose elements contain others -> `system`;
//! everything else -> `component` of the system it sits in, declared inside the component it sits
//! in, if any (C4 level 3). Views, styles, deployment models and links are kept as comments.

use std::collections::{BTreeMap, BTreeSet};

use super::{quote, tags_attr, Draft, DraftElement, DraftRelation, ImportError, Imported};

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Open,
    Close,
    Eq,
    /// `->` or `-[kind]->`.
    Arrow(Option<String>),
    Tag(String),
    Other(char),
}

fn lex(file: &str, text: &str) -> Result<Vec<(usize, Tok)>, ImportError> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(ImportError::new(file, Some(line), "unterminated `/*` comment"));
                }
                i += 2;
            }
            '\'' | '"' => {
                let start = line;
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(ImportError::new(file, Some(start), "unterminated string")),
                        Some(&q) if q == c => break,
                        Some('\\') if chars.get(i + 1).is_some() => {
                            s.push(chars[i + 1]);
                            i += 1;
                        }
                        Some(&ch) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            s.push(ch);
                        }
                    }
                    i += 1;
                }
                i += 1;
                out.push((start, Tok::Str(s)));
            }
            '{' => {
                out.push((line, Tok::Open));
                i += 1;
            }
            '}' => {
                out.push((line, Tok::Close));
                i += 1;
            }
            '=' => {
                out.push((line, Tok::Eq));
                i += 1;
            }
            '-' if chars.get(i + 1) == Some(&'>') => {
                out.push((line, Tok::Arrow(None)));
                i += 2;
            }
            '-' if chars.get(i + 1) == Some(&'[') => {
                let close = chars[i..].iter().position(|&x| x == ']').map(|p| p + i);
                match close {
                    Some(end) if chars.get(end + 1) == Some(&'-') && chars.get(end + 2) == Some(&'>') => {
                        out.push((line, Tok::Arrow(Some(chars[i + 2..end].iter().collect()))));
                        i = end + 3;
                    }
                    _ => return Err(ImportError::new(file, Some(line), "a `-[` that is not a `-[kind]->` arrow")),
                }
            }
            '#' => {
                let mut s = String::new();
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || "-_.".contains(chars[i])) {
                    s.push(chars[i]);
                    i += 1;
                }
                out.push((line, Tok::Tag(s)));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut s = String::new();
                while i < chars.len() && (chars[i].is_alphanumeric() || "_-.".contains(chars[i])) {
                    // `-` belongs to a name unless it starts an arrow.
                    if chars[i] == '-' && matches!(chars.get(i + 1), Some('>') | Some('[')) {
                        break;
                    }
                    s.push(chars[i]);
                    i += 1;
                }
                // A link's URL is written bare: the rest of the line.
                let is_link = s == "link";
                out.push((line, Tok::Ident(s)));
                if is_link {
                    let mut url = String::new();
                    while i < chars.len() && chars[i] != '\n' {
                        url.push(chars[i]);
                        i += 1;
                    }
                    let url = url.trim().trim_matches(|c| c == '\'' || c == '"').to_string();
                    out.push((line, Tok::Str(url)));
                }
            }
            c => {
                out.push((line, Tok::Other(c)));
                i += 1;
            }
        }
    }
    Ok(out)
}

#[derive(Clone, Debug, Default)]
struct Element {
    kind: String,
    key: String,
    id: String,
    title: Option<String>,
    description: Option<String>,
    technology: Option<String>,
    tags: Vec<String>,
    parent: Option<String>,
    comments: Vec<String>,
}

/// A relationship as written: source, target, title, tags, technology, kind and comments.
struct Relation {
    from: String,
    to: String,
    title: Option<String>,
    tags: Vec<String>,
    technology: Option<String>,
    kind: Option<String>,
    comments: Vec<String>,
}

/// Deeper element nesting than this is refused.
const MAX_NESTING: usize = 64;

#[derive(Default)]
struct Parser<'a> {
    file: &'a str,
    depth: usize,
    toks: Vec<(usize, Tok)>,
    pos: usize,
    kinds: BTreeMap<String, Option<String>>,
    elements: Vec<Element>,
    relations: Vec<Relation>,
    trailer: Vec<String>,
    draft: Draft,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.1)
    }

    fn line(&self) -> usize {
        self.toks.get(self.pos).or(self.toks.last()).map_or(1, |t| t.0)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|t| t.1.clone());
        self.pos += 1;
        t
    }

    /// Skips a `{ ... }` block, the `{` being next; returns how many tokens it held.
    fn skip_block(&mut self) -> Result<usize, ImportError> {
        let start = self.line();
        let mut depth = 0;
        let mut n = 0;
        while let Some(t) = self.next() {
            match t {
                Tok::Open => depth += 1,
                Tok::Close => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(n);
                    }
                }
                _ => n += 1,
            }
        }
        Err(ImportError::new(self.file, Some(start), "a `{` is never closed"))
    }

    fn expect_open(&mut self) -> Result<(), ImportError> {
        match self.next() {
            Some(Tok::Open) => Ok(()),
            _ => Err(ImportError::new(self.file, Some(self.line()), "expected `{`")),
        }
    }

    fn top(&mut self) -> Result<(), ImportError> {
        while let Some(t) = self.next() {
            let line = self.line();
            match t {
                Tok::Ident(w) if w == "specification" => {
                    self.expect_open()?;
                    self.specification()?;
                }
                Tok::Ident(w) if w == "model" => {
                    self.expect_open()?;
                    self.model_block(None)?;
                }
                Tok::Ident(w) if matches!(w.as_str(), "views" | "deployment" | "global" | "dynamic") => {
                    let n = if self.peek() == Some(&Tok::Open) { self.skip_block()? } else { 0 };
                    self.draft.comment(if w == "deployment" { "deployment models" } else { "views and styles blocks" });
                    self.trailer.push(format!("{}:{line}: the `{w}` block ({n} tokens) is not imported", self.file));
                }
                Tok::Ident(w) if w == "import" => {
                    self.draft.comment("imports of other projects");
                    self.trailer.push(format!("{}:{line}: `import` of another project not followed", self.file));
                }
                other => {
                    return Err(ImportError::new(
                        self.file,
                        Some(line),
                        format!("unexpected {other:?} at the top level"),
                    )
                    .with_help("a LikeC4 file holds `specification`, `model`, `views` and `deployment` blocks"))
                }
            }
        }
        Ok(())
    }

    fn specification(&mut self) -> Result<(), ImportError> {
        loop {
            match self.next() {
                Some(Tok::Close) => return Ok(()),
                Some(Tok::Ident(w)) if w == "element" => {
                    let Some(Tok::Ident(kind)) = self.next() else {
                        return Err(ImportError::new(self.file, Some(self.line()), "`element` needs a kind name"));
                    };
                    let mut shape = None;
                    if self.peek() == Some(&Tok::Open) {
                        // Find `shape X` in the style block without interpreting the rest.
                        let start = self.pos;
                        self.skip_block()?;
                        let body = &self.toks[start..self.pos];
                        for pair in body.windows(2) {
                            if let (Tok::Ident(a), Tok::Ident(b)) = (&pair[0].1, &pair[1].1) {
                                if a == "shape" {
                                    shape = Some(b.clone());
                                }
                            }
                        }
                    }
                    self.kinds.insert(kind, shape);
                }
                Some(Tok::Ident(_)) => {
                    // `relationship`, `tag`, `color`, `deploymentNode`: names and styles only.
                    while matches!(self.peek(), Some(Tok::Ident(_)) | Some(Tok::Tag(_)) | Some(Tok::Str(_))) {
                        self.next();
                    }
                    if self.peek() == Some(&Tok::Open) {
                        self.skip_block()?;
                    }
                }
                Some(_) => {}
                None => {
                    return Err(ImportError::new(
                        self.file,
                        Some(self.line()),
                        "the `specification` block is never closed",
                    ))
                }
            }
        }
    }

    fn strings(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(Tok::Str(s)) = self.peek() {
            out.push(s.clone());
            self.next();
        }
        out
    }

    fn model_block(&mut self, parent: Option<&str>) -> Result<(), ImportError> {
        // Elements nest by recursion; a cap keeps hostile input from exhausting the stack.
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(ImportError::new(
                self.file,
                Some(self.line()),
                format!("elements nested deeper than {MAX_NESTING} levels"),
            ));
        }
        let result = self.model_items(parent);
        self.depth -= 1;
        result
    }

    fn model_items(&mut self, parent: Option<&str>) -> Result<(), ImportError> {
        loop {
            let line = self.line();
            let Some(t) = self.next() else {
                return Err(ImportError::new(self.file, Some(line), "a `{` is never closed"));
            };
            match t {
                Tok::Close => return Ok(()),
                Tok::Tag(tag) => {
                    if let Some(e) = parent.and_then(|p| self.elements.iter_mut().find(|e| e.key == p)) {
                        e.tags.push(tag);
                    }
                }
                Tok::Arrow(kind) => self.relation(parent.map(str::to_string), kind)?,
                Tok::Ident(first) => match self.peek().cloned() {
                    Some(Tok::Eq) => {
                        self.next();
                        let Some(Tok::Ident(kind)) = self.next() else {
                            return Err(ImportError::new(
                                self.file,
                                Some(line),
                                format!("`{first} =` needs an element kind"),
                            ));
                        };
                        self.element(&kind, &first, parent)?;
                    }
                    Some(Tok::Arrow(kind)) => {
                        self.next();
                        let from = if matches!(first.as_str(), "it" | "this") {
                            parent.map(str::to_string)
                        } else {
                            Some(first)
                        };
                        self.relation(from, kind)?;
                    }
                    Some(Tok::Ident(name)) if self.kinds.contains_key(&first) => {
                        self.next();
                        self.element(&first, &name, parent)?;
                    }
                    Some(Tok::Ident(target)) if first == "extend" => {
                        self.next();
                        self.expect_open()?;
                        let key = self.resolve(&target).unwrap_or(target);
                        self.model_block(Some(&key))?;
                    }
                    Some(Tok::Str(_)) | Some(Tok::Open) if parent.is_some() => {
                        self.property(&first, parent.unwrap_or_default())?
                    }
                    _ => {
                        return Err(ImportError::new(
                            self.file,
                            Some(line),
                            format!("unknown element kind or keyword `{first}`"),
                        )
                        .with_help("declare element kinds in the `specification` block"))
                    }
                },
                other => {
                    return Err(ImportError::new(self.file, Some(line), format!("unexpected {other:?} in the model")))
                }
            }
        }
    }

    fn property(&mut self, key: &str, owner: &str) -> Result<(), ImportError> {
        let values = self.strings();
        let mut comment = None;
        if self.peek() == Some(&Tok::Open) {
            let n = self.skip_block()?;
            comment = Some(format!("{key} block ({n} tokens)"));
        }
        let Some(e) = self.elements.iter_mut().find(|e| e.key == owner) else { return Ok(()) };
        let value = values.first().cloned();
        match (key, value) {
            ("title", Some(v)) => e.title = Some(v),
            ("description" | "summary", Some(v)) => e.description = Some(v),
            ("technology", Some(v)) => e.technology = Some(v),
            (_, v) => {
                let what = match key {
                    "link" => "links",
                    "style" => "element styles",
                    "metadata" => "metadata entries",
                    "icon" => "icons",
                    _ => "properties",
                };
                e.comments.push(comment.unwrap_or_else(|| format!("{key}: {}", v.unwrap_or_default())));
                self.draft.comment(what);
            }
        }
        Ok(())
    }

    fn element(&mut self, kind: &str, id: &str, parent: Option<&str>) -> Result<(), ImportError> {
        let strings = self.strings();
        let key = match parent {
            Some(p) => format!("{p}.{id}"),
            None => id.to_string(),
        };
        self.elements.push(Element {
            kind: kind.to_string(),
            key: key.clone(),
            id: id.to_string(),
            title: strings.first().cloned(),
            description: strings.get(1).cloned(),
            technology: strings.get(2).cloned(),
            parent: parent.map(str::to_string),
            ..Default::default()
        });
        while let Some(Tok::Tag(t)) = self.peek().cloned() {
            self.next();
            if let Some(e) = self.elements.iter_mut().find(|e| e.key == key) {
                e.tags.push(t);
            }
        }
        if self.peek() == Some(&Tok::Open) {
            self.next();
            self.model_block(Some(&key))?;
        }
        Ok(())
    }

    fn relation(&mut self, from: Option<String>, kind: Option<String>) -> Result<(), ImportError> {
        let line = self.line();
        let Some(Tok::Ident(to)) = self.next() else {
            return Err(ImportError::new(self.file, Some(line), "a relationship needs a target"));
        };
        let Some(from) = from else {
            return Err(ImportError::new(self.file, Some(line), "a relationship without a source outside an element"));
        };
        let strings = self.strings();
        let mut tags = Vec::new();
        let mut technology = strings.get(2).cloned();
        let mut title = strings.first().cloned();
        let mut comments = Vec::new();
        while let Some(Tok::Tag(t)) = self.peek().cloned() {
            self.next();
            tags.push(t);
        }
        if self.peek() == Some(&Tok::Open) {
            self.next();
            loop {
                match self.next() {
                    Some(Tok::Close) => break,
                    Some(Tok::Tag(t)) => tags.push(t),
                    Some(Tok::Ident(k)) => {
                        let v = self.strings();
                        if self.peek() == Some(&Tok::Open) {
                            self.skip_block()?;
                        }
                        match (k.as_str(), v.first()) {
                            ("technology", Some(t)) => technology = Some(t.clone()),
                            ("title", Some(t)) => title = Some(t.clone()),
                            ("description", Some(d)) => {
                                comments.push(format!("description: {d}"));
                                self.draft.comment("relationship descriptions");
                            }
                            _ => {
                                comments.push(format!("{k}: {}", v.join(" ")));
                                self.draft.comment("relationship properties");
                            }
                        }
                    }
                    Some(_) => {}
                    None => {
                        return Err(ImportError::new(self.file, Some(line), "a relationship block is never closed"))
                    }
                }
            }
        }
        if let Some(d) = strings.get(1) {
            comments.push(format!("description: {d}"));
            self.draft.comment("relationship descriptions");
        }
        self.relations.push(Relation { from, to, title, tags, technology, kind, comments });
        Ok(())
    }

    /// A reference: a full path, or a name unique among the elements.
    fn resolve(&self, reference: &str) -> Option<String> {
        if self.elements.iter().any(|e| e.key == reference) {
            return Some(reference.to_string());
        }
        let matches: Vec<&Element> =
            self.elements.iter().filter(|e| e.key.ends_with(&format!(".{reference}")) || e.id == reference).collect();
        (matches.len() == 1).then(|| matches[0].key.clone())
    }
}

/// The `.arch` kind for a LikeC4 element kind.
fn arch_kind(kind: &str, shape: Option<&str>, has_children: bool) -> &'static str {
    let k = kind.to_ascii_lowercase();
    let shape = shape.unwrap_or_default();
    if shape == "person" || ["actor", "person", "user", "customer"].iter().any(|w| k.contains(w)) {
        "actor"
    } else if shape == "storage"
        || shape == "cylinder"
        || ["database", "db", "storage", "store"].iter().any(|w| k.contains(w))
    {
        "datastore"
    } else if shape == "queue" || k.contains("queue") {
        "queue"
    } else if ["topic", "bus", "stream"].iter().any(|w| k.contains(w)) {
        "topic"
    } else if ["external", "saas", "thirdparty", "third-party", "vendor"].iter().any(|w| k.contains(w)) {
        "external"
    } else if has_children && k.contains("system") {
        "system"
    } else if k.contains("system") {
        "external"
    } else {
        "component"
    }
}

/// Imports a LikeC4 model file.
/// The draft with this key, at any depth (components nest in components). Iterative: the
/// source's nesting is capped, but no pass over a tree recurses.
fn find_draft<'d>(drafts: &'d mut [DraftElement], key: &str) -> Option<&'d mut DraftElement> {
    let mut stack: Vec<&'d mut DraftElement> = drafts.iter_mut().collect();
    while let Some(d) = stack.pop() {
        if d.key == key {
            return Some(d);
        }
        stack.extend(d.children.iter_mut());
    }
    None
}

pub fn import(file: &str, text: &str) -> Result<Imported, ImportError> {
    let mut p = Parser { file, toks: lex(file, text)?, ..Default::default() };
    p.top()?;
    p.draft.header.push(format!("Imported from the LikeC4 model `{file}` by `archc import`."));
    let parents: BTreeSet<String> = p.elements.iter().filter_map(|e| e.parent.clone()).collect();
    let mut mapped: BTreeMap<String, &'static str> = BTreeMap::new();
    let kinds: Vec<(String, &'static str)> = p
        .elements
        .iter()
        .map(|e| {
            (
                e.key.clone(),
                arch_kind(&e.kind, p.kinds.get(&e.kind).and_then(|s| s.as_deref()), parents.contains(&e.key)),
            )
        })
        .collect();
    for (e, (_, k)) in p.elements.iter().zip(&kinds) {
        mapped.entry(e.kind.clone()).or_insert(k);
    }
    for (from, to) in &mapped {
        p.draft.header.push(format!("LikeC4 kind `{from}` -> {to}"));
    }
    let kind_of: BTreeMap<String, &'static str> = kinds.into_iter().collect();
    let elements = std::mem::take(&mut p.elements);
    // One name per element, even when the source declares a key twice; references take the first.
    let own_names: Vec<String> = elements.iter().map(|e| p.draft.fresh_name(&e.id)).collect();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (e, n) in elements.iter().zip(&own_names) {
        names.entry(e.key.clone()).or_insert_with(|| n.clone());
    }
    // A component inside a component is declared in its block (C4 level 3); drafts are placed
    // after all are made, parents first as the source declares them.
    let mut drafts: Vec<(Option<String>, DraftElement)> = Vec::new();
    for (e, own_name) in elements.iter().zip(&own_names) {
        let kind = kind_of.get(&e.key).copied().unwrap_or("component");
        let nest_in = e.parent.clone().filter(|p| kind == "component" && kind_of.get(p) == Some(&"component"));
        let mut attrs = Vec::new();
        if kind == "actor" {
            attrs.push("kind user".to_string());
        }
        // The nearest enclosing system, for components and stores.
        if matches!(kind, "component" | "datastore" | "queue" | "topic") {
            let mut at = e.parent.clone();
            while let Some(pk) = at {
                if kind_of.get(&pk) == Some(&"system") {
                    if let Some(n) = names.get(&pk) {
                        attrs.push(format!("system {n}"));
                    }
                    break;
                }
                at = elements.iter().find(|x| x.key == pk).and_then(|x| x.parent.clone());
            }
        }
        if let Some(t) = &e.technology {
            if kind != "actor" && kind != "system" {
                attrs.push(format!("tech {}", quote(t)));
            }
        }
        if let Some(d) = &e.description {
            attrs.push(format!("summary {}", quote(d)));
        }
        attrs.extend(tags_attr(&e.tags));
        let mut comments = e.comments.clone();
        if let Some(parent) = e.parent.as_ref().filter(|_| nest_in.is_none()) {
            if kind_of.get(parent) != Some(&"system") {
                let shown = names.get(parent).map_or(parent.as_str(), String::as_str);
                comments.push(format!("Inside `{shown}` in LikeC4"));
                p.draft.comment("nesting inside elements other than systems");
            }
        }
        if let (Some(t), "actor" | "system") = (&e.technology, kind) {
            comments.push(format!("technology: {t}"));
            p.draft.comment("technologies of actors and systems");
        }
        let draft = DraftElement {
            kind,
            key: e.key.clone(),
            name: own_name.clone(),
            label: e.title.clone(),
            attrs,
            comments,
            counted: true,
            ..Default::default()
        };
        drafts.push((nest_in, draft));
    }
    let mut placed: Vec<DraftElement> = Vec::new();
    for (nest_in, draft) in drafts {
        match nest_in.and_then(|k| find_draft(&mut placed, &k)) {
            Some(container) => container.children.push(draft),
            None => placed.push(draft),
        }
    }
    for draft in placed {
        p.draft.add(draft);
    }
    p.elements = elements;
    for Relation { from, to, title, tags, technology, kind, mut comments } in std::mem::take(&mut p.relations) {
        let from_key = p.resolve(&from).unwrap_or(from);
        let to_key = p.resolve(&to).unwrap_or(to);
        if !tags.is_empty() {
            comments.push(format!("tags: {}", tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ")));
            p.draft.comment("relationship tags");
        }
        let is_async = kind.as_deref().is_some_and(|k| k.contains("async") || k.contains("event"));
        if let Some(k) = kind.as_ref().filter(|_| !is_async) {
            comments.push(format!("relationship kind: {k}"));
            p.draft.comment("relationship kinds");
        }
        p.draft.relations.push(DraftRelation {
            from: from_key,
            to: to_key,
            label: title,
            technology,
            is_async,
            options: Vec::new(),
            comments,
        });
    }
    let trailer = std::mem::take(&mut p.trailer);
    p.draft.header.extend(trailer);
    Ok(p.draft.finish("model.arch"))
}
