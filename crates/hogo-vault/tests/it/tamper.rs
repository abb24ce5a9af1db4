//! Altered, truncated and foreign envelopes.

use hogo_domain::DataClass;
use hogo_domain::testkit::synthetic_number;
use hogo_vault::{VaultError, VaultStore};
use proptest::prelude::*;

use crate::Fx;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// P9, M13: every single-bit flip anywhere in an envelope makes it fail to open, with
    /// a typed error and no output.
    #[test]
    fn every_single_bit_flip_fails(bit in 0usize..(70 * 8), seed in 0u64..1000) {
        let mut fx = Fx::new(20 + seed);
        let (org, s) = (fx.org(), fx.subject());
        let ctx = fx.ctx(org, s, DataClass::MyNumber);
        let (vault, store, kek) = fx.parts();
        vault.put_number(store, kek, &ctx, &synthetic_number(seed)).unwrap();
        let mut env = store.record(ctx.record).unwrap().unwrap().envelope;
        prop_assert_eq!(env.len(), 70);
        env[bit / 8] ^= 1 << (bit % 8);
        let err = vault.open_envelope(store, kek, &ctx, &env).unwrap_err();
        prop_assert!(matches!(
            err,
            VaultError::EnvelopeAltered
                | VaultError::WrongAssociatedData
                | VaultError::UnsupportedFormat { .. }
                | VaultError::UnsupportedAlgorithm { .. }
                | VaultError::DataKeyDestroyed { .. }
                | VaultError::WrongKeyVersion { .. }
        ), "{err:?}");
    }

    /// P9: every truncation of an envelope fails (too short, or the tag no longer checks).
    #[test]
    fn every_truncation_fails(cut in 0usize..70) {
        let mut fx = Fx::new(21);
        let (org, s) = (fx.org(), fx.subject());
        let ctx = fx.ctx(org, s, DataClass::MyNumber);
        let (vault, store, kek) = fx.parts();
        vault.put_number(store, kek, &ctx, &synthetic_number(1)).unwrap();
        let env = store.record(ctx.record).unwrap().unwrap().envelope;
        let err = vault.open_envelope(store, kek, &ctx, &env[..cut]).unwrap_err();
        prop_assert!(matches!(err, VaultError::EnvelopeTruncated { .. } | VaultError::EnvelopeAltered), "{err:?}");
    }
}

/// P9: flipping the ciphertext or tag gives `EnvelopeAltered`, the key version gives
/// `WrongKeyVersion`, a truncated envelope `EnvelopeTruncated`: distinct typed errors.
#[test]
fn altered_parts_have_distinct_errors() {
    let mut fx = Fx::new(22);
    let (org, s) = (fx.org(), fx.subject());
    let ctx = fx.ctx(org, s, DataClass::MyNumber);
    let (vault, store, kek) = fx.parts();
    vault.put_number(store, kek, &ctx, &synthetic_number(2)).unwrap();
    let env = store.record(ctx.record).unwrap().unwrap().envelope;
    let mut ct = env.clone();
    ct[45] ^= 1;
    assert_eq!(
        vault.open_envelope(store, kek, &ctx, &ct).unwrap_err(),
        VaultError::EnvelopeAltered
    );
    let mut tag = env.clone();
    tag[69] ^= 0x80;
    assert_eq!(
        vault.open_envelope(store, kek, &ctx, &tag).unwrap_err(),
        VaultError::EnvelopeAltered
    );
    let mut ver = env.clone();
    ver[21] ^= 1;
    assert!(matches!(
        vault.open_envelope(store, kek, &ctx, &ver),
        Err(VaultError::WrongKeyVersion { expected: 1, found: 0, .. })
    ));
    assert!(matches!(
        vault.open_envelope(store, kek, &ctx, &env[..40]),
        Err(VaultError::EnvelopeTruncated { len: 40, .. })
    ));
}

/// M13: error messages name the field and the rule and never contain the number.
#[test]
fn errors_never_contain_the_number() {
    let mut fx = Fx::new(23);
    let (org, s, s2) = (fx.org(), fx.subject(), fx.subject());
    let n = synthetic_number(3);
    let ctx = fx.ctx(org, s, DataClass::MyNumber);
    let ctx2 = fx.ctx(org, s2, DataClass::MyNumber);
    let (vault, store, kek) = fx.parts();
    vault.put_number(store, kek, &ctx, &n).unwrap();
    let err = vault.put_number(store, kek, &ctx2, &n).unwrap_err();
    assert_eq!(err, VaultError::NumberAlreadyHeld { subject: s });
    let msg = format!("{err} {err:?}");
    assert!(msg.contains("my_number") && msg.contains("M7"));
    assert!(!msg.contains(n.expose()));
}
