//! CPL009 inappropriate-intimacy: Two components that work on almost the same data.

use std::collections::{BTreeMap, BTreeSet};

use super::{code, components, user_kind};
use crate::check::shared::{count, name_list, team_of};
use crate::check::{Category, Ctx, Rule, RuleOption};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

/// `[rules.CPL009] min-shared-percent`.
pub const INAPPROPRIATE_INTIMACY_MIN_SHARED_PERCENT: RuleOption = RuleOption {
    rule: "CPL009",
    name: "min-shared-percent",
    default: 80,
    doc: "Share of the larger data set two components must exceed.",
};

/// `[rules.CPL009] min-shared`.
pub const INAPPROPRIATE_INTIMACY_MIN_SHARED: RuleOption = RuleOption {
    rule: "CPL009",
    name: "min-shared",
    default: 2,
    doc: "Fewest shared data items before the rule reports.",
};

pub static INAPPROPRIATE_INTIMACY: Rule = Rule {
    code: code("CPL009", "inappropriate-intimacy", Severity::Warning, "Two components that work on almost the same data."),
    category: Category::Coupling,
    explanation: "Two components whose data items overlap almost entirely are one service split in two, or one reaching into the other's data: every change to the data changes both, and they must be deployed together. A component's data items are those it `owns` and those held by the datastores and caches it uses. The rule reports a pair that shares more than `min-shared-percent` (80) of the larger set and at least `min-shared` (2) items. Two components of the same team are taken as deployables of one service (an API and its batch job) and are not reported. Merge them, or give one of them the data and let the other call it. Data, and datastores, used by more than 50 components are common vocabulary and are ignored.",
    bad: "data Order {\n  classification internal\n}\ndata Payment {\n  classification internal\n}\ndatastore shop_db {\n  holds Order, Payment\n}\ncomponent orders {\n  uses shop_db { access read-write }\n}\ncomponent payments {\n  uses shop_db { access read-write }\n}\n",
    good: "data Order {\n  classification internal\n}\ndata Payment {\n  classification internal\n}\ndatastore orders_db {\n  holds Order\n}\ndatastore payments_db {\n  holds Payment\n}\ncomponent orders {\n  uses orders_db { access read-write }\n}\ncomponent payments {\n  uses payments_db { access read-write }\n}\n",
    options: &[
        INAPPROPRIATE_INTIMACY_MIN_SHARED_PERCENT,
        INAPPROPRIATE_INTIMACY_MIN_SHARED,
    ],
    run: inappropriate_intimacy,
};

/// Data used by more components than this is common vocabulary, not intimacy.
const MAX_SHARERS: usize = 50;

fn inappropriate_intimacy(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let pct = cx.option(&INAPPROPRIATE_INTIMACY_MIN_SHARED_PERCENT);
    let min_shared = cx.option(&INAPPROPRIATE_INTIMACY_MIN_SHARED).max(1) as usize;
    let deps = &cx.facts.deps;
    let comps = components(cx);
    let teams: Vec<Option<ElementId>> = comps.iter().map(|c| team_of(cx, *c)).collect();
    let mut position = vec![None; cx.model.elements.len()];
    for (i, c) in comps.iter().enumerate() {
        position[c.0 as usize] = Some(i);
    }
    let pos = |id: &ElementId| position.get(id.0 as usize).copied().flatten();
    let mut items: Vec<BTreeSet<ElementId>> = vec![BTreeSet::new(); comps.len()];
    for (i, c) in comps.iter().enumerate() {
        if let Some(e) = cx.model.get(*c) {
            items[i].extend(e.references("owns"));
        }
    }
    let mut store_users: BTreeMap<ElementId, BTreeSet<ElementId>> = BTreeMap::new();
    for (_, l) in deps.links(cx.facts) {
        if pos(&l.from).is_some() && matches!(user_kind(cx, l.to), Some(DeclKind::Datastore | DeclKind::Cache)) {
            store_users.entry(l.to).or_default().insert(l.from);
        }
    }
    // A store used by more components than the cap holds common vocabulary; skipping it keeps the
    // item sets linear in the links.
    for (store, comps) in store_users.iter().filter(|(_, c)| c.len() <= MAX_SHARERS) {
        let Some(e) = cx.model.get(*store) else { continue };
        for c in comps {
            if let Some(a) = pos(c) {
                items[a].extend(e.references("holds"));
            }
        }
    }
    // Inverted index: data -> components using it; pairs counted through it.
    let mut users: BTreeMap<ElementId, Vec<usize>> = BTreeMap::new();
    for (i, set) in items.iter().enumerate() {
        for d in set {
            users.entry(*d).or_default().push(i);
        }
    }
    let mut shared: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for list in users.values().filter(|l| l.len() >= 2 && l.len() <= MAX_SHARERS) {
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                *shared.entry((a.min(b), a.max(b))).or_insert(0) += 1;
            }
        }
    }
    for ((a, b), n) in shared {
        let larger = items[a].len().max(items[b].len());
        if n < min_shared || (n as u64) * 100 <= pct * larger as u64 || (teams[a].is_some() && teams[a] == teams[b]) {
            continue;
        }
        let (ca, cb) = (comps[a], comps[b]);
        let common: Vec<ElementId> = items[a].intersection(&items[b]).copied().collect();
        acc.push(
            cx.finding(
                &INAPPROPRIATE_INTIMACY,
                format!(
                    "`{}` and `{}` share {} ({} and {} in all)",
                    cx.name(ca),
                    cx.name(cb),
                    count(n, "data item"),
                    items[a].len(),
                    items[b].len()
                ),
                cx.span_of(ca),
                "intimate with another component",
                &[ca, cb],
            )
            .with_secondary(cx.span_of(cb), format!("shares {} with `{}`", count(n, "data item"), cx.name(ca)))
            .with_note(format!("shared: {}", name_list(cx, &common, 6)))
            .with_help("merge the two components, or give the data to one of them and let the other call it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::messages;

    #[test]
    fn intimacy_ignores_a_single_shared_item() {
        let text = "data O { classification internal }\ndatastore db { holds O }\ncomponent a { uses db }\ncomponent b { uses db }\n";
        assert!(messages("CPL009", text).is_empty());
    }
}
