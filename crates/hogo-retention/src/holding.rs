//! What the planner plans over: [`Holding`]s (one thing kept about one subject), the
//! [`Event`]s that start their periods, and the [`AffairNeed`]s that keep a subject's My
//! Number in use (番号GL 第4-3-(3)B).

use chrono::NaiveDate;
use hogo_domain::{Affair, HoldingId, OrganisationId, SubjectId};
use serde::{Deserialize, Serialize};

use crate::schedule::{DocumentKind, EventKind};

/// 保有: one document or record kept about one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    /// The holding's id.
    pub id: HoldingId,
    /// The organisation (tenant) that keeps it.
    pub organisation: OrganisationId,
    /// The subject it is about.
    pub subject: SubjectId,
    /// What it is.
    pub kind: DocumentKind,
    /// Whether it carries the subject's 個人番号.
    pub carries_my_number: bool,
    /// The day it was created (the implicit `created` event).
    pub created: NaiveDate,
    /// For an `identity_document_copy`: the document the verification supported. The copy
    /// is never kept longer than that document (PPC).
    #[serde(default)]
    pub supports: Option<HoldingId>,
}

impl Holding {
    /// A holding of `kind`, carrying a My Number when the kind normally does.
    pub fn new(
        id: HoldingId,
        organisation: OrganisationId,
        subject: SubjectId,
        kind: DocumentKind,
        created: NaiveDate,
    ) -> Self {
        Self {
            id,
            organisation,
            subject,
            kind,
            carries_my_number: kind.carries_my_number(),
            created,
            supports: None,
        }
    }
}

/// What an event is about: one holding, or every holding of a subject (退職 and 資格喪失
/// usually concern the person, not one form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "id")]
pub enum EventScope {
    /// One holding.
    Holding(HoldingId),
    /// Every holding of the subject.
    Subject(SubjectId),
}

/// An event that starts (or moves) retention periods. Events may arrive late: the latest
/// date of each kind counts, so an event never shortens retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// What it is about.
    pub scope: EventScope,
    /// Which event.
    pub kind: EventKind,
    /// Its date.
    pub date: NaiveDate,
}

/// A 個人番号関係事務 that still needs a subject's number (continuing employment, a
/// continuing land lease…): while it runs the number is never due (番号GL 第4-3-(3)B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffairNeed {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The subject.
    pub subject: SubjectId,
    /// The affair.
    pub affair: Affair,
    /// The last day the affair needs the number; `None` while it continues.
    pub until: Option<NaiveDate>,
}

impl AffairNeed {
    /// Whether the affair still needs the number on `date`.
    pub fn needs_on(&self, date: NaiveDate) -> bool {
        self.until.is_none_or(|u| date <= u)
    }
}
