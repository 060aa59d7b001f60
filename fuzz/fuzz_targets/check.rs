//! Parse one file, build an in-memory workspace from it (nothing touches the disk) and run the
//! resolver, then render every diagnostic as `archc check` would: nothing may panic.
#![no_main]

use archc::diagnostics::render::{render, RenderOptions};
use archc::semantic::{Workspace, WorkspaceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut ws = Workspace::default();
    let id = ws.sources.add("fuzz.arch".to_string(), text);
    let parse = archc::syntax::parse(id, ws.sources.text(id));
    let mut diags = parse.errors;
    let ast = parse.ast;
    ws.files.push(WorkspaceFile { id, ast, imports: Vec::new(), is_std: false });
    let (_model, resolve_diags) = archc::semantic::analyze(&ws);
    diags.extend(resolve_diags);
    archc::diagnostics::sort(&mut diags);
    let _ = render(&ws.sources, &diags, &RenderOptions { color: false });
});
