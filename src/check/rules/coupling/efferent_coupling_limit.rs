//! CPL008 efferent-coupling-limit: A component with too many synchronous dependencies or callers.

use super::{code, components};
use crate::analysis::graphs::sort_by_path;
use crate::analysis::ranges::Ranges;
use crate::check::shared::{count, name_list};
use crate::check::{Category, Ctx, Rule, RuleOption};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

/// `[rules.CPL008] max-fan-out`.
pub const EFFERENT_COUPLING_LIMIT_MAX_FAN_OUT: RuleOption = RuleOption {
    rule: "CPL008",
    name: "max-fan-out",
    default: 7,
    doc: "Most distinct synchronous targets of a component.",
};

/// `[rules.CPL008] max-fan-in`.
pub const EFFERENT_COUPLING_LIMIT_MAX_FAN_IN: RuleOption = RuleOption {
    rule: "CPL008",
    name: "max-fan-in",
    default: 10,
    doc: "Most distinct synchronous callers of a component.",
};

pub static EFFERENT_COUPLING_LIMIT: Rule = Rule {
    code: code("CPL008", "efferent-coupling-limit", Severity::Note, "A component with too many synchronous dependencies or callers."),
    category: Category::Coupling,
    explanation: "Every synchronous dependency is something that must be up, fast and compatible for the component to answer: with more than `max-fan-out` (7) distinct synchronous targets (components, stores, caches, externals) its availability is the product of theirs and it is likely doing too much. With more than `max-fan-in` (10) distinct synchronous callers it is a bottleneck that few can change. Both thresholds are ours (no published source) and configurable.",
    bad: "component busy {\n  uses a sync { timeout 1s circuit-breaker }\n  uses b sync { timeout 1s circuit-breaker }\n  uses c sync { timeout 1s circuit-breaker }\n  uses d sync { timeout 1s circuit-breaker }\n  uses e sync { timeout 1s circuit-breaker }\n  uses f sync { timeout 1s circuit-breaker }\n  uses g sync { timeout 1s circuit-breaker }\n  uses h sync { timeout 1s circuit-breaker }\n}\ncomponent a\ncomponent b\ncomponent c\ncomponent d\ncomponent e\ncomponent f\ncomponent g\ncomponent h\n",
    good: "component busy {\n  uses a sync { timeout 1s circuit-breaker }\n  uses b sync { timeout 1s circuit-breaker }\n  uses c sync { timeout 1s circuit-breaker }\n  uses d sync { timeout 1s circuit-breaker }\n  uses e sync { timeout 1s circuit-breaker }\n  uses f sync { timeout 1s circuit-breaker }\n  uses g sync { timeout 1s circuit-breaker }\n  uses h async\n}\ncomponent a\ncomponent b\ncomponent c\ncomponent d\ncomponent e\ncomponent f\ncomponent g\ncomponent h\n",
    options: &[
        EFFERENT_COUPLING_LIMIT_MAX_FAN_OUT,
        EFFERENT_COUPLING_LIMIT_MAX_FAN_IN,
    ],
    run: efferent_coupling_limit,
};

fn efferent_coupling_limit(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let max_out = cx.option(&EFFERENT_COUPLING_LIMIT_MAX_FAN_OUT) as usize;
    let max_in = cx.option(&EFFERENT_COUPLING_LIMIT_MAX_FAN_IN) as usize;
    let deps = &cx.facts.deps;
    // Distinct synchronous dependencies of every element, both ways, by element index, kept
    // flat: a list per element would cost a header each and an allocation per caller.
    let n = cx.model.elements.len();
    let known = |id: ElementId| (id.0 as usize) < n;
    let sync = deps.links(cx.facts).map(|(_, l)| l).filter(|l| !l.is_async && known(l.from) && known(l.to));
    let out = Ranges::from_pairs(n, sync.clone().map(|l| (l.from.0 as usize, l.to))).into_sets();
    let inn = Ranges::from_pairs(n, sync.map(|l| (l.to.0 as usize, l.from))).into_sets();
    for &c in components(cx) {
        let (Some(o), Some(i)) = (out.get(c.0 as usize), inn.get(c.0 as usize)) else { continue };
        if o.len() <= max_out && i.len() <= max_in {
            continue;
        }
        let by_name = |s: &[ElementId]| {
            let mut v = s.to_vec();
            sort_by_path(cx.model, &mut v);
            v
        };
        let (targets, callers) = (by_name(o), by_name(i));
        let mut parts = Vec::new();
        let mut notes = Vec::new();
        if targets.len() > max_out {
            parts.push(format!("{} (limit {max_out})", count(targets.len(), "synchronous dependency")));
            notes.push(format!("it calls {}", name_list(cx, &targets, 10)));
        }
        if callers.len() > max_in {
            parts.push(format!("{} (limit {max_in})", count(callers.len(), "synchronous caller")));
            notes.push(format!("it is called by {}", name_list(cx, &callers, 10)));
        }
        if parts.is_empty() {
            continue;
        }
        let mut d = cx.finding(
            &EFFERENT_COUPLING_LIMIT,
            format!("`{}` has {}", cx.name(c), parts.join(" and ")),
            cx.span_of(c),
            "too many synchronous links",
            &[c],
        );
        for n in notes {
            d = d.with_note(n);
        }
        acc.push(d.with_help(
            "split the component, aggregate related calls behind one interface, or make some of them asynchronous",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check_with_config, messages, uses};

    #[test]
    fn fan_in_limit_counts_distinct_callers() {
        let mut text = String::from("component core\n");
        for i in 0..11 {
            text.push_str(&uses(&format!("c{i:02}"), &["core", "core"]));
        }
        assert_eq!(messages("CPL008", &text), vec!["`core` has 11 synchronous callers (limit 10) [core]"]);
    }

    #[test]
    fn thresholds_come_from_the_configuration() {
        let text = [uses("a", &["b", "c", "d"]), "component b\ncomponent c\ncomponent d\n".to_string()].concat();
        assert!(messages("CPL008", &text).is_empty());
        let on = check_with_config("[rules.efferent-coupling-limit]\nmax-fan-out = 2\n", &text);
        assert_eq!(on.iter().filter(|d| d.code.id == "CPL008").count(), 1);
    }
}
