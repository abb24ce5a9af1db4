//! Benchmark: plan over 1 M holdings (goal: linear, ≤ 1 s on the shared 2-vCPU machine).

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hogo_domain::{Affair, HoldingId, OrganisationId, SubjectId};
use hogo_retention::{
    AffairNeed, DocumentKind, Event, EventKind, EventScope, Holding, PlanInput, Schedule, plan,
};
use uuid::Uuid;

struct World {
    holdings: Vec<Holding>,
    events: Vec<Event>,
    needs: Vec<AffairNeed>,
}

/// `n` holdings of `n / 4` subjects, each with one event on the holding, one retirement per
/// subject for half the subjects, one continuing affair per eighth subject.
fn world(n: u32) -> World {
    let org = OrganisationId::from_uuid(Uuid::from_u128(1));
    let base = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap_or_default();
    let kinds = DocumentKind::ALL;
    let mut holdings = Vec::with_capacity(n as usize);
    let mut events = Vec::with_capacity(n as usize + n as usize / 8);
    let mut needs = Vec::new();
    for i in 0..n {
        let subject = SubjectId::from_uuid(Uuid::from_u128(0x1_0000_0000 + u128::from(i / 4)));
        let kind = kinds[(i as usize * 7) % kinds.len()];
        let day = base.checked_add_days(Days::new(u64::from(i % 3650))).unwrap_or(base);
        let id = HoldingId::from_uuid(Uuid::from_u128(0x2_0000_0000 + u128::from(i)));
        holdings.push(Holding::new(id, org, subject, kind, day));
        let ev = match kind {
            DocumentKind::DependentDeductionDeclaration
            | DocumentKind::RetirementIncomeDeclaration
            | DocumentKind::WithholdingSlipCopy
            | DocumentKind::PaymentRecordCopy => EventKind::FilingDue,
            DocumentKind::JobSeekerProfile | DocumentKind::PlacementRegisterEntry => {
                EventKind::RegistrationEnded
            }
            DocumentKind::CorrectionRecord => EventKind::Corrected,
            DocumentKind::ProvisionRecordPerContract
            | DocumentKind::ProvisionRecordConsolidated => EventKind::LastProvided,
            _ => EventKind::Completed,
        };
        events.push(Event { scope: EventScope::Holding(id), kind: ev, date: day });
        if i % 4 == 0 {
            if (i / 4) % 2 == 0 {
                events.push(Event {
                    scope: EventScope::Subject(subject),
                    kind: EventKind::Retired,
                    date: day,
                });
            }
            if (i / 4) % 8 == 1 {
                needs.push(AffairNeed {
                    organisation: org,
                    subject,
                    affair: Affair::WithholdingSlip,
                    until: None,
                });
            }
        }
    }
    World { holdings, events, needs }
}

fn bench_plan(c: &mut Criterion) {
    let schedule = Schedule::statutory();
    let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default();
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    for n in [100_000u32, 1_000_000] {
        let w = world(n);
        let input = PlanInput {
            holdings: &w.holdings,
            events: &w.events,
            holds: &[],
            needs: &w.needs,
            today,
        };
        group.bench_with_input(BenchmarkId::from_parameter(n), &input, |b, input| {
            b.iter(|| black_box(plan(&schedule, black_box(input))));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_plan);
criterion_main!(benches);
