//! The rule registry, the single source of truth for codes, names, categories, levels and docs:
//! it drives `check`, configuration, acceptances, `archc rules`, `archc explain` and SARIF.

use std::sync::LazyLock;

use super::{coupling, hygiene, ownership, performance, reliability, security, Rule};

static ALL: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    let mut all: Vec<&'static Rule> = [hygiene::RULES, ownership::RULES, coupling::RULES, security::RULES, performance::RULES, reliability::RULES]
        .into_iter()
        .flatten()
        .copied()
        .collect();
    all.sort_by_key(|r| r.code.id);
    all
});

/// Every rule, in code order.
pub fn rules() -> &'static [&'static Rule] {
    &ALL
}

/// A rule by code (`HYG004`, any case) or name (`orphan-component`).
pub fn find(key: &str) -> Option<&'static Rule> {
    rules().iter().copied().find(|r| r.code.id.eq_ignore_ascii_case(key) || r.code.name == key)
}
