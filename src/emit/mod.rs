//! Backends: pure, deterministic functions from the model (and findings) to bytes.
