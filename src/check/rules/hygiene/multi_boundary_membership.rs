//! HYG009 multi-boundary-membership: An element placed in two zones that do not nest.

use super::code;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::syntax::schema::DeclKind;

pub static MULTI_BOUNDARY_MEMBERSHIP: Rule = Rule {
    code: code("HYG009", "multi-boundary-membership", Severity::Error, "An element placed in two zones that do not nest."),
    category: Category::Hygiene,
    explanation: "An element's `zone` says where it runs, and a deployment node that runs it says so too. When the two zones are unrelated (neither contains the other), trust-boundary rules cannot know which side of the boundary the element is on.",
    bad: "zone office\nzone cloud\ncomponent ledger { zone office standalone }\ndeployment prod {\n  node vm1 { zone cloud runs ledger }\n}\n",
    good: "zone office\nzone cloud\ncomponent ledger { zone cloud standalone }\ndeployment prod {\n  node vm1 { zone cloud runs ledger }\n}\n",
    options: &[],
    run: multi_boundary_membership,
};

fn multi_boundary_membership(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (node_id, node) in cx.of_kind(DeclKind::Node) {
        let Some(node_zone) = node.reference("zone") else { continue };
        for el in node.references("runs") {
            let Some(el_zone) = cx.model.get(el).and_then(|e| e.reference("zone")) else { continue };
            let nested = cx.zones.chain(el_zone).contains(&node_zone) || cx.zones.chain(node_zone).contains(&el_zone);
            if nested {
                continue;
            }
            acc.push(
                cx.finding(
                    &MULTI_BOUNDARY_MEMBERSHIP,
                    format!(
                        "`{}` is in zone `{}` but node `{}` runs it in zone `{}`",
                        cx.name(el),
                        cx.name(el_zone),
                        cx.name(node_id),
                        cx.name(node_zone)
                    ),
                    node.name_span,
                    "runs it in another zone",
                    &[el, node_id],
                )
                .with_secondary(cx.span_of(el), format!("declared in zone `{}`", cx.name(el_zone)))
                .with_help("make the zones agree, or nest one zone inside the other"),
            );
        }
    }
}
