//! Round trips of single and batch sealing.

use hogo_domain::DataClass;
use hogo_domain::testkit::synthetic_number;

use crate::Fx;

/// P9: a sealed My Number opens to the same number, and the stored envelope does not
/// contain its digits.
#[test]
fn sealed_number_round_trips_and_is_not_stored_in_clear() {
    let mut fx = Fx::new(1);
    let (org, subject) = (fx.org(), fx.subject());
    let ctx = fx.ctx(org, subject, DataClass::MyNumber);
    let n = synthetic_number(1);
    let (vault, store, kek) = fx.parts();
    vault.put_number(store, kek, &ctx, &n).unwrap();
    assert_eq!(vault.open_number(store, kek, ctx.record).unwrap(), n);
    let env = hogo_vault::VaultStore::record(store, ctx.record).unwrap().unwrap().envelope;
    assert_eq!(env.len(), 70);
    assert!(!env.windows(12).any(|w| w == n.expose_bytes()));
}

/// P9: batch seal and open return every value in order, with one data key per
/// (subject, data class).
#[test]
fn batch_seal_and_open_round_trip() {
    let mut fx = Fx::new(2);
    let org = fx.org();
    let subjects: Vec<_> = (0..20).map(|_| fx.subject()).collect();
    let mut items = Vec::new();
    for (i, s) in subjects.iter().enumerate() {
        for class in [DataClass::Sensitive, DataClass::Profile] {
            items.push((fx.ctx(org, *s, class), format!("value {i} {class:?}").into_bytes()));
        }
    }
    let (vault, store, kek) = fx.parts();
    let borrowed: Vec<_> = items.iter().map(|(c, v)| (c.clone(), v.as_slice())).collect();
    vault.seal_batch(store, kek, &borrowed).unwrap();
    assert_eq!(store.data_key_count(), 40);
    let ids: Vec<_> = items.iter().map(|(c, _)| c.record).collect();
    let opened = vault.open_batch(store, kek, &ids).unwrap();
    for ((_, want), got) in items.iter().zip(&opened) {
        assert_eq!(got.expose(), want.as_slice());
    }
    assert_eq!(format!("{:?}", opened[0]), "Plaintext([REDACTED])");
}

/// P9: batch number import then batch output (法定調書) returns the same numbers.
#[test]
fn batch_numbers_round_trip() {
    let mut fx = Fx::new(3);
    let org = fx.org();
    let numbers: Vec<_> = (0..50).map(synthetic_number).collect();
    let ctxs: Vec<_> =
        numbers.iter().map(|_| fx.ctx(org, fx.subject(), DataClass::MyNumber)).collect();
    let (vault, store, kek) = fx.parts();
    let items: Vec<_> = ctxs.iter().cloned().zip(numbers.iter()).collect();
    vault.put_numbers_batch(store, kek, &items).unwrap();
    let ids: Vec<_> = ctxs.iter().map(|c| c.record).collect();
    assert_eq!(vault.open_numbers_batch(store, kek, &ids).unwrap(), numbers);
}
