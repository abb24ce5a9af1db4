//! Provision of a job seeker's data to a third party (P3, P9): to the employer applied to
//! with the person's consent for that employer and those items, to a partner agency the
//! person permitted, or 法令に基づく場合 with the basis recorded. Each provision is
//! recorded as APPI 29条 requires (date, recipient, person, items, consent) and kept 1 or
//! 3 years by how the record was made (規則21条); a file that leaves is sealed with the
//! [`ExportSealer`] port, its method and SHA-256 recorded — all in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use hogo_domain::placement::{ProvisionRecordForm, SeekerItem, check_provision_items};
use hogo_domain::policy::{Context, Operation, ThirdPartyBasis, decide};
use hogo_domain::{ConsentId, ConsentScope, HoldingId, Purpose, RuleId, SubjectId, SubjectKind};
use hogo_ledger::{Action, DocumentKind as LedgerKind, ObjectRef, Scope};
use hogo_retention::EventKind;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{
    REGISTER, Referral, RegisterRow, consents_of, effective_purposes, item_value, open_seeker,
    seeker,
};
use crate::Error;
use crate::app::{Hogo, Session, entry, log};
use crate::docs::{Collection, EVENTS, HOLDINGS, MOVEMENTS};
use crate::error::invalid;
use crate::export::{ExportSealer, SealedExport, seal_export};
use crate::governance::export_ops::ExportInfo;
use crate::movements::{Movement, MovementKind, Protection};
use crate::retention_ops::{event_key, holding_key, new_holding, put_event};
use crate::setup::settings;
use crate::store::Store;

/// 第三者提供記録, keyed `"{subject}:{id}"`.
pub(crate) const PROVISION_RECORDS: Collection = Collection("provision_record");

/// What a provision needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvideSeeker {
    /// Whose data.
    pub subject: SubjectId,
    /// The basis: consented employer, permitted partner agency, or law.
    pub basis: ThirdPartyBasis,
    /// The items provided.
    pub items: Vec<SeekerItem>,
    /// How the 29条 record is made (fixes its retention).
    pub form: ProvisionRecordForm,
}

/// A 第三者提供記録 (APPI 29条; 規則20条 items). Never holds the data provided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionRecord {
    /// Record id.
    pub id: String,
    /// The person.
    pub subject: SubjectId,
    /// When (the last provision, for a consolidated record).
    pub at: DateTime<Utc>,
    /// Every provision day this record covers.
    pub provided_on: Vec<NaiveDate>,
    /// The recipient (or, by law, the requesting body).
    pub recipient: String,
    /// The basis.
    pub basis: ThirdPartyBasis,
    /// The items.
    pub items: Vec<SeekerItem>,
    /// The consents relied on.
    pub consents: Vec<ConsentId>,
    /// How the record was made.
    pub form: ProvisionRecordForm,
    /// Whether APPI 29条 requires the record (not for 27条1項各号 such as 法令に基づく場合).
    pub appi29_required: bool,
    /// The legal basis recorded.
    pub legal_basis: String,
    /// The retention holding.
    pub holding: HoldingId,
    /// The sealed file that left, if one did: method and SHA-256.
    pub sealed_file: Option<(String, String)>,
}

/// What a provision returns: the record id and the sealed file to hand over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionReceipt {
    /// The 第三者提供記録 id.
    pub record: String,
    /// The movement record id (name it when recording an incident about a lost file, M4).
    pub movement: String,
    /// The sealed file (age), if a file left.
    pub file: Option<SealedExport>,
}

fn recipient_of(basis: &ThirdPartyBasis) -> String {
    match basis {
        ThirdPartyBasis::RecruitingEmployer { recipient }
        | ThirdPartyBasis::PartnerAgency { recipient } => recipient.trim().to_owned(),
        ThirdPartyBasis::RequiredByLaw { law } => law.trim().to_owned(),
        ThirdPartyBasis::Other => String::new(),
    }
}

impl<S: Store> Hogo<S> {
    /// Provides a job seeker's items to a third party (P3) and records it (APPI 29条). With
    /// `sealer`, the items leave as a file sealed by it (P9); the method and SHA-256 go into
    /// the movement and the ledger, never the content.
    pub fn provide_seeker_data(
        &self,
        session: &Session,
        input: ProvideSeeker,
        sealer: Option<&dyn ExportSealer>,
    ) -> Result<ProvisionReceipt, Error> {
        let recipient = recipient_of(&input.basis);
        if recipient.is_empty() && !matches!(input.basis, ThirdPartyBasis::Other) {
            return Err(invalid(
                "basis.recipient",
                RuleId::P3,
                "提供先（又は根拠法令）を入力してください",
                "name the recipient (or the law)",
            ));
        }
        let mut items = input.items.clone();
        items.sort();
        items.dedup();
        self.with_session(session, Action::Provision, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let org = tx.organisation;
            let subject = input.subject;
            let rec = seeker(tx, actor, subject)?;
            if rec.profile_disposed_on.is_some() || rec.ended_on.is_some() {
                return Err(Error::Conflict {
                    rule: RuleId::P11,
                    message: "求職登録は終了しています / the registration has ended".into(),
                });
            }
            let consents = consents_of(tx, subject)?;
            let purposes = effective_purposes(&rec, &st);
            let now = ports.now();
            // P7: a granted stop of provision takes effect at once.
            super::stop::check_not_stopped(&rec, &consents, &input.basis, now)?;
            let a = decide(
                &Context::new(actor, st.affairs)
                    .subject(&SubjectKind::JobSeeker)
                    .stated_purposes(&purposes)
                    .consents(&consents, now),
                &Operation::ProvidePersonalInfo { basis: input.basis.clone() },
            )?;
            check_provision_items(&consents, now, &input.basis, &items)?;
            // P1: each item must serve the purpose the provision is made under.
            let purpose = match input.basis {
                ThirdPartyBasis::PartnerAgency { .. } => Some(Purpose::ProvisionToPartnerAgency),
                ThirdPartyBasis::RecruitingEmployer { .. } => Some(Purpose::ProvisionToEmployer),
                _ => None,
            };
            if let Some(p) = purpose
                && let Some(i) = items.iter().find(|i| !i.purposes().contains(&p))
            {
                return Err(Error::Refused(hogo_domain::Refusal {
                    rule: RuleId::P1,
                    code: hogo_domain::RefusalCode::PurposeNotStated,
                    message_ja: format!("項目「{}」は利用目的「{}」に含まれません", i.label_ja(), p.label_ja()),
                    message_en: format!("the item {} does not serve the purpose {}", i.id(), p.id()),
                }));
            }
            let relied: Vec<ConsentId> = consents
                .iter()
                .filter(|c| c.is_active_at(now))
                .filter(|c| matches!(&c.scope, ConsentScope::ProvisionOfItems { recipient: r, .. } if *r == recipient))
                .map(|c| c.id)
                .collect();
            // The file that leaves, sealed (P9).
            let file = match sealer {
                Some(s) => {
                    let (p, d, o) = open_seeker(ports, tx, &rec)?;
                    // Values first (each zeroized on drop), then one buffer sized for all,
                    // so no reallocation leaves a copy of personal data behind.
                    let values: Vec<Zeroizing<String>> =
                        items.iter().map(|i| Zeroizing::new(item_value(*i, &p, &d, &o))).collect();
                    let len = items
                        .iter()
                        .zip(&values)
                        .map(|(i, v)| i.label_ja().len() + 3 + v.len())
                        .sum::<usize>();
                    let mut text = Zeroizing::new(Vec::with_capacity(len));
                    for (i, v) in items.iter().zip(&values) {
                        text.extend_from_slice(i.label_ja().as_bytes());
                        text.extend_from_slice(b": ");
                        text.extend_from_slice(v.as_bytes());
                        text.push(b'\n');
                    }
                    Some(seal_export(s, text)?)
                }
                None => None,
            };
            let today = ports.today();
            let law_based = matches!(input.basis, ThirdPartyBasis::RequiredByLaw { .. });
            let form = if law_based { ProvisionRecordForm::Individual } else { input.form };
            // A consolidated record for this recipient is extended, not duplicated.
            let existing: Option<ProvisionRecord> = if form == ProvisionRecordForm::Consolidated {
                PROVISION_RECORDS
                    .list_prefix::<ProvisionRecord>(&*tx.docs, org, &format!("{subject}:"))?
                    .into_iter()
                    .find(|r| r.form == form && r.recipient == recipient && r.basis == input.basis)
            } else {
                None
            };
            let mut record = match existing {
                Some(mut r) => {
                    if let Some(last) = r.provided_on.last() {
                        EVENTS.delete(tx.docs, org, &event_key(subject, Some(r.holding), EventKind::LastProvided, *last))?;
                    }
                    r.at = now;
                    r.provided_on.push(today);
                    for i in &items {
                        if !r.items.contains(i) {
                            r.items.push(*i);
                        }
                    }
                    for c in &relied {
                        if !r.consents.contains(c) {
                            r.consents.push(*c);
                        }
                    }
                    r
                }
                None => {
                    let holding = new_holding(ports, org, subject, form.document_kind(), today)?;
                    HOLDINGS.put(tx.docs, org, &holding_key(subject, holding.id), &holding)?;
                    ProvisionRecord {
                        id: ports.ids.new_uuid().to_string(),
                        subject,
                        at: now,
                        provided_on: vec![today],
                        recipient: recipient.clone(),
                        basis: input.basis.clone(),
                        items: items.clone(),
                        consents: relied.clone(),
                        form,
                        appi29_required: !law_based,
                        legal_basis: a.legal_basis.clone(),
                        holding: holding.id,
                        sealed_file: None,
                    }
                }
            };
            if let Some(f) = &file {
                record.sealed_file = Some((f.method.describe(), f.sha256.clone()));
            }
            if form != ProvisionRecordForm::Individual {
                put_event(tx, subject, Some(record.holding), EventKind::LastProvided, today)?;
            }
            PROVISION_RECORDS.put(tx.docs, org, &format!("{subject}:{}", record.id), &record)?;
            let m = Movement {
                kind: MovementKind::PersonalDataProvision { basis: input.basis.clone() },
                subjects: vec![subject],
                destination: recipient.clone(),
                legal_basis: a.legal_basis.clone(),
                protections: if file.is_some() { vec![Protection::Encrypted] } else { vec![] },
                at: now,
                // The sealed file is recorded like a carry-out export so an incident about
                // its loss can name this movement (M4 高度な暗号化); its items are in the
                // 第三者提供記録, not in `columns`.
                export: file.as_ref().map(|f| ExportInfo {
                    method: f.method.clone(),
                    sha256: f.sha256.clone(),
                    columns: vec![],
                    rows: 1,
                }),
            };
            let movement = ports.ids.new_uuid().to_string();
            MOVEMENTS.put(tx.docs, org, &movement, &m)?;
            if let ThirdPartyBasis::RecruitingEmployer { .. } = input.basis {
                let mut row: RegisterRow = REGISTER
                    .get(&*tx.docs, org, &subject.to_string())?
                    .ok_or_else(|| Error::NotFound { what: format!("register row of {subject}") })?;
                row.referrals.push(Referral { on: today, employer: recipient.clone(), result: None, result_on: None });
                REGISTER.put(tx.docs, org, &subject.to_string(), &row)?;
            }
            let labels: Vec<&str> = items.iter().map(|i| i.label_ja()).collect();
            let mut note = format!("第三者提供: {recipient}（項目: {}）", labels.join("・"));
            if let Some(f) = &file {
                note.push_str(&format!(" {}", f.ledger_note()));
            }
            let mut e = entry(ports, actor, Action::Provision)
                .with_subject(subject)
                .with_document_kind(LedgerKind::new(form.document_kind())?)
                .with_legal_basis(&a.legal_basis)?
                .with_note(&note)?;
            if let Some(p) = purpose {
                e = e.with_scope(Scope::Purpose(p));
            }
            if let Some(c) = relied.first() {
                e = e.with_object(ObjectRef::Consent(*c));
            }
            log(tx, ports, vec![e])?;
            crate::retention_ops::rebucket_subject(ports, tx, subject)?;
            Ok(ProvisionReceipt { record: record.id.clone(), movement: movement.clone(), file: file.clone() })
        })
    }

    /// A job seeker's 第三者提供記録 (P3), oldest first.
    pub fn provision_records(
        &self,
        session: &Session,
        subject: SubjectId,
    ) -> Result<Vec<ProvisionRecord>, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            seeker(tx, actor, subject)?;
            let mut v: Vec<ProvisionRecord> = PROVISION_RECORDS.list_prefix(
                &*tx.docs,
                tx.organisation,
                &format!("{subject}:"),
            )?;
            v.sort_by_key(|r| r.at);
            Ok(v)
        })
    }
}

/// The provision records of a subject as disclosure items (APPI 33条5項).
pub(crate) fn disclosure_items(
    tx: &crate::store::Tx<'_>,
    subject: SubjectId,
) -> Result<Vec<hogo_requests::package::SourceItem>, Error> {
    use hogo_requests::package::{ItemCategory, SourceItem};
    let mut v: Vec<ProvisionRecord> =
        PROVISION_RECORDS.list_prefix(&*tx.docs, tx.organisation, &format!("{subject}:"))?;
    v.sort_by_key(|r| r.at);
    Ok(v.into_iter()
        .map(|r| {
            let items: Vec<&str> = r.items.iter().map(|i| i.label_ja()).collect();
            let days: Vec<String> = r.provided_on.iter().map(ToString::to_string).collect();
            SourceItem {
                category: ItemCategory::ProvisionRecord,
                title: format!("第三者提供記録（{}）", r.recipient),
                content: format!(
                    "提供日: {}\n提供先: {}\n項目: {}\n本人の同意: {}\n根拠: {}",
                    days.join(", "),
                    r.recipient,
                    items.join("・"),
                    if r.consents.is_empty() {
                        "なし（法令に基づく場合）".to_owned()
                    } else {
                        format!("あり（{}件）", r.consents.len())
                    },
                    r.legal_basis
                ),
            }
        })
        .collect())
}
