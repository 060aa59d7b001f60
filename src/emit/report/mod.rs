//! The System Architecture Design report, section by section from the seed's template, as Markdown
//! and as one self-contained HTML page.
//!
//! Every sentence is generated from the model: where the model lacks the inputs of a section the
//! section says so and lists the holes (`?`) that would fill it. The report is built once as a
//! [`doc::Document`] and rendered by [`markdown`] and [`html`], so the two cannot drift. Output is
//! deterministic: declaration order and ordered maps only, no clock.

mod components;
mod containers;
pub mod ctx;
pub mod doc;
mod flows;
pub mod html;
mod intro;
pub mod markdown;
mod operations;
mod overview;
mod security;
mod threats;

use std::collections::BTreeSet;

use ctx::{Ctx, Hole};
use doc::{Block, Document, Rich};

use crate::analysis::facts::Facts;
use crate::diagnostics::Diagnostic;
use crate::semantic::model::Model;
use crate::source::SourceMap;

/// The report's title, as in the seed template.
pub const TITLE: &str = "System Architecture Design and Specifications";

/// A rendered diagram handed to the report: placed in the section it belongs to by its name
/// (`context`, `containers`, `trust`, `data`, `flow-NAME`; others go to an appendix).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiagramInput {
    pub name: String,
    pub title: String,
    pub svg: Option<String>,
    pub error: Option<String>,
}

pub struct Report {
    pub markdown: String,
    pub html: String,
}

/// Builds the report of one model.
/// `facts` are those of the analysis that produced `model` and `findings`.
pub fn render(
    model: &Model,
    facts: &Facts,
    sources: &SourceMap,
    findings: &[Diagnostic],
    diagrams: &[DiagramInput],
) -> Report {
    let doc = document(model, facts, sources, findings, diagrams);
    Report { markdown: without_controls(markdown::render(&doc)), html: without_controls(html::render(&doc)) }
}

/// Drops control characters (ESC, BEL, NUL, ...) that model text could carry: a terminal showing
/// report.md would obey them, and XHTML forbids them. Line breaks and tabs stay.
fn without_controls(text: String) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return text;
    }
    text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
}

/// The document tree of the report.
pub fn document(
    model: &Model,
    facts: &Facts,
    sources: &SourceMap,
    findings: &[Diagnostic],
    diagrams: &[DiagramInput],
) -> Document {
    let ctx = Ctx::new(model, facts, sources, findings, diagrams);
    let mut out = Out::default();
    overview::executive_summary(&ctx, &mut out);
    intro::introduction(&ctx, &mut out);
    overview::system_overview(&ctx, &mut out);
    components::component_architecture(&ctx, &mut out);
    flows::data_flow_architecture(&ctx, &mut out);
    flows::performance(&ctx, &mut out);
    security::security_architecture(&ctx, &mut out);
    threats::threat_model(&ctx, &mut out);
    operations::infrastructure(&ctx, &mut out);
    operations::risks(&ctx, &mut out);
    operations::roadmap(&ctx, &mut out);
    operations::metrics(&ctx, &mut out);
    operations::conclusion(&ctx, &mut out);
    operations::findings(&ctx, &mut out);
    operations::holes_appendix(&ctx, &mut out);
    out.blocks = findings_beside_their_subjects(&ctx, std::mem::take(&mut out.blocks));
    let unplaced: Vec<&DiagramInput> = diagrams.iter().filter(|d| !out.placed.contains(&d.name)).collect();
    if !unplaced.is_empty() {
        out.h(2, "Other Diagrams");
        for d in unplaced {
            out.diagram(d);
        }
    }
    let subject = model.of_kind(crate::syntax::schema::DeclKind::System).next().map(|(_, s)| s.title().to_string());
    let mut doc = Document { title: TITLE.to_string(), subject, blocks: out.blocks };
    doc.unlink_missing();
    doc
}

/// Puts each open finding under the heading of the element it is first about (a component, an
/// interface, a flow, a zone...), so that a reader sees it where the element is described; the
/// Check Findings table still lists them all.
fn findings_beside_their_subjects(ctx: &Ctx<'_>, blocks: Vec<Block>) -> Vec<Block> {
    let mut by_anchor: std::collections::BTreeMap<String, Vec<&Diagnostic>> = Default::default();
    for d in ctx.findings.iter().filter(|d| d.suppression.is_none()) {
        if let Some(id) = d.subjects.first().and_then(|s| ctx.subject(s)) {
            by_anchor.entry(ctx.anchor(id)).or_default().push(d);
        }
    }
    if by_anchor.is_empty() {
        return blocks;
    }
    let mut out = Vec::with_capacity(blocks.len() + by_anchor.len() * 2);
    for b in blocks {
        let here = match &b {
            Block::Heading { id, .. } => by_anchor.remove(id),
            _ => None,
        };
        out.push(b);
        if let Some(ds) = here {
            out.push(Block::Para(vec![doc::strong("Findings"), doc::text(":")]));
            let items = ds
                .iter()
                .map(|d| {
                    let mut r = vec![doc::code(d.code.id), doc::text(format!(" ({}): ", d.severity.as_str()))];
                    r.extend(doc::ticks(&d.message));
                    doc::item(r)
                })
                .collect();
            out.push(doc::bullets(items));
        }
    }
    out
}

/// The sentence shown instead of a diagram that could not be rendered.
pub(crate) fn diagram_failure(title: &str, error: Option<&str>) -> String {
    match error {
        Some(e) => format!("The diagram \u{201c}{title}\u{201d} could not be rendered: {e}."),
        None => format!("The diagram \u{201c}{title}\u{201d} could not be rendered."),
    }
}

/// The blocks being built, with unique heading ids and the diagrams already placed.
#[derive(Default)]
pub(crate) struct Out {
    pub blocks: Vec<Block>,
    ids: BTreeSet<String>,
    placed: BTreeSet<String>,
}

impl Out {
    /// A section heading with an id made from its text.
    pub fn h(&mut self, level: u8, text: &str) {
        let base = doc::slug(text);
        let mut id = base.clone();
        let mut n = 2;
        while self.ids.contains(&id) || id.starts_with("el-") {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.ids.insert(id.clone());
        self.blocks.push(Block::Heading { level, text: text.to_string(), id });
    }

    /// A heading that is an element's anchor.
    pub fn h_el(&mut self, level: u8, text: String, anchor: String) {
        self.ids.insert(anchor.clone());
        self.blocks.push(Block::Heading { level, text, id: anchor });
    }

    pub fn push(&mut self, b: Block) {
        self.blocks.push(b);
    }

    pub fn p(&mut self, s: impl Into<String>) {
        self.blocks.push(doc::para(s));
    }

    pub fn rich(&mut self, r: Rich) {
        self.blocks.push(Block::Para(r));
    }

    pub fn fact(&mut self, label: &str, value: Rich) {
        self.blocks.push(doc::fact(label, value));
    }

    /// `**Label**:` introducing the list or table that follows.
    pub fn label(&mut self, label: &str) {
        self.blocks.push(Block::Para(vec![doc::strong(label), doc::text(":")]));
    }

    /// "The model declares no …": the plain statement that an input is missing.
    pub fn lacks(&mut self, what: &str) {
        self.p(format!("The model declares no {what}."));
    }

    /// Lists the holes that a section draws from, if any.
    pub fn holes(&mut self, ctx: &Ctx<'_>, filter: impl Fn(&Hole) -> bool) {
        if let Some(t) = ctx.holes_table(filter) {
            self.p("Holes still to be filled here:");
            self.push(t);
        }
    }

    /// A table, unless it has no rows.
    pub fn table(&mut self, head: &[&str], rows: Vec<Vec<Rich>>) {
        if rows.is_empty() {
            return;
        }
        self.blocks.push(Block::Table { head: head.iter().map(|s| s.to_string()).collect(), rows });
    }

    /// Embeds a diagram once.
    pub fn diagram(&mut self, d: &DiagramInput) {
        if self.placed.insert(d.name.clone()) {
            self.blocks.push(Block::Diagram {
                name: d.name.clone(),
                title: d.title.clone(),
                svg: d.svg.clone(),
                error: d.error.clone(),
            });
        }
    }

    /// Embeds every diagram whose name matches.
    pub fn diagrams(&mut self, ctx: &Ctx<'_>, pred: impl Fn(&str) -> bool) {
        for d in ctx.diagrams_where(pred) {
            self.diagram(d);
        }
    }
}

/// The elements a finding names, as links where the report describes them.
pub(crate) fn subjects(ctx: &Ctx<'_>, d: &Diagnostic) -> Rich {
    let parts: Vec<Rich> = d
        .subjects
        .iter()
        .map(|s| match ctx.subject(s) {
            Some(id) => vec![doc::Inline::Link { text: s.clone(), href: format!("#{}", ctx.anchor(id)), code: true }],
            None => vec![doc::code(s.clone())],
        })
        .collect();
    doc::join(parts, ", ")
}

#[cfg(test)]
mod tests;
