//! The ledger against `ct-merkle`: appending N entries (hash chain, canonical encoding,
//! RFC 6962 tree stored as completed subtrees) vs pushing the same leaves into
//! `ct-merkle`'s in-memory tree (M5).

use std::hint::black_box;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use hogo_domain::testkit::SeededEntropy;
use hogo_domain::{Affair, OrganisationId, Role, StaffId, SubjectId};
use hogo_ledger::memory::InMemoryLedgerStore;
use hogo_ledger::{Action, ActorRef, LedgerStore, NewEntry, Scope, ledger, verify_ledger};
use sha2::Sha256;
use uuid::Uuid;

use crate::report::{Pair, Table};

const BATCH: usize = 1000;

/// The pairs at `n` entries.
pub(crate) fn append(n: usize) -> Table {
    let org = OrganisationId::from_uuid(Uuid::from_u128(1));
    let at = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
    let actor = ActorRef {
        staff: Some(StaffId::from_uuid(Uuid::from_u128(2))),
        role: Some(Role::NumberClerk),
    };
    let entries: Vec<NewEntry> = (0..n)
        .map(|i| {
            NewEntry::new(at + chrono::Duration::milliseconds(i as i64), org, actor, Action::Use)
                .with_subject(SubjectId::from_uuid(Uuid::from_u128(i as u128 + 10)))
                .with_scope(Scope::Affair(Affair::WithholdingSlip))
        })
        .collect();
    let mut store = InMemoryLedgerStore::new();
    ledger::create_log(&mut store, org, "bench.example/ledger", vec![]).unwrap();
    let entropy = SeededEntropy::new(1);
    let t = Instant::now();
    let mut it = entries.into_iter().peekable();
    while it.peek().is_some() {
        ledger::append(&mut store, org, it.by_ref().take(BATCH).collect(), &entropy).unwrap();
    }
    let hogo = t.elapsed();
    let t = Instant::now();
    black_box(verify_ledger(&store, org).unwrap());
    let verify = t.elapsed();
    let leaves: Vec<Vec<u8>> =
        store.entries(org, 0, n as u64).unwrap().into_iter().map(|s| s.bytes).collect();
    let mut tree = MemoryBackedTree::<Sha256, Vec<u8>>::new();
    let t = Instant::now();
    for l in leaves {
        tree.push(l);
    }
    black_box(tree.root());
    let ct = t.elapsed();
    Table {
        title: "Ledger vs ct-merkle (in memory)",
        note: "hogo encodes each entry canonically, chains it to the previous hash and stores the \
               completed RFC 6962 subtrees; ct-merkle only hashes the same leaf bytes into its tree. \
               Verification re-decodes every entry and recomputes chain and tree."
            .into(),
        pairs: vec![
            Pair { hogo: format!("append, batches of {BATCH}"), hogo_time: hogo, baseline: "ct-merkle push of the same leaves".into(), baseline_time: ct, ops: n },
            Pair { hogo: "verify_ledger (whole log)".into(), hogo_time: verify, baseline: "ct-merkle push of the same leaves".into(), baseline_time: ct, ops: n },
        ],
    }
}
