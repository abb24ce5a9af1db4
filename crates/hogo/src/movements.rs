//! Provision and carrying out (M10, M12, P3): a My Number leaves the organisation only in
//! a 番号法19条 case the policy allows; data leaves the 管理区域・取扱区域 only in doc 003
//! Art. 28's cases, protected (encryption, password, locked container, traceable
//! delivery). Each is recorded as 提供 / 持出し with the destination and protections.

use chrono::{DateTime, Utc};
use hogo_domain::policy::{
    CarryOutReason, Context, Operation, ProvisionCase, ThirdPartyBasis, decide,
};
use hogo_domain::{RuleId, SubjectId};
use hogo_ledger::{Action, DocumentKind};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::app::{Hogo, Session, entry, log};
use crate::docs::{MOVEMENTS, SUBJECTS};
use crate::error::invalid;
use crate::setup::settings;
use crate::store::Store;
use crate::subjects::SubjectRecord;

/// A protection used when data leaves (doc 003 Art. 28②).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    /// 持出しデータの暗号化.
    Encrypted,
    /// パスワードによる保護.
    PasswordProtected,
    /// 施錠できる搬送容器.
    LockedContainer,
    /// 追跡可能な移送手段 (書留, 特定記録 …).
    TraceableDelivery,
    /// 封緘又は目隠しシール (paper).
    SealedOrMasked,
    /// The authority's own designated method (e-Tax, 電子申請).
    AuthorityDesignatedMethod,
}

/// A recorded provision or carrying out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    /// Provision or carrying out.
    pub kind: MovementKind,
    /// The subjects whose data left.
    pub subjects: Vec<SubjectId>,
    /// Where it went (authority, contractor, person).
    pub destination: String,
    /// The legal basis the policy gave.
    pub legal_basis: String,
    /// The protections used.
    pub protections: Vec<Protection>,
    /// When.
    pub at: DateTime<Utc>,
    /// The sealed export file that carried the data, if any (method and SHA-256 only).
    #[serde(default)]
    pub export: Option<crate::governance::export_ops::ExportInfo>,
}

/// Provision or carrying out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum MovementKind {
    /// 提供 of My Numbers (M10).
    NumberProvision {
        /// The 番号法19条 case.
        case: ProvisionCase,
    },
    /// 第三者提供 of ordinary personal data (P3).
    PersonalDataProvision {
        /// The basis.
        basis: ThirdPartyBasis,
    },
    /// 持出し (M12).
    CarryOut {
        /// Why.
        reason: CarryOutReason,
    },
}

fn check_destination(destination: &str) -> Result<(), Error> {
    if destination.trim().is_empty() {
        return Err(invalid(
            "destination",
            RuleId::M12,
            "提供先・持出し先を入力してください",
            "name the destination",
        ));
    }
    Ok(())
}

impl<S: Store> Hogo<S> {
    /// Provides subjects' My Numbers to someone outside the organisation, only in a
    /// 番号法19条 case (M10; consent never widens it). Electronic data must be encrypted
    /// or go by the authority's designated method.
    pub fn provide_numbers(
        &self,
        session: &Session,
        subjects: &[SubjectId],
        case: ProvisionCase,
        destination: &str,
        protections: &[Protection],
    ) -> Result<(), Error> {
        check_destination(destination)?;
        if !protections.iter().any(|p| {
            matches!(
                p,
                Protection::Encrypted
                    | Protection::AuthorityDesignatedMethod
                    | Protection::SealedOrMasked
            )
        }) {
            return Err(invalid(
                "protections",
                RuleId::M12,
                "暗号化・封緘又は行政機関等の指定する方法で提供してください（規程28条2項）",
                "encrypt, seal, or use the authority's designated method (Art. 28②)",
            ));
        }
        self.with_session(session, Action::Provision, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let mut basis = String::new();
            for s in subjects {
                let rec: SubjectRecord = SUBJECTS
                    .get(&*tx.docs, tx.organisation, &s.to_string())?
                    .ok_or_else(|| Error::NotFound { what: format!("subject {s}") })?;
                let a = decide(
                    &Context::new(actor, st.affairs).subject(&rec.subject.kind),
                    &Operation::ProvideNumber { case: case.clone() },
                )?;
                basis = a.legal_basis;
            }
            let m = Movement {
                kind: MovementKind::NumberProvision { case: case.clone() },
                subjects: subjects.to_vec(),
                destination: destination.trim().to_owned(),
                legal_basis: basis.clone(),
                protections: protections.to_vec(),
                at: ports.now(),
                export: None,
            };
            MOVEMENTS.put(tx.docs, tx.organisation, &ports.ids.new_uuid().to_string(), &m)?;
            let entries = subjects
                .iter()
                .map(|s| {
                    Ok(entry(ports, actor, Action::Provision)
                        .with_subject(*s)
                        .with_document_kind(DocumentKind::new("my_number")?)
                        .with_legal_basis(&basis)?
                        .with_note(&format!("提供先: {}", destination.trim()))?)
                })
                .collect::<Result<Vec<_>, Error>>()?;
            log(tx, ports, entries)
        })
    }

    /// Provides a job seeker's data to a third party (P3: consented employer, permitted
    /// partner agency, or law) and records the provision (APPI 29条).
    pub fn provide_personal_data(
        &self,
        session: &Session,
        subject: SubjectId,
        basis: ThirdPartyBasis,
    ) -> Result<(), Error> {
        self.with_session(session, Action::Provision, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let rec: SubjectRecord = SUBJECTS
                .get(&*tx.docs, tx.organisation, &subject.to_string())?
                .ok_or_else(|| Error::NotFound { what: format!("subject {subject}") })?;
            // A registered job seeker's data goes out only with its items and 29条 record.
            crate::placement::refuse_itemless_provision(tx, subject)?;
            let consents = crate::index::consents_of(tx, subject)?;
            let a = decide(
                &Context::new(actor, st.affairs)
                    .subject(&rec.subject.kind)
                    .stated_purposes(&st.purposes)
                    .consents(&consents, ports.now()),
                &Operation::ProvidePersonalInfo { basis: basis.clone() },
            )?;
            let m = Movement {
                kind: MovementKind::PersonalDataProvision { basis: basis.clone() },
                subjects: vec![subject],
                destination: match &basis {
                    ThirdPartyBasis::RecruitingEmployer { recipient }
                    | ThirdPartyBasis::PartnerAgency { recipient } => recipient.clone(),
                    ThirdPartyBasis::RequiredByLaw { law } => law.clone(),
                    ThirdPartyBasis::Other => String::new(),
                },
                legal_basis: a.legal_basis.clone(),
                protections: vec![],
                at: ports.now(),
                export: None,
            };
            let id = ports.ids.new_uuid().to_string();
            MOVEMENTS.put(tx.docs, tx.organisation, &id, &m)?;
            let e = entry(ports, actor, Action::Provision)
                .with_subject(subject)
                .with_legal_basis(&a.legal_basis)?
                .with_note(&format!("第三者提供: {}", m.destination))?;
            log(tx, ports, vec![e])
        })
    }

    /// Carries data out of the areas (M12): only in Art. 28's cases, protected, recorded.
    pub fn carry_out(
        &self,
        session: &Session,
        subjects: &[SubjectId],
        reason: CarryOutReason,
        destination: &str,
        protections: &[Protection],
    ) -> Result<(), Error> {
        check_destination(destination)?;
        if protections.is_empty() {
            return Err(invalid(
                "protections",
                RuleId::M12,
                "持出しには安全策（暗号化・パスワード・施錠・追跡可能な移送・封緘）が必要です（規程28条2項）",
                "carrying out needs protections (Art. 28②)",
            ));
        }
        self.with_session(session, Action::CarryOut, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let a = decide(
                &Context::new(actor, st.affairs),
                &Operation::CarryOut { reason: reason.clone() },
            )?;
            if let CarryOutReason::ToContractor { affair } = &reason {
                // M14: only to a registered contractor, named by id or name, that has
                // every check and clause recorded and holds the affair.
                crate::governance::contractors_ops::ensure_ready_by_name(
                    tx,
                    destination.trim(),
                    *affair,
                )?;
            }
            let m = Movement {
                kind: MovementKind::CarryOut { reason: reason.clone() },
                subjects: subjects.to_vec(),
                destination: destination.trim().to_owned(),
                legal_basis: a.legal_basis.clone(),
                protections: protections.to_vec(),
                at: ports.now(),
                export: None,
            };
            let id = ports.ids.new_uuid();
            MOVEMENTS.put(tx.docs, tx.organisation, &id.to_string(), &m)?;
            let mut e =
                entry(ports, actor, Action::CarryOut).with_legal_basis(&a.legal_basis)?.with_note(
                    &format!("持出し先: {}（{}名分）", destination.trim(), subjects.len()),
                )?;
            if let [one] = subjects {
                e = e.with_subject(*one);
            }
            log(tx, ports, vec![e])
        })
    }

    /// Every recorded provision and carrying out.
    pub fn movements(&self, session: &Session) -> Result<Vec<Movement>, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ViewRegister)?;
            MOVEMENTS.list(&*tx.docs, tx.organisation)
        })
    }
}
