//! The rule registry, the single source of truth for codes, names, categories, levels and docs:
//! it drives `check`, configuration, acceptances, `archc rules`, `archc explain` and SARIF.

use std::sync::LazyLock;

use super::rules::{coupling, hygiene, ownership, performance, reliability, security};
use super::Rule;

static ALL: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    let mut all: Vec<&'static Rule> =
        [hygiene::RULES, ownership::RULES, coupling::RULES, security::RULES, performance::RULES, reliability::RULES]
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

/// Runs the whole pipeline on a one-file model, as `archc check` would, with today fixed.
#[cfg(test)]
pub(crate) fn check_source(text: &str) -> Vec<crate::diagnostics::Diagnostic> {
    check_source_with(text, "")
}

/// [`check_source`] with this `arch.toml`.
#[cfg(test)]
pub(crate) fn check_source_with(text: &str, arch_toml: &str) -> Vec<crate::diagnostics::Diagnostic> {
    use crate::driver::{analyze_paths_with, RunOptions};
    use crate::host::MemHost;
    use crate::syntax::literal::Literal;
    let host = MemHost::new([("/ws/arch.toml", arch_toml), ("/ws/example.arch", text)]);
    let opts = RunOptions { today: Some(Literal::Date { year: 2026, month: 6, day: 1 }), baseline: None };
    let outcome = analyze_paths_with(&host, &[std::path::PathBuf::from("/ws")], &opts);
    outcome.analyses.into_iter().flat_map(|a| a.diagnostics).chain(outcome.errors).collect()
}

/// The findings of one rule on a one-file model.
#[cfg(test)]
pub(crate) fn findings_of(code: &str, text: &str) -> Vec<crate::diagnostics::Diagnostic> {
    check_source(text).into_iter().filter(|d| d.code.id == code).collect()
}

/// The messages of one rule's findings on a one-file model.
#[cfg(test)]
pub(crate) fn messages_of(code: &str, text: &str) -> Vec<String> {
    findings_of(code, text).into_iter().map(|d| d.message).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Category;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let all = rules();
        for (i, r) in all.iter().enumerate() {
            assert!(
                all[..i].iter().all(|o| o.code.id != r.code.id && o.code.name != r.code.name),
                "duplicate {}",
                r.code.id
            );
            let prefix = match r.category {
                Category::Hygiene => "HYG",
                Category::Ownership => "OWN",
                Category::Coupling => "CPL",
                Category::Security => "SEC",
                Category::Performance => "PERF",
                Category::Reliability => "REL",
            };
            assert!(r.code.id.starts_with(prefix) && r.code.id[prefix.len()..].len() == 3, "{}", r.code.id);
            assert!(r.code.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", r.code.name);
            assert!(
                r.explanation.len() > 80 && r.code.summary.ends_with('.'),
                "{} needs a real explanation",
                r.code.id
            );
            assert!(find(r.code.name).is_some_and(|f| f.code == r.code));
        }
    }

    /// Every rule's failing example produces exactly one finding of that rule and no syntax or
    /// resolution error of its own; the passing example produces none.
    #[test]
    fn every_option_belongs_to_the_rule_that_lists_it() {
        for r in rules() {
            let mut names = std::collections::BTreeSet::new();
            for o in r.options {
                assert_eq!(o.rule, r.code.id, "option `{}` listed by {} belongs to {}", o.name, r.code.id, o.rule);
                assert!(names.insert(o.name), "{} lists option `{}` twice", r.code.id, o.name);
                assert!(
                    !o.doc.is_empty()
                        && o.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())
                );
            }
        }
    }

    #[test]
    fn every_rule_example_is_executed() {
        let mut failures = Vec::new();
        for r in rules() {
            let own = |diags: &[crate::diagnostics::Diagnostic]| {
                diags.iter().filter(|d| d.code == r.code && d.suppression.is_none()).count()
            };
            let front_errors = |diags: &[crate::diagnostics::Diagnostic]| {
                diags
                    .iter()
                    .filter(|d| {
                        d.code != r.code
                            && (d.code.id.starts_with("SYN")
                                || d.code.id.starts_with("RES")
                                || d.code.id.starts_with("IO")
                                || d.code.id == "HYG001"
                                || d.code.id == "HYG002")
                    })
                    .map(|d| format!("{}: {}", d.code.id, d.message))
                    .collect::<Vec<_>>()
            };
            let bad = check_source(r.bad);
            let good = check_source(r.good);
            if own(&bad) != 1 {
                failures.push(format!(
                    "{} bad example: {} findings: {:?}",
                    r.code.id,
                    own(&bad),
                    bad.iter().map(|d| format!("{} {}", d.code.id, d.message)).collect::<Vec<_>>()
                ));
            }
            if own(&good) != 0 {
                failures.push(format!(
                    "{} good example: {} findings: {:?}",
                    r.code.id,
                    own(&good),
                    good.iter().filter(|d| d.code == r.code).map(|d| &d.message).collect::<Vec<_>>()
                ));
            }
            for (which, diags) in [("bad", &bad), ("good", &good)] {
                let errs = front_errors(diags);
                if !errs.is_empty() {
                    failures.push(format!("{} {which} example does not resolve: {errs:?}", r.code.id));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
