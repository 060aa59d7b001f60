//! The containers that hold components (C4 level 3): a short section after the component
//! overview with each container's components and its component view.

use super::ctx::{plural, Ctx};
use super::doc::{self, fact_item, item, Item};
use super::Out;
use crate::analysis::facts::container_of;
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind as K;

/// "Containers and Their Components", when some component declares components inside it.
pub fn containers(ctx: &Ctx<'_>, out: &mut Out) {
    let containers: Vec<(ElementId, Vec<ElementId>)> = ctx
        .of(K::Component)
        .into_iter()
        .map(|(id, e)| (id, e.children.iter().copied().filter(|c| container_of(ctx.model, *c) == Some(id)).collect()))
        .filter(|(_, parts): &(ElementId, Vec<ElementId>)| !parts.is_empty())
        .collect();
    if containers.is_empty() {
        return;
    }
    out.h(4, "Containers and Their Components");
    out.p(format!(
        "The model breaks {} down into the components it is built from (C4 level 3), each drawn in a component view.",
        plural(containers.len(), "container", "containers")
    ));
    let mut items: Vec<Item> = Vec::new();
    for (id, parts) in &containers {
        let mut head = ctx.link_r(*id);
        if let Some(system) = ctx.facts.system_of(*id) {
            head.push(doc::text(" in system "));
            head.extend(ctx.link_r(system));
        }
        let mut entry = item(head);
        let lines = parts
            .iter()
            .map(|p| {
                let does = ctx.each(ctx.el(*p), "does").into_iter().next().unwrap_or_else(|| doc::plain("not stated"));
                fact_item(&ctx.el(*p).name, does)
            })
            .collect();
        entry.children.push(doc::bullets(lines));
        items.push(entry);
    }
    out.push(doc::bullets(items));
    out.diagrams(ctx, |n| n.starts_with("components-"));
}

/// For a component's entry: the container it is part of, and the system it is declared in when
/// no `system` line says it.
pub fn nesting_facts(ctx: &Ctx<'_>, id: ElementId, items: &mut Vec<Item>) {
    if let Some(c) = container_of(ctx.model, id) {
        items.push(fact_item("Part of", ctx.link_r(c)));
    }
    if ctx.el(id).attr("system").is_none() {
        if let Some(s) = ctx.facts.system_of(id) {
            items.push(fact_item("System", ctx.link_r(s)));
        }
    }
}
