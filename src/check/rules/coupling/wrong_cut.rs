//! CPL011 wrong-cut: A component that owns far more data than the others of its system.

use std::collections::BTreeMap;

use super::{code, components};
use crate::check::shared::count;
use crate::check::{Category, Ctx, Rule, RuleOption};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

/// `[rules.CPL011] max-owned`.
pub const WRONG_CUT_MAX_OWNED: RuleOption =
    RuleOption { rule: "CPL011", name: "max-owned", default: 10, doc: "Most data items one component may own." };

pub static WRONG_CUT: Rule = Rule {
    code: code("CPL011", "wrong-cut", Severity::Note, "A component that owns far more data than the others of its system."),
    category: Category::Coupling,
    explanation: "A component that is the system of record for much more data than its siblings is usually a god component, or the sign of a cut along technical rather than business lines (one service holding everything, the others thin). The rule reports a component that `owns` more than `max-owned` (10) data items, or at least 3 and more than two standard deviations above the mean of the components of its system (components without a system form one group). Components marked `packaged` (an ERP, a CMS, a directory: products bought, not cut by the team) are left out of the statistics and never reported.",
    bad: "data A {\n  classification internal\n}\ndata B {\n  classification internal\n}\ndata C {\n  classification internal\n}\ncomponent everything {\n  owns A, B, C\n  standalone\n}\ncomponent c1 {\n  standalone\n}\ncomponent c2 {\n  standalone\n}\ncomponent c3 {\n  standalone\n}\ncomponent c4 {\n  standalone\n}\ncomponent c5 {\n  standalone\n}\n",
    good: "data A {\n  classification internal\n}\ndata B {\n  classification internal\n}\ndata C {\n  classification internal\n}\ncomponent everything {\n  owns A, B\n  standalone\n}\ncomponent c1 {\n  owns C\n  standalone\n}\ncomponent c2 {\n  standalone\n}\ncomponent c3 {\n  standalone\n}\ncomponent c4 {\n  standalone\n}\ncomponent c5 {\n  standalone\n}\n",
    options: &[WRONG_CUT_MAX_OWNED],
    run: wrong_cut,
};

fn wrong_cut(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let max = cx.option(&WRONG_CUT_MAX_OWNED) as usize;
    let mut groups: BTreeMap<Option<ElementId>, Vec<(ElementId, usize)>> = BTreeMap::new();
    let mut owned: Vec<ElementId> = Vec::new();
    for &c in components(cx) {
        let Some(e) = cx.model.get(c) else { continue };
        // A packaged product owns what it owns by nature; it is no sample of how the team cut.
        if e.has_flag("packaged") {
            continue;
        }
        // Distinct data owned, counted in one reused list rather than a set per component.
        owned.clear();
        owned.extend(e.references("owns"));
        owned.sort_unstable();
        owned.dedup();
        groups.entry(cx.facts.system_of(c)).or_default().push((c, owned.len()));
    }
    for (system, members) in groups {
        let n = members.len() as f64;
        let mean = members.iter().map(|(_, k)| *k as f64).sum::<f64>() / n;
        let sigma = (members.iter().map(|(_, k)| (*k as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
        for (c, k) in members {
            let outlier = k >= 3 && sigma > 0.0 && k as f64 > mean + 2.0 * sigma;
            if k <= max && !outlier {
                continue;
            }
            let scope =
                system.map_or("components without a system".to_string(), |s| format!("system `{}`", cx.name(s)));
            let why = if k > max {
                format!("limit {max}")
            } else {
                format!("mean of {scope} {mean:.1}, standard deviation {sigma:.1}")
            };
            acc.push(
                cx.finding(
                    &WRONG_CUT,
                    format!("`{}` owns {} ({why})", cx.name(c), count(k, "data item")),
                    cx.span_of(c),
                    "owns too much",
                    &[c],
                )
                .with_help(
                    "split it along business capabilities, each new component owning the data of its capability",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;
    use super::WRONG_CUT;

    #[test]
    fn a_packaged_product_is_no_wrong_cut() {
        assert_eq!(findings("CPL011", WRONG_CUT.bad).len(), 1);
        let packaged = WRONG_CUT.bad.replace("  owns A, B, C\n", "  owns A, B, C\n  packaged\n");
        assert!(findings("CPL011", &packaged).is_empty());
    }
}
