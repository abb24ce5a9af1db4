//! # hogo-requests
//!
//! The 開示等の請求 lifecycle (P7, M15; doc 000 §7 and its 請求書, doc 003 Art. 37–42;
//! APPI 32–39条) as a pure state machine: `(state, command, now) -> Result<(new state,
//! events)>`. Illegal commands are typed errors and change nothing.
//!
//! - [`intake`]: every field of the seed form, validated; no field may hold a My Number.
//! - [`config`]: fees per kind (only 開示 and 利用目的の通知 can carry one, APPI 38条),
//!   the answer target (default 14 days), the registered-seal rule for agents.
//! - [`request`]: the [`Request`] state, [`Command`]s, [`Event`]s and [`transition`].
//! - [`decision`]: decisions with grounds and articles; the [`CorrectionRecord`].
//! - [`package`]: the [`DisclosureSource`] port and the masking of other people's numbers.
//! - [`letters`]: 回答書 and notices as text and HTML.
//! - [`published`]: the APPI 32条 page, from the same configuration.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use hogo_domain::{Actor, OrganisationId, RequestId, Role, StaffId};
//! use hogo_requests::testkit::seed_form_principal_by_post;
//! use hogo_requests::*;
//!
//! let org = OrganisationId::from_uuid(uuid::Uuid::from_u128(1));
//! let clerk = Actor::new(StaffId::from_uuid(uuid::Uuid::from_u128(2)), org, Role::PlacementStaff);
//! let now = Utc.with_ymd_and_hms(2025, 4, 1, 1, 0, 0).unwrap();
//! let form = seed_form_principal_by_post(now.date_naive());
//! let (req, events) = Request::file(
//!     FileRequest {
//!         id: RequestId::from_uuid(uuid::Uuid::from_u128(3)),
//!         by: clerk.clone(),
//!         form,
//!         concerns_my_number: false,
//!         received_on: now.date_naive(),
//!         config: RequestConfig::seed(),
//!     },
//!     now,
//! )
//! .unwrap();
//! assert_eq!(req.days_left(now.date_naive()), 14);
//! assert_eq!(req.fee(RequestKind::Disclosure).unwrap().amount_yen, 1_000);
//! assert_eq!(events.len(), 2); // filed + fee demanded
//!
//! // Deciding before identity is verified is refused and changes nothing.
//! let cmd = Command::Decide {
//!     by: clerk,
//!     kind: RequestKind::Disclosure,
//!     decision: Decision::Disclosure(DisclosureDecision::Full),
//! };
//! assert_eq!(req.handle(&cmd, now).unwrap_err(), RequestError::IdentityNotVerified);
//! ```

pub mod config;
pub mod decision;
pub mod error;
pub mod intake;
pub mod kind;
pub mod letters;
pub mod package;
pub mod published;
pub mod request;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use config::{DEFAULT_TARGET_DAYS, Fee, FeeSchedule, PaymentMethod, RequestConfig};
pub use decision::{
    Change, CorrectionRecord, Decision, DisclosureDecision, Finding, Grounds, Measure,
    NonDisclosure, NonDisclosureGround, NotCorrectedGround, PurposeNotificationDecision,
    PurposeRefusalGround, SuspensionDecision, SuspensionGround,
};
pub use error::RequestError;
pub use intake::{
    Agent, AgentKind, AnswerMethod, AuthorityEnclosure, CorrectionRequest, DocumentChoice,
    IDENTITY_DOCUMENT_COPY_KIND, JobApplication, PersonDetails, ProvisionStop, RequestForm,
    Requester, Sex, SuspensionRequest,
};
pub use kind::{KindFamily, RequestKind};
pub use letters::{Notice, NoticeKind, render_letters};
pub use package::{DisclosurePackage, DisclosureSource, build_package, mask_my_numbers};
pub use published::{Organisation, PublishedPage, render_published_matters};
pub use request::{
    Command, CopyPart, Event, EventKind, FileRequest, Remedy, Request, Status, UnmaskedPart,
    transition,
};
