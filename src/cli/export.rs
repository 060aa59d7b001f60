//! `archc export --to json|mermaid|backstage`.

use std::path::PathBuf;

use crate::host::Host;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Workspace folders or .arch files (default: the current folder).
    pub paths: Vec<PathBuf>,
}

pub fn run(_host: &dyn Host, _args: ExportArgs, _color: bool) -> i32 {
    eprintln!("error: `archc export` is not available in this build yet");
    super::EXIT_ERROR
}
