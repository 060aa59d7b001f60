//! The `dot` program (Graphviz) as a diagram renderer for `build --renderer dot`. It lives at the
//! CLI edge because it starts a process; `emit` only sees the [`SvgRenderer`] it is handed.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::emit::diagrams::SvgRenderer;

/// Renders with `dot -Tsvg` from the PATH.
pub struct SystemDot;

impl SystemDot {
    /// Checks that `dot` runs at all, so a missing Graphviz stops the build before it starts.
    pub fn probe() -> Result<SystemDot, String> {
        match Command::new("dot").arg("-V").stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status() {
            Ok(s) if s.success() => Ok(SystemDot),
            Ok(s) => Err(format!("`dot -V` failed ({s}); check the Graphviz installation or use `--renderer builtin`")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err("`--renderer dot` needs the `dot` program (Graphviz), which was not found on the PATH; install \
                 Graphviz or use `--renderer builtin`"
                    .to_string())
            }
            Err(e) => Err(format!("could not run `dot`: {e}")),
        }
    }
}

impl SvgRenderer for SystemDot {
    fn render(&self, dot: &str) -> Result<String, String> {
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not run `dot`: {e}"))?;
        let mut stdin = child.stdin.take().ok_or("could not write to `dot`")?;
        let input = dot.as_bytes().to_vec();
        // Write on another thread so that a large output cannot block the pipe.
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().map_err(|e| format!("could not run `dot`: {e}"))?;
        let _ = writer.join();
        if !out.status.success() {
            return Err(format!(
                "`dot -Tsvg` failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        String::from_utf8(out.stdout).map_err(|_| "`dot -Tsvg` wrote invalid UTF-8".to_string())
    }
}
