//! Backends: pure, deterministic functions from the model (and findings) to bytes.

pub mod diagrams;
pub mod export;
pub mod report;

pub mod codequality;
pub mod github;
pub mod junit;
pub mod sarif;
