//! Exports to other ecosystems: the model as JSON, Mermaid flowcharts and Backstage catalogs.
