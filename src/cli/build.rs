//! `archc build PATH -o DIR`: report.md, report.html, diagrams and model.json.

use std::path::PathBuf;

use crate::host::Host;

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Workspace folders or .arch files (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "build")]
    pub out: PathBuf,
}

pub fn run(_host: &dyn Host, _args: BuildArgs, _color: bool) -> i32 {
    eprintln!("error: `archc build` is not available in this build yet");
    super::EXIT_ERROR
}
