//! Shared builders: a deterministic ledger with every kind of entry.

use chrono::{Duration, TimeZone, Utc};
use hogo_domain::testkit::SeededEntropy;
use hogo_domain::{
    Affair, ConsentId, HoldId, HoldingId, OrganisationId, Purpose, RecordId, RequestId, Role,
    RuleId, StaffId, SubjectId,
};
use hogo_ledger::memory::InMemoryLedgerStore;
use hogo_ledger::{
    Action, ActorRef, DocumentKind, Ed25519Signer, NewEntry, ObjectRef, Outcome, SafeText, Scope,
    ledger,
};
use uuid::Uuid;
use zeroize::Zeroizing;

pub(crate) fn org(n: u128) -> OrganisationId {
    OrganisationId::from_uuid(Uuid::from_u128(n))
}

pub(crate) fn signer(org_n: u128) -> Ed25519Signer {
    let name = format!("hogo.example/ledger/{org_n}");
    let seed = [u8::try_from(org_n % 251).unwrap(); 32];
    Ed25519Signer::from_seed(&name, Zeroizing::new(seed)).unwrap()
}

pub(crate) fn auditor() -> Ed25519Signer {
    Ed25519Signer::from_seed("auditor.example", Zeroizing::new([200; 32])).unwrap()
}

/// The `i`-th entry of a deterministic sequence that cycles through every action.
pub(crate) fn sample_entry(o: OrganisationId, i: u64) -> NewEntry {
    let time = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap() + Duration::seconds(i as i64);
    let staff = StaffId::from_uuid(Uuid::from_u128(1000 + u128::from(i % 3)));
    let actor = ActorRef { staff: Some(staff), role: Some(Role::NumberClerk) };
    let actions = Action::ALL;
    let action = actions[usize::try_from(i).unwrap() % actions.len()];
    let mut e = NewEntry::new(time, o, actor, action)
        .with_subject(SubjectId::from_uuid(Uuid::from_u128(5000 + u128::from(i))));
    let id = Uuid::from_u128(9000 + u128::from(i));
    e = match i % 9 {
        0 => e.with_object(ObjectRef::Record(RecordId::from_uuid(id))),
        1 => e.with_object(ObjectRef::Request(RequestId::from_uuid(id))),
        2 => e.with_object(ObjectRef::Consent(ConsentId::from_uuid(id))),
        3 => e.with_object(ObjectRef::Hold(HoldId::from_uuid(id))),
        4 => e.with_object(ObjectRef::Holding(HoldingId::from_uuid(id))),
        5 => e.with_object(ObjectRef::StaffRole(StaffId::from_uuid(id), Role::Auditor)),
        6 => e.with_object(ObjectRef::Key(
            SafeText::new("object", format!("bucket-2031/v{i}")).unwrap(),
        )),
        _ => e,
    };
    if i.is_multiple_of(2) {
        e = e.with_scope(Scope::Affair(Affair::ALL[usize::try_from(i).unwrap() % 9]));
    } else {
        e = e.with_scope(Scope::Purpose(Purpose::ALL[usize::try_from(i).unwrap() % 8]));
    }
    if i.is_multiple_of(4) {
        e = e.with_document_kind(DocumentKind::new("withholding_slip").unwrap());
    }
    if i.is_multiple_of(5) {
        e = e.with_legal_basis("番号法19条2号").unwrap();
    }
    if i % 7 == 3 {
        e = e.with_outcome(Outcome::Refused {
            rule: RuleId::M8,
            code: SafeText::new("code", "no_affair").unwrap(),
        });
    }
    if i.is_multiple_of(3) {
        e = e.with_note(&format!("法人番号7123456789012 宛 #{i}")).unwrap();
    }
    if i % 6 == 1 {
        e = e.with_detail(&format!("提供先担当 山田{i}")).unwrap();
    }
    e
}

/// A store with one log of `n` entries for organisation `org_n`, appended in batches of 7.
pub(crate) fn ledger_with(org_n: u128, n: u64) -> InMemoryLedgerStore {
    let mut store = InMemoryLedgerStore::new();
    append_to(&mut store, org_n, n);
    store
}

/// Creates the log of `org_n` in `store` and appends `n` entries.
pub(crate) fn append_to(store: &mut InMemoryLedgerStore, org_n: u128, n: u64) {
    let o = org(org_n);
    let s = signer(org_n);
    ledger::create_log(store, o, &format!("hogo.example/ledger/{org_n}"), vec![s.verifier_key()])
        .unwrap();
    let entropy = SeededEntropy::new(u64::try_from(org_n).unwrap());
    let all: Vec<NewEntry> = (0..n).map(|i| sample_entry(o, i)).collect();
    for chunk in all.chunks(7) {
        ledger::append(store, o, chunk.to_vec(), &entropy).unwrap();
    }
}
