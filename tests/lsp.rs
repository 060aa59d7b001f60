//! Protocol tests: spawn `archc lsp` and speak JSON-RPC over its pipes through whole sessions, as an
//! editor would.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TEAMS: &str = "// Teams: \"é😀\" keeps columns honest.\nteam platform \"Platform team\" {\n  summary \"Runs the shared services\"\n}\n";

const SERVICES: &str = r#"import "teams.arch"

component orders "Orders — «API»" {
  owner platform
  summary "Takes orders"
  criticality high
  uses ledger sync {
    protocol https
  }
}

component ledger "Ledger" {
  owner platform
  summary "Keeps the books"
}
"#;

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications read while waiting for something else.
    backlog: Vec<Value>,
    /// The semantic token types announced in the initialize result.
    legend: Vec<String>,
    /// The diagnostics last published for each URI: what an editor would show.
    shown: std::collections::BTreeMap<String, Vec<Value>>,
    next_id: i64,
}

impl Client {
    fn start(root: &Path, utf8: bool) -> Client {
        Client::start_raw(root, utf8, &[])
    }

    fn start_raw(root: &Path, utf8: bool, env: &[(&str, &str)]) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_archc"));
        // Inherited: a server blocked on a full stderr pipe would look like a hang.
        cmd.arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn archc lsp");
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
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse().expect("length");
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).expect("body");
                if tx.send(serde_json::from_slice(&body).expect("server sent JSON")).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            backlog: Vec::new(),
            legend: Vec::new(),
            shown: Default::default(),
            next_id: 1,
        };
        let mut caps = json!({"textDocument": {"publishDiagnostics": {"relatedInformation": true}}});
        if utf8 {
            caps["general"] = json!({"positionEncodings": ["utf-8", "utf-16"]});
        }
        let uri = uri(root);
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": caps,
                   "workspaceFolders": [{"uri": uri, "name": "ws"}]}),
        );
        let expected = if utf8 { "utf-8" } else { "utf-16" };
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], expected, "{init}");
        let types = &init["result"]["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"];
        client.legend = types.as_array().into_iter().flatten().filter_map(|t| t.as_str().map(String::from)).collect();
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, msg: &Value) {
        self.send_raw(msg.to_string().as_bytes());
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write");
        self.stdin.write_all(body).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// Writes already framed bytes.
    fn send_raw_frames(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(left) {
            Ok(v) => Some(v),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Sends a request and returns the whole response (with `result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(json!(id))
    }

    fn response(&mut self, id: Value) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        while let Some(msg) = self.next(deadline) {
            if msg.get("method").is_none() && msg["id"] == id {
                return msg;
            }
            self.backlog.push(msg);
        }
        panic!("no response to request {id}");
    }

    /// Waits until the diagnostics shown for `file` satisfy `done`, returning them.
    fn diagnostics(&mut self, file: &Path, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let want = uri(file);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let shown = self.shown.get(&want).cloned().unwrap_or_default();
            if done(&shown) {
                return shown;
            }
            let msg = if self.backlog.is_empty() { self.next(deadline) } else { Some(self.backlog.remove(0)) };
            let Some(msg) = msg else { panic!("no matching diagnostics for {want}; shown: {shown:?}") };
            if msg["method"] == "textDocument/publishDiagnostics" {
                let uri = msg["params"]["uri"].as_str().unwrap_or("").to_string();
                self.shown.insert(uri, msg["params"]["diagnostics"].as_array().cloned().unwrap_or_default());
            }
        }
    }

    fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "arch", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &Path, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": changes}),
        );
    }

    fn at(&mut self, method: &str, path: &Path, line: u32, character: u32, extra: Value) -> Value {
        let mut params =
            json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}});
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        self.request(method, params)
    }

    /// `shutdown` then `exit`; returns the exit code.
    fn stop(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        wait(&mut self.child)
    }
}

fn wait(child: &mut Child) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code().unwrap_or(-1);
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    std::fs::write(root.join("arch.toml"), "[workspace]\n").expect("write");
    std::fs::write(root.join("teams.arch"), TEAMS).expect("write");
    std::fs::write(root.join("services.arch"), SERVICES).expect("write");
    (dir, root)
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect()
}

/// Line and UTF-16 column of the first `needle` in `text`.
fn pos16(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).expect("needle");
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() as u32;
    (line, text[line_start..at].encode_utf16().count() as u32)
}

#[test]
fn a_whole_editing_session() {
    let (_dir, root) = workspace();
    let services = root.join("services.arch");
    let teams = root.join("teams.arch");
    let mut c = Client::start(&root, false);
    c.open(&services, SERVICES);

    // The workspace's findings, with the rule's code, its documentation link and severity.
    let diags = c.diagnostics(&services, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["REL002"]);
    assert_eq!(diags[0]["severity"], 2, "a warning");
    assert_eq!(diags[0]["range"]["start"], json!({"line": 6, "character": 2}));
    assert!(diags[0]["codeDescription"]["href"].as_str().unwrap_or("").ends_with("#rel002"), "{}", diags[0]);
    assert!(diags[0]["message"].as_str().unwrap_or("").contains("help: add `timeout`"), "{}", diags[0]);

    // A typo in a reference: the finding arrives with its did-you-mean help.
    let typo = SERVICES.replacen("owner platform", "owner platfrom", 1);
    let (line, col) = pos16(SERVICES, "platform");
    c.change(
        &services,
        2,
        json!([{"range": {"start": {"line": line, "character": col + 4}, "end": {"line": line, "character": col + 6}}, "text": "fr"}]),
    );
    let diags = c.diagnostics(&services, |d| codes(d).contains(&"HYG001".to_string()));
    let dangling = diags.iter().find(|d| d["code"] == "HYG001").expect("HYG001");
    assert_eq!(dangling["range"]["start"], json!({"line": line, "character": col}));
    assert!(dangling["message"].as_str().unwrap_or("").contains("did you mean `platform`"), "{dangling}");

    // The code action offers the suggestion.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&services)}, "range": dangling["range"], "context": {"diagnostics": [dangling]}}),
    );
    let fix = actions["result"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["title"].as_str().unwrap_or("").contains("with `platform`")))
        .cloned()
        .unwrap_or_else(|| panic!("no did-you-mean action: {actions}"));
    let edit = &fix["edit"]["documentChanges"][0]["edits"][0];
    assert_eq!(edit["newText"], "platform");
    assert_eq!(edit["range"], dangling["range"]);

    // Fixing it clears the finding.
    c.change(&services, 3, json!([{"text": SERVICES}]));
    let diags = c.diagnostics(&services, |d| !codes(d).contains(&"HYG001".to_string()));
    assert_eq!(codes(&diags), ["REL002"]);
    let _ = typo;

    // Accepting the finding: an `accept` statement with a placeholder and an expiry.
    let rel = diags[0].clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&services)}, "range": rel["range"], "context": {"diagnostics": [rel]}}),
    );
    let accept = actions["result"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|x| x["title"].as_str().unwrap_or("").starts_with("Accept this REL002 finding until 20"))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no accept action: {actions}"));
    let text = accept["edit"]["documentChanges"][0]["edits"][0]["newText"].as_str().unwrap_or("").to_string();
    assert!(
        text.contains("accept REL002@orders@ledger \"TODO: say why this finding is acceptable\" until 20"),
        "{text}"
    );

    // Hover on a reference: kind, title, summary; on the declaration with its finding.
    let (line, col) = pos16(SERVICES, "ledger sync");
    let hover = c.at("textDocument/hover", &services, line, col + 1, json!({}));
    let md = hover["result"]["contents"]["value"].as_str().unwrap_or("").to_string();
    assert!(md.contains("**component** `ledger` \"Ledger\""), "{md}");
    // The cursor is also on the REL002 finding: the rule's explanation follows.
    assert!(md.contains("**REL002** `wobbly-interaction`") && md.contains("timeout"), "{md}");
    assert!(md.contains("Keeps the books") && md.contains("owner: `platform`"), "{md}");
    let (line, col) = pos16(SERVICES, "orders \"");
    let md = c.at("textDocument/hover", &services, line, col, json!({}))["result"]["contents"]["value"].to_string();
    assert!(md.contains("REL002"), "{md}");
    // Hover on an attribute name: its documentation.
    let (line, col) = pos16(SERVICES, "criticality");
    let md = c.at("textDocument/hover", &services, line, col + 2, json!({}))["result"]["contents"]["value"].to_string();
    assert!(md.contains("How much the business depends on it"), "{md}");

    // Definition across files, exact after the non-ASCII comment line of teams.arch.
    let (line, col) = pos16(SERVICES, "platform");
    let def = c.at("textDocument/definition", &services, line, col + 3, json!({}));
    assert_eq!(def["result"]["uri"], uri(&teams));
    let (tl, tc) = pos16(TEAMS, "platform");
    assert_eq!(def["result"]["range"]["start"], json!({"line": tl, "character": tc}));

    // References from the declaration: both owners and the declaration.
    let refs = c.at("textDocument/references", &teams, tl, tc, json!({"context": {"includeDeclaration": true}}));
    let refs = refs["result"].as_array().cloned().unwrap_or_default();
    assert_eq!(refs.len(), 3, "{refs:?}");
    let highlights = c.at("textDocument/documentHighlight", &services, line, col, json!({}));
    assert_eq!(highlights["result"].as_array().map(Vec::len), Some(2), "{highlights}");

    // Rename: prepared on the name, refused for a clash and a bad name, applied workspace-wide.
    let prep = c.at("textDocument/prepareRename", &services, line, col + 1, json!({}));
    assert_eq!(prep["result"]["start"], json!({"line": line, "character": col}), "{prep}");
    let clash = c.at("textDocument/rename", &services, line, col, json!({"newName": "ledger"}));
    assert!(clash["error"]["message"].as_str().unwrap_or("").contains("already the name of a component"), "{clash}");
    let bad = c.at("textDocument/rename", &services, line, col, json!({"newName": "two words"}));
    assert!(bad["error"]["message"].as_str().unwrap_or("").contains("not a valid name"), "{bad}");
    let renamed = c.at("textDocument/rename", &services, line, col, json!({"newName": "core_platform"}));
    let changes = renamed["result"]["documentChanges"].as_array().cloned().unwrap_or_default();
    let files: Vec<String> =
        changes.iter().map(|c| c["textDocument"]["uri"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(files, [uri(&services), uri(&teams)]);
    assert_eq!(changes[0]["edits"].as_array().map(Vec::len), Some(2));
    assert_eq!(changes[1]["edits"][0]["range"]["start"], json!({"line": tl, "character": tc}));

    // Document symbols and workspace symbols.
    let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri(&services)}}));
    let names: Vec<&str> =
        symbols["result"].as_array().into_iter().flatten().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["orders", "ledger"]);
    let found = c.request("workspace/symbol", json!({"query": "plat"}));
    assert_eq!(found["result"][0]["name"], "platform", "{found}");
    assert_eq!(found["result"][0]["location"]["uri"], uri(&teams));

    // Completion: attributes of the block, enum values, references of the accepted kinds.
    let with_blank = SERVICES.replacen("  summary \"Takes orders\"\n", "  summary \"Takes orders\"\n  \n", 1);
    c.change(&services, 4, json!([{"text": with_blank}]));
    let (line, _) = pos16(&with_blank, "  \n  criticality");
    let items = c.at("textDocument/completion", &services, line, 2, json!({}));
    let labels: Vec<String> = items["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str().map(String::from))
        .collect();
    assert!(labels.contains(&"replicas".to_string()) && labels.contains(&"zone".to_string()), "{labels:?}");
    let (line, col) = pos16(&with_blank, "high");
    let items = c.at("textDocument/completion", &services, line, col, json!({}));
    let labels: Vec<&str> =
        items["result"].as_array().into_iter().flatten().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.contains(&"mission-critical"), "{labels:?}");
    let (line, col) = pos16(&with_blank, "platform");
    let items = c.at("textDocument/completion", &services, line, col, json!({}));
    let labels: Vec<&str> =
        items["result"].as_array().into_iter().flatten().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(labels, ["platform"], "owners are teams and persons only");

    // Formatting: the canonical layout; refused with a syntax error.
    let messy = SERVICES.replace("  owner platform\n  summary", "      owner   platform\n  summary");
    c.change(&services, 5, json!([{"text": messy}]));
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&services)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits["result"][0]["newText"], SERVICES, "{edits}");
    let broken = format!("{SERVICES}\ncomponent {{\n");
    c.change(&services, 6, json!([{"text": broken}]));
    let diags = c.diagnostics(&services, |d| codes(d).iter().any(|c| c.starts_with("SYN")));
    assert!(!diags.is_empty());
    let refused = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&services)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(refused["error"]["message"].as_str().unwrap_or("").contains("syntax error"), "{refused}");

    // Semantic tokens and folding ranges on the clean text.
    c.change(&services, 7, json!([{"text": SERVICES}]));
    let tokens = c.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri(&services)}}));
    let data = tokens["result"]["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(data.len() % 5, 0);
    // The first token is `import` (keyword, index 0), the second the path string.
    assert_eq!(&data[..5], &[json!(0), json!(0), json!(6), json!(0), json!(0)]);
    // Decoded to absolute (line, column, length, type, modifiers), with the legend's type names.
    let legend = c.legend.clone();
    let mut decoded = Vec::new();
    let (mut line, mut col) = (0, 0);
    for t in data.chunks(5) {
        let n = |i: usize| t[i].as_u64().unwrap_or(0);
        if n(0) > 0 {
            col = 0;
        }
        line += n(0);
        col += n(1);
        decoded.push((line, col, n(2), legend[n(3) as usize].clone(), n(4)));
    }
    let (l, c0) = pos16(SERVICES, "orders \"");
    assert!(decoded.contains(&(l as u64, c0 as u64, 6, "class".into(), 1)), "declaration of a component: {decoded:?}");
    let (l, c0) = pos16(SERVICES, "platform");
    assert!(decoded.contains(&(l as u64, c0 as u64, 8, "namespace".into(), 0)), "reference to a team: {decoded:?}");
    let (l, c0) = pos16(SERVICES, "criticality");
    assert!(decoded.contains(&(l as u64, c0 as u64, 11, "property".into(), 0)), "attribute: {decoded:?}");
    let folds = c.request("textDocument/foldingRange", json!({"textDocument": {"uri": uri(&services)}}));
    let starts: Vec<u64> =
        folds["result"].as_array().into_iter().flatten().filter_map(|f| f["startLine"].as_u64()).collect();
    assert_eq!(starts, [2, 6, 11]);

    assert_eq!(c.stop(), 0);
}

#[test]
fn utf8_positions_when_offered_and_utf16_after_non_ascii() {
    let (_dir, root) = workspace();
    let teams = root.join("teams.arch");
    let text = "team platform \"Plätform — 😀\" { summary \"x\" }\ncomponent a \"Ä 😀\" { owner platform }\n";
    std::fs::write(&teams, text).expect("write");
    let services = root.join("services.arch");
    std::fs::write(&services, "").expect("write");
    for utf8 in [true, false] {
        let mut c = Client::start(&root, utf8);
        c.open(&teams, text);
        let at = text.rfind("platform").expect("ref");
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let col = if utf8 { at - line_start } else { text[line_start..at].encode_utf16().count() };
        let def = c.at("textDocument/definition", &teams, 1, col as u32 + 2, json!({}));
        assert_eq!(def["result"]["range"]["start"], json!({"line": 0, "character": 5}), "{def}");
        let hl = c.at("textDocument/documentHighlight", &teams, 0, 6, json!({}));
        let ranges: Vec<Value> =
            hl["result"].as_array().into_iter().flatten().map(|h| h["range"]["start"].clone()).collect();
        assert_eq!(ranges[1], json!({"line": 1, "character": col}), "utf8={utf8}");
        assert_eq!(c.stop(), 0);
    }
}

#[test]
fn files_not_open_and_the_configuration_are_followed() {
    let (_dir, root) = workspace();
    let services = root.join("services.arch");
    let teams = root.join("teams.arch");
    let mut c = Client::start(&root, false);
    // Diagnostics for a file that is not open: read from disk.
    std::fs::write(&teams, format!("{TEAMS}component lone {{ owner nobody }}\n")).expect("write");
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&teams), "type": 2}]}));
    let diags = c.diagnostics(&teams, |d| codes(d).contains(&"HYG001".to_string()));
    assert!(diags.iter().any(|d| d["message"].as_str().unwrap_or("").contains("nobody")));
    // A name declared twice: the other declaration is a related location in the other file.
    std::fs::write(&teams, format!("{TEAMS}component ledger {{ owner platform }}\n")).expect("write");
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&teams), "type": 2}]}));
    let diags = c.diagnostics(&teams, |d| codes(d).contains(&"HYG002".to_string()));
    let dup = diags.iter().find(|d| d["code"] == "HYG002").expect("HYG002");
    let related = &dup["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], uri(&services), "{dup}");
    assert_eq!(related["range"]["start"]["line"], 11, "{dup}");
    std::fs::write(&teams, TEAMS).expect("write");
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&teams), "type": 2}]}));
    c.diagnostics(&teams, |d| d.is_empty());
    // A workspace folder added later is analyzed too, and dropped again when removed.
    let other_dir = tempfile::tempdir().expect("tempdir");
    let other = std::fs::canonicalize(other_dir.path()).expect("canonical");
    std::fs::write(other.join("arch.toml"), "[workspace]\n").expect("write");
    std::fs::write(other.join("x.arch"), "component x { owner nobody_here }\n").expect("write");
    let folder = json!([{"uri": uri(&other), "name": "other"}]);
    c.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": folder, "removed": []}}));
    c.diagnostics(&other.join("x.arch"), |d| codes(d).contains(&"HYG001".to_string()));
    c.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": [], "removed": folder}}));
    c.diagnostics(&other.join("x.arch"), |d| d.is_empty());
    // Rule levels from arch.toml set the severity; turning a rule off removes its findings.
    c.open(&services, SERVICES);
    c.diagnostics(&services, |d| codes(d) == ["REL002"] && d[0]["severity"] == 2);
    std::fs::write(root.join("arch.toml"), "[workspace]\n\n[rules]\nREL002 = \"error\"\n").expect("write");
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&root.join("arch.toml")), "type": 2}]}));
    c.diagnostics(&services, |d| codes(d) == ["REL002"] && d[0]["severity"] == 1);
    std::fs::write(root.join("arch.toml"), "[workspace]\n\n[rules]\nREL002 = \"off\"\n").expect("write");
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&root.join("arch.toml")), "type": 2}]}));
    c.diagnostics(&services, |d| d.is_empty());
    assert_eq!(c.stop(), 0);
}

#[test]
fn accepted_findings_are_not_shown() {
    let (_dir, root) = workspace();
    let services = root.join("services.arch");
    let mut c = Client::start(&root, false);
    c.open(&services, SERVICES);
    c.diagnostics(&services, |d| codes(d) == ["REL002"]);
    let accepted = format!("{SERVICES}\naccept REL002@orders@ledger \"The ledger answers in microseconds\"\n");
    c.change(&services, 2, json!([{"text": accepted}]));
    c.diagnostics(&services, |d| d.is_empty());
    assert_eq!(c.stop(), 0);
}

#[test]
fn bad_input_gets_errors_and_the_server_keeps_serving() {
    let (_dir, root) = workspace();
    let services = root.join("services.arch");
    let mut c = Client::start_raw(&root, false, &[("ARCHC_LSP_TEST_HOOKS", "1")]);
    // Not JSON at all.
    c.send_raw(b"{not json");
    let r = c.response(Value::Null);
    assert_eq!(r["error"]["code"], -32700, "{r}");
    // JSON, but not a request.
    c.send(&json!({"jsonrpc": "2.0", "id": 77, "method": 5}));
    let r = c.response(json!(77));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    // A request with parameters of the wrong shape.
    let r = c.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // A second initialize.
    let r = c.request("initialize", json!({"processId": null, "capabilities": {}}));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    // An unknown method.
    let r = c.request("textDocument/teleport", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // A panicking handler is answered with an error, and the server goes on.
    let r = c.request("archc/panicForTesting", json!({}));
    assert_eq!(r["error"]["code"], -32603, "{r}");
    assert!(r["error"]["message"].as_str().unwrap_or("").contains("internal error"), "{r}");
    c.open(&services, SERVICES);
    let (line, col) = pos16(SERVICES, "ledger sync");
    let def = c.at("textDocument/definition", &services, line, col, json!({}));
    assert_eq!(def["result"]["range"]["start"]["line"], 11, "{def}");
    // A cancellation of a request already answered is ignored.
    c.notify("$/cancelRequest", json!({"id": 3}));
    assert_eq!(c.stop(), 0);
}

#[test]
fn a_request_cancelled_before_it_starts_is_answered_as_cancelled() {
    let (_dir, root) = workspace();
    let big = root.join("big.arch");
    let text: String = (0..1_000).map(|i| format!("component c{i} \"C\" {{\n  summary \"x\"\n}}\n")).collect();
    let mut c = Client::start(&root, false);
    // One write: the server is still parsing the opened buffer when the cancellation arrives.
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": uri(&big), "languageId": "arch", "version": 1, "text": text}}});
    let hover = json!({"jsonrpc": "2.0", "id": 900, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": uri(&big)}, "position": {"line": 0, "character": 11}}});
    let cancel = json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 900}});
    let mut bytes = Vec::new();
    for msg in [open, hover, cancel] {
        let body = msg.to_string();
        bytes.extend(format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes());
    }
    c.send_raw_frames(&bytes);
    let r = c.response(json!(900));
    assert_eq!(r["error"]["code"], -32800, "{r}");
    // The next request is served.
    let r = c.at("textDocument/definition", &big, 0, 11, json!({}));
    assert_eq!(r["result"]["range"]["start"], json!({"line": 0, "character": 10}), "{r}");
    assert_eq!(c.stop(), 0);
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let (_dir, root) = workspace();
    let mut c = Client::start(&root, false);
    c.notify("exit", Value::Null);
    assert_eq!(wait(&mut c.child), 1);
}
