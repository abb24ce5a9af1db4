//! # hogo-sqlite
//!
//! The embedded default store (work in progress).

pub mod db;
