//! Integration tests of the `hogo` binary (assert_cmd).

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod check;
mod commands;
mod demo;
mod requests;
