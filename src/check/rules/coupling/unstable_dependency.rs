//! CPL006 unstable-dependency: A component that depends mostly on components less stable than itself.

use super::code;
use crate::check::shared::count;
use crate::check::{Category, Ctx, Rule, RuleOption};
use crate::diagnostics::{Diagnostic, Severity};

/// `[rules.CPL006] max-percent`.
pub const UNSTABLE_DEPENDENCY_MAX_PERCENT: RuleOption = RuleOption {
    rule: "CPL006",
    name: "max-percent",
    default: 30,
    doc: "Largest share (percent) of dependencies that may target less stable components.",
};

/// `[rules.CPL006] min-dependencies`.
pub const UNSTABLE_DEPENDENCY_MIN_DEPENDENCIES: RuleOption = RuleOption {
    rule: "CPL006",
    name: "min-dependencies",
    default: 3,
    doc: "Fewest dependencies on components before the rule applies.",
};

pub static UNSTABLE_DEPENDENCY: Rule = Rule {
    code: code("CPL006", "unstable-dependency", Severity::Warning, "A component that depends mostly on components less stable than itself."),
    category: Category::Coupling,
    explanation: "Dependencies should point towards stability (the stable dependencies principle): a component's instability is I = Ce / (Ca + Ce), its outgoing dependencies over all its dependencies, and a component that many others rely on should not itself rely on components that change more easily than it does, or their churn ripples into all its dependents. The rule reports a component when more than `max-percent` (30) of its dependencies on other components target components of higher instability, once it has at least `min-dependencies` (3) of them. Dependencies are distinct components reached by `uses` or flow steps, sync or async.",
    bad: "component core {\n  uses a sync { timeout 1s circuit-breaker }\n  uses b sync { timeout 1s circuit-breaker }\n  uses flaky sync { timeout 1s circuit-breaker }\n}\ncomponent web {\n  uses core sync { timeout 1s circuit-breaker }\n}\ncomponent admin {\n  uses core sync { timeout 1s circuit-breaker }\n}\ncomponent a\ncomponent b\ncomponent flaky {\n  uses x sync { timeout 1s circuit-breaker }\n  uses y sync { timeout 1s circuit-breaker }\n}\ncomponent x\ncomponent y\n",
    good: "component core {\n  uses a sync { timeout 1s circuit-breaker }\n  uses b sync { timeout 1s circuit-breaker }\n  uses flaky sync { timeout 1s circuit-breaker }\n}\ncomponent web {\n  uses core sync { timeout 1s circuit-breaker }\n}\ncomponent admin {\n  uses core sync { timeout 1s circuit-breaker }\n}\ncomponent a\ncomponent b\ncomponent flaky {\n  uses x sync { timeout 1s circuit-breaker }\n}\ncomponent x\ncomponent y {\n  standalone\n}\n",
    options: &[
        UNSTABLE_DEPENDENCY_MAX_PERCENT,
        UNSTABLE_DEPENDENCY_MIN_DEPENDENCIES,
    ],
    run: unstable_dependency,
};

fn unstable_dependency(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let max_pct = cx.option(&UNSTABLE_DEPENDENCY_MAX_PERCENT);
    let min_deps = cx.option(&UNSTABLE_DEPENDENCY_MIN_DEPENDENCIES).max(1) as usize;
    let g = cx.facts.component_graph(cx.model);
    for v in 0..g.comps.len() {
        let ce = g.fan_out(v);
        if ce < min_deps {
            continue;
        }
        let mine = g.instability(v);
        let worse: Vec<(usize, usize)> = g.depends_on(v).filter(|(t, _)| g.instability(*t) > mine + 1e-9).collect();
        if (worse.len() as u64) * 100 <= max_pct * ce as u64 {
            continue;
        }
        let c = g.comps[v];
        let mut d = cx.finding(
            &UNSTABLE_DEPENDENCY,
            format!(
                "`{}` depends on {} less stable than itself, out of {ce}",
                cx.name(c),
                count(worse.len(), "component")
            ),
            cx.span_of(c),
            format!("instability {mine:.2}"),
            &[c],
        );
        for (t, li) in &worse {
            if let Some(l) = cx.facts.links.get(*li) {
                d = d.with_secondary(
                    l.span,
                    format!("`{}` has instability {:.2}", cx.name(g.comps[*t]), g.instability(*t)),
                );
            }
        }
        acc.push(d.with_help("depend on stable abstractions: put an interface owned by this component between it and the volatile ones, or move the volatile logic behind a stable component"));
    }
}
