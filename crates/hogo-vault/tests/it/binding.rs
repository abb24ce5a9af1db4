//! The associated data binds a ciphertext to its row.

use hogo_domain::DataClass;
use hogo_domain::testkit::synthetic_number;
use hogo_vault::{VaultError, VaultStore};
use proptest::prelude::*;

use crate::Fx;

/// P9, M13: an envelope copied to another record, subject, organisation, table, field or
/// data class fails to open with `WrongAssociatedData`.
#[test]
fn ciphertext_moved_to_another_row_fails() {
    let mut fx = Fx::new(10);
    let (org, other_org) = (fx.org(), fx.org());
    let (s, other_s) = (fx.subject(), fx.subject());
    let ctx = fx.ctx(org, s, DataClass::MyNumber);
    let (vault, store, kek) = fx.parts();
    vault.put_number(store, kek, &ctx, &synthetic_number(5)).unwrap();
    let env = store.record(ctx.record).unwrap().unwrap().envelope;
    let mut moved = Vec::new();
    let mut c = ctx.clone();
    c.record = hogo_domain::RecordId::from_uuid(uuid_of(999));
    moved.push(c);
    let mut c = ctx.clone();
    c.subject = other_s;
    moved.push(c);
    let mut c = ctx.clone();
    c.organisation = other_org;
    moved.push(c);
    let mut c = ctx.clone();
    c.table = "dependents".into();
    moved.push(c);
    let mut c = ctx.clone();
    c.field = "my_number2".into();
    moved.push(c);
    let mut c = ctx.clone();
    c.class = DataClass::Sensitive;
    moved.push(c);
    for c in moved {
        assert_eq!(
            vault.open_envelope(store, kek, &c, &env).unwrap_err(),
            VaultError::WrongAssociatedData,
            "{c:?}"
        );
    }
    assert!(vault.open_envelope(store, kek, &ctx, &env).is_ok());
}

fn uuid_of(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// P9: for every table and field name, an envelope opens only under the exact names it
    /// was sealed with (length-prefixed packing: no two name pairs collide).
    #[test]
    fn envelope_opens_only_under_its_own_names(table in "[a-z]{0,6}", field in "[a-z]{0,6}", t2 in "[a-z]{0,6}", f2 in "[a-z]{0,6}") {
        let mut fx = Fx::new(11);
        let (org, s) = (fx.org(), fx.subject());
        let mut ctx = fx.ctx(org, s, DataClass::Profile);
        ctx.table = table;
        ctx.field = field;
        let (vault, store, kek) = fx.parts();
        vault.seal(store, kek, &ctx, b"x").unwrap();
        let env = store.record(ctx.record).unwrap().unwrap().envelope;
        let mut other = ctx.clone();
        other.table = t2;
        other.field = f2;
        let res = vault.open_envelope(store, kek, &other, &env);
        if other == ctx {
            prop_assert!(res.is_ok());
        } else {
            prop_assert_eq!(res.unwrap_err(), VaultError::WrongAssociatedData);
        }
    }
}
