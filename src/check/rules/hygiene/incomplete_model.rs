//! HYG008 incomplete-model: A security-relevant attribute is missing or still a `?` hole.

use std::collections::BTreeMap;

use super::code;
use crate::analysis::facts::HolePlace;
use crate::check::{Category, Ctx, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static INCOMPLETE_MODEL: Rule = Rule {
    code: code("HYG008", "incomplete-model", Severity::Warning, "A security-relevant attribute is missing or still a `?` hole."),
    category: Category::Hygiene,
    explanation: "Rules cannot judge what the model does not say. A `?` hole, a link crossing zones without a protocol or authentication, or a component without a zone in a model that has zones is reported once here, as a gap, instead of as a cascade of findings from every rule that needs it.",
    bad: "risk outage {\n  likelihood low\n  contingency ?\n}\n",
    good: "risk outage {\n  likelihood low\n  contingency \"Fail over to the standby region\"\n}\n",
    options: &[],
    run: incomplete_model,
};

/// The holes of each element as HYG008 names them: `contingency`, `uses.timeout`,
/// `GET /x`, `step 2 (source, latency)`; from the analysis facts, in declaration order.
fn holes_by_element(cx: &Ctx<'_>) -> BTreeMap<ElementId, Vec<String>> {
    let mut out: BTreeMap<ElementId, Vec<String>> = BTreeMap::new();
    let mut steps: BTreeMap<(ElementId, usize), Vec<String>> = BTreeMap::new();
    for h in &cx.facts.holes {
        let Some(e) = cx.model.get(h.element) else { continue };
        match &h.place {
            HolePlace::Attr { path, .. } => out.entry(h.element).or_default().push(path.join(".")),
            HolePlace::Endpoint { endpoint, option } => {
                let Some(ep) = e.endpoints.get(*endpoint) else { continue };
                let name = match option {
                    Some(o) => format!("{} {}.{o}", ep.method, ep.target),
                    None => format!("{} {}", ep.method, ep.target),
                };
                let list = out.entry(h.element).or_default();
                if !list.contains(&name) {
                    list.push(name);
                }
            }
            HolePlace::StepEnd { step, to } => {
                steps.entry((h.element, *step)).or_default().push(if *to { "target" } else { "source" }.to_string())
            }
            HolePlace::StepOption { step, path } => steps.entry((h.element, *step)).or_default().push(path.join(".")),
        }
    }
    for ((element, step), sub) in steps {
        out.entry(element).or_default().push(format!("step {} ({})", step + 1, sub.join(", ")));
    }
    out
}

fn incomplete_model(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let has_zones = cx.of_kind(DeclKind::Zone).next().is_some();
    let mut holes_of = holes_by_element(cx);
    for (id, e) in cx.model.iter().filter(|(_, e)| !e.from_std) {
        let holes = holes_of.remove(&id).unwrap_or_default();
        // Trust rules place every participant of a link: runnable elements, actors and externals.
        let missing_zone = has_zones
            && matches!(
                e.kind,
                DeclKind::Component
                    | DeclKind::Datastore
                    | DeclKind::Queue
                    | DeclKind::Topic
                    | DeclKind::Cache
                    | DeclKind::Actor
                    | DeclKind::External
            )
            && e.attr("zone").is_none()
            // A component of a container runs in the container's zone.
            && cx.facts.zone_of(id).is_none();
        if holes.is_empty() && !missing_zone {
            continue;
        }
        let mut parts = Vec::new();
        if !holes.is_empty() {
            parts.push(format!("still to be filled: {}", holes.join(", ")));
        }
        if missing_zone {
            parts.push("no `zone`".to_string());
        }
        acc.push(
            cx.finding(
                &INCOMPLETE_MODEL,
                format!("{} `{}` is incomplete: {}", e.kind.noun(), e.name, parts.join("; ")),
                e.name_span,
                "gap",
                &[id],
            )
            .with_help("fill the holes, and give every component, store, actor and external system its zone")
            .with_note("rules that need these attributes skip this element until then"),
        );
    }
    // Links crossing zones need a protocol and an authentication mode.
    for l in &cx.facts.links {
        let LinkOrigin::Step { flow, .. } = l.origin else { continue };
        let (Some(a), Some(b)) = (cx.facts.zone_of(l.from), cx.facts.zone_of(l.to)) else { continue };
        if a == b {
            continue;
        }
        // A protocol or auth written with a bad value is the parser's finding, not a gap.
        let stated = |name: &str| l.unreadable.contains(&name);
        let mut missing = Vec::new();
        if l.protocol.is_none() && !stated("protocol") {
            missing.push("protocol");
        }
        // A reply travels back over the caller's connection: it has no authentication of its own.
        if l.auth.is_none() && !stated("auth") && !l.reply {
            missing.push("auth");
        }
        if missing.is_empty() {
            continue;
        }
        acc.push(
            cx.finding(
                &INCOMPLETE_MODEL,
                format!(
                    "step `{} -> {}` crosses from zone `{}` to `{}` without {}",
                    cx.name(l.from),
                    cx.name(l.to),
                    cx.name(a),
                    cx.name(b),
                    missing.join(" or ")
                ),
                l.span,
                "crossing a trust boundary",
                &[flow, l.from, l.to],
            )
            .with_help("say how the step travels, e.g. `https auth jwt`, so the security rules can judge it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{check_source, messages_of as messages};

    const CROSSING: &str = "zone dmz { trust low }\nzone core { trust high }\nactor user { zone dmz }\ncomponent api { zone core }\nflow f {\n  user -> api protocol htps auth jwt\n}\n";

    #[test]
    fn a_protocol_that_failed_to_parse_is_not_a_missing_one() {
        let all = check_source(CROSSING);
        let about: Vec<&str> = all.iter().filter(|d| d.message.contains("htps")).map(|d| d.code.id).collect();
        assert_eq!(about.len(), 1, "the bad value is reported once: {about:?}");
        assert!(
            !messages("HYG008", CROSSING).iter().any(|m| m.contains("without protocol")),
            "{:?}",
            messages("HYG008", CROSSING)
        );
        // A protocol that is not written at all is still a gap.
        let unwritten = CROSSING.replace(" protocol htps", "");
        assert!(messages("HYG008", &unwritten).iter().any(|m| m.ends_with("without protocol")));
    }
}
