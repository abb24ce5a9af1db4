//! Benchmarks of hogo-ledger (issue 5): append of N entries in batches vs `ct-merkle`
//! push of the same leaves, whole-ledger verify of N entries, and prove / verify inclusion
//! at N leaves. N defaults to 1 000 000; set `HOGO_LEDGER_BENCH_N` for a shorter run.

// Reason: benchmark setup; a failure is a bug to see at once, and sizes fit in usize.
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use hogo_domain::testkit::SeededEntropy;
use hogo_domain::{Affair, OrganisationId, Role, StaffId, SubjectId};
use hogo_ledger::memory::InMemoryLedgerStore;
use hogo_ledger::merkle::verify_inclusion;
use hogo_ledger::{Action, ActorRef, LedgerStore, NewEntry, Scope, ledger, verify_ledger};
use sha2::Sha256;
use uuid::Uuid;

const BATCH: usize = 1000;

fn n() -> u64 {
    std::env::var("HOGO_LEDGER_BENCH_N").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000)
}

fn org() -> OrganisationId {
    OrganisationId::from_uuid(Uuid::from_u128(1))
}

fn entries(n: u64) -> Vec<NewEntry> {
    let t0 = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
    let actor = ActorRef {
        staff: Some(StaffId::from_uuid(Uuid::from_u128(2))),
        role: Some(Role::NumberClerk),
    };
    (0..n)
        .map(|i| {
            let action = Action::ALL[(i % Action::ALL.len() as u64) as usize];
            let e =
                NewEntry::new(t0 + chrono::Duration::milliseconds(i as i64), org(), actor, action)
                    .with_subject(SubjectId::from_uuid(Uuid::from_u128(u128::from(i))))
                    .with_scope(Scope::Affair(Affair::WithholdingSlip));
            if i % 10 == 0 { e.with_note("源泉徴収票を出力").unwrap() } else { e }
        })
        .collect()
}

fn fresh() -> InMemoryLedgerStore {
    let mut s = InMemoryLedgerStore::new();
    ledger::create_log(&mut s, org(), "bench.example/ledger", vec![]).unwrap();
    s
}

fn append_all(store: &mut InMemoryLedgerStore, all: Vec<NewEntry>) {
    let entropy = SeededEntropy::new(1);
    let mut it = all.into_iter().peekable();
    while it.peek().is_some() {
        let batch: Vec<NewEntry> = it.by_ref().take(BATCH).collect();
        ledger::append(store, org(), batch, &entropy).unwrap();
    }
}

fn benches(c: &mut Criterion) {
    let n = n();
    let mut g = c.benchmark_group(format!("ledger_{n}"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(n));

    g.bench_function("append_batches_of_1000", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let all = entries(n);
                let mut store = fresh();
                let t = Instant::now();
                append_all(&mut store, all);
                total += t.elapsed();
                black_box(&store);
            }
            total
        });
    });

    let mut store = fresh();
    append_all(&mut store, entries(n));
    let leaves: Vec<Vec<u8>> =
        store.entries(org(), 0, n).unwrap().into_iter().map(|s| s.bytes).collect();

    g.bench_function("ct_merkle_push_same_leaves", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let copy = leaves.clone();
                let mut tree = MemoryBackedTree::<Sha256, Vec<u8>>::new();
                let t = Instant::now();
                for l in copy {
                    tree.push(l);
                }
                total += t.elapsed();
                black_box(tree.root());
            }
            total
        });
    });

    g.bench_function("verify_ledger", |b| b.iter(|| verify_ledger(&store, org()).unwrap()));
    g.finish();

    let mut g = c.benchmark_group(format!("proofs_{n}"));
    let root = ledger::root_at(&store, org(), n).unwrap();
    let hashes: Vec<_> = (0..64u64).map(|k| (k * 7919 * 131) % n).collect();
    let mut k = 0usize;
    g.bench_function("prove_inclusion", |b| {
        b.iter(|| {
            k = (k + 1) % hashes.len();
            ledger::prove_inclusion(&store, org(), hashes[k], n).unwrap()
        })
    });
    let proofs: Vec<_> = hashes
        .iter()
        .map(|&i| {
            let leaf = store.node(org(), 0, i).unwrap().unwrap();
            (i, leaf, ledger::prove_inclusion(&store, org(), i, n).unwrap())
        })
        .collect();
    g.bench_function("verify_inclusion", |b| {
        b.iter(|| {
            k = (k + 1) % proofs.len();
            let (i, leaf, p) = &proofs[k];
            verify_inclusion(leaf, *i, n, &p.path, &root).unwrap()
        })
    });
    g.finish();
}

criterion_group!(ledger_benches, benches);
criterion_main!(ledger_benches);
