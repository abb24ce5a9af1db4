//! Subjects as the application stores them: kind, links, employment status and the
//! events that feed retention (入社, 退職, 資格喪失, 登録終了 …). Names and addresses are
//! personal data and live sealed in the vault, never here.

use chrono::{DateTime, NaiveDate, Utc};
use hogo_domain::{OrganisationId, Subject};
use serde::{Deserialize, Serialize};

/// A subject record of one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectRecord {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The subject (id, kind, same-person link).
    pub subject: Subject,
    /// The organisation's own reference (社員番号, 取引先コード), never a My Number.
    pub reference: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Life events, oldest first.
    pub events: Vec<SubjectEvent>,
}

/// A life event of a subject that starts or ends retention periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectEvent {
    /// What happened.
    pub kind: SubjectEventKind,
    /// The day it happened (JST calendar date).
    pub on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// Kinds of subject events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectEventKind {
    /// 入社.
    Hired,
    /// 退職.
    Retired,
    /// 資格喪失 (insurance qualification lost).
    QualificationLost,
    /// A continuing contract with a payee ended (e.g. a lease).
    ContractEnded,
    /// 求職登録の終了.
    RegistrationEnded,
}

impl SubjectEventKind {
    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Hired => "hired",
            Self::Retired => "retired",
            Self::QualificationLost => "qualification_lost",
            Self::ContractEnded => "contract_ended",
            Self::RegistrationEnded => "registration_ended",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Self> {
        [
            Self::Hired,
            Self::Retired,
            Self::QualificationLost,
            Self::ContractEnded,
            Self::RegistrationEnded,
        ]
        .into_iter()
        .find(|k| k.id() == id)
    }
}

impl SubjectRecord {
    /// Whether an affair still needs the subject's number: an employee not yet retired,
    /// a payee whose continuing contract has not ended (番号GL 第4-3-(3)B).
    pub fn relationship_continues(&self) -> bool {
        use hogo_domain::SubjectKind as K;
        let ended = |k| self.events.iter().any(|e| e.kind == k);
        match self.subject.kind {
            K::Employee => !ended(SubjectEventKind::Retired),
            K::Dependent { .. } => true,
            K::Payee(_) => !ended(SubjectEventKind::ContractEnded),
            K::JobSeeker => !ended(SubjectEventKind::RegistrationEnded),
        }
    }

    /// The latest event of a kind.
    pub fn last_event(&self, kind: SubjectEventKind) -> Option<NaiveDate> {
        self.events.iter().filter(|e| e.kind == kind).map(|e| e.on).max()
    }
}
