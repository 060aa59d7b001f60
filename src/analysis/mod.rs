//! The analysis layer between the resolved model and its readers: `facts` derives, once per
//! analysis, everything the rules, diagrams, report and exports need to agree on.

pub mod defaults;
pub mod facts;
pub mod flows;
pub mod graphs;
pub mod operations;
pub mod ranges;

pub use facts::Facts;
