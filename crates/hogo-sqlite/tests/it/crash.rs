//! Crash test (issue 8, invariants 2 and 4): a child process runs mixed use cases on a
//! SQLite store and is killed with SIGKILL at random points; after each kill the store is
//! reopened and must be consistent — the ledger verifies, every sealed number has its
//! 取得 entry, and every 取得 entry's record still exists or was deleted with a
//! 削除・廃棄 entry. `HOGO_CRASH_KILLS` sets the number of kills (default 25).

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use hogo::Store;
use hogo::docs::NUMBER_RECORDS;
use hogo::numbers::NumberRecord;
use hogo_domain::testkit::SeededEntropy;
use hogo_domain::{Entropy, RecordId};
use hogo_ledger::{Action, ObjectRef};
use hogo_sqlite::SqliteStore;

fn check_consistency(data: &std::path::Path, keys: &std::path::Path) -> Result<u64, String> {
    let store = SqliteStore::open(data, keys).map_err(|e| format!("reopen: {e}"))?;
    let mut entries_seen = 0;
    for org in store.organisations().map_err(|e| e.to_string())? {
        let result = store.transact(org, &mut |tx| {
            let report = hogo_ledger::verify_ledger(&*tx.ledger, org)
                .map_err(|e| hogo::Error::Internal(format!("ledger does not verify: {e}")))?;
            let size = tx.ledger.head(org)?.map_or(0, |h| h.size);
            let entries = tx.ledger.entries(org, 0, size)?;
            let acquired: BTreeSet<RecordId> = entries
                .iter()
                .filter(|e| e.entry.action == Action::Acquisition)
                .filter(|e| {
                    e.entry.document_kind.as_ref().is_some_and(|k| k.as_str() == "my_number")
                })
                .filter_map(|e| match e.entry.object {
                    Some(ObjectRef::Record(r)) => Some(r),
                    _ => None,
                })
                .collect();
            let disposed_subjects: BTreeSet<_> = entries
                .iter()
                .filter(|e| e.entry.action == Action::Disposal)
                .filter_map(|e| e.entry.subject)
                .collect();
            let numbers: Vec<NumberRecord> = NUMBER_RECORDS.list(&*tx.docs, org)?;
            for n in &numbers {
                if !acquired.contains(&n.record) {
                    return Err(hogo::Error::Internal(format!(
                        "sealed number {} has no 取得 entry",
                        n.record
                    )));
                }
                if tx.vault.record(n.record)?.is_none() {
                    return Err(hogo::Error::Internal(format!(
                        "number record {} lost its envelope",
                        n.record
                    )));
                }
            }
            let live: BTreeSet<RecordId> = numbers.iter().map(|n| n.record).collect();
            for e in entries.iter().filter(|e| e.entry.action == Action::Acquisition) {
                if let (Some(ObjectRef::Record(r)), Some(kind)) =
                    (&e.entry.object, &e.entry.document_kind)
                    && kind.as_str() == "my_number"
                    && !live.contains(r)
                    && !e.entry.subject.is_some_and(|s| disposed_subjects.contains(&s))
                {
                    return Err(hogo::Error::Internal(format!(
                        "取得 entry {} has neither its record nor a disposal",
                        e.entry.sequence
                    )));
                }
            }
            Ok(report.entries)
        });
        entries_seen += result.map_err(|e| e.to_string())?;
    }
    store.integrity_check().map_err(|e| e.to_string())?;
    Ok(entries_seen)
}

/// Invariants 2 and 4, M5, M11: whatever moment a SIGKILL hits, the reopened store is
/// consistent and its ledger verifies; work continues after every crash.
#[test]
fn sigkill_at_random_points_leaves_a_consistent_store() {
    let kills: u64 =
        std::env::var("HOGO_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(25);
    let dir = crate::temp_dir();
    let data = dir.path().join("crash.db");
    let keys_dir = crate::temp_dir();
    let keys = keys_dir.path().join("crash.keys");
    let rng = SeededEntropy::new(4242);
    let mut last_entries = 0;
    for k in 0..kills {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hogo-crash-workload"))
            .arg(&data)
            .arg(&keys)
            .arg((k + 1).to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("workload starts");
        let mut b = [0u8; 2];
        rng.fill(&mut b);
        let wait_ms = 10 + u64::from(u16::from_le_bytes(b)) % 200;
        std::thread::sleep(Duration::from_millis(wait_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let out = child.wait_with_output().expect("child reaped");
        if let Some(code) = out.status.code() {
            panic!("workload exited by itself ({code}): {}", String::from_utf8_lossy(&out.stderr));
        }
        match check_consistency(&data, &keys) {
            Ok(n) => {
                assert!(n >= last_entries, "the ledger shrank after kill {k}");
                last_entries = n;
            }
            Err(e) => panic!("after kill {k} at {wait_ms} ms: {e}"),
        }
    }
    assert!(last_entries > 0, "the workload never got to write");
}
