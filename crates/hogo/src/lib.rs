//! # hogo
//!
//! The application layer that HR and job-placement software embeds (work in progress).

pub mod docs;
pub mod error;
pub mod organisation;
pub mod store;
#[cfg(feature = "testkit")]
pub mod store_suite;
pub mod subjects;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use error::Error;
pub use store::{Store, Tx};
