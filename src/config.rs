//! `arch.toml`: the workspace configuration. Parsed here into plain data; the driver finds and
//! reads the file.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::syntax::literal::{self, Literal};

/// The default size limit for one `.arch` file; larger files are refused unread.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Glob patterns, relative to the workspace root, of files to analyze (all when empty).
    pub include: Vec<glob::Pattern>,
    /// Glob patterns of files to leave out.
    pub exclude: Vec<glob::Pattern>,
    pub max_file_size: u64,
    /// Rule levels and options, read by the checker.
    pub rules: BTreeMap<String, toml::Value>,
    /// The `[llm]` table, read only by `archc fill` (`llm::config`), so the core knows no provider.
    pub llm: Option<toml::Table>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            include: Vec::new(),
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            rules: BTreeMap::new(),
            llm: None,
        }
    }
}

const MATCH_OPTIONS: glob::MatchOptions =
    glob::MatchOptions { case_sensitive: true, require_literal_separator: false, require_literal_leading_dot: false };

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    workspace: RawWorkspace,
    #[serde(default)]
    rules: BTreeMap<String, toml::Value>,
    #[serde(default)]
    llm: Option<toml::Table>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawWorkspace {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    max_file_size: Option<toml::Value>,
}

/// A configuration error with the byte range it concerns, if known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    pub range: Option<std::ops::Range<usize>>,
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| ConfigError { message: e.message().to_string(), range: e.span() })?;
        let pattern = |p: &String| {
            glob::Pattern::new(p)
                .map_err(|e| ConfigError { message: format!("invalid pattern `{p}`: {e}"), range: None })
        };
        let include = raw.workspace.include.iter().map(pattern).collect::<Result<_, _>>()?;
        let exclude = raw.workspace.exclude.iter().map(pattern).collect::<Result<_, _>>()?;
        let max_file_size = match raw.workspace.max_file_size {
            None => DEFAULT_MAX_FILE_SIZE,
            Some(toml::Value::Integer(n)) if n > 0 => n as u64,
            Some(toml::Value::String(s)) => match literal::parse_number(&s) {
                Ok(Literal::Size(n)) => n,
                _ => {
                    return Err(ConfigError {
                        message: format!("`max-file-size` must be a size such as \"16MB\", found \"{s}\""),
                        range: None,
                    })
                }
            },
            Some(other) => {
                return Err(ConfigError {
                    message: format!("`max-file-size` must be a size such as \"16MB\", found {other:?}"),
                    range: None,
                })
            }
        };
        Ok(Config { include, exclude, max_file_size, rules: raw.rules, llm: raw.llm })
    }

    /// The `include` patterns that match none of `rels` (workspace-relative paths): likely typos.
    pub fn unmatched_includes(&self, rels: &[String]) -> Vec<&glob::Pattern> {
        self.include.iter().filter(|p| !rels.iter().any(|r| p.matches_with(r, MATCH_OPTIONS))).collect()
    }

    /// Whether a workspace-relative path (`/`-separated) is analyzed.
    pub fn selects(&self, rel: &str) -> bool {
        let opts = MATCH_OPTIONS;
        let included = self.include.is_empty() || self.include.iter().any(|p| p.matches_with(rel, opts));
        included && !self.exclude.iter().any(|p| p.matches_with(rel, opts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_workspace_settings() {
        let c = Config::parse("[workspace]\nexclude = [\"drafts/*\"]\nmax-file-size = \"1MB\"\n").unwrap_or_default();
        assert_eq!(c.max_file_size, 1_000_000);
        assert!(c.selects("services/a.arch"));
        assert!(!c.selects("drafts/a.arch"));
    }

    #[test]
    fn unknown_keys_are_errors_with_a_span() {
        let e = Config::parse("[workspace]\nexclud = []\n").err();
        assert!(e.as_ref().is_some_and(|e| e.message.contains("exclud") && e.range.is_some()), "{e:?}");
    }
}
