//! What the exports to other architecture tools (Structurizr, LikeC4, CALM) share: the elements
//! they draw, grouped by the system they belong to, and the relationships between them, taken
//! from the same link facts the diagrams use.

use crate::analysis::facts as derived;
use crate::emit::diagrams::facts::{Facts, LinkKind, NODE_KINDS, SYSTEM_KINDS};
use crate::semantic::model::{Element, ElementId, Model, Val};
use crate::syntax::schema::DeclKind;

/// A relationship for a peer tool.
pub struct Relation {
    pub from: ElementId,
    pub to: ElementId,
    pub label: Option<String>,
    pub protocol: Option<String>,
    pub is_async: bool,
    /// The flow and 1-based step number, for flow steps.
    pub flow: Option<(ElementId, usize)>,
}

/// Drawn elements and relationships, in declaration order.
pub struct Peers<'m> {
    pub model: &'m Model,
    pub facts: Facts<'m>,
}

impl<'m> Peers<'m> {
    pub fn new(model: &'m Model, derived: &'m derived::Facts) -> Self {
        Peers { model, facts: Facts::new(model, derived) }
    }

    /// User elements of the kinds drawn as nodes.
    pub fn nodes(&self) -> Vec<(ElementId, &'m Element)> {
        self.model.iter().filter(|(_, e)| !e.from_std && NODE_KINDS.contains(&e.kind)).collect()
    }

    pub fn systems(&self) -> Vec<(ElementId, &'m Element)> {
        self.model.of_kind(DeclKind::System).collect()
    }

    /// The system an element belongs to (declared in it or naming it), for kinds that run in one.
    pub fn system_of(&self, id: ElementId) -> Option<ElementId> {
        let e = self.model.get(id)?;
        if !SYSTEM_KINDS.contains(&e.kind) {
            return None;
        }
        self.facts.derived.system_of(id)
    }

    /// `uses`, flow steps and event deliveries between drawn elements.
    pub fn relations(&self) -> Vec<Relation> {
        self.facts
            .links()
            .into_iter()
            .filter(|l| l.from != l.to || l.kind == LinkKind::Step)
            .map(|l| Relation {
                from: l.from,
                to: l.to,
                label: l.label.clone(),
                protocol: l.protocol.clone(),
                is_async: l.is_async || matches!(l.kind, LinkKind::Publishes | LinkKind::Subscribes),
                flow: l.flow,
            })
            .filter(|r| self.is_node(r.from) && self.is_node(r.to))
            .collect()
    }

    pub fn is_node(&self, id: ElementId) -> bool {
        self.model.get(id).is_some_and(|e| !e.from_std && NODE_KINDS.contains(&e.kind))
    }

    pub fn name(&self, id: ElementId) -> &'m str {
        self.model.get(id).map_or("?", |e| e.name.as_str())
    }
}

/// One line describing an element: its summary, else its first responsibility.
pub fn description(e: &Element) -> Option<String> {
    e.text("summary").map(str::to_string).or_else(|| match e.attr("does").and_then(|a| a.first()).map(|v| &v.val) {
        Some(Val::Text(t)) => Some(t.to_string()),
        _ => None,
    })
}

/// Free-text technology: text, a keyword, or a catalogue entry's title.
pub fn technology(model: &Model, e: &Element) -> Option<String> {
    match e.value("tech")? {
        Val::Text(t) => Some(t.to_string()),
        Val::Word(t) => Some(t.to_string()),
        Val::Ref(id) => model.get(*id).map(|t| t.title().to_string()),
        _ => None,
    }
}

/// The element's `tags` values.
pub fn tags(e: &Element) -> Vec<String> {
    e.attrs_named("tags")
        .flat_map(|a| a.values())
        .filter_map(|v| match &v.val {
            Val::Text(t) => Some(t.to_string()),
            Val::Word(t) => Some(t.to_string()),
            _ => None,
        })
        .collect()
}
