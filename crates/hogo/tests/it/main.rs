//! Integration tests of the application layer, on the in-memory store: the journeys of
//! `shared/docs/journeys.md` replayed through the public API.

#![allow(clippy::unwrap_used, reason = "test helpers panic on setup failure by design")]

mod governance;
mod invariants;
mod journey_clerk;
mod journey_office;
mod journey_requests_audit;
mod placement;
mod totp;
