//! The intermediate document: a small tree of headings, paragraphs, lists, tables, code and diagram
//! references. The report is built once as this tree and rendered twice (Markdown and HTML), so the
//! two outputs cannot drift apart.

/// Inline content of a paragraph, list item or table cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Strong(String),
    Em(String),
    Code(String),
    /// A link to an anchor (`#id`) or a file beside the report.
    Link {
        text: String,
        href: String,
        code: bool,
    },
    /// An anchor target without text (an element described in a table row).
    Anchor(String),
}

/// A run of inline content.
pub type Rich = Vec<Inline>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub text: Rich,
    pub children: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Heading { level: u8, text: String, id: String },
    Para(Rich),
    List { ordered: bool, items: Vec<Item> },
    Table { head: Vec<String>, rows: Vec<Vec<Rich>> },
    Code(String),
    Diagram { name: String, title: String, svg: Option<String>, error: Option<String> },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    /// What the document is about (the system's title), for the page title.
    pub subject: Option<String>,
    pub blocks: Vec<Block>,
}

impl Document {
    /// The headings that make the table of contents: levels 2 and 3.
    pub fn toc(&self) -> Vec<(u8, &str, &str)> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level, text, id } if (2..=3).contains(level) => {
                    Some((*level, text.as_str(), id.as_str()))
                }
                _ => None,
            })
            .collect()
    }

    /// Every anchor id defined in the document.
    pub fn anchors(&self) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        fn rich(r: &Rich, out: &mut std::collections::BTreeSet<String>) {
            for i in r {
                if let Inline::Anchor(id) = i {
                    out.insert(id.clone());
                }
            }
        }
        fn block(b: &Block, out: &mut std::collections::BTreeSet<String>) {
            match b {
                Block::Heading { id, .. } => {
                    out.insert(id.clone());
                }
                Block::Para(r) => rich(r, out),
                Block::List { items, .. } => {
                    for it in items {
                        rich(&it.text, out);
                        for c in &it.children {
                            block(c, out);
                        }
                    }
                }
                Block::Table { rows, .. } => {
                    for row in rows {
                        for cell in row {
                            rich(cell, out);
                        }
                    }
                }
                Block::Code(_) | Block::Diagram { .. } => {}
            }
        }
        for b in &self.blocks {
            block(b, &mut out);
        }
        out
    }

    /// Turns links to anchors that the document does not define into plain text, so that no link
    /// dangles (an element may be mentioned without being described, such as a std technology).
    pub fn unlink_missing(&mut self) {
        let anchors = self.anchors();
        fn rich(r: &mut Rich, anchors: &std::collections::BTreeSet<String>) {
            for i in r.iter_mut() {
                if let Inline::Link { text, href, code } = i {
                    if let Some(id) = href.strip_prefix('#') {
                        if !anchors.contains(id) {
                            *i = if *code { Inline::Code(text.clone()) } else { Inline::Text(text.clone()) };
                        }
                    }
                }
            }
        }
        fn block(b: &mut Block, anchors: &std::collections::BTreeSet<String>) {
            match b {
                Block::Para(r) => rich(r, anchors),
                Block::List { items, .. } => {
                    for it in items {
                        rich(&mut it.text, anchors);
                        for c in &mut it.children {
                            block(c, anchors);
                        }
                    }
                }
                Block::Table { rows, .. } => {
                    for row in rows {
                        for cell in row {
                            rich(cell, anchors);
                        }
                    }
                }
                Block::Heading { .. } | Block::Code(_) | Block::Diagram { .. } => {}
            }
        }
        for b in &mut self.blocks {
            block(b, &anchors);
        }
    }
}

/// Small constructors that keep the section builders readable.
pub fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

pub fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

pub fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

pub fn plain(s: impl Into<String>) -> Rich {
    vec![Inline::Text(s.into())]
}

pub fn para(s: impl Into<String>) -> Block {
    Block::Para(ticks(&s.into()))
}

/// Generated prose with `backticked` words as code. Never for text from the model.
pub fn ticks(s: &str) -> Rich {
    let mut out = Rich::new();
    for (i, part) in s.split('`').enumerate() {
        if part.is_empty() {
            continue;
        }
        out.push(if i % 2 == 1 { Inline::Code(part.to_string()) } else { Inline::Text(part.to_string()) });
    }
    out
}

/// `**Label**: value` as a paragraph.
pub fn fact(label: &str, value: Rich) -> Block {
    let mut r = vec![strong(label), text(": ")];
    r.extend(value);
    Block::Para(r)
}

/// `**Label**: value` as a list item.
pub fn fact_item(label: &str, value: Rich) -> Item {
    let mut r = vec![strong(label), text(": ")];
    r.extend(value);
    Item { text: r, children: Vec::new() }
}

pub fn item(text: Rich) -> Item {
    Item { text, children: Vec::new() }
}

pub fn bullets(items: Vec<Item>) -> Block {
    Block::List { ordered: false, items }
}

pub fn numbered(items: Vec<Item>) -> Block {
    Block::List { ordered: true, items }
}

/// Joins rich runs with a separator.
pub fn join(parts: Vec<Rich>, sep: &str) -> Rich {
    let mut out = Rich::new();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(text(sep));
        }
        out.extend(p);
    }
    out
}

/// Joins clauses with "; ", or with a space after a clause that already ends a sentence, in
/// which case the next clause starts with a capital.
pub fn clauses(parts: Vec<Rich>) -> Rich {
    let mut out = Rich::new();
    for mut p in parts {
        if !out.is_empty() {
            let ends_sentence = flatten(&out).trim_end().ends_with(['.', '!', '?']);
            if ends_sentence {
                if let Some(Inline::Text(t)) = p.first_mut() {
                    let mut cs = t.chars();
                    if let Some(c) = cs.next() {
                        *t = c.to_uppercase().chain(cs).collect();
                    }
                }
            }
            out.push(text(if ends_sentence { " " } else { "; " }));
        }
        out.extend(p);
    }
    out
}

/// The plain text of a rich run, for tests and titles.
pub fn flatten(r: &Rich) -> String {
    let mut s = String::new();
    for i in r {
        match i {
            Inline::Text(t) | Inline::Strong(t) | Inline::Em(t) | Inline::Code(t) => s.push_str(t),
            Inline::Link { text, .. } => s.push_str(text),
            Inline::Anchor(_) => {}
        }
    }
    s
}

/// A heading id from its text: lowercase words joined by hyphens.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}
