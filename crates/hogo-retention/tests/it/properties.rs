//! Property tests of the planner (issue 6): for arbitrary holdings, events, holds, affair
//! needs and dates. Sources: 番号GL 第4-3-(3)B (M9, M11), doc 000 §11 (P11), Purview's
//! "retention wins over deletion".

use std::collections::HashSet;

use hogo_retention::testkit::{World, arb_date, arb_event, arb_world};
use hogo_retention::{
    DisposalPlan, DocumentKind, EventScope, Holding, HoldingStatus, LegalHold, PlanInput, Schedule,
    plan,
};
use proptest::prelude::*;

fn run(w: &World, today: chrono::NaiveDate) -> DisposalPlan {
    plan(
        &Schedule::statutory(),
        &PlanInput {
            holdings: &w.holdings,
            events: &w.events,
            holds: &w.holds,
            needs: &w.needs,
            today,
        },
    )
}

fn held_on(holds: &[LegalHold], h: &Holding, today: chrono::NaiveDate) -> bool {
    holds.iter().any(|x| x.is_active_on(today) && x.covers(h))
}

fn number_held_on(w: &World, subject: hogo_domain::SubjectId, today: chrono::NaiveDate) -> bool {
    w.holdings.iter().any(|h| {
        h.subject == subject
            && h.carries_my_number
            && w.holds.iter().any(|x| x.is_active_on(today) && x.keeps_my_numbers() && x.covers(h))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// M11 / P11: nothing — holding or number — is due before its destroy-from date.
    #[test]
    fn nothing_is_due_before_its_destroy_from_date(w in arb_world(12), today in arb_date()) {
        let p = run(&w, today);
        for h in p.due() {
            prop_assert!(h.destroy_from.is_some_and(|d| d <= today), "{h:?}");
        }
        for n in p.numbers_due() {
            prop_assert!(n.due_from.is_some_and(|d| d <= today), "{n:?}");
        }
    }

    /// M11 (a hold wins over deletion): nothing under an active hold is due, and a number
    /// under an active hold with a legal basis is not due.
    #[test]
    fn nothing_under_an_active_hold_is_due(w in arb_world(12), today in arb_date()) {
        let p = run(&w, today);
        for (h, hp) in w.holdings.iter().zip(&p.holdings) {
            if held_on(&w.holds, h, today) {
                prop_assert!(hp.is_held() && !hp.is_due(), "{hp:?}");
            }
        }
        for n in &p.numbers {
            if number_held_on(&w, n.subject, today) {
                prop_assert!(!n.is_due(), "{n:?}");
            }
        }
    }

    /// M11 (deleted as soon as possible, by the system itself): everything past its date and
    /// not held is due.
    #[test]
    fn everything_past_its_date_and_not_held_is_due(w in arb_world(12), today in arb_date()) {
        let p = run(&w, today);
        for (h, hp) in w.holdings.iter().zip(&p.holdings) {
            if hp.destroy_from.is_some_and(|d| d <= today) && !held_on(&w.holds, h, today) {
                prop_assert!(hp.is_due(), "{hp:?}");
            }
        }
        for n in &p.numbers {
            if n.due_from.is_some_and(|d| d <= today) && !number_held_on(&w, n.subject, today) {
                prop_assert!(n.is_due(), "{n:?}");
            }
        }
    }

    /// M11: moving the evaluation date forward never makes a due item not-due, unless a hold
    /// became active in between.
    #[test]
    fn moving_the_date_forward_keeps_due_items_due(
        w in arb_world(12), a in arb_date(), b in arb_date()
    ) {
        let (early, late) = (a.min(b), a.max(b));
        let (p1, p2) = (run(&w, early), run(&w, late));
        for ((h, x), y) in w.holdings.iter().zip(&p1.holdings).zip(&p2.holdings) {
            if x.is_due() && !held_on(&w.holds, h, late) {
                prop_assert!(y.is_due(), "{x:?} → {y:?}");
            }
        }
        for (x, y) in p1.numbers.iter().zip(&p2.numbers) {
            prop_assert_eq!(x.subject, y.subject);
            if x.is_due() && !number_held_on(&w, x.subject, late) {
                prop_assert!(y.is_due(), "{x:?} → {y:?}");
            }
        }
    }

    /// M9 (kept while a period runs): adding an event — however late it arrives — never
    /// shortens retention of a holding or a number. The one exception is a ceiling, not a
    /// period: an identity-document copy is never kept longer than the document it
    /// supported, so an event that starts that document's period may bring the copy (and
    /// the number it carries) forward; those cases are left to
    /// `a_copy_follows_the_document_it_supported_when_that_document_gets_its_date`.
    #[test]
    fn adding_an_event_never_shortens_retention(
        w in arb_world(12), extra in arb_event(12), today in arb_date()
    ) {
        let supported: Vec<&Holding> = w
            .holdings
            .iter()
            .filter(|h| w.holdings.iter().any(|c| {
                c.kind == DocumentKind::IdentityDocumentCopy && c.supports == Some(h.id)
            }))
            .collect();
        prop_assume!(!supported.iter().any(|h| match extra.scope {
            EventScope::Holding(id) => id == h.id,
            EventScope::Subject(s) => s == h.subject,
        }));
        let p1 = run(&w, today);
        let mut w2 = w.clone();
        w2.events.push(extra);
        let p2 = run(&w2, today);
        for (x, y) in p1.holdings.iter().zip(&p2.holdings) {
            if let Some(before) = x.destroy_from {
                prop_assert!(y.destroy_from.is_some_and(|after| after >= before), "{x:?} → {y:?}");
            }
        }
        for (x, y) in p1.numbers.iter().zip(&p2.numbers) {
            if let Some(before) = x.due_from {
                prop_assert!(y.due_from.is_some_and(|after| after >= before), "{x:?} → {y:?}");
            }
        }
    }

    /// M9, 番号GL 第4-3-(3)B: a number is never due while an affair needs it.
    #[test]
    fn a_number_is_never_due_while_an_affair_needs_it(w in arb_world(12), today in arb_date()) {
        let p = run(&w, today);
        let needed: HashSet<_> =
            w.needs.iter().filter(|n| n.needs_on(today)).map(|n| n.subject).collect();
        for n in &p.numbers {
            if needed.contains(&n.subject) {
                prop_assert!(!n.is_due(), "{n:?}");
            }
        }
    }

    /// M11: planning is deterministic and does not depend on the order of events or holds.
    #[test]
    fn planning_is_deterministic(w in arb_world(12), today in arb_date()) {
        let p = run(&w, today);
        prop_assert_eq!(&p, &run(&w, today));
        let mut r = w.clone();
        r.events.reverse();
        r.needs.reverse();
        let q = run(&r, today);
        prop_assert_eq!(&p.numbers, &q.numbers);
        for (x, y) in p.holdings.iter().zip(&q.holdings) {
            prop_assert_eq!(x.destroy_from, y.destroy_from);
            prop_assert_eq!(x.disposal_month, y.disposal_month);
            prop_assert_eq!(x.is_due(), y.is_due());
        }
    }

    /// Vault buckets: a holding's disposal month is its destroy-from month, or open when the
    /// end is unknown or a hold keeps it (a bucket's key is destroyed with the whole month).
    #[test]
    fn disposal_month_follows_destroy_from_unless_held_or_open(w in arb_world(12), today in arb_date()) {
        let p = run(&w, today);
        for hp in &p.holdings {
            match (&hp.status, hp.destroy_from) {
                (HoldingStatus::Held { .. } | HoldingStatus::NotPlannable { .. }, _) | (_, None) =>
                    prop_assert_eq!(hp.disposal_month, hogo_retention::DisposalMonth::Open),
                (_, Some(d)) => prop_assert_eq!(hp.disposal_month, hogo_retention::DisposalMonth::of(d)),
            }
        }
    }
}
