//! Writes a generated workspace to disk, for benchmarks and by-hand scale tests:
//!
//! ```sh
//! cargo run --release --example gen-workspace -- --components 10000 --seed 1 --out /tmp/ws
//! target/release/archc check /tmp/ws
//! ```

#[path = "workspace_gen.rs"]
mod workspace_gen;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: gen-workspace --components N [--seed S] --out DIR";

fn main() -> ExitCode {
    let mut components: Option<usize> = None;
    let mut seed: u64 = 1;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--components" | "--seed" | "--out" => args.next(),
            other => {
                eprintln!("gen-workspace: unexpected argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        };
        let Some(value) = value else {
            eprintln!("gen-workspace: `{arg}` needs a value\n{USAGE}");
            return ExitCode::from(2);
        };
        let ok = match arg.as_str() {
            "--components" => value.parse().map(|n| components = Some(n)).is_ok(),
            "--seed" => value.parse().map(|s| seed = s).is_ok(),
            _ => {
                out = Some(PathBuf::from(value.clone()));
                true
            }
        };
        if !ok {
            eprintln!("gen-workspace: invalid value `{value}` for `{arg}`\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let (Some(components), Some(out)) = (components, out) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let files = workspace_gen::generate(components, seed);
    let mut bytes = 0;
    for (rel, text) in &files {
        let path = out.join(rel);
        let written = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&path, text));
        if let Err(e) = written {
            eprintln!("gen-workspace: cannot write `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
        bytes += text.len();
    }
    println!("wrote {} files ({bytes} bytes, {components} components, seed {seed}) to {}", files.len(), out.display());
    ExitCode::SUCCESS
}
