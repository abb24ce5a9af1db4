//! Integration tests of hogo-retention: worked examples for every document kind, the
//! configuration rules, legal holds, the My Number rule and the planner's properties.

mod config;
mod examples;
mod holds;
mod numbers;
mod properties;

use chrono::NaiveDate;
use hogo_domain::{HoldingId, OrganisationId, SubjectId};
use hogo_retention::{
    DisposalPlan, DocumentKind, Event, EventKind, EventScope, Holding, PlanInput, Schedule, plan,
};
use uuid::Uuid;

/// A date.
pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a valid test date")
}

pub(crate) fn org() -> OrganisationId {
    OrganisationId::from_uuid(Uuid::from_u128(0xA))
}

pub(crate) fn subject(n: u128) -> SubjectId {
    SubjectId::from_uuid(Uuid::from_u128(0x100 + n))
}

pub(crate) fn hid(n: u128) -> HoldingId {
    HoldingId::from_uuid(Uuid::from_u128(0x1000 + n))
}

/// Holding `n` of `kind` for subject 1, created on 2015-01-01.
pub(crate) fn holding(n: u128, kind: DocumentKind) -> Holding {
    Holding::new(hid(n), org(), subject(1), kind, d(2015, 1, 1))
}

pub(crate) fn on(h: &Holding, kind: EventKind, date: NaiveDate) -> Event {
    Event { scope: EventScope::Holding(h.id), kind, date }
}

pub(crate) fn plan_on(
    schedule: &Schedule,
    holdings: &[Holding],
    events: &[Event],
    today: NaiveDate,
) -> DisposalPlan {
    plan(schedule, &PlanInput { holdings, events, holds: &[], needs: &[], today })
}

/// The destroy-from date of one holding of `kind` with these events on it.
pub(crate) fn destroy_from(
    schedule: &Schedule,
    kind: DocumentKind,
    events: &[(EventKind, NaiveDate)],
) -> Option<NaiveDate> {
    let h = holding(1, kind);
    let events: Vec<Event> = events.iter().map(|&(k, date)| on(&h, k, date)).collect();
    plan_on(schedule, &[h], &events, d(2015, 1, 1)).holdings[0].destroy_from
}
