//! # hogo-domain
//!
//! The value types and rules of hogo, free of I/O, clock and randomness: the 個人番号
//! ([`MyNumber`], secret and never printed), the 法人番号, ids, subjects, staff roles, the
//! nine affairs of doc 003 Art. 3 (M1) and the eight purposes of doc 000 §1 (P1),
//! information categories (P2), 本人確認 evidence (M7), consent, and the access
//! [`policy`] that every use case asks before it touches data.
//!
//! Time, randomness and ids come in through the [`Clock`], [`Entropy`] and [`IdGen`]
//! ports; test doubles live behind the `testkit` feature.
//!
//! ```
//! use hogo_domain::{MyNumber, MyNumberError};
//! let n = MyNumber::parse("１２３４-５６７８-９０１８").unwrap();
//! assert_eq!(n.to_string(), "************");
//! let err = MyNumber::parse_field("扶養親族1", "123456789012").unwrap_err();
//! assert!(matches!(err, MyNumberError::CheckDigit { .. }));
//! assert!(!err.to_string().contains("123456789012"));
//! ```

pub mod affair;
pub mod consent;
pub mod corporate_number;
pub mod ids;
pub mod info;
pub mod my_number;
pub mod placement;
pub mod policy;
pub mod ports;
pub mod rule;
pub mod staff;
pub mod subject;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod verification;

pub use affair::{Affair, AffairSet, Purpose};
pub use consent::{Consent, ConsentMethod, ConsentScope};
pub use corporate_number::{CorporateNumber, CorporateNumberError};
pub use ids::{
    ConsentId, HoldId, HoldingId, IdParseError, IncidentId, OrganisationId, RecordId, RequestId,
    StaffId, SubjectId,
};
pub use info::{DataClass, ForbiddenItem, InfoCategory, OccupationalNecessity, SensitiveKind};
pub use my_number::{MyNumber, MyNumberError};
pub use placement::{InputConfirmation, ProvisionRecordForm, SeekerItem};
pub use policy::{Authorization, Operation, Refusal, RefusalCode};
pub use ports::{Clock, Entropy, IdGen};
pub use rule::RuleId;
pub use staff::{Actor, Role};
pub use subject::{PayeeKind, Subject, SubjectKind};
pub use verification::Verification;
