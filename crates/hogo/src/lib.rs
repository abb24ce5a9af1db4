//! # hogo
//!
//! The application layer that HR and job-placement software embeds (work in progress).

pub mod app;
pub mod docs;
pub mod error;
pub mod ledger_ops;
pub mod numbers;
pub mod organisation;
pub mod requests_ops;
pub mod retention_ops;
pub mod setup;
pub mod staff;
pub mod store;
#[cfg(feature = "testkit")]
pub mod store_suite;
pub mod subjects;
#[cfg(feature = "testkit")]
pub mod testkit;
#[cfg(feature = "testkit")]
pub mod testkit_app;

pub use app::{Hogo, Session};
pub use error::Error;
pub use store::{Store, Tx};
