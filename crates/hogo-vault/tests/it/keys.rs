//! Root rotation, rewrap, min_decryption_version, bucket rekeying.

use hogo_domain::DataClass;
use hogo_domain::testkit::synthetic_number;
use hogo_vault::{
    Bucket, KekState, KekStore, KeyProvider, KeyVersion, Vault, VaultConfig, VaultError,
};

use crate::Fx;

/// M13: rotation then rewrap keeps every record readable and the index working, and once
/// `min_decryption_version` is raised the old wrappings are refused.
#[test]
fn rotation_keeps_records_readable_and_min_version_refuses_old_wrappings() {
    let mut fx = Fx::new(40);
    let org = fx.org();
    let ctxs: Vec<_> = (0..6).map(|_| fx.ctx(org, fx.subject(), DataClass::MyNumber)).collect();
    {
        let (vault, store, kek) = fx.parts();
        for (i, c) in ctxs.iter().enumerate() {
            if i % 2 == 0 {
                vault
                    .move_data_key(
                        store,
                        kek,
                        org,
                        c.subject,
                        c.class,
                        Bucket::Due(hogo_vault::DueMonth { year: 2032, month: 3 }),
                    )
                    .unwrap();
            }
            vault.put_number(store, kek, c, &synthetic_number(i as u64)).unwrap();
        }
    }
    let old_keks = fx.kek.clone();
    let old_store = fx.store.clone();
    assert_eq!(fx.keys.rotate(&fx.entropy).unwrap(), KeyVersion(2));
    {
        let (vault, store, kek) = fx.parts();
        // Before rewrap, old wrappings still open.
        assert_eq!(vault.open_number(store, kek, ctxs[0].record).unwrap(), synthetic_number(0));
        let rep = vault.rewrap(store, kek).unwrap();
        assert_eq!(rep.bucket_keks, 2);
        assert!(rep.index_root);
        assert!(
            kek.bucket_keks()
                .unwrap()
                .iter()
                .all(|r| matches!(&r.state, KekState::Active(w) if w.version == KeyVersion(2)))
        );
    }
    fx.keys.set_min_decryption_version(KeyVersion(2)).unwrap();
    let (vault, store, kek) = fx.parts();
    for (i, c) in ctxs.iter().enumerate() {
        assert_eq!(vault.open_number(store, kek, c.record).unwrap(), synthetic_number(i as u64));
        assert_eq!(
            vault
                .find_number(store, kek, org, "my_number", &synthetic_number(i as u64))
                .unwrap()
                .len(),
            1
        );
    }
    assert!(matches!(
        vault.open(&old_store, &old_keks, ctxs[0].record),
        Err(VaultError::RootKeyVersionRetired { .. })
    ));
}

/// M13: rekeying a bucket rewraps its data keys under a fresh KEK without touching any
/// envelope; every record still opens.
#[test]
fn rekeying_a_bucket_rewraps_data_keys_only() {
    let mut fx = Fx::new(41);
    let org = fx.org();
    let ctxs: Vec<_> = (0..4).map(|_| fx.ctx(org, fx.subject(), DataClass::MyNumber)).collect();
    let (vault, store, kek) = fx.parts();
    for (i, c) in ctxs.iter().enumerate() {
        vault.put_number(store, kek, c, &synthetic_number(i as u64)).unwrap();
    }
    let before: Vec<_> =
        ctxs.iter().map(|c| hogo_vault::VaultStore::record(store, c.record).unwrap()).collect();
    let rep = vault.rekey_bucket(store, kek, org, Bucket::Open).unwrap();
    assert_eq!(rep.data_keys, 4);
    assert_ne!(rep.old_kek, rep.new_kek);
    let after: Vec<_> =
        ctxs.iter().map(|c| hogo_vault::VaultStore::record(store, c.record).unwrap()).collect();
    assert_eq!(before, after);
    for (i, c) in ctxs.iter().enumerate() {
        assert_eq!(vault.open_number(store, kek, c.record).unwrap(), synthetic_number(i as u64));
    }
}

/// M13: a wrong root key (another installation's) cannot unwrap the bucket KEKs; an
/// altered data-key commitment is refused.
#[test]
fn wrong_root_or_commitment_is_refused() {
    let mut fx = Fx::new(42);
    let (org, s) = (fx.org(), fx.subject());
    let ctx = fx.ctx(org, s, DataClass::MyNumber);
    {
        let (vault, store, kek) = fx.parts();
        vault.put_number(store, kek, &ctx, &synthetic_number(4)).unwrap();
    }
    let other = hogo_vault::testkit::in_memory_key_provider(999);
    let vault = Vault::new(&other, &fx.entropy, &fx.ids, VaultConfig::default()).unwrap();
    assert!(matches!(
        vault.open(&fx.store, &fx.kek, ctx.record),
        Err(VaultError::UnwrapFailed { .. })
    ));
    let mut store = fx.store.clone();
    let mut dk =
        hogo_vault::VaultStore::data_key_for(&store, org, s, DataClass::MyNumber).unwrap().unwrap();
    dk.commitment[0] ^= 1;
    hogo_vault::VaultStore::put_data_key(&mut store, dk).unwrap();
    let vault = Vault::new(&fx.keys, &fx.entropy, &fx.ids, VaultConfig::default()).unwrap();
    assert!(matches!(
        vault.open(&store, &fx.kek, ctx.record),
        Err(VaultError::KeyCommitmentMismatch { .. })
    ));
}

/// P9: the index width must be 16–24 bits.
#[test]
fn index_width_outside_16_to_24_is_refused() {
    let fx = Fx::new(43);
    for bits in [0u8, 15, 25, 32] {
        assert_eq!(
            Vault::new(&fx.keys, &fx.entropy, &fx.ids, VaultConfig { index_bits: bits })
                .unwrap_err(),
            VaultError::IndexBits { bits }
        );
    }
}
