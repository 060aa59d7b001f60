//! End-to-end tests with hostile input: the real `archc` binary on temporary workspaces.
//!
//! Whatever the input, `archc` must answer with a diagnostic code and exit 1 (errors in the input)
//! or 2 (IO and limits), never panic (exit 101) and never hang: every run here has a time limit.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../benches/workspace_gen.rs"]
mod workspace_gen;

const BIN: &str = env!("CARGO_BIN_EXE_archc");
/// Generous: a debug build on a busy two-core machine. A run over this is a hang.
const LIMIT: Duration = Duration::from_secs(60);

struct Run {
    /// `None` when the process was killed at the time limit (or by a signal).
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    args: String,
}

impl Run {
    fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// A short excerpt for assertion messages (outputs can be megabytes).
    fn excerpt(&self) -> String {
        let cut = |s: &str| s.chars().take(3000).collect::<String>();
        format!(
            "`archc {}` exited {:?} after {:.2?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args,
            self.code,
            self.elapsed,
            cut(&self.stdout),
            cut(&self.stderr)
        )
    }
}

/// Runs `archc ARGS` in `dir`, killing it at `limit`.
fn archc_in(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let start = Instant::now();
    let mut child = Command::new(BIN)
        .arg("--color")
        .arg("never")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
    // Drain both pipes on threads so that a chatty child cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let code = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.code(),
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("waiting for archc: {e}"),
        }
    };
    let elapsed = start.elapsed();
    Run {
        code,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        elapsed,
        args: args.join(" "),
    }
}

fn check(dir: &Path) -> Run {
    archc_in(dir, &["check", "."], LIMIT)
}

/// A temporary workspace: `arch.toml` (empty unless given) and the files.
fn workspace(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    if !files.iter().any(|(p, _)| *p == "arch.toml") {
        write(dir.path(), "arch.toml", b"");
    }
    for (rel, bytes) in files {
        write(dir.path(), rel, bytes);
    }
    dir
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir {}: {e}", parent.display()));
    }
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// The contract for hostile input: the expected exit code, no panic, and the diagnostic code.
fn assert_rejected(run: &Run, exit: i32, code: &str) {
    assert_ne!(run.code, None, "archc did not finish within {LIMIT:?} (or was killed)\n{}", run.excerpt());
    assert_ne!(run.code, Some(101), "archc panicked\n{}", run.excerpt());
    assert!(!run.stderr.contains("panicked"), "archc panicked\n{}", run.excerpt());
    assert_eq!(run.code, Some(exit), "wrong exit code\n{}", run.excerpt());
    assert!(run.output().contains(code), "no `{code}` in the output\n{}", run.excerpt());
}

/// xorshift64: reproducible noise without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, n: usize, max: u8) -> Vec<u8> {
        (0..n).map(|_| (self.next() % (u64::from(max) + 1)) as u8).collect()
    }
}

#[test]
fn random_bytes_are_reported_not_crashed_on() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    // Small files too: their diagnostics are quoted with the source line, large ones are not.
    let files: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| {
            let n = 1 + (rng.next() % if i % 2 == 0 { 300 } else { 48_000 }) as usize;
            (format!("noise{i}.arch"), rng.bytes(n, 255))
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    let ws = workspace(&refs);
    assert_rejected(&check(ws.path()), 1, "SYN0");
}

#[test]
fn random_ascii_is_reported_not_crashed_on() {
    let mut rng = Rng(0xfeed_f00d_dead_beef);
    let files: Vec<(String, Vec<u8>)> = (0..6)
        .map(|i| {
            let n = 1 + (rng.next() % 48_000) as usize;
            (format!("noise{i}.arch"), rng.bytes(n, 127))
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    let ws = workspace(&refs);
    assert_rejected(&check(ws.path()), 1, "SYN0");
}

/// A 10 MB line with no break: one enormous word (minified or binary-like input).
#[test]
fn a_ten_megabyte_single_line_word() {
    let ws = workspace(&[("big.arch", "x".repeat(10_000_000).as_bytes())]);
    let run = check(ws.path());
    eprintln!("10 MB single-word line: {:.2?}", run.elapsed);
    assert_rejected(&run, 1, "SYN008");
    // The report stays readable: the word is shortened, not echoed in full.
    assert!(run.stdout.len() < 100_000, "{} bytes of output", run.stdout.len());
}

/// A 10 MB line of ordinary tokens without a single line break.
#[test]
fn a_ten_megabyte_single_line_of_tokens() {
    let unit = "zone z { trust high } component c owner t, uses x sync 2s \"s\" ";
    let line = unit.repeat(10_000_000 / unit.len() + 1);
    let ws = workspace(&[("big.arch", line.as_bytes())]);
    let run = check(ws.path());
    eprintln!("10 MB single line of tokens: {:.2?}", run.elapsed);
    assert_rejected(&run, 1, "SYN0");
    assert!(run.stdout.len() < 100_000, "{} bytes of output", run.stdout.len());
}

#[test]
fn fifty_thousand_nested_braces() {
    let ws = workspace(&[("deep.arch", "{".repeat(50_000).as_bytes())]);
    assert_rejected(&check(ws.path()), 1, "SYN006");
    let mixed = "component c {\n".to_string() + &"uses x {\n".repeat(50_000) + &"}\n".repeat(50_000);
    let ws = workspace(&[("deep.arch", mixed.as_bytes())]);
    assert_rejected(&check(ws.path()), 1, "SYN006");
}

#[test]
fn invalid_utf8_is_a_syntax_error() {
    let ws = workspace(&[("bad.arch", b"zone z {\n  trust high \xff\xfe\n}\n")]);
    assert_rejected(&check(ws.path()), 1, "SYN016");
}

#[test]
fn invalid_utf8_alone() {
    let ws = workspace(&[("bad.arch", b"\xff")]);
    assert_rejected(&check(ws.path()), 1, "SYN016");
}

#[test]
fn nul_bytes_are_reported() {
    let ws = workspace(&[("nul.arch", b"zone z {\n  trust \0 high\n}\n")]);
    assert_rejected(&check(ws.path()), 1, "SYN001");
    let ws = workspace(&[("zeros.arch", &[0u8; 4096])]);
    assert_rejected(&check(ws.path()), 1, "SYN001");
}

#[test]
fn files_that_import_each_other_share_one_namespace() {
    // Imports of workspace files are no-ops: a cycle of them is neither an error nor a hang.
    let ws = workspace(&[
        ("a.arch", b"import \"b.arch\"\n\nzone za {\n  trust high\n  parent zb\n}\n"),
        ("b.arch", b"import \"a.arch\"\n\nzone zb {\n  trust high\n}\n"),
    ]);
    let run = check(ws.path());
    assert!(!run.stdout.contains("RES004") && !run.stdout.contains("RES002"), "{}", run.excerpt());
    assert!(!run.stdout.contains("error["), "{}", run.excerpt());
}

#[test]
fn an_import_that_climbs_out_of_the_workspace() {
    let outer = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    // The target exists: the import fails because it leaves the workspace, not because it is missing.
    write(outer.path(), "secret.arch", b"zone leaked {\n  trust none\n}\n");
    write(outer.path(), "ws/arch.toml", b"");
    write(outer.path(), "ws/sub/a.arch", b"import \"../../secret.arch\"\n\nzone z {\n  trust high\n}\n");
    let run = check(&outer.path().join("ws"));
    assert_rejected(&run, 1, "RES005");
    assert!(!run.output().contains("leaked"), "the outside file was read\n{}", run.excerpt());
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_the_workspace() {
    let ws = workspace(&[("a.arch", b"zone z {\n  trust high\n}\n")]);
    std::fs::create_dir_all(ws.path().join("nested")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::os::unix::fs::symlink("..", ws.path().join("nested/loop")).unwrap_or_else(|e| panic!("symlink: {e}"));
    assert_rejected(&check(ws.path()), 2, "IO001");
}

#[test]
fn a_file_over_the_configured_size_limit() {
    let mut big = String::from("zone z {\n  trust high\n}\n");
    big.push_str(&"// padding to exceed the limit\n".repeat(70));
    assert!(big.len() > 1000);
    let ws = workspace(&[
        ("arch.toml", b"[workspace]\nmax-file-size = \"1KB\"\n"),
        ("small.arch", b"zone small {\n  trust low\n}\n"),
        ("big.arch", big.as_bytes()),
    ]);
    let run = check(ws.path());
    assert_rejected(&run, 2, "IO002");
    assert!(run.stdout.contains("big.arch"), "{}", run.excerpt());
}

#[test]
fn a_misspelt_reference_names_the_intended_element() {
    // A generated workspace is clean (see the tests below); misspell one `uses` target in it.
    let mut files = workspace_gen::generate(100, 5);
    let (file, line) = files
        .iter()
        .enumerate()
        .find_map(|(i, (_, text))| {
            text.lines().find(|l| l.starts_with("  uses ") && l.contains("_svc")).map(|l| (i, l.to_string()))
        })
        .unwrap_or_else(|| panic!("no `uses` of a service in the generated workspace"));
    let target = line.trim_start().trim_start_matches("uses ").split(' ').next().unwrap_or_default().to_string();
    let mut chars: Vec<char> = target.chars().collect();
    chars.swap(2, 3);
    let typo: String = chars.into_iter().collect();
    assert_ne!(typo, target);
    files[file].1 = files[file].1.replacen(&line, &line.replacen(&target, &typo, 1), 1);

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for (rel, text) in &files {
        write(dir.path(), rel, text.as_bytes());
    }
    let run = check(dir.path());
    assert_rejected(&run, 1, "HYG001");
    assert!(run.stdout.contains(&format!("unresolved reference `{typo}`")), "{}", run.excerpt());
    assert!(run.stdout.contains(&format!("did you mean `{target}`")), "{}", run.excerpt());
}

#[test]
fn fmt_check_refuses_a_file_with_a_syntax_error() {
    let text = b"zone z {\n  trust high\n";
    let ws = workspace(&[("broken.arch", text)]);
    let run = archc_in(ws.path(), &["fmt", "--check", "."], LIMIT);
    assert_rejected(&run, 1, "SYN005");
    let after = std::fs::read(ws.path().join("broken.arch")).unwrap_or_default();
    assert_eq!(after, text, "fmt --check changed the file");
    // Without --check as well: refused, and the file is left alone.
    let run = archc_in(ws.path(), &["fmt", "."], LIMIT);
    assert_rejected(&run, 1, "SYN005");
    assert_eq!(std::fs::read(ws.path().join("broken.arch")).unwrap_or_default(), text);
}

#[test]
fn fmt_check_lists_an_unformatted_file() {
    let messy = b"zone z {\ntrust high\n      kind network\n}\nzone   y { trust low }\n";
    let ws = workspace(&[("messy.arch", messy), ("tidy.arch", b"zone t {\n  trust high\n}\n")]);
    let run = archc_in(ws.path(), &["fmt", "--check", "."], LIMIT);
    assert_ne!(run.code, Some(101), "archc panicked\n{}", run.excerpt());
    assert!(!run.stderr.contains("panicked"), "{}", run.excerpt());
    assert_eq!(run.code, Some(1), "{}", run.excerpt());
    assert!(run.stdout.contains("messy.arch"), "{}", run.excerpt());
    assert!(!run.stdout.contains("tidy.arch"), "{}", run.excerpt());
    assert_eq!(std::fs::read(ws.path().join("messy.arch")).unwrap_or_default(), messy, "--check wrote the file");
    // Formatting for real makes `--check` pass.
    let run = archc_in(ws.path(), &["fmt", "."], LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.excerpt());
    let run = archc_in(ws.path(), &["fmt", "--check", "."], LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.excerpt());
}

fn generated_workspace(components: usize, seed: u64) -> tempfile::TempDir {
    let files = workspace_gen::generate(components, seed);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for (rel, text) in &files {
        write(dir.path(), rel, text.as_bytes());
    }
    dir
}

fn assert_clean(run: &Run) {
    assert_eq!(run.code, Some(0), "{}", run.excerpt());
    assert!(run.stdout.contains("no problems found"), "{}", run.excerpt());
}

#[test]
fn a_generated_workspace_of_100_components_is_clean_and_formatted() {
    let files = workspace_gen::generate(100, 7);
    assert_eq!(files.iter().map(|f| f.1.matches("\ncomponent ").count()).sum::<usize>(), 100);
    assert_eq!(files, workspace_gen::generate(100, 7), "the generator is not deterministic");
    let ws = generated_workspace(100, 7);
    let run = check(ws.path());
    assert_clean(&run);
    let run = archc_in(ws.path(), &["fmt", "--check", "."], LIMIT);
    assert_eq!(run.code, Some(0), "generated files are not in `archc fmt` layout\n{}", run.excerpt());
}

#[test]
fn a_generated_workspace_of_2000_components_is_clean() {
    let files = workspace_gen::generate(2000, 42);
    assert_eq!(files.iter().map(|f| f.1.matches("\ncomponent ").count()).sum::<usize>(), 2000);
    let per_file: Vec<usize> = files.iter().map(|f| f.1.matches("\ncomponent ").count()).filter(|&n| n > 0).collect();
    assert!(per_file.iter().all(|&n| (25..=125).contains(&n)), "{per_file:?}");
    let ws = generated_workspace(2000, 42);
    let run = check(ws.path());
    eprintln!("check of 2,000 generated components: {:.2?}", run.elapsed);
    assert_clean(&run);
}

#[test]
fn invalid_utf8_in_json_output_has_sane_positions() {
    let ws = workspace(&[("bad.arch", b"zone z {\n  trust high \xff\xfe\n}\n")]);
    let run = archc_in(ws.path(), &["check", "--format", "json", "."], LIMIT);
    assert_rejected(&run, 1, "SYN016");
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON: {e}\n{}", run.excerpt()));
    let diags = json["diagnostics"].as_array().cloned().unwrap_or_default();
    let utf8 = diags.iter().find(|d| d["code"] == "SYN016").unwrap_or_else(|| panic!("{}", run.excerpt()));
    let loc = &utf8["location"];
    // The span covers the U+FFFD the invalid bytes were read as: same line, end after start.
    assert_eq!(loc["line"], loc["end_line"], "{utf8:#}");
    assert!(loc["end_column"].as_u64() > loc["column"].as_u64(), "{utf8:#}");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_the_workspace_does_not_hang() {
    let ws = workspace(&[("a.arch", b"import \"pipe.arch\"\n\nzone z {\n  trust high\n}\n")]);
    let made = Command::new("mkfifo").arg(ws.path().join("pipe.arch")).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available; nothing to test");
        return;
    }
    // Found by the walk and imported: neither may block on the pipe.
    let run = check(ws.path());
    assert_rejected(&run, 1, "RES003");
    let run = archc_in(ws.path(), &["fmt", "--check", "."], LIMIT);
    assert_ne!(run.code, None, "fmt hung on a named pipe\n{}", run.excerpt());
    assert!(!run.stderr.contains("panicked"), "{}", run.excerpt());
}

#[test]
fn an_invalid_configuration_is_an_environment_error() {
    let ws =
        workspace(&[("arch.toml", b"[workspace\nmax-file-size = 3\n"), ("a.arch", b"zone z {\n  trust high\n}\n")]);
    assert_rejected(&check(ws.path()), 2, "IO003");
    let ws = workspace(&[("arch.toml", b"[workspace]\nmax-file-size = \"-5KB\"\n"), ("a.arch", b"zone z {\n}\n")]);
    assert_rejected(&check(ws.path()), 2, "IO003");
    let ws = workspace(&[("arch.toml", b"[workspace]\nexclude = [\"[\"]\n"), ("a.arch", b"zone z {\n}\n")]);
    assert_rejected(&check(ws.path()), 2, "IO003");
}

#[test]
fn a_missing_path_is_an_environment_error() {
    let ws = workspace(&[]);
    let run = archc_in(ws.path(), &["check", "does-not-exist"], LIMIT);
    assert_rejected(&run, 2, "IO001");
    let run = archc_in(ws.path(), &["fmt", "--check", "does-not-exist.arch"], LIMIT);
    assert_rejected(&run, 2, "IO001");
}

/// Control characters in a file (here in a string) must not reach the terminal raw: an `.arch` file
/// from an untrusted branch could otherwise rewrite the screen or the window title of whoever
/// checks it.
#[test]
fn control_characters_from_the_input_are_not_echoed_raw() {
    let ws = workspace(&[("a.arch", b"import \"\x1b[2J\x1b]0;owned\x07.arch\"\n\nzone z {\n  trust high\n}\n")]);
    let run = check(ws.path());
    assert_rejected(&run, 1, "RES003");
    assert!(
        !run.stdout.contains('\x1b') && !run.stdout.contains('\x07'),
        "raw control characters in the output\n{:?}",
        run.stdout
    );
}

/// Invalid UTF-8 is an error in the input (SYN016), so `fmt` exits 1 as `check` does; 2 is for IO.
#[test]
fn fmt_treats_invalid_utf8_as_an_input_error() {
    let text = b"zone z {\n  trust high \xff\n}\n";
    let ws = workspace(&[("bad.arch", text)]);
    let run = archc_in(ws.path(), &["fmt", "--check", "."], LIMIT);
    assert_rejected(&run, 1, "SYN016");
    let run = archc_in(ws.path(), &["fmt", "."], LIMIT);
    assert_rejected(&run, 1, "SYN016");
    assert_eq!(
        std::fs::read(ws.path().join("bad.arch")).unwrap_or_default(),
        text,
        "fmt rewrote a file it could not read"
    );
}
