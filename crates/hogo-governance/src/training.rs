//! Training and confidentiality (P6, M16; doc 003 Art. 7③, 43; doc 000 §6).
//!
//! Every handler (a role that handles My Numbers or placement data) attends a session at
//! least every [`TrainingPolicy::handler_interval_months`] (12); the placement responsible
//! person (職業紹介責任者) attends the responsible person's course at least every
//! [`TrainingPolicy::responsible_course_interval_years`] (3, configurable); every handler has
//! a signed confidentiality undertaking (秘密保持誓約書). A handler never trained or without
//! an undertaking is overdue at once.
//!
//! ```
//! use hogo_governance::training::TrainingPolicy;
//! let p = TrainingPolicy::default();
//! assert_eq!((p.handler_interval_months, p.responsible_course_interval_years), (12, 3));
//! ```

use std::collections::BTreeSet;

use chrono::{Months, NaiveDate};
use hogo_domain::{Role, RuleId, StaffId};
use serde::{Deserialize, Serialize};

use crate::ids::TrainingId;
use crate::text::FreeText;

/// The kind of session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseKind {
    /// 取扱者向け定期研修 (yearly, every handler).
    Handler,
    /// 職業紹介責任者講習 (the placement responsible person's course). Also counts as a
    /// handler session.
    PlacementResponsible,
}

/// A session held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingSession {
    /// The id.
    pub id: TrainingId,
    /// The day.
    pub held_on: NaiveDate,
    /// The kind.
    pub kind: CourseKind,
    /// The title or contents.
    pub title: FreeText,
    /// Who attended.
    pub attendees: BTreeSet<StaffId>,
}

/// One staff member as training sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trainee {
    /// The staff member.
    pub staff: StaffId,
    /// The role.
    pub role: Role,
    /// Whether they are the placement responsible person (職業紹介責任者).
    pub placement_responsible: bool,
    /// The day the confidentiality undertaking was signed.
    pub undertaking_signed_on: Option<NaiveDate>,
}

impl Trainee {
    /// Whether the staff member handles personal data and so must be trained.
    pub fn is_handler(&self) -> bool {
        self.role.handles_numbers() || self.role.handles_placement_data()
    }
}

/// The organisation's intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingPolicy {
    /// Months between handler sessions (12).
    pub handler_interval_months: u32,
    /// Years between the responsible person's courses (3).
    pub responsible_course_interval_years: u32,
}

impl Default for TrainingPolicy {
    fn default() -> Self {
        Self { handler_interval_months: 12, responsible_course_interval_years: 3 }
    }
}

/// What a staff member needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingNeed {
    /// The yearly handler training (P6).
    HandlerTraining,
    /// The responsible person's course.
    ResponsibleCourse,
    /// The confidentiality undertaking (doc 003 Art. 7③).
    Undertaking,
}

impl TrainingNeed {
    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::HandlerTraining => "取扱者研修（年1回以上）",
            Self::ResponsibleCourse => "職業紹介責任者講習",
            Self::Undertaking => "秘密保持誓約書",
        }
    }

    /// The rule.
    pub fn rule(self) -> RuleId {
        match self {
            Self::HandlerTraining | Self::ResponsibleCourse => RuleId::P6,
            Self::Undertaking => RuleId::M16,
        }
    }
}

/// A training need with its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingDue {
    /// The staff member.
    pub staff: StaffId,
    /// What is needed.
    pub need: TrainingNeed,
    /// When it is due (`None`: never done, due at once).
    pub due: Option<NaiveDate>,
    /// Whether it is overdue on the day asked.
    pub overdue: bool,
}

fn last_attended(
    sessions: &[TrainingSession],
    staff: StaffId,
    kinds: &[CourseKind],
    today: NaiveDate,
) -> Option<NaiveDate> {
    sessions
        .iter()
        .filter(|s| kinds.contains(&s.kind) && s.held_on <= today && s.attendees.contains(&staff))
        .map(|s| s.held_on)
        .max()
}

/// The next training, course and undertaking due for each handler on `today` (every
/// handler appears with the next due date; check `overdue`).
pub fn training_due(
    today: NaiveDate,
    roster: &[Trainee],
    sessions: &[TrainingSession],
    policy: TrainingPolicy,
) -> Vec<TrainingDue> {
    let mut out = Vec::new();
    for t in roster.iter().filter(|t| t.is_handler()) {
        let last = last_attended(
            sessions,
            t.staff,
            &[CourseKind::Handler, CourseKind::PlacementResponsible],
            today,
        );
        let due =
            last.and_then(|d| d.checked_add_months(Months::new(policy.handler_interval_months)));
        out.push(TrainingDue {
            staff: t.staff,
            need: TrainingNeed::HandlerTraining,
            due,
            overdue: due.is_none_or(|d| today > d),
        });
        if t.placement_responsible {
            let last = last_attended(sessions, t.staff, &[CourseKind::PlacementResponsible], today);
            let months = policy.responsible_course_interval_years.saturating_mul(12);
            let due = last.and_then(|d| d.checked_add_months(Months::new(months)));
            out.push(TrainingDue {
                staff: t.staff,
                need: TrainingNeed::ResponsibleCourse,
                due,
                overdue: due.is_none_or(|d| today > d),
            });
        }
        if t.undertaking_signed_on.is_none() {
            out.push(TrainingDue {
                staff: t.staff,
                need: TrainingNeed::Undertaking,
                due: None,
                overdue: true,
            });
        }
    }
    out
}
