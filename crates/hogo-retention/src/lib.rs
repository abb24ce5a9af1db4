//! # hogo-retention
//!
//! The statutory retention schedule of hogo (M9, M11, P11), the events that start
//! retention periods, legal holds, disposition review, and the **disposal planner** that
//! says, for a given day, what is due and why, what is held and why, and what falls due
//! next. Pure: no clock, file or randomness — "today" is always an argument.
//!
//! - [`schedule`]: one [`RetentionRule`] per [`DocumentKind`] (period, start event,
//!   counting mode, citation, minimum / ceiling / practice / policy).
//! - [`period`]: 民法140条・143条 and 所得税法施行規則76条の3 counting, including the
//!   month-end rule (29 February).
//! - [`config`]: the organisation's [`RetentionConfig`] (overrides, 完結 reading, review,
//!   cadence), validated into a [`Schedule`].
//! - [`holding`] and [`hold`]: what is planned over — [`Holding`], [`Event`],
//!   [`AffairNeed`], [`LegalHold`].
//! - [`plan`](mod@plan): the planner, [`plan()`] → [`DisposalPlan`], with each holding's
//!   [`DisposalMonth`] (the vault's key bucket) and the My Number rule per subject.
//!
//! ```
//! use chrono::NaiveDate;
//! use hogo_domain::{HoldingId, OrganisationId, SubjectId};
//! use hogo_retention::{
//!     plan, DisposalMonth, DocumentKind, Event, EventKind, EventScope, Holding, PlanInput,
//!     Schedule,
//! };
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let (org, subject) = (OrganisationId::from_uuid(uuid_of(1)), SubjectId::from_uuid(uuid_of(2)));
//! # fn uuid_of(n: u128) -> uuid::Uuid { uuid::Uuid::from_u128(n) }
//! let form = Holding::new(
//!     HoldingId::from_uuid(uuid_of(3)),
//!     org,
//!     subject,
//!     DocumentKind::DependentDeductionDeclaration,
//!     d(2023, 12, 20),
//! );
//! // 令和6年分 扶養控除等申告書, 提出期限 in 2024 (所得税法施行規則76条の3).
//! let events = [Event { scope: EventScope::Holding(form.id), kind: EventKind::FilingDue, date: d(2024, 1, 10) }];
//! let holdings = [form];
//! let input = |today| PlanInput { holdings: &holdings, events: &events, holds: &[], needs: &[], today };
//! let schedule = Schedule::statutory();
//!
//! let before = plan(&schedule, &input(d(2032, 1, 10)));
//! assert!(!before.holdings[0].is_due());
//! assert_eq!(before.holdings[0].destroy_from, Some(d(2032, 1, 11)));
//! assert_eq!(before.holdings[0].disposal_month, DisposalMonth::Month { year: 2032, month: 1 });
//!
//! let after = plan(&schedule, &input(d(2032, 1, 11)));
//! assert!(after.holdings[0].is_due());
//! assert!(after.numbers[0].is_due()); // no affair needs the number any more
//! ```

pub mod config;
pub mod error;
pub mod hold;
pub mod holding;
pub mod period;
pub mod plan;
pub mod schedule;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use config::{
    CompletionReading, DisposalCadence, PeriodOverride, RetentionConfig, ReviewMode, Schedule,
};
pub use error::RetentionError;
pub use hold::{HoldScope, LegalHold};
pub use holding::{AffairNeed, Event, EventScope, Holding};
pub use period::{CountingMode, RetentionPeriod};
pub use plan::{
    DisposalMonth, DisposalPlan, HoldingPlan, HoldingStatus, NextDue, NumberPlan, NumberStatus,
    PlanInput, plan,
};
pub use schedule::{
    Citation, DocumentKind, EventDates, EventKind, PeriodBasis, RetentionRule, StartRule,
};
