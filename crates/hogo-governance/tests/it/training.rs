//! Training, courses and undertakings (P6, M16).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use hogo_domain::{Role, StaffId};
use hogo_governance::FreeText;
use hogo_governance::ids::TrainingId;
use hogo_governance::training::{
    CourseKind, Trainee, TrainingNeed, TrainingPolicy, TrainingSession, training_due,
};
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn staff(n: u128) -> StaffId {
    StaffId::from_uuid(Uuid::from_u128(n))
}

fn session(on: NaiveDate, kind: CourseKind, who: &[StaffId]) -> TrainingSession {
    TrainingSession {
        id: TrainingId::from_uuid(Uuid::from_u128(100)),
        held_on: on,
        kind,
        title: FreeText::new("研修名", "特定個人情報の取扱い").unwrap(),
        attendees: who.iter().copied().collect::<BTreeSet<_>>(),
    }
}

fn trainee(n: u128, role: Role, responsible: bool) -> Trainee {
    Trainee {
        staff: staff(n),
        role,
        placement_responsible: responsible,
        undertaking_signed_on: Some(d(2024, 4, 1)),
    }
}

/// P6: every handler is trained at least yearly; overdue the day after the anniversary;
/// staff who do not handle data are not listed.
#[test]
fn handlers_are_trained_every_year() {
    let roster = [trainee(1, Role::NumberClerk, false), trainee(2, Role::Auditor, false)];
    let sessions = [session(d(2024, 6, 1), CourseKind::Handler, &[staff(1)])];
    let p = TrainingPolicy::default();
    let due = training_due(d(2025, 6, 1), &roster, &sessions, p);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].need, TrainingNeed::HandlerTraining);
    assert_eq!(due[0].due, Some(d(2025, 6, 1)));
    assert!(!due[0].overdue);
    assert!(training_due(d(2025, 6, 2), &roster, &sessions, p)[0].overdue);
}

/// P6, M16: the placement responsible person's course every 3 years (configurable), and a
/// missing confidentiality undertaking or a never-trained handler is overdue at once.
#[test]
fn responsible_course_and_undertaking_are_tracked() {
    let mut t = trainee(3, Role::PrivacyOfficer, true);
    t.undertaking_signed_on = None;
    let sessions = [session(d(2022, 5, 10), CourseKind::PlacementResponsible, &[staff(3)])];
    let p = TrainingPolicy::default();
    let due = training_due(d(2025, 5, 10), std::slice::from_ref(&t), &sessions, p);
    let course = due.iter().find(|x| x.need == TrainingNeed::ResponsibleCourse).unwrap();
    assert_eq!(course.due, Some(d(2025, 5, 10)));
    assert!(!course.overdue);
    let handler = due.iter().find(|x| x.need == TrainingNeed::HandlerTraining).unwrap();
    assert!(handler.overdue, "the 2022 course is more than a year old");
    assert!(
        due.iter().any(|x| x.need == TrainingNeed::Undertaking && x.overdue && x.due.is_none())
    );
    let two_years = TrainingPolicy { responsible_course_interval_years: 2, ..p };
    let due = training_due(d(2025, 5, 10), std::slice::from_ref(&t), &sessions, two_years);
    assert!(due.iter().any(|x| x.need == TrainingNeed::ResponsibleCourse && x.overdue));
    let never = training_due(d(2025, 5, 10), &[trainee(4, Role::NumberManager, false)], &[], p);
    assert!(never[0].overdue && never[0].due.is_none());
}
