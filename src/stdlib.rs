//! The standard library: `.arch` files under `std/`, embedded in the binary and loaded through the
//! same parser as user files when a workspace imports `std.<module>`.

/// `(module, source)` for every std module, in name order.
pub const MODULES: &[(&str, &str)] = &[
    ("security", include_str!("../std/security.arch")),
    ("tech", include_str!("../std/tech.arch")),
    ("threats", include_str!("../std/threats.arch")),
];

pub fn module(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|m| m.0 == name).map(|m| m.1)
}
