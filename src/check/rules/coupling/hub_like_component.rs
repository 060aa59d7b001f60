//! CPL007 hub-like-component: A component with both many dependents and many dependencies.

use super::code;
use crate::check::shared::count;
use crate::check::{Category, Ctx, Rule, RuleOption};
use crate::diagnostics::{Diagnostic, Severity};

/// `[rules.CPL007] min-degree`.
pub const HUB_LIKE_COMPONENT_MIN_DEGREE: RuleOption = RuleOption {
    rule: "CPL007",
    name: "min-degree",
    default: 3,
    doc: "Fewest dependents and fewest dependencies a hub has.",
};

pub static HUB_LIKE_COMPONENT: Rule = Rule {
    code: code("CPL007", "hub-like-component", Severity::Warning, "A component with both many dependents and many dependencies."),
    category: Category::Coupling,
    explanation: "A hub has both more dependents and more dependencies than the typical component, in similar numbers: changes flow into it from every side and out of it to every side, it is a single point of failure, and it tends to grow into an enterprise service bus that knows everybody's business. The rule reports a component whose fan-in and fan-out (distinct components) are both above the model's medians and at least `min-degree` (3), and differ by less than a quarter of their sum. Split it by responsibility, or replace point-to-point calls with events.",
    bad: "component a {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent b {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent c {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent hub {\n  uses x sync { timeout 1s circuit-breaker }\n  uses y sync { timeout 1s circuit-breaker }\n  uses z sync { timeout 1s circuit-breaker }\n}\ncomponent x\ncomponent y\ncomponent z\n",
    good: "component a {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent b {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent c {\n  uses hub sync { timeout 1s circuit-breaker }\n}\ncomponent hub {\n  uses x sync { timeout 1s circuit-breaker }\n}\ncomponent x\ncomponent y {\n  standalone\n}\ncomponent z {\n  standalone\n}\n",
    options: &[HUB_LIKE_COMPONENT_MIN_DEGREE],
    run: hub_like_component,
};

fn median(mut v: Vec<usize>) -> f64 {
    v.sort_unstable();
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2] as f64,
        n => (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0,
    }
}

fn hub_like_component(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min = cx.option(&HUB_LIKE_COMPONENT_MIN_DEGREE) as usize;
    let g = cx.facts.component_graph(cx.model);
    let med_in = median((0..g.comps.len()).map(|v| g.fan_in(v)).collect());
    let med_out = median((0..g.comps.len()).map(|v| g.fan_out(v)).collect());
    for v in 0..g.comps.len() {
        let (fi, fo) = (g.fan_in(v), g.fan_out(v));
        if fi < min || fo < min || fi as f64 <= med_in || fo as f64 <= med_out || 4 * fi.abs_diff(fo) >= fi + fo {
            continue;
        }
        let c = g.comps[v];
        acc.push(
            cx.finding(
                &HUB_LIKE_COMPONENT,
                format!("`{}` is a hub: {} depend on it and it depends on {fo}", cx.name(c), count(fi, "component")),
                cx.span_of(c),
                "hub",
                &[c],
            )
            .with_note(format!("median fan-in {med_in}, median fan-out {med_out}"))
            .with_help("split it by responsibility, or let its dependents and dependencies talk through events"),
        );
    }
}
