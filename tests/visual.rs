//! The visual regression check: every view of every example is rendered and its SVG geometry
//! read back (`emit::diagrams::inspect`): no text past its box or out of the picture, no two texts
//! on top of each other, every edge label in its line's colour, no picture wider than 3:1; and
//! how the edges run: lines through labels and zone titles, along zone borders, labels on
//! borders, crossings and loops, each held at or under a stated count.
//! With `rsvg-convert` on the PATH each view is also rasterised to PNG, which must succeed; in CI
//! (`CI` set, where `.ci/setup` installs it) a missing `rsvg-convert` fails the test.
//!
//! Set `ARCHC_VISUAL_OUT=DIR` to keep the SVG and PNG files for a look.

use std::path::PathBuf;
use std::process::Command;

use archc::driver::analyze_paths;
use archc::emit::diagrams::inspect::{self, Fault};
use archc::emit::diagrams::{diagrams, Builtin, DiagramOptions};
use archc::host::FsHost;

fn examples() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(root).unwrap().filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs
}

fn has_rsvg() -> bool {
    Command::new("rsvg-convert").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn every_view_of_every_example_reads_cleanly() {
    let out = std::env::var_os("ARCHC_VISUAL_OUT").map(PathBuf::from);
    let rsvg = has_rsvg();
    assert!(
        rsvg || std::env::var_os("CI").is_none(),
        "rsvg-convert is missing: CI must rasterise every view (.ci/setup installs librsvg2-bin)"
    );
    let mut faults = Vec::new();
    let mut views = 0;
    let mut routed: [Vec<String>; 4] = Default::default();
    let (mut crossings, mut long) = (0, 0);
    for ws in examples() {
        let outcome = analyze_paths(&FsHost, std::slice::from_ref(&ws));
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        let tag = ws.file_name().unwrap().to_string_lossy().to_string();
        for analysis in &outcome.analyses {
            for highlight in [false, true] {
                let opts = DiagramOptions { highlight, renderer: &Builtin };
                for d in diagrams(&analysis.model, &analysis.facts, &analysis.diagnostics, &opts) {
                    let svg = d.svg.as_ref().unwrap_or_else(|e| panic!("{tag}/{}: {e}", d.name));
                    views += 1;
                    let picture = inspect::parse(svg).unwrap_or_else(|| panic!("{tag}/{}: not an SVG", d.name));
                    let name = format!("{tag}/{}{}", d.name, if highlight { " (highlight)" } else { "" });
                    for f in picture.faults() {
                        faults.push(format!("{name}: {f}"));
                    }
                    let routing = picture.routing();
                    for f in &routing.faults {
                        let kind = match f {
                            Fault::EdgeThroughLabel { .. } => 0,
                            Fault::EdgeThroughTitle { .. } => 1,
                            Fault::EdgeAlongBorder { .. } => 2,
                            _ => 3,
                        };
                        routed[kind].push(format!("{name}: {f}"));
                    }
                    crossings += routing.crossings;
                    long += routing.long_edges + routing.loops;
                    if let Some(dir) = &out {
                        let dir = dir.join(&tag);
                        std::fs::create_dir_all(&dir).unwrap();
                        let stem = format!("{}{}", d.name, if highlight { "-hl" } else { "" });
                        std::fs::write(dir.join(format!("{stem}.svg")), svg).unwrap();
                    }
                    if rsvg && !highlight {
                        let tmp =
                            std::env::temp_dir().join(format!("archc-visual-{}-{tag}-{}", std::process::id(), d.name));
                        std::fs::write(tmp.with_extension("svg"), svg).unwrap();
                        let png = match &out {
                            Some(dir) => dir.join(&tag).join(format!("{}.png", d.name)),
                            None => tmp.with_extension("png"),
                        };
                        let status = Command::new("rsvg-convert")
                            .args(["-w", "1600", "-o"])
                            .arg(&png)
                            .arg(tmp.with_extension("svg"))
                            .status()
                            .unwrap();
                        assert!(status.success(), "{name}: rsvg-convert failed");
                        assert!(std::fs::metadata(&png).unwrap().len() > 1000, "{name}: empty PNG");
                        let _ = std::fs::remove_file(tmp.with_extension("svg"));
                        if out.is_none() {
                            let _ = std::fs::remove_file(&png);
                        }
                    }
                }
            }
        }
    }
    assert!(views >= 40, "only {views} views drawn");
    assert!(faults.is_empty(), "{} faults:\n{}", faults.len(), faults.join("\n"));
    // How the edges run, over every view with and without highlighting. Text the lines cross is
    // moved after the layout (`place.rs`), and each zone is widened to leave room beside its
    // title, so that a line entering through the middle of its top passes beside the title.
    // The counts may only go down.
    let counts: Vec<usize> = routed.iter().map(Vec::len).collect();
    eprintln!("routing over {views} views: {counts:?}, {crossings} crossings, {long} long or looping");
    let limits = [
        ("lines through labels", 12),
        ("lines through zone titles", 64),
        ("lines along zone borders", 5),
        ("labels on zone borders", 30),
    ];
    for ((what, max), found) in limits.iter().zip(&routed) {
        assert!(found.len() <= *max, "{} {what} (at most {max}):\n{}", found.len(), found.join("\n"));
    }
    assert!(crossings <= 270, "{crossings} crossings of edges (at most 270)");
    assert!(long <= 10, "{long} edges longer than 1.5 diagonals or looping (at most 10)");
}
