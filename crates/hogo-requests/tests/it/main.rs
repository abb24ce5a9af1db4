//! Integration tests of hogo-requests (one binary).

// Reason: test helpers outside `#[test]` functions unwrap fixtures that cannot fail.
#![allow(clippy::unwrap_used)]

mod common;
mod props;
mod rules;
mod seed_walk;
