//! Shared fixtures.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use hogo_domain::{Actor, OrganisationId, RequestId, Role, StaffId};
use hogo_requests::*;
use uuid::Uuid;

pub(crate) fn org() -> OrganisationId {
    OrganisationId::from_uuid(Uuid::from_u128(1))
}
pub(crate) fn clerk() -> Actor {
    Actor::new(StaffId::from_uuid(Uuid::from_u128(10)), org(), Role::PlacementStaff)
}
pub(crate) fn clerk2() -> Actor {
    Actor::new(StaffId::from_uuid(Uuid::from_u128(11)), org(), Role::PlacementStaff)
}
pub(crate) fn manager() -> Actor {
    Actor::new(StaffId::from_uuid(Uuid::from_u128(20)), org(), Role::PrivacyOfficer)
}
pub(crate) fn number_clerk() -> Actor {
    Actor::new(StaffId::from_uuid(Uuid::from_u128(30)), org(), Role::NumberClerk)
}
pub(crate) fn number_manager() -> Actor {
    Actor::new(StaffId::from_uuid(Uuid::from_u128(31)), org(), Role::NumberManager)
}
/// 2025-04-01 10:00 JST.
pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 4, 1, 1, 0, 0).unwrap()
}
pub(crate) fn day(n: i64) -> DateTime<Utc> {
    t0() + Duration::days(n)
}
pub(crate) fn d0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()
}

pub(crate) fn file(
    form: RequestForm,
    config: RequestConfig,
    my_number: bool,
) -> (Request, Vec<Event>) {
    let by = if my_number { number_clerk() } else { clerk() };
    Request::file(
        FileRequest {
            id: RequestId::from_uuid(Uuid::from_u128(100)),
            by,
            form,
            concerns_my_number: my_number,
            received_on: d0(),
            config,
        },
        t0(),
    )
    .unwrap()
}

/// Applies a command that must succeed.
pub(crate) fn ok(r: &Request, c: Command, at: DateTime<Utc>) -> (Request, Vec<Event>) {
    match r.handle(&c, at) {
        Ok(x) => x,
        Err(e) => panic!("{c:?} refused: {e}"),
    }
}
