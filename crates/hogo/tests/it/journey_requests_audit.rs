//! Journey 2 (a person's disclosure request, answered with a masked package and a
//! letter) and journey 3 (an auditor verifies the ledger, the export offline and the
//! register, and a changed byte is found).

use chrono::NaiveDate;
use hogo::numbers::{CollectNumber, NewSubject, Profile};
use hogo::testkit_app::{TEST_PASSWORD, app, employer, init_input};
use hogo::{Error, Session};
use hogo_domain::testkit::synthetic_number;
use hogo_domain::verification::{IdentityCheck, IdentityDocument, NumberCheck};
use hogo_domain::{Affair, RuleId, SubjectKind, Verification};
use hogo_requests::testkit::seed_form_principal_by_post;
use hogo_requests::{Command, Decision, DisclosureDecision, PaymentMethod, RequestKind};
use secrecy::SecretString;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn setup() -> (hogo::Hogo<hogo::testkit::MemoryStore>, Session, hogo_domain::SubjectId) {
    let (app, _clock) = app(date(2025, 6, 2));
    let init = app.init(init_input(employer(false, false))).unwrap();
    let manager = app
        .sign_in(init.organisation, "manager", &SecretString::from(TEST_PASSWORD), None, "t")
        .unwrap();
    let s = app
        .add_subject(
            &manager,
            NewSubject {
                kind: SubjectKind::Employee,
                reference: "E-1".into(),
                same_person_as: None,
                profile: Profile {
                    name: "山田 太郎".into(),
                    furigana: "ヤマダ タロウ".into(),
                    birth_date: None,
                    address: "東京都".into(),
                },
            },
        )
        .unwrap();
    app.collect_number(
        &manager,
        CollectNumber {
            subject: s,
            affair: Affair::WithholdingSlip,
            verification: Verification::InPerson {
                verified_by: init.manager,
                number: NumberCheck::ResidentRecordCopy,
                identity: IdentityCheck::PhotoId { document: IdentityDocument::Passport },
            },
            purpose_notified: true,
            identity_copy_kept: true,
            number: synthetic_number(99),
        },
    )
    .unwrap();
    (app, manager, s)
}

/// P7, M15: a disclosure by post with the 1,000-yen fee; no answer before identity; the
/// package holds the person's data with no number; the letter is rendered; each step is
/// in the ledger.
#[test]
fn disclosure_request_by_post_is_answered_with_a_masked_package() {
    let (app, manager, s) = setup();
    let me = app.whoami(&manager).unwrap();
    let id = app
        .file_request(
            &manager,
            seed_form_principal_by_post(date(2025, 6, 1)),
            Some(s),
            date(2025, 6, 2),
        )
        .unwrap();
    let list = app.requests(&manager).unwrap();
    assert_eq!(list[0].days_left, 14);
    let respond = Command::Respond { by: me.clone(), in_writing_because: None };
    let err = app.request_step(&manager, id, &respond).unwrap_err();
    assert!(matches!(err, Error::Request(_)), "{err:?}");
    app.request_step(
        &manager,
        id,
        &Command::VerifyIdentity {
            by: me.clone(),
            document: IdentityDocument::DriversLicence,
            unmasked: vec![],
        },
    )
    .unwrap();
    app.request_step(
        &manager,
        id,
        &Command::ReceiveFee {
            by: me.clone(),
            kind: RequestKind::Disclosure,
            amount_yen: 1_000,
            method: PaymentMethod::PostageStamps,
        },
    )
    .unwrap();
    let package = app.disclosure_package(&manager, id, RequestKind::Disclosure).unwrap();
    let text = format!("{package:?}");
    assert!(text.contains("山田 太郎"));
    assert!(!text.contains(synthetic_number(99).expose()));
    assert!(hogo_domain::my_number::find_my_number_like(&text).is_none());
    app.request_step(
        &manager,
        id,
        &Command::Decide {
            by: me.clone(),
            kind: RequestKind::Disclosure,
            decision: Decision::Disclosure(DisclosureDecision::Full),
        },
    )
    .unwrap();
    app.request_step(&manager, id, &respond).unwrap();
    let letters = app.request_letters(&manager, id).unwrap();
    assert!(letters.iter().any(|l| l.text.contains("株式会社サンプル")));
    // A command in someone else's name is refused (P10).
    let mut forged = me.clone();
    forged.staff = hogo_domain::StaffId::from_uuid(uuid::Uuid::from_u128(12345));
    let err = app
        .request_step(&manager, id, &Command::Withdraw { by: forged, note: "x".into() })
        .unwrap_err();
    assert!(matches!(err, Error::Invalid { rule: RuleId::P10, .. }));
}

/// M5, M6: the auditor's view — the ledger verifies, the export verifies offline with the
/// log's key, the register names files, people and areas but no number, and a changed
/// byte in a stored entry is found at its position.
#[test]
fn auditor_verifies_ledger_export_and_register_and_finds_tampering() {
    let (app, manager, _s) = setup();
    let org = manager.organisation();
    let check = app.verify_ledger(org).unwrap();
    assert!(check.ok, "{check:?}");
    assert!(check.entries > 3);
    let export = app.export_ledger(&manager, 0, None).unwrap();
    assert!(!export.contains(synthetic_number(99).expose()));
    let register = app.register(&manager).unwrap();
    let table = register.to_table().unwrap();
    assert!(table.contains("源泉徴収票作成事務"));
    assert!(table.contains("山田 花子"));
    assert!(hogo_domain::my_number::find_my_number_like(&table).is_none());
    // Tamper: flip one byte of the third entry.
    app.store().with_state(|st| {
        let entries = st.ledger.entries_mut(org).unwrap();
        let e = &mut entries[2];
        e.bytes[20] ^= 0x01;
    });
    let check = app.verify_ledger(org).unwrap();
    assert!(!check.ok);
    assert!(check.error.unwrap().contains('2'));
}
