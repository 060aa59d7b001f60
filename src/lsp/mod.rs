//! `archc lsp`: the language server over stdio. The only module that knows JSON-RPC and
//! `lsp-types`; the features live in `ide` and work in paths and byte offsets.
//!
//! A plain synchronous loop owns the open documents (an [`Overlay`] over the disk). After edits a
//! worker thread analyzes the workspaces into an immutable [`Snapshot`]; a snapshot of an older
//! generation than the documents is never published. Requests that need the analysis use the
//! current snapshot, building it first if the documents changed since. Request families live in
//! their own files; `convert` turns offsets into protocol positions.

mod actions;
mod completion;
mod convert;
mod diagnostics;
mod formatting;
mod hover;
mod navigation;
mod overlay;
mod symbols;
mod tokens;
mod transport;

use std::collections::{BTreeMap, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{select, Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::driver::{self, RunOptions};
use crate::host::Host;
use crate::ide::analysis::File;
use crate::ide::analysis::ParseCaches;
use crate::ide::Snapshot;

pub use convert::Encoding;
use overlay::Overlay;
use transport::Outgoing;

/// How long the document must stay unchanged before the workspace is re-checked.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// Runs the server on stdin and stdout until the client says `exit`. Returns the exit code: 0
/// after a `shutdown` request, 1 otherwise (as the protocol asks).
pub fn run(today: Option<crate::syntax::literal::Literal>) -> i32 {
    let (sender, receiver) = transport::stdio();
    let mut server = Server::new(sender, receiver.clone(), today);
    server.serve(&receiver)
}

/// A failed request: an error code and a message for the client.
pub(crate) struct Failure {
    code: ErrorCode,
    message: String,
}

impl Failure {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Failure { code, message: message.into() }
    }

    /// The request was understood but cannot be carried out (rename to a taken name).
    pub(crate) fn refused(message: impl Into<String>) -> Self {
        Failure::new(ErrorCode::RequestFailed, message)
    }
}

type Handled = Result<Value, Failure>;

pub(crate) struct Server {
    sender: Sender<Outgoing>,
    incoming: Receiver<Message>,
    /// Messages read ahead while looking for cancellations, to handle next.
    pending: VecDeque<Message>,
    pub(crate) encoding: Encoding,
    pub(crate) overlay: Overlay,
    /// Document versions, by path.
    versions: BTreeMap<PathBuf, i32>,
    /// Workspace folders the client named.
    folders: Vec<PathBuf>,
    /// Counts changes to documents and watched files.
    generation: u64,
    snapshot: Option<Arc<Snapshot>>,
    /// Syntax trees kept between analyses, so an edit re-parses only the edited files.
    parse_caches: Arc<ParseCaches>,
    /// When the documents first changed after the last published analysis.
    dirty_since: Option<Instant>,
    /// The generation a worker is analyzing, if one is running.
    worker: Option<u64>,
    results: (Sender<Snapshot>, Receiver<Snapshot>),
    /// What the client shows for each file with diagnostics.
    published: BTreeMap<PathBuf, Vec<lt::Diagnostic>>,
    opts: RunOptions,
    shutdown: bool,
    /// `ARCHC_LSP_LOG` is set: log analysis times to stderr.
    log: bool,
}

impl Server {
    fn new(
        sender: Sender<Outgoing>,
        incoming: Receiver<Message>,
        today: Option<crate::syntax::literal::Literal>,
    ) -> Self {
        Server {
            sender,
            incoming,
            pending: VecDeque::new(),
            encoding: Encoding::Utf16,
            overlay: Overlay::default(),
            versions: BTreeMap::new(),
            folders: Vec::new(),
            generation: 0,
            snapshot: None,
            parse_caches: Arc::default(),
            dirty_since: None,
            worker: None,
            results: crossbeam_channel::unbounded(),
            opts: RunOptions { today, baseline: None },
            published: BTreeMap::new(),
            shutdown: false,
            log: std::env::var_os("ARCHC_LSP_LOG").is_some(),
        }
    }

    fn serve(&mut self, receiver: &Receiver<Message>) -> i32 {
        if !self.initialize(receiver) {
            return 1;
        }
        loop {
            if self.worker.is_none() && self.dirty_since.is_some_and(|s| s.elapsed() >= DEBOUNCE) {
                self.start_worker();
            }
            if let Some(msg) = self.pending.pop_front() {
                match msg {
                    Message::Notification(n) if n.method == "exit" => return if self.shutdown { 0 } else { 1 },
                    msg => self.handle(msg),
                }
                continue;
            }
            let wait = match (self.dirty_since, self.worker) {
                (Some(since), None) => DEBOUNCE.saturating_sub(since.elapsed()),
                _ => Duration::from_secs(3600),
            };
            let results = self.results.1.clone();
            select! {
                recv(receiver) -> msg => match msg {
                    Ok(Message::Notification(n)) if n.method == "exit" => return if self.shutdown { 0 } else { 1 },
                    Ok(msg) => self.handle(msg),
                    // The client went away without `exit`.
                    Err(_) => return 1,
                },
                recv(results) -> snap => {
                    if let Ok(snap) = snap {
                        self.worker = None;
                        self.accept_snapshot(snap);
                    }
                },
                default(wait) => {},
            }
        }
    }

    /// Waits for `initialize`, answers it with the capabilities and the position encoding.
    fn initialize(&mut self, receiver: &Receiver<Message>) -> bool {
        loop {
            let Ok(msg) = receiver.recv() else { return false };
            match msg {
                Message::Request(req) if req.method == "initialize" => {
                    let params: lt::InitializeParams = match serde_json::from_value(req.params) {
                        Ok(p) => p,
                        Err(e) => {
                            self.reply_err(req.id, Failure::new(ErrorCode::InvalidParams, e.to_string()));
                            continue;
                        }
                    };
                    let offered = params
                        .capabilities
                        .general
                        .as_ref()
                        .and_then(|g| g.position_encodings.as_ref())
                        .is_some_and(|encs| encs.contains(&lt::PositionEncodingKind::UTF8));
                    self.encoding = if offered { Encoding::Utf8 } else { Encoding::Utf16 };
                    self.folders = folders(&params);
                    let result = lt::InitializeResult {
                        capabilities: capabilities(self.encoding),
                        server_info: Some(lt::ServerInfo {
                            name: "archc".into(),
                            version: Some(env!("CARGO_PKG_VERSION").into()),
                        }),
                    };
                    self.reply(req.id, serde_json::to_value(result).unwrap_or(Value::Null));
                    // Clients follow with `initialized`, which needs no answer; anything else they
                    // send from here on is served.
                    if !self.folders.is_empty() {
                        self.mark_dirty();
                    }
                    return true;
                }
                Message::Request(req) => self.reply_err(
                    req.id,
                    Failure::new(ErrorCode::ServerNotInitialized, "the server is not initialized yet"),
                ),
                Message::Notification(n) if n.method == "exit" => return false,
                _ => {}
            }
        }
    }

    fn handle(&mut self, msg: Message) {
        match msg {
            Message::Request(req) => self.on_request(req),
            Message::Notification(n) => self.on_notification(n),
            Message::Response(_) => {}
        }
    }

    fn on_request(&mut self, req: Request) {
        let Request { id, method, params } = req;
        if self.shutdown {
            let failure = Failure::new(ErrorCode::InvalidRequest, "the server is shutting down");
            return self.reply_err(id, failure);
        }
        if self.cancelled(&id) {
            return self.reply_err(id, Failure::new(ErrorCode::RequestCanceled, "cancelled by the client"));
        }
        // A panic in a handler is a bug: log it, answer with an error and keep serving.
        let outcome = catch_unwind(AssertUnwindSafe(|| self.dispatch(&method, params)));
        match outcome {
            Ok(Ok(value)) => self.reply(id, value),
            Ok(Err(failure)) => self.reply_err(id, failure),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                eprintln!("archc lsp: internal error in `{method}`: {what}");
                self.reply_err(
                    id,
                    Failure::new(ErrorCode::InternalError, format!("internal error in `{method}`: {what}")),
                );
            }
        }
    }

    fn dispatch(&mut self, method: &str, params: Value) -> Handled {
        match method {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "initialize" => Err(Failure::new(ErrorCode::InvalidRequest, "the server is already initialized")),
            "textDocument/hover" => hover::hover(self, parse(params)?),
            "textDocument/definition" => navigation::definition(self, parse(params)?),
            "textDocument/references" => navigation::references(self, parse(params)?),
            "textDocument/documentHighlight" => navigation::highlights(self, parse(params)?),
            "textDocument/prepareRename" => navigation::prepare_rename(self, parse(params)?),
            "textDocument/rename" => navigation::rename(self, parse(params)?),
            "textDocument/documentSymbol" => symbols::document(self, parse(params)?),
            "workspace/symbol" => symbols::workspace(self, parse(params)?),
            "textDocument/formatting" => formatting::format(self, parse(params)?),
            "textDocument/completion" => completion::complete(self, parse(params)?),
            "textDocument/semanticTokens/full" => tokens::semantic_tokens(self, parse(params)?),
            "textDocument/foldingRange" => tokens::folding(self, parse(params)?),
            "textDocument/codeAction" => actions::code_actions(self, parse(params)?),
            // Lets the protocol tests prove that a failing handler does not take the server down.
            "archc/panicForTesting" if std::env::var_os("ARCHC_LSP_TEST_HOOKS").is_some() => {
                panic!("requested by the test hook")
            }
            _ => Err(Failure::new(ErrorCode::MethodNotFound, format!("unknown method `{method}`"))),
        }
    }

    /// Reads ahead what the client has already sent and looks for a cancellation of `id`, which
    /// is then consumed. Requests are answered in order, so only a request not yet started can
    /// be cancelled; a cancellation that comes too late is ignored, as the protocol allows.
    fn cancelled(&mut self, id: &RequestId) -> bool {
        while let Ok(msg) = self.incoming.try_recv() {
            self.pending.push_back(msg);
        }
        let is_cancel = |m: &Message| match m {
            Message::Notification(n) if n.method == "$/cancelRequest" => {
                serde_json::from_value::<lt::CancelParams>(n.params.clone()).is_ok_and(|p| {
                    let cancelled: RequestId = match p.id {
                        lt::NumberOrString::Number(n) => n.into(),
                        lt::NumberOrString::String(s) => s.into(),
                    };
                    &cancelled == id
                })
            }
            _ => false,
        };
        match self.pending.iter().position(is_cancel) {
            Some(at) => {
                self.pending.remove(at);
                true
            }
            None => false,
        }
    }

    fn on_notification(&mut self, n: Notification) {
        let Notification { method, params } = n;
        let outcome = catch_unwind(AssertUnwindSafe(|| self.notification(&method, params)));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(failure)) => eprintln!("archc lsp: `{method}` ignored: {}", failure.message),
            Err(_) => eprintln!("archc lsp: internal error in `{method}`"),
        }
    }

    fn notification(&mut self, method: &str, params: Value) -> Result<(), Failure> {
        match method {
            "textDocument/didOpen" => {
                let p: lt::DidOpenTextDocumentParams = parse(params)?;
                let path = self.path(&p.text_document.uri)?;
                self.versions.insert(path.clone(), p.text_document.version);
                self.overlay.open(path.clone(), p.text_document.text);
                self.edited(&path);
            }
            "textDocument/didChange" => {
                let p: lt::DidChangeTextDocumentParams = parse(params)?;
                let path = self.path(&p.text_document.uri)?;
                let mut text = self.overlay.get(&path).map(|t| t.to_string()).unwrap_or_default();
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let r = convert::Lines::new(&text, self.encoding).offsets(range);
                            text.replace_range(r, &change.text);
                        }
                        None => text = change.text,
                    }
                }
                self.versions.insert(path.clone(), p.text_document.version);
                self.overlay.open(path.clone(), text);
                self.edited(&path);
            }
            "textDocument/didClose" => {
                let p: lt::DidCloseTextDocumentParams = parse(params)?;
                let path = self.path(&p.text_document.uri)?;
                self.overlay.close(&path);
                self.versions.remove(&path);
                self.mark_dirty();
            }
            "textDocument/didSave" => {}
            // Files not open changed on disk, `arch.toml` included: analyze again.
            "workspace/didChangeWatchedFiles" => self.mark_dirty(),
            "workspace/didChangeWorkspaceFolders" => {
                let p: lt::DidChangeWorkspaceFoldersParams = parse(params)?;
                let removed: Vec<PathBuf> = p.event.removed.iter().filter_map(|f| convert::path_of(&f.uri)).collect();
                self.folders.retain(|f| !removed.iter().any(|r| canonical(r) == *f));
                for added in p.event.added.iter().filter_map(|f| convert::path_of(&f.uri)) {
                    let added = canonical(&added);
                    if !self.folders.contains(&added) {
                        self.folders.push(added);
                    }
                }
                self.mark_dirty();
            }
            // A cancellation of a request already answered (see `cancelled`).
            "$/cancelRequest" => {}
            _ => {}
        }
        Ok(())
    }

    /// A document changed: its syntax errors go out at once when it has (or had) any; the
    /// workspace is checked after the debounce.
    fn edited(&mut self, path: &Path) {
        self.mark_dirty();
        let Some(text) = self.overlay.get(path).cloned() else { return };
        let parse = crate::syntax::parse(crate::source::FileId(0), &text);
        let had_syntax_errors = self.published.get(path).is_some_and(|d| d.iter().any(diagnostics::is_syntax));
        if !parse.errors.is_empty() || had_syntax_errors {
            let lines = convert::Lines::new(&text, self.encoding);
            let diags = parse.errors.iter().map(|d| diagnostics::syntax(&lines, d)).collect();
            self.publish(path, diags);
        }
    }

    fn mark_dirty(&mut self) {
        self.generation += 1;
        self.dirty_since.get_or_insert_with(Instant::now);
    }

    /// Folders to analyze: the client's workspace folders and the workspace root of every open
    /// document outside them.
    fn roots(&self) -> Vec<PathBuf> {
        let mut roots = self.folders.clone();
        for path in self.overlay.paths() {
            if !roots.iter().any(|r| path.starts_with(r)) {
                let root = driver::find_root(&self.overlay, path);
                if !roots.contains(&root) {
                    roots.push(root);
                }
            }
        }
        roots
    }

    fn start_worker(&mut self) {
        let overlay = self.overlay.clone();
        let roots = self.roots();
        let generation = self.generation;
        let opts = self.opts.clone();
        let caches = self.parse_caches.clone();
        let results = self.results.0.clone();
        let log = self.log;
        self.worker = Some(generation);
        std::thread::spawn(move || {
            let started = Instant::now();
            let built =
                catch_unwind(AssertUnwindSafe(|| Snapshot::build_cached(&overlay, &roots, generation, &opts, &caches)));
            if log {
                eprintln!("archc lsp: analysis of generation {generation} took {:?}", started.elapsed());
            }
            match built {
                Ok(snap) => {
                    let _ = results.send(snap);
                }
                Err(_) => eprintln!("archc lsp: internal error while analyzing the workspace"),
            }
        });
    }

    /// Keeps a snapshot newer than the current one; publishes it if it matches the documents.
    fn accept_snapshot(&mut self, snap: Snapshot) {
        if self.snapshot.as_ref().is_some_and(|s| s.generation >= snap.generation) {
            return;
        }
        let current = snap.generation == self.generation;
        let snap = Arc::new(snap);
        self.snapshot = Some(snap.clone());
        if current {
            self.dirty_since = None;
            self.publish_snapshot(&snap);
        }
    }

    /// The analysis of the documents as they are now, built here if the worker is behind.
    pub(crate) fn snapshot(&mut self) -> Arc<Snapshot> {
        if let Some(s) = &self.snapshot {
            if s.generation == self.generation {
                return s.clone();
            }
        }
        let snap =
            Snapshot::build_cached(&self.overlay, &self.roots(), self.generation, &self.opts, &self.parse_caches);
        self.accept_snapshot(snap);
        match &self.snapshot {
            Some(s) => s.clone(),
            None => Arc::new(Snapshot::build(&self.overlay, &[], self.generation, &self.opts)),
        }
    }

    /// The newest analysis there is, possibly one edit behind; built only if there is none.
    pub(crate) fn latest_snapshot(&mut self) -> Arc<Snapshot> {
        match &self.snapshot {
            Some(s) => s.clone(),
            None => self.snapshot(),
        }
    }

    fn publish_snapshot(&mut self, snap: &Snapshot) {
        let by_file = snap.diagnostics();
        let stale: Vec<PathBuf> = self.published.keys().filter(|p| !by_file.contains_key(*p)).cloned().collect();
        let mut lines = diagnostics::LinesCache::default();
        for (path, diags) in &by_file {
            let converted: Vec<lt::Diagnostic> =
                diags.iter().map(|(a, d)| diagnostics::convert(snap, a, d, self.encoding, &mut lines)).collect();
            // Unchanged files are not sent again: at 10,000 components most files do not change.
            if self.published.get(path).map_or(converted.is_empty(), |shown| shown == &converted) {
                continue;
            }
            self.publish(path, converted);
        }
        for path in stale {
            self.publish(&path, Vec::new());
        }
    }

    fn publish(&mut self, path: &Path, diagnostics: Vec<lt::Diagnostic>) {
        if diagnostics.is_empty() {
            self.published.remove(path);
        } else {
            self.published.insert(path.to_path_buf(), diagnostics.clone());
        }
        let params = lt::PublishDiagnosticsParams {
            uri: convert::uri_of(path),
            diagnostics,
            version: self.versions.get(path).copied(),
        };
        self.send(Message::Notification(Notification::new("textDocument/publishDiagnostics".into(), params)));
    }

    /// The path of a document URI, canonical when the file exists.
    pub(crate) fn path(&self, uri: &lt::Uri) -> Result<PathBuf, Failure> {
        let path = convert::path_of(uri)
            .ok_or_else(|| Failure::new(ErrorCode::InvalidParams, format!("not a file URI: {}", uri.as_str())))?;
        Ok(self.overlay.canonicalize(&path).unwrap_or(path))
    }

    /// The text of a document: the open buffer, else the analyzed file.
    pub(crate) fn text(&self, path: &Path) -> Option<Arc<String>> {
        self.overlay.get(path).cloned()
    }

    fn send(&self, msg: Message) {
        let _ = self.sender.send(Outgoing::Message(msg));
    }

    fn reply(&self, id: RequestId, value: Value) {
        self.send(Message::Response(Response::new_ok(id, value)));
    }

    fn reply_err(&self, id: RequestId, failure: Failure) {
        self.send(Message::Response(Response::new_err(id, failure.code as i32, failure.message)));
    }
}

/// Request parameters, or an invalid-params failure saying what is wrong with them.
fn parse<P: DeserializeOwned>(params: Value) -> Result<P, Failure> {
    serde_json::from_value(params).map_err(|e| Failure::new(ErrorCode::InvalidParams, format!("invalid params: {e}")))
}

/// The analyzed file behind a document, with the snapshot it belongs to.
pub(crate) fn with_file<T>(
    server: &mut Server,
    uri: &lt::Uri,
    f: impl FnOnce(&Snapshot, File<'_>, convert::Lines<'_>) -> Result<T, Failure>,
) -> Result<Option<T>, Failure> {
    let path = server.path(uri)?;
    let snap = server.snapshot();
    let Some(file) = snap.file(&path) else { return Ok(None) };
    let lines = convert::Lines::new(file.text(), server.encoding);
    f(&snap, file, lines).map(Some)
}

fn folders(params: &lt::InitializeParams) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for folder in params.workspace_folders.iter().flatten() {
        out.extend(convert::path_of(&folder.uri));
    }
    #[allow(deprecated)]
    if out.is_empty() {
        out.extend(params.root_uri.as_ref().and_then(convert::path_of));
    }
    out.iter().map(|p| canonical(p)).collect()
}

/// A folder the client named, as the analysis names it.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn capabilities(encoding: Encoding) -> lt::ServerCapabilities {
    let position_encoding = match encoding {
        Encoding::Utf8 => lt::PositionEncodingKind::UTF8,
        Encoding::Utf16 => lt::PositionEncodingKind::UTF16,
    };
    lt::ServerCapabilities {
        position_encoding: Some(position_encoding),
        text_document_sync: Some(lt::TextDocumentSyncCapability::Kind(lt::TextDocumentSyncKind::INCREMENTAL)),
        hover_provider: Some(lt::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lt::OneOf::Left(true)),
        references_provider: Some(lt::OneOf::Left(true)),
        document_highlight_provider: Some(lt::OneOf::Left(true)),
        rename_provider: Some(lt::OneOf::Right(lt::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(lt::OneOf::Left(true)),
        workspace_symbol_provider: Some(lt::OneOf::Left(true)),
        document_formatting_provider: Some(lt::OneOf::Left(true)),
        completion_provider: Some(lt::CompletionOptions {
            trigger_characters: Some(vec![" ".into()]),
            ..Default::default()
        }),
        semantic_tokens_provider: Some(lt::SemanticTokensServerCapabilities::SemanticTokensOptions(
            lt::SemanticTokensOptions {
                legend: tokens::legend(),
                full: Some(lt::SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: Default::default(),
            },
        )),
        folding_range_provider: Some(lt::FoldingRangeProviderCapability::Simple(true)),
        code_action_provider: Some(lt::CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    }
}
