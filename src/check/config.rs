//! Rule levels and thresholds from the `[rules]` table of `arch.toml`:
//!
//! ```toml
//! [rules]
//! orphan-component = "off"          # by name or code: error, warning, note, off
//! HYG005 = "note"
//! security = "warning"              # a whole category; a rule's own entry wins
//! [rules.sync-chain-too-deep]
//! level = "error"
//! max-depth = 5
//! ```

use std::collections::BTreeMap;

use super::{registry, Category};
use crate::diagnostics::{Code, Severity};

/// The categories a `[rules]` key may name, to set the level of all their rules at once.
const CATEGORIES: &[Category] = &[
    Category::Hygiene,
    Category::Ownership,
    Category::Coupling,
    Category::Security,
    Category::Performance,
    Category::Reliability,
];

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleConfig {
    /// By code: `Some(None)` is off.
    levels: BTreeMap<&'static str, Option<Severity>>,
    /// By category, for rules without a level of their own.
    category_levels: BTreeMap<Category, Option<Severity>>,
    options: BTreeMap<(&'static str, String), u64>,
}

impl RuleConfig {
    /// Parses the `[rules]` table; returns the problems found as messages.
    pub fn from_table(rules: &BTreeMap<String, toml::Value>) -> (RuleConfig, Vec<String>) {
        let mut cfg = RuleConfig::default();
        let mut errors = Vec::new();
        for (key, value) in rules {
            if let Some(category) = CATEGORIES.iter().copied().find(|c| c.as_str() == key) {
                let level = match value {
                    toml::Value::String(level) => Some(level.as_str()),
                    // Only `level` applies to a whole category: options belong to one rule.
                    toml::Value::Table(t) if t.len() == 1 => t.get("level").and_then(toml::Value::as_str),
                    _ => None,
                };
                match level.map(parse_level) {
                    Some(Ok(l)) => {
                        cfg.category_levels.insert(category, l);
                    }
                    Some(Err(e)) => errors.push(format!("[rules] {key}: {e}")),
                    None => errors.push(format!(
                        "[rules] {key}: a category takes a level string (`{key} = \"warning\"`); options belong to one rule"
                    )),
                }
                continue;
            }
            let Some(rule) = registry::find(key) else {
                let names = registry::rules().iter().map(|r| r.code.name).chain(CATEGORIES.iter().map(|c| c.as_str()));
                let hint = crate::diagnostics::did_you_mean(key, names)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                errors.push(format!("[rules] names no rule or category `{key}`{hint}"));
                continue;
            };
            let code = rule.code.id;
            match value {
                toml::Value::String(level) => match parse_level(level) {
                    Ok(l) => {
                        cfg.levels.insert(code, l);
                    }
                    Err(e) => errors.push(format!("[rules] {key}: {e}")),
                },
                toml::Value::Table(t) => {
                    for (k, v) in t {
                        match (k.as_str(), v) {
                            ("level", toml::Value::String(level)) => match parse_level(level) {
                                Ok(l) => {
                                    cfg.levels.insert(code, l);
                                }
                                Err(e) => errors.push(format!("[rules.{key}] {e}")),
                            },
                            (name, toml::Value::Integer(n))
                                if *n >= 0 && rule.options.iter().any(|o| o.name == name) =>
                            {
                                cfg.options.insert((code, name.to_string()), *n as u64);
                            }
                            (name, _) => {
                                let known: Vec<&str> =
                                    std::iter::once("level").chain(rule.options.iter().map(|o| o.name)).collect();
                                errors.push(format!(
                                    "[rules.{key}] has no setting `{name}` taking that value; settings are {}",
                                    known.join(", ")
                                ));
                            }
                        }
                    }
                }
                _ => errors.push(format!("[rules] {key}: expected a level string or a table")),
            }
        }
        (cfg, errors)
    }

    /// The configured level of a code: `None` when not configured, `Some(None)` when off.
    /// A rule's own entry wins over its category's.
    pub fn level(&self, code: Code) -> Option<Option<Severity>> {
        self.levels.get(code.id).copied().or_else(|| {
            let category = registry::find(code.id).filter(|r| r.code.id == code.id)?.category;
            self.category_levels.get(&category).copied()
        })
    }

    /// The configured value of option `name` of the rule with code id `rule`.
    pub fn option(&self, rule: &str, name: &str) -> Option<u64> {
        self.options.iter().find(|((id, n), _)| *id == rule && n == name).map(|(_, v)| *v)
    }
}

fn parse_level(s: &str) -> Result<Option<Severity>, String> {
    match s {
        "error" => Ok(Some(Severity::Error)),
        "warning" => Ok(Some(Severity::Warning)),
        "note" => Ok(Some(Severity::Note)),
        "off" => Ok(None),
        other => Err(format!("unknown level `{other}`; use error, warning, note or off")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::registry::check_source_with;

    fn table(text: &str) -> BTreeMap<String, toml::Value> {
        toml::from_str::<BTreeMap<String, toml::Value>>(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_category_sets_the_level_of_its_rules_and_a_rule_entry_wins() {
        let (cfg, errors) =
            RuleConfig::from_table(&table("security = \"note\"\nSEC001 = \"error\"\n[reliability]\nlevel = \"off\"\n"));
        assert!(errors.is_empty(), "{errors:?}");
        let code = |id: &str| registry::find(id).map(|r| r.code).expect(id);
        assert_eq!(cfg.level(code("SEC003")), Some(Some(Severity::Note)));
        assert_eq!(cfg.level(code("SEC001")), Some(Some(Severity::Error)), "the rule's own entry wins");
        assert_eq!(cfg.level(code("REL001")), Some(None));
        assert_eq!(cfg.level(code("CPL001")), None, "other categories keep their defaults");
    }

    #[test]
    fn an_unknown_category_gets_a_suggestion_and_a_category_takes_no_options() {
        let (_, errors) = RuleConfig::from_table(&table("securty = \"warning\"\n"));
        assert_eq!(errors, vec!["[rules] names no rule or category `securty`; did you mean `security`?".to_string()]);
        let (_, errors) = RuleConfig::from_table(&table("[security]\nmin-classification = 3\n"));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("a category takes a level string"), "{errors:?}");
        let (_, errors) = RuleConfig::from_table(&table("performance = \"loud\"\n"));
        assert!(errors[0].contains("unknown level `loud`"), "{errors:?}");
    }

    #[test]
    fn a_category_level_reaches_the_findings() {
        let text = "component web {\n  uses api sync { protocol http timeout 1s circuit-breaker }\n}\ncomponent api\n";
        let model = format!(
            "data Card {{\n  classification restricted\n}}\n{}",
            text.replace("circuit-breaker", "circuit-breaker carries Card")
        );
        let sec001 = |toml: &str| {
            check_source_with(&model, toml).into_iter().find(|d| d.code.id == "SEC001").map(|d| d.severity)
        };
        assert_eq!(sec001(""), Some(Severity::Error));
        assert_eq!(sec001("[rules]\nsecurity = \"warning\"\n"), Some(Severity::Warning));
        assert_eq!(sec001("[rules]\nsecurity = \"off\"\n"), None);
    }
}
