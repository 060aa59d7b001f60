//! HYG012 boundary-cycle: Zones nested in a cycle, or a zone with two parents.

use super::code;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static BOUNDARY_CYCLE: Rule = Rule {
    code: code("HYG012", "boundary-cycle", Severity::Error, "Zones nested in a cycle, or a zone with two parents."),
    category: Category::Hygiene,
    explanation: "Zone nesting must form a tree: trust levels and internet exposure are inherited along it. A zone that is its own ancestor, or that is nested in one zone but names another as `parent`, has no well-defined trust.",
    bad: "zone a { parent b }\nzone b { parent a }\n",
    good: "zone a { parent b }\nzone b\n",
    options: &[],
    run: boundary_cycle,
};

fn boundary_cycle(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let zones: Vec<ElementId> = cx.of_kind(DeclKind::Zone).map(|(id, _)| id).collect();
    let mut reported = std::collections::BTreeSet::new();
    for &z in &zones {
        let Some(e) = cx.model.get(z) else { continue };
        let nested_in = e.parent.filter(|p| cx.model.get(*p).is_some_and(|pe| pe.kind == DeclKind::Zone));
        if let (Some(n), Some(attr)) = (nested_in, e.reference("parent")) {
            if n != attr {
                acc.push(
                    cx.finding(
                        &BOUNDARY_CYCLE,
                        format!(
                            "zone `{}` is nested in `{}` but names `{}` as parent",
                            e.name,
                            cx.name(n),
                            cx.name(attr)
                        ),
                        e.name_span,
                        "two parents",
                        &[z],
                    )
                    .with_help("keep one: either the nesting or the `parent` attribute"),
                );
            }
        }
        // Walk up; a cycle returns to a zone already on the path.
        let mut path = vec![z];
        let mut cur = z;
        while let Some(p) = cx.zones.parent(cur) {
            if let Some(pos) = path.iter().position(|x| *x == p) {
                let cycle: Vec<ElementId> = path[pos..].to_vec();
                let min = cycle.iter().copied().min().unwrap_or(z);
                if reported.insert(min) {
                    let names: Vec<String> = cycle.iter().map(|c| cx.name(*c)).collect();
                    acc.push(
                        cx.finding(
                            &BOUNDARY_CYCLE,
                            format!("zones nest in a cycle: {} -> {}", names.join(" -> "), cx.name(p)),
                            cx.span_of(min),
                            "part of the cycle",
                            &[min],
                        )
                        .with_help("remove one `parent` so that the zones form a tree"),
                    );
                }
                break;
            }
            if path.len() > 256 {
                break;
            }
            path.push(p);
            cur = p;
        }
    }
}
