//! # hogo-governance
//!
//! The governance rules of hogo as a pure crate — no file, socket, clock or randomness:
//! "today" and ids are arguments, and every type is serde-serialisable so the
//! application layer can keep it as a JSON document.
//!
//! - [`holiday`]: the Japanese holiday calendar (祝日法), verified against the Cabinet
//!   Office's list for 2007–2027;
//! - [`deadline`]: 速報 and 確報 deadlines of an incident report (M4);
//! - [`text`]: free text that refuses My Number-like numbers;
//! - [`error`]: the crate's one error type, with bilingual messages.
//!
//! ```
//! use chrono::NaiveDate;
//! use hogo_governance::deadline::{FinalPeriod, ReportDeadlines};
//! // Known on Friday 2025-10-10; day 30 is Saturday 11-08 → Monday 11-10 (M4).
//! let known = NaiveDate::from_ymd_opt(2025, 10, 10).unwrap();
//! let d = ReportDeadlines::compute(known, FinalPeriod::Days30).unwrap();
//! assert_eq!(d.final_due, NaiveDate::from_ymd_opt(2025, 11, 10).unwrap());
//! ```

pub mod contractor;
pub mod deadline;
pub mod error;
pub mod holiday;
pub mod ids;
pub mod incident;
pub mod text;

pub use error::GovernanceError;
pub use text::FreeText;
