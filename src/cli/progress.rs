//! Progress on stderr for long builds: a bar appears only when stderr is a terminal and the work
//! has already taken more than a second, so short builds and logs stay quiet.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before a bar appears.
const QUIET_FOR: Duration = Duration::from_secs(1);

pub struct Progress {
    what: &'static str,
    start: Instant,
    enabled: bool,
    bar: OnceLock<ProgressBar>,
}

impl Progress {
    /// A progress display for `what` ("laying out diagrams"), shown only on a terminal.
    pub fn new(what: &'static str) -> Progress {
        Progress { what, start: Instant::now(), enabled: std::io::stderr().is_terminal(), bar: OnceLock::new() }
    }

    /// `done` of `total` steps finished; callable from any thread.
    pub fn tick(&self, done: usize, total: usize) {
        if !self.enabled || (self.bar.get().is_none() && self.start.elapsed() < QUIET_FOR) {
            return;
        }
        let bar = self.bar.get_or_init(|| {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(self.what);
            bar
        });
        bar.set_position(done as u64);
    }

    /// Removes the bar, if one was shown.
    pub fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}
