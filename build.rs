//! Links the `archc` binary as a position-dependent executable on Linux: a position-independent one
//! makes the dynamic loader apply about 23,000 relocations at every start, each page they touch a
//! fault of its own (about 90 of a one-file run's 270). Measured side by side, a one-file
//! `archc check` took 0.86x the time. Only the binaries: proc macros and build scripts are
//! shared objects or host tools that keep the default.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
