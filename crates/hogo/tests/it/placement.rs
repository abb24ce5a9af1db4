//! Job placement (doc 000; issue 13): each rule P1–P5, P9–P11 as a test that fails if the
//! rule breaks — on the in-memory store, synthetic data only, no My Number anywhere.

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use hogo::Error;
use hogo::Session;
use hogo::export::{ExportSealer, SealError, SealMethod};
use hogo::numbers::Profile;
use hogo::placement::{
    CollectionSource, EntryCheck, NewContact, NewSeeker, ProvideSeeker, SeekerDetails,
};
use hogo::testkit_app::{TEST_PASSWORD, account, app, employer, init_input};
use hogo_domain::placement::{ContactOutcome, ProvisionRecordForm, SeekerItem};
use hogo_domain::policy::ThirdPartyBasis;
use hogo_domain::testkit::FixedClock;
use hogo_domain::{
    Clock, ConsentMethod, ConsentScope, ForbiddenItem, OccupationalNecessity, Purpose, Role,
    RuleId, SensitiveKind, SubjectId,
};
use secrecy::SecretString;

type App = hogo::Hogo<hogo::testkit::MemoryStore>;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An agency with every purpose stated, a placement clerk and the privacy officer.
struct Agency {
    app: App,
    clock: Arc<FixedClock>,
    staff: Session,
    officer: Session,
    manager: Session,
    org: hogo_domain::OrganisationId,
}

impl Agency {
    /// Moves the clock to 09:00 JST on `d` and signs the staff in again (sessions expire).
    fn travel(&mut self, d: NaiveDate) {
        self.clock.set(FixedClock::on_jst_date(d).now());
        for (login, slot) in [("placement", &mut self.staff), ("officer", &mut self.officer)] {
            let pw = SecretString::from(format!("{login} passphrase 2025"));
            *slot = self.app.sign_in(self.org, login, &pw, None, "t").unwrap();
        }
    }
}

fn sign_in_new(app: &App, org: hogo_domain::OrganisationId, login: &str) -> Session {
    let pw = SecretString::from(TEST_PASSWORD);
    let first = app.sign_in(org, login, &pw, None, "t").unwrap();
    let new_pw = SecretString::from(format!("{login} passphrase 2025"));
    app.change_password(&first, &pw, &new_pw).unwrap();
    app.sign_in(org, login, &new_pw, None, "t").unwrap()
}

fn agency() -> Agency {
    let (app, clock) = app(date(2025, 4, 1));
    let mut org = employer(false, false);
    org.purposes = Purpose::ALL.to_vec();
    let init = app.init(init_input(org)).unwrap();
    let pw = SecretString::from(TEST_PASSWORD);
    let admin = app.sign_in(init.organisation, "admin", &pw, None, "t").unwrap();
    for (login, role) in [("placement", Role::PlacementStaff), ("officer", Role::PrivacyOfficer)] {
        app.create_staff(&admin, &account(login, login), hogo_auth::RoleGrant::role(role)).unwrap();
    }
    let staff = sign_in_new(&app, init.organisation, "placement");
    let officer = sign_in_new(&app, init.organisation, "officer");
    let manager = app.sign_in(init.organisation, "manager", &pw, None, "t").unwrap();
    Agency { app, clock, staff, officer, manager, org: init.organisation }
}

fn profile() -> Profile {
    Profile {
        name: "求職 花子".into(),
        furigana: "キュウショク ハナコ".into(),
        birth_date: Some(date(1990, 5, 1)),
        address: "神奈川県横浜市1-2-3".into(),
    }
}

fn details() -> SeekerDetails {
    SeekerDetails {
        contact: "045-000-0000".into(),
        work_history: "事務職 5年".into(),
        qualifications: vec!["日商簿記2級".into()],
        education: "大学卒".into(),
    }
}

fn new_seeker(reference: &str) -> NewSeeker {
    NewSeeker {
        reference: reference.into(),
        received_on: date(2025, 4, 1),
        place: "横浜支店".into(),
        valid_until: date(2025, 6, 30),
        desired_occupations: vec!["経理事務".into()],
        profile: profile(),
        details: details(),
        stated_purposes: Purpose::ALL.iter().map(|p| p.id().to_owned()).collect(),
        source: CollectionSource::Person,
        check: EntryCheck::ShowBack { confirmed: true },
    }
}

fn employer_a() -> ThirdPartyBasis {
    ThirdPartyBasis::RecruitingEmployer { recipient: "株式会社エー".into() }
}

fn consent_items(a: &Agency, s: SubjectId, recipient: &str, items: Vec<SeekerItem>) {
    a.app
        .record_consent(
            &a.staff,
            s,
            ConsentScope::ProvisionOfItems {
                recipient: recipient.into(),
                purpose: Purpose::ProvisionToEmployer,
                items,
            },
            ConsentMethod::Written,
            a.clock.now(),
        )
        .unwrap();
}

fn provide(
    a: &Agency,
    s: SubjectId,
    basis: ThirdPartyBasis,
    form: ProvisionRecordForm,
) -> Result<hogo::placement::ProvisionReceipt, Error> {
    a.app.provide_seeker_data(
        &a.staff,
        ProvideSeeker {
            subject: s,
            basis,
            items: vec![SeekerItem::Name, SeekerItem::WorkHistory],
            form,
        },
        None,
    )
}

/// The vault classes of a subject that still hold sealed records.
fn sealed_classes(
    app: &App,
    org: hogo_domain::OrganisationId,
    s: SubjectId,
) -> Vec<hogo_domain::DataClass> {
    use hogo_vault::VaultStore;
    let snap = app.store().snapshot();
    hogo_domain::DataClass::ALL
        .into_iter()
        .filter(|c| {
            snap.vault
                .data_key_for(org, s, *c)
                .unwrap()
                .is_some_and(|k| !snap.vault.records_under_key(k.id).unwrap().is_empty())
        })
        .collect()
}

fn refused(e: &Error, rule: RuleId) -> bool {
    matches!(e, Error::Refused(r) if r.rule == rule)
}

/// A sealer for tests: an age header and the bytes inverted (the format check passes, the
/// plaintext is not in the output).
struct FakeAge;

impl ExportSealer for FakeAge {
    fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut v = b"age-encryption.org/v1\n".to_vec();
        v.extend(plaintext.iter().map(|b| !b));
        Ok(v)
    }
    fn method(&self) -> SealMethod {
        SealMethod::AgePassphrase
    }
}

/// P3: no provision without the person's consent; consent for employer A does not allow
/// employer B; consent for some items does not cover others.
#[test]
fn provision_needs_consent_for_that_employer_and_those_items() {
    let a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-001")).unwrap();
    let e = provide(&a, s, employer_a(), ProvisionRecordForm::ContractDocument).unwrap_err();
    assert!(refused(&e, RuleId::P3), "{e:?}");
    consent_items(&a, s, "株式会社エー", vec![SeekerItem::Name, SeekerItem::WorkHistory]);
    provide(&a, s, employer_a(), ProvisionRecordForm::ContractDocument).unwrap();
    let b = ThirdPartyBasis::RecruitingEmployer { recipient: "株式会社ビー".into() };
    assert!(refused(
        &provide(&a, s, b, ProvisionRecordForm::ContractDocument).unwrap_err(),
        RuleId::P3
    ));
    let more = a.app.provide_seeker_data(
        &a.staff,
        ProvideSeeker {
            subject: s,
            basis: employer_a(),
            items: vec![SeekerItem::Address],
            form: ProvisionRecordForm::Individual,
        },
        None,
    );
    assert!(refused(&more.unwrap_err(), RuleId::P3));
    // The item-less provision path refuses a registered job seeker (no second way out).
    let old = a.app.provide_personal_data(&a.staff, s, employer_a()).unwrap_err();
    assert!(matches!(old, Error::Invalid { rule: RuleId::P3, .. }), "{old:?}");
    let records = a.app.provision_records(&a.staff, s).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].recipient, "株式会社エー");
    assert_eq!(records[0].items, vec![SeekerItem::Name, SeekerItem::WorkHistory]);
    assert_eq!(records[0].consents.len(), 1);
    assert_eq!(a.app.placement_register(&a.staff).unwrap()[0].referrals.len(), 1);
}

/// P3: 法令に基づく場合 needs the law recorded, and no consent; a partner agency needs the
/// person's permission.
#[test]
fn law_based_and_partner_agency_provision() {
    let a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-002")).unwrap();
    let empty = ThirdPartyBasis::RequiredByLaw { law: "  ".into() };
    assert!(provide(&a, s, empty, ProvisionRecordForm::Individual).is_err());
    let law = ThirdPartyBasis::RequiredByLaw {
        law: "刑事訴訟法197条2項（捜査関係事項照会）".into(),
    };
    provide(&a, s, law, ProvisionRecordForm::ContractDocument).unwrap();
    let rec = &a.app.provision_records(&a.staff, s).unwrap()[0];
    assert!(!rec.appi29_required);
    assert!(rec.legal_basis.contains("刑事訴訟法197条2項"));
    let partner = ThirdPartyBasis::PartnerAgency { recipient: "提携キャリア".into() };
    assert!(refused(
        &provide(&a, s, partner.clone(), ProvisionRecordForm::Individual).unwrap_err(),
        RuleId::P3
    ));
    a.app
        .record_consent(
            &a.staff,
            s,
            ConsentScope::ProvisionOfItems {
                recipient: "提携キャリア".into(),
                purpose: Purpose::ProvisionToPartnerAgency,
                items: vec![SeekerItem::Name, SeekerItem::WorkHistory],
            },
            ConsentMethod::Electronic,
            a.clock.now(),
        )
        .unwrap();
    provide(&a, s, partner, ProvisionRecordForm::Individual).unwrap();
}

/// P9: a provision file that leaves is sealed; the ledger records the method and SHA-256,
/// never the content.
#[test]
fn provision_file_is_sealed_and_ledger_holds_no_content() {
    let a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-003")).unwrap();
    consent_items(&a, s, "株式会社エー", vec![SeekerItem::Name, SeekerItem::WorkHistory]);
    let r = a
        .app
        .provide_seeker_data(
            &a.staff,
            ProvideSeeker {
                subject: s,
                basis: employer_a(),
                items: vec![SeekerItem::Name, SeekerItem::WorkHistory],
                form: ProvisionRecordForm::ContractDocument,
            },
            Some(&FakeAge),
        )
        .unwrap();
    let file = r.file.unwrap();
    assert!(file.bytes.starts_with(b"age-encryption.org/v1\n"));
    assert!(!String::from_utf8_lossy(&file.bytes).contains("求職 花子"));
    let rec = &a.app.provision_records(&a.staff, s).unwrap()[0];
    assert_eq!(rec.sealed_file.as_ref().unwrap().1, file.sha256);
    let org = a.staff.organisation();
    let text = format!("{:?}", a.app.store().snapshot().ledger.entries_mut(org).unwrap().clone());
    assert!(text.contains(&file.sha256));
    assert!(
        !text.contains("求職 花子") && !text.contains("事務職 5年") && !text.contains("横浜市")
    );
}

/// P2: a never-collect item has no field; 要配慮 data needs consent after the need was
/// explained; 人種・信条・社会的身分 are refused even with consent (never-collect wins); the
/// 指針's exception needs the occupational necessity recorded.
#[test]
fn sensitive_needs_consent_and_never_collect_items_are_refused() {
    let a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-004")).unwrap();
    let e = a
        .app
        .record_seeker_sensitive(&a.staff, s, SensitiveKind::Disability, "聴覚（配慮事項あり）")
        .unwrap_err();
    assert!(refused(&e, RuleId::P2), "{e:?}");
    let not_explained = a.app.record_consent(
        &a.staff,
        s,
        ConsentScope::SensitiveAcquisition {
            kind: SensitiveKind::Disability,
            need_explained: false,
        },
        ConsentMethod::Written,
        a.clock.now(),
    );
    assert!(matches!(not_explained, Err(Error::Invalid { rule: RuleId::P2, .. })));
    a.app
        .record_consent(
            &a.staff,
            s,
            ConsentScope::SensitiveAcquisition {
                kind: SensitiveKind::Disability,
                need_explained: true,
            },
            ConsentMethod::Written,
            a.clock.now(),
        )
        .unwrap();
    a.app
        .record_seeker_sensitive(&a.staff, s, SensitiveKind::Disability, "聴覚（配慮事項あり）")
        .unwrap();
    assert_eq!(a.app.seeker_record(&a.staff, s).unwrap().sensitive.len(), 1);
    a.app
        .record_consent(
            &a.staff,
            s,
            ConsentScope::SensitiveAcquisition { kind: SensitiveKind::Creed, need_explained: true },
            ConsentMethod::Written,
            a.clock.now(),
        )
        .unwrap();
    let creed = a.app.record_seeker_sensitive(&a.staff, s, SensitiveKind::Creed, "—").unwrap_err();
    assert!(
        matches!(&creed, Error::Refused(r) if r.rule == RuleId::P2 && r.code == hogo_domain::RefusalCode::ForbiddenItem)
    );
    let incomplete = OccupationalNecessity {
        item: ForbiddenItem::Birthplace,
        necessity: String::new(),
        purpose_shown: true,
        from_the_person: true,
    };
    assert!(refused(
        &a.app.record_seeker_exception(&a.staff, s, incomplete, "x").unwrap_err(),
        RuleId::P2
    ));
    let complete = OccupationalNecessity {
        item: ForbiddenItem::Birthplace,
        necessity: "地域限定の観光ガイド職で出身地の知識が業務上特に必要".into(),
        purpose_shown: true,
        from_the_person: true,
    };
    a.app.record_seeker_exception(&a.staff, s, complete, "静岡県").unwrap();
}

/// P2: collection from someone other than the person needs the source named; the consent
/// is recorded with the registration.
#[test]
fn collection_from_others_records_source_and_consent() {
    let a = agency();
    let mut n = new_seeker("J-005");
    n.source = CollectionSource::Other {
        source: " ".into(),
        method: ConsentMethod::Written,
        consented_at: a.clock.now(),
    };
    assert!(matches!(
        a.app.register_seeker(&a.staff, n.clone()),
        Err(Error::Invalid { rule: RuleId::P2, .. })
    ));
    n.source = CollectionSource::Other {
        source: "〇〇大学 キャリアセンター".into(),
        method: ConsentMethod::Written,
        consented_at: a.clock.now(),
    };
    let s = a.app.register_seeker(&a.staff, n).unwrap();
    let rec = a.app.seeker_record(&a.staff, s).unwrap();
    assert!(matches!(rec.source, CollectionSource::Other { .. }));
}

/// P1: a vague purpose is refused at registration; a use for a purpose not stated to the
/// person is refused; the items returned are only those tied to the purpose.
#[test]
fn unstated_or_vague_purpose_refused() {
    let a = agency();
    let mut n = new_seeker("J-006");
    n.stated_purposes = vec!["interview".into(), "募集情報等提供のため".into()];
    assert!(refused(&a.app.register_seeker(&a.staff, n.clone()).unwrap_err(), RuleId::P1));
    assert!(a.app.seekers(&a.staff).unwrap().is_empty(), "nothing stored");
    n.stated_purposes = vec!["interview".into(), "job_search_for_seeker".into()];
    let s = a.app.register_seeker(&a.staff, n).unwrap();
    let v = a.app.use_seeker_data(&a.staff, s, Purpose::Interview).unwrap();
    assert!(v.items.iter().any(|(i, _)| *i == SeekerItem::Name));
    let e = a.app.use_seeker_data(&a.staff, s, Purpose::ServiceAnalysis).unwrap_err();
    assert!(refused(&e, RuleId::P1), "{e:?}");
}

/// P1: the mail magazine needs its own consent; once withdrawn, the use is refused.
#[test]
fn mail_magazine_consent_withdrawn_refuses_use() {
    let a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-007")).unwrap();
    assert!(refused(
        &a.app.use_seeker_data(&a.staff, s, Purpose::MailMagazine).unwrap_err(),
        RuleId::P1
    ));
    let c = a
        .app
        .record_consent(
            &a.staff,
            s,
            ConsentScope::Purpose { purpose: Purpose::MailMagazine },
            ConsentMethod::Electronic,
            a.clock.now(),
        )
        .unwrap();
    let v = a.app.use_seeker_data(&a.staff, s, Purpose::MailMagazine).unwrap();
    assert!(v.items.iter().any(|(i, _)| *i == SeekerItem::Contact));
    assert!(
        !v.items.iter().any(|(i, _)| *i == SeekerItem::WorkHistory),
        "P1: only the items of the purpose"
    );
    a.clock.advance(Duration::minutes(1));
    a.app.withdraw_consent(&a.staff, c).unwrap();
    assert!(refused(
        &a.app.use_seeker_data(&a.staff, s, Purpose::MailMagazine).unwrap_err(),
        RuleId::P1
    ));
}

/// P5, P10: only placement staff (and the privacy officer) reach job-seeker data; the
/// number manager is refused registering, listing, the register and the disposal.
#[test]
fn non_placement_staff_refused() {
    let a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-008")).unwrap();
    assert!(refused(
        &a.app.register_seeker(&a.manager, new_seeker("J-009")).unwrap_err(),
        RuleId::P5
    ));
    assert!(refused(&a.app.seekers(&a.manager).unwrap_err(), RuleId::P5));
    assert!(refused(&a.app.placement_register(&a.manager).unwrap_err(), RuleId::P5));
    assert!(refused(
        &a.app.use_seeker_data(&a.manager, s, Purpose::Interview).unwrap_err(),
        RuleId::P5
    ));
    assert!(refused(
        &a.app.confirm_placement_disposal(&a.manager, false).unwrap_err(),
        RuleId::P11
    ));
    assert!(refused(&a.app.confirm_placement_disposal(&a.staff, false).unwrap_err(), RuleId::P11));
    assert_eq!(a.app.seekers(&a.officer).unwrap().len(), 1);
}

/// P4: a 求職受付番号 is registered once; a longer reference that starts with it (the index
/// is read by prefix) and a shorter one are other seekers.
#[test]
fn a_seeker_reference_is_registered_once() {
    let a = agency();
    a.app.register_seeker(&a.staff, new_seeker("J:1")).unwrap();
    let again = a.app.register_seeker(&a.staff, new_seeker("J:1")).unwrap_err();
    assert!(matches!(again, Error::Conflict { rule: RuleId::P4, .. }), "{again:?}");
    a.app.register_seeker(&a.staff, new_seeker("J")).unwrap();
    a.app.register_seeker(&a.staff, new_seeker("J:1:2")).unwrap();
    assert_eq!(a.app.seekers(&a.staff).unwrap().len(), 3);
}

/// P5: the organisation names one 個人情報取扱責任者; a second is refused.
#[test]
fn one_privacy_officer() {
    let a = agency();
    let pw = SecretString::from(TEST_PASSWORD);
    let admin = a.app.sign_in(a.staff.organisation(), "admin", &pw, None, "t").unwrap();
    let e = a
        .app
        .create_staff(
            &admin,
            &account("officer2", "二人目"),
            hogo_auth::RoleGrant::role(Role::PrivacyOfficer),
        )
        .unwrap_err();
    assert!(matches!(e, Error::Conflict { rule: RuleId::P5, .. }), "{e:?}");
}

/// P11: after the registration ends and the privacy officer confirms the disposal, the
/// profile is gone (crypto-shredded) while the 求職管理簿 row stays until 完結 + 2 years.
#[test]
fn end_and_disposal_shred_profile_and_keep_register_row() {
    let mut a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-010")).unwrap();
    a.travel(date(2025, 7, 1));
    a.app.end_registration(&a.staff, s, date(2025, 6, 30)).unwrap();
    let dry = a.app.confirm_placement_disposal(&a.officer, true).unwrap();
    assert_eq!(dry.disposed.len(), 1);
    assert!(
        a.app.use_seeker_data(&a.staff, s, Purpose::Interview).is_ok(),
        "dry run destroys nothing"
    );
    let rep = a.app.confirm_placement_disposal(&a.officer, false).unwrap();
    assert_eq!(
        rep.disposed.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(),
        vec!["job_seeker_profile"]
    );
    assert_eq!(rep.certificates.len(), 1);
    let e = a.app.use_seeker_data(&a.staff, s, Purpose::Interview).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    let org = a.staff.organisation();
    assert!(sealed_classes(&a.app, org, s) == vec![hogo_domain::DataClass::PlacementRegister]);
    let book = a.app.placement_register(&a.staff).unwrap();
    assert_eq!(book.len(), 1);
    assert_eq!(book[0].name, "求職 花子");
    assert_eq!(book[0].completed_on, Some(date(2025, 6, 30)));
    // 完結 2025-06-30 + 2 years: still kept on 2027-06-30, gone the day after.
    a.travel(date(2027, 6, 30));
    assert!(a.app.confirm_placement_disposal(&a.officer, false).unwrap().disposed.is_empty());
    assert_eq!(a.app.placement_register(&a.staff).unwrap().len(), 1);
    a.travel(date(2027, 7, 1));
    let rep = a.app.confirm_placement_disposal(&a.officer, false).unwrap();
    assert_eq!(rep.disposed.len(), 1);
    assert!(a.app.placement_register(&a.staff).unwrap().is_empty());
    assert!(sealed_classes(&a.app, org, s).is_empty());
    assert!(a.app.verify_ledger(org).unwrap().ok);
}

/// P3: provision records are kept 1 year (contract document) or 3 years (individual) —
/// by how the record was made (規則21条).
#[test]
fn provision_records_kept_one_or_three_years() {
    let mut a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-011")).unwrap();
    consent_items(&a, s, "株式会社エー", vec![SeekerItem::Name, SeekerItem::WorkHistory]);
    provide(&a, s, employer_a(), ProvisionRecordForm::ContractDocument).unwrap();
    provide(&a, s, employer_a(), ProvisionRecordForm::Individual).unwrap();
    assert_eq!(a.app.provision_records(&a.staff, s).unwrap().len(), 2);
    // 1 year from 2025-04-01 (counted from the event day): kept through 2026-04-01.
    a.travel(date(2026, 4, 2));
    let rep = a.app.confirm_placement_disposal(&a.officer, false).unwrap();
    assert_eq!(
        rep.disposed.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(),
        vec!["provision_record_per_contract"]
    );
    let left = a.app.provision_records(&a.staff, s).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].form, ProvisionRecordForm::Individual);
    a.travel(date(2028, 3, 31));
    assert!(a.app.confirm_placement_disposal(&a.officer, false).unwrap().disposed.is_empty());
    a.travel(date(2028, 4, 2));
    let rep = a.app.confirm_placement_disposal(&a.officer, false).unwrap();
    assert!(rep.disposed.iter().any(|(_, k)| k == "provision_record"));
    assert!(a.app.provision_records(&a.staff, s).unwrap().is_empty());
}

/// P4: an entry is confirmed at input (a show-back not confirmed, or a double entry that
/// differs, stores nothing); contacts re-confirm or update; stale records are listed.
#[test]
fn accuracy_checked_at_entry_and_contact_and_stale_list() {
    let mut a = agency();
    let mut n = new_seeker("J-012");
    n.check = EntryCheck::ShowBack { confirmed: false };
    assert!(matches!(
        a.app.register_seeker(&a.staff, n.clone()),
        Err(Error::Invalid { rule: RuleId::P4, .. })
    ));
    let mut typo = profile();
    typo.address = "神奈川県横浜市1-2-4".into();
    n.check = EntryCheck::DoubleEntry {
        profile: typo,
        details: details(),
        desired_occupations: vec!["経理事務".into()],
    };
    let e = a.app.register_seeker(&a.staff, n.clone()).unwrap_err();
    assert!(
        matches!(&e, Error::Invalid { field, rule: RuleId::P4, .. } if field == "profile"),
        "{e:?}"
    );
    assert!(a.app.seekers(&a.staff).unwrap().is_empty());
    n.check = EntryCheck::DoubleEntry {
        profile: profile(),
        details: details(),
        desired_occupations: vec!["経理事務".into()],
    };
    let s = a.app.register_seeker(&a.staff, n).unwrap();
    a.travel(date(2025, 6, 1));
    assert_eq!(a.app.stale_seekers(&a.staff, 30).unwrap().len(), 1);
    a.app
        .seeker_contact(
            &a.staff,
            s,
            NewContact {
                on: date(2025, 5, 20),
                outcome: ContactOutcome::NotChecked,
                update: None,
                referral_result: None,
            },
        )
        .unwrap();
    assert_eq!(
        a.app.stale_seekers(&a.staff, 30).unwrap().len(),
        1,
        "a contact without re-confirmation does not count"
    );
    let mut moved = profile();
    moved.address = "東京都港区4-5-6".into();
    a.app
        .seeker_contact(
            &a.staff,
            s,
            NewContact {
                on: date(2025, 6, 1),
                outcome: ContactOutcome::Updated,
                update: Some((moved, details())),
                referral_result: None,
            },
        )
        .unwrap();
    assert!(a.app.stale_seekers(&a.staff, 30).unwrap().is_empty());
    assert_eq!(a.app.seeker_record(&a.staff, s).unwrap().last_confirmed, date(2025, 6, 1));
    let v = a.app.use_seeker_data(&a.staff, s, Purpose::Interview).unwrap();
    assert!(v.items.iter().any(|(_, val)| val == "東京都港区4-5-6"));
}

/// M1 (placement side): no My Number near placement data — a number in any free text is
/// refused before anything is stored.
#[test]
fn no_my_number_in_seeker_data() {
    let a = agency();
    let mut n = new_seeker("J-013");
    n.details.work_history = format!("番号 {}", hogo_domain::testkit::synthetic_number(3).expose());
    assert!(matches!(
        a.app.register_seeker(&a.staff, n),
        Err(Error::Invalid { rule: RuleId::M1, .. })
    ));
    assert!(a.app.seekers(&a.staff).unwrap().is_empty());
}

/// P3, P7 (APPI 33条5項, journey 2): a job seeker's disclosure package holds the
/// registration, the contact log, the 求職管理簿 row and the provision records (recipient,
/// items, consent); after the profile's disposal the remaining records are still disclosed.
#[test]
fn disclosure_package_holds_provision_records_and_contact_log() {
    use hogo_requests::testkit::seed_form_principal_by_post;
    use hogo_requests::{Command, PaymentMethod, RequestKind};
    let mut a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-020")).unwrap();
    consent_items(&a, s, "株式会社エー", vec![SeekerItem::Name, SeekerItem::WorkHistory]);
    provide(&a, s, employer_a(), ProvisionRecordForm::ContractDocument).unwrap();
    a.app
        .seeker_contact(
            &a.staff,
            s,
            NewContact {
                on: date(2025, 4, 1),
                outcome: ContactOutcome::Reconfirmed,
                update: None,
                referral_result: None,
            },
        )
        .unwrap();
    let package = |a: &Agency| {
        let me = a.app.whoami(&a.staff).unwrap();
        let id = a
            .app
            .file_request(
                &a.staff,
                seed_form_principal_by_post(a.clock.today()),
                Some(s),
                a.clock.today(),
            )
            .unwrap();
        a.app
            .request_step(
                &a.staff,
                id,
                &Command::VerifyIdentity {
                    by: me.clone(),
                    document: hogo_domain::verification::IdentityDocument::DriversLicence,
                    unmasked: vec![],
                },
            )
            .unwrap();
        a.app
            .request_step(
                &a.staff,
                id,
                &Command::ReceiveFee {
                    by: me,
                    kind: RequestKind::Disclosure,
                    amount_yen: 1_000,
                    method: PaymentMethod::PostageStamps,
                },
            )
            .unwrap();
        format!("{:?}", a.app.disclosure_package(&a.staff, id, RequestKind::Disclosure).unwrap())
    };
    let text = package(&a);
    assert!(text.contains("第三者提供記録（株式会社エー）") && text.contains("職歴"), "{text}");
    assert!(text.contains("連絡記録") && text.contains("求職管理簿") && text.contains("求職 花子"));
    a.travel(date(2025, 7, 1));
    a.app.end_registration(&a.staff, s, date(2025, 6, 30)).unwrap();
    a.app.confirm_placement_disposal(&a.officer, false).unwrap();
    let text = package(&a);
    assert!(text.contains("第三者提供記録（株式会社エー）") && text.contains("求職管理簿"));
    assert!(!text.contains("連絡先・経歴") && !text.contains("045-000-0000"), "{text}");
}

/// P11: "unless a law requires keeping it" — a hold by the privacy officer keeps the
/// profile past the registration end; once released, it is disposed of. Placement staff
/// cannot place one.
#[test]
fn a_legal_hold_keeps_the_profile_until_released() {
    let mut a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-021")).unwrap();
    a.travel(date(2025, 7, 1));
    a.app.end_registration(&a.staff, s, date(2025, 6, 30)).unwrap();
    assert!(refused(
        &a.app.hold_seeker_data(&a.staff, s, "訴訟", "民事訴訟法（証拠保全）").unwrap_err(),
        RuleId::P11
    ));
    let h = a.app.hold_seeker_data(&a.officer, s, "訴訟", "民事訴訟法（証拠保全）").unwrap();
    let rep = a.app.confirm_placement_disposal(&a.officer, false).unwrap();
    assert!(rep.disposed.is_empty());
    assert!(rep.held >= 1, "the profile is reported as held");
    assert!(a.app.use_seeker_data(&a.staff, s, Purpose::Interview).is_ok());
    a.app.release_seeker_hold(&a.officer, h).unwrap();
    let rep = a.app.confirm_placement_disposal(&a.officer, false).unwrap();
    assert_eq!(rep.disposed.len(), 1);
    assert!(a.app.use_seeker_data(&a.staff, s, Purpose::Interview).is_err());
}

/// P3: a consolidated record for repeated provision to one recipient is one record kept
/// 3 years from the **last** provision (規則21条2号).
#[test]
fn consolidated_record_runs_from_the_last_provision() {
    let mut a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-022")).unwrap();
    consent_items(&a, s, "株式会社エー", vec![SeekerItem::Name, SeekerItem::WorkHistory]);
    provide(&a, s, employer_a(), ProvisionRecordForm::Consolidated).unwrap();
    a.travel(date(2025, 6, 1));
    provide(&a, s, employer_a(), ProvisionRecordForm::Consolidated).unwrap();
    let recs = a.app.provision_records(&a.staff, s).unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].provided_on, vec![date(2025, 4, 1), date(2025, 6, 1)]);
    a.travel(date(2028, 5, 1));
    assert!(
        a.app
            .confirm_placement_disposal(&a.officer, false)
            .unwrap()
            .disposed
            .iter()
            .all(|(_, k)| k != "provision_record_consolidated")
    );
    a.travel(date(2028, 6, 2));
    let rep = a.app.confirm_placement_disposal(&a.officer, false).unwrap();
    assert!(rep.disposed.iter().any(|(_, k)| k == "provision_record_consolidated"));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        /// P3 (quantified, through the application): whatever consents the person gives to
        /// other employers and partner agencies, with any items, withdrawn or not, a
        /// provision to employer X is refused and leaves no provision record.
        #[test]
        fn no_consents_for_others_allow_employer_x(
            consents in proptest::collection::vec(
                (0usize..4, proptest::collection::btree_set(0usize..9, 1..5), any::<bool>(), any::<bool>()),
                0..6,
            ),
            wanted in proptest::collection::btree_set(0usize..9, 1..4),
        ) {
            const OTHERS: [&str; 4] = ["株式会社エー", "株式会社ビー", "X社（株）", "提携エージェント"];
            let a = agency();
            let s = a.app.register_seeker(&a.staff, new_seeker("J-P")).unwrap();
            for (who, items, partner, withdraw) in consents {
                let purpose = if partner { Purpose::ProvisionToPartnerAgency } else { Purpose::ProvisionToEmployer };
                let c = a.app.record_consent(
                    &a.staff,
                    s,
                    ConsentScope::ProvisionOfItems {
                        recipient: OTHERS[who].into(),
                        purpose,
                        items: items.iter().map(|&i| SeekerItem::ALL[i]).collect(),
                    },
                    ConsentMethod::Written,
                    a.clock.now(),
                ).unwrap();
                if withdraw {
                    a.app.withdraw_consent(&a.staff, c).unwrap();
                }
            }
            let r = a.app.provide_seeker_data(
                &a.staff,
                ProvideSeeker {
                    subject: s,
                    basis: ThirdPartyBasis::RecruitingEmployer { recipient: "X社".into() },
                    items: wanted.iter().map(|&i| SeekerItem::ALL[i]).collect(),
                    form: ProvisionRecordForm::Individual,
                },
                None,
            );
            prop_assert!(matches!(r, Err(Error::Refused(ref x)) if x.rule == RuleId::P3));
            prop_assert!(a.app.provision_records(&a.staff, s).unwrap().is_empty());
        }
    }
}

fn partner_b() -> ThirdPartyBasis {
    ThirdPartyBasis::PartnerAgency { recipient: "株式会社ビー紹介".into() }
}

fn consent_partner(a: &Agency, s: SubjectId, recipient: &str) {
    a.app
        .record_consent(
            &a.staff,
            s,
            ConsentScope::ProvisionOfItems {
                recipient: recipient.into(),
                purpose: Purpose::ProvisionToPartnerAgency,
                items: vec![SeekerItem::Name, SeekerItem::WorkHistory],
            },
            ConsentMethod::Written,
            a.clock.now(),
        )
        .unwrap();
}

/// Files the seed's agent form (correction + stop of provision) with `stop` as its scope,
/// verifies the agent and their authority, and grants the stop as requested.
fn grant_stop(a: &Agency, s: SubjectId, stop: Option<hogo_requests::ProvisionStop>) {
    use hogo_requests::testkit::seed_form_agent;
    use hogo_requests::{
        AuthorityEnclosure, Command, Decision, Measure, RequestKind, SuspensionDecision,
        SuspensionGround,
    };
    let me = a.app.whoami(&a.staff).unwrap();
    let mut form = seed_form_agent(a.clock.today());
    form.suspension.as_mut().unwrap().provision_stop = stop;
    let id = a.app.file_request(&a.staff, form, Some(s), a.clock.today()).unwrap();
    for c in [
        Command::VerifyIdentity {
            by: me.clone(),
            document: hogo_domain::verification::IdentityDocument::Passport,
            unmasked: vec![],
        },
        Command::VerifyAuthority {
            by: me.clone(),
            documents: std::collections::BTreeSet::from([
                AuthorityEnclosure::PowerOfAttorney { registered_seal: true },
                AuthorityEnclosure::SealCertificate,
            ]),
        },
        Command::Decide {
            by: me,
            kind: RequestKind::StopOfProvision,
            decision: Decision::Suspension(SuspensionDecision::Granted {
                ground: SuspensionGround::NoLongerNeeded,
                measure: Measure::AsRequested,
            }),
        },
    ] {
        a.app.request_step(&a.staff, id, &c).unwrap();
    }
}

/// Every ledger entry's canonical bytes, as (lossy) text.
fn ledger_text(a: &Agency) -> String {
    use base64::Engine as _;
    let pw = SecretString::from(TEST_PASSWORD);
    let manager = a.app.sign_in(a.org, "manager", &pw, None, "t").unwrap();
    let export = a.app.export_ledger(&manager, 0, None).unwrap();
    let mut out = String::new();
    for line in export.lines().skip(1) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(v["bytes"].as_str().unwrap()).unwrap();
        out.push_str(&String::from_utf8_lossy(&bytes));
        out.push('\n');
    }
    out
}

/// P3, P7 (APPI 35条3項・5項; journey 2 step 3): a granted stop of provision to one
/// partner agency takes effect at once — its consents are withdrawn in the decision's
/// transaction with ledger entries, a later provision to it is refused naming P7 and
/// leaves no record, while the employer the stop does not name is still provided to. A
/// new consent after the stop allows provision again.
#[test]
fn a_granted_stop_of_provision_withdraws_the_partner_consent_at_once() {
    let a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-040")).unwrap();
    consent_partner(&a, s, "株式会社ビー紹介");
    consent_items(&a, s, "株式会社エー", vec![SeekerItem::Name, SeekerItem::WorkHistory]);
    provide(&a, s, partner_b(), ProvisionRecordForm::Individual).unwrap();
    let before = a.app.provision_records(&a.staff, s).unwrap().len();
    grant_stop(
        &a,
        s,
        Some(hogo_requests::ProvisionStop::Recipients {
            recipients: vec!["株式会社ビー紹介".into()],
        }),
    );
    let err = provide(&a, s, partner_b(), ProvisionRecordForm::Individual).unwrap_err();
    assert!(refused(&err, RuleId::P7), "{err:?}");
    assert!(err.to_string().contains("第三者提供の停止") || format!("{err:?}").contains("停止"));
    assert_eq!(a.app.provision_records(&a.staff, s).unwrap().len(), before);
    // The employer the stop does not name is unaffected.
    provide(&a, s, employer_a(), ProvisionRecordForm::Individual).unwrap();
    let rec = a.app.seeker_record(&a.staff, s).unwrap();
    assert_eq!(rec.provision_stops.len(), 1);
    let ledger = ledger_text(&a);
    assert!(
        ledger.contains("第三者提供の停止の請求により同意を撤回（株式会社ビー紹介）"),
        "{ledger}"
    );
    assert!(!ledger.contains("同意を撤回（株式会社エー）"));
    // The person consents to the partner again, later: provision is allowed again.
    a.clock.set(a.clock.now() + Duration::minutes(5));
    consent_partner(&a, s, "株式会社ビー紹介");
    provide(&a, s, partner_b(), ProvisionRecordForm::Individual).unwrap();
}

/// P3, P7: a stop that names no recipient stops every consent-based provision (the
/// seed's form names none), but not a provision 法令に基づく (APPI 27条1項1号).
#[test]
fn an_unqualified_stop_of_provision_stops_every_consented_recipient() {
    let a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-041")).unwrap();
    consent_partner(&a, s, "株式会社ビー紹介");
    consent_items(&a, s, "株式会社エー", vec![SeekerItem::Name, SeekerItem::WorkHistory]);
    grant_stop(&a, s, None);
    for basis in [partner_b(), employer_a()] {
        let err = provide(&a, s, basis, ProvisionRecordForm::Individual).unwrap_err();
        assert!(refused(&err, RuleId::P7), "{err:?}");
    }
    let law = ThirdPartyBasis::RequiredByLaw { law: "刑事訴訟法197条2項".into() };
    provide(&a, s, law, ProvisionRecordForm::Individual).unwrap();
    assert!(ledger_text(&a).contains("同意を撤回（株式会社エー）"));
}

/// P11, P4 (職業安定法32条の15; legal-facts §3): 完結 is the later of the registration's
/// end and the last referral result. A result recorded after the end (and after the
/// profile was disposed of) moves 完結, so the 求職管理簿 row is kept 2 years from the
/// result, not from the end; the result is logged and a second result for the same
/// referral, one for an employer never referred to, a future day or a blank result are
/// refused with the register untouched.
#[test]
fn a_late_referral_result_moves_the_register_rows_disposal() {
    let mut a = agency();
    let s = a.app.register_seeker(&a.staff, new_seeker("J-060")).unwrap();
    consent_items(&a, s, "株式会社エー", vec![SeekerItem::Name, SeekerItem::WorkHistory]);
    provide(&a, s, employer_a(), ProvisionRecordForm::ContractDocument).unwrap();
    a.travel(date(2025, 7, 1));
    a.app.end_registration(&a.staff, s, date(2025, 6, 30)).unwrap();
    a.app.confirm_placement_disposal(&a.officer, false).unwrap();
    assert_eq!(
        a.app.placement_register(&a.staff).unwrap()[0].completed_on,
        Some(date(2025, 6, 30))
    );
    a.travel(date(2025, 8, 1));
    let before = a.app.placement_register(&a.staff).unwrap();
    for (employer, result, on) in [
        ("株式会社ビー", "hired", date(2025, 7, 20)),
        ("株式会社エー", " ", date(2025, 7, 20)),
        ("株式会社エー", "hired", date(2025, 8, 2)),
        ("株式会社エー", "hired", date(2025, 3, 1)),
    ] {
        let e = a.app.record_referral_result(&a.staff, s, employer, result, on).unwrap_err();
        assert!(matches!(e, Error::Invalid { rule: RuleId::P4, .. }), "{e:?}");
    }
    assert_eq!(a.app.placement_register(&a.staff).unwrap(), before);
    let out = a
        .app
        .record_referral_result(&a.staff, s, "株式会社エー", "hired", date(2025, 7, 20))
        .unwrap();
    assert_eq!(out.result, "採用");
    assert_eq!(out.completed, (Some(date(2025, 6, 30)), Some(date(2025, 7, 20))));
    let e = a
        .app
        .record_referral_result(&a.staff, s, "株式会社エー", "辞退", date(2025, 7, 21))
        .unwrap_err();
    assert!(matches!(e, Error::Conflict { .. }), "{e:?}");
    let book = a.app.placement_register(&a.staff).unwrap();
    assert_eq!(book[0].completed_on, Some(date(2025, 7, 20)));
    assert_eq!(book[0].referrals[0].result.as_deref(), Some("採用"));
    assert!(ledger_text(&a).contains("紹介結果の記録（株式会社エー 2025-04-01紹介: 採用）"));
    // Kept past 2027-06-30 (the end + 2 years) until 2027-07-20 (the result + 2 years).
    a.travel(date(2027, 7, 1));
    assert!(
        a.app
            .confirm_placement_disposal(&a.officer, false)
            .unwrap()
            .disposed
            .iter()
            .all(|(_, k)| k != "placement_register_entry")
    );
    assert_eq!(a.app.placement_register(&a.staff).unwrap().len(), 1);
    a.travel(date(2027, 7, 20));
    assert!(
        a.app
            .confirm_placement_disposal(&a.officer, false)
            .unwrap()
            .disposed
            .iter()
            .all(|(_, k)| k != "placement_register_entry")
    );
    a.travel(date(2027, 7, 21));
    let rep = a.app.confirm_placement_disposal(&a.officer, false).unwrap();
    assert!(rep.disposed.iter().any(|(_, k)| k == "placement_register_entry"), "{rep:?}");
    assert!(a.app.placement_register(&a.staff).unwrap().is_empty());
}
