//! Exports to other ecosystems: the resolved model as JSON, a Mermaid flowchart, and a Backstage
//! catalog. Each is a pure function of the model; the same model gives the same bytes.

pub mod backstage;
pub mod json;
pub mod mermaid;
mod yaml;

use crate::semantic::model::Model;
use crate::source::SourceMap;

pub use json::{model_json, MODEL_JSON_VERSION};

/// What to export to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Mermaid,
    Backstage,
}

/// The model in the given format.
pub fn export(model: &Model, sources: &SourceMap, format: Format) -> String {
    match format {
        Format::Json => json::model_json(model, sources),
        Format::Mermaid => mermaid::flowchart(model),
        Format::Backstage => backstage::catalog(model),
    }
}
