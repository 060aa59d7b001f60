//! Running the `archc` binary from the integration tests that check its command line: one
//! place pins what those runs share (the build date every dated output reads), each test file
//! adds what it wants of its own (a folder, colours).

#![allow(dead_code)]

use std::process::{Command, Output};

/// `SOURCE_DATE_EPOCH` for every run: dated output (reports, starters) is the same on every day.
pub const SOURCE_DATE_EPOCH: &str = "1780000000";

/// `archc` with `args`, the build date pinned, not started yet.
pub fn archc(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_archc"));
    cmd.args(args).env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH);
    cmd
}

/// Runs `cmd` to its end; a binary that cannot be started fails the test.
pub fn output(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run archc: {e}"))
}

/// Output bytes as text, invalid UTF-8 replaced.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
