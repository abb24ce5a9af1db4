//! 本人確認 (M7, 番号法16条, 令12条, 規1–11条): number check + identity check, for the
//! person or through an agent, and who verified when the employer does not.
//!
//! Records say **which kind** of document was checked, never a document number.
//! See `legal-facts.md` §5.2.

use serde::{Deserialize, Serialize};

use crate::affair::Affair;
use crate::ids::{StaffId, SubjectId};
use crate::subject::SubjectKind;

/// 番号確認: how the number was confirmed to be the person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum NumberCheck {
    /// 個人番号カード (法16条): also covers the identity check.
    IndividualNumberCard,
    /// カード代替電磁的記録 (smartphone card data) with the 18条の2 check: covers identity.
    CardSubstituteRecord,
    /// 個人番号付きの住民票の写し (令12条1項1号).
    ResidentRecordCopy,
    /// 個人番号付きの住民票記載事項証明書 (令12条1項1号).
    ResidentRecordCertificate,
    /// 通知カード: abolished 2020-05-25; usable only if its details have not changed
    /// since (or were duly updated before) — the transitional condition.
    NotificationCard {
        /// The clerk confirmed that name and address on the card are current.
        details_unchanged: bool,
    },
    /// Fallback (規2条1項): inquiry to J-LIS.
    JLisInquiry,
    /// Fallback (規2条1項): a 特定個人情報ファイル built after an earlier verification.
    EarlierVerifiedFile,
    /// By telephone (規2条5項), for a person verified before.
    Telephone,
}

impl NumberCheck {
    /// Whether this number check also proves identity (the card, or its smartphone form).
    pub fn covers_identity(self) -> bool {
        matches!(self, Self::IndividualNumberCard | Self::CardSubstituteRecord)
    }

    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::IndividualNumberCard => "個人番号カード",
            Self::CardSubstituteRecord => "カード代替電磁的記録",
            Self::ResidentRecordCopy => "住民票の写し（個人番号付き）",
            Self::ResidentRecordCertificate => "住民票記載事項証明書（個人番号付き）",
            Self::NotificationCard { .. } => "通知カード（経過措置）",
            Self::JLisInquiry => "地方公共団体情報システム機構への確認",
            Self::EarlierVerifiedFile => "過去に本人確認の上作成した特定個人情報ファイル",
            Self::Telephone => "電話による確認",
        }
    }
}

/// A kind of identity document (本人確認書類). Only the type is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum IdentityDocument {
    /// 運転免許証.
    DriversLicence,
    /// 運転経歴証明書 (issued 2012-04-01 or later).
    DrivingHistoryCertificate,
    /// 旅券 (パスポート).
    Passport,
    /// 個人番号カード, **front only** as a general photo ID (the back must not be copied).
    IndividualNumberCardFront,
    /// 身体障害者手帳.
    PhysicalDisabilityCertificate,
    /// 精神障害者保健福祉手帳.
    MentalDisabilityCertificate,
    /// 療育手帳.
    RehabilitationCertificate,
    /// 在留カード.
    ResidenceCard,
    /// 特別永住者証明書.
    SpecialPermanentResidentCertificate,
    /// 外国人登録証明書: abolished July 2012, replaced by 在留カード / 特別永住者証明書. A
    /// 特別永住者 under 16 may still hold a valid one: accepted only when the clerk confirms.
    AlienRegistrationCertificate {
        /// The clerk confirmed it is still valid (特別永住者 under 16).
        clerk_confirmed_valid: bool,
    },
    /// Another government-issued photo ID with name and date of birth or address (規1条).
    OtherGovernmentPhotoId,
    /// Another document (for a request form's "その他"); not a photo ID for 番号法16条.
    Other,
}

impl IdentityDocument {
    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::DriversLicence => "運転免許証",
            Self::DrivingHistoryCertificate => "運転経歴証明書",
            Self::Passport => "パスポート",
            Self::IndividualNumberCardFront => "個人番号カード（表面のみ）",
            Self::PhysicalDisabilityCertificate => "身体障害者手帳",
            Self::MentalDisabilityCertificate => "精神障害者保健福祉手帳",
            Self::RehabilitationCertificate => "療育手帳",
            Self::ResidenceCard => "在留カード",
            Self::SpecialPermanentResidentCertificate => "特別永住者証明書",
            Self::AlienRegistrationCertificate { .. } => "外国人登録証明書",
            Self::OtherGovernmentPhotoId => "その他官公署発行の写真付き証明書",
            Self::Other => "その他",
        }
    }

    /// Checks that the document may be accepted at all: an abolished 外国人登録証明書
    /// is refused unless the clerk confirmed it is still valid.
    pub fn check_current(self) -> Result<(), VerificationError> {
        match self {
            Self::AlienRegistrationCertificate { clerk_confirmed_valid: false } => {
                Err(VerificationError::AbolishedDocument)
            }
            _ => Ok(()),
        }
    }

    /// Whether the document is a photo ID for 令12条1項2号 / 規1条.
    pub fn is_photo_id(self) -> bool {
        !matches!(self, Self::Other)
    }
}

/// 身元確認: how the person's identity was confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum IdentityCheck {
    /// Covered by the 個人番号カード or its smartphone form.
    CoveredByCard,
    /// A photo ID (令12条1項2号, 規1条).
    PhotoId {
        /// Which document.
        document: IdentityDocument,
    },
    /// Fallback when a photo ID is difficult (規2条3項): two or more other documents.
    TwoOrMoreDocuments {
        /// How many documents were checked.
        count: u8,
    },
    /// By telephone (規2条5項).
    Telephone,
    /// 身元確認書類 not needed: identity is obvious (規2条6項), e.g. an existing employee
    /// seen in person. The reason is recorded.
    Obvious {
        /// Why identity is obvious.
        reason: String,
    },
}

/// How an agent's authority was shown (代理権の確認, 令12条2項1号, 規6条).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum AuthorityDocument {
    /// 委任状 of an 任意代理人 (AppointedAgent).
    PowerOfAttorney {
        /// Sealed with the registered seal (実印).
        registered_seal: bool,
        /// 印鑑証明書 enclosed.
        seal_certificate: bool,
    },
    /// 戸籍謄本 etc. of a 法定代理人 (LegalRepresentative), e.g. a parent of a minor.
    FamilyRegister,
    /// 登記事項証明書 of a 成年後見人.
    GuardianshipRegistration,
}

/// Evidence for verification through an agent (three checks, 番号GL 第4-3-(4)).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AgentEvidence {
    /// 代理権.
    pub authority: AuthorityDocument,
    /// 代理人の身元確認.
    pub agent_identity: IdentityCheck,
    /// 本人の番号確認 (the principal's card, 通知カード or 番号付き住民票, or copies).
    pub principal_number: NumberCheck,
}

/// How the 本人確認 was done, or why the employer lawfully did not do it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Verification {
    /// The employer verified the person in person or by post (copies, 規11条).
    InPerson {
        /// The staff member who verified.
        verified_by: StaffId,
        /// 番号確認.
        number: NumberCheck,
        /// 身元確認.
        identity: IdentityCheck,
    },
    /// The employer verified through an agent.
    ThroughAgent {
        /// The staff member who verified.
        verified_by: StaffId,
        /// The three checks.
        evidence: AgentEvidence,
    },
    /// A dependant on a 扶養控除等申告書: the **employee** is the 関係事務実施者 and
    /// verifies them; the employer does not.
    ByEmployee {
        /// The employee who verified.
        employee: SubjectId,
    },
    /// Passed on by a previous employer under 番号法19条 (change of employer, with the
    /// employee's consent): no new 16条 verification is needed.
    FromPreviousEmployer {
        /// The employee's consent to the passing on was recorded.
        consent_recorded: bool,
    },
}

/// Why a 本人確認 record does not satisfy 番号法16条.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerificationError {
    /// The identity check claims the card covers it, but no card was checked.
    #[error(
        "identity: 個人番号カード以外の番号確認では身元確認書類が必要です / identity is covered only by the card (M7, 番号法16条)"
    )]
    CardDoesNotCover,
    /// 通知カード used although its details changed.
    #[error(
        "number: 通知カードは記載事項に変更がない場合に限り使えます / a notification card is usable only while its details are unchanged (M7, 番号GL 参考2)"
    )]
    NotificationCardOutdated,
    /// An abolished document.
    #[error(
        "identity: 外国人登録証明書は2012年7月に廃止され、在留カード・特別永住者証明書に切り替わりました（16歳未満の特別永住者は有効な場合あり：担当者が確認してください） / the alien registration certificate was replaced in July 2012 by the residence card and special permanent resident certificate (a special permanent resident under 16 may still hold a valid one: the clerk must confirm) (M7)"
    )]
    AbolishedDocument,
    /// Not a photo ID.
    #[error(
        "identity: 写真付きの身元確認書類ではありません / not a photo identity document (M7, 規1条)"
    )]
    NotAPhotoId,
    /// Fewer than two documents for the fallback.
    #[error(
        "identity: 写真付き書類がない場合は2種類以上の書類が必要です / without a photo ID, two or more documents are needed (M7, 規2条3項)"
    )]
    TooFewDocuments,
    /// "Obvious" identity without a recorded reason, or for a subject who is not an
    /// employee seen in person.
    #[error(
        "identity: 本人であることが明らかな場合（規2条6項）は既存の従業員に限り、理由の記録が必要です / identity is obvious only for an existing employee, with the reason recorded (M7, 規2条6項)"
    )]
    ObviousWithoutReason,
    /// A dependant verified by the employee for an affair where the employer must verify.
    #[error(
        "verification: 国民年金第3号被保険者届では事業主が配偶者の本人確認を行います / for national pension category 3 the employer must verify the spouse (M7, 番号法16条)"
    )]
    EmployerMustVerify,
    /// Verification by the employee claimed for a subject that is not a dependant.
    #[error(
        "verification: 従業員による本人確認は扶養親族に限られます / verification by the employee applies only to dependants (M7)"
    )]
    NotADependant,
    /// Passed on by a previous employer without the employee's consent.
    #[error(
        "verification: 前の勤務先からの提供には本人の同意が必要です / passing a number on from a previous employer needs the employee's consent (M7, M10, 番号法19条)"
    )]
    NoConsentForTransfer,
}

impl Verification {
    /// Checks that the record satisfies 番号法16条 for this subject and affair.
    ///
    /// ```
    /// use hogo_domain::verification::*;
    /// use hogo_domain::{Affair, StaffId, SubjectKind};
    /// let clerk = StaffId::from_uuid(uuid::Uuid::nil());
    /// let v = Verification::InPerson {
    ///     verified_by: clerk,
    ///     number: NumberCheck::ResidentRecordCopy,
    ///     identity: IdentityCheck::PhotoId { document: IdentityDocument::DriversLicence },
    /// };
    /// assert!(v.validate(&SubjectKind::Employee, Affair::WithholdingSlip).is_ok());
    /// ```
    pub fn validate(&self, subject: &SubjectKind, affair: Affair) -> Result<(), VerificationError> {
        match self {
            Self::InPerson { number, identity, .. } => {
                check_number(*number)?;
                check_identity(*number, identity, matches!(subject, SubjectKind::Employee))
            }
            Self::ThroughAgent { evidence, .. } => {
                check_number(evidence.principal_number)?;
                // The agent's own identity: the principal's card does not prove it.
                match &evidence.agent_identity {
                    IdentityCheck::CoveredByCard => Err(VerificationError::CardDoesNotCover),
                    other => check_identity(NumberCheck::ResidentRecordCopy, other, true),
                }
            }
            Self::ByEmployee { .. } => match subject {
                SubjectKind::Dependent { .. } if affair == Affair::NationalPensionCategory3 => {
                    Err(VerificationError::EmployerMustVerify)
                }
                SubjectKind::Dependent { .. } => Ok(()),
                _ => Err(VerificationError::NotADependant),
            },
            Self::FromPreviousEmployer { consent_recorded } => {
                if *consent_recorded {
                    Ok(())
                } else {
                    Err(VerificationError::NoConsentForTransfer)
                }
            }
        }
    }

    /// The staff member who verified, where the employer did.
    pub fn verified_by(&self) -> Option<StaffId> {
        match self {
            Self::InPerson { verified_by, .. } | Self::ThroughAgent { verified_by, .. } => {
                Some(*verified_by)
            }
            _ => None,
        }
    }

    /// A short Japanese description for records (types only, never document numbers).
    pub fn describe_ja(&self) -> String {
        match self {
            Self::InPerson { number, identity, .. } => {
                format!(
                    "本人から: 番号確認={} / 身元確認={}",
                    number.label_ja(),
                    describe_identity(identity)
                )
            }
            Self::ThroughAgent { evidence, .. } => format!(
                "代理人から: 代理権={} / 代理人の身元確認={} / 本人の番号確認={}",
                match evidence.authority {
                    AuthorityDocument::PowerOfAttorney { .. } => "委任状",
                    AuthorityDocument::FamilyRegister => "戸籍謄本等",
                    AuthorityDocument::GuardianshipRegistration => "登記事項証明書",
                },
                describe_identity(&evidence.agent_identity),
                evidence.principal_number.label_ja()
            ),
            Self::ByEmployee { .. } => "扶養控除等申告書: 従業員が本人確認".to_owned(),
            Self::FromPreviousEmployer { .. } => {
                "前の勤務先から提供（番号法19条、本人同意）".to_owned()
            }
        }
    }
}

fn describe_identity(identity: &IdentityCheck) -> String {
    match identity {
        IdentityCheck::CoveredByCard => "個人番号カード".to_owned(),
        IdentityCheck::PhotoId { document } => document.label_ja().to_owned(),
        IdentityCheck::TwoOrMoreDocuments { count } => format!("書類{count}点"),
        IdentityCheck::Telephone => "電話".to_owned(),
        IdentityCheck::Obvious { .. } => "本人であることが明らか（規2条6項）".to_owned(),
    }
}

fn check_number(number: NumberCheck) -> Result<(), VerificationError> {
    match number {
        NumberCheck::NotificationCard { details_unchanged: false } => {
            Err(VerificationError::NotificationCardOutdated)
        }
        _ => Ok(()),
    }
}

fn check_identity(
    number: NumberCheck,
    identity: &IdentityCheck,
    obvious_allowed: bool,
) -> Result<(), VerificationError> {
    match identity {
        IdentityCheck::CoveredByCard if number.covers_identity() => Ok(()),
        IdentityCheck::CoveredByCard => Err(VerificationError::CardDoesNotCover),
        IdentityCheck::PhotoId { document } => {
            document.check_current()?;
            if document.is_photo_id() { Ok(()) } else { Err(VerificationError::NotAPhotoId) }
        }
        IdentityCheck::TwoOrMoreDocuments { count } if *count >= 2 => Ok(()),
        IdentityCheck::TwoOrMoreDocuments { .. } => Err(VerificationError::TooFewDocuments),
        IdentityCheck::Telephone => Ok(()),
        IdentityCheck::Obvious { reason } if obvious_allowed && !reason.trim().is_empty() => Ok(()),
        IdentityCheck::Obvious { .. } => Err(VerificationError::ObviousWithoutReason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::PayeeKind;

    fn clerk() -> StaffId {
        StaffId::from_uuid(uuid::Uuid::from_u128(1))
    }

    /// M7 (legal-facts §5.2 A a–d): the lawful combinations pass, the others fail.
    #[test]
    fn number_and_identity_combinations() {
        let emp = SubjectKind::Employee;
        let ok = |number, identity| {
            Verification::InPerson { verified_by: clerk(), number, identity }
                .validate(&emp, Affair::WithholdingSlip)
        };
        assert!(ok(NumberCheck::IndividualNumberCard, IdentityCheck::CoveredByCard).is_ok());
        assert!(ok(NumberCheck::CardSubstituteRecord, IdentityCheck::CoveredByCard).is_ok());
        assert_eq!(
            ok(NumberCheck::ResidentRecordCopy, IdentityCheck::CoveredByCard),
            Err(VerificationError::CardDoesNotCover)
        );
        assert_eq!(
            ok(
                NumberCheck::NotificationCard { details_unchanged: false },
                IdentityCheck::Telephone
            ),
            Err(VerificationError::NotificationCardOutdated)
        );
        assert!(
            ok(
                NumberCheck::NotificationCard { details_unchanged: true },
                IdentityCheck::PhotoId { document: IdentityDocument::Passport }
            )
            .is_ok()
        );
        assert_eq!(
            ok(
                NumberCheck::ResidentRecordCopy,
                IdentityCheck::PhotoId {
                    document: IdentityDocument::AlienRegistrationCertificate {
                        clerk_confirmed_valid: false
                    }
                }
            ),
            Err(VerificationError::AbolishedDocument)
        );
        assert_eq!(
            ok(NumberCheck::ResidentRecordCopy, IdentityCheck::TwoOrMoreDocuments { count: 1 }),
            Err(VerificationError::TooFewDocuments)
        );
        assert_eq!(
            ok(NumberCheck::ResidentRecordCopy, IdentityCheck::Obvious { reason: " ".into() }),
            Err(VerificationError::ObviousWithoutReason)
        );
    }

    /// M7: "identity obvious" (規2条6項) is for an existing employee, not a payee.
    #[test]
    fn obvious_only_for_employees() {
        let v = Verification::InPerson {
            verified_by: clerk(),
            number: NumberCheck::ResidentRecordCopy,
            identity: IdentityCheck::Obvious { reason: "入社5年目、対面".into() },
        };
        assert!(v.validate(&SubjectKind::Employee, Affair::WithholdingSlip).is_ok());
        assert_eq!(
            v.validate(
                &SubjectKind::Payee(PayeeKind::Remuneration),
                Affair::RemunerationPaymentRecord
            ),
            Err(VerificationError::ObviousWithoutReason)
        );
    }

    /// M7 (legal-facts §5.2 C): the employee verifies dependants on the 申告書, but the
    /// employer must verify a 国民年金第3号 spouse.
    #[test]
    fn who_verifies_dependants() {
        let of = SubjectId::from_uuid(uuid::Uuid::from_u128(9));
        let v = Verification::ByEmployee { employee: of };
        assert!(
            v.validate(
                &SubjectKind::Dependent { of, category3_spouse: false },
                Affair::WithholdingSlip
            )
            .is_ok()
        );
        assert_eq!(
            v.validate(
                &SubjectKind::Dependent { of, category3_spouse: true },
                Affair::NationalPensionCategory3
            ),
            Err(VerificationError::EmployerMustVerify)
        );
        assert_eq!(
            v.validate(&SubjectKind::Employee, Affair::WithholdingSlip),
            Err(VerificationError::NotADependant)
        );
        assert_eq!(
            Verification::FromPreviousEmployer { consent_recorded: false }
                .validate(&SubjectKind::Employee, Affair::WithholdingSlip),
            Err(VerificationError::NoConsentForTransfer)
        );
    }

    /// M7 (§5.2 B): through an agent — the principal's card never proves the agent.
    #[test]
    fn agent_needs_own_identity() {
        let v = |agent_identity| Verification::ThroughAgent {
            verified_by: clerk(),
            evidence: AgentEvidence {
                authority: AuthorityDocument::PowerOfAttorney {
                    registered_seal: false,
                    seal_certificate: false,
                },
                agent_identity,
                principal_number: NumberCheck::IndividualNumberCard,
            },
        };
        let spouse = SubjectKind::Dependent {
            of: SubjectId::from_uuid(uuid::Uuid::nil()),
            category3_spouse: true,
        };
        assert!(
            v(IdentityCheck::Obvious { reason: "従業員本人が来社".into() })
                .validate(&spouse, Affair::NationalPensionCategory3)
                .is_ok()
        );
        assert_eq!(
            v(IdentityCheck::CoveredByCard).validate(&spouse, Affair::NationalPensionCategory3),
            Err(VerificationError::CardDoesNotCover)
        );
    }
}
