//! HYG003 interface-not-on-target: A link goes `via` an interface its target does not provide.

use super::code;
use crate::check::{Category, Ctx, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};

pub static INTERFACE_NOT_ON_TARGET: Rule = Rule {
    code: code("HYG003", "interface-not-on-target", Severity::Error, "A link goes `via` an interface its target does not provide."),
    category: Category::Hygiene,
    explanation: "A `uses` or a flow step names the interface it goes through, but the target does not expose that interface. Either the target or the interface is wrong, and rules that read the interface's authentication and data would judge the wrong contract.",
    bad: "component web {\n  uses api sync { via BillingApi timeout 1s circuit-breaker }\n}\ncomponent api\ncomponent billing { exposes BillingApi }\ninterface BillingApi rest\n",
    good: "component web {\n  uses billing sync { via BillingApi timeout 1s circuit-breaker }\n}\ncomponent api\ncomponent billing { exposes BillingApi }\ninterface BillingApi rest\n",
    options: &[],
    run: interface_not_on_target,
};

fn interface_not_on_target(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for l in &cx.facts.links {
        let Some(via) = l.via else { continue };
        if matches!(l.origin, LinkOrigin::Event) || l.to == via {
            continue;
        }
        // A target that exposes it too is a second provider: RES008 reports that line already,
        // and suggesting to add it again would be wrong. The provider is asked first: most links
        // through an interface reach it, and the target's attributes then stay unread.
        let provider = cx.facts.provider.get(&via).copied();
        if provider == Some(l.to) || cx.model.get(l.to).is_some_and(|t| t.references("exposes").any(|i| i == via)) {
            continue;
        }
        let who = provider.map_or("no element".to_string(), |p| format!("`{}`", cx.name(p)));
        let mut d = cx
            .finding(
                &INTERFACE_NOT_ON_TARGET,
                format!("`{}` does not provide `{}`", cx.name(l.to), cx.name(via)),
                l.span,
                format!("goes via `{}`", cx.name(via)),
                &[l.from, l.to, via],
            )
            .with_secondary(cx.span_of(via), format!("provided by {who}"));
        d = d.with_help(match provider {
            Some(p) => {
                format!("point the link at `{}`, or add `exposes {}` to `{}`", cx.name(p), cx.name(via), cx.name(l.to))
            }
            None => format!("add `exposes {}` to `{}`", cx.name(via), cx.name(l.to)),
        });
        acc.push(d);
    }
}
