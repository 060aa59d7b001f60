//! Edit-to-diagnostics latency of `archc lsp` on a generated workspace, measured as an editor
//! sees it: the time from sending `didChange` to receiving the `publishDiagnostics` that reflects
//! the edit. Two edits, each undone between runs: a syntax error (published at once from the
//! edited buffer) and a misspelt reference (published after the workspace is re-checked).
//!
//! ```sh
//! cargo build --release && cargo run --release --example lsp-latency -- --components 1000 --runs 20
//! (`--archc PATH` times another server binary, e.g. a baseline build, in the same run)
//! ```

#[path = "workspace_gen.rs"]
mod workspace_gen;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Server {
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = self.stdin.flush();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.recv();
            if msg.get("method").is_none() && msg["id"] == id {
                return msg;
            }
        }
    }

    fn recv(&mut self) -> Value {
        self.incoming.recv_timeout(Duration::from_secs(120)).expect("the server stopped answering")
    }

    /// Waits for diagnostics of `uri` satisfying `done`.
    fn diagnostics(&mut self, uri: &str, done: impl Fn(&[Value]) -> bool) {
        loop {
            let msg = self.recv();
            if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
                let diags = msg["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
                if done(&diags) {
                    return;
                }
            }
        }
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}}));
    }
}

fn has_code(diags: &[Value], prefix: &str) -> bool {
    diags.iter().any(|d| d["code"].as_str().is_some_and(|c| c.starts_with(prefix)))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    let mut components = 1000;
    let mut runs = 20;
    // Another server binary (a baseline build) to time instead of target/release/archc.
    let mut server: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let number = value.as_deref().and_then(|v| v.parse().ok());
        match (arg.as_str(), number, value) {
            ("--components", Some(n), _) => components = n,
            ("--runs", Some(n), _) => runs = n,
            ("--archc", _, Some(path)) => server = Some(PathBuf::from(path)),
            _ => {
                eprintln!("usage: lsp-latency [--components N] [--runs N] [--archc PATH]");
                std::process::exit(2);
            }
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    let files = workspace_gen::generate(components, 1);
    for (name, text) in &files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    // The edited file: the first domain file with an `owner` line.
    let (name, text) = files
        .iter()
        .find(|(n, t)| n.ends_with(".arch") && n != "platform.arch" && t.contains("\n  owner "))
        .expect("a file with an owner");
    let path: PathBuf = root.join(name);
    let uri = format!("file://{}", path.display());

    let exe = std::env::current_exe().expect("exe");
    let archc = server.unwrap_or_else(|| {
        exe.parent().and_then(Path::parent).map(|d| d.join("archc")).expect("archc next to examples/")
    });
    let mut child = Command::new(archc)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run target/release/archc (build it first)");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, incoming) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line.trim_end().is_empty() {
                    break;
                }
                if let Some(v) = line.trim_end().strip_prefix("Content-Length: ") {
                    length = v.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            if tx.send(serde_json::from_slice(&body).unwrap_or(Value::Null)).is_err() {
                return;
            }
        }
    });
    let mut server = Server { stdin, incoming, next_id: 1 };
    let root_uri = format!("file://{}", root.display());
    let started = Instant::now();
    server.request(
        "initialize",
        json!({"processId": null, "rootUri": root_uri, "capabilities": {},
        "workspaceFolders": [{"uri": root_uri, "name": "bench"}]}),
    );
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    server.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "arch", "version": 1, "text": text}}}));
    // Answered once the first analysis of the whole workspace exists.
    server.request("workspace/symbol", json!({"query": "zzzz"}));
    let first = started.elapsed();

    let owner_line = text.find("\n  owner ").expect("owner") + "\n  owner ".len();
    let misspelt = format!("{}zz{}", &text[..owner_line], &text[owner_line..]);
    let broken = format!("{text}\ncomponent {{\n");
    let mut version = 1;
    let (mut syntax, mut semantic) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        version += 1;
        let t = Instant::now();
        server.change(&uri, version, &broken);
        server.diagnostics(&uri, |d| has_code(d, "SYN"));
        syntax.push(t.elapsed().as_secs_f64() * 1000.0);
        version += 1;
        server.change(&uri, version, text);
        server.diagnostics(&uri, |d| !has_code(d, "SYN"));

        version += 1;
        let t = Instant::now();
        server.change(&uri, version, &misspelt);
        server.diagnostics(&uri, |d| has_code(d, "HYG001"));
        semantic.push(t.elapsed().as_secs_f64() * 1000.0);
        version += 1;
        server.change(&uri, version, text);
        server.diagnostics(&uri, |d| !has_code(d, "HYG001"));
    }
    server.request("shutdown", Value::Null);
    server.send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let _ = child.wait();
    let max = |xs: &[f64]| xs.iter().copied().fold(0.0, f64::max);
    println!(
        "components={components} files={} runs={runs} first_analysis_ms={:.0} syntax_median_ms={:.1} syntax_max_ms={:.1} workspace_median_ms={:.1} workspace_max_ms={:.1}",
        files.len() - 1,
        first.as_secs_f64() * 1000.0,
        median(syntax.clone()),
        max(&syntax),
        median(semantic.clone()),
        max(&semantic),
    );
}
