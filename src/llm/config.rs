//! The provider settings of `archc fill`: the `[llm]` table of `arch.toml`, then the environment,
//! then flags, each overriding the one before. The API key itself is never in a file: the settings
//! name the environment variable that holds it.

use std::time::Duration;

use serde::Deserialize;

/// Environment variables that override `[llm]`.
pub const ENV_BASE_URL: &str = "ARCHC_LLM_BASE_URL";
pub const ENV_MODEL: &str = "ARCHC_LLM_MODEL";
pub const ENV_API_KEY_ENV: &str = "ARCHC_LLM_API_KEY_ENV";

/// The `[llm]` table as written; every key optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LlmTable {
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub api_key_env: Option<String>,
    /// Seconds, or a duration string such as "30s".
    pub timeout: Option<toml::Value>,
    pub max_retries: Option<u32>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    /// Where answers are cached, relative to the workspace root.
    pub cache_dir: Option<String>,
}

/// Settings after every source is applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The OpenAI-compatible API root, such as `http://127.0.0.1:8088/v1`; `None` when no provider
    /// is configured (then only the cache can answer).
    pub base_url: Option<String>,
    pub model: String,
    /// The variable holding the key, if the provider needs one.
    pub api_key_env: Option<String>,
    pub timeout: Duration,
    pub max_retries: u32,
    pub temperature: f64,
    pub max_tokens: u32,
    pub cache_dir: String,
}

pub const DEFAULT_MODEL: &str = "default";
pub const DEFAULT_CACHE_DIR: &str = ".archc/cache";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            base_url: None,
            model: DEFAULT_MODEL.to_string(),
            api_key_env: None,
            timeout: Duration::from_secs(60),
            max_retries: 3,
            // Reproducible answers matter more than varied ones.
            temperature: 0.0,
            max_tokens: 64,
            cache_dir: DEFAULT_CACHE_DIR.to_string(),
        }
    }
}

/// Flag values given on the command line; `None` leaves the setting alone.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub api_key_env: Option<String>,
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    pub cache_dir: Option<String>,
}

/// Reads the `[llm]` table (if any), then `env` (a lookup, so tests need not touch the process
/// environment), then `flags`.
pub fn resolve(
    table: Option<&toml::Table>,
    env: &dyn Fn(&str) -> Option<String>,
    flags: &Overrides,
) -> Result<Settings, String> {
    let table: LlmTable = match table {
        Some(t) => {
            toml::Value::Table(t.clone()).try_into().map_err(|e: toml::de::Error| format!("[llm]: {}", e.message()))?
        }
        None => LlmTable::default(),
    };
    let mut s = Settings::default();
    if let Some(v) = table.base_url {
        s.base_url = Some(v);
    }
    if let Some(v) = table.model {
        s.model = v;
    }
    s.api_key_env = table.api_key_env;
    if let Some(v) = &table.timeout {
        s.timeout = timeout_of(v)?;
    }
    if let Some(v) = table.max_retries {
        s.max_retries = v;
    }
    if let Some(v) = table.temperature {
        s.temperature = v;
    }
    if let Some(v) = table.max_tokens {
        s.max_tokens = v;
    }
    if let Some(v) = table.cache_dir {
        s.cache_dir = v;
    }
    let nonempty = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if let Some(v) = nonempty(ENV_BASE_URL) {
        s.base_url = Some(v);
    }
    if let Some(v) = nonempty(ENV_MODEL) {
        s.model = v;
    }
    if let Some(v) = nonempty(ENV_API_KEY_ENV) {
        s.api_key_env = Some(v);
    }
    let f = flags.clone();
    s.base_url = f.base_url.or(s.base_url);
    s.model = f.model.unwrap_or(s.model);
    s.api_key_env = f.api_key_env.or(s.api_key_env);
    s.timeout = f.timeout.unwrap_or(s.timeout);
    s.max_retries = f.max_retries.unwrap_or(s.max_retries);
    s.temperature = f.temperature.unwrap_or(s.temperature);
    s.max_tokens = f.max_tokens.unwrap_or(s.max_tokens);
    s.cache_dir = f.cache_dir.unwrap_or(s.cache_dir);
    if let Some(url) = &s.base_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("the provider's base URL `{url}` must start with http:// or https://"));
        }
    }
    if !(0.0..=2.0).contains(&s.temperature) {
        return Err(format!("temperature {} is outside 0 to 2", s.temperature));
    }
    if s.max_tokens == 0 {
        return Err("max-tokens must be at least 1".to_string());
    }
    if s.timeout.is_zero() {
        return Err("timeout must be longer than zero".to_string());
    }
    Ok(s)
}

/// `30` (seconds) or `"30s"`, `"500ms"`, `"2m"`.
pub fn timeout_of(v: &toml::Value) -> Result<Duration, String> {
    match v {
        toml::Value::Integer(n) if *n > 0 => Ok(Duration::from_secs(*n as u64)),
        toml::Value::String(s) => {
            parse_duration(s).ok_or_else(|| format!("timeout `{s}` is not a duration such as \"30s\""))
        }
        other => Err(format!("timeout must be a number of seconds or a duration such as \"30s\", found {other:?}")),
    }
}

/// `500ms`, `30s`, `2m` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let (digits, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = digits.parse().ok()?;
    let d = match unit {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" | "min" => Duration::from_secs(n.checked_mul(60)?),
        _ => return None,
    };
    (!d.is_zero()).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn flags_override_the_environment_which_overrides_the_table() {
        let t = table("base-url = \"http://a/v1\"\nmodel = \"m1\"\ntimeout = \"5s\"\nmax-retries = 1\n");
        let env = |name: &str| (name == ENV_MODEL).then(|| "m2".to_string());
        let flags = Overrides { base_url: Some("http://b/v1".into()), ..Overrides::default() };
        let s = resolve(Some(&t), &env, &flags).unwrap_or_default();
        assert_eq!(s.base_url.as_deref(), Some("http://b/v1"));
        assert_eq!(s.model, "m2");
        assert_eq!(s.timeout, Duration::from_secs(5));
        assert_eq!(s.max_retries, 1);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let none = |_: &str| None;
        let err = resolve(Some(&table("api-key = \"sk-123\"\n")), &none, &Overrides::default()).err();
        assert!(err.as_deref().is_some_and(|e| e.contains("api-key")), "{err:?}");
        let err = resolve(Some(&table("base-url = \"127.0.0.1:8088\"\n")), &none, &Overrides::default()).err();
        assert!(err.as_deref().is_some_and(|e| e.contains("http://")), "{err:?}");
        let err = resolve(Some(&table("timeout = \"soon\"\n")), &none, &Overrides::default()).err();
        assert!(err.as_deref().is_some_and(|e| e.contains("soon")), "{err:?}");
    }
}
