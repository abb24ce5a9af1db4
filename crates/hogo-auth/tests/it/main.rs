//! Integration tests of hogo-auth: sign-in, sessions, TOTP, administration and a property
//! test over random sequences of operations (P10, M13, M14, M5 ⑥).

// Reason: test code (helpers included) may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod admin;
mod common;
mod props;
mod sessions;
mod sign_in;
mod totp;
