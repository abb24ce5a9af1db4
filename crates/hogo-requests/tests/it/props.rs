//! Property tests over random command sequences (P7, M15).

use std::collections::BTreeSet;

use hogo_domain::verification::IdentityDocument;
use hogo_requests::testkit::{seed_form_agent, seed_form_principal_by_post};
use hogo_requests::*;
use proptest::prelude::*;

use crate::common::*;

fn kind() -> impl Strategy<Value = RequestKind> {
    proptest::sample::select(RequestKind::ALL.to_vec())
}

fn actor() -> impl Strategy<Value = hogo_domain::Actor> {
    prop_oneof![
        Just(clerk()),
        Just(clerk2()),
        Just(manager()),
        Just(number_clerk()),
        Just(number_manager())
    ]
}

fn ground() -> impl Strategy<Value = SuspensionGround> {
    proptest::sample::select(SuspensionGround::ALL.to_vec())
}

fn decision() -> impl Strategy<Value = Decision> {
    let nd = (
        any::<bool>(),
        proptest::sample::select(vec![
            NonDisclosureGround::HarmToLifeOrRights,
            NonDisclosureGround::SeriousBusinessImpediment,
            NonDisclosureGround::BreachOfOtherLaw,
        ]),
        any::<bool>(),
    )
        .prop_map(|(empty, g, blank)| NonDisclosure {
            withheld: "評価欄".into(),
            grounds: if empty {
                vec![]
            } else {
                vec![Grounds {
                    ground: g,
                    facts: if blank { String::new() } else { "第三者の評価を含む".into() },
                }]
            },
        });
    prop_oneof![
        Just(Decision::Disclosure(DisclosureDecision::Full)),
        nd.clone().prop_map(|n| Decision::Disclosure(DisclosureDecision::Partial(n))),
        nd.prop_map(|n| Decision::Disclosure(DisclosureDecision::Refused(n))),
        Just(Decision::Disclosure(DisclosureDecision::NotHeld {
            facts: "検索したが該当なし".into()
        })),
        Just(Decision::PurposeNotification(PurposeNotificationDecision::Notified {
            purposes: vec!["職業紹介のため".into()]
        })),
        Just(Decision::PurposeNotification(PurposeNotificationDecision::Refused {
            ground: PurposeRefusalGround::AlreadyPublished,
            facts: "公表済み".into()
        })),
        (ground(), any::<bool>()).prop_map(|(g, alt)| Decision::Suspension(
            SuspensionDecision::Granted {
                ground: g,
                measure: if alt {
                    Measure::Alternative {
                        description: "利用を制限".into(),
                        why_difficult: "多額の費用".into(),
                    }
                } else {
                    Measure::AsRequested
                },
            }
        )),
        ground().prop_map(|g| Decision::Suspension(SuspensionDecision::Rejected {
            claimed: g,
            facts: "違反の事実なし".into()
        })),
        Just(Decision::Correction(Finding::NotCorrected {
            ground: NotCorrectedGround::ContentIsTrue,
            facts: "x".into()
        })),
    ]
}

fn finding() -> impl Strategy<Value = Finding> {
    prop_oneof![
        Just(Finding::Untrue {
            changes: vec![Change {
                item: "住所".into(), before: "旧".into(), after: "新".into()
            }]
        }),
        Just(Finding::Untrue { changes: vec![] }),
        Just(Finding::NotCorrected {
            ground: NotCorrectedGround::ContentIsTrue,
            facts: "登録内容は正しい".into()
        }),
        Just(Finding::NotCorrected {
            ground: NotCorrectedGround::NoEvidenceSupplied,
            facts: "資料なし".into()
        }),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    let docs = proptest::sample::subsequence(
        vec![
            AuthorityEnclosure::PowerOfAttorney { registered_seal: true },
            AuthorityEnclosure::PowerOfAttorney { registered_seal: false },
            AuthorityEnclosure::SealCertificate,
            AuthorityEnclosure::FamilyRegister,
        ],
        0..=3,
    );
    let identity = proptest::sample::select(vec![
        IdentityDocument::DriversLicence,
        IdentityDocument::Passport,
        IdentityDocument::AlienRegistrationCertificate { clerk_confirmed_valid: false },
    ]);
    prop_oneof![
        2 => (actor(), identity).prop_map(|(by, document)| Command::VerifyIdentity { by, document, unmasked: vec![] }),
        2 => (actor(), docs).prop_map(|(by, d)| Command::VerifyAuthority { by, documents: d.into_iter().collect::<BTreeSet<_>>() }),
        1 => actor().prop_map(|by| Command::AwaitDocuments { by, missing: vec!["印鑑証明書".into()] }),
        1 => actor().prop_map(|by| Command::DocumentsReceived { by }),
        2 => (actor(), kind(), prop_oneof![Just(1_000u32), Just(300u32)], proptest::sample::select(vec![PaymentMethod::PostageStamps, PaymentMethod::Cash]))
            .prop_map(|(by, kind, amount_yen, method)| Command::ReceiveFee { by, kind, amount_yen, method }),
        1 => (actor(), kind(), proptest::option::of(ground())).prop_map(|(by, kind, ground)| Command::RequestEvidence { by, kind, ground, what: "資料".into() }),
        4 => (actor(), kind(), decision()).prop_map(|(by, kind, decision)| Command::Decide { by, kind, decision }),
        2 => (actor(), kind(), actor()).prop_map(|(by, kind, c)| Command::AssignCorrection { by, kind, clerk: c.staff }),
        2 => (actor(), kind(), finding()).prop_map(|(by, kind, finding)| Command::ReportInvestigation { by, kind, finding }),
        2 => (actor(), kind()).prop_map(|(by, kind)| Command::ConfirmCorrection { by, kind }),
        2 => (actor(), any::<bool>()).prop_map(|(by, w)| Command::Respond { by, in_writing_because: w.then(|| "困難".to_owned()) }),
        1 => actor().prop_map(|by| Command::Withdraw { by, note: "取下げ".into() }),
    ]
}

fn lawful_actor() -> impl Strategy<Value = hogo_domain::Actor> {
    prop_oneof![
        Just(clerk()),
        Just(clerk2()),
        Just(manager()),
        Just(number_clerk()),
        Just(number_manager())
    ]
}

fn lawful_decision(kind: RequestKind) -> BoxedStrategy<Decision> {
    match kind.family() {
        KindFamily::Disclosure => prop_oneof![
            Just(Decision::Disclosure(DisclosureDecision::Full)),
            Just(Decision::Disclosure(DisclosureDecision::Refused(NonDisclosure {
                withheld: "全部".into(),
                grounds: vec![Grounds {
                    ground: NonDisclosureGround::BreachOfOtherLaw,
                    facts: "法令で禁止".into()
                }],
            }))),
        ]
        .boxed(),
        KindFamily::PurposeNotification => {
            Just(Decision::PurposeNotification(PurposeNotificationDecision::Notified {
                purposes: vec!["職業紹介のため".into()],
            }))
            .boxed()
        }
        KindFamily::Suspension => prop_oneof![
            Just(Decision::Suspension(SuspensionDecision::Granted {
                ground: SuspensionGround::NoLongerNeeded,
                measure: Measure::AsRequested
            })),
            Just(Decision::Suspension(SuspensionDecision::Rejected {
                claimed: SuspensionGround::HarmToRights,
                facts: "権利侵害のおそれなし".into()
            })),
        ]
        .boxed(),
        KindFamily::Correction => {
            Just(Decision::Correction(Finding::Untrue { changes: vec![] })).boxed()
        }
    }
}

fn directed_command() -> impl Strategy<Value = Command> {
    let k = proptest::sample::select(vec![
        RequestKind::Disclosure,
        RequestKind::PurposeNotification,
        RequestKind::Correction,
        RequestKind::Deletion,
        RequestKind::Erasure,
        RequestKind::StopOfProvision,
    ]);
    let full_authority: BTreeSet<AuthorityEnclosure> = BTreeSet::from([
        AuthorityEnclosure::PowerOfAttorney { registered_seal: true },
        AuthorityEnclosure::SealCertificate,
    ]);
    prop_oneof![
        2 => lawful_actor().prop_map(|by| Command::VerifyIdentity { by, document: IdentityDocument::DriversLicence, unmasked: vec![] }),
        2 => lawful_actor().prop_map(move |by| Command::VerifyAuthority { by, documents: full_authority.clone() }),
        3 => (lawful_actor(), k.clone()).prop_map(|(by, kind)| Command::ReceiveFee { by, kind, amount_yen: 1_000, method: PaymentMethod::PostageStamps }),
        2 => (lawful_actor(), proptest::sample::select(vec![PaymentMethod::Cash])).prop_map(|(by, method)| Command::ReceiveFee { by, kind: RequestKind::PurposeNotification, amount_yen: 300, method }),
        6 => (lawful_actor(), k.clone()).prop_flat_map(|(by, kind)| lawful_decision(kind).prop_map(move |decision| Command::Decide { by: by.clone(), kind, decision })),
        3 => (lawful_actor(), k.clone(), lawful_actor()).prop_map(|(by, kind, c)| Command::AssignCorrection { by, kind, clerk: c.staff }),
        3 => (lawful_actor(), k.clone()).prop_map(|(by, kind)| Command::ReportInvestigation { by, kind, finding: Finding::Untrue { changes: vec![Change { item: "住所".into(), before: "旧".into(), after: "新".into() }] } }),
        3 => (lawful_actor(), k).prop_map(|(by, kind)| Command::ConfirmCorrection { by, kind }),
        3 => lawful_actor().prop_map(|by| Command::Respond { by, in_writing_because: None }),
    ]
}

fn start() -> impl Strategy<Value = Request> {
    let kinds = proptest::sample::subsequence(RequestKind::ALL.to_vec(), 1..=4);
    (any::<bool>(), any::<bool>(), kinds, 1u16..=30, any::<bool>(), any::<bool>()).prop_map(
        |(agent, my_number, kinds, target, seal, purpose_fee)| {
            let mut form =
                if agent { seed_form_agent(d0()) } else { seed_form_principal_by_post(d0()) };
            let mut kinds: BTreeSet<RequestKind> = kinds.into_iter().collect();
            if my_number {
                kinds.remove(&RequestKind::ProvisionRecordDisclosure);
                if kinds.is_empty() {
                    kinds.insert(RequestKind::Disclosure);
                }
            }
            form.kinds = kinds;
            let testkit_agent = seed_form_agent(d0());
            form.correction = testkit_agent.correction;
            form.suspension = testkit_agent.suspension;
            let mut fees = FeeSchedule::seed();
            if purpose_fee {
                fees.set(
                    RequestKind::PurposeNotification,
                    Fee { amount_yen: 300, methods: vec![PaymentMethod::Cash] },
                )
                .unwrap();
            }
            let config = RequestConfig { fees, target_days: target, require_registered_seal: seal };
            file(form, config, my_number).0
        },
    )
}

fn bytes(r: &Request) -> Vec<u8> {
    serde_json::to_vec(r).unwrap()
}

fn check_sequence(mut r: Request, cmds: Vec<(Command, i64)>) -> Result<(), TestCaseError> {
    let target = u64::from(r.config.target_days);
    for (cmd, offset) in cmds {
        let before = bytes(&r);
        match r.handle(&cmd, day(offset)) {
            Err(_) => prop_assert_eq!(bytes(&r), before, "an illegal command changed the state"),
            Ok((next, events)) => {
                for e in &events {
                    match &e.what {
                        EventKind::Decided { decision, grounds, .. } => {
                            prop_assert!(r.is_verified(), "decided before verification");
                            if decision.is_refusal() {
                                prop_assert!(!grounds.is_empty(), "refusal without grounds");
                                for (article, facts) in grounds {
                                    prop_assert!(article.contains("条"), "no article: {}", article);
                                    prop_assert!(!facts.trim().is_empty());
                                }
                            }
                        }
                        EventKind::Responded { .. } => {
                            prop_assert!(r.is_verified(), "answered before verification")
                        }
                        EventKind::FeeDemanded { kind, .. }
                        | EventKind::FeeReceived { kind, .. } => {
                            prop_assert!(kind.is_chargeable(), "fee for {}", kind);
                        }
                        _ => {}
                    }
                }
                r = next;
            }
        }
        prop_assert!(r.fees.iter().all(|f| f.kind.is_chargeable()));
        prop_assert_eq!(r.due_on, r.received_on + chrono::Days::new(target));
        let decided_corrections = r
            .items
            .iter()
            .filter(|i| i.kind.family() == KindFamily::Correction && i.decision.is_some())
            .count();
        prop_assert_eq!(decided_corrections, r.correction_records.len());
        if r.status == Status::Answered {
            prop_assert!(r.is_verified());
            prop_assert!(r.items.iter().all(|i| i.decision.is_some()));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// P7, M15 (APPI 37条, 38条, 33条2項, 34条; doc 003 37–40条): over any command
    /// sequence — nothing is decided or answered before identity (and for agents
    /// authority) is verified; no fee is demanded or received for a non-chargeable kind;
    /// every refusal carries grounds with an article; every confirmed correction leaves a
    /// correction record; an illegal command leaves the state byte-for-byte unchanged; the
    /// due date stays receipt + target.
    #[test]
    fn random_command_sequences_keep_every_invariant(r in start(), cmds in proptest::collection::vec((command(), 0i64..40), 1..40)) {
        check_sequence(r, cmds)?;
    }

    /// P7, M15: the same invariants over sequences biased towards lawful steps (the
    /// request's own kinds, the right staff), so answers and corrections happen often.
    #[test]
    fn directed_command_sequences_keep_every_invariant(r in start(), cmds in proptest::collection::vec((directed_command(), 0i64..40), 10..60)) {
        check_sequence(r, cmds)?;
    }

    /// P7 (APPI 38条1項): whatever fees are configured and kinds requested, fees are
    /// demanded only for chargeable kinds that have a configured fee.
    #[test]
    fn fees_are_demanded_only_for_chargeable_kinds(r in start()) {
        for f in &r.fees {
            prop_assert!(f.kind.is_chargeable());
            prop_assert!(r.form.kinds.contains(&f.kind));
            prop_assert_eq!(Some(f.amount_yen), r.config.fees.fee(f.kind).map(|x| x.amount_yen));
        }
    }

    /// P7 (doc 000 "2週間", APPI 39条): the due date is receipt + target and days left
    /// fall by one a day, also while waiting for documents.
    #[test]
    fn due_date_is_receipt_plus_target(target in 1u16..=60, elapsed in 0i64..90) {
        let config = RequestConfig { target_days: target, ..RequestConfig::seed() };
        let (r, _) = file(seed_form_principal_by_post(d0()), config, false);
        let (r, _) = ok(&r, Command::AwaitDocuments { by: clerk(), missing: vec!["本人確認書類".into()] }, t0());
        let today = d0() + chrono::Days::new(u64::try_from(elapsed).unwrap());
        prop_assert_eq!(r.due_on, d0() + chrono::Days::new(u64::from(target)));
        prop_assert_eq!(r.days_left(today), i64::from(target) - elapsed);
        prop_assert_eq!(r.elapsed_days(today), elapsed);
        prop_assert_eq!(r.is_overdue(today), elapsed > i64::from(target));
    }

    /// M15 (doc 003 37条1項): after masking, no My Number-like run remains in any text.
    #[test]
    fn masking_leaves_no_my_number(seeds in proptest::collection::vec(any::<u64>(), 0..5), filler in "[a-zあ-ん0-9 ]{0,20}") {
        let mut text = filler.clone();
        for s in &seeds {
            text.push_str(&format!(" 番号{} ", hogo_domain::testkit::synthetic_number(*s).expose()));
        }
        let m = mask_my_numbers(&text);
        prop_assert!(hogo_domain::my_number::find_my_number_like(&m.text).is_none());
        prop_assert!(m.count >= seeds.len());
    }
}
