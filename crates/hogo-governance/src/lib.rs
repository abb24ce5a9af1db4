//! # hogo-governance
//!
//! The governance rules of hogo as a pure crate — no file, socket, clock or randomness:
//! "today" and ids are arguments, and every type is serde-serialisable so the
//! application layer can keep it as a JSON document.
//!
//! - [`holiday`]: the Japanese holiday calendar (祝日法), verified against the Cabinet
//!   Office's list for 2007–2027;
//! - [`deadline`]: 速報 and 確報 deadlines of an incident report (M4);
//! - [`incident`]: incidents classified against the My Number and APPI regimes, report
//!   drafts and notices to the people affected (M4);
//! - [`contractor`]: 委託先 selection, contract clauses, 再委託 and hearings (M14);
//! - [`training`]: sessions, courses and confidentiality undertakings (P6, M16);
//! - [`complaint`]: the complaint register (P8);
//! - [`review`]: the self-inspection checklist (doc 003 Art. 45);
//! - [`status`]: what is overdue or due soon on a given day;
//! - [`ids`]: the ids this crate owns;
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

pub mod complaint;
pub mod contractor;
pub mod deadline;
pub mod error;
pub mod holiday;
pub mod ids;
pub mod incident;
pub mod review;
pub mod status;
pub mod text;
pub mod training;

pub use error::GovernanceError;
pub use text::FreeText;
