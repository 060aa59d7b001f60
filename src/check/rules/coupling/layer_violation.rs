//! CPL002 layer-violation: A link between components whose layers may not depend on each other.

use std::collections::{BTreeMap, BTreeSet};

use super::{code, is_component};
use crate::check::shared::Memo;
use crate::check::{Category, Ctx, LinkOrigin, Rule, RuleOption};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

/// `[rules.CPL002] ensure-all-layered`.
pub const LAYER_VIOLATION_ENSURE_ALL_LAYERED: RuleOption = RuleOption {
    rule: "CPL002",
    name: "ensure-all-layered",
    default: 0,
    doc: "1 reports components without a `layer` that take part in links between components.",
};

pub static LAYER_VIOLATION: Rule = Rule {
    code: code("CPL002", "layer-violation", Severity::Error, "A link between components whose layers may not depend on each other."),
    category: Category::Coupling,
    explanation: "Layers keep dependencies pointing one way, so that what changes often (presentation) depends on what is stable (business rules, data), never the reverse. The allowed dependencies are: presentation -> presentation, business, cross-cutting; business -> business, data, infrastructure, cross-cutting; infrastructure -> infrastructure, data, cross-cutting; data -> data, cross-cutting; cross-cutting -> infrastructure, data, cross-cutting. A `uses` or flow step between components whose layers are not in this list is reported. A layer may always depend on itself (as in ArchUnit's layered architecture), so an edge proxy may forward to the pages it fronts. Links from or to a load balancer, ingress or proxy (kind `load-balancer`, `ingress`, `proxy`, or a proxy technology) are skipped: relays are infrastructure in front of any layer. So are build, deployment and maintenance links (`usage devops`) and the links of test tooling (`kind tooling`). A model replaces this matrix with a custom rule, `rule my_layers layers { replaces layer-violation  allow presentation business ... }`, whose `allow` lines then are the only dependencies allowed between layers. Components without a `layer` are skipped unless the option `ensure-all-layered` is 1, which then reports each unlayered component on a link between components.",
    bad: "component web {\n  layer presentation\n  uses orders_repo sync { timeout 1s circuit-breaker }\n}\ncomponent orders_repo {\n  layer data\n}\n",
    good: "component web {\n  layer presentation\n  uses orders sync { timeout 1s circuit-breaker }\n}\ncomponent orders {\n  layer business\n  uses orders_repo sync { timeout 1s circuit-breaker }\n}\ncomponent orders_repo {\n  layer data\n}\n",
    options: &[LAYER_VIOLATION_ENSURE_ALL_LAYERED],
    run: layer_violation,
};

/// The default layer matrix: what each layer may depend on.
const LAYER_ALLOWS: &[(&str, &[&str])] = &[
    ("presentation", &["presentation", "business", "cross-cutting"]),
    ("business", &["business", "data", "infrastructure", "cross-cutting"]),
    ("infrastructure", &["infrastructure", "data", "cross-cutting"]),
    ("data", &["data", "cross-cutting"]),
    ("cross-cutting", &["infrastructure", "data", "cross-cutting"]),
];

/// The matrix in force: a `layers` rule with `replaces layer-violation`, else the default.
struct Matrix {
    custom: Option<(String, BTreeMap<String, BTreeSet<String>>)>,
}

impl Matrix {
    /// `None` when the layer `from` is unknown to the default matrix.
    fn allows(&self, from: &str, to: &str) -> Option<bool> {
        match &self.custom {
            // A layer may always depend on itself.
            Some((_, m)) => Some(from == to || m.get(from).is_some_and(|ok| ok.contains(to))),
            None => LAYER_ALLOWS.iter().find(|(l, _)| *l == from).map(|(_, allowed)| allowed.contains(&to)),
        }
    }

    fn allowed(&self, from: &str) -> String {
        match &self.custom {
            Some((_, m)) => std::iter::once(from.to_string())
                .chain(m.get(from).into_iter().flatten().filter(|l| *l != from).cloned())
                .collect::<Vec<_>>()
                .join(", "),
            None => LAYER_ALLOWS.iter().find(|(x, _)| *x == from).map(|(_, v)| v.join(", ")).unwrap_or_default(),
        }
    }
}

fn layer_violation(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deps = &cx.facts.deps;
    let ensure = cx.option(&LAYER_VIOLATION_ENSURE_ALL_LAYERED) > 0;
    let matrix = Matrix { custom: crate::check::custom::layer_matrix(cx.model) };
    // Each component's layer is read from the model once, not at every link it takes part in:
    // at 100,000 components the elements no longer fit the cache.
    let mut layers = Memo::new(cx);
    let mut layer = |c: ElementId| layers.get(c, || cx.model.get(c).and_then(|e| e.word("layer")));
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    let mut unlayered: BTreeMap<ElementId, ElementId> = BTreeMap::new();
    for (_, l) in deps.links(cx.facts) {
        if l.origin == LinkOrigin::Event || !is_component(cx, l.from) || !is_component(cx, l.to) {
            continue;
        }
        // A load balancer, ingress or proxy is infrastructure in front of whatever it relays to.
        // A build push or maintenance access (`usage devops`) is no layer dependency either.
        if cx.facts.traits(l.from).relay || cx.facts.traits(l.to).relay || l.devops || cx.facts.traits(l.from).tooling {
            continue;
        }
        let (Some(a), Some(b)) = (layer(l.from), layer(l.to)) else {
            for (x, other) in [(l.from, l.to), (l.to, l.from)] {
                if layer(x).is_none() {
                    unlayered.entry(x).or_insert(other);
                }
            }
            continue;
        };
        if matrix.allows(a, b) != Some(false) || !seen.insert((l.from, l.to)) {
            continue;
        }
        let allowed = matrix.allowed(a);
        let mut d = cx.finding(
                &LAYER_VIOLATION,
                format!("`{}` ({a}) depends on `{}` ({b})", cx.name(l.from), cx.name(l.to)),
                l.span,
                format!("{a} may not depend on {b}"),
                &[l.from, l.to],
            )
            .with_secondary(cx.span_of(l.to), format!("layer {b}"))
            .with_help(format!("{a} may depend on {allowed}; route the call through a component of one of those layers, or correct the `layer`"));
        if let Some((rule, _)) = &matrix.custom {
            d = d.with_note(format!("the layer matrix is the one rule `{rule}` declares"));
        }
        acc.push(d);
    }
    if !ensure {
        return;
    }
    for (c, other) in unlayered {
        acc.push(
            cx.finding(
                &LAYER_VIOLATION,
                format!("component `{}` has no layer", cx.name(c)),
                cx.span_of(c),
                "no `layer`",
                &[c],
            )
            .with_note(format!("it is linked with `{}`, and `ensure-all-layered` is on", cx.name(other)))
            .with_help("add `layer presentation`, `business`, `infrastructure`, `data` or `cross-cutting`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check_with_config, messages};

    #[test]
    fn load_balancers_ingresses_and_proxies_break_no_layer_rule() {
        let text = "component lb {\n  kind load-balancer\n  layer infrastructure\n  uses web sync { timeout 1s circuit-breaker }\n}\ncomponent web {\n  layer presentation\n}\n";
        assert!(messages("CPL002", text).is_empty(), "{:?}", messages("CPL002", text));
        assert!(messages("CPL002", &text.replace("load-balancer", "ingress")).is_empty());
        assert_eq!(messages("CPL002", &text.replace("kind load-balancer", "kind service")).len(), 1);
    }

    #[test]
    fn layers_follow_the_matrix_and_unlayered_components_are_skipped() {
        let text = "component web {\n  layer presentation\n  uses api sync\n  uses util sync\n  uses lonely sync\n}\ncomponent api {\n  layer business\n  uses web sync\n}\ncomponent util { layer cross-cutting }\ncomponent lonely\n";
        assert_eq!(messages("CPL002", text), vec!["`api` (business) depends on `web` (presentation) [api,web]"]);
    }

    #[test]
    fn ensure_all_layered_reports_each_unlayered_component_once() {
        let text = "component web {\n  layer presentation\n  uses api sync\n  uses util sync\n}\ncomponent api {\n  uses util sync\n}\ncomponent util\ncomponent island { standalone }\n";
        assert!(messages("CPL002", text).is_empty());
        let on = check_with_config("[rules.layer-violation]\nensure-all-layered = 1\n", text);
        let mut got: Vec<String> = on.iter().filter(|d| d.code.id == "CPL002").map(|d| d.message.clone()).collect();
        got.sort();
        assert_eq!(got, vec!["component `api` has no layer", "component `util` has no layer"]);
    }
}
