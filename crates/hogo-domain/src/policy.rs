//! The access policy: may this actor perform this operation on this data for this
//! affair or purpose? One pure function, [`decide`], returns an [`Authorization`] naming
//! the legal basis, or a [`Refusal`] naming the rule (P*/M*) in Japanese and English.
//!
//! ```
//! use hogo_domain::policy::{decide, Context, Operation};
//! use hogo_domain::{Actor, Affair, AffairSet, OrganisationId, Role, StaffId, SubjectKind};
//! let org = OrganisationId::from_uuid(uuid::Uuid::from_u128(1));
//! let clerk = Actor::new(StaffId::from_uuid(uuid::Uuid::from_u128(2)), org, Role::NumberClerk);
//! let ctx = Context::new(&clerk, AffairSet::all()).subject(&SubjectKind::Employee);
//! assert!(decide(&ctx, &Operation::UseNumber { affair: Some(Affair::WithholdingSlip), emergency: None }).is_ok());
//! // Consent never widens the purpose of a My Number (M8):
//! let refused = decide(&ctx, &Operation::UseNumber { affair: None, emergency: None }).unwrap_err();
//! assert_eq!(refused.rule, hogo_domain::RuleId::M8);
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::affair::{Affair, AffairSet, Purpose};
use crate::consent::{Consent, ConsentScope};
use crate::info::{InfoCategory, OccupationalNecessity};
use crate::rule::RuleId;
use crate::staff::{Actor, Role};
use crate::subject::SubjectKind;

/// Protecting life, body or property (doc 003 Art. 19②, 番号法9条5項 / 19条16号): only
/// with the person's consent or where consent is hard to get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LifeBodyProperty {
    /// The person consented.
    pub consent: bool,
    /// Consent is hard to get (the person is unconscious, unreachable, …).
    pub consent_hard_to_get: bool,
}

impl LifeBodyProperty {
    fn holds(self) -> bool {
        self.consent || self.consent_hard_to_get
    }
}

/// A case of 番号法19条 that concerns an employer, keyed by meaning (item numbers have
/// changed before).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "case")]
pub enum ProvisionCase {
    /// To an authority (税務署, 年金機構, ハローワーク, 市町村) as 関係事務 for an affair.
    AuthorityForAffair {
        /// The affair the filing belongs to.
        affair: Affair,
    },
    /// To the person or their agent, including in answer to a 開示 request.
    ToPersonOrAgent,
    /// Change of employer (出向・転籍 included), old → new, with the employee's consent.
    ChangeOfEmployer {
        /// The employee consented once the new employer was known.
        consent: bool,
    },
    /// To a 委託先 for a contracted affair.
    Outsourcing {
        /// The contracted affair.
        affair: Affair,
    },
    /// 合併その他の事由による事業の承継.
    BusinessSuccession,
    /// To the 個人情報保護委員会 on its request.
    PersonalInformationProtectionCommission,
    /// 国会, courts, criminal or tax-offence investigation, 会計検査院 and the other
    /// public-interest cases of 令26条.
    PublicInterest {
        /// Which body and on what basis (recorded; must not be empty).
        body: String,
    },
    /// Life, body or property.
    LifeBodyProperty(LifeBodyProperty),
    /// Anything else — e.g. to a group company, or "with consent". Always refused:
    /// consent never makes a provision lawful (番号法19条).
    Unlisted {
        /// Whether the person consented (it does not help).
        with_consent: bool,
    },
}

impl ProvisionCase {
    /// The legal basis cited for the case.
    pub fn legal_basis(&self) -> &'static str {
        match self {
            Self::AuthorityForAffair { .. } => "番号法19条2号（関係事務）",
            Self::ToPersonOrAgent => "番号法19条（本人・代理人への提供、番号GL）",
            Self::ChangeOfEmployer { .. } => "番号法19条4号（転職時、本人同意）",
            Self::Outsourcing { .. } => "番号法19条6号（委託）",
            Self::BusinessSuccession => "番号法19条6号（事業承継）",
            Self::PersonalInformationProtectionCommission => "番号法19条13号（個人情報保護委員会）",
            Self::PublicInterest { .. } => "番号法19条15号・令26条（公益上の必要）",
            Self::LifeBodyProperty(_) => "番号法19条16号（人の生命、身体又は財産の保護）",
            Self::Unlisted { .. } => "番号法19条（該当なし）",
        }
    }
}

/// Why data is carried out of the 管理区域 / 取扱区域 (doc 003 Art. 28, M12).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum CarryOutReason {
    /// ① to a 委託先 within the contracted work.
    ToContractor {
        /// The contracted affair.
        affair: Affair,
    },
    /// ② filing with an authority for an affair.
    ToAuthority {
        /// The affair.
        affair: Affair,
    },
    /// To the person in answer to their request (e.g. a disclosure).
    ToPersonOnRequest,
    /// For a provision the policy allows.
    ForProvision(ProvisionCase),
    /// Anything else (refused).
    Other,
}

/// The basis for providing ordinary personal data to a third party (doc 000 §3, P3).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "basis")]
pub enum ThirdPartyBasis {
    /// ① to the 求人企業 applied to, with the person's consent.
    RecruitingEmployer {
        /// The employer's name.
        recipient: String,
    },
    /// ② to a 業務提携先職業紹介所 the person permitted.
    PartnerAgency {
        /// The agency's name.
        recipient: String,
    },
    /// ③ where a law requires it (法令に基づく場合).
    RequiredByLaw {
        /// The law and article (recorded; must not be empty).
        law: String,
    },
    /// Anything else (refused).
    Other,
}

/// An operation someone wants to perform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum Operation {
    /// 取得: collect and store a My Number for an affair (M1, M7).
    CollectNumber {
        /// The affair that needs it.
        affair: Affair,
    },
    /// 利用・出力: use or output a number. `affair: None` means "no affair" — only the
    /// life/body/property exception can then allow it (M8).
    UseNumber {
        /// The affair the use belongs to.
        affair: Option<Affair>,
        /// The life/body/property exception, if claimed.
        emergency: Option<LifeBodyProperty>,
    },
    /// 提供: provide a number to someone outside the organisation (M10).
    ProvideNumber {
        /// The 番号法19条 case.
        case: ProvisionCase,
    },
    /// 持出し: carry data out of the areas (M12).
    CarryOut {
        /// Why.
        reason: CarryOutReason,
    },
    /// 削除・廃棄 of numbers and specific personal information (M11).
    DisposeNumbers,
    /// Approve a use application (利用申請, doc 003 Art. 6②).
    ApproveNumberUse,
    /// Approve a disposal batch of My Number data (M11).
    ApproveNumberDisposal,
    /// Confirm disposal of job seekers' data (P11: the 個人情報取扱責任者 confirms).
    ConfirmPlacementDisposal,
    /// Collect an item of personal information (P2).
    CollectPersonalInfo {
        /// The item's category.
        category: InfoCategory,
        /// The purpose it is collected for.
        purpose: Purpose,
        /// Collected from the person themself.
        from_the_person: bool,
    },
    /// Use personal information for a purpose (P1).
    UsePersonalInfo {
        /// The purpose.
        purpose: Purpose,
    },
    /// Provide personal information to a third party (P3).
    ProvidePersonalInfo {
        /// The basis.
        basis: ThirdPartyBasis,
    },
    /// Register or update a subject and its ordinary data (subjects of number affairs:
    /// number staff, M3; job seekers: placement staff, P5).
    ManageSubject,
    /// Handle a 開示等の請求 (P7, M15).
    HandleRequest,
    /// Read the 管理台帳 (M6).
    ViewRegister,
    /// Read, verify or export the ledger (M5).
    ViewLedger,
    /// Manage staff accounts and roles (M13 Art. 30, P10).
    ManageStaff,
    /// Record incidents, contractors, training, complaints, reviews (M4, M14, M16, P6, P8).
    Governance,
}

/// Everything the policy looks at besides the operation. Borrowed, built per decision.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The acting staff member.
    pub actor: &'a Actor,
    /// The organisation's affairs in use (its Art. 3 list).
    pub affairs_in_use: AffairSet,
    /// The subject the operation concerns, if one.
    pub subject: Option<&'a SubjectKind>,
    /// Consents of that subject.
    pub consents: &'a [Consent],
    /// The purposes stated (notified or published) to the person (P1, 職安法5条の5).
    pub stated_purposes: &'a [Purpose],
    /// Recorded occupational-necessity exceptions (P2).
    pub exceptions: &'a [OccupationalNecessity],
    /// When the decision is made (for withdrawn consents).
    pub at: Option<DateTime<Utc>>,
}

impl<'a> Context<'a> {
    /// A context for `actor` in an organisation using `affairs_in_use`.
    pub fn new(actor: &'a Actor, affairs_in_use: AffairSet) -> Self {
        Self {
            actor,
            affairs_in_use,
            subject: None,
            consents: &[],
            stated_purposes: &Purpose::ALL,
            exceptions: &[],
            at: None,
        }
    }

    /// Sets the subject.
    #[must_use]
    pub fn subject(mut self, subject: &'a SubjectKind) -> Self {
        self.subject = Some(subject);
        self
    }

    /// Sets the subject's consents and the decision time.
    #[must_use]
    pub fn consents(mut self, consents: &'a [Consent], at: DateTime<Utc>) -> Self {
        self.consents = consents;
        self.at = Some(at);
        self
    }

    /// Sets the purposes stated to the person.
    #[must_use]
    pub fn stated_purposes(mut self, purposes: &'a [Purpose]) -> Self {
        self.stated_purposes = purposes;
        self
    }

    /// Sets the recorded occupational-necessity exceptions.
    #[must_use]
    pub fn exceptions(mut self, exceptions: &'a [OccupationalNecessity]) -> Self {
        self.exceptions = exceptions;
        self
    }

    fn has_consent(&self, test: impl Fn(&ConsentScope) -> bool) -> bool {
        self.consents.iter().any(|c| test(&c.scope) && self.at.is_none_or(|at| c.is_active_at(at)))
    }
}

/// A permission to go ahead, with the legal basis to record in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorization {
    /// The rule the decision was taken under.
    pub rule: RuleId,
    /// The legal basis, for the ledger entry.
    pub legal_basis: String,
}

/// Why an operation was refused: the rule, a stable code, and a message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("[{rule}] {message_ja} / {message_en}")]
pub struct Refusal {
    /// The rule that forbids it.
    pub rule: RuleId,
    /// A stable machine-readable code.
    pub code: RefusalCode,
    /// The message in Japanese.
    pub message_ja: String,
    /// The message in English.
    pub message_en: String,
}

/// Stable refusal codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RefusalCode {
    /// The role may not do this.
    RoleNotAllowed,
    /// A contractor outside the contracted affairs.
    OutsideContract,
    /// The affair is not among the organisation's affairs in use.
    AffairNotInUse,
    /// The affair does not concern this kind of subject.
    AffairNotForSubject,
    /// A number used with no affair.
    NoAffair,
    /// A provision outside 番号法19条.
    ProvisionNotAllowed,
    /// Carrying out outside Art. 28's cases.
    CarryOutNotAllowed,
    /// A never-collect item.
    ForbiddenItem,
    /// 要配慮 without recorded consent after explanation.
    SensitiveWithoutConsent,
    /// Collected from others without consent.
    CollectionFromOthersWithoutConsent,
    /// A purpose not stated to the person.
    PurposeNotStated,
    /// A purpose that needs consent, without it.
    PurposeWithoutConsent,
    /// Provision of personal data without a basis.
    ThirdPartyWithoutBasis,
    /// A My Number for a job seeker (no affair can need it).
    NumberNotNeeded,
    /// A 委託先 without every selection check and contract clause recorded, past its
    /// contract, or outside its contracted affairs (M14).
    ContractorNotReady,
    /// A 再委託 without the organisation's permission (M14, doc 003 Art. 36).
    SubcontractNotPermitted,
}

fn refuse(
    rule: RuleId,
    code: RefusalCode,
    ja: impl Into<String>,
    en: impl Into<String>,
) -> Refusal {
    Refusal { rule, code, message_ja: ja.into(), message_en: en.into() }
}

fn allow(rule: RuleId, basis: impl Into<String>) -> Result<Authorization, Refusal> {
    Ok(Authorization { rule, legal_basis: basis.into() })
}

/// Checks that the actor's role may handle My Numbers for `affair` (M3, M13 Art. 30,
/// M14 for contractors).
fn number_role(actor: &Actor, affair: Option<Affair>) -> Result<(), Refusal> {
    match actor.role {
        Role::NumberManager | Role::NumberClerk => Ok(()),
        Role::Contractor => match affair {
            Some(a) if actor.contracted_affairs.contains(a) => Ok(()),
            _ => Err(refuse(
                RuleId::M14,
                RefusalCode::OutsideContract,
                "委託先の担当者は委託された事務の範囲でのみ個人番号を取り扱えます",
                "contractor staff may handle numbers only for the contracted affairs",
            )),
        },
        role => Err(refuse(
            RuleId::M3,
            RefusalCode::RoleNotAllowed,
            format!(
                "{}は個人番号を取り扱えません（事務取扱責任者・事務取扱担当者のみ）",
                role.label_ja()
            ),
            format!(
                "the role {} may not handle My Numbers (only the number manager and named clerks)",
                role.id()
            ),
        )),
    }
}

fn affair_in_scope(ctx: &Context<'_>, affair: Affair) -> Result<(), Refusal> {
    if !ctx.affairs_in_use.contains(affair) {
        return Err(refuse(
            RuleId::M1,
            RefusalCode::AffairNotInUse,
            format!("「{}」はこの事業者の個人番号関係事務に含まれていません", affair.label_ja()),
            format!("the affair {} is not among this organisation's affairs", affair.id()),
        ));
    }
    if let Some(subject) = ctx.subject
        && !subject.affair_applies(affair)
    {
        return Err(refuse(
            RuleId::M1,
            RefusalCode::AffairNotForSubject,
            format!("「{}」は{}に関する事務ではありません", affair.label_ja(), subject.label_ja()),
            format!(
                "the affair {} does not concern a subject of kind {}",
                affair.id(),
                subject.id()
            ),
        ));
    }
    Ok(())
}

fn only(
    ctx: &Context<'_>,
    roles: &[Role],
    rule: RuleId,
    what_ja: &str,
    what_en: &str,
) -> Result<(), Refusal> {
    if roles.contains(&ctx.actor.role) {
        Ok(())
    } else {
        Err(refuse(
            rule,
            RefusalCode::RoleNotAllowed,
            format!("{}は{}を行えません", ctx.actor.role.label_ja(), what_ja),
            format!("the role {} may not {}", ctx.actor.role.id(), what_en),
        ))
    }
}

/// Checks that the actor's role may handle the subject's ordinary personal data:
/// job seekers' data only by placement staff (P5); other subjects' data by number staff.
fn personal_data_role(ctx: &Context<'_>) -> Result<(), Refusal> {
    match ctx.subject {
        Some(SubjectKind::JobSeeker) | None => only(
            ctx,
            &[Role::PrivacyOfficer, Role::PlacementStaff],
            RuleId::P5,
            "求職者の個人情報の取扱い（職業紹介部門の職員のみ）",
            "handle job seekers' personal data (placement staff only)",
        ),
        Some(_) => number_role(ctx.actor, None).or_else(|e| match ctx.actor.role {
            Role::Contractor if !ctx.actor.contracted_affairs.is_empty() => Ok(()),
            _ => Err(e),
        }),
    }
}

/// Decides whether `ctx.actor` may perform `op`.
///
/// Pure: no I/O, no clock. Every refusal names its rule; every authorization names the
/// legal basis to record.
pub fn decide(ctx: &Context<'_>, op: &Operation) -> Result<Authorization, Refusal> {
    match op {
        Operation::CollectNumber { affair } => {
            number_role(ctx.actor, Some(*affair))?;
            if matches!(ctx.subject, Some(SubjectKind::JobSeeker)) {
                return Err(refuse(
                    RuleId::M1,
                    RefusalCode::NumberNotNeeded,
                    "求職者の個人番号は取得できません（個人番号関係事務がありません。番号法15条・20条）",
                    "a job seeker's My Number may not be collected: no affair needs it (番号法15条, 20条)",
                ));
            }
            affair_in_scope(ctx, *affair)?;
            allow(RuleId::M7, format!("番号法14条・16条（{}）", affair.label_ja()))
        }
        Operation::UseNumber { affair, emergency } => {
            number_role(ctx.actor, *affair)?;
            match (affair, emergency) {
                (Some(a), _) => {
                    affair_in_scope(ctx, *a)?;
                    allow(RuleId::M8, format!("番号法9条3項（{}）", a.label_ja()))
                }
                (None, Some(e)) if e.holds() => {
                    allow(RuleId::M8, "番号法9条5項・規程19条2項（人の生命、身体又は財産の保護）")
                }
                _ => Err(refuse(
                    RuleId::M8,
                    RefusalCode::NoAffair,
                    "個人番号は個人番号関係事務の範囲でのみ利用できます（本人の同意があっても範囲は広がりません）",
                    "a My Number may be used only within an affair; consent never widens that",
                )),
            }
        }
        Operation::ProvideNumber { case } => {
            let affair = match case {
                ProvisionCase::AuthorityForAffair { affair }
                | ProvisionCase::Outsourcing { affair } => Some(*affair),
                _ => None,
            };
            if ctx.actor.role == Role::Contractor {
                number_role(ctx.actor, affair)?;
            } else {
                only(
                    ctx,
                    &[Role::NumberManager, Role::NumberClerk],
                    RuleId::M3,
                    "個人番号の提供",
                    "provide My Numbers",
                )?;
            }
            if let Some(a) = affair {
                affair_in_scope(ctx, a)?;
            }
            let lawful = match case {
                ProvisionCase::AuthorityForAffair { .. }
                | ProvisionCase::ToPersonOrAgent
                | ProvisionCase::Outsourcing { .. }
                | ProvisionCase::BusinessSuccession
                | ProvisionCase::PersonalInformationProtectionCommission => true,
                ProvisionCase::ChangeOfEmployer { consent } => *consent,
                ProvisionCase::PublicInterest { body } => !body.trim().is_empty(),
                ProvisionCase::LifeBodyProperty(e) => e.holds(),
                ProvisionCase::Unlisted { .. } => false,
            };
            if lawful {
                allow(RuleId::M10, case.legal_basis())
            } else {
                Err(refuse(
                    RuleId::M10,
                    RefusalCode::ProvisionNotAllowed,
                    "番号法19条に該当しない提供はできません（本人の同意があっても不可）",
                    "provision outside 番号法19条 is forbidden, consent or not",
                ))
            }
        }
        Operation::CarryOut { reason } => {
            let affair = match reason {
                CarryOutReason::ToContractor { affair }
                | CarryOutReason::ToAuthority { affair } => Some(*affair),
                _ => None,
            };
            if ctx.actor.role == Role::Contractor {
                number_role(ctx.actor, affair)?;
            } else {
                only(
                    ctx,
                    &[Role::NumberManager, Role::NumberClerk],
                    RuleId::M12,
                    "持出し",
                    "carry data out",
                )?;
            }
            if let Some(a) = affair {
                affair_in_scope(ctx, a)?;
            }
            match reason {
                CarryOutReason::ToContractor { .. } => {
                    allow(RuleId::M12, "規程28条1項①（委託先への提供）")
                }
                CarryOutReason::ToAuthority { .. } => {
                    allow(RuleId::M12, "規程28条1項②（行政機関等への提出）")
                }
                CarryOutReason::ToPersonOnRequest => {
                    allow(RuleId::M12, "番号法19条（本人への開示）・規程37条")
                }
                CarryOutReason::ForProvision(case) => {
                    decide(ctx, &Operation::ProvideNumber { case: case.clone() })?;
                    allow(RuleId::M12, case.legal_basis())
                }
                CarryOutReason::Other => Err(refuse(
                    RuleId::M12,
                    RefusalCode::CarryOutNotAllowed,
                    "規程28条に定める場合を除き、持出しは禁止されています",
                    "carrying data out is forbidden outside the cases of Art. 28",
                )),
            }
        }
        Operation::DisposeNumbers => {
            only(
                ctx,
                &[Role::NumberManager, Role::NumberClerk],
                RuleId::M11,
                "個人番号の削除・廃棄",
                "dispose of numbers",
            )?;
            allow(RuleId::M11, "番号法20条・番号GL第4-3-(3)B・規程29条")
        }
        Operation::ApproveNumberUse => {
            only(
                ctx,
                &[Role::NumberManager],
                RuleId::M3,
                "利用申請の承認",
                "approve a use application",
            )?;
            allow(RuleId::M3, "規程6条2項")
        }
        Operation::ApproveNumberDisposal => {
            only(ctx, &[Role::NumberManager], RuleId::M11, "廃棄の承認", "approve a disposal")?;
            allow(RuleId::M11, "規程29条")
        }
        Operation::ConfirmPlacementDisposal => {
            only(
                ctx,
                &[Role::PrivacyOfficer],
                RuleId::P11,
                "求職者情報の廃棄の確認",
                "confirm disposal of job seekers' data",
            )?;
            allow(RuleId::P11, "個人情報適正管理規程11・個人情報保護法22条")
        }
        Operation::CollectPersonalInfo { category, purpose, from_the_person } => {
            collect_personal(ctx, *category, *purpose, *from_the_person)
        }
        Operation::UsePersonalInfo { purpose } => {
            personal_data_role(ctx)?;
            purpose_allowed(ctx, *purpose)?;
            allow(RuleId::P1, format!("利用目的: {}", purpose.label_ja()))
        }
        Operation::ProvidePersonalInfo { basis } => {
            personal_data_role(ctx)?;
            let (ok, purpose) = match basis {
                ThirdPartyBasis::RecruitingEmployer { recipient } => (
                    consent_to(ctx, Purpose::ProvisionToEmployer, recipient),
                    Some(Purpose::ProvisionToEmployer),
                ),
                ThirdPartyBasis::PartnerAgency { recipient } => (
                    consent_to(ctx, Purpose::ProvisionToPartnerAgency, recipient),
                    Some(Purpose::ProvisionToPartnerAgency),
                ),
                ThirdPartyBasis::RequiredByLaw { law } => (!law.trim().is_empty(), None),
                ThirdPartyBasis::Other => (false, None),
            };
            if let Some(p) = purpose {
                purpose_stated(ctx, p)?;
            }
            if ok {
                allow(
                    RuleId::P3,
                    match basis {
                        ThirdPartyBasis::RequiredByLaw { law } => {
                            format!("法令に基づく場合: {law}")
                        }
                        _ => "本人の同意（個人情報保護法27条1項）".to_owned(),
                    },
                )
            } else {
                Err(refuse(
                    RuleId::P3,
                    RefusalCode::ThirdPartyWithoutBasis,
                    "本人の同意（求人企業・業務提携先）又は法令に基づく場合を除き、第三者に提供できません",
                    "personal data may be provided only with consent to the employer or partner agency, or where a law requires",
                ))
            }
        }
        Operation::ManageSubject => {
            personal_data_role(ctx)?;
            let rule = if matches!(ctx.subject, Some(SubjectKind::JobSeeker)) {
                RuleId::P5
            } else {
                RuleId::M3
            };
            allow(rule, "個人情報保護法17条・18条（利用目的の範囲内での取扱い）")
        }
        Operation::HandleRequest => {
            let rule = if matches!(ctx.subject, Some(SubjectKind::JobSeeker)) {
                RuleId::P7
            } else {
                RuleId::M15
            };
            only(
                ctx,
                &[
                    Role::NumberManager,
                    Role::NumberClerk,
                    Role::PrivacyOfficer,
                    Role::PlacementStaff,
                ],
                rule,
                "開示等の請求の処理",
                "handle requests",
            )?;
            if rule == RuleId::P7 {
                personal_data_role(ctx)?;
            }
            allow(rule, "個人情報保護法32条〜39条")
        }
        Operation::ViewRegister => {
            only(
                ctx,
                &[Role::NumberManager, Role::NumberClerk, Role::PrivacyOfficer, Role::Auditor],
                RuleId::M6,
                "管理台帳の閲覧",
                "read the register",
            )?;
            allow(RuleId::M6, "規程10条")
        }
        Operation::ViewLedger => {
            only(
                ctx,
                &[Role::NumberManager, Role::PrivacyOfficer, Role::Auditor],
                RuleId::M5,
                "取扱記録の閲覧",
                "read the handling records",
            )?;
            allow(RuleId::M5, "規程9条")
        }
        Operation::ManageStaff => {
            only(
                ctx,
                &[Role::Administrator],
                RuleId::M13,
                "アカウント管理",
                "manage staff accounts",
            )?;
            allow(RuleId::M13, "規程30条・31条")
        }
        Operation::Governance => {
            only(
                ctx,
                &[Role::NumberManager, Role::PrivacyOfficer],
                RuleId::M16,
                "管理業務の記録",
                "record governance matters",
            )?;
            allow(RuleId::M16, "規程8条・35条・36条・43条〜45条")
        }
    }
}

fn consent_to(ctx: &Context<'_>, purpose: Purpose, recipient: &str) -> bool {
    ctx.has_consent(|s| match s {
        ConsentScope::Recipient { recipient: r, purpose: p }
        | ConsentScope::ProvisionOfItems { recipient: r, purpose: p, .. } => {
            *p == purpose && r == recipient
        }
        _ => false,
    })
}

fn purpose_stated(ctx: &Context<'_>, purpose: Purpose) -> Result<(), Refusal> {
    if ctx.stated_purposes.contains(&purpose) {
        Ok(())
    } else {
        Err(refuse(
            RuleId::P1,
            RefusalCode::PurposeNotStated,
            format!(
                "利用目的「{}」は本人に明示されていません（職業安定法5条の5）",
                purpose.label_ja()
            ),
            format!("the purpose {} was not stated to the person (職業安定法5条の5)", purpose.id()),
        ))
    }
}

fn purpose_allowed(ctx: &Context<'_>, purpose: Purpose) -> Result<(), Refusal> {
    purpose_stated(ctx, purpose)?;
    if purpose.needs_consent()
        && !ctx.has_consent(|s| {
            matches!(s, ConsentScope::Purpose { purpose: p } if *p == purpose)
                || matches!(s, ConsentScope::Recipient { purpose: p, .. } if *p == purpose)
                || matches!(s, ConsentScope::ProvisionOfItems { purpose: p, .. } if *p == purpose)
        })
    {
        return Err(refuse(
            RuleId::P1,
            RefusalCode::PurposeWithoutConsent,
            format!(
                "利用目的「{}」には本人の同意が必要です（撤回された同意は無効）",
                purpose.label_ja()
            ),
            format!(
                "the purpose {} needs the person's consent (a withdrawn consent does not count)",
                purpose.id()
            ),
        ));
    }
    Ok(())
}

fn collect_personal(
    ctx: &Context<'_>,
    category: InfoCategory,
    purpose: Purpose,
    from_the_person: bool,
) -> Result<Authorization, Refusal> {
    if category == InfoCategory::MyNumber {
        return decide(ctx, &Operation::UseNumber { affair: None, emergency: None })
            .and_then(|_| unreachable_refusal());
    }
    personal_data_role(ctx)?;
    purpose_stated(ctx, purpose)?;
    if !from_the_person
        && !ctx.has_consent(|s| matches!(s, ConsentScope::CollectionFromOthers { .. }))
    {
        return Err(refuse(
            RuleId::P2,
            RefusalCode::CollectionFromOthersWithoutConsent,
            "本人以外から収集するには本人の同意が必要です",
            "collecting from anyone but the person needs the person's consent",
        ));
    }
    match category {
        InfoCategory::Forbidden(item) => {
            let excepted = ctx.exceptions.iter().any(|e| e.item == item && e.is_complete()) && from_the_person;
            if excepted {
                allow(RuleId::P2, "職業安定法指針（特別な職業上の必要性、目的を示して本人から収集）")
            } else {
                Err(refuse(
                    RuleId::P2,
                    RefusalCode::ForbiddenItem,
                    format!("「{}」は収集しません（職業安定法5条の5・指針）", item.label_ja()),
                    "this item is never collected (職業安定法5条の5 and its guideline)",
                ))
            }
        }
        InfoCategory::Sensitive(kind) => {
            if ctx.has_consent(|s| {
                matches!(s, ConsentScope::SensitiveAcquisition { kind: k, need_explained: true } if *k == kind)
            }) {
                allow(RuleId::P2, "個人情報保護法20条2項（必要性を説明し同意を取得）")
            } else {
                Err(refuse(
                    RuleId::P2,
                    RefusalCode::SensitiveWithoutConsent,
                    format!("要配慮個人情報「{}」は必要性を説明し同意を得てから取得します", kind.label_ja()),
                    "special-care personal information needs consent obtained after explaining the need (APPI 20条2項)",
                ))
            }
        }
        InfoCategory::Ordinary | InfoCategory::IdentityDocumentCopy => {
            allow(RuleId::P2, format!("利用目的: {}", purpose.label_ja()))
        }
        InfoCategory::MyNumber => unreachable_refusal(),
    }
}

/// Collecting a My Number as "personal information" is always refused: numbers are
/// collected only through [`Operation::CollectNumber`] for an affair.
fn unreachable_refusal() -> Result<Authorization, Refusal> {
    Err(refuse(
        RuleId::M1,
        RefusalCode::NumberNotNeeded,
        "個人番号は個人番号関係事務のためにのみ取得できます",
        "a My Number is collected only for an affair",
    ))
}
