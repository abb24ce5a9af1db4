//! Crypto-shredding and moving due dates (M11, P11).

use chrono::NaiveDate;
use hogo_domain::DataClass;
use hogo_domain::testkit::synthetic_number;
use hogo_vault::{Bucket, DueMonth, VaultError, VaultStore};
use proptest::prelude::*;

use crate::Fx;

fn month(y: i32, m: u32) -> Bucket {
    Bucket::Due(DueMonth::of(NaiveDate::from_ymd_opt(y, m, 15).expect("valid date")))
}

/// M11, P11: after a bucket shred, every record whose data key was in it fails to open —
/// in the live store and in a data backup taken before — while a record rewrapped out of
/// the bucket still opens; the report names ids and never a number.
#[test]
fn bucket_shred_destroys_its_records_and_spares_rewrapped_ones() {
    let mut fx = Fx::new(30);
    let org = fx.org();
    let due = month(2031, 4);
    let subjects: Vec<_> = (0..5).map(|_| fx.subject()).collect();
    let ctxs: Vec<_> = subjects.iter().map(|s| fx.ctx(org, *s, DataClass::MyNumber)).collect();
    let (vault, store, kek) = fx.parts();
    for (i, c) in ctxs.iter().enumerate() {
        vault.move_data_key(store, kek, org, c.subject, c.class, due).unwrap();
        vault.put_number(store, kek, c, &synthetic_number(i as u64)).unwrap();
    }
    // A hold extends subject 0: its key leaves the bucket before the shred.
    vault.move_data_key(store, kek, org, subjects[0], DataClass::MyNumber, month(2036, 1)).unwrap();
    let backup = store.clone();
    let report = vault.shred_bucket(store, kek, org, due).unwrap();
    assert_eq!(report.data_keys.len(), 4);
    assert_eq!(report.records.len(), 4);
    assert!(!format!("{report:?}").contains(synthetic_number(1).expose()));
    assert_eq!(vault.open_number(store, kek, ctxs[0].record).unwrap(), synthetic_number(0));
    for c in &ctxs[1..] {
        assert!(matches!(vault.open(store, kek, c.record), Err(VaultError::RecordNotFound { .. })));
        let env = backup.record(c.record).unwrap().unwrap().envelope;
        assert!(matches!(
            vault.open_envelope(&backup, kek, c, &env),
            Err(VaultError::BucketDestroyed { .. })
        ));
    }
    assert!(matches!(
        vault.shred_bucket(store, kek, org, due),
        Err(VaultError::BucketDestroyed { .. })
    ));
    // A destroyed bucket takes no new keys.
    let late = fx.subject();
    let (vault, store, kek) = fx.parts();
    assert!(matches!(
        vault.move_data_key(store, kek, org, late, DataClass::MyNumber, due),
        Err(VaultError::BucketDestroyed { .. })
    ));
}

/// M11: early erasure of one subject's data class deletes its data key and records and
/// leaves the subject's other classes readable.
#[test]
fn erasure_deletes_one_data_class_only() {
    let mut fx = Fx::new(31);
    let (org, s) = (fx.org(), fx.subject());
    let num = fx.ctx(org, s, DataClass::MyNumber);
    let note = fx.ctx(org, s, DataClass::Sensitive);
    let (vault, store, kek) = fx.parts();
    vault.put_number(store, kek, &num, &synthetic_number(9)).unwrap();
    vault.seal(store, kek, &note, b"medical").unwrap();
    let backup = store.clone();
    let rep = vault.erase_data_class(store, org, s, DataClass::Sensitive).unwrap().unwrap();
    assert_eq!(rep.records, vec![note.record]);
    assert_eq!(rep.bucket, Bucket::Open);
    assert!(vault.open(store, kek, note.record).is_err());
    assert_eq!(vault.open_number(store, kek, num.record).unwrap(), synthetic_number(9));
    // The erased key is gone from the live store: a copy of the envelope cannot open there.
    let env = backup.record(note.record).unwrap().unwrap().envelope;
    assert!(matches!(
        vault.open_envelope(store, kek, &note, &env),
        Err(VaultError::DataKeyDestroyed { .. })
    ));
    assert!(vault.erase_data_class(store, org, s, DataClass::Sensitive).unwrap().is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// M11, P9: moving a due date earlier or later (or to and from the open bucket) moves
    /// the data key: the record stays readable, the new bucket holds the key, and the old
    /// bucket's shred no longer touches it.
    #[test]
    fn moving_a_due_date_moves_the_key(from_m in 0u32..36, to_m in 0u32..36, from_open: bool, to_open: bool) {
        let b = |open: bool, m: u32| if open { Bucket::Open } else { month(2030 + (m / 12) as i32, m % 12 + 1) };
        let (from, to) = (b(from_open, from_m), b(to_open, to_m));
        let mut fx = Fx::new(32);
        let (org, s, other) = (fx.org(), fx.subject(), fx.subject());
        let ctx = fx.ctx(org, s, DataClass::MyNumber);
        let ctx_other = fx.ctx(org, other, DataClass::MyNumber);
        let (vault, store, kek) = fx.parts();
        vault.move_data_key(store, kek, org, s, DataClass::MyNumber, from).unwrap();
        vault.move_data_key(store, kek, org, other, DataClass::MyNumber, from).unwrap();
        vault.put_number(store, kek, &ctx, &synthetic_number(1)).unwrap();
        vault.put_number(store, kek, &ctx_other, &synthetic_number(2)).unwrap();
        let mv = vault.move_data_key(store, kek, org, s, DataClass::MyNumber, to).unwrap();
        prop_assert_eq!(mv.from, Some(from));
        prop_assert_eq!(store.data_key_for(org, s, DataClass::MyNumber).unwrap().unwrap().bucket, to);
        prop_assert_eq!(vault.open_number(store, kek, ctx.record).unwrap(), synthetic_number(1));
        if from != to {
            let rep = vault.shred_bucket(store, kek, org, from).unwrap();
            prop_assert_eq!(rep.records, vec![ctx_other.record]);
            prop_assert_eq!(vault.open_number(store, kek, ctx.record).unwrap(), synthetic_number(1));
            let rep2 = vault.shred_bucket(store, kek, org, to).unwrap();
            prop_assert_eq!(rep2.records, vec![ctx.record]);
        }
    }
}
