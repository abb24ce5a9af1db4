//! Complaints (苦情, P8; doc 003 Art. 44): a register with a named handler, a status and
//! the answer. The law sets no answer period; [`ComplaintPolicy::answer_days`] is the
//! organisation's own target (14 days unless configured).
//!
//! ```
//! use hogo_governance::complaint::ComplaintPolicy;
//! assert_eq!(ComplaintPolicy::default().answer_days, 14);
//! ```

use chrono::{Days, NaiveDate};
use hogo_domain::{RuleId, StaffId};
use serde::{Deserialize, Serialize};

use crate::error::GovernanceError;
use crate::ids::ComplaintId;
use crate::text::FreeText;

/// The organisation's target for answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintPolicy {
    /// Days from receipt (the day received is day 1).
    pub answer_days: u32,
}

impl Default for ComplaintPolicy {
    fn default() -> Self {
        Self { answer_days: 14 }
    }
}

/// The state of a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// 受付.
    Received,
    /// 対応中.
    InProgress,
    /// 回答済.
    Answered {
        /// The day.
        on: NaiveDate,
        /// The answer.
        answer: FreeText,
    },
}

impl ComplaintStatus {
    /// The Japanese label.
    pub fn label_ja(&self) -> &'static str {
        match self {
            Self::Received => "受付",
            Self::InProgress => "対応中",
            Self::Answered { .. } => "回答済",
        }
    }
}

/// A complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    /// The id.
    pub id: ComplaintId,
    /// The day received.
    pub received_on: NaiveDate,
    /// What it is about.
    pub summary: FreeText,
    /// The named handler.
    pub handler: StaffId,
    /// The state.
    pub status: ComplaintStatus,
}

impl Complaint {
    /// Registers a complaint.
    ///
    /// # Errors
    /// [`GovernanceError::EmptyText`] or [`GovernanceError::MyNumberInText`] for the summary.
    pub fn new(
        id: ComplaintId,
        received_on: NaiveDate,
        summary: &str,
        handler: StaffId,
    ) -> Result<Self, GovernanceError> {
        Ok(Self {
            id,
            received_on,
            summary: FreeText::required("苦情の内容 / complaint", summary, RuleId::P8)?,
            handler,
            status: ComplaintStatus::Received,
        })
    }

    /// Reassigns the handler.
    pub fn assign(&mut self, handler: StaffId) {
        self.handler = handler;
    }

    /// Marks it in progress.
    pub fn start(&mut self) {
        if matches!(self.status, ComplaintStatus::Received) {
            self.status = ComplaintStatus::InProgress;
        }
    }

    /// Records the answer.
    ///
    /// # Errors
    /// [`GovernanceError::DateOrder`] before receipt; text errors for the answer.
    pub fn answer(&mut self, on: NaiveDate, answer: &str) -> Result<(), GovernanceError> {
        if on < self.received_on {
            return Err(GovernanceError::DateOrder {
                field: "回答日 / answer date".into(),
                date: on,
                earliest: self.received_on,
                rule: RuleId::P8,
            });
        }
        self.status = ComplaintStatus::Answered {
            on,
            answer: FreeText::required("回答 / answer", answer, RuleId::P8)?,
        };
        Ok(())
    }

    /// The answer target date (`None` once answered).
    pub fn due(&self, policy: ComplaintPolicy) -> Option<NaiveDate> {
        if matches!(self.status, ComplaintStatus::Answered { .. }) {
            return None;
        }
        self.received_on
            .checked_add_days(Days::new(u64::from(policy.answer_days.saturating_sub(1))))
    }
}
