//! The language's vocabulary, a leaf every layer may use: the enumerated words of the language as
//! Rust enums that carry their order and properties (how a protocol travels, how strong an
//! authentication scheme is), so that no layer compares strings by rank constants.

pub mod vocab;

pub use vocab::{AuthScheme, Classification, Criticality, Protocol, Transport, Trust};
