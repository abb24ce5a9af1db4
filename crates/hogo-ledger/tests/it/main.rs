//! Integration tests of hogo-ledger: one binary, one module per area.

// Reason: test code (helpers included) may unwrap: a failure is a test failure; sizes in
// tests are small, so u64 -> usize casts cannot truncate.
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

mod checkpoints;
mod common;
mod export;
mod fixtures;
mod ledger;
mod merkle_interop;
mod proofs;
mod refusal;
mod register;
mod tamper;
