//! The vault against raw AES-256-GCM: sealing and opening N My Numbers, and finding one by
//! its blind index against a decrypt-and-compare scan of all N (M13).

use std::hint::black_box;
use std::time::{Duration, Instant};

use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_domain::{DataClass, IdGen, MyNumber, OrganisationId};
use hogo_vault::testkit::{MemKekStore, MemVaultStore, in_memory_key_provider};
use hogo_vault::{IndexEntry, LocalKeyProvider, RecordContext, Vault, VaultConfig, VaultStore};

use crate::report::{Pair, Table, p50};

struct Ports {
    keys: LocalKeyProvider,
    entropy: SeededEntropy,
    ids: SequentialIds,
}

fn context(ids: &SequentialIds, org: OrganisationId) -> RecordContext {
    RecordContext {
        organisation: org,
        subject: ids.next(),
        class: DataClass::MyNumber,
        table: "employees".into(),
        field: "my_number".into(),
        record: ids.next(),
    }
}

/// Raw AES-256-GCM over the 12 digits, one key, a fresh counter nonce each: the floor.
fn raw_aes_gcm(numbers: &[MyNumber]) -> Duration {
    let cipher = Aes256Gcm::new(&[7u8; 32].into());
    let t = Instant::now();
    for (i, n) in numbers.iter().enumerate() {
        let mut nonce = [0u8; 12];
        nonce[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let nonce = Nonce::from(nonce);
        let mut buf = *n.expose_bytes();
        let tag = cipher.encrypt_inout_detached(&nonce, b"", (&mut buf[..]).into()).unwrap();
        cipher.decrypt_inout_detached(&nonce, b"", (&mut buf[..]).into(), &tag).unwrap();
        black_box(buf);
    }
    t.elapsed()
}

/// Seal + open measurements, and lookup vs decrypt-scan, at `n` numbers.
pub(crate) fn seal_open(n: usize) -> Table {
    let p = Ports {
        keys: in_memory_key_provider(1),
        entropy: SeededEntropy::new(1),
        ids: SequentialIds::new(),
    };
    let vault = Vault::new(&p.keys, &p.entropy, &p.ids, VaultConfig { index_bits: 16 }).unwrap();
    let org: OrganisationId = p.ids.next();
    let numbers: Vec<MyNumber> = (0..n as u64).map(synthetic_number).collect();
    let raw = raw_aes_gcm(&numbers);

    // The envelope alone: one opened data key, header + bound context + AES-GCM.
    let (mut store, mut kek) = (MemVaultStore::new(), MemKekStore::new());
    let one = context(&p.ids, org);
    let dek = vault.data_key(&mut store, &mut kek, org, one.subject, one.class).unwrap();
    let t = Instant::now();
    for (i, m) in numbers.iter().enumerate() {
        let mut nonce = [0u8; 12];
        nonce[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let env = dek.seal(&one, m.expose_bytes(), nonce).unwrap();
        black_box(dek.open(&one, &env).unwrap());
    }
    let envelope = t.elapsed();

    // The whole path: a data key per subject (wrapped under the bucket KEK), stored.
    let rows: Vec<(RecordContext, MyNumber)> =
        numbers.iter().map(|m| (context(&p.ids, org), m.clone())).collect();
    let plain: Vec<(RecordContext, &[u8])> =
        rows.iter().map(|(c, m)| (c.clone(), &m.expose_bytes()[..])).collect();
    let (mut store, mut kek) = (MemVaultStore::new(), MemKekStore::new());
    let t = Instant::now();
    vault.seal_batch(&mut store, &mut kek, &plain).unwrap();
    let ids: Vec<_> = rows.iter().map(|(c, _)| c.record).collect();
    black_box(vault.open_numbers_batch(&store, &kek, &ids).unwrap());
    let full = t.elapsed();
    drop(plain);

    // Lookup by blind index vs decrypt-and-compare of every record.
    let mut entries = Vec::with_capacity(n);
    for (c, m) in &rows {
        let tag = vault.index_tag(&mut store, org, "my_number", m).unwrap();
        entries.push(IndexEntry {
            organisation: org,
            field: "my_number".into(),
            key_version: 1,
            tag,
            record: c.record,
        });
    }
    store.put_index_entries(entries).unwrap();
    let lookups = 200.min(n);
    let found: Vec<Duration> = (0..lookups)
        .map(|i| {
            let target = &rows[(i * 7919) % n].1;
            let t = Instant::now();
            let hits = vault.find_number(&store, &kek, org, "my_number", target).unwrap();
            let d = t.elapsed();
            assert!(!hits.is_empty());
            d
        })
        .collect();
    let scans: Vec<Duration> = (0..3)
        .map(|i| {
            let target = &rows[(i * 7919 + n / 2) % n].1;
            let t = Instant::now();
            let all = vault.open_numbers_batch(&store, &kek, &ids).unwrap();
            assert!(all.iter().any(|m| m == target));
            t.elapsed()
        })
        .collect();

    Table {
        title: "Vault vs raw AES-256-GCM (in memory)",
        note: format!(
            "Raw AES-256-GCM seals and opens the 12 digits under one key with no context: the floor. \
             The vault adds the versioned envelope header, the record context bound as associated \
             data, and — on the whole path — a data key per subject wrapped under a bucket KEK. \
             Lookup: blind-index tag (16 bits) then decrypt-and-compare of the candidates, p50 of \
             {lookups}, against opening all N and comparing (median of 3)."
        ),
        pairs: vec![
            Pair {
                hogo: "envelope seal+open, opened data key".into(),
                hogo_time: envelope,
                baseline: "raw AES-256-GCM seal+open".into(),
                baseline_time: raw,
                ops: n,
            },
            Pair {
                hogo: "seal_batch + open_numbers_batch, a data key per subject".into(),
                hogo_time: full,
                baseline: "raw AES-256-GCM seal+open".into(),
                baseline_time: raw,
                ops: n,
            },
            Pair {
                hogo: "find_number (blind index), p50".into(),
                hogo_time: p50(found),
                baseline: "decrypt-and-compare scan of N".into(),
                baseline_time: p50(scans),
                ops: 1,
            },
        ],
    }
}
