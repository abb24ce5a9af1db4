//! The role × operation matrix: every cell the rules forbid is refused with its rule id.

use hogo_domain::policy::{
    CarryOutReason, Context, LifeBodyProperty, Operation, ProvisionCase, ThirdPartyBasis, decide,
};
use hogo_domain::{
    Actor, Affair, AffairSet, Consent, ConsentId, ConsentMethod, ConsentScope, ForbiddenItem,
    InfoCategory, OccupationalNecessity, OrganisationId, PayeeKind, Purpose, RefusalCode, Role,
    RuleId, SensitiveKind, StaffId, SubjectId, SubjectKind,
};
use uuid::Uuid;

fn org() -> OrganisationId {
    OrganisationId::from_uuid(Uuid::from_u128(1))
}

fn actor(role: Role) -> Actor {
    if role == Role::Contractor {
        Actor::contractor(
            StaffId::from_uuid(Uuid::from_u128(2)),
            org(),
            AffairSet::EMPTY.with(Affair::HealthPensionInsurance),
        )
    } else {
        Actor::new(StaffId::from_uuid(Uuid::from_u128(2)), org(), role)
    }
}

/// Expected outcome of one cell: `Ok` or the rule that refuses it.
type Cell = Result<(), RuleId>;

fn use_number(a: Affair) -> Operation {
    Operation::UseNumber { affair: Some(a), emergency: None }
}

/// M3, M8, M10, M12, M11, M13, M14, P5, M6, M5: the role × operation table. Each row
/// gives the expected outcome for the seven roles in the order NumberManager,
/// NumberClerk, PrivacyOfficer, PlacementStaff, Auditor, Administrator, Contractor
/// (contracted for 健康保険・厚生年金 only).
#[test]
fn role_operation_matrix_refuses_what_the_rules_forbid() {
    use RuleId::*;
    let ok: Cell = Ok(());
    let employee = SubjectKind::Employee;
    let seeker = SubjectKind::JobSeeker;
    let rows: Vec<(&str, Operation, &SubjectKind, [Cell; 7])> = vec![
        // M3: only the manager and named clerks handle numbers; M14: contractors within contract.
        (
            "M3/M14 collect for withholding",
            Operation::CollectNumber { affair: Affair::WithholdingSlip },
            &employee,
            [ok, ok, Err(M3), Err(M3), Err(M3), Err(M3), Err(M14)],
        ),
        (
            "M3/M14 collect for health insurance",
            Operation::CollectNumber { affair: Affair::HealthPensionInsurance },
            &employee,
            [ok, ok, Err(M3), Err(M3), Err(M3), Err(M3), ok],
        ),
        (
            "M8 use within affair",
            use_number(Affair::EmploymentInsurance),
            &employee,
            [ok, ok, Err(M3), Err(M3), Err(M3), Err(M3), Err(M14)],
        ),
        (
            "M8 use without affair",
            Operation::UseNumber { affair: None, emergency: None },
            &employee,
            [Err(M8), Err(M8), Err(M3), Err(M3), Err(M3), Err(M3), Err(M14)],
        ),
        (
            "M10 provision to tax office",
            Operation::ProvideNumber {
                case: ProvisionCase::AuthorityForAffair { affair: Affair::WithholdingSlip },
            },
            &employee,
            [ok, ok, Err(M3), Err(M3), Err(M3), Err(M3), Err(M14)],
        ),
        (
            "M10 provision to group company with consent",
            Operation::ProvideNumber { case: ProvisionCase::Unlisted { with_consent: true } },
            &employee,
            [Err(M10), Err(M10), Err(M3), Err(M3), Err(M3), Err(M3), Err(M14)],
        ),
        (
            "M12 carry out for no listed reason",
            Operation::CarryOut { reason: CarryOutReason::Other },
            &employee,
            [Err(M12), Err(M12), Err(M12), Err(M12), Err(M12), Err(M12), Err(M14)],
        ),
        (
            "M11 dispose numbers",
            Operation::DisposeNumbers,
            &employee,
            [ok, ok, Err(M11), Err(M11), Err(M11), Err(M11), Err(M11)],
        ),
        (
            "M11 approve disposal",
            Operation::ApproveNumberDisposal,
            &employee,
            [ok, Err(M11), Err(M11), Err(M11), Err(M11), Err(M11), Err(M11)],
        ),
        (
            "M3 approve use application",
            Operation::ApproveNumberUse,
            &employee,
            [ok, Err(M3), Err(M3), Err(M3), Err(M3), Err(M3), Err(M3)],
        ),
        (
            "P11 confirm placement disposal",
            Operation::ConfirmPlacementDisposal,
            &seeker,
            [Err(P11), Err(P11), ok, Err(P11), Err(P11), Err(P11), Err(P11)],
        ),
        (
            "P5 use job seeker data",
            Operation::UsePersonalInfo { purpose: Purpose::Interview },
            &seeker,
            [Err(P5), Err(P5), ok, ok, Err(P5), Err(P5), Err(P5)],
        ),
        (
            "M3 register an employee",
            Operation::ManageSubject,
            &employee,
            [ok, ok, Err(M3), Err(M3), Err(M3), Err(M3), ok],
        ),
        (
            "P5 register a job seeker",
            Operation::ManageSubject,
            &seeker,
            [Err(P5), Err(P5), ok, ok, Err(P5), Err(P5), Err(P5)],
        ),
        (
            "M6 read the register",
            Operation::ViewRegister,
            &employee,
            [ok, ok, ok, Err(M6), ok, Err(M6), Err(M6)],
        ),
        (
            "M5 read the ledger",
            Operation::ViewLedger,
            &employee,
            [ok, Err(M5), ok, Err(M5), ok, Err(M5), Err(M5)],
        ),
        (
            "M13 manage staff (separation of duties)",
            Operation::ManageStaff,
            &employee,
            [Err(M13), Err(M13), Err(M13), Err(M13), Err(M13), ok, Err(M13)],
        ),
    ];
    for (name, op, subject, expected) in rows {
        for (role, want) in Role::ALL.into_iter().zip(expected) {
            let a = actor(role);
            let ctx = Context::new(&a, AffairSet::all()).subject(subject);
            let got = decide(&ctx, &op).map(|_| ()).map_err(|r| r.rule);
            assert_eq!(got, want, "row {name:?}, role {role:?}");
        }
    }
}

/// M1: an affair the organisation does not run, or that does not concern the subject,
/// is refused even for the manager.
#[test]
fn affairs_outside_scope_are_refused() {
    let a = actor(Role::NumberManager);
    let only_tax = AffairSet::EMPTY.with(Affair::WithholdingSlip);
    let ctx = Context::new(&a, only_tax).subject(&SubjectKind::Employee);
    let r = decide(&ctx, &Operation::CollectNumber { affair: Affair::EmploymentInsurance })
        .unwrap_err();
    assert_eq!((r.rule, r.code), (RuleId::M1, RefusalCode::AffairNotInUse));
    let payee = SubjectKind::Payee(PayeeKind::Remuneration);
    let ctx = Context::new(&a, AffairSet::all()).subject(&payee);
    let r =
        decide(&ctx, &Operation::CollectNumber { affair: Affair::WithholdingSlip }).unwrap_err();
    assert_eq!((r.rule, r.code), (RuleId::M1, RefusalCode::AffairNotForSubject));
    let seeker = SubjectKind::JobSeeker;
    let ctx = Context::new(&a, AffairSet::all()).subject(&seeker);
    let r =
        decide(&ctx, &Operation::CollectNumber { affair: Affair::WithholdingSlip }).unwrap_err();
    assert_eq!(r.code, RefusalCode::NumberNotNeeded);
}

/// M8 (doc 003 Art. 19②): outside an affair only life/body/property with consent or
/// where consent is hard to get.
#[test]
fn life_body_property_is_the_only_exception() {
    let a = actor(Role::NumberClerk);
    let ctx = Context::new(&a, AffairSet::all()).subject(&SubjectKind::Employee);
    let no = LifeBodyProperty { consent: false, consent_hard_to_get: false };
    let yes = LifeBodyProperty { consent: false, consent_hard_to_get: true };
    assert!(decide(&ctx, &Operation::UseNumber { affair: None, emergency: Some(no) }).is_err());
    assert!(decide(&ctx, &Operation::UseNumber { affair: None, emergency: Some(yes) }).is_ok());
}

/// M10: every 番号法19条 case that concerns an employer is allowed under its own condition.
#[test]
fn provision_cases_follow_article_19() {
    let a = actor(Role::NumberClerk);
    let ctx = Context::new(&a, AffairSet::all()).subject(&SubjectKind::Employee);
    let cases = [
        (ProvisionCase::ToPersonOrAgent, true),
        (ProvisionCase::ChangeOfEmployer { consent: true }, true),
        (ProvisionCase::ChangeOfEmployer { consent: false }, false),
        (ProvisionCase::Outsourcing { affair: Affair::WithholdingSlip }, true),
        (ProvisionCase::BusinessSuccession, true),
        (ProvisionCase::PersonalInformationProtectionCommission, true),
        (ProvisionCase::PublicInterest { body: "地方裁判所（令状）".into() }, true),
        (ProvisionCase::PublicInterest { body: "  ".into() }, false),
        (
            ProvisionCase::LifeBodyProperty(LifeBodyProperty {
                consent: true,
                consent_hard_to_get: false,
            }),
            true,
        ),
        (ProvisionCase::Unlisted { with_consent: true }, false),
    ];
    for (case, lawful) in cases {
        let got = decide(&ctx, &Operation::ProvideNumber { case: case.clone() });
        assert_eq!(got.is_ok(), lawful, "{case:?}");
        if let Err(r) = got {
            assert_eq!(r.rule, RuleId::M10);
        }
    }
}

fn consent(scope: ConsentScope) -> Consent {
    Consent {
        id: ConsentId::from_uuid(Uuid::from_u128(7)),
        subject: SubjectId::from_uuid(Uuid::from_u128(8)),
        scope,
        given_at: chrono::DateTime::UNIX_EPOCH,
        method: ConsentMethod::Written,
        recorded_by: StaffId::from_uuid(Uuid::from_u128(2)),
        withdrawn_at: None,
    }
}

/// P2: never-collect items are refused; the occupational exception needs all three
/// conditions; 要配慮 needs consent after the need was explained.
#[test]
fn collection_limits_of_p2() {
    let a = actor(Role::PlacementStaff);
    let seeker = SubjectKind::JobSeeker;
    let now = chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(1);
    let collect = |category, ctx: &Context<'_>| {
        decide(
            ctx,
            &Operation::CollectPersonalInfo {
                category,
                purpose: Purpose::Interview,
                from_the_person: true,
            },
        )
    };
    let ctx = Context::new(&a, AffairSet::all()).subject(&seeker);
    let r = collect(InfoCategory::Forbidden(ForbiddenItem::RegisteredDomicile), &ctx).unwrap_err();
    assert_eq!((r.rule, r.code), (RuleId::P2, RefusalCode::ForbiddenItem));
    // 人種 is both: never-collect wins even with a 要配慮 consent.
    let c = [consent(ConsentScope::SensitiveAcquisition {
        kind: SensitiveKind::Race,
        need_explained: true,
    })];
    let ctx2 = Context::new(&a, AffairSet::all()).subject(&seeker).consents(&c, now);
    assert!(collect(InfoCategory::of_sensitive(SensitiveKind::Race), &ctx2).is_err());
    let ex = [OccupationalNecessity {
        item: ForbiddenItem::Birthplace,
        necessity: "地域限定の通訳業務".into(),
        purpose_shown: true,
        from_the_person: true,
    }];
    let ctx3 = Context::new(&a, AffairSet::all()).subject(&seeker).exceptions(&ex);
    assert!(collect(InfoCategory::Forbidden(ForbiddenItem::Birthplace), &ctx3).is_ok());
    assert!(collect(InfoCategory::Forbidden(ForbiddenItem::RegisteredDomicile), &ctx3).is_err());
    let sick = InfoCategory::Sensitive(SensitiveKind::MedicalHistory);
    assert_eq!(collect(sick, &ctx).unwrap_err().code, RefusalCode::SensitiveWithoutConsent);
    let unexplained = [consent(ConsentScope::SensitiveAcquisition {
        kind: SensitiveKind::MedicalHistory,
        need_explained: false,
    })];
    let ctx4 = Context::new(&a, AffairSet::all()).subject(&seeker).consents(&unexplained, now);
    assert!(collect(sick, &ctx4).is_err());
    let explained = [consent(ConsentScope::SensitiveAcquisition {
        kind: SensitiveKind::MedicalHistory,
        need_explained: true,
    })];
    let ctx5 = Context::new(&a, AffairSet::all()).subject(&seeker).consents(&explained, now);
    assert!(collect(sick, &ctx5).is_ok());
    let r = decide(
        &ctx,
        &Operation::CollectPersonalInfo {
            category: InfoCategory::Ordinary,
            purpose: Purpose::Interview,
            from_the_person: false,
        },
    )
    .unwrap_err();
    assert_eq!(r.code, RefusalCode::CollectionFromOthersWithoutConsent);
}

/// P1, P3: consent-based purposes need active consent; a withdrawn mail-magazine consent
/// stops the use; provision only to the consented recipient or by law.
#[test]
fn purposes_and_provision_of_p1_p3() {
    let a = actor(Role::PlacementStaff);
    let seeker = SubjectKind::JobSeeker;
    let now = chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(10);
    let mut mail = consent(ConsentScope::Purpose { purpose: Purpose::MailMagazine });
    let ctx = Context::new(&a, AffairSet::all()).subject(&seeker);
    assert_eq!(
        decide(&ctx, &Operation::UsePersonalInfo { purpose: Purpose::MailMagazine })
            .unwrap_err()
            .code,
        RefusalCode::PurposeWithoutConsent
    );
    let given = [mail.clone()];
    let ctx = Context::new(&a, AffairSet::all()).subject(&seeker).consents(&given, now);
    assert!(decide(&ctx, &Operation::UsePersonalInfo { purpose: Purpose::MailMagazine }).is_ok());
    mail.withdrawn_at = Some(chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(5));
    let withdrawn = [mail];
    let ctx = Context::new(&a, AffairSet::all()).subject(&seeker).consents(&withdrawn, now);
    assert!(decide(&ctx, &Operation::UsePersonalInfo { purpose: Purpose::MailMagazine }).is_err());
    // A purpose not stated to the person is refused even with consent.
    let stated = [Purpose::Interview];
    let ctx = Context::new(&a, AffairSet::all()).subject(&seeker).stated_purposes(&stated);
    assert_eq!(
        decide(&ctx, &Operation::UsePersonalInfo { purpose: Purpose::ServiceAnalysis })
            .unwrap_err()
            .code,
        RefusalCode::PurposeNotStated
    );
    let to_acme = [consent(ConsentScope::Recipient {
        recipient: "株式会社アクメ".into(),
        purpose: Purpose::ProvisionToEmployer,
    })];
    let ctx = Context::new(&a, AffairSet::all()).subject(&seeker).consents(&to_acme, now);
    let provide = |r: &str| Operation::ProvidePersonalInfo {
        basis: ThirdPartyBasis::RecruitingEmployer { recipient: r.into() },
    };
    assert!(decide(&ctx, &provide("株式会社アクメ")).is_ok());
    assert_eq!(decide(&ctx, &provide("別会社")).unwrap_err().rule, RuleId::P3);
    assert!(
        decide(
            &ctx,
            &Operation::ProvidePersonalInfo {
                basis: ThirdPartyBasis::RequiredByLaw { law: "刑事訴訟法197条2項".into() }
            }
        )
        .is_ok()
    );
    assert!(
        decide(&ctx, &Operation::ProvidePersonalInfo { basis: ThirdPartyBasis::Other }).is_err()
    );
}
