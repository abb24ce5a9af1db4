//! Consent records (同意): who consented, to what purpose or recipient, when and how.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::affair::Purpose;
use crate::ids::{ConsentId, StaffId, SubjectId};
use crate::info::SensitiveKind;

/// What a consent covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope")]
pub enum ConsentScope {
    /// Use for a purpose that needs its own consent (P1: ⑷, ⑸, ⑹).
    Purpose {
        /// The purpose.
        purpose: Purpose,
    },
    /// Provision to a named recipient (P3: 求人企業 or 業務提携先).
    Recipient {
        /// The recipient's name.
        recipient: String,
        /// Under which purpose.
        purpose: Purpose,
    },
    /// Acquisition of 要配慮 data after the need was explained (P2, APPI 20条2項).
    SensitiveAcquisition {
        /// Which kind.
        kind: SensitiveKind,
        /// The need was explained to the person before they consented.
        need_explained: bool,
    },
    /// Collection from someone other than the person (P2).
    CollectionFromOthers {
        /// From whom.
        source: String,
    },
    /// Passing the number on to a new employer (番号法19条4号).
    NumberTransferToNewEmployer,
    /// Use or provision to protect life, body or property (番号法9条5項, 19条16号).
    LifeBodyProperty,
    /// Provision of the named items of a job seeker to a named recipient (P3: "consent for
    /// that employer and those items"); also satisfies a [`ConsentScope::Recipient`] check.
    ProvisionOfItems {
        /// The recipient's name (求人企業 or 業務提携先).
        recipient: String,
        /// Under which purpose (⑷ or ⑹).
        purpose: Purpose,
        /// The items the person agreed to have provided.
        items: Vec<crate::placement::SeekerItem>,
    },
}

/// How consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// 書面.
    Written,
    /// 電磁的方法 (e-mail, web form).
    Electronic,
    /// 口頭 (recorded by the staff member).
    Oral,
}

/// One consent record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// The record's id.
    pub id: ConsentId,
    /// Who consented.
    pub subject: SubjectId,
    /// To what.
    pub scope: ConsentScope,
    /// When.
    pub given_at: DateTime<Utc>,
    /// How.
    pub method: ConsentMethod,
    /// Who recorded it.
    pub recorded_by: StaffId,
    /// When it was withdrawn, if it was (the mail magazine can be withdrawn).
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Consent {
    /// Whether the consent stands at `at`.
    pub fn is_active_at(&self, at: DateTime<Utc>) -> bool {
        self.given_at <= at && self.withdrawn_at.is_none_or(|w| w > at)
    }
}
