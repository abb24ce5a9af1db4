//! The blind index: find every stored number, never a wrong subject.

use hogo_domain::DataClass;
use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_vault::testkit::{MemKekStore, MemVaultStore, in_memory_key_provider};
use hogo_vault::{Vault, VaultConfig, VaultError};
use proptest::prelude::*;

use crate::Fx;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// P9, M13: at the narrowest width (16 bits, many shared tags among 300 numbers are
    /// likely only with collisions forced below), the index finds every stored number and
    /// decrypt-compare never returns another subject; an unstored number finds nothing.
    #[test]
    fn index_finds_every_number_and_never_a_wrong_subject(seed in 0u64..10_000) {
        let mut fx = Fx::new(50);
        let org = fx.org();
        let rows: Vec<_> = (0..300u64).map(|i| (fx.ctx(org, fx.subject(), DataClass::MyNumber), synthetic_number(seed * 1000 + i))).collect();
        let (vault, store, kek) = fx.parts();
        let items: Vec<_> = rows.iter().map(|(c, n)| (c.clone(), n)).collect();
        vault.put_numbers_batch(store, kek, &items).unwrap();
        for (c, n) in &rows {
            let found = vault.find_number(store, kek, org, "my_number", n).unwrap();
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].subject, c.subject);
            prop_assert_eq!(found[0].record, c.record);
        }
        let absent = synthetic_number(u64::MAX - seed);
        prop_assert!(vault.find_number(store, kek, org, "my_number", &absent).unwrap().is_empty());
        // Another organisation's index does not see these numbers.
        let other = fx.org();
        let (vault, store, kek) = fx.parts();
        prop_assert!(vault.find_number(store, kek, other, "my_number", &rows[0].1).unwrap().is_empty());
    }
}

/// P9: with 16-bit tags and 5 000 numbers, many tags are shared (false candidates exist),
/// yet every lookup returns exactly the right subject after decrypt-and-compare.
#[test]
fn false_candidates_are_filtered_by_decrypt_compare() {
    let (keys, entropy, ids) =
        (in_memory_key_provider(5), SeededEntropy::new(5), SequentialIds::new());
    let vault = Vault::new(&keys, &entropy, &ids, VaultConfig { index_bits: 16 }).unwrap();
    let (mut store, mut kek) = (MemVaultStore::new(), MemKekStore::new());
    let fx = Fx::new(0);
    let org = fx.org();
    let rows: Vec<_> = (0..5000u64)
        .map(|i| (fx.ctx(org, fx.subject(), DataClass::MyNumber), synthetic_number(i)))
        .collect();
    let items: Vec<_> = rows.iter().map(|(c, n)| (c.clone(), n)).collect();
    vault.put_numbers_batch(&mut store, &mut kek, &items).unwrap();
    let tags = store.index_tags();
    assert!(tags.len() < 5000, "expected shared 16-bit tags among 5000 numbers");
    for (c, n) in rows.iter().step_by(7) {
        let found = vault.find_number(&store, &kek, org, "my_number", n).unwrap();
        assert_eq!(found.iter().map(|m| m.subject).collect::<Vec<_>>(), vec![c.subject]);
    }
}

/// M13: a number already held by another subject of the organisation is refused, within
/// a batch too; the same subject may store it again, and another organisation may hold it.
#[test]
fn uniqueness_is_checked_by_decrypt_compare() {
    let mut fx = Fx::new(51);
    let (org, org2, a, b) = (fx.org(), fx.org(), fx.subject(), fx.subject());
    let n = synthetic_number(77);
    let ca = fx.ctx(org, a, DataClass::MyNumber);
    let ca2 = fx.ctx(org, a, DataClass::MyNumber);
    let cb = fx.ctx(org, b, DataClass::MyNumber);
    let cb2 = fx.ctx(org2, b, DataClass::MyNumber);
    let (vault, store, kek) = fx.parts();
    vault.put_number(store, kek, &ca, &n).unwrap();
    vault.put_number(store, kek, &ca2, &n).unwrap();
    assert_eq!(
        vault.put_number(store, kek, &cb, &n).unwrap_err(),
        VaultError::NumberAlreadyHeld { subject: a }
    );
    assert_eq!(
        vault.check_unique(store, kek, org, "my_number", &n, b).unwrap_err(),
        VaultError::NumberAlreadyHeld { subject: a }
    );
    vault.put_number(store, kek, &cb2, &n).unwrap();
    let mut fx = Fx::new(52);
    let (org, a, b) = (fx.org(), fx.subject(), fx.subject());
    let (c1, c2) = (fx.ctx(org, a, DataClass::MyNumber), fx.ctx(org, b, DataClass::MyNumber));
    let (vault, store, kek) = fx.parts();
    assert!(matches!(
        vault.put_numbers_batch(store, kek, &[(c1, &n), (c2, &n)]),
        Err(VaultError::NumberAlreadyHeld { .. })
    ));
}
