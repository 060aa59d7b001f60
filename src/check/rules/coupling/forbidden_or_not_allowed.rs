//! CPL003 forbidden-or-not-allowed: A link matching a forbidden dependency pattern.

use std::collections::BTreeSet;

use super::{code, is_component, user_kind};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static FORBIDDEN_DEPENDENCY: Rule = Rule {
    code: code("CPL003", "forbidden-or-not-allowed", Severity::Error, "A link matching a forbidden dependency pattern."),
    category: Category::Coupling,
    explanation: "Some dependencies are wrong whatever the rest of the design: frontends and mobile apps never talk to databases, and nothing running in an untrusted zone (trust `none`, or a zone marked `internet`) reaches a datastore directly. Such a link puts credentials for the store on devices or hosts you do not control and lets anyone who extracts them bypass every rule of the owning service. Go through a service that owns the store and exposes an interface. These two patterns are the built-in defaults; user-defined `forbidden` and `allowed` patterns (from, to, via) are not configurable yet, since `arch.toml` only carries numeric rule options.",
    bad: "component app {\n  kind mobile\n  uses orders_db { access read }\n}\ndatastore orders_db\n",
    good: "component app {\n  kind mobile\n  uses orders sync { timeout 1s circuit-breaker }\n}\ncomponent orders {\n  uses orders_db { access read }\n}\ndatastore orders_db\n",
    options: &[],
    run: forbidden_dependency,
};

fn forbidden_dependency(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deps = &cx.facts.deps;
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for (_, l) in deps.links(cx.facts) {
        if !is_component(cx, l.from) || user_kind(cx, l.to) != Some(DeclKind::Datastore) {
            continue;
        }
        let kind = cx.kind_word(l.from).filter(|k| matches!(*k, "frontend" | "mobile" | "spa" | "desktop"));
        let zone = cx.facts.zone_of(l.from).filter(|z| cx.zones.trust(*z) == Some(0) || cx.zones.is_internet(*z));
        let why = match (kind, zone) {
            (Some(k), _) => format!("{k} `{}`", cx.name(l.from)),
            (None, Some(z)) => format!("`{}` in untrusted zone `{}`", cx.name(l.from), cx.name(z)),
            (None, None) => continue,
        };
        if !seen.insert((l.from, l.to)) {
            continue;
        }
        acc.push(
            cx.finding(&FORBIDDEN_DEPENDENCY, format!("{why} accesses datastore `{}` directly", cx.name(l.to)), l.span, "forbidden: client to database", &[l.from, l.to])
                .with_help("call a service that owns the datastore through its interface instead")
                .with_note("built-in pattern: frontends, mobile apps and components in untrusted zones never reach a datastore directly"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::messages;

    #[test]
    fn untrusted_zones_do_not_reach_datastores() {
        let text = "zone dmz { trust none }\ncomponent kiosk { zone dmz uses db { access read } }\ndatastore db { zone dmz }\n";
        assert_eq!(
            messages("CPL003", text),
            vec!["`kiosk` in untrusted zone `dmz` accesses datastore `db` directly [kiosk,db]"]
        );
    }
}
