//! # hogo
//!
//! The application layer that HR and job-placement software embeds. Every use case
//! resolves the signed-in session, asks the policy (`hogo_domain::policy`), touches the
//! vault and appends to the ledger **in one storage transaction**
//! ([`Store::transact`]): a crash leaves all of it or none of it, and no access to a
//! number or sensitive field happens without its log line. A refusal of the policy is
//! logged in a transaction of its own and returned as a typed [`Error::Refused`] naming
//! the rule.
//!
//! Embedders hold a [`Hogo`] over a store (`hogo-sqlite` by default, the in-memory store
//! of the `testkit` feature in tests) and call its use cases with a [`Session`]:
//!
//! ```
//! # #[cfg(feature = "testkit")] {
//! use hogo::numbers::{CollectNumber, NewSubject, OutputKind, Profile};
//! use hogo::testkit_app::{app, employer, init_input, TEST_PASSWORD};
//! use hogo_domain::verification::{IdentityCheck, NumberCheck};
//! use hogo_domain::{Affair, SubjectKind, Verification};
//! use secrecy::SecretString;
//!
//! let (app, _clock) = app(chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
//! let org = app.init(init_input(employer(false, false))).unwrap();
//! let manager = app.sign_in(org.organisation, "manager", &SecretString::from(TEST_PASSWORD), None, "doc").unwrap();
//! let person = app.add_subject(&manager, NewSubject {
//!     kind: SubjectKind::Employee,
//!     reference: "E-001".into(),
//!     same_person_as: None,
//!     profile: Profile { name: "山田 太郎".into(), furigana: "ヤマダ タロウ".into(), birth_date: None, address: "東京都".into() },
//! }).unwrap();
//! app.collect_number(&manager, CollectNumber {
//!     subject: person,
//!     affair: Affair::WithholdingSlip,
//!     verification: Verification::InPerson {
//!         verified_by: org.manager,
//!         number: NumberCheck::IndividualNumberCard,
//!         identity: IdentityCheck::CoveredByCard,
//!     },
//!     purpose_notified: true,
//!     identity_copy_kept: false,
//!     number: hogo_domain::testkit::synthetic_number(1),
//! }).unwrap();
//! let n = app.reveal_number(&manager, person, Affair::WithholdingSlip, OutputKind::Filing).unwrap();
//! assert_eq!(n, hogo_domain::testkit::synthetic_number(1));
//! assert!(app.verify_ledger(org.organisation).unwrap().ok);
//! # }
//! ```

pub mod app;
pub mod consent_ops;
pub mod docs;
pub mod error;
pub mod export;
pub mod governance;
mod index;
pub mod ledger_ops;
pub mod movements;
pub mod numbers;
pub mod organisation;
pub mod placement;
pub mod requests_ops;
pub mod retention_ops;
pub mod setup;
pub mod staff;
pub mod store;
#[cfg(feature = "testkit")]
pub mod store_suite;
pub mod subjects;
#[cfg(feature = "testkit")]
pub mod testkit;
#[cfg(feature = "testkit")]
pub mod testkit_app;
pub mod totp;

pub use app::{Hogo, Session};
pub use error::Error;
pub use store::{Store, Tx};
