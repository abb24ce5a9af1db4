//! The shared test suite of the [`Store`] port: every adapter (memory, SQLite, later
//! PostgreSQL) runs these same checks through the handles of [`Tx`].
//!
//! Call [`run_all`] with a function that makes a fresh, empty store; each check gets its
//! own store. Every check panics with a message naming the rule it defends. The checks
//! use synthetic numbers only ([`hogo_domain::testkit::synthetic_number`]) and never
//! print one.
//!
//! ```
//! hogo::store_suite::run_all(hogo::testkit::MemoryStore::new);
//! ```

pub mod conformance;
pub mod journeys;
pub mod scoping;
pub mod writers;

use chrono::{DateTime, Utc};
use hogo_auth::{
    ClientLabel, DisplayName, LoginName, Membership, OrgAuthPolicy, PasswordHash, Session,
    SessionScope, StaffAccount, TokenHash,
};
use hogo_domain::testkit::{SeededEntropy, SequentialIds, synthetic_number};
use hogo_domain::{
    Actor, AffairSet, DataClass, OrganisationId, RecordId, Role, StaffId, SubjectId,
};
use hogo_ledger::{Action, Ed25519Signer, NewEntry, ledger, verify_ledger};
use hogo_vault::testkit::in_memory_key_provider;
use hogo_vault::{Bucket, KekState, RecordContext, Vault, VaultConfig, VaultError};
use uuid::Uuid;

use crate::store::{Store, Tx};
use crate::{Error, docs};

/// Runs every check of the suite, each on a fresh store from `make`.
pub fn run_all<S: Store>(make: impl Fn() -> S) {
    commit_makes_every_handle_durable(&make());
    rollback_discards_every_handle(&make());
    organisations_are_scoped(&make());
    documents_behave_like_a_keyed_map(&make());
    prefixes_list_only_their_ids_and_prefetch_changes_no_answer(&make());
    ledger_appends_verify_and_checkpoint(&make());
    vault_seals_opens_finds_and_shreds(&make());
    auth_rows_round_trip(&make());
    a_transaction_begun_for_a_session_reads_what_was_committed(&make());
    organisations_lists_tenants_with_settings(&make());
}

/// A fixed organisation id for the suite (`n` distinguishes tenants).
pub fn org(n: u128) -> OrganisationId {
    OrganisationId::from_uuid(Uuid::from_u128(0x0a00 + n))
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_775_000_000 + secs, 0).expect("valid timestamp")
}

fn run<S: Store, T>(
    store: &S,
    organisation: OrganisationId,
    mut f: impl FnMut(&mut Tx<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    store.transact(organisation, &mut f)
}

// Errors are mapped to `Storage` text so the suite does not depend on how the use cases
// classify them.
fn ledger_err(e: impl std::fmt::Display) -> Error {
    Error::Storage(format!("ledger: {e}"))
}

fn vault_err(e: impl std::fmt::Display) -> Error {
    Error::Storage(format!("vault: {e}"))
}

fn auth_err(e: impl std::fmt::Display) -> Error {
    Error::Storage(format!("auth: {e}"))
}

fn signer(organisation: OrganisationId) -> Ed25519Signer {
    let seed = zeroize::Zeroizing::new([organisation.as_bytes()[15]; 32]);
    Ed25519Signer::from_seed(&format!("hogo.test/{}", organisation.as_uuid()), seed)
        .expect("valid signer")
}

fn entry(organisation: OrganisationId, n: i64) -> NewEntry {
    let clerk =
        Actor::new(StaffId::from_uuid(Uuid::from_u128(0x5700)), organisation, Role::NumberClerk);
    NewEntry::new(at(n), organisation, (&clerk).into(), Action::Acquisition)
        .with_subject(SubjectId::from_uuid(Uuid::from_u128(0x5b00 + n as u128)))
}

/// Creates the organisation's log (origin and key) inside `tx`.
pub fn create_log(tx: &mut Tx<'_>) -> Result<(), Error> {
    let o = tx.organisation;
    let key = signer(o).verifier_key();
    ledger::create_log(&mut *tx.ledger, o, &format!("hogo.test/{}", o.as_uuid()), vec![key])
        .map_err(ledger_err)?;
    Ok(())
}

/// Appends `n` entries to the organisation's log inside `tx`.
pub fn append_entries(tx: &mut Tx<'_>, n: usize, seed: u64) -> Result<(), Error> {
    let o = tx.organisation;
    let batch = (0..n).map(|i| entry(o, i as i64)).collect();
    ledger::append(&mut *tx.ledger, o, batch, &SeededEntropy::new(seed)).map_err(ledger_err)?;
    Ok(())
}

/// Invariant 1 (one transaction): what a closure wrote through every handle is there in
/// the next transaction once it returned `Ok`.
pub fn commit_makes_every_handle_durable<S: Store>(store: &S) {
    let o = org(1);
    run(store, o, |tx| {
        tx.docs.put(o, "subject", "s1", r#"{"n":1}"#)?;
        create_log(tx)?;
        append_entries(tx, 2, 1)
    })
    .expect("commit");
    let (doc, size) = run(store, o, |tx| {
        let doc = tx.docs.get(o, "subject", "s1")?;
        let head = tx.ledger.head(o).map_err(ledger_err)?;
        Ok((doc, head.map(|h| h.size)))
    })
    .expect("read back");
    assert_eq!(doc.as_deref(), Some(r#"{"n":1}"#), "invariant 1: committed document is kept");
    assert_eq!(size, Some(2), "M5: committed ledger entries are kept");
}

/// Invariant 1 / M5: a closure that writes through every handle and then fails leaves
/// nothing behind — no document, ledger entry, sealed record, KEK reference or account.
pub fn rollback_discards_every_handle<S: Store>(store: &S) {
    let o = org(2);
    run(store, o, create_log).expect("create log");
    let (keys, entropy, ids) =
        (in_memory_key_provider(2), SeededEntropy::new(2), SequentialIds::new());
    let vault = Vault::new(&keys, &entropy, &ids, VaultConfig::default()).expect("vault");
    let number = synthetic_number(2);
    let ctx = record_context(o, 0x21);
    let failed = run(store, o, |tx| {
        tx.docs.put(o, "subject", "s1", "{}")?;
        append_entries(tx, 3, 2)?;
        vault.put_number(&mut *tx.vault, &mut *tx.keks, &ctx, &number).map_err(vault_err)?;
        tx.auth.insert_account(&account(0x31, "rolled.back", o)).map_err(auth_err)?;
        Err::<(), _>(Error::Internal("the use case failed after writing".into()))
    });
    assert!(matches!(failed, Err(Error::Internal(_))), "the closure's error is returned as is");
    run(store, o, |tx| {
        assert_eq!(tx.docs.get(o, "subject", "s1")?, None, "invariant 1: document rolled back");
        let head = tx.ledger.head(o).map_err(ledger_err)?.expect("log exists");
        assert_eq!(head.size, 0, "M5: no ledger entry survives a rollback");
        assert!(
            tx.vault.record(ctx.record).map_err(vault_err)?.is_none(),
            "P9: record rolled back"
        );
        assert!(
            vault
                .find_number(&*tx.vault, &*tx.keks, o, "my_number", &number)
                .map_err(vault_err)?
                .is_empty(),
            "P9: index entry rolled back"
        );
        assert!(
            tx.keks.bucket_kek(o, Bucket::Open).map_err(vault_err)?.is_none(),
            "M13: no KEK is referenced after a rollback"
        );
        assert!(
            tx.auth.account(StaffId::from_uuid(Uuid::from_u128(0x31))).map_err(auth_err)?.is_none(),
            "P10: account rolled back"
        );
        verify_ledger(&*tx.ledger, o).map_err(ledger_err)?;
        Ok(())
    })
    .expect("read back");
}

/// M14 / invariant 4 (tenant isolation): what organisation A stores is never visible
/// through organisation B's transaction when B asks for its own data.
pub fn organisations_are_scoped<S: Store>(store: &S) {
    let (a, b) = (org(3), org(4));
    let (keys, entropy, ids) =
        (in_memory_key_provider(3), SeededEntropy::new(3), SequentialIds::new());
    let vault = Vault::new(&keys, &entropy, &ids, VaultConfig::default()).expect("vault");
    let number = synthetic_number(3);
    let ctx = record_context(a, 0x41);
    run(store, a, |tx| {
        tx.docs.put(a, "subject", "s1", "{}")?;
        create_log(tx)?;
        append_entries(tx, 1, 3)?;
        vault.put_number(&mut *tx.vault, &mut *tx.keks, &ctx, &number).map_err(vault_err)
    })
    .expect("org A writes");
    run(store, b, |tx| {
        assert_eq!(tx.docs.get(b, "subject", "s1")?, None, "M14: A's document is not B's");
        assert!(tx.docs.list(b, "subject")?.is_empty(), "M14: B's collection is empty");
        assert!(tx.ledger.head(b).map_err(ledger_err)?.is_none(), "M5: one log per organisation");
        assert!(
            tx.ledger.entries(b, 0, 10).map_err(ledger_err)?.is_empty(),
            "M5: B has no entries"
        );
        assert!(
            vault
                .find_number(&*tx.vault, &*tx.keks, b, "my_number", &number)
                .map_err(vault_err)?
                .is_empty(),
            "P9: A's number is not found in B"
        );
        assert!(
            tx.vault
                .data_key_for(b, ctx.subject, DataClass::MyNumber)
                .map_err(vault_err)?
                .is_none(),
            "P9: A's data key is not B's"
        );
        assert!(
            tx.keks.bucket_kek(b, Bucket::Open).map_err(vault_err)?.is_none(),
            "M13: A's KEK is not B's"
        );
        Ok(())
    })
    .expect("org B reads");
}

/// The document port: insert or replace, get, list ordered by id, delete reporting
/// whether the document existed, collections kept apart.
pub fn documents_behave_like_a_keyed_map<S: Store>(store: &S) {
    let o = org(5);
    run(store, o, |tx| {
        tx.docs.put(o, "subject", "b", "2")?;
        tx.docs.put(o, "subject", "a", "1")?;
        tx.docs.put(o, "subject", "c", "3")?;
        tx.docs.put(o, "subject", "b", "2bis")?;
        tx.docs.put(o, "holding", "a", "other collection")?;
        Ok(())
    })
    .expect("puts");
    run(store, o, |tx| {
        assert_eq!(tx.docs.list(o, "subject")?, vec!["1", "2bis", "3"], "list is ordered by id");
        assert_eq!(tx.docs.get(o, "holding", "a")?.as_deref(), Some("other collection"));
        assert!(tx.docs.delete(o, "subject", "c")?, "delete reports an existing document");
        assert!(!tx.docs.delete(o, "subject", "c")?, "delete reports a missing document");
        assert_eq!(tx.docs.get(o, "subject", "zz")?, None);
        Ok(())
    })
    .expect("reads");
    let left = run(store, o, |tx| tx.docs.list(o, "subject")).expect("list");
    assert_eq!(left, vec!["1", "2bis"]);
}

/// Invariant 1: `list_prefix` answers exactly the ids under the prefix, in id order, in
/// the transaction's organisation, with its own puts and deletes applied; the prefetch
/// hints change no answer (before or after writes in the same transaction).
pub fn prefixes_list_only_their_ids_and_prefetch_changes_no_answer<S: Store>(store: &S) {
    let (o, other) = (org(5), org(15));
    run(store, o, |tx| {
        for (id, body) in [("s1:a", "a"), ("s1:b", "b"), ("s10:a", "10a"), ("s2:a", "2a")] {
            tx.docs.put(o, "subject", id, body)?;
        }
        tx.docs.put(o, "holding", "s1:x", "x")
    })
    .expect("puts");
    run(store, other, |tx| tx.docs.put(other, "subject", "s1:z", "other tenant")).expect("put");
    let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    run(store, o, |tx| {
        assert_eq!(tx.docs.list_prefix(o, "subject", "s1:")?, vec!["a", "b"]);
        assert_eq!(tx.docs.list_prefix(o, "subject", "s1")?, vec!["10a", "a", "b"], "id order");
        tx.docs.prefetch_prefixes(o, "subject", &ids(&["s1:", "s3:", "s1:"]))?;
        tx.docs.prefetch(o, "subject", &ids(&["s1:a", "s2:a", "zz"]))?;
        tx.docs.put(o, "subject", "s1:c", "c")?;
        assert!(tx.docs.delete(o, "subject", "s1:a")?);
        tx.docs.put(o, "subject", "s3:n", "new")?;
        assert_eq!(tx.docs.list_prefix(o, "subject", "s1:")?, vec!["b", "c"], "puts and deletes");
        assert_eq!(tx.docs.list_prefix(o, "subject", "s3:")?, vec!["new"]);
        assert_eq!(tx.docs.list_prefix(o, "subject", "s2:")?, vec!["2a"]);
        assert_eq!(tx.docs.list_prefix(o, "holding", "s1:")?, vec!["x"], "one collection");
        assert_eq!(tx.docs.get(o, "subject", "s1:a")?, None, "deleted after the prefetch");
        assert_eq!(tx.docs.get(o, "subject", "s2:a")?.as_deref(), Some("2a"));
        assert_eq!(tx.docs.get(o, "subject", "zz")?, None);
        // Hints after writes keep the transaction's own writes.
        tx.docs.prefetch(o, "subject", &ids(&["s1:c", "s1:a"]))?;
        tx.docs.prefetch_prefixes(o, "subject", &ids(&["s1:", "s3:"]))?;
        assert_eq!(tx.docs.get(o, "subject", "s1:c")?.as_deref(), Some("c"));
        assert_eq!(tx.docs.list_prefix(o, "subject", "s1:")?, vec!["b", "c"]);
        Ok(())
    })
    .expect("reads with hints");
    let after = run(store, o, |tx| {
        tx.docs.prefetch_prefixes(o, "subject", &ids(&["s1:"]))?;
        tx.docs.list_prefix(o, "subject", "s1:")
    })
    .expect("list");
    assert_eq!(after, vec!["b", "c"], "the transaction's writes committed");
    let theirs =
        run(store, other, |tx| tx.docs.list_prefix(other, "subject", "s1:")).expect("list");
    assert_eq!(theirs, vec!["other tenant"], "P5/M3: prefixes stay in their organisation");
}

/// M5: the ledger on this store appends with dense sequences, checkpoints, erases a
/// detail and still verifies; appending refuses a sequence that is not the next one.
pub fn ledger_appends_verify_and_checkpoint<S: Store>(store: &S) {
    let o = org(6);
    run(store, o, |tx| {
        create_log(tx)?;
        append_entries(tx, 5, 6)
    })
    .expect("append");
    run(store, o, |tx| {
        let clerk = Actor::new(StaffId::from_uuid(Uuid::from_u128(0x5701)), o, Role::NumberClerk);
        let e = NewEntry::new(at(9), o, (&clerk).into(), Action::Use)
            .with_detail("連絡先 担当者")
            .map_err(ledger_err)?;
        let r = ledger::append(&mut *tx.ledger, o, vec![e], &SeededEntropy::new(7))
            .map_err(ledger_err)?;
        assert_eq!(r[0].sequence, 5, "M5: sequences are dense");
        ledger::checkpoint(&mut *tx.ledger, o, &signer(o)).map_err(ledger_err)?;
        assert!(
            tx.ledger.detail(o, 5).map_err(ledger_err)?.is_some(),
            "the detail is stored beside the entry"
        );
        Ok(())
    })
    .expect("append with detail and checkpoint");
    run(store, o, |tx| {
        let report = verify_ledger(&*tx.ledger, o).map_err(ledger_err)?;
        assert_eq!((report.entries, report.checkpoints, report.details), (6, 1, 1));
        assert!(ledger::erase_detail(&mut *tx.ledger, o, 5).map_err(ledger_err)?, "detail erased");
        assert!(!tx.ledger.erase_detail(o, 5).map_err(ledger_err)?, "erasing twice reports false");
        let entries = tx.ledger.entries(o, 0, 100).map_err(ledger_err)?;
        let seqs: Vec<u64> = entries.iter().map(|e| e.entry.sequence).collect();
        assert_eq!(seqs, (0..6).collect::<Vec<_>>(), "M5: entries come back in order");
        // Append-only: re-inserting an existing sequence is a conflict.
        let again = tx.ledger.insert_entries(o, &entries[..1]);
        assert!(
            matches!(again, Err(hogo_ledger::StorageError::Conflict { .. })),
            "M5: an existing sequence cannot be written again"
        );
        Ok(())
    })
    .expect("verify and erase");
    let report =
        run(store, o, |tx| verify_ledger(&*tx.ledger, o).map_err(ledger_err)).expect("verify");
    assert_eq!(report.entries, 6, "M5: the ledger still verifies after erasing a detail");
}

fn record_context(o: OrganisationId, n: u128) -> RecordContext {
    RecordContext {
        organisation: o,
        subject: SubjectId::from_uuid(Uuid::from_u128(0x5b00 + n)),
        class: DataClass::MyNumber,
        table: "employees".into(),
        field: "my_number".into(),
        record: RecordId::from_uuid(Uuid::from_u128(0x7e00 + n)),
    }
}

/// P9, M11: the vault on this store seals, opens and finds a number across
/// transactions, refuses the same number for another subject, and after a shred of the
/// bucket the KEK is a tombstone and the record is gone.
pub fn vault_seals_opens_finds_and_shreds<S: Store>(store: &S) {
    let o = org(7);
    let (keys, entropy, ids) =
        (in_memory_key_provider(7), SeededEntropy::new(7), SequentialIds::new());
    let vault = Vault::new(&keys, &entropy, &ids, VaultConfig::default()).expect("vault");
    let number = synthetic_number(7);
    let ctx = record_context(o, 0x71);
    run(store, o, |tx| {
        vault.put_number(&mut *tx.vault, &mut *tx.keks, &ctx, &number).map_err(vault_err)
    })
    .expect("seal");
    run(store, o, |tx| {
        let opened = vault.open_number(&*tx.vault, &*tx.keks, ctx.record).map_err(vault_err)?;
        assert!(opened == number, "P9: the number opens to what was sealed");
        let found =
            vault.find_number(&*tx.vault, &*tx.keks, o, "my_number", &number).map_err(vault_err)?;
        assert_eq!(found.len(), 1, "P9: the blind index finds the record");
        let other = record_context(o, 0x72);
        let dup = vault.put_number(&mut *tx.vault, &mut *tx.keks, &other, &number);
        assert!(
            matches!(dup, Err(VaultError::NumberAlreadyHeld { .. })),
            "M7: one number, one subject"
        );
        Ok(())
    })
    .expect("open and find");
    let report = run(store, o, |tx| {
        vault.shred_bucket(&mut *tx.vault, &mut *tx.keks, o, Bucket::Open).map_err(vault_err)
    })
    .expect("shred");
    assert_eq!(report.records, vec![ctx.record], "M11: the shred reports the record");
    run(store, o, |tx| {
        let kek = tx.keks.bucket_kek(o, Bucket::Open).map_err(vault_err)?.expect("tombstone");
        assert_eq!(kek.state, KekState::Destroyed, "M11: the KEK is a tombstone");
        assert!(tx.vault.record(ctx.record).map_err(vault_err)?.is_none(), "M11: record deleted");
        assert!(
            matches!(
                vault.open_number(&*tx.vault, &*tx.keks, ctx.record),
                Err(VaultError::RecordNotFound { .. })
            ),
            "M11: nothing opens after a shred"
        );
        assert!(
            !tx.keks.destroy_bucket_kek(o, Bucket::Open).map_err(vault_err)?,
            "destroying twice reports false"
        );
        Ok(())
    })
    .expect("after shred");
}

/// A synthetic staff account (the password hash is a fixed well-formed PHC string of no
/// real password).
pub fn account(n: u128, login: &str, home: OrganisationId) -> StaffAccount {
    StaffAccount {
        id: StaffId::from_uuid(Uuid::from_u128(n)),
        login: LoginName::parse(login).expect("valid login"),
        display_name: DisplayName::parse("試験 太郎").expect("valid name"),
        home_organisation: home,
        password_hash: PasswordHash::from_phc(
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .expect("valid PHC"),
        totp_secret: None,
        last_totp_step: Some(7),
        failed_attempts: 2,
        locked_until: Some(at(60)),
        must_change_password: false,
        disabled: false,
        created_at: at(0),
    }
}

/// A live number-clerk session of `account` in `o` (token hash: 32 bytes `token`), created
/// at the suite's time 0, idle for 30 minutes, absolute for 12 hours.
pub fn session(token: u8, account: StaffId, o: OrganisationId) -> Session {
    Session {
        token_hash: TokenHash::from_bytes([token; 32]),
        account,
        organisation: o,
        role: Role::NumberClerk,
        contracted_affairs: AffairSet::EMPTY,
        scope: SessionScope::Full,
        client: ClientLabel::parse("suite").expect("label"),
        created_at: at(0),
        last_seen_at: at(1),
        idle_expires_at: at(1800),
        absolute_expires_at: at(43_200),
        revoked: None,
    }
}

/// P10, M13: accounts, memberships, policies and sessions round-trip; login names are
/// unique; updates of missing rows fail; sessions are found by token hash.
pub fn auth_rows_round_trip<S: Store>(store: &S) {
    let o = org(8);
    let a = account(0x81, "sato.hanako", o);
    let auth = auth_err;
    let session = session(9, a.id, o);
    run(store, o, |tx| {
        tx.auth.insert_account(&a).map_err(auth)?;
        assert!(
            tx.auth.insert_account(&account(0x82, "sato.hanako", o)).is_err(),
            "P10: login names are unique"
        );
        let m = Membership {
            account: a.id,
            organisation: o,
            role: Role::NumberClerk,
            contracted_affairs: AffairSet::EMPTY,
        };
        tx.auth.put_membership(&m).map_err(auth)?;
        let ghost = Membership { account: StaffId::from_uuid(Uuid::from_u128(0x89)), ..m };
        assert!(tx.auth.put_membership(&ghost).is_err(), "a membership needs an account");
        tx.auth
            .put_org_policy(o, &OrgAuthPolicy { require_totp_for_number_roles: true })
            .map_err(auth)?;
        tx.auth.insert_session(&session).map_err(auth)?;
        assert!(tx.auth.insert_session(&session).is_err(), "P10: a token hash is stored once");
        Ok(())
    })
    .expect("auth writes");
    run(store, o, |tx| {
        assert_eq!(tx.auth.account(a.id).map_err(auth)?, Some(a.clone()), "account round-trips");
        assert_eq!(tx.auth.account_by_login(&a.login).map_err(auth)?.map(|x| x.id), Some(a.id));
        let ms = tx.auth.memberships_of_organisation(o).map_err(auth)?;
        assert_eq!(ms.len(), 1);
        assert_eq!(tx.auth.membership(a.id, o).map_err(auth)?, Some(ms[0]));
        assert_eq!(
            tx.auth.membership(a.id, org(9)).map_err(auth)?,
            None,
            "M14: membership is per organisation"
        );
        assert_eq!(
            tx.auth.org_policy(o).map_err(auth)?,
            Some(OrgAuthPolicy { require_totp_for_number_roles: true })
        );
        let mut s = tx.auth.session(&session.token_hash).map_err(auth)?.expect("session");
        assert_eq!(s, session, "session round-trips");
        s.revoked = Some((at(5), hogo_auth::RevocationReason::SignedOut));
        tx.auth.update_session(&s).map_err(auth)?;
        assert_eq!(tx.auth.sessions_of_account(a.id).map_err(auth)?, vec![s]);
        let mut b = a.clone();
        b.failed_attempts = 0;
        b.locked_until = None;
        // M13: a sealed TOTP secret round-trips byte for byte (adapters store only this form).
        let sealed = hogo_auth::SealedTotp::from_bytes((0..68).collect());
        b.totp_secret = Some(hogo_auth::TotpFactor::Sealed(sealed));
        tx.auth.update_account(&b).map_err(auth)?;
        assert_eq!(
            tx.auth.account(a.id).map_err(auth)?,
            Some(b.clone()),
            "sealed TOTP round-trips"
        );
        assert!(
            tx.auth.update_account(&account(0x83, "nobody", o)).is_err(),
            "updating a missing account fails"
        );
        assert!(tx.auth.remove_membership(a.id, o).map_err(auth)?);
        assert!(!tx.auth.remove_membership(a.id, o).map_err(auth)?);
        Ok(())
    })
    .expect("auth reads");
}

/// P10 (a session is resolved against what was committed): a transaction begun for a
/// session ([`Store::transact_with_session`], which an adapter may answer from its begin)
/// reads that session, its account and its membership as committed before it began —
/// including a revocation and a disabled account committed by the transaction before —
/// sees its own writes to them, reads other sessions as usual, finds no unknown session,
/// and a rolled-back revocation is not seen by the next one.
pub fn a_transaction_begun_for_a_session_reads_what_was_committed<S: Store>(store: &S) {
    let o = org(10);
    let auth = auth_err;
    let a = account(0xa1, "suzuki.ichiro", o);
    let m = Membership {
        account: a.id,
        organisation: o,
        role: Role::NumberClerk,
        contracted_affairs: AffairSet::EMPTY,
    };
    let (s, other) = (session(10, a.id, o), session(11, a.id, o));
    run(store, o, |tx| {
        tx.auth.insert_account(&a).map_err(auth)?;
        tx.auth.put_membership(&m).map_err(auth)?;
        tx.auth.insert_session(&s).map_err(auth)?;
        tx.auth.insert_session(&other).map_err(auth)
    })
    .expect("setup");
    let for_session = |hash: TokenHash, f: &mut dyn FnMut(&mut Tx<'_>) -> Result<(), Error>| {
        store.transact_with_session(o, &hash, f)
    };
    let revoked =
        Session { revoked: Some((at(5), hogo_auth::RevocationReason::SignedOut)), ..s.clone() };
    for_session(s.token_hash, &mut |tx| {
        assert_eq!(tx.auth.session(&s.token_hash).map_err(auth)?, Some(s.clone()));
        assert_eq!(tx.auth.account(a.id).map_err(auth)?, Some(a.clone()));
        assert_eq!(tx.auth.membership(a.id, o).map_err(auth)?, Some(m));
        assert_eq!(tx.auth.session(&other.token_hash).map_err(auth)?, Some(other.clone()));
        Ok(())
    })
    .expect("read as committed");
    for_session(TokenHash::from_bytes([0x5a; 32]), &mut |tx| {
        assert_eq!(tx.auth.session(&TokenHash::from_bytes([0x5a; 32])).map_err(auth)?, None);
        assert_eq!(tx.auth.session(&s.token_hash).map_err(auth)?, Some(s.clone()));
        Ok(())
    })
    .expect("unknown session");
    // Its own write, before and after its first read.
    for_session(s.token_hash, &mut |tx| {
        tx.auth.update_session(&revoked).map_err(auth)?;
        assert_eq!(tx.auth.session(&s.token_hash).map_err(auth)?, Some(revoked.clone()));
        Err(Error::Internal("roll back".into()))
    })
    .expect_err("rolled back");
    for_session(s.token_hash, &mut |tx| {
        assert_eq!(tx.auth.session(&s.token_hash).map_err(auth)?, Some(s.clone()), "rolled back");
        tx.auth.update_session(&revoked).map_err(auth)?;
        assert_eq!(tx.auth.session(&s.token_hash).map_err(auth)?, Some(revoked.clone()));
        let mut disabled = a.clone();
        disabled.disabled = true;
        tx.auth.update_account(&disabled).map_err(auth)
    })
    .expect("revoke and disable");
    for_session(s.token_hash, &mut |tx| {
        assert_eq!(tx.auth.session(&s.token_hash).map_err(auth)?, Some(revoked.clone()));
        assert!(tx.auth.account(a.id).map_err(auth)?.is_some_and(|x| x.disabled));
        Ok(())
    })
    .expect("read after the commit");
}

/// The tenant list: [`Store::organisations`] names every organisation with settings.
pub fn organisations_lists_tenants_with_settings<S: Store>(store: &S) {
    for n in [11, 10] {
        let o = org(n);
        run(store, o, |tx| tx.docs.put(o, docs::ORGANISATIONS.0, "settings", "{}"))
            .expect("settings");
    }
    run(store, org(12), |tx| tx.docs.put(org(12), "subject", "x", "{}")).expect("no settings");
    assert_eq!(store.organisations().expect("list"), vec![org(10), org(11)]);
}

/// M7, M9, invariant 4: eight threads each register subjects and race to collect one
/// shared number through the application layer; every subject is stored, exactly one
/// collection of the shared number wins, and the ledger verifies. Every adapter runs it.
#[allow(clippy::unwrap_used, clippy::panic, reason = "a test suite")]
pub fn eight_clerks_lose_no_write_and_store_no_duplicate_number<S: Store + 'static>(store: S) {
    use std::sync::Arc;

    use chrono::NaiveDate;
    use hogo_domain::testkit::synthetic_number;
    use hogo_domain::verification::{IdentityCheck, NumberCheck};
    use hogo_domain::{Affair, SubjectKind, Verification};
    use secrecy::SecretString;

    use crate::Hogo;
    use crate::numbers::{CollectNumber, NewSubject, Profile};
    use crate::testkit_app::{TEST_PASSWORD, app_with, employer, init_input};

    let (app, _clock) = app_with(store, NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
    let app: Arc<Hogo<S>> = Arc::new(app);
    let init = app.init(init_input(employer(false, false))).unwrap();
    let org = init.organisation;
    let per_thread = 6u64;
    let results: Vec<(usize, bool)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8u64)
            .map(|t| {
                let app = app.clone();
                scope.spawn(move || {
                    let session = app
                        .sign_in(org, "manager", &SecretString::from(TEST_PASSWORD), None, "t")
                        .unwrap();
                    let mut stored = 0;
                    let mut won_shared = false;
                    for i in 0..per_thread {
                        let s = app
                            .add_subject(
                                &session,
                                NewSubject {
                                    kind: SubjectKind::Employee,
                                    reference: format!("T{t}-{i}"),
                                    same_person_as: None,
                                    profile: Profile {
                                        name: "並行".into(),
                                        furigana: "ヘイコウ".into(),
                                        birth_date: None,
                                        address: "-".into(),
                                    },
                                },
                            )
                            .unwrap();
                        // The first subject of each thread races for the shared number.
                        let seed = if i == 0 { 777_777 } else { 10_000 + t * 100 + i };
                        let r = app.collect_number(
                            &session,
                            CollectNumber {
                                subject: s,
                                affair: Affair::WithholdingSlip,
                                verification: Verification::InPerson {
                                    verified_by: init.manager,
                                    number: NumberCheck::IndividualNumberCard,
                                    identity: IdentityCheck::CoveredByCard,
                                },
                                purpose_notified: true,
                                identity_copy_kept: false,
                                number: synthetic_number(seed),
                            },
                        );
                        match r {
                            Ok(_) => {
                                stored += 1;
                                if i == 0 {
                                    won_shared = true;
                                }
                            }
                            Err(Error::Conflict { .. }) if i == 0 => {}
                            Err(e) => panic!("thread {t} row {i}: {e}"),
                        }
                    }
                    (stored, won_shared)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners = results.iter().filter(|(_, w)| *w).count();
    assert_eq!(winners, 1, "exactly one thread stores the shared number");
    let stored: usize = results.iter().map(|(n, _)| n).sum();
    assert_eq!(stored as u64, 8 * (per_thread - 1) + 1);
    let manager =
        app.sign_in(org, "manager", &SecretString::from(TEST_PASSWORD), None, "t").unwrap();
    assert_eq!(app.subjects(&manager).unwrap().len() as u64, 8 * per_thread);
    assert_eq!(app.find_subject_by_number(&manager, &synthetic_number(777_777)).unwrap().len(), 1);
    let check = app.verify_ledger(org).unwrap();
    assert!(check.ok, "{check:?}");
}
