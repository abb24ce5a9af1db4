//! Integration tests of the `hogo` binary (assert_cmd).

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod check;
mod commands;
mod common;
mod demo;
mod governance;
mod ledger;
mod postgres;
mod requests;
mod retention;
mod role_matrix;
mod seeker;
mod staff;
mod tamper;
mod totp;
