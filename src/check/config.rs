//! Rule levels and thresholds from the `[rules]` table of `arch.toml`:
//!
//! ```toml
//! [rules]
//! orphan-component = "off"          # by name or code: error, warning, note, off
//! HYG005 = "note"
//! [rules.sync-chain-too-deep]
//! level = "error"
//! max-depth = 5
//! ```

use std::collections::BTreeMap;

use super::registry;
use crate::diagnostics::{Code, Severity};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleConfig {
    /// By code: `Some(None)` is off.
    levels: BTreeMap<&'static str, Option<Severity>>,
    options: BTreeMap<(&'static str, String), u64>,
}

impl RuleConfig {
    /// Parses the `[rules]` table; returns the problems found as messages.
    pub fn from_table(rules: &BTreeMap<String, toml::Value>) -> (RuleConfig, Vec<String>) {
        let mut cfg = RuleConfig::default();
        let mut errors = Vec::new();
        for (key, value) in rules {
            let Some(rule) = registry::find(key) else {
                let hint = crate::diagnostics::did_you_mean(key, registry::rules().iter().map(|r| r.code.name))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                errors.push(format!("[rules] names no rule `{key}`{hint}"));
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
    pub fn level(&self, code: Code) -> Option<Option<Severity>> {
        self.levels.get(code.id).copied()
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
