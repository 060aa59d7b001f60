//! A scripted OpenAI-compatible server for the `archc fill` tests: one thread on 127.0.0.1 that
//! answers `POST .../chat/completions` with whatever the test's responder decides for each
//! request, and records every request it saw.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub authorization: Option<String>,
    pub body: serde_json::Value,
}

impl Seen {
    /// The text of every message, joined.
    pub fn prompt(&self) -> String {
        self.body["messages"]
            .as_array()
            .map(|m| m.iter().filter_map(|m| m["content"].as_str()).collect::<Vec<_>>().join("\n---\n"))
            .unwrap_or_default()
    }

    /// The place asked about: the `uses.timeout` of "Fill the `?` of `uses.timeout` in ...".
    pub fn place(&self) -> String {
        let p = self.prompt();
        p.split("Fill the `?` of `").nth(1).and_then(|r| r.split('`').next()).unwrap_or("").to_string()
    }

    /// The element asked about: the `web` of "... in the component `web`.".
    pub fn element(&self) -> String {
        let p = self.prompt();
        let first = p.lines().find(|l| l.starts_with("Fill the `?`")).unwrap_or("");
        first.rsplit('`').nth(1).unwrap_or("").to_string()
    }

    /// How many answers were rejected before this request.
    pub fn rejections(&self) -> usize {
        self.prompt().matches("That value was rejected").count()
    }
}

/// What to send back.
pub enum Reply {
    /// A chat completion whose content is this text.
    Answer(String),
    /// A status with a body, and optionally a `Retry-After` header (seconds).
    Status(u16, Option<u64>, String),
    /// Wait, then answer.
    Slow(Duration, String),
    /// A 200 with this raw body.
    Raw(String),
}

pub type Responder = Box<dyn Fn(&Seen, usize) -> Reply + Send + Sync>;

pub struct MockLlm {
    /// `http://127.0.0.1:PORT/v1`
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    port: u16,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockLlm {
    /// Starts the server; `respond` gets each request and its 0-based number.
    pub fn start(respond: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> MockLlm {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen2, stop2) = (seen.clone(), stop.clone());
        let respond: Arc<Responder> = Arc::new(Box::new(respond));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                // A thread per connection: a slow answer must not hold up the client's retry.
                let (seen, respond) = (seen2.clone(), respond.clone());
                std::thread::spawn(move || serve(stream, &seen, &respond));
            }
        });
        MockLlm { url: format!("http://127.0.0.1:{port}/v1"), seen, stop, port, thread: Some(thread) }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Drop for MockLlm {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves every request of one connection (the client may keep it alive).
fn serve(stream: TcpStream, seen: &Mutex<Vec<Seen>>, respond: &Responder) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let path = request_line.split_whitespace().nth(1).unwrap_or("").to_string();
        let mut length = 0usize;
        let mut authorization = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "authorization" => authorization = Some(value.trim().to_string()),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let request = Seen { path, authorization, body: serde_json::from_slice(&body).unwrap_or_default() };
        let number = {
            let mut s = seen.lock().expect("lock");
            s.push(request.clone());
            s.len() - 1
        };
        let (status, retry_after, body) = match respond(&request, number) {
            Reply::Answer(text) => (200, None, completion(&text)),
            Reply::Status(status, retry, body) => (status, retry, body),
            Reply::Slow(wait, text) => {
                std::thread::sleep(wait);
                (200, None, completion(&text))
            }
            Reply::Raw(body) => (200, None, body),
        };
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            if status == 200 { "OK" } else { "Scripted" },
            body.len()
        );
        if let Some(secs) = retry_after {
            head.push_str(&format!("Retry-After: {secs}\r\n"));
        }
        head.push_str("\r\n");
        if writer.write_all(head.as_bytes()).and_then(|_| writer.write_all(body.as_bytes())).is_err() {
            return;
        }
        let _ = writer.flush();
    }
}

fn completion(text: &str) -> String {
    serde_json::json!({
        "id": "chatcmpl-mock",
        "object": "chat.completion",
        "choices": [{ "index": 0, "message": { "role": "assistant", "content": text }, "finish_reason": "stop" }]
    })
    .to_string()
}
