//! Rule tests: intake fields, fees, deadlines, My Number data, letters, the package port
//! and the published page.

use std::collections::BTreeSet;

use hogo_domain::testkit::synthetic_number;
use hogo_domain::verification::IdentityDocument;
use hogo_domain::{RequestId, Role};
use hogo_requests::package::{ItemCategory, SourceItem};
use hogo_requests::testkit::{seed_form_agent, seed_form_principal_by_post, seed_organisation};
use hogo_requests::*;

use crate::common::*;

fn refused(form: RequestForm, my_number: bool) -> RequestError {
    Request::file(
        FileRequest {
            id: RequestId::from_uuid(uuid::Uuid::from_u128(9)),
            by: if my_number { number_clerk() } else { clerk() },
            form,
            concerns_my_number: my_number,
            received_on: d0(),
            config: RequestConfig::seed(),
        },
        t0(),
    )
    .unwrap_err()
}

fn field_of(e: &RequestError) -> String {
    e.to_string().split(':').next().unwrap().to_owned()
}

/// P7 (個人情報開示等請求書): every field is validated and the error names it.
#[test]
fn every_form_field_is_validated_with_an_error_naming_it() {
    let mn = synthetic_number(5);
    let base = seed_form_agent(d0());
    type Mutation = Box<dyn Fn(&mut RequestForm)>;
    fn agent(f: &mut RequestForm) -> &mut Agent {
        match &mut f.requester {
            Requester::Agent(a) => a,
            Requester::Principal => unreachable!(),
        }
    }
    let table: Vec<(&str, Mutation)> = vec![
        ("kinds", Box::new(|f| f.kinds.clear())),
        ("form_date", Box::new(|f| f.form_date = d0().succ_opt().unwrap())),
        ("principal.name", Box::new(|f| f.principal.name = " ".into())),
        ("principal.furigana", Box::new(|f| f.principal.furigana = "Yamada".into())),
        (
            "principal.date_of_birth",
            Box::new(|f| f.principal.date_of_birth = d0().succ_opt().unwrap()),
        ),
        ("principal.postcode", Box::new(|f| f.principal.postcode = "21".into())),
        (
            "principal.address",
            Box::new(move |f| f.principal.address = format!("川崎市 {}", mn.expose())),
        ),
        ("principal.phone", Box::new(|f| f.principal.phone = "abc".into())),
        ("principal.daytime_phone", Box::new(|f| f.principal.daytime_phone = Some("1".into()))),
        ("agent.name", Box::new(|f| agent(f).person.name = String::new())),
        ("agent.phone", Box::new(|f| agent(f).person.phone = "12".into())),
        (
            "agent.identity_document",
            Box::new(|f| {
                agent(f).identity_document.document =
                    IdentityDocument::AlienRegistrationCertificate { clerk_confirmed_valid: false }
            }),
        ),
        (
            "agent.identity_document.other_description",
            Box::new(|f| agent(f).identity_document.document = IdentityDocument::Other),
        ),
        ("agent.authority", Box::new(|f| agent(f).authority.clear())),
        (
            "job_application.place",
            Box::new(|f| f.job_application.as_mut().unwrap().place = String::new()),
        ),
        ("correction", Box::new(|f| f.correction = None)),
        (
            "correction.content",
            Box::new(|f| f.correction.as_mut().unwrap().content = String::new()),
        ),
        (
            "correction.reason",
            Box::new(|f| f.correction.as_mut().unwrap().reason = "x".repeat(3_000)),
        ),
        ("suspension", Box::new(|f| f.suspension = None)),
        ("suspension.reason", Box::new(|f| f.suspension.as_mut().unwrap().reason = String::new())),
        (
            "answer_method.address",
            Box::new(|f| f.answer_method = AnswerMethod::Email { address: "no-at-sign".into() }),
        ),
        (
            "answer_method.description",
            Box::new(|f| f.answer_method = AnswerMethod::Other { description: String::new() }),
        ),
    ];
    for (field, mutate) in table {
        let mut form = base.clone();
        mutate(&mut form);
        let err = refused(form, false);
        assert_eq!(field_of(&err), field, "{err}");
    }
    let mut p = seed_form_principal_by_post(d0());
    p.principal_identity_document = None;
    assert_eq!(field_of(&refused(p, false)), "principal_identity_document");
}

/// P7, M15 (番号法20条): a My Number anywhere in free text is refused and never echoed.
#[test]
fn my_number_in_any_free_text_is_refused_at_intake() {
    let mn = synthetic_number(77);
    let mut form = seed_form_agent(d0());
    form.correction.as_mut().unwrap().content = format!("個人番号 {} の訂正", mn.expose());
    let err = refused(form, false);
    assert_eq!(err, RequestError::MyNumberInText { field: "correction.content".into() });
    assert!(!err.to_string().contains(mn.expose()));
}

/// M15 (番号法30条2項: APPI 27–30条 not applied): no 第三者提供記録 disclosure for
/// My Number data.
#[test]
fn provision_record_disclosure_is_refused_for_my_number_data() {
    let mut form = seed_form_principal_by_post(d0());
    form.kinds.insert(RequestKind::ProvisionRecordDisclosure);
    assert_eq!(refused(form.clone(), true), RequestError::NoProvisionRecordsForMyNumber);
    let (r, _) = file(form, RequestConfig::seed(), false);
    assert!(r.item(RequestKind::ProvisionRecordDisclosure).is_some());
}

/// P7 (APPI 38条): an unpaid disclosure fee blocks the disclosure, not the other kinds.
#[test]
fn unpaid_fee_blocks_disclosure_but_not_other_kinds() {
    let mut form = seed_form_principal_by_post(d0());
    form.kinds = BTreeSet::from([
        RequestKind::Disclosure,
        RequestKind::Erasure,
        RequestKind::PurposeNotification,
    ]);
    form.suspension = seed_form_agent(d0()).suspension;
    let (r, _) = file(form, RequestConfig::seed(), false);
    let (r, _) = ok(
        &r,
        Command::VerifyIdentity {
            by: clerk(),
            document: IdentityDocument::IndividualNumberCardFront,
            unmasked: vec![],
        },
        t0(),
    );
    let full = Decision::Disclosure(DisclosureDecision::Full);
    assert_eq!(
        r.handle(
            &Command::Decide { by: clerk(), kind: RequestKind::Disclosure, decision: full },
            t0()
        )
        .unwrap_err(),
        RequestError::FeeUnpaid { kind: RequestKind::Disclosure }
    );
    let erase = Decision::Suspension(SuspensionDecision::Granted {
        ground: SuspensionGround::NoLongerNeeded,
        measure: Measure::AsRequested,
    });
    let (r, _) =
        ok(&r, Command::Decide { by: clerk(), kind: RequestKind::Erasure, decision: erase }, t0());
    let notify = Decision::PurposeNotification(PurposeNotificationDecision::Notified {
        purposes: vec!["職業紹介のため".into()],
    });
    let (r, _) = ok(
        &r,
        Command::Decide { by: clerk(), kind: RequestKind::PurposeNotification, decision: notify },
        t0(),
    );
    assert!(r.item(RequestKind::Disclosure).unwrap().decision.is_none());
}

/// P7 (doc 000 "2週間", APPI 39条): waiting for documents is visible, the due date does
/// not move and the request becomes overdue on day 15.
#[test]
fn waiting_for_documents_is_visible_and_time_keeps_counting() {
    let (r, _) = file(seed_form_agent(d0()), RequestConfig::seed(), false);
    let (r, ev) =
        ok(&r, Command::AwaitDocuments { by: clerk(), missing: vec!["印鑑証明書".into()] }, day(2));
    assert!(r.is_waiting());
    assert!(matches!(ev[0].what, EventKind::AwaitingDocuments { .. }));
    let day15 = d0() + chrono::Days::new(15);
    assert!(r.is_overdue(day15));
    assert_eq!(r.days_left(day15), -1);
    assert!(r.handle(&Command::Respond { by: clerk(), in_writing_because: None }, day(3)).is_err());
    let (r, ev) = ok(&r, Command::DocumentsReceived { by: clerk() }, day(9));
    assert_eq!(ev[0].what, EventKind::DocumentsReceived { waited_days: 7 });
    assert_eq!(r.due_on, d0() + chrono::Days::new(14));
}

/// M15 (Art. 41, 番号法30条2項, M3): for My Number data the grounds cite the reading of
/// 番号法30条2項, and only number staff may act.
#[test]
fn my_number_suspension_cites_article_30_reading_and_needs_number_staff() {
    let mut form = seed_form_principal_by_post(d0());
    form.kinds = BTreeSet::from([RequestKind::StopOfProvision]);
    form.suspension = seed_form_agent(d0()).suspension;
    let (r, _) = file(form, RequestConfig::seed(), true);
    let verify = Command::VerifyIdentity {
        by: clerk(),
        document: IdentityDocument::DriversLicence,
        unmasked: vec![],
    };
    assert!(matches!(r.handle(&verify, t0()), Err(RequestError::RoleNotAllowed { .. })));
    let (r, _) = ok(
        &r,
        Command::VerifyIdentity {
            by: number_clerk(),
            document: IdentityDocument::DriversLicence,
            unmasked: vec![],
        },
        t0(),
    );
    let d = Decision::Suspension(SuspensionDecision::Granted {
        ground: SuspensionGround::UnlawfulProvision,
        measure: Measure::Alternative {
            description: "提供先に利用停止を依頼".into(),
            why_difficult: "提供済みのため回収不能".into(),
        },
    });
    let (_, ev) = ok(
        &r,
        Command::Decide { by: number_clerk(), kind: RequestKind::StopOfProvision, decision: d },
        t0(),
    );
    let EventKind::Decided { grounds, .. } = &ev[0].what else { panic!() };
    assert!(grounds[0].0.contains("番号法30条2項") && grounds[0].0.contains("番号法19条"));
    assert!(grounds[1].0.contains("ただし書"));
}

/// M15 (doc 003 37条2項, 38条3号): a partial disclosure letter gives the article and the
/// facts; HTML escapes requester text.
#[test]
fn non_disclosure_notice_states_article_and_facts_and_html_is_escaped() {
    let mut form = seed_form_principal_by_post(d0());
    form.principal.name = "<b>山田</b>".into();
    let (r, _) = file(form, RequestConfig::default(), false);
    let (r, _) = ok(
        &r,
        Command::VerifyIdentity {
            by: clerk(),
            document: IdentityDocument::ResidenceCard,
            unmasked: vec![],
        },
        t0(),
    );
    let d = Decision::Disclosure(DisclosureDecision::Partial(NonDisclosure {
        withheld: "面接評価のうち第三者の発言部分".into(),
        grounds: vec![Grounds {
            ground: NonDisclosureGround::HarmToLifeOrRights,
            facts: "第三者の率直な評価を含むため".into(),
        }],
    }));
    let (r, _) =
        ok(&r, Command::Decide { by: clerk(), kind: RequestKind::Disclosure, decision: d }, t0());
    let (r, _) = ok(&r, Command::Respond { by: clerk(), in_writing_because: None }, t0());
    let letters = render_letters(&r, &seed_organisation(), d0());
    let notice = letters.iter().find(|l| l.kind == NoticeKind::NonDisclosureNotice).unwrap();
    assert!(notice.text.contains("33条2項1号") && notice.text.contains("第三者の率直な評価"));
    assert!(notice.html.contains("&lt;b&gt;山田&lt;/b&gt;") && !notice.html.contains("<b>山田"));
}

struct Store(Vec<SourceItem>);
impl DisclosureSource for Store {
    type Error = std::convert::Infallible;
    fn collect(&self, _: &Request, _: RequestKind) -> Result<Vec<SourceItem>, Self::Error> {
        Ok(self.0.clone())
    }
}

/// M15 (doc 003 37条1項, 番号法30条2項): the package masks dependants' numbers on a
/// 法定調書 copy and drops provision records for My Number data.
#[test]
fn disclosure_package_masks_other_numbers_and_has_no_provision_records_for_my_number() {
    let dep = synthetic_number(12);
    let store = Store(vec![
        SourceItem {
            category: ItemCategory::Filing,
            title: "源泉徴収票（写）".into(),
            content: format!("控除対象扶養親族 {}", dep.expose()),
        },
        SourceItem {
            category: ItemCategory::ProvisionRecord,
            title: "提供記録".into(),
            content: "x".into(),
        },
    ]);
    let (r, _) = file(seed_form_principal_by_post(d0()), RequestConfig::seed(), true);
    let p = build_package(&r, RequestKind::Disclosure, &store).unwrap();
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.items[0].masked_numbers, 1);
    assert!(!p.items[0].content.contains(dep.expose()));
    assert_eq!(p.dropped_provision_records, 1);
}

/// P7 (APPI 32条1項3号, 38条): the published page shows exactly the fees the workflow
/// demands, states that the other kinds are free, and names the ID-copy retention kind.
#[test]
fn published_matters_match_the_fees_the_workflow_enforces() {
    let config = RequestConfig::seed();
    let page = render_published_matters(&seed_organisation(), &config);
    assert!(page.text.contains("開示：1回のご請求につき1000円（お支払い方法：郵便切手）"));
    assert!(
        page.text.contains("訂正・追加・削除・利用停止・消去・第三者提供の停止：手数料は不要です")
    );
    assert!(
        page.text.contains("identity_document_copy")
            && page.text.contains("以外の目的には使用しません")
    );
    assert!(page.text.contains("苦情の申出先") && page.text.contains("安全管理のために講じた措置"));
    let mut form = seed_form_principal_by_post(d0());
    form.kinds = RequestKind::ALL.into_iter().collect();
    form.correction = seed_form_agent(d0()).correction;
    form.suspension = seed_form_agent(d0()).suspension;
    let (r, _) = file(form, config.clone(), false);
    for line in &r.fees {
        assert!(page.text.contains(&format!(
            "{}：1回のご請求につき{}円",
            line.kind.label_ja(),
            line.amount_yen
        )));
    }
    assert_eq!(r.fees.len(), config.fees.iter().count());
    assert!(!page.html.contains("<script"));
}

/// P10: staff of another organisation and roles without data access are refused.
#[test]
fn other_organisations_and_roles_are_refused() {
    let (r, _) = file(seed_form_principal_by_post(d0()), RequestConfig::seed(), false);
    let mut outsider = clerk();
    outsider.organisation = hogo_domain::OrganisationId::from_uuid(uuid::Uuid::from_u128(999));
    let cmd =
        |by| Command::VerifyIdentity { by, document: IdentityDocument::Passport, unmasked: vec![] };
    assert_eq!(r.handle(&cmd(outsider), t0()).unwrap_err(), RequestError::WrongOrganisation);
    let auditor = hogo_domain::Actor::new(clerk().staff, org(), Role::Auditor);
    assert!(matches!(
        r.handle(&cmd(auditor), t0()).unwrap_err(),
        RequestError::RoleNotAllowed { .. }
    ));
}

/// P7, P3 (APPI 35条3項・5項): a stop of provision may name its recipients; a blank list,
/// or a scope on a form that asks no stop of provision, is refused naming the field. An
/// unqualified stop covers every recipient.
#[test]
fn a_stop_of_provision_names_its_recipients_or_covers_all() {
    let mut form = seed_form_agent(d0());
    let s = form.suspension.as_mut().unwrap();
    assert_eq!(s.provision_stop_scope(), ProvisionStop::All);
    assert!(s.provision_stop_scope().covers("どこでも"));
    s.provision_stop = Some(ProvisionStop::Recipients { recipients: vec![" ".into()] });
    let e = refused(form.clone(), false);
    assert_eq!(field_of(&e), "suspension.provision_stop.recipients");
    let partner = ProvisionStop::Recipients { recipients: vec!["株式会社ビー紹介".into()] };
    assert!(partner.covers(" 株式会社ビー紹介 "));
    assert!(!partner.covers("株式会社エー"));
    form.suspension.as_mut().unwrap().provision_stop = Some(partner);
    form.kinds = BTreeSet::from([RequestKind::SuspensionOfUse]);
    let e = refused(form, false);
    assert_eq!(field_of(&e), "suspension.provision_stop");
    // The JSON shape of the form.
    let json = r#"{"reason":"提携先への提供をやめてほしい","claimed_ground":null,
        "provision_stop":{"scope":"recipients","recipients":["株式会社ビー紹介"]}}"#;
    let parsed: SuspensionRequest = serde_json::from_str(json).unwrap();
    assert!(parsed.provision_stop_scope().covers("株式会社ビー紹介"));
    let old: SuspensionRequest =
        serde_json::from_str(r#"{"reason":"やめてほしい","claimed_ground":null}"#).unwrap();
    assert_eq!(old.provision_stop, None);
}
