//! Integration tests of hogo-governance, one module per rule area.
#![allow(clippy::unwrap_used)]

mod complaint;
mod contractor;
mod deadline;
mod holiday;
mod incident;
mod status;
mod training;
