//! The daily list of what is overdue or due soon across incidents, contractors, training,
//! complaints and review ([`status`]); pure: "today" is an argument. The application
//! layer adds requests and disposals.
//!
//! An item is listed when it is overdue, due within [`GovernancePolicy::due_soon_days`],
//! or due at once (never done). Items are sorted by due date, undated ones first.
//!
//! ```
//! use chrono::NaiveDate;
//! use hogo_governance::status::{status, GovernancePolicy, StatusInputs};
//! let today = NaiveDate::from_ymd_opt(2025, 6, 2).unwrap();
//! let items = status(today, &StatusInputs::default(), &GovernancePolicy::default()).unwrap();
//! // Nothing recorded: only the never-done review is listed.
//! assert_eq!(items.len(), 1);
//! ```

use chrono::{Days, NaiveDate};
use hogo_domain::RuleId;
use serde::{Deserialize, Serialize};

use crate::complaint::{Complaint, ComplaintPolicy};
use crate::contractor::ContractorRegistry;
use crate::error::GovernanceError;
use crate::incident::{Incident, Regime, ReportStage};
use crate::review::{SelfInspection, next_review_due};
use crate::training::{Trainee, TrainingNeed, TrainingPolicy, TrainingSession, training_due};

/// The organisation's settings for the status list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernancePolicy {
    /// Training intervals.
    pub training: TrainingPolicy,
    /// Complaint answer target.
    pub complaints: ComplaintPolicy,
    /// Months between self-inspections (12).
    pub review_interval_months: u32,
    /// How many days ahead counts as "due soon" (14).
    pub due_soon_days: u32,
}

impl Default for GovernancePolicy {
    fn default() -> Self {
        Self {
            training: TrainingPolicy::default(),
            complaints: ComplaintPolicy::default(),
            review_interval_months: 12,
            due_soon_days: 14,
        }
    }
}

/// The records the status is computed from.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusInputs<'a> {
    /// Incidents.
    pub incidents: &'a [Incident],
    /// Contractors (optional: an empty register if `None`).
    pub contractors: Option<&'a ContractorRegistry>,
    /// Staff as training sees them.
    pub roster: &'a [Trainee],
    /// Training sessions.
    pub sessions: &'a [TrainingSession],
    /// Complaints.
    pub complaints: &'a [Complaint],
    /// Self-inspections.
    pub inspections: &'a [SelfInspection],
}

/// What kind of item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// A 開示等の請求 to answer (added by the application layer, P7).
    Request,
    /// Records due for disposal (added by the application layer, M11).
    Disposal,
    /// An incident's 速報 (target window).
    IncidentPreliminary,
    /// An incident's 確報.
    IncidentFinal,
    /// A contractor's September hearing.
    ContractorHearing,
    /// A contractor's deletion proof after contract end.
    ContractorDeletionProof,
    /// A training, course or undertaking.
    Training,
    /// A complaint to answer.
    Complaint,
    /// The periodic self-inspection.
    Review,
}

/// One line of the status list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusItem {
    /// The kind.
    pub kind: StatusKind,
    /// The rule.
    pub rule: RuleId,
    /// The id of the record concerned (incident, contractor, staff, complaint).
    pub about: Option<String>,
    /// The due date (`None`: due at once or no fixed date).
    pub due: Option<NaiveDate>,
    /// Whether it is overdue.
    pub overdue: bool,
    /// The Japanese message.
    pub message_ja: String,
    /// The English message.
    pub message_en: String,
}

fn regime_en(r: Regime) -> &'static str {
    match r {
        Regime::MyNumber => "My Number Act Art. 29-4",
        Regime::Appi => "APPI Art. 26",
    }
}

/// Lists what is overdue or due soon on `today`.
///
/// # Errors
/// [`GovernanceError::CalendarOutOfRange`] when an incident deadline is outside the
/// holiday calendar.
pub fn status(
    today: NaiveDate,
    inputs: &StatusInputs<'_>,
    policy: &GovernancePolicy,
) -> Result<Vec<StatusItem>, GovernanceError> {
    let horizon =
        today.checked_add_days(Days::new(u64::from(policy.due_soon_days))).unwrap_or(today);
    let mut items = Vec::new();
    let mut push =
        |kind, rule, about: Option<String>, due: Option<NaiveDate>, ja: String, en: String| {
            let overdue = due.is_none_or(|d| today > d);
            if due.is_none_or(|d| d <= horizon) {
                items.push(StatusItem {
                    kind,
                    rule,
                    about,
                    due,
                    overdue,
                    message_ja: ja,
                    message_en: en,
                });
            }
        };
    for incident in inputs.incidents {
        let c = incident.classify()?;
        for rd in &c.deadlines {
            let r = rd.regime;
            if !incident.filed(r, ReportStage::Preliminary)
                && !incident.filed(r, ReportStage::Final)
            {
                push(
                    StatusKind::IncidentPreliminary,
                    RuleId::M4,
                    Some(incident.id.to_string()),
                    Some(rd.deadlines.preliminary_to),
                    format!(
                        "漏えい等事案の速報（{}）: {}〜{}目安",
                        r.label_ja(),
                        rd.deadlines.preliminary_from,
                        rd.deadlines.preliminary_to
                    ),
                    format!(
                        "incident preliminary report ({}): target {} to {}",
                        regime_en(r),
                        rd.deadlines.preliminary_from,
                        rd.deadlines.preliminary_to
                    ),
                );
            }
            if !incident.filed(r, ReportStage::Final) {
                push(
                    StatusKind::IncidentFinal,
                    RuleId::M4,
                    Some(incident.id.to_string()),
                    Some(rd.deadlines.final_due),
                    format!(
                        "漏えい等事案の確報（{}）: 期限 {}（{}日）",
                        r.label_ja(),
                        rd.deadlines.final_due,
                        rd.deadlines.final_period.days()
                    ),
                    format!(
                        "incident final report ({}): due {} ({} days)",
                        regime_en(r),
                        rd.deadlines.final_due,
                        rd.deadlines.final_period.days()
                    ),
                );
            }
        }
    }
    if let Some(reg) = inputs.contractors {
        for c in &reg.contractors {
            if let Some(h) = c.hearing_due(today) {
                push(
                    StatusKind::ContractorHearing,
                    RuleId::M14,
                    Some(c.id.to_string()),
                    Some(h.due),
                    format!("委託先「{}」の{}年9月ヒアリング", c.name, h.year),
                    format!("contractor \"{}\": September {} hearing", c.name, h.year),
                );
            }
            if c.awaiting_deletion_proof() {
                push(
                    StatusKind::ContractorDeletionProof,
                    RuleId::M14,
                    Some(c.id.to_string()),
                    None,
                    format!("委託先「{}」: 契約終了後の削除証明が未受領", c.name),
                    format!(
                        "contractor \"{}\": deletion proof after contract end not received",
                        c.name
                    ),
                );
            }
        }
    }
    for t in training_due(today, inputs.roster, inputs.sessions, policy.training) {
        let en = match t.need {
            TrainingNeed::HandlerTraining => "yearly handler training",
            TrainingNeed::ResponsibleCourse => "placement responsible person's course",
            TrainingNeed::Undertaking => "confidentiality undertaking",
        };
        push(
            StatusKind::Training,
            t.need.rule(),
            Some(t.staff.to_string()),
            t.due,
            format!("職員 {}: {}", t.staff, t.need.label_ja()),
            format!("staff {}: {en}", t.staff),
        );
    }
    for c in inputs.complaints {
        if let Some(due) = c.due(policy.complaints) {
            push(
                StatusKind::Complaint,
                RuleId::P8,
                Some(c.id.to_string()),
                Some(due),
                format!("苦情（{}受付、{}）への回答", c.received_on, c.status.label_ja()),
                format!("answer the complaint received {}", c.received_on),
            );
        }
    }
    let review = next_review_due(inputs.inspections, policy.review_interval_months);
    push(
        StatusKind::Review,
        RuleId::M16,
        None,
        review,
        "安全管理措置の点検・見直し（第45条）".to_owned(),
        "self-inspection and review of safety measures (Art. 45)".to_owned(),
    );
    items.sort_by_key(|i| (i.due.is_some(), i.due));
    Ok(items)
}
