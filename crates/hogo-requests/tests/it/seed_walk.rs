//! Table tests walking the seed's 個人情報開示等請求書 end to end (P7, M15): 本人 by post,
//! and 代理人 with 委任状 + 印鑑証明書.

use std::collections::BTreeSet;

use hogo_domain::verification::IdentityDocument;
use hogo_requests::testkit::{seed_form_agent, seed_form_principal_by_post, seed_organisation};
use hogo_requests::*;

use crate::common::*;

type Step = (&'static str, Command, Option<RequestError>);

/// Runs a table of steps; a step with an expected error must fail with exactly that error
/// and leave the state unchanged.
fn walk(mut r: Request, steps: Vec<Step>) -> (Request, Vec<Event>) {
    let mut all = Vec::new();
    for (i, (name, cmd, expected)) in steps.into_iter().enumerate() {
        let at = day(i64::try_from(i).unwrap() % 10);
        match (r.handle(&cmd, at), expected) {
            (Ok((next, events)), None) => {
                assert!(!events.is_empty(), "{name}: no event");
                assert!(
                    events
                        .iter()
                        .all(|e| e.at == at && e.by == cmd.actor().staff && e.request == r.id)
                );
                all.extend(events);
                r = next;
            }
            (Err(e), Some(want)) => assert_eq!(e, want, "{name}"),
            (got, want) => panic!("{name}: got {got:?}, wanted {want:?}"),
        }
    }
    (r, all)
}

/// P7 (doc 000 請求方法, APPI 33条・38条): 本人 by post — 運転免許証 copy with 本籍 left
/// unmasked (the clerk masks it), 1,000 yen in stamps for 開示, answer by post.
#[test]
fn principal_by_post_walks_from_form_to_answer() {
    let (r, filed) = file(seed_form_principal_by_post(d0()), RequestConfig::seed(), false);
    assert!(matches!(
        filed[1].what,
        EventKind::FeeDemanded { kind: RequestKind::Disclosure, amount_yen: 1_000, .. }
    ));
    assert_eq!(r.due_on, d0() + chrono::Days::new(14));
    let full = Decision::Disclosure(DisclosureDecision::Full);
    let steps: Vec<Step> = vec![
        (
            "decide before identity",
            Command::Decide { by: clerk(), kind: RequestKind::Disclosure, decision: full.clone() },
            Some(RequestError::IdentityNotVerified),
        ),
        (
            "respond before identity",
            Command::Respond { by: clerk(), in_writing_because: None },
            Some(RequestError::IdentityNotVerified),
        ),
        (
            "abolished document",
            Command::VerifyIdentity {
                by: clerk(),
                document: IdentityDocument::AlienRegistrationCertificate {
                    clerk_confirmed_valid: false,
                },
                unmasked: vec![],
            },
            Some(RequestError::AbolishedDocument { field: "identity.document".into() }),
        ),
        (
            "identity with 本籍 masked by clerk",
            Command::VerifyIdentity {
                by: clerk(),
                document: IdentityDocument::DriversLicence,
                unmasked: vec![UnmaskedPart {
                    part: CopyPart::DomicileOfOrigin,
                    remedy: Remedy::Masked,
                }],
            },
            None,
        ),
        (
            "authority for a principal",
            Command::VerifyAuthority { by: clerk(), documents: BTreeSet::new() },
            Some(RequestError::NotAnAgentRequest),
        ),
        (
            "decide before fee",
            Command::Decide { by: clerk(), kind: RequestKind::Disclosure, decision: full.clone() },
            Some(RequestError::FeeUnpaid { kind: RequestKind::Disclosure }),
        ),
        (
            "wrong amount",
            Command::ReceiveFee {
                by: clerk(),
                kind: RequestKind::Disclosure,
                amount_yen: 500,
                method: PaymentMethod::PostageStamps,
            },
            Some(RequestError::FeeAmountMismatch {
                kind: RequestKind::Disclosure,
                expected: 1_000,
                received: 500,
            }),
        ),
        (
            "unpublished method",
            Command::ReceiveFee {
                by: clerk(),
                kind: RequestKind::Disclosure,
                amount_yen: 1_000,
                method: PaymentMethod::Cash,
            },
            Some(RequestError::PaymentMethodNotAccepted { kind: RequestKind::Disclosure }),
        ),
        (
            "stamps",
            Command::ReceiveFee {
                by: clerk(),
                kind: RequestKind::Disclosure,
                amount_yen: 1_000,
                method: PaymentMethod::PostageStamps,
            },
            None,
        ),
        (
            "respond undecided",
            Command::Respond { by: clerk(), in_writing_because: None },
            Some(RequestError::Undecided { kind: RequestKind::Disclosure }),
        ),
        (
            "decide full",
            Command::Decide { by: clerk(), kind: RequestKind::Disclosure, decision: full },
            None,
        ),
        (
            "writing instead of post",
            Command::Respond { by: clerk(), in_writing_because: Some("x".into()) },
            Some(RequestError::NotTheChosenMethod),
        ),
        ("respond by post", Command::Respond { by: clerk(), in_writing_because: None }, None),
        (
            "closed",
            Command::Withdraw { by: clerk(), note: "取下げ".into() },
            Some(RequestError::Closed),
        ),
    ];
    let (r, events) = walk(r, steps);
    assert_eq!(r.status, Status::Answered);
    assert_eq!(r.response.as_ref().unwrap().method, AnswerMethod::Post);
    assert_eq!(r.masking.len(), 1);
    assert!(events.iter().any(|e| matches!(
        e.what,
        EventKind::CopyPartRemedied {
            part: UnmaskedPart { part: CopyPart::DomicileOfOrigin, remedy: Remedy::Masked }
        }
    )));
    let letters = render_letters(&r, &seed_organisation(), d0());
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].kind, NoticeKind::ResponseLetter);
    assert!(letters[0].text.contains("全部を開示します"));
    assert!(letters[0].text.contains("山田 花子（本人） 様"));
    assert!(letters[0].text.contains("郵便（書面）"));
}

/// P7, M15 (doc 000 代理人, doc 003 40条, APPI 34・35条): 任意代理人 with 委任状 (実印) +
/// 印鑑証明書 asks to correct a qualification date and stop provision; no fee; the named
/// clerk corrects, the manager confirms, a correction record is kept 1 year; the e-mail
/// answer falls back to writing with a notice.
#[test]
fn agent_with_power_of_attorney_and_seal_certificate_walks_to_answer() {
    let (r, filed) = file(seed_form_agent(d0()), RequestConfig::seed(), false);
    assert!(r.fees.is_empty());
    assert!(!filed.iter().any(|e| matches!(e.what, EventKind::FeeDemanded { .. })));
    let poa = AuthorityEnclosure::PowerOfAttorney { registered_seal: true };
    let change = Change {
        item: "介護福祉士 取得日".into(),
        before: "2019年4月1日".into(),
        after: "2020年3月31日".into(),
    };
    let granted = Decision::Suspension(SuspensionDecision::Granted {
        ground: SuspensionGround::NoLongerNeeded,
        measure: Measure::AsRequested,
    });
    let steps: Vec<Step> = vec![
        (
            "agent id, copied card back destroyed",
            Command::VerifyIdentity {
                by: clerk(),
                document: IdentityDocument::Passport,
                unmasked: vec![UnmaskedPart {
                    part: CopyPart::MyNumber,
                    remedy: Remedy::Destroyed,
                }],
            },
            None,
        ),
        (
            "decide before authority",
            Command::Decide {
                by: clerk(),
                kind: RequestKind::StopOfProvision,
                decision: granted.clone(),
            },
            Some(RequestError::AuthorityNotVerified),
        ),
        (
            "委任状 without 印鑑証明書",
            Command::VerifyAuthority { by: clerk(), documents: BTreeSet::from([poa]) },
            Some(RequestError::AuthorityInsufficient {
                reason: "当社の定めにより、委任状には実印の押印と印鑑証明書の添付が必要です / this organisation requires the registered seal on the power of attorney and the seal certificate",
            }),
        ),
        (
            "委任状 + 印鑑証明書",
            Command::VerifyAuthority {
                by: clerk(),
                documents: BTreeSet::from([poa, AuthorityEnclosure::SealCertificate]),
            },
            None,
        ),
        (
            "no fee for correction",
            Command::ReceiveFee {
                by: clerk(),
                kind: RequestKind::Correction,
                amount_yen: 1_000,
                method: PaymentMethod::PostageStamps,
            },
            Some(RequestError::NoFeeDue { kind: RequestKind::Correction }),
        ),
        (
            "no evidence for 'no longer needed'",
            Command::RequestEvidence {
                by: clerk(),
                kind: RequestKind::StopOfProvision,
                ground: Some(SuspensionGround::NoLongerNeeded),
                what: "理由を証明する書類".into(),
            },
            Some(RequestError::EvidenceNotNeeded {
                ground: SuspensionGround::NoLongerNeeded.label_ja(),
            }),
        ),
        (
            "evidence for correction may be asked",
            Command::RequestEvidence {
                by: clerk(),
                kind: RequestKind::Correction,
                ground: None,
                what: "資格証明書の写し".into(),
            },
            None,
        ),
        (
            "stop of provision at once",
            Command::Decide { by: clerk(), kind: RequestKind::StopOfProvision, decision: granted },
            None,
        ),
        (
            "correction decided directly",
            Command::Decide {
                by: clerk(),
                kind: RequestKind::Correction,
                decision: Decision::Correction(Finding::Untrue { changes: vec![change.clone()] }),
            },
            Some(RequestError::CorrectionOutOfOrder {
                kind: RequestKind::Correction,
                reason: "訂正等は担当者の指定・調査報告・責任者の確認の順に行います / corrections go assign → investigate → confirm",
            }),
        ),
        (
            "clerk cannot name",
            Command::AssignCorrection {
                by: clerk(),
                kind: RequestKind::Correction,
                clerk: clerk2().staff,
            },
            Some(RequestError::RoleNotAllowed {
                step: "assign_correction",
                role: "職業紹介部門職員",
                rule: "M15, doc 003 40条2項",
            }),
        ),
        (
            "manager names clerk2",
            Command::AssignCorrection {
                by: manager(),
                kind: RequestKind::Correction,
                clerk: clerk2().staff,
            },
            None,
        ),
        (
            "other clerk reports",
            Command::ReportInvestigation {
                by: clerk(),
                kind: RequestKind::Correction,
                finding: Finding::Untrue { changes: vec![change.clone()] },
            },
            Some(RequestError::NotTheNamedClerk),
        ),
        (
            "no evidence is no ground",
            Command::ReportInvestigation {
                by: clerk2(),
                kind: RequestKind::Correction,
                finding: Finding::NotCorrected {
                    ground: NotCorrectedGround::NoEvidenceSupplied,
                    facts: "資料未提出".into(),
                },
            },
            Some(RequestError::LackOfEvidenceIsNoGround),
        ),
        (
            "named clerk corrects",
            Command::ReportInvestigation {
                by: clerk2(),
                kind: RequestKind::Correction,
                finding: Finding::Untrue { changes: vec![change.clone()] },
            },
            None,
        ),
        (
            "respond before confirmation",
            Command::Respond { by: clerk(), in_writing_because: None },
            Some(RequestError::Undecided { kind: RequestKind::Correction }),
        ),
        (
            "manager confirms",
            Command::ConfirmCorrection { by: manager(), kind: RequestKind::Correction },
            None,
        ),
        (
            "e-mail difficult: writing with notice",
            Command::Respond {
                by: clerk(),
                in_writing_because: Some(
                    "添付ファイルの容量が大きく電子メールで送付できないため".into(),
                ),
            },
            None,
        ),
    ];
    let (r, events) = walk(r, steps);
    assert_eq!(r.status, Status::Answered);
    assert_eq!(r.correction_records.len(), 1);
    let rec = &r.correction_records[0];
    assert_eq!((rec.clerk, rec.manager), (clerk2().staff, manager().staff));
    assert_eq!(rec.keep_until, rec.date.checked_add_months(chrono::Months::new(12)).unwrap());
    assert!(rec.requester.contains("佐藤 一郎"));
    assert!(events.iter().any(|e| matches!(e.what, EventKind::CorrectionRecorded { .. })));
    let letters = render_letters(&r, &seed_organisation(), d0());
    let kinds: Vec<_> = letters.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        vec![
            NoticeKind::ResponseLetter,
            NoticeKind::CorrectionNotice,
            NoticeKind::SuspensionNotice,
            NoticeKind::WritingInsteadNotice
        ]
    );
    assert!(letters[1].text.contains("「2019年4月1日」を「2020年3月31日」に変更"));
    assert!(letters[2].text.contains("35条5項"));
    assert!(letters[3].text.contains("電子メール"));
}
