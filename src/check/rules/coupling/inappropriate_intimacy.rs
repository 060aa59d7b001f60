//! CPL009 inappropriate-intimacy: Two components that work on almost the same data.

use super::{code, components, user_kind};
use crate::analysis::ranges::Ranges;
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
    // Positions are u32 in every table here: at 100,000 components they hold hundreds of
    // thousands of pairs, and eight-byte positions doubled them.
    const NOWHERE: u32 = u32::MAX;
    let mut position = vec![NOWHERE; cx.model.elements.len()];
    for (i, c) in comps.iter().enumerate() {
        position[c.0 as usize] = i as u32;
    }
    let pos = |id: &ElementId| position.get(id.0 as usize).copied().filter(|&p| p != NOWHERE);
    // Every structure below is a flat list sorted once, not a set or map per component.
    // (component position, data) for what each component owns, then what its stores hold.
    // What each component `owns`, from the facts rather than from every component's
    // attributes (the pairs are sorted below).
    let mut uses: Vec<(u32, ElementId)> = Vec::new();
    for (d, owners) in &cx.facts.owners_of_data {
        uses.extend(owners.iter().filter_map(|c| Some((pos(c)?, *d))));
    }
    let mut store_users: Vec<(ElementId, u32)> = Vec::new();
    for (_, l) in deps.links(cx.facts) {
        if let Some(a) = pos(&l.from) {
            if matches!(user_kind(cx, l.to), Some(DeclKind::Datastore | DeclKind::Cache)) {
                store_users.push((l.to, a));
            }
        }
    }
    store_users.sort_unstable();
    store_users.dedup();
    // A store used by more components than the cap holds common vocabulary; skipping it keeps the
    // item sets linear in the links.
    for users in store_users.chunk_by(|x, y| x.0 == y.0).filter(|u| u.len() <= MAX_SHARERS) {
        let Some(e) = cx.model.get(users[0].0) else { continue };
        for &(_, a) in users {
            uses.extend(e.references("holds").map(|d| (a, d)));
        }
    }
    uses.sort_unstable();
    uses.dedup();
    // The data of each component, sorted.
    let items = Ranges::from_pairs(comps.len(), uses.iter().map(|&(a, d)| (a as usize, d)));
    // Inverted index: data -> components using it (in position order); pairs counted through it.
    let mut by_data: Vec<(ElementId, u32)> = uses.iter().map(|&(a, d)| (d, a)).collect();
    drop(uses);
    by_data.sort_unstable();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for list in by_data.chunk_by(|x, y| x.0 == y.0).filter(|l| l.len() >= 2 && l.len() <= MAX_SHARERS) {
        for (k, &(_, a)) in list.iter().enumerate() {
            pairs.extend(list[k + 1..].iter().map(|&(_, b)| (a.min(b), a.max(b))));
        }
    }
    pairs.sort_unstable();
    for run in pairs.chunk_by(|x, y| x == y) {
        let ((a, b), n) = ((run[0].0 as usize, run[0].1 as usize), run.len());
        let (items_a, items_b) = (items.list(a), items.list(b));
        let larger = items_a.len().max(items_b.len());
        if n < min_shared || (n as u64) * 100 <= pct * larger as u64 || (teams[a].is_some() && teams[a] == teams[b]) {
            continue;
        }
        let (ca, cb) = (comps[a], comps[b]);
        let common: Vec<ElementId> = items_a.iter().copied().filter(|d| items_b.binary_search(d).is_ok()).collect();
        acc.push(
            cx.finding(
                &INAPPROPRIATE_INTIMACY,
                format!(
                    "`{}` and `{}` share {} ({} and {} in all)",
                    cx.name(ca),
                    cx.name(cb),
                    count(n, "data item"),
                    items_a.len(),
                    items_b.len()
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
