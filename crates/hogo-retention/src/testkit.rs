//! Proptest strategies for holdings, events, holds and affair needs (feature `testkit`).
//!
//! Ids come from a small space so that subjects share holdings, events and holds, which is
//! where the planner's rules interact. Dates lie in 2015–2045.

use chrono::{Days, NaiveDate};
use hogo_domain::{Affair, HoldId, HoldingId, OrganisationId, StaffId, SubjectId};
use proptest::prelude::*;
use proptest::sample::select;
use uuid::Uuid;

use crate::hold::{HoldScope, LegalHold};
use crate::holding::{AffairNeed, Event, EventScope, Holding};
use crate::schedule::{DocumentKind, EventKind};

/// The organisation every generated item belongs to.
pub fn org() -> OrganisationId {
    OrganisationId::from_uuid(Uuid::from_u128(0xA))
}

/// Subject number `n`.
pub fn subject(n: u8) -> SubjectId {
    SubjectId::from_uuid(Uuid::from_u128(0x1_0000 + u128::from(n)))
}

/// Holding number `n`.
pub fn holding_id(n: u32) -> HoldingId {
    HoldingId::from_uuid(Uuid::from_u128(0x2_0000_0000 + u128::from(n)))
}

/// A date in 2015–2045.
pub fn arb_date() -> impl Strategy<Value = NaiveDate> {
    let base = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
    (0u64..11_000).prop_map(move |n| base.checked_add_days(Days::new(n)).unwrap_or(base))
}

/// Any document kind.
pub fn arb_kind() -> impl Strategy<Value = DocumentKind> {
    select(DocumentKind::ALL.to_vec())
}

/// Any event kind.
pub fn arb_event_kind() -> impl Strategy<Value = EventKind> {
    select(EventKind::ALL.to_vec())
}

/// Everything the planner plans over.
#[derive(Debug, Clone)]
pub struct World {
    /// Holdings `0..n`, of subjects `0..8`.
    pub holdings: Vec<Holding>,
    /// Events on those holdings and subjects.
    pub events: Vec<Event>,
    /// Holds, some released, some with a My Number basis.
    pub holds: Vec<LegalHold>,
    /// Affair needs, some continuing.
    pub needs: Vec<AffairNeed>,
}

/// One holding of one of 8 subjects.
pub fn arb_holding(n: u32) -> impl Strategy<Value = Holding> {
    (0u8..8, arb_kind(), arb_date(), any::<bool>(), proptest::option::of(0u32..8)).prop_map(
        move |(s, kind, created, flip, supports)| {
            let mut h = Holding::new(holding_id(n), org(), subject(s), kind, created);
            // Mostly the kind's default, sometimes not (a form that does or does not carry one).
            if flip && s % 3 == 0 {
                h.carries_my_number = !h.carries_my_number;
            }
            if kind == DocumentKind::IdentityDocumentCopy {
                h.supports = supports.map(holding_id);
            }
            h
        },
    )
}

/// An event on one of the first `holdings` holdings or one of the 8 subjects.
pub fn arb_event(holdings: u32) -> impl Strategy<Value = Event> {
    (any::<bool>(), 0..holdings.max(1), 0u8..8, arb_event_kind(), arb_date()).prop_map(
        |(on_subject, h, s, kind, date)| Event {
            scope: if on_subject {
                EventScope::Subject(subject(s))
            } else {
                EventScope::Holding(holding_id(h))
            },
            kind,
            date,
        },
    )
}

/// A hold with id `n` over some subjects and kinds.
pub fn arb_hold(n: u32) -> impl Strategy<Value = LegalHold> {
    (
        proptest::collection::vec(0u8..8, 0..3),
        proptest::collection::vec(arb_kind(), 0..3),
        arb_date(),
        proptest::option::of(0u64..3_000),
        any::<bool>(),
    )
        .prop_map(move |(subjects, kinds, start, release_after, basis)| {
            let scope = HoldScope { subjects: subjects.into_iter().map(subject).collect(), kinds };
            let id = HoldId::from_uuid(Uuid::from_u128(0x3_0000 + u128::from(n)));
            let owner = StaffId::from_uuid(Uuid::from_u128(0x4_0000));
            let hold =
                LegalHold::new(id, org(), "訴訟 2025(ワ)123", "証拠保全", owner, scope, start);
            let Ok(mut hold) = hold else { unreachable!("name and reason are not blank") };
            if basis {
                hold = match hold.clone().with_my_number_basis("民事訴訟法220条 文書提出命令")
                {
                    Ok(h) => h,
                    Err(_) => hold,
                };
            }
            if let Some(after) = release_after {
                let release = start.checked_add_days(Days::new(after)).unwrap_or(start);
                let _ = hold.release(release);
            }
            hold
        })
}

/// An affair need of one of the 8 subjects.
pub fn arb_need() -> impl Strategy<Value = AffairNeed> {
    (0u8..8, select(Affair::ALL.to_vec()), proptest::option::of(arb_date())).prop_map(
        |(s, affair, until)| AffairNeed { organisation: org(), subject: subject(s), affair, until },
    )
}

/// A world of up to `max_holdings` holdings with events, holds and needs.
pub fn arb_world(max_holdings: u32) -> impl Strategy<Value = World> {
    (1..=max_holdings.max(1))
        .prop_flat_map(|n| {
            let holdings: Vec<_> = (0..n).map(arb_holding).collect();
            (
                holdings,
                proptest::collection::vec(arb_event(n), 0..(3 * n as usize)),
                (0u32..3).prop_flat_map(|k| (0..k).map(arb_hold).collect::<Vec<_>>()),
                proptest::collection::vec(arb_need(), 0..4),
            )
        })
        .prop_map(|(holdings, events, holds, needs)| World { holdings, events, holds, needs })
}
