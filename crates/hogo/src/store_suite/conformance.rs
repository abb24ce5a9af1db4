//! Per-port conformance: the same script of port calls runs on the in-memory
//! implementation and on one transaction's handle of the store under test, and every
//! observation (results and errors, as `Debug` text) must be identical. Every SQL
//! adapter runs it.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "a test suite: panics on failure; fixture bytes come from small ids"
)]

use crate::docs::DocumentStore;
use crate::testkit::MemoryDocuments;
use hogo_auth::AuthStore;
use hogo_auth::testkit::MemoryAuthStore;
use hogo_domain::testkit::SeededEntropy;
use hogo_domain::{DataClass, OrganisationId, RecordId, SubjectId};
use hogo_ledger::memory::InMemoryLedgerStore;
use hogo_ledger::{LedgerStore, StoredCheckpoint, ledger};
use hogo_vault::testkit::{MemKekStore, MemVaultStore};
use hogo_vault::{
    Bucket, BucketKekRecord, DataKeyId, DataKeyRecord, DueMonth, IndexEntry, IndexRootRecord,
    IndexTag, KekState, KekStore, KeyId, KeyVersion, RecordContext, StoredRecord, VaultStore,
    WrappedKey,
};
use uuid::Uuid;

use super::{org, run};
use crate::store::Store;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0xc000 + n)
}

fn due(year: i32, month: u32) -> Bucket {
    Bucket::Due(DueMonth { year, month })
}

fn data_key(
    o: OrganisationId,
    n: u128,
    subject: u128,
    class: DataClass,
    bucket: Bucket,
) -> DataKeyRecord {
    DataKeyRecord {
        id: DataKeyId(id(n)),
        version: 1,
        organisation: o,
        subject: SubjectId::from_uuid(id(subject)),
        class,
        bucket,
        kek: KeyId(id(900)),
        wrapped: vec![n as u8; 60],
        commitment: [n as u8; 16],
    }
}

fn record(o: OrganisationId, n: u128, key: u128) -> StoredRecord {
    StoredRecord {
        context: RecordContext {
            organisation: o,
            subject: SubjectId::from_uuid(id(1)),
            class: DataClass::MyNumber,
            table: "employees".into(),
            field: "my_number".into(),
            record: RecordId::from_uuid(id(n)),
        },
        data_key: DataKeyId(id(key)),
        envelope: vec![n as u8; 70],
    }
}

fn vault_script(s: &mut dyn VaultStore, o: OrganisationId) -> Vec<String> {
    let mut log = Vec::new();
    let mut see = |x: &dyn std::fmt::Debug| log.push(format!("{x:?}"));
    see(&s.index_root());
    let root = IndexRootRecord {
        version: 1,
        bits: 16,
        wrapped: WrappedKey { version: KeyVersion(1), bytes: vec![1; 60] },
    };
    see(&s.put_index_root(root.clone()));
    see(&s.put_index_root(IndexRootRecord { version: 2, ..root }));
    see(&s.index_root());
    see(&s.put_data_key(data_key(o, 10, 1, DataClass::MyNumber, Bucket::Open)));
    see(&s.put_data_key(data_key(o, 11, 2, DataClass::Profile, due(2031, 4))));
    see(&s.put_data_key(data_key(o, 12, 3, DataClass::MyNumber, Bucket::Open)));
    see(&s.data_key(DataKeyId(id(10))));
    see(&s.data_key(DataKeyId(id(99))));
    see(&s.data_key_for(o, SubjectId::from_uuid(id(2)), DataClass::Profile));
    see(&s.data_key_for(o, SubjectId::from_uuid(id(2)), DataClass::MyNumber));
    see(&s.data_keys_in_bucket(o, Bucket::Open));
    see(&s.data_keys_in_bucket(o, due(2031, 4)));
    // Moving a key between buckets is a replace by id.
    see(&s.put_data_key(data_key(o, 11, 2, DataClass::Profile, Bucket::Open)));
    see(&s.data_keys_in_bucket(o, due(2031, 4)));
    see(&s.data_keys_in_bucket(o, Bucket::Open));
    for (n, k) in [(20, 10), (21, 10), (22, 12)] {
        see(&s.put_record(record(o, n, k)));
    }
    see(&s.put_records(vec![record(o, 23, 10), record(o, 24, 12)]));
    see(&s.record(RecordId::from_uuid(id(20))));
    see(&s.records(&[RecordId::from_uuid(id(24)), RecordId::from_uuid(id(99))]));
    see(&s.records_under_key(DataKeyId(id(10))));
    let entry = |n: u128, tag: u32| IndexEntry {
        organisation: o,
        field: "my_number".into(),
        key_version: 1,
        tag: IndexTag(tag),
        record: RecordId::from_uuid(id(n)),
    };
    see(&s.put_index_entry(entry(20, 5)));
    see(&s.put_index_entry(entry(20, 5)));
    see(&s.put_index_entries(vec![entry(21, 5), entry(22, 6)]));
    see(&s.index_candidates(o, "my_number", 1, IndexTag(5)));
    see(&s.index_candidates(o, "my_number", 2, IndexTag(5)));
    see(&s.index_candidates(o, "other", 1, IndexTag(5)));
    see(&s.delete_record(RecordId::from_uuid(id(20))));
    see(&s.delete_record(RecordId::from_uuid(id(20))));
    see(&s.index_candidates(o, "my_number", 1, IndexTag(5)));
    see(&s.records_under_key(DataKeyId(id(10))));
    see(&s.delete_data_key(DataKeyId(id(10))));
    see(&s.delete_data_key(DataKeyId(id(10))));
    see(&s.data_key_for(o, SubjectId::from_uuid(id(1)), DataClass::MyNumber));
    log
}

/// P9, M13: the store's vault handle answers every call exactly as `MemVaultStore`.
pub fn vault_handle_mirrors_the_in_memory_vault_store<S: Store>(store: &S) {
    let o = org(1);
    let expected = vault_script(&mut MemVaultStore::new(), o);
    let got = run(store, o, |tx| Ok(vault_script(tx.vault, o))).unwrap();
    assert_eq!(got, expected);
}

fn kek(o: OrganisationId, bucket: Bucket, n: u128, byte: u8) -> BucketKekRecord {
    BucketKekRecord {
        organisation: o,
        bucket,
        kek: KeyId(id(n)),
        state: KekState::Active(WrappedKey { version: KeyVersion(1), bytes: vec![byte; 60] }),
    }
}

fn kek_script(s: &mut dyn KekStore, o: OrganisationId) -> Vec<String> {
    let mut log = Vec::new();
    let mut see = |x: &dyn std::fmt::Debug| log.push(format!("{x:?}"));
    see(&s.bucket_kek(o, Bucket::Open));
    see(&s.bucket_keks());
    see(&s.put_bucket_kek(kek(o, Bucket::Open, 1, 1)));
    see(&s.bucket_kek(o, Bucket::Open));
    // A rewrap: same KEK id, new wrapping.
    see(&s.put_bucket_kek(kek(o, Bucket::Open, 1, 2)));
    see(&s.bucket_kek(o, Bucket::Open));
    see(&s.put_bucket_kek(kek(o, due(2031, 4), 2, 3)));
    see(&s.put_bucket_kek(kek(o, due(2030, 12), 3, 4)));
    see(&s.bucket_keks());
    see(&s.destroy_bucket_kek(o, Bucket::Open));
    see(&s.bucket_kek(o, Bucket::Open));
    see(&s.destroy_bucket_kek(o, Bucket::Open));
    see(&s.destroy_bucket_kek(o, due(2040, 1)));
    // A rekey: a new KEK id for the bucket.
    see(&s.put_bucket_kek(kek(o, due(2031, 4), 4, 5)));
    see(&s.bucket_kek(o, due(2031, 4)));
    see(&s.bucket_keks());
    log
}

/// M11, M13: the store's KEK handle (key file + pending destructions) answers every call
/// exactly as `MemKekStore`, within one transaction and after commit.
pub fn kek_handle_mirrors_the_in_memory_kek_store<S: Store>(store: &S) {
    let o = org(2);
    let mut mem = MemKekStore::new();
    let expected = kek_script(&mut mem, o);
    let got = run(store, o, |tx| Ok(kek_script(tx.keks, o))).unwrap();
    assert_eq!(got, expected);
    let after = run(store, o, |tx| Ok(format!("{:?}", tx.keks.bucket_keks()))).unwrap();
    assert_eq!(after, format!("{:?}", mem.bucket_keks()), "the same after commit");
}

fn ledger_script(s: &mut dyn LedgerStore, o: OrganisationId) -> Vec<String> {
    let mut log = Vec::new();
    let mut see = |x: &dyn std::fmt::Debug| log.push(format!("{x:?}"));
    see(&s.log_config(o));
    see(&s.lock_head(o));
    let signer =
        hogo_ledger::Ed25519Signer::from_seed("hogo.test/c", zeroize::Zeroizing::new([3; 32]))
            .unwrap();
    see(&ledger::create_log(s, o, "hogo.test/c", vec![signer.verifier_key()]));
    see(&ledger::create_log(s, o, "hogo.test/c", vec![]));
    let clerk = hogo_domain::Actor::new(
        hogo_domain::StaffId::from_uuid(id(7)),
        o,
        hogo_domain::Role::NumberClerk,
    );
    let t = chrono::DateTime::from_timestamp(1_775_000_000, 0).unwrap();
    let batch: Vec<_> = (0..7)
        .map(|i| {
            let e =
                hogo_ledger::NewEntry::new(t, o, (&clerk).into(), hogo_ledger::Action::Acquisition)
                    .with_subject(SubjectId::from_uuid(id(100 + i)));
            if i == 3 { e.with_detail("提供先 担当者").unwrap() } else { e }
        })
        .collect();
    see(&ledger::append(s, o, batch, &SeededEntropy::new(4)));
    see(&s.head(o));
    see(&s.entries(o, 2, 5));
    see(&s.entries(o, 5, 100));
    see(&s.entries(o, 9, 3));
    see(&s.node(o, 0, 6));
    see(&s.node(o, 1, 2));
    see(&s.node(o, 2, 5));
    see(&s.detail(o, 3).map(|d| d.map(|d| (*d.salt(), d.text().as_str().to_owned()))));
    see(&s.erase_detail(o, 3));
    see(&s.erase_detail(o, 3));
    see(&s.detail(o, 3).map(|d| d.is_some()));
    let first = s.entries(o, 0, 1).unwrap();
    see(&s.insert_entries(o, &first));
    see(&s.put_nodes(o, &[hogo_ledger::TreeNode { level: 0, index: 3, hash: [0; 32] }]));
    see(&s.put_nodes(o, &[hogo_ledger::TreeNode { level: 5, index: 1, hash: [0; 32] }]));
    see(&ledger::checkpoint(s, o, &signer).map(|c| c.to_note()));
    see(&ledger::checkpoint(s, o, &signer).map(|c| c.to_note()));
    see(&s.checkpoints(o));
    see(&s.auditor_checkpoint(o, "auditor"));
    let cp = StoredCheckpoint { size: 7, note: "note".into() };
    see(&s.put_auditor_checkpoint(o, "auditor", &cp));
    see(&s.put_auditor_checkpoint(o, "auditor", &StoredCheckpoint { size: 8, ..cp }));
    see(&s.auditor_checkpoint(o, "auditor"));
    see(&hogo_ledger::verify_ledger(s, o));
    log
}

/// M5: the store's ledger handle answers every call exactly as `InMemoryLedgerStore`
/// (append-only conflicts included), and the ledger verifies on it.
pub fn ledger_handle_mirrors_the_in_memory_ledger_store<S: Store>(store: &S) {
    let o = org(3);
    let expected = ledger_script(&mut InMemoryLedgerStore::new(), o);
    let got = run(store, o, |tx| Ok(ledger_script(tx.ledger, o))).unwrap();
    assert_eq!(got, expected);
}

fn auth_script(s: &mut dyn AuthStore, o: OrganisationId) -> Vec<String> {
    let mut log = Vec::new();
    let mut see = |x: &dyn std::fmt::Debug| log.push(format!("{x:?}"));
    let a = super::account(0x41, "suzuki.ichiro", o);
    let b = super::account(0x42, "tanaka.jiro", o);
    see(&s.account(a.id));
    see(&s.insert_account(&a));
    see(&s.insert_account(&a));
    see(&s.insert_account(&super::account(0x43, "suzuki.ichiro", o)));
    see(&s.insert_account(&b));
    see(&s.account_by_login(&b.login));
    see(&s.update_account(&super::account(0x44, "nobody", o)));
    let m = hogo_auth::Membership {
        account: a.id,
        organisation: o,
        role: hogo_domain::Role::Contractor,
        contracted_affairs: hogo_domain::AffairSet::all(),
    };
    see(&s.put_membership(&m));
    see(&s.put_membership(&hogo_auth::Membership {
        account: b.id,
        role: hogo_domain::Role::NumberManager,
        contracted_affairs: hogo_domain::AffairSet::EMPTY,
        ..m
    }));
    see(&s.put_membership(&hogo_auth::Membership {
        account: hogo_domain::StaffId::from_uuid(id(0x99)),
        ..m
    }));
    see(&s.memberships_of_organisation(o));
    see(&s.membership(b.id, o));
    see(&s.remove_membership(b.id, o));
    see(&s.remove_membership(b.id, o));
    see(&s.org_policy(o));
    see(&s.put_org_policy(o, &hogo_auth::OrgAuthPolicy { require_totp_for_number_roles: true }));
    see(&s.org_policy(o));
    let t = |x: i64| chrono::DateTime::from_timestamp(1_775_000_000 + x, 123_456_789).unwrap();
    for (n, who) in [(3u8, a.id), (1, a.id), (2, b.id)] {
        let session = hogo_auth::Session {
            token_hash: hogo_auth::TokenHash::from_bytes([n; 32]),
            account: who,
            organisation: o,
            role: hogo_domain::Role::Contractor,
            contracted_affairs: hogo_domain::AffairSet::all(),
            scope: hogo_auth::SessionScope::TotpEnrolmentOnly,
            client: hogo_auth::ClientLabel::parse("pc-12").unwrap(),
            created_at: t(0),
            last_seen_at: t(1),
            idle_expires_at: t(2),
            absolute_expires_at: t(3),
            revoked: (n == 1).then(|| (t(4), hogo_auth::RevocationReason::MembershipChanged)),
        };
        see(&s.insert_session(&session));
    }
    see(&s.sessions_of_account(a.id));
    let mut one = s.session(&hogo_auth::TokenHash::from_bytes([3; 32])).unwrap().unwrap();
    one.revoked = Some((t(9), hogo_auth::RevocationReason::PasswordReset));
    see(&s.update_session(&one));
    see(&s.session(&hogo_auth::TokenHash::from_bytes([3; 32])));
    see(&s.session(&hogo_auth::TokenHash::from_bytes([8; 32])));
    one.token_hash = hogo_auth::TokenHash::from_bytes([8; 32]);
    see(&s.update_session(&one));
    log
}

/// P10, M13, M14: the store's auth handle answers every call exactly as
/// `MemoryAuthStore` (unique logins, missing rows, sessions by token hash).
pub fn auth_handle_mirrors_the_in_memory_auth_store<S: Store>(store: &S) {
    let o = org(4);
    let expected = auth_script(&mut MemoryAuthStore::new(), o);
    let got = run(store, o, |tx| Ok(auth_script(tx.auth, o))).unwrap();
    assert_eq!(got, expected);
}

fn docs_script(s: &mut dyn DocumentStore, o: OrganisationId) -> Vec<String> {
    let mut log = Vec::new();
    let mut see = |x: &dyn std::fmt::Debug| log.push(format!("{x:?}"));
    see(&s.get(o, "subject", "a"));
    see(&s.put(o, "subject", "b", "2"));
    see(&s.put(o, "subject", "a", "1"));
    see(&s.put(o, "subject", "a", "1bis"));
    see(&s.put(o, "organisation", "settings", "{}"));
    see(&s.list(o, "subject"));
    see(&s.list(o, "none"));
    see(&s.put(o, "subject", "a:1", "3"));
    see(&s.list_prefix(o, "subject", "a"));
    see(&s.list_prefix(o, "subject", "a:"));
    see(&s.list_prefix(o, "subject", "z"));
    see(&s.get(o, "subject", "a"));
    see(&s.delete(o, "subject", "a"));
    see(&s.delete(o, "subject", "a"));
    see(&s.organisations("organisation"));
    see(&s.organisations("none"));
    log
}

/// Invariant 1: the store's document handle answers every call exactly as
/// `MemoryDocuments`.
pub fn document_handle_mirrors_the_in_memory_documents<S: Store>(store: &S) {
    let o = org(5);
    let expected = docs_script(&mut MemoryDocuments::default(), o);
    let got = run(store, o, |tx| Ok(docs_script(tx.docs, o))).unwrap();
    assert_eq!(got, expected);
}
