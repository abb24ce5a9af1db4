//! 本人確認 (番号法16条) options shared by `mynumber collect` and `subject import`: the
//! CLI only names the documents; the domain decides whether they suffice (M7).

use anyhow::{Result, bail};
use clap::Args;
use hogo_domain::verification::{
    AgentEvidence, AuthorityDocument, IdentityCheck, IdentityDocument, NumberCheck,
};
use hogo_domain::{StaffId, SubjectId, Verification};

/// How the number and the identity were checked.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct VerifyArgs {
    /// 番号確認: card | card_substitute | resident_record | resident_record_certificate |
    /// notification_card | jlis | earlier_file | telephone.
    #[arg(long)]
    pub(crate) number_check: Option<String>,
    /// 身元確認: card | drivers_licence | driving_history | passport | card_front |
    /// residence_card | special_permanent_resident | other_photo_id | two_documents |
    /// telephone | obvious.
    #[arg(long)]
    pub(crate) identity: Option<String>,
    /// Why identity is obvious (with `--identity obvious`).
    #[arg(long)]
    pub(crate) obvious_reason: Option<String>,
    /// 扶養親族: verified by this employee (subject id).
    #[arg(long)]
    pub(crate) by_employee: Option<SubjectId>,
    /// 代理人による提出: power_of_attorney | family_register | guardianship.
    #[arg(long)]
    pub(crate) agent_authority: Option<String>,
    /// 委任状に実印 / the power of attorney bears the registered seal.
    #[arg(long)]
    pub(crate) registered_seal: bool,
    /// 印鑑証明書を添付 / a seal certificate is enclosed.
    #[arg(long)]
    pub(crate) seal_certificate: bool,
    /// 代理人の身元確認 (same values as --identity).
    #[arg(long)]
    pub(crate) agent_identity: Option<String>,
    /// 前の勤務先からの提供（本人同意あり） / passed on by a previous employer with consent.
    #[arg(long)]
    pub(crate) from_previous_employer: bool,
    /// 通知カードの記載事項に変更なし / the notification card's details are unchanged.
    #[arg(long)]
    pub(crate) details_unchanged: bool,
}

/// Parses a 番号確認 id.
pub(crate) fn number_check(id: &str, details_unchanged: bool) -> Result<NumberCheck> {
    Ok(match id.trim() {
        "card" => NumberCheck::IndividualNumberCard,
        "card_substitute" => NumberCheck::CardSubstituteRecord,
        "resident_record" => NumberCheck::ResidentRecordCopy,
        "resident_record_certificate" => NumberCheck::ResidentRecordCertificate,
        "notification_card" => NumberCheck::NotificationCard { details_unchanged },
        "jlis" => NumberCheck::JLisInquiry,
        "earlier_file" => NumberCheck::EarlierVerifiedFile,
        "telephone" => NumberCheck::Telephone,
        other => bail!(
            "--number-check: 「{other}」は番号確認の種類ではありません / {other} is not a number check (M7)"
        ),
    })
}

/// Parses a 身元確認 id.
pub(crate) fn identity_check(id: &str, reason: Option<&str>) -> Result<IdentityCheck> {
    let doc = |d| IdentityCheck::PhotoId { document: d };
    Ok(match id.trim() {
        "card" => IdentityCheck::CoveredByCard,
        "drivers_licence" => doc(IdentityDocument::DriversLicence),
        "driving_history" => doc(IdentityDocument::DrivingHistoryCertificate),
        "passport" => doc(IdentityDocument::Passport),
        "card_front" => doc(IdentityDocument::IndividualNumberCardFront),
        "residence_card" => doc(IdentityDocument::ResidenceCard),
        "special_permanent_resident" => doc(IdentityDocument::SpecialPermanentResidentCertificate),
        "other_photo_id" => doc(IdentityDocument::OtherGovernmentPhotoId),
        "two_documents" => IdentityCheck::TwoOrMoreDocuments { count: 2 },
        "telephone" => IdentityCheck::Telephone,
        "obvious" => IdentityCheck::Obvious { reason: reason.unwrap_or_default().to_owned() },
        other => bail!(
            "--identity: 「{other}」は身元確認の種類ではありません / {other} is not an identity check (M7)"
        ),
    })
}

impl VerifyArgs {
    /// The verification record, made by `clerk`.
    pub(crate) fn verification(&self, clerk: StaffId) -> Result<Verification> {
        if let Some(employee) = self.by_employee {
            return Ok(Verification::ByEmployee { employee });
        }
        if self.from_previous_employer {
            return Ok(Verification::FromPreviousEmployer { consent_recorded: true });
        }
        let Some(nc) = self.number_check.as_deref() else {
            bail!(
                "--number-check: 番号確認の方法を指定してください / say how the number was checked (M7, 番号法16条)"
            );
        };
        let number = number_check(nc, self.details_unchanged)?;
        if let Some(auth) = self.agent_authority.as_deref() {
            let authority = match auth.trim() {
                "power_of_attorney" => AuthorityDocument::PowerOfAttorney {
                    registered_seal: self.registered_seal,
                    seal_certificate: self.seal_certificate,
                },
                "family_register" => AuthorityDocument::FamilyRegister,
                "guardianship" => AuthorityDocument::GuardianshipRegistration,
                other => bail!(
                    "--agent-authority: 「{other}」は代理権の書類ではありません / {other} is not an authority document (M7)"
                ),
            };
            let Some(ai) = self.agent_identity.as_deref() else {
                bail!(
                    "--agent-identity: 代理人の身元確認を指定してください / say how the agent's identity was checked (M7)"
                );
            };
            return Ok(Verification::ThroughAgent {
                verified_by: clerk,
                evidence: AgentEvidence {
                    authority,
                    agent_identity: identity_check(ai, self.obvious_reason.as_deref())?,
                    principal_number: number,
                },
            });
        }
        let identity = match self.identity.as_deref() {
            Some(i) => identity_check(i, self.obvious_reason.as_deref())?,
            None if number.covers_identity() => IdentityCheck::CoveredByCard,
            None => bail!(
                "--identity: 身元確認の方法を指定してください / say how identity was checked (M7)"
            ),
        };
        Ok(Verification::InPerson { verified_by: clerk, number, identity })
    }
}
