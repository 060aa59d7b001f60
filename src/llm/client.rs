//! The provider: one OpenAI-compatible chat completion per question, over blocking HTTP (`ureq`).
//! Transient failures (timeouts, 429, 5xx) are retried with backoff, honouring `Retry-After`;
//! everything else is a [`ProviderError`] that says what went wrong without the key.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::config::Settings;

/// One message of a chat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn new(role: &str, content: impl Into<String>) -> Message {
        Message { role: role.to_string(), content: content.into() }
    }
}

/// The body of a chat completion request; also what the cache keys answers by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<Message>,
    pub temperature: f64,
    pub max_tokens: u32,
}

/// Why the provider gave no answer. Every variant stops the run (exit 2): retrying the next gap
/// against a provider that refuses connections or keys only repeats the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderError {
    /// Nothing listens at the URL, or the host is unknown.
    Unreachable { url: String, detail: String },
    /// 401 or 403.
    Unauthorized { url: String, status: u16, key_env: Option<String> },
    /// 404: usually a model name the server does not serve, or a wrong base URL.
    NotFound { url: String, model: String, detail: String },
    /// Retries used up on timeouts, 429 or 5xx.
    GaveUp { url: String, attempts: u32, last: String },
    /// Another status, or a reply that is not a chat completion.
    Bad { url: String, detail: String },
}

impl ProviderError {
    pub fn message(&self) -> String {
        match self {
            ProviderError::Unreachable { url, detail } => format!("cannot reach the LLM provider at `{url}`: {detail}"),
            ProviderError::Unauthorized { url, status, .. } => {
                format!("the LLM provider at `{url}` refused the request ({status}): the API key is missing or wrong")
            }
            ProviderError::NotFound { url, model, detail } => {
                format!("the LLM provider at `{url}` answered 404 for model `{model}`: {detail}")
            }
            ProviderError::GaveUp { url, attempts, last } => {
                format!("the LLM provider at `{url}` failed {attempts} times; the last time: {last}")
            }
            ProviderError::Bad { url, detail } => {
                format!("the LLM provider at `{url}` gave an unusable reply: {detail}")
            }
        }
    }

    pub fn help(&self) -> String {
        match self {
            ProviderError::Unreachable { .. } => {
                "start the server, or correct `base-url` under [llm] in arch.toml (or ARCHC_LLM_BASE_URL); `--offline` answers from the cache only".into()
            }
            ProviderError::Unauthorized { key_env: Some(var), .. } => format!("check the key in the variable `{var}`"),
            ProviderError::Unauthorized { key_env: None, .. } => {
                "name the variable holding the key with `api-key-env` under [llm] in arch.toml".into()
            }
            ProviderError::NotFound { .. } => {
                "check `model` under [llm] (the server's model list is at `<base-url>/models`) and that `base-url` ends in `/v1`".into()
            }
            ProviderError::GaveUp { .. } => "try again later, or raise `timeout` or `max-retries` under [llm]".into(),
            ProviderError::Bad { .. } => "check that `base-url` points at an OpenAI-compatible API".into(),
        }
    }
}

/// Something that answers chat requests: the HTTP provider, or in tests anything scripted.
pub trait Provider {
    fn complete(&mut self, request: &ChatRequest) -> Result<String, ProviderError>;
}

/// An OpenAI-compatible `/chat/completions` endpoint.
pub struct HttpProvider {
    agent: ureq::Agent,
    url: String,
    key: Option<String>,
    key_env: Option<String>,
    max_retries: u32,
    /// Retries made so far, for the summary.
    pub retries: u32,
}

/// The longest wait a `Retry-After` is honoured for; longer asks are capped, not obeyed.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

impl HttpProvider {
    /// A provider for `base_url`; `key` is the value of the variable `settings.api_key_env` names.
    pub fn new(settings: &Settings, base_url: &str, key: Option<String>) -> HttpProvider {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(settings.timeout))
            .http_status_as_error(false)
            .user_agent(concat!("archc/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        HttpProvider {
            agent,
            url: format!("{}/chat/completions", base_url.trim_end_matches('/')),
            key,
            key_env: settings.api_key_env.clone(),
            max_retries: settings.max_retries,
            retries: 0,
        }
    }

    fn attempt(&self, request: &ChatRequest) -> Attempt {
        let mut call = self.agent.post(&self.url).header("Content-Type", "application/json");
        if let Some(key) = &self.key {
            call = call.header("Authorization", format!("Bearer {key}"));
        }
        let mut response = match call.send_json(request) {
            Ok(r) => r,
            Err(e) => return self.transport_error(e),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER));
        let body = match response.body_mut().read_to_string() {
            Ok(b) => b,
            Err(e) => return self.transport_error(e),
        };
        match status {
            200..=299 => match completion_text(&body) {
                Some(text) => Attempt::Answer(text),
                None => Attempt::Fatal(ProviderError::Bad {
                    url: self.url.clone(),
                    detail: format!("not a chat completion: {}", excerpt(&body)),
                }),
            },
            401 | 403 => Attempt::Fatal(ProviderError::Unauthorized {
                url: self.url.clone(),
                status,
                key_env: self.key_env.clone(),
            }),
            404 => Attempt::Fatal(ProviderError::NotFound {
                url: self.url.clone(),
                model: request.model.clone(),
                detail: excerpt(&body),
            }),
            429 | 500..=599 => {
                Attempt::Retry { reason: format!("status {status}: {}", excerpt(&body)), wait: retry_after }
            }
            _ => Attempt::Fatal(ProviderError::Bad {
                url: self.url.clone(),
                detail: format!("status {status}: {}", excerpt(&body)),
            }),
        }
    }

    fn transport_error(&self, e: ureq::Error) -> Attempt {
        match e {
            ureq::Error::Timeout(_) => Attempt::Retry { reason: "timed out".into(), wait: None },
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                Attempt::Retry { reason: "timed out".into(), wait: None }
            }
            ureq::Error::Io(io) => {
                Attempt::Fatal(ProviderError::Unreachable { url: self.url.clone(), detail: io.to_string() })
            }
            ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
                Attempt::Fatal(ProviderError::Unreachable { url: self.url.clone(), detail: e.to_string() })
            }
            other => Attempt::Fatal(ProviderError::Bad { url: self.url.clone(), detail: other.to_string() }),
        }
    }
}

enum Attempt {
    Answer(String),
    Retry { reason: String, wait: Option<Duration> },
    Fatal(ProviderError),
}

impl Provider for HttpProvider {
    fn complete(&mut self, request: &ChatRequest) -> Result<String, ProviderError> {
        let mut backoff = FIRST_BACKOFF;
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.attempt(request) {
                Attempt::Answer(text) => return Ok(text),
                Attempt::Fatal(e) => return Err(e),
                Attempt::Retry { reason, wait } => {
                    if attempts > self.max_retries {
                        return Err(ProviderError::GaveUp { url: self.url.clone(), attempts, last: reason });
                    }
                    self.retries += 1;
                    std::thread::sleep(wait.unwrap_or(backoff));
                    backoff = (backoff * 2).min(MAX_RETRY_AFTER);
                }
            }
        }
    }
}

/// `choices[0].message.content` of a chat completion.
fn completion_text(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("choices")?.get(0)?.get("message")?.get("content")?.as_str().map(str::to_string)
}

/// The start of a reply body, on one line, for error messages.
fn excerpt(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = one_line.chars().take(200).collect();
    if one_line.chars().count() > 200 {
        out.push('…');
    }
    if out.is_empty() {
        out.push_str("(empty body)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_content_of_the_first_choice_only() {
        let body = r#"{"choices":[{"message":{"role":"assistant","content":"2s"}},{"message":{"content":"x"}}]}"#;
        assert_eq!(completion_text(body).as_deref(), Some("2s"));
        assert_eq!(completion_text(r#"{"error":"nope"}"#), None);
        assert_eq!(completion_text("<html>"), None);
    }
}
