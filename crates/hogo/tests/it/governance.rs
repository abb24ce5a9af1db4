//! Issue 12 through the application layer on the in-memory store: incidents (M4),
//! contractors (M14), carrying out and the sealed export (M12, P9), media disposal (M11),
//! training (P6, M16), complaints (P8), review (M16) and the status list.

use chrono::NaiveDate;
use hogo::governance::contractors_ops::{ContractorItem, NewContractor};
use hogo::governance::export_ops::{ExportColumn, ExportRequest};
use hogo::governance::incidents_ops::{DraftInput, LostExport, NewIncident};
use hogo::governance::physical_ops::{DestructionMethod, DisposedBy, Medium, NewMediaDisposal};
use hogo::governance::status_ops::StatusSource;
use hogo::movements::Protection;
use hogo::numbers::{CollectNumber, NewSubject, Profile};
use hogo::testkit::MemoryStore;
use hogo::testkit_app::{TEST_PASSWORD, account, app, employer, init_input};
use hogo::{Error, Hogo, Session};
use hogo_auth::RoleGrant;
use hogo_domain::policy::CarryOutReason;
use hogo_domain::testkit::{FixedClock, synthetic_number};
use hogo_domain::verification::{IdentityCheck, NumberCheck};
use hogo_domain::{
    Affair, AffairSet, OrganisationId, RefusalCode, Role, RuleId, StaffId, SubjectId, SubjectKind,
    Verification,
};
use hogo_export::{AgeSealer, open_with_passphrase};
use hogo_governance::contractor::{ContractClause, HearingKind};
use hogo_governance::incident::{
    AffectedCount, Certainty, DataInvolved, Encryption, IncidentKind, NoticeMethod, NoticeStatus,
    Regime,
};
use hogo_governance::training::CourseKind;
use proptest::prelude::*;
use secrecy::SecretString;
use std::sync::Arc;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

struct W {
    app: Hogo<MemoryStore>,
    clock: Arc<FixedClock>,
    org: OrganisationId,
    manager: Session,
    manager_id: StaffId,
    admin: Session,
}

impl W {
    fn new(today: NaiveDate) -> Self {
        let (app, clock) = app(today);
        let init = app.init(init_input(employer(false, false))).unwrap();
        let org = init.organisation;
        let manager = sign_in(&app, org, "manager");
        let admin = sign_in(&app, org, "admin");
        Self { app, clock, org, manager, manager_id: init.manager, admin }
    }

    /// Moves the clock to `d` (09:00 JST) and signs in again.
    fn go_to(&mut self, d: NaiveDate) {
        self.clock.set(hogo_domain::Clock::now(&FixedClock::on_jst_date(d)));
        self.manager = sign_in(&self.app, self.org, "manager");
        self.admin = sign_in(&self.app, self.org, "admin");
    }

    fn employee(&self, seed: u64) -> SubjectId {
        let s = self
            .app
            .add_subject(
                &self.manager,
                NewSubject {
                    kind: SubjectKind::Employee,
                    reference: format!("E-{seed}"),
                    same_person_as: None,
                    profile: Profile {
                        name: format!("社員{seed}"),
                        furigana: "シャイン".into(),
                        birth_date: None,
                        address: "東京都千代田区".into(),
                    },
                },
            )
            .unwrap();
        self.app
            .collect_number(
                &self.manager,
                CollectNumber {
                    subject: s,
                    affair: Affair::WithholdingSlip,
                    verification: Verification::InPerson {
                        verified_by: self.manager_id,
                        number: NumberCheck::IndividualNumberCard,
                        identity: IdentityCheck::CoveredByCard,
                    },
                    purpose_notified: true,
                    identity_copy_kept: false,
                    number: synthetic_number(seed),
                },
            )
            .unwrap();
        s
    }

    fn contractor(
        &self,
        name: &str,
        parent: Option<hogo_governance::ids::ContractorId>,
        permitted: bool,
    ) -> Result<hogo_governance::ids::ContractorId, Error> {
        self.app.register_contractor(
            &self.manager,
            &NewContractor {
                name: name.into(),
                corporate_number: Some("7123456789012".into()),
                affairs: AffairSet::EMPTY.with(Affair::WithholdingSlip),
                parent,
                subcontract_permitted: permitted,
            },
        )
    }

    /// Every ledger entry's canonical bytes, decoded from the export, as (lossy) text.
    fn ledger(&self) -> String {
        use base64::Engine as _;
        let export = self.app.export_ledger(&self.manager, 0, None).unwrap();
        let mut out = String::new();
        for line in export.lines().skip(1) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(v["bytes"].as_str().unwrap())
                .unwrap();
            out.push_str(&String::from_utf8_lossy(&bytes));
            out.push('\n');
        }
        out
    }
}

fn sign_in(app: &Hogo<MemoryStore>, org: OrganisationId, login: &str) -> Session {
    app.sign_in(org, login, &SecretString::from(TEST_PASSWORD), None, "test").unwrap()
}

fn incident(known_on: NaiveDate, count: u32) -> NewIncident {
    NewIncident {
        known_on,
        kinds: vec![IncidentKind::Leak],
        certainty: Certainty::Confirmed,
        affected: AffectedCount::Known(count),
        data: DataInvolved { my_number: true, other: true, ..DataInvolved::default() },
        sensitive_examples: None,
        improper_purpose: false,
        during_acquisition: false,
        viewable_by_unspecified: false,
        encryption: Encryption::None,
        as_contractor: None,
        lost_export: None,
        summary: "源泉徴収票の誤送付".into(),
        people: vec![],
    }
}

fn sealer() -> AgeSealer {
    AgeSealer::with_passphrase(SecretString::from("correct horse battery staple 2"))
        .unwrap()
        .with_work_factor(2)
}

fn export_req(
    subjects: Vec<SubjectId>,
    contractor: Option<hogo_governance::ids::ContractorId>,
) -> ExportRequest {
    ExportRequest {
        subjects,
        reason: CarryOutReason::ToContractor { affair: Affair::WithholdingSlip },
        contractor,
        destination: String::new(),
        columns: vec![ExportColumn::Reference, ExportColumn::Name, ExportColumn::MyNumber],
        number_affair: Some(Affair::WithholdingSlip),
        protections: vec![Protection::TraceableDelivery],
    }
}

/// M4: a My Number leak of 101 people known on 2025-12-01: day 30 is Tue 12-30, inside
/// 12/29–1/3; 1/4 is a Sunday, so the 確報 is due Mon 2026-01-05.
#[test]
fn incident_final_deadline_rolls_over_year_end() {
    let w = W::new(date(2025, 12, 2));
    let v = w.app.record_incident(&w.manager, incident(date(2025, 12, 1), 101)).unwrap();
    assert!(v.classification.reportable);
    let d = v.classification.deadlines.iter().find(|d| d.regime == Regime::MyNumber).unwrap();
    assert_eq!(d.deadlines.final_nominal, date(2025, 12, 30));
    assert_eq!(d.deadlines.final_due, date(2026, 1, 5));
}

/// M4: known on Friday 2025-09-12 before a 3-day weekend (9/15 敬老の日): 速報 window
/// counts the weekend; improper purpose (case 2, theft) → 60-day 確報 (day 60 = Mon 11-10).
#[test]
fn improper_purpose_gets_sixty_days_and_friday_window() {
    let w = W::new(date(2025, 9, 12));
    let mut i = incident(date(2025, 9, 12), 1);
    i.kinds = vec![IncidentKind::Loss];
    i.improper_purpose = true;
    let v = w.app.record_incident(&w.manager, i).unwrap();
    let d = v.classification.deadlines.iter().find(|d| d.regime == Regime::MyNumber).unwrap();
    assert_eq!(d.deadlines.final_period.days(), 60);
    assert_eq!(d.deadlines.preliminary_from, date(2025, 9, 14));
    assert_eq!(d.deadlines.final_nominal, date(2025, 11, 10));
    assert_eq!(d.deadlines.final_due, date(2025, 11, 10));
}

/// M4: 50 people is not reportable for a plain My Number leak; the count passing 100 on
/// 06-10 makes case 4 reportable from 06-10, with deadlines counted from that day.
#[test]
fn headcount_crossing_100_makes_case_reportable_from_that_day() {
    let mut w = W::new(date(2025, 6, 2));
    let v = w.app.record_incident(&w.manager, incident(date(2025, 6, 2), 50)).unwrap();
    assert!(!v.classification.reportable);
    assert!(v.classification.effort_duty_only);
    let id = v.record.incident.id;
    w.go_to(date(2025, 6, 10));
    let people = [w.employee(11)];
    let v = w
        .app
        .update_incident_count(
            &w.manager,
            id,
            date(2025, 6, 10),
            AffectedCount::Known(150),
            &people,
        )
        .unwrap();
    assert!(v.classification.reportable);
    let f = v.classification.findings.iter().find(|f| f.case == 4).unwrap();
    assert_eq!(f.reportable_from, date(2025, 6, 10));
    let d = &v.classification.deadlines[0];
    assert_eq!(d.deadlines.known_on, date(2025, 6, 10));
    assert_eq!(d.deadlines.final_due, date(2025, 7, 9));
    // The person now has a pending notice under the My Number regime; record it.
    assert_eq!(v.record.notices.pending(), people.to_vec());
    let v = w
        .app
        .record_incident_notice(
            &w.manager,
            id,
            people[0],
            NoticeStatus::Notified { on: date(2025, 6, 10), method: NoticeMethod::Letter },
        )
        .unwrap();
    assert!(v.record.notices.pending().is_empty());
    // A count update dated before the incident was known is refused, naming the field.
    let err = w
        .app
        .update_incident_count(&w.manager, id, date(2025, 5, 1), AffectedCount::Known(1), &[])
        .unwrap_err();
    assert!(matches!(err, Error::Invalid { rule: RuleId::M4, .. }), "{err}");
}

/// M4, P9: a lost age-sealed export whose passphrase was not lost is exempt
/// (高度な暗号化); the same file lost with its passphrase is reportable. The draft carries
/// the nine items.
#[test]
fn lost_sealed_export_is_exempt_unless_key_lost_and_report_draft_has_items() {
    let w = W::new(date(2025, 6, 2));
    let subjects: Vec<_> = (1..=3).map(|i| w.employee(100 + i)).collect();
    let c = w.contractor("給与計算センター", None, false).unwrap();
    w.app.record_contractor_items(&w.manager, c, &ContractorItem::all(), None).unwrap();
    let file = w.app.export_sealed(&w.manager, &export_req(subjects, Some(c)), &sealer()).unwrap();
    let mut i = incident(date(2025, 6, 2), 3);
    i.kinds = vec![IncidentKind::Loss];
    i.improper_purpose = true; // a laptop stolen
    i.lost_export = Some(LostExport { movement: file.movement.clone(), key_also_lost: false });
    let v = w.app.record_incident(&w.manager, i.clone()).unwrap();
    assert!(!v.classification.reportable, "{:?}", v.classification);
    assert_eq!(v.record.people.len(), 3);
    i.lost_export = Some(LostExport { movement: file.movement, key_also_lost: true });
    let v = w.app.record_incident(&w.manager, i).unwrap();
    assert!(v.classification.reportable);
    assert_eq!(v.record.notices.pending().len(), 3);
    let draft = w
        .app
        .set_incident_draft(
            &w.manager,
            v.record.incident.id,
            &DraftInput { cause: "ノートPCの盗難".into(), ..DraftInput::default() },
        )
        .unwrap();
    for item in ["1. 概要", "2. ", "3. 本人の数", "4. 原因", "5. ", "6. ", "7. ", "8. ", "9. "]
    {
        assert!(draft.contains(item), "{item}");
    }
    assert!(draft.contains("ノートPCの盗難"));
}

/// M4: free text holding a My Number-like number is refused, naming the field, and
/// nothing is stored.
#[test]
fn incident_summary_with_number_is_refused_and_nothing_stored() {
    let w = W::new(date(2025, 6, 2));
    let mut i = incident(date(2025, 6, 2), 1);
    i.summary = format!("番号 {} を誤送付", synthetic_number(5).expose());
    let err = w.app.record_incident(&w.manager, i).unwrap_err();
    assert!(matches!(&err, Error::Invalid { field, .. } if field.contains("summary")));
    assert!(!err.to_string().contains(synthetic_number(5).expose()));
    assert!(w.app.incidents(&w.manager).unwrap().is_empty());
}

/// M16: a clerk may not record governance matters (the manager or privacy officer does).
#[test]
fn clerk_cannot_record_an_incident() {
    let w = W::new(date(2025, 6, 2));
    w.app.nominate_staff(&w.manager, "clerk", Role::NumberClerk).unwrap();
    w.app
        .create_staff(&w.admin, &account("clerk", "田中"), RoleGrant::role(Role::NumberClerk))
        .unwrap();
    let first = sign_in(&w.app, w.org, "clerk");
    let err = w.app.record_incident(&first, incident(date(2025, 6, 2), 1)).unwrap_err();
    assert!(matches!(&err, Error::Refused(_) | Error::Auth(_)), "{err}");
}

/// M14: a contractor missing one clause cannot receive data (sealed export and plain
/// carry-out) nor a contractor-staff account; once recorded it can.
#[test]
fn contractor_missing_one_clause_cannot_receive_data_or_accounts() {
    let w = W::new(date(2025, 6, 2));
    let s = w.employee(7);
    let c = w.contractor("給与計算センター", None, false).unwrap();
    let all: Vec<_> = ContractorItem::all()
        .into_iter()
        .filter(|i| *i != ContractorItem::Clause(ContractClause::OnSiteInspection))
        .collect();
    let missing = w.app.record_contractor_items(&w.manager, c, &all, None).unwrap();
    assert_eq!(missing.clauses, vec![ContractClause::OnSiteInspection]);
    let err =
        w.app.export_sealed(&w.manager, &export_req(vec![s], Some(c)), &sealer()).unwrap_err();
    assert!(
        matches!(&err, Error::Refused(r) if r.rule == RuleId::M14 && r.code == RefusalCode::ContractorNotReady),
        "{err}"
    );
    let err = w
        .app
        .carry_out(
            &w.manager,
            &[s],
            CarryOutReason::ToContractor { affair: Affair::WithholdingSlip },
            "給与計算センター",
            &[Protection::Encrypted],
        )
        .unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M14));
    let affairs = AffairSet::EMPTY.with(Affair::WithholdingSlip);
    w.app.nominate_staff(&w.manager, "outsider", Role::Contractor).unwrap();
    let err = w
        .app
        .create_contractor_staff(&w.admin, &account("outsider", "委託先 太郎"), c, affairs)
        .unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M14), "{err}");
    assert!(w.app.movements(&w.manager).unwrap().is_empty());
    w.app
        .record_contractor_items(
            &w.manager,
            c,
            &[ContractorItem::Clause(ContractClause::OnSiteInspection)],
            None,
        )
        .unwrap();
    w.app.export_sealed(&w.manager, &export_req(vec![s], Some(c)), &sealer()).unwrap();
    w.app
        .create_contractor_staff(&w.admin, &account("outsider", "委託先 太郎"), c, affairs)
        .unwrap();
    // The export's affair must be contracted: outside it, refused (M14).
    let mut other = export_req(vec![s], Some(c));
    other.reason = CarryOutReason::ToContractor { affair: Affair::EmploymentInsurance };
    other.columns = vec![ExportColumn::Name];
    other.number_affair = None;
    let err = w.app.export_sealed(&w.manager, &other, &sealer()).unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M14), "{err}");
}

/// M14: 再委託 without permission is refused at depth 2 and at depth 3; with permission
/// it registers, but the subcontractor receives data only when the whole chain is ready.
#[test]
fn subcontract_without_permission_refused_at_every_depth() {
    let w = W::new(date(2025, 6, 2));
    let s = w.employee(8);
    let a = w.contractor("一次委託先", None, false).unwrap();
    let err = w.contractor("二次委託先", Some(a), false).unwrap_err();
    assert!(
        matches!(&err, Error::Refused(r) if r.rule == RuleId::M14 && r.code == RefusalCode::SubcontractNotPermitted && r.message_en.contains("depth 2")),
        "{err}"
    );
    let b = w.contractor("二次委託先", Some(a), true).unwrap();
    let err = w.contractor("三次委託先", Some(b), false).unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.message_en.contains("depth 3")), "{err}");
    w.app.record_contractor_items(&w.manager, b, &ContractorItem::all(), None).unwrap();
    // b is complete, but its parent a is not: the chain is not ready.
    let err =
        w.app.export_sealed(&w.manager, &export_req(vec![s], Some(b)), &sealer()).unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M14), "{err}");
    w.app.record_contractor_items(&w.manager, a, &ContractorItem::all(), None).unwrap();
    w.app.export_sealed(&w.manager, &export_req(vec![s], Some(b)), &sealer()).unwrap();
    let list = w.app.contractors(&w.manager).unwrap();
    assert_eq!(list.iter().find(|c| c.contractor.id == b).unwrap().depth, 2);
}

/// P9, M12, M5: the sealed export opens with its passphrase and holds the rows; the
/// ledger holds its SHA-256 and a 持出し entry, never the content or a number; the
/// movement records the seal method and protections.
#[test]
fn sealed_export_opens_and_ledger_keeps_only_its_hash() {
    let w = W::new(date(2025, 6, 2));
    let s = w.employee(21);
    let c = w.contractor("給与計算センター", None, false).unwrap();
    w.app.record_contractor_items(&w.manager, c, &ContractorItem::all(), None).unwrap();
    let file = w.app.export_sealed(&w.manager, &export_req(vec![s], Some(c)), &sealer()).unwrap();
    let plain = open_with_passphrase(
        &file.sealed.bytes,
        &SecretString::from("correct horse battery staple 2"),
    )
    .unwrap();
    let text = String::from_utf8(plain.to_vec()).unwrap();
    assert!(text.starts_with("管理番号,氏名,個人番号"));
    assert!(text.contains(synthetic_number(21).expose()));
    assert!(text.contains("社員21"));
    let ledger = w.ledger();
    assert!(ledger.contains(&file.sealed.sha256));
    assert!(ledger.contains("carry_out"));
    assert!(!ledger.contains(synthetic_number(21).expose()));
    assert!(!ledger.contains("社員21"));
    let m = w.app.movements(&w.manager).unwrap();
    let e = m[0].export.as_ref().unwrap();
    assert_eq!(e.sha256, file.sealed.sha256);
    assert!(m[0].protections.contains(&Protection::Encrypted));
    assert!(m[0].protections.contains(&Protection::PasswordProtected));
    assert!(m[0].protections.contains(&Protection::TraceableDelivery));
    // 持出し outside Art. 28's cases (an unlisted destination) is refused (M12).
    let mut bad = export_req(vec![s], None);
    bad.reason = CarryOutReason::Other;
    bad.destination = "自宅".into();
    let err = w.app.export_sealed(&w.manager, &bad, &sealer()).unwrap_err();
    assert!(matches!(&err, Error::Refused(r) if r.rule == RuleId::M12), "{err}");
}

/// M14, P6, M16, P8: an overdue September hearing, a handler never trained, an
/// unanswered complaint and a never-done review all show in the status list.
#[test]
fn overdue_hearing_training_and_complaint_show_in_status() {
    let mut w = W::new(date(2025, 6, 2));
    let c = w.contractor("給与計算センター", None, false).unwrap();
    w.app.record_complaint(&w.manager, date(2025, 6, 2), "対応が遅い", w.manager_id).unwrap();
    w.go_to(date(2025, 10, 1));
    let st = w.app.status(&w.manager).unwrap();
    let find = |src| st.items.iter().find(|i| i.kind == src).cloned();
    let h = find(StatusSource::ContractorHearing).unwrap();
    assert!(h.overdue && h.due == Some(date(2025, 9, 30)) && h.about == Some(c.to_string()));
    let t = find(StatusSource::Training).unwrap();
    assert!(t.overdue && t.about == Some(w.manager_id.to_string()));
    assert!(find(StatusSource::Complaint).unwrap().overdue);
    assert!(find(StatusSource::Review).is_some());
    // After the hearing, training and undertaking, those lines disappear.
    w.app
        .record_contractor_hearing(
            &w.manager,
            c,
            date(2025, 9, 20),
            HearingKind::Yearly,
            "管理状況を確認",
        )
        .unwrap();
    w.app
        .record_training(
            &w.manager,
            date(2025, 10, 1),
            CourseKind::Handler,
            "年次研修",
            &[w.manager_id],
        )
        .unwrap();
    w.app.record_undertaking(&w.manager, w.manager_id, date(2025, 10, 1)).unwrap();
    let st = w.app.status(&w.manager).unwrap();
    assert!(!st.items.iter().any(|i| i.kind == StatusSource::ContractorHearing));
    assert!(
        !st.items
            .iter()
            .any(|i| i.kind == StatusSource::Training && i.about == Some(w.manager_id.to_string()))
    );
}

/// M4: an unfiled 確報 shows in the status list with its due date.
#[test]
fn incident_report_deadlines_show_in_status() {
    let mut w = W::new(date(2025, 12, 2));
    w.app.record_incident(&w.manager, incident(date(2025, 12, 1), 101)).unwrap();
    let st = w.app.status(&w.manager).unwrap();
    assert!(st.items.iter().any(|i| i.kind == StatusSource::IncidentPreliminary));
    // The 確報 is more than 14 days away: not yet listed; on 12-25 it is due soon.
    assert!(!st.items.iter().any(|i| i.kind == StatusSource::IncidentFinal));
    w.go_to(date(2025, 12, 25));
    let st = w.app.status(&w.manager).unwrap();
    let f = st.items.iter().find(|i| i.kind == StatusSource::IncidentFinal).unwrap();
    assert_eq!(f.due, Some(date(2026, 1, 5)));
    assert!(!f.overdue);
    // The 速報 window has passed: overdue.
    assert!(st.items.iter().any(|i| i.kind == StatusSource::IncidentPreliminary && i.overdue));
}

/// M11, M5 ④⑤: a contractor's paper disposal is recorded with its certificate (two
/// ledger entries); a description with a number is refused and nothing is stored.
#[test]
fn media_disposal_recorded_without_number() {
    let w = W::new(date(2025, 6, 2));
    let c = w.contractor("溶解処理センター", None, false).unwrap();
    let mut d = NewMediaDisposal {
        on: date(2025, 6, 2),
        medium: Medium::Paper,
        description: format!("扶養控除等申告書 {}", synthetic_number(3).expose()),
        method: DestructionMethod::Dissolving,
        by: DisposedBy::Contractor {
            contractor: c, certificate: "溶解証明書 第25-101号".into()
        },
        subjects: vec![],
    };
    let err = w.app.record_media_disposal(&w.manager, &d).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, rule: RuleId::M11, .. } if field.contains("description")),
        "{err}"
    );
    assert!(w.app.media_disposals(&w.manager).unwrap().is_empty());
    d.description = "2018年分 扶養控除等申告書 80枚".into();
    w.app.record_media_disposal(&w.manager, &d).unwrap();
    assert_eq!(w.app.media_disposals(&w.manager).unwrap().len(), 1);
    let ledger = w.ledger();
    assert!(ledger.contains("outsourced_disposal_proof"));
    assert!(ledger.contains("溶解"));
}

/// P8: the named handler must be a staff member; the answer closes the complaint.
#[test]
fn complaint_needs_a_named_staff_handler() {
    let w = W::new(date(2025, 6, 2));
    let stranger = StaffId::from_uuid(uuid::Uuid::from_u128(999));
    let err = w.app.record_complaint(&w.manager, date(2025, 6, 2), "苦情", stranger).unwrap_err();
    assert!(matches!(&err, Error::Invalid { rule: RuleId::P8, .. }), "{err}");
    let id = w.app.record_complaint(&w.manager, date(2025, 6, 2), "苦情", w.manager_id).unwrap();
    let c = w
        .app
        .update_complaint(
            &w.manager,
            id,
            &hogo::governance::complaints_ops::ComplaintChange::Answer {
                on: date(2025, 6, 2),
                answer: "説明しました".into(),
            },
        )
        .unwrap();
    assert_eq!(c.status.label_ja(), "回答済");
}

/// M12: the areas are configured; an empty list is refused naming the field.
#[test]
fn areas_configured_and_empty_refused() {
    let w = W::new(date(2025, 6, 2));
    let err = w
        .app
        .configure_areas(
            &w.manager,
            &hogo::organisation::Areas { controlled: vec![], handling: vec!["総務部".into()] },
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, rule: RuleId::M12, .. } if field == "areas.controlled")
    );
    w.app
        .configure_areas(
            &w.manager,
            &hogo::organisation::Areas {
                controlled: vec!["サーバ室".into()],
                handling: vec!["人事部".into()],
            },
        )
        .unwrap();
    assert_eq!(w.app.organisation(&w.manager).unwrap().areas.handling, vec!["人事部".to_owned()]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// M14: no sequence of recordings that leaves out any one check, 反社 item or clause
    /// lets a contractor receive data.
    #[test]
    fn no_incomplete_record_lets_a_contractor_receive_data(skip in 0usize..21, order in 0u64..1000) {
        let w = W::new(date(2025, 6, 2));
        let s = w.employee(31);
        let c = w.contractor("委託先", None, false).unwrap();
        let mut items = ContractorItem::all();
        prop_assert_eq!(items.len(), 21);
        let left_out = items.remove(skip);
        // Record the rest in a scrambled order, in several batches.
        let k = usize::try_from(order % 7).unwrap() + 1;
        let n = items.len();
        items.rotate_left(k % n);
        for chunk in items.chunks(k) {
            w.app.record_contractor_items(&w.manager, c, chunk, None).unwrap();
        }
        let refused = w.app.export_sealed(&w.manager, &export_req(vec![s], Some(c)), &sealer());
        prop_assert!(matches!(refused, Err(Error::Refused(ref r)) if r.rule == RuleId::M14));
        w.app.record_contractor_items(&w.manager, c, &[left_out], None).unwrap();
        prop_assert!(w.app.export_sealed(&w.manager, &export_req(vec![s], Some(c)), &sealer()).is_ok());
    }
}

/// A one-person leak of ordinary (non-My Number) data.
fn plain_leak(known_on: NaiveDate) -> NewIncident {
    let mut i = incident(known_on, 1);
    i.data = DataInvolved { other: true, ..DataInvolved::default() };
    i
}

/// M4 (個情規則7条1号): a leaked 扶養控除等申告書 showing disability status is 要配慮 and
/// reportable from one person; the same leak without the 要配慮 flag is not. The example
/// reaches the report draft's 項目.
#[test]
fn sensitive_data_makes_a_one_person_leak_reportable() {
    let w = W::new(date(2025, 6, 2));
    let v = w.app.record_incident(&w.manager, plain_leak(date(2025, 6, 2))).unwrap();
    assert!(!v.classification.reportable);
    let mut i = plain_leak(date(2025, 6, 2));
    i.data.sensitive = true;
    i.sensitive_examples = Some("扶養控除等申告書の障害者欄".into());
    let v = w.app.record_incident(&w.manager, i).unwrap();
    assert!(v.classification.reportable);
    let f = &v.classification.findings[0];
    assert_eq!((f.regime, f.case), (Regime::Appi, 1));
    let draft = w.app.incident_report(&w.manager, v.record.incident.id).unwrap();
    assert!(draft.contains("扶養控除等申告書の障害者欄"), "{draft}");
}

/// M4 (個情規則7条3号, 2024-04-01): skimming of data being acquired counts from 2024-04-01;
/// known the day before, the same facts are not reportable — so the flag is not ignored
/// (without it, an improper-purpose leak would be case 3 on either day).
#[test]
fn loss_during_acquisition_counts_from_2024_04_01() {
    let w = W::new(date(2024, 4, 2));
    let mut i = plain_leak(date(2024, 3, 31));
    i.improper_purpose = true;
    i.during_acquisition = true;
    let v = w.app.record_incident(&w.manager, i.clone()).unwrap();
    assert!(!v.classification.reportable, "{:?}", v.classification);
    i.known_on = date(2024, 4, 1);
    let v = w.app.record_incident(&w.manager, i).unwrap();
    assert!(v.classification.reportable);
    let f = &v.classification.findings[0];
    assert_eq!((f.regime, f.case), (Regime::Appi, 3));
    assert!(f.label_ja.contains("取得しようとしている"), "{}", f.label_ja);
    assert_eq!(v.classification.deadlines[0].deadlines.final_period.days(), 60);
}

/// M4 (H27規則5号2条3号): one person's My Number viewable by unspecified people is
/// reportable; without the flag it is an effort duty only.
#[test]
fn my_number_viewable_by_unspecified_people_is_reportable() {
    let w = W::new(date(2025, 6, 2));
    let v = w.app.record_incident(&w.manager, incident(date(2025, 6, 2), 1)).unwrap();
    assert!(!v.classification.reportable && v.classification.effort_duty_only);
    let mut i = incident(date(2025, 6, 2), 1);
    i.viewable_by_unspecified = true;
    let v = w.app.record_incident(&w.manager, i).unwrap();
    assert!(v.classification.reportable);
    let f = &v.classification.findings[0];
    assert_eq!((f.regime, f.case), (Regime::MyNumber, 3));
}

/// M4 (個情法26条1項ただし書, 番号法29条の4): a 委託先 (e.g. a 社労士 office) that promptly
/// notified its 委託元 is exempt from reporting and from notifying the people; one that
/// has not notified yet must report. A notice date before the day of knowledge is
/// refused, naming the field, and nothing is stored.
#[test]
fn contractor_that_notified_its_principal_is_exempt() {
    use hogo_governance::incident::{AsContractor, Exemption};
    let w = W::new(date(2025, 6, 5));
    let people = [w.employee(41)];
    let mut i = incident(date(2025, 6, 2), 150);
    i.people = people.to_vec();
    i.as_contractor = Some(AsContractor { notified_principal_on: None });
    let v = w.app.record_incident(&w.manager, i.clone()).unwrap();
    assert!(v.classification.reportable);
    assert_eq!(v.record.notices.pending(), people.to_vec());
    i.as_contractor = Some(AsContractor { notified_principal_on: Some(date(2025, 6, 3)) });
    let v = w.app.record_incident(&w.manager, i.clone()).unwrap();
    assert!(!v.classification.reportable);
    assert!(v.classification.exemptions.contains(&Exemption::ContractorNotifiedPrincipal));
    assert!(v.record.notices.notices.is_empty());
    assert!(!v.classification.effort_duty_only);
    let before = w.app.incidents(&w.manager).unwrap().len();
    i.as_contractor = Some(AsContractor { notified_principal_on: Some(date(2025, 6, 1)) });
    let err = w.app.record_incident(&w.manager, i).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, rule: RuleId::M4, .. } if field.contains("notified_principal_on")),
        "{err}"
    );
    assert_eq!(w.app.incidents(&w.manager).unwrap().len(), before);
}

/// M4, M5: facts corrected after recording — the lost laptop's export turns out to be
/// encrypted (not reportable any more), then its key to have leaked too (reportable
/// again); each correction is kept on the record and is a ledger entry naming the field.
/// An empty correction or a reason with a number is refused and nothing changes.
#[test]
fn correcting_encryption_reclassifies_and_is_logged() {
    use hogo::governance::incidents_ops::IncidentCorrection;
    let w = W::new(date(2025, 6, 2));
    let v = w.app.record_incident(&w.manager, incident(date(2025, 6, 2), 150)).unwrap();
    assert!(v.classification.reportable);
    let id = v.record.incident.id;
    let fix = |encryption, reason: &str| IncidentCorrection {
        encryption: Some(encryption),
        reason: reason.into(),
        ..IncidentCorrection::default()
    };
    let v = w
        .app
        .correct_incident(
            &w.manager,
            id,
            &fix(Encryption::HighLevel { keys_leaked: false }, "暗号化済みと判明"),
        )
        .unwrap();
    assert!(!v.classification.reportable, "{:?}", v.classification);
    assert_eq!(v.record.corrections.len(), 1);
    assert_eq!(v.record.corrections[0].fields, vec!["encryption".to_owned()]);
    assert!(w.ledger().contains("事実の訂正（encryption）: 暗号化済みと判明"));
    let err = w
        .app
        .correct_incident(
            &w.manager,
            id,
            &fix(Encryption::HighLevel { keys_leaked: false }, "同じ"),
        )
        .unwrap_err();
    assert!(matches!(&err, Error::Invalid { rule: RuleId::M4, .. }), "{err}");
    let err = w
        .app
        .correct_incident(
            &w.manager,
            id,
            &fix(
                Encryption::HighLevel { keys_leaked: true },
                &format!("番号 {}", synthetic_number(9).expose()),
            ),
        )
        .unwrap_err();
    assert!(matches!(&err, Error::Invalid { field, .. } if field.contains("reason")), "{err}");
    assert_eq!(w.app.incident(&w.manager, id).unwrap().record.corrections.len(), 1);
    let v = w
        .app
        .correct_incident(
            &w.manager,
            id,
            &fix(Encryption::HighLevel { keys_leaked: true }, "パスワードのメモも紛失"),
        )
        .unwrap();
    assert!(v.classification.reportable);
    assert_eq!(v.record.corrections.len(), 2);
}

/// M4: filing the 速報 and 確報 takes the incident out of the status list.
#[test]
fn filings_clear_the_status_items() {
    use hogo_governance::incident::{Filing, ReportStage};
    let w = W::new(date(2025, 12, 2));
    let v = w.app.record_incident(&w.manager, incident(date(2025, 12, 1), 101)).unwrap();
    let id = v.record.incident.id;
    assert!(
        w.app
            .status(&w.manager)
            .unwrap()
            .items
            .iter()
            .any(|i| i.kind == StatusSource::IncidentPreliminary)
    );
    for stage in [ReportStage::Preliminary, ReportStage::Final] {
        w.app
            .record_incident_filing(
                &w.manager,
                id,
                Filing { regime: Regime::MyNumber, stage, on: date(2025, 12, 2) },
            )
            .unwrap();
    }
    let st = w.app.status(&w.manager).unwrap();
    assert!(!st.items.iter().any(|i| matches!(
        i.kind,
        StatusSource::IncidentPreliminary | StatusSource::IncidentFinal
    )));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// M4: for any combination of the facts, recording them directly and recording a
    /// bare incident then correcting it to them classify alike — neither path drops an
    /// input (要配慮, acquisition, unspecified viewers, encryption, 委託先 notice).
    #[test]
    fn correction_and_recording_classify_alike(
        sensitive in any::<bool>(),
        acquisition in any::<bool>(),
        viewable in any::<bool>(),
        improper in any::<bool>(),
        encrypted in any::<bool>(),
        notified in any::<bool>(),
        count in prop_oneof![Just(1u32), Just(101), Just(1001)],
    ) {
        use hogo::governance::incidents_ops::IncidentCorrection;
        use hogo_governance::incident::AsContractor;
        let w = W::new(date(2025, 6, 3));
        let mut i = incident(date(2025, 6, 2), count);
        i.data.sensitive = sensitive;
        i.during_acquisition = acquisition;
        i.viewable_by_unspecified = viewable;
        i.improper_purpose = improper;
        i.encryption = if encrypted { Encryption::HighLevel { keys_leaked: false } } else { Encryption::None };
        i.as_contractor = notified.then_some(AsContractor { notified_principal_on: Some(date(2025, 6, 3)) });
        let direct = w.app.record_incident(&w.manager, i.clone()).unwrap();
        let mut bare = incident(date(2025, 6, 2), count);
        bare.summary = "訂正前".into();
        let id = w.app.record_incident(&w.manager, bare).unwrap().record.incident.id;
        let corrected = w.app.correct_incident(&w.manager, id, &IncidentCorrection {
            data: Some(i.data),
            during_acquisition: Some(i.during_acquisition),
            viewable_by_unspecified: Some(i.viewable_by_unspecified),
            improper_purpose: Some(i.improper_purpose),
            encryption: Some(i.encryption),
            as_contractor: Some(i.as_contractor),
            summary: Some(i.summary.clone()),
            reason: "調査結果".into(),
            ..IncidentCorrection::default()
        }).unwrap();
        prop_assert_eq!(&direct.classification, &corrected.classification);
        prop_assert_eq!(direct.classification.reportable,
            !notified && !encrypted && (sensitive || viewable || improper || count > 100));
    }
}

/// First sign-in of a new account with a password change, then a normal session.
fn sign_in_new(app: &Hogo<MemoryStore>, org: OrganisationId, login: &str) -> Session {
    let pw = SecretString::from(TEST_PASSWORD);
    let first = app.sign_in(org, login, &pw, None, "t").unwrap();
    let new_pw = SecretString::from(format!("{login} passphrase 2025"));
    app.change_password(&first, &pw, &new_pw).unwrap();
    app.sign_in(org, login, &new_pw, None, "t").unwrap()
}

fn ready_contractor(w: &W, name: &str) -> hogo_governance::ids::ContractorId {
    let c = w.contractor(name, None, false).unwrap();
    w.app.record_contractor_items(&w.manager, c, &ContractorItem::all(), None).unwrap();
    c
}

fn collect_for(
    w: &W,
    session: &Session,
    subject: SubjectId,
    affair: Affair,
    seed: u64,
) -> Result<(), Error> {
    w.app
        .collect_number(
            session,
            CollectNumber {
                subject,
                affair,
                verification: Verification::InPerson {
                    verified_by: w.manager_id,
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

fn is_m14(r: &Result<impl std::fmt::Debug, Error>) -> bool {
    matches!(r, Err(Error::Refused(x)) if x.rule == RuleId::M14)
}

/// M14: the contractor role is granted only with a named contractor; affairs outside
/// that contractor's contract are refused even when another ready contractor holds them.
#[test]
fn contractor_staff_grant_names_its_contractor_and_stays_within_its_contract() {
    let w = W::new(date(2025, 6, 2));
    let payroll = ready_contractor(&w, "給与計算センター"); // withholding_slip only
    let other = w
        .app
        .register_contractor(
            &w.manager,
            &NewContractor {
                name: "社会保険事務所".into(),
                corporate_number: None,
                affairs: AffairSet::EMPTY.with(Affair::EmploymentInsurance),
                parent: None,
                subcontract_permitted: false,
            },
        )
        .unwrap();
    w.app.record_contractor_items(&w.manager, other, &ContractorItem::all(), None).unwrap();
    w.app.nominate_staff(&w.manager, "payroll1", Role::Contractor).unwrap();
    let both = AffairSet::EMPTY.with(Affair::WithholdingSlip).with(Affair::EmploymentInsurance);
    // The plain create_staff refuses the contractor role: the contractor must be named.
    let err = w
        .app
        .create_staff(&w.admin, &account("payroll1", "委託 一郎"), RoleGrant::contractor(both))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, rule: RuleId::M14, .. } if field == "contractor"),
        "{err}"
    );
    // Both affairs are covered by *some* ready contractor, but not by payroll's contract.
    let r =
        w.app.create_contractor_staff(&w.admin, &account("payroll1", "委託 一郎"), payroll, both);
    assert!(is_m14(&r), "{r:?}");
    let id = w
        .app
        .create_contractor_staff(
            &w.admin,
            &account("payroll1", "委託 一郎"),
            payroll,
            AffairSet::EMPTY.with(Affair::WithholdingSlip),
        )
        .unwrap();
    let list = w.app.contractors(&w.manager).unwrap();
    assert_eq!(list.iter().find(|c| c.contractor.id == payroll).unwrap().accounts, vec![id]);
    assert!(list.iter().find(|c| c.contractor.id == other).unwrap().accounts.is_empty());
}

/// M14, M13: a contractor-staff account works within the contracted affairs, is refused
/// outside them, and every use case is refused once its contractor's contract ends —
/// even though another ready contractor covers the same affair. The refusal is logged.
#[test]
fn contractor_staff_access_stops_when_its_contract_ends() {
    let w = W::new(date(2025, 6, 2));
    let payroll = ready_contractor(&w, "給与計算センター");
    let _still_ready = ready_contractor(&w, "別の給与計算会社");
    let s = w
        .app
        .add_subject(
            &w.manager,
            NewSubject {
                kind: SubjectKind::Employee,
                reference: "E-77".into(),
                same_person_as: None,
                profile: Profile {
                    name: "社員77".into(),
                    furigana: "シャイン".into(),
                    birth_date: None,
                    address: "東京都".into(),
                },
            },
        )
        .unwrap();
    w.app.nominate_staff(&w.manager, "payroll1", Role::Contractor).unwrap();
    w.app
        .create_contractor_staff(
            &w.admin,
            &account("payroll1", "委託 一郎"),
            payroll,
            AffairSet::EMPTY.with(Affair::WithholdingSlip),
        )
        .unwrap();
    let staff = sign_in_new(&w.app, w.org, "payroll1");
    let r = collect_for(&w, &staff, s, Affair::EmploymentInsurance, 77);
    assert!(is_m14(&r), "{r:?}");
    collect_for(&w, &staff, s, Affair::WithholdingSlip, 77).unwrap();
    w.app
        .end_contract(
            &w.manager,
            payroll,
            date(2025, 6, 2),
            hogo_governance::contractor::EndHandling::Deletion,
        )
        .unwrap();
    let r = w.app.whoami(&staff);
    assert!(
        matches!(&r, Err(Error::Refused(x)) if x.rule == RuleId::M14 && x.code == RefusalCode::ContractorNotReady && x.message_en.contains("ended")),
        "{r:?}"
    );
    let r = w.app.register(&staff);
    assert!(is_m14(&r), "{r:?}");
    assert!(w.ledger().contains("M14"));
}

/// M14 (Art. 36): a subcontractor's staff lose access when the contractor above it ends.
#[test]
fn subcontractor_staff_stop_when_the_parent_contract_ends() {
    let w = W::new(date(2025, 6, 2));
    let a = ready_contractor(&w, "一次委託先");
    let b = w.contractor("二次委託先", Some(a), true).unwrap();
    w.app.record_contractor_items(&w.manager, b, &ContractorItem::all(), None).unwrap();
    w.app.nominate_staff(&w.manager, "sub1", Role::Contractor).unwrap();
    w.app
        .create_contractor_staff(
            &w.admin,
            &account("sub1", "再委託 花子"),
            b,
            AffairSet::EMPTY.with(Affair::WithholdingSlip),
        )
        .unwrap();
    let staff = sign_in_new(&w.app, w.org, "sub1");
    w.app.whoami(&staff).unwrap();
    w.app
        .end_contract(
            &w.manager,
            a,
            date(2025, 6, 2),
            hogo_governance::contractor::EndHandling::Return,
        )
        .unwrap();
    let r = w.app.whoami(&staff);
    assert!(is_m14(&r), "{r:?}");
}
