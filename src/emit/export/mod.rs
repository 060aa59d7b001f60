//! Exports to other ecosystems: the resolved model as JSON, a Mermaid flowchart, a Backstage
//! catalog, and the models of other architecture tools (Structurizr DSL, FINOS CALM, LikeC4).
//! Each is a pure function of the model; the same model gives the same bytes.

pub mod backstage;
pub mod calm;
pub mod json;
pub mod likec4;
pub mod mermaid;
mod peers;
pub mod structurizr;
mod yaml;

use crate::analysis::facts::Facts;
use crate::semantic::model::Model;
use crate::source::SourceMap;

pub use json::{model_json, MODEL_JSON_VERSION};

/// What to export to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Mermaid,
    Backstage,
    Structurizr,
    Calm,
    Likec4,
}

/// The model in the given format.
/// `facts` are those of the analysis that produced `model`.
pub fn export(model: &Model, facts: &Facts, sources: &SourceMap, format: Format) -> String {
    match format {
        Format::Json => json::model_json(model, sources),
        Format::Mermaid => mermaid::flowchart(model, facts),
        Format::Backstage => backstage::catalog(model, facts),
        Format::Structurizr => structurizr::workspace(model, facts),
        Format::Calm => calm::architecture(model, facts),
        Format::Likec4 => likec4::source(model, facts),
    }
}
