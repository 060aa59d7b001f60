//! Recorded answers: one JSON file per request, named by a hash of the whole request (prompt,
//! model and parameters), holding the request itself and the answer. A run that asks the same
//! question reads the answer instead of asking again, so runs are reproducible and CI can replay
//! answers recorded on a machine with a model.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::client::{ChatRequest, Provider, ProviderError};

/// A folder of recorded answers.
pub struct Cache {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    request: ChatRequest,
    answer: String,
}

impl Cache {
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, request: &ChatRequest) -> PathBuf {
        self.dir.join(format!("{}.json", key(request)))
    }

    /// The recorded answer to exactly this request. A file whose request differs (a hash
    /// collision) or that does not parse is a miss.
    pub fn get(&self, request: &ChatRequest) -> Option<String> {
        let bytes = std::fs::read(self.path(request)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        (entry.request == *request).then_some(entry.answer)
    }

    /// Records an answer; written to a temporary file and renamed, so a reader never sees half.
    pub fn put(&self, request: &ChatRequest, answer: &str) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let entry = Entry { request: request.clone(), answer: answer.to_string() };
        let text = serde_json::to_string_pretty(&entry).map_err(std::io::Error::other)? + "\n";
        let path = self.path(request);
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &path)
    }
}

/// The cache key: two 64-bit FNV-1a hashes (different offsets) of the request's JSON, as hex.
/// Not cryptographic; a collision is caught by comparing the stored request.
pub fn key(request: &ChatRequest) -> String {
    let json = serde_json::to_string(request).unwrap_or_default();
    let fnv = |offset: u64| json.bytes().fold(offset, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    format!("{:016x}{:016x}", fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142))
}

/// Where an answer came from, for the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Cache,
    Provider,
}

/// Answers from the cache first, then from the provider (if any), recording what it says.
pub struct CachedProvider<'p> {
    pub cache: Cache,
    /// `None` when offline: a question the cache cannot answer stays unanswered.
    pub provider: Option<&'p mut dyn Provider>,
    pub from_cache: usize,
    pub asked: usize,
    /// Answers that could not be recorded (an unwritable cache folder), with the reason.
    pub unrecorded: Option<String>,
}

/// The outcome of one question.
pub enum Answer {
    Text(String, Source),
    /// Offline and not in the cache.
    NotCached,
}

impl<'p> CachedProvider<'p> {
    pub fn new(cache: Cache, provider: Option<&'p mut dyn Provider>) -> Self {
        CachedProvider { cache, provider, from_cache: 0, asked: 0, unrecorded: None }
    }

    pub fn ask(&mut self, request: &ChatRequest) -> Result<Answer, ProviderError> {
        if let Some(answer) = self.cache.get(request) {
            self.from_cache += 1;
            return Ok(Answer::Text(answer, Source::Cache));
        }
        let Some(provider) = self.provider.as_deref_mut() else { return Ok(Answer::NotCached) };
        let answer = provider.complete(request)?;
        self.asked += 1;
        if let Err(e) = self.cache.put(request, &answer) {
            self.unrecorded = Some(format!("cannot record answers in `{}`: {e}", self.cache.dir.display()));
        }
        Ok(Answer::Text(answer, Source::Provider))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::client::Message;

    fn request(model: &str, prompt: &str) -> ChatRequest {
        ChatRequest {
            model: model.into(),
            messages: vec![Message::new("user", prompt)],
            temperature: 0.0,
            max_tokens: 16,
        }
    }

    #[test]
    fn the_key_depends_on_prompt_model_and_parameters() {
        let a = request("m", "p");
        assert_eq!(key(&a), key(&a.clone()));
        assert_ne!(key(&a), key(&request("n", "p")));
        assert_ne!(key(&a), key(&request("m", "q")));
        assert_ne!(key(&a), key(&ChatRequest { temperature: 0.5, ..a.clone() }));
        assert_eq!(key(&a).len(), 32);
    }

    #[test]
    fn an_answer_is_read_back_only_for_the_same_request() {
        let dir = std::env::temp_dir().join(format!("archc-cache-test-{}", std::process::id()));
        let cache = Cache::new(dir.clone());
        let a = request("m", "p");
        assert_eq!(cache.get(&a), None);
        assert!(cache.put(&a, "2s").is_ok());
        assert_eq!(cache.get(&a).as_deref(), Some("2s"));
        assert_eq!(cache.get(&request("m", "other")), None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
