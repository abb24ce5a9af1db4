//! Journey 6 (`shared/docs/journeys.md`): a 社労士 office serving several client
//! companies from one store. Each client is its own `Organisation`; the office's staff
//! member is contractor staff of each client, linked to that client's contractor record
//! and limited to the affairs that client entrusted (M14); each client's register, ledger
//! and disposal run are its own (M13, M6, M5); the September hearing of each client is
//! recorded, and a missed one shows only in that client's status (M14).

use chrono::NaiveDate;
use hogo::governance::contractors_ops::{ContractorItem, NewContractor};
use hogo::governance::status_ops::StatusSource;
use hogo::numbers::{CollectNumber, NewSubject, Profile};
use hogo::setup::InitInput;
use hogo::testkit::MemoryStore;
use hogo::testkit_app::{TEST_PASSWORD, account, app, employer};
use hogo::{Error, Hogo, Session};
use hogo_domain::testkit::{FixedClock, synthetic_number};
use hogo_domain::verification::{IdentityCheck, NumberCheck};
use hogo_domain::{
    Affair, AffairSet, OrganisationId, Role, RuleId, StaffId, SubjectId, SubjectKind, Verification,
};
use hogo_governance::contractor::HearingKind;
use hogo_governance::ids::ContractorId;
use secrecy::SecretString;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const OFFICE_PASSWORD: &str = "the office staff passphrase 2025";

struct Client {
    org: OrganisationId,
    login: String,
    manager: Session,
    manager_id: StaffId,
    admin: Session,
    /// The office's contractor record in this client, if the client entrusted it.
    office: Option<ContractorId>,
    entrusted: AffairSet,
}

fn pw(p: &str) -> SecretString {
    SecretString::from(p.to_owned())
}

fn sign_in(app: &Hogo<MemoryStore>, org: OrganisationId, login: &str, p: &str) -> Session {
    app.sign_in(org, login, &pw(p), None, "office").unwrap()
}

fn client(app: &Hogo<MemoryStore>, n: usize) -> Client {
    let mut org = employer(false, false);
    org.name = format!("顧問先{n}株式会社");
    let login = format!("c{n}-manager");
    let init = app
        .init(InitInput {
            organisation: org,
            manager: account(&login, &format!("顧問先{n} 総務")),
            administrator: Some(account(&format!("c{n}-admin"), "管理者")),
        })
        .unwrap();
    Client {
        org: init.organisation,
        manager: sign_in(app, init.organisation, &login, TEST_PASSWORD),
        admin: sign_in(app, init.organisation, &format!("c{n}-admin"), TEST_PASSWORD),
        login,
        manager_id: init.manager,
        office: None,
        entrusted: AffairSet::EMPTY,
    }
}

/// The client registers the office as its contractor for `affairs`, with every check
/// and clause recorded (M14).
fn entrust(app: &Hogo<MemoryStore>, c: &mut Client, affairs: AffairSet) {
    let id = app
        .register_contractor(
            &c.manager,
            &NewContractor {
                name: "社会保険労務士法人みらい".into(),
                corporate_number: Some("7123456789012".into()),
                affairs,
                parent: None,
                subcontract_permitted: false,
            },
        )
        .unwrap();
    app.record_contractor_items(&c.manager, id, &ContractorItem::all(), None).unwrap();
    app.nominate_staff(&c.manager, "office1", Role::Contractor).unwrap();
    c.office = Some(id);
    c.entrusted = affairs;
}

fn employee(app: &Hogo<MemoryStore>, s: &Session, n: usize) -> SubjectId {
    app.add_subject(
        s,
        NewSubject {
            kind: SubjectKind::Employee,
            reference: format!("E-{n}"),
            same_person_as: None,
            profile: Profile {
                name: format!("社員{n}"),
                furigana: "シャイン".into(),
                birth_date: None,
                address: "東京都".into(),
            },
        },
    )
    .unwrap()
}

fn collect(
    app: &Hogo<MemoryStore>,
    s: &Session,
    verifier: StaffId,
    subject: SubjectId,
    affair: Affair,
    seed: u64,
) -> Result<(), Error> {
    app.collect_number(
        s,
        CollectNumber {
            subject,
            affair,
            verification: Verification::InPerson {
                verified_by: verifier,
                number: NumberCheck::IndividualNumberCard,
                identity: IdentityCheck::CoveredByCard,
            },
            purpose_notified: true,
            identity_copy_kept: false,
            number: synthetic_number(seed),
        },
    )
    .map(|_| ())
}

fn m14(r: &Result<(), Error>) -> bool {
    matches!(r, Err(Error::Refused(x)) if x.rule == RuleId::M14)
}

/// Journey 6 (M14, M13, M5, M6): four client organisations in one store; the office
/// serves three of them, each for different affairs.
#[test]
fn journey_6_office_serving_several_clients() {
    let (app, clock) = app(date(2025, 6, 2));
    let mut clients: Vec<Client> = (1..=4).map(|n| client(&app, n)).collect();
    let withholding = AffairSet::EMPTY.with(Affair::WithholdingSlip);
    let insurance =
        AffairSet::EMPTY.with(Affair::EmploymentInsurance).with(Affair::HealthPensionInsurance);
    entrust(&app, &mut clients[0], withholding);
    entrust(&app, &mut clients[1], insurance);
    entrust(&app, &mut clients[2], withholding.with(Affair::EmploymentInsurance));
    // Client 4 keeps its affairs in-house.

    // The office's staff member: an account created by client 1's administrator, then
    // granted the contractor role by clients 2 and 3 — each grant linked to that
    // client's own contractor record and limited to what it entrusted (M14).
    let c0 = &clients[0];
    let office1 = app
        .create_contractor_staff(
            &c0.admin,
            &account("office1", "社労士 高橋"),
            c0.office.unwrap(),
            c0.entrusted,
        )
        .unwrap();
    // Client 2 cannot grant more than it entrusted.
    let c1 = &clients[1];
    let err =
        app.grant_contractor_role(&c1.admin, office1, c1.office.unwrap(), withholding).unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M14), "{err}");
    for c in &clients[1..3] {
        app.grant_contractor_role(&c.admin, office1, c.office.unwrap(), c.entrusted).unwrap();
    }
    // The first sign-in changes the password; the account signs in to each client apart.
    let first = sign_in(&app, clients[0].org, "office1", TEST_PASSWORD);
    app.change_password(&first, &pw(TEST_PASSWORD), &pw(OFFICE_PASSWORD)).unwrap();
    let office: Vec<Option<Session>> = clients
        .iter()
        .map(|c| app.sign_in(c.org, "office1", &pw(OFFICE_PASSWORD), None, "office").ok())
        .collect();
    assert!(office[3].is_none(), "client 4 never gave the office a role: no sign-in (M13)");

    // Within each client's contract the office collects numbers; outside it, refused.
    let subjects: Vec<SubjectId> =
        clients.iter().enumerate().map(|(i, c)| employee(&app, &c.manager, i + 1)).collect();
    let cases = [
        (0, Affair::WithholdingSlip, true),
        (0, Affair::EmploymentInsurance, false),
        (1, Affair::EmploymentInsurance, true),
        (1, Affair::WithholdingSlip, false),
        (2, Affair::WithholdingSlip, true),
        (2, Affair::HealthPensionInsurance, false),
    ];
    for (i, affair, allowed) in cases {
        let s = office[i].as_ref().unwrap();
        let r = collect(&app, s, clients[i].manager_id, subjects[i], affair, 100 + i as u64);
        if allowed {
            r.unwrap();
        } else {
            assert!(m14(&r), "client {} {affair:?}: {r:?}", i + 1);
        }
    }
    // Another client's subject is out of reach from this client's session: the data
    // of client 2 does not exist in client 1.
    let r = collect(
        &app,
        office[0].as_ref().unwrap(),
        clients[0].manager_id,
        subjects[1],
        Affair::WithholdingSlip,
        200,
    );
    assert!(r.is_err(), "{r:?}");

    // Each client's register (M6) lists the office only where the client granted it,
    // and only on the files of the entrusted affairs.
    for (i, c) in clients.iter().enumerate() {
        let reg = app.register(&c.manager).unwrap();
        assert_eq!(reg.organisation.as_str(), format!("顧問先{}株式会社", i + 1));
        for row in &reg.rows {
            let affair = Affair::from_id(row.file.id.as_str()).unwrap();
            let office_listed = row
                .state
                .access
                .iter()
                .any(|g| g.role == Role::Contractor && g.who.as_str() == "社労士 高橋");
            assert_eq!(office_listed, c.entrusted.contains(affair), "client {} {affair:?}", i + 1);
        }
    }
    // Each client's ledger is its own chain (M5): it verifies alone, and the office's
    // number acquisitions appear only in the ledger of the client concerned.
    let mut sizes = Vec::new();
    for c in &clients {
        let check = app.verify_ledger(c.org).unwrap();
        assert!(check.ok);
        sizes.push(check.entries);
        let export = app.export_ledger(&c.manager, 0, None).unwrap();
        assert!(!export.contains(synthetic_number(100).expose()));
    }
    assert!(sizes.iter().any(|s| *s != sizes[0]), "{sizes:?}");
    // Each client's disposal run is its own: client 4 runs it and nothing of the other
    // clients is touched (their numbers stay in their plans).
    let run = app.run_disposal(&clients[3].manager, false).unwrap();
    assert!(run.numbers.is_empty() && run.certificates.is_empty());
    for i in 0..3 {
        let plan = app.plan(&clients[i].manager, date(2025, 6, 2)).unwrap();
        assert!(plan.numbers.iter().any(|n| n.subject == subjects[i]), "client {}", i + 1);
    }

    // September: clients 1 and 2 hold the yearly hearing about the office's handling;
    // client 3 misses it. On 10-01 only client 3's status shows it overdue (M14).
    clock.set(hogo_domain::Clock::now(&FixedClock::on_jst_date(date(2025, 10, 1))));
    for c in &mut clients {
        c.manager = sign_in(&app, c.org, &c.login, TEST_PASSWORD);
    }
    for c in &clients[0..2] {
        app.record_contractor_hearing(
            &c.manager,
            c.office.unwrap(),
            date(2025, 9, 16),
            HearingKind::Yearly,
            "取扱状況・再委託の有無・教育を確認",
        )
        .unwrap();
    }
    for (i, c) in clients.iter().enumerate() {
        let st = app.status(&c.manager).unwrap();
        let hearing = st.items.iter().find(|x| x.kind == StatusSource::ContractorHearing);
        match i {
            2 => {
                let h = hearing.expect("client 3's missed hearing is listed");
                assert!(h.overdue && h.due == Some(date(2025, 9, 30)));
                assert_eq!(h.about, Some(c.office.unwrap().to_string()));
            }
            _ => assert!(hearing.is_none(), "client {}: {hearing:?}", i + 1),
        }
    }

    // Client 2 ends its contract: the office's access there stops at once (M14), while
    // its work for clients 1 and 3 goes on.
    app.end_contract(
        &clients[1].manager,
        clients[1].office.unwrap(),
        date(2025, 10, 1),
        hogo_governance::contractor::EndHandling::Return,
    )
    .unwrap();
    let office: Vec<Session> =
        clients[0..3].iter().map(|c| sign_in(&app, c.org, "office1", OFFICE_PASSWORD)).collect();
    let r = app.whoami(&office[1]).map(|_| ());
    assert!(m14(&r), "{r:?}");
    app.whoami(&office[0]).unwrap();
    app.whoami(&office[2]).unwrap();
}
