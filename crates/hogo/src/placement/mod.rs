//! Job placement (doc 000, 職業安定法5条の5 and its 指針, APPI): job seekers (求職者) and
//! their registration (受付日, 受付場所, 求職申込の有効期間, 希望職種), the contact log with
//! re-confirmation (P4), the 求職管理簿 (placement register), purpose-bound use (P1),
//! collection limits (P2), consented provision with its APPI 29条 record (P3, P9), the end
//! of the registration and the disposal the 個人情報取扱責任者 confirms (P11).
//!
//! Built on the same machinery as the My Number side: subjects and profiles sealed in the
//! vault ([`crate::numbers`]), consents ([`crate::consent_ops`]), movements
//! ([`crate::movements`]), retention holdings and certificates ([`crate::retention_ops`]),
//! and the request workflow (provision records are disclosable, APPI 33条5項).
//!
//! Plain documents hold only dates, ids, purposes and recipients; every personal detail
//! (name, address, birth date, contact, career, 要配慮 data, the register row) is sealed.

mod disposal;
mod provision;
mod referral;
mod stop;

use chrono::{DateTime, NaiveDate, Utc};
use hogo_domain::placement::{ContactOutcome, InputConfirmation, SeekerItem, parse_stated_purpose};
use hogo_domain::policy::{Context, Operation, decide};
use hogo_domain::{
    Actor, Consent, ConsentId, ConsentMethod, ConsentScope, DataClass, HoldingId, InfoCategory,
    OccupationalNecessity, Purpose, RecordId, Refusal, RuleId, SensitiveKind, StaffId, Subject,
    SubjectId, SubjectKind,
};
use hogo_ledger::{Action, DocumentKind as LedgerKind, ObjectRef, Scope};
use hogo_vault::RecordContext;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use disposal::PlacementDisposalReport;
pub(crate) use provision::disclosure_items as provision_disclosure_items;
pub use provision::{ProvideSeeker, ProvisionReceipt, ProvisionRecord};
pub use referral::{REFERRAL_RESULTS, ReferralResultOutcome, referral_result_wording};
pub use stop::ProvisionStopRecord;
pub(crate) use stop::apply_provision_stop;

use crate::Error;
use crate::app::{Hogo, Ports, Session, entry, log};
use crate::docs::{CONSENTS, Collection, HOLDINGS, PROFILE_RECORDS, SUBJECTS};
use crate::error::invalid;
use crate::numbers::{Profile, open_profile, profile_ctx};
use crate::organisation::OrganisationSettings;
use crate::retention_ops::{holding_key, new_holding, put_event};
use crate::setup::settings;
use crate::store::{Store, Tx};
use crate::subjects::{SubjectEvent, SubjectEventKind, SubjectRecord};

/// Job-seeker registrations, keyed by subject id.
pub(crate) const SEEKERS: Collection = Collection("job_seeker");
/// 求職管理簿 rows (metadata; the personal columns are sealed), keyed by subject id.
pub(crate) const REGISTER: Collection = Collection("placement_register");

const SEEKER_TABLE: &str = "job_seekers";

/// Details of a job seeker beyond the common profile, sealed with the profile (P9).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SeekerDetails {
    /// 連絡先 (電話・メール).
    pub contact: String,
    /// 職歴.
    pub work_history: String,
    /// 資格・免許.
    pub qualifications: Vec<String>,
    /// 学歴.
    pub education: String,
}

/// Where the data came from (P2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "from")]
pub enum CollectionSource {
    /// From the person themself.
    Person,
    /// From someone else, with the person's consent (recorded with the registration).
    Other {
        /// Who gave the data (e.g. a school's career office).
        source: String,
        /// How the person consented.
        method: ConsentMethod,
        /// When the person consented.
        consented_at: DateTime<Utc>,
    },
}

/// How the entry was confirmed at input (P4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryCheck {
    /// Shown back to the person; `confirmed` is their answer.
    ShowBack {
        /// The person confirmed the entry.
        confirmed: bool,
    },
    /// Keyed a second time; both entries must match.
    DoubleEntry {
        /// The second keying of the profile.
        profile: Profile,
        /// The second keying of the details.
        details: SeekerDetails,
        /// The second keying of the desired occupations.
        desired_occupations: Vec<String>,
    },
}

/// What registering a job seeker needs. There is no field for a never-collect item (P2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSeeker {
    /// The agency's own reference (求職受付番号). Never a My Number.
    pub reference: String,
    /// 受付年月日.
    pub received_on: NaiveDate,
    /// 受付場所 (branch, online form …).
    pub place: String,
    /// Last day the 求職申込 is valid (有効期間).
    pub valid_until: NaiveDate,
    /// 希望職種 (one or more).
    pub desired_occupations: Vec<String>,
    /// 氏名, フリガナ, 生年月日, 住所 (sealed).
    pub profile: Profile,
    /// Contact and career (sealed).
    pub details: SeekerDetails,
    /// The purposes stated to the person (P1): ids or the rules' wording; a vague one is
    /// refused.
    pub stated_purposes: Vec<String>,
    /// Where the data came from (P2).
    pub source: CollectionSource,
    /// How the entry was confirmed (P4).
    pub check: EntryCheck,
}

/// One contact with a job seeker (P4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEntry {
    /// The day of the contact.
    pub on: NaiveDate,
    /// Who recorded it.
    pub by: StaffId,
    /// Re-confirmed, updated or not checked.
    pub outcome: ContactOutcome,
}

/// A 要配慮 item held about a seeker (kind only; the value is sealed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensitiveHeld {
    /// The kind.
    pub kind: SensitiveKind,
    /// The vault record.
    pub record: RecordId,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}

/// A job seeker's registration as stored (no personal detail in plaintext).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeekerRecord {
    /// The subject.
    pub subject: SubjectId,
    /// The agency's reference.
    pub reference: String,
    /// 受付年月日.
    pub received_on: NaiveDate,
    /// 受付場所.
    pub place: String,
    /// 有効期間 (last day).
    pub valid_until: NaiveDate,
    /// The purposes stated to the person (P1).
    pub stated_purposes: Vec<Purpose>,
    /// Where the data came from (P2).
    pub source: CollectionSource,
    /// How the entry was confirmed at input (P4).
    pub confirmation: InputConfirmation,
    /// Last day the data was confirmed with the person (P4).
    pub last_confirmed: NaiveDate,
    /// The contact log.
    pub contacts: Vec<ContactEntry>,
    /// The sealed details record.
    pub details_record: Option<RecordId>,
    /// 要配慮 items held (after consent, P2).
    pub sensitive: Vec<SensitiveHeld>,
    /// Never-collect items held under the 指針's exception, with the necessity (P2).
    pub exceptions: Vec<OccupationalNecessity>,
    /// The `job_seeker_profile` holding.
    pub profile_holding: HoldingId,
    /// The day the registration ended.
    pub ended_on: Option<NaiveDate>,
    /// The day the profile was disposed of (P11).
    pub profile_disposed_on: Option<NaiveDate>,
    /// Granted stops of third-party provision (P7; APPI 35条3項・5項).
    #[serde(default)]
    pub provision_stops: Vec<ProvisionStopRecord>,
}

/// The 紹介状況 of one referral in the 求職管理簿.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    /// The day of the referral (紹介日).
    pub on: NaiveDate,
    /// The employer (求人者).
    pub employer: String,
    /// The result (採用, 不採用, 辞退 …) once known.
    pub result: Option<String>,
    /// The day of the result.
    pub result_on: Option<NaiveDate>,
}

/// A 求職管理簿 row as stored: the personal columns are sealed (`record`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    /// The subject.
    pub subject: SubjectId,
    /// The agency's reference.
    pub reference: String,
    /// 受付年月日.
    pub received_on: NaiveDate,
    /// 有効期間.
    pub valid_until: NaiveDate,
    /// 紹介状況.
    pub referrals: Vec<Referral>,
    /// The sealed 氏名・住所・生年月日・希望職種.
    pub record: RecordId,
    /// The `placement_register_entry` holding.
    pub holding: HoldingId,
    /// 完結 (the later of the registration's end and the last result), once known.
    pub completed_on: Option<NaiveDate>,
}

/// The sealed columns of a register row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct RegisterPersonal {
    name: String,
    address: String,
    birth_date: Option<NaiveDate>,
    desired_occupations: Vec<String>,
}

/// One printed 求職管理簿 row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterBookRow {
    /// The agency's reference.
    pub reference: String,
    /// 氏名.
    pub name: String,
    /// 住所.
    pub address: String,
    /// 生年月日.
    pub birth_date: Option<NaiveDate>,
    /// 希望職種.
    pub desired_occupations: Vec<String>,
    /// 受付年月日.
    pub received_on: NaiveDate,
    /// 有効期間.
    pub valid_until: NaiveDate,
    /// 紹介状況.
    pub referrals: Vec<Referral>,
    /// 完結.
    pub completed_on: Option<NaiveDate>,
}

/// A job seeker in a list (no personal detail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeekerSummary {
    /// The subject.
    pub subject: SubjectId,
    /// The agency's reference.
    pub reference: String,
    /// 受付年月日.
    pub received_on: NaiveDate,
    /// 有効期間.
    pub valid_until: NaiveDate,
    /// Last confirmed with the person (P4).
    pub last_confirmed: NaiveDate,
    /// Contacts recorded.
    pub contacts: usize,
    /// Registration end.
    pub ended_on: Option<NaiveDate>,
    /// Profile disposed of.
    pub profile_disposed_on: Option<NaiveDate>,
}

/// The data a use for one purpose may see (P1): only the items tied to that purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeekerView {
    /// The purpose.
    pub purpose: Purpose,
    /// Item and value, in item order.
    pub items: Vec<(SeekerItem, String)>,
}

/// A contact to record (P4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    /// The day.
    pub on: NaiveDate,
    /// Re-confirmed, updated or not checked.
    pub outcome: ContactOutcome,
    /// For [`ContactOutcome::Updated`]: the corrected profile and details.
    pub update: Option<(Profile, SeekerDetails)>,
    /// A referral result to note in the register (employer, result).
    pub referral_result: Option<(String, String)>,
}

fn details_ctx(
    org: hogo_domain::OrganisationId,
    subject: SubjectId,
    record: RecordId,
) -> RecordContext {
    RecordContext {
        organisation: org,
        subject,
        class: DataClass::Profile,
        table: SEEKER_TABLE.into(),
        field: "details".into(),
        record,
    }
}

fn register_ctx(
    org: hogo_domain::OrganisationId,
    subject: SubjectId,
    record: RecordId,
) -> RecordContext {
    RecordContext {
        organisation: org,
        subject,
        class: DataClass::PlacementRegister,
        table: "placement_register".into(),
        field: "row".into(),
        record,
    }
}

fn sensitive_ctx(
    org: hogo_domain::OrganisationId,
    subject: SubjectId,
    record: RecordId,
    field: &str,
) -> RecordContext {
    RecordContext {
        organisation: org,
        subject,
        class: DataClass::Sensitive,
        table: SEEKER_TABLE.into(),
        field: field.into(),
        record,
    }
}

fn to_json<T: Serialize>(v: &T) -> Result<Zeroizing<Vec<u8>>, Error> {
    serde_json::to_vec(v).map(Zeroizing::new).map_err(|e| Error::Internal(e.to_string()))
}

fn seal(
    ports: &Ports<'_>,
    tx: &mut Tx<'_>,
    ctx: &RecordContext,
    bytes: &[u8],
) -> Result<(), Error> {
    ports.vault()?.seal(tx.vault, tx.keks, ctx, bytes)?;
    Ok(())
}

fn open_json<T: for<'de> Deserialize<'de>>(
    ports: &Ports<'_>,
    tx: &Tx<'_>,
    record: RecordId,
) -> Result<T, Error> {
    let plain = ports.vault()?.open(&*tx.vault, &*tx.keks, record)?;
    serde_json::from_slice(plain.expose())
        .map_err(|e| Error::Storage(format!("sealed record: {e}")))
}

/// Free text must not carry a My Number (番号法15条, 20条: a placement agency has no
/// affair for it; legal-facts §6).
fn no_number(field: &str, text: &str) -> Result<(), Error> {
    if hogo_domain::my_number::find_my_number_like(text).is_some() {
        return Err(invalid(
            field,
            RuleId::M1,
            "求職者の情報に個人番号を含めることはできません（番号法15条・20条）",
            "job-seeker data must not contain a My Number (番号法15条, 20条)",
        ));
    }
    Ok(())
}

fn check_texts(
    profile: &Profile,
    details: &SeekerDetails,
    occupations: &[String],
) -> Result<(), Error> {
    if profile.name.trim().is_empty() {
        return Err(invalid(
            "profile.name",
            RuleId::P4,
            "氏名を入力してください",
            "the name is required",
        ));
    }
    no_number("profile.name", &profile.name)?;
    no_number("profile.furigana", &profile.furigana)?;
    no_number("profile.address", &profile.address)?;
    no_number("details.contact", &details.contact)?;
    no_number("details.work_history", &details.work_history)?;
    no_number("details.education", &details.education)?;
    for q in &details.qualifications {
        no_number("details.qualifications", q)?;
    }
    if occupations.iter().all(|o| o.trim().is_empty()) {
        return Err(invalid(
            "desired_occupations",
            RuleId::P4,
            "希望職種を入力してください",
            "at least one desired occupation is required",
        ));
    }
    for o in occupations {
        no_number("desired_occupations", o)?;
    }
    Ok(())
}

/// The stated purposes, parsed (vague ones refused, P1) and checked against the
/// organisation's published purposes.
fn stated_purposes(texts: &[String], st: &OrganisationSettings) -> Result<Vec<Purpose>, Error> {
    if texts.is_empty() {
        return Err(invalid(
            "stated_purposes",
            RuleId::P1,
            "本人に明示した利用目的を入力してください（職業安定法5条の5）",
            "record the purposes stated to the person (職業安定法5条の5)",
        ));
    }
    let mut out = Vec::new();
    for t in texts {
        let p = parse_stated_purpose(t).map_err(Error::Refused)?;
        if !st.purposes.contains(&p) {
            return Err(Error::Refused(Refusal {
                rule: RuleId::P1,
                code: hogo_domain::RefusalCode::PurposeNotStated,
                message_ja: format!(
                    "利用目的「{}」は当社の公表した利用目的にありません",
                    p.label_ja()
                ),
                message_en: format!(
                    "the purpose {} is not among the organisation's purposes",
                    p.id()
                ),
            }));
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// Loads a job seeker and checks the actor may handle placement data (P5, P10).
pub(crate) fn seeker(
    tx: &Tx<'_>,
    actor: &Actor,
    subject: SubjectId,
) -> Result<SeekerRecord, Error> {
    let rec = crate::numbers::managed_subject(tx, actor, subject)?;
    if rec.subject.kind != SubjectKind::JobSeeker {
        return Err(invalid("subject", RuleId::P5, "求職者ではありません", "not a job seeker"));
    }
    SEEKERS
        .get(&*tx.docs, tx.organisation, &subject.to_string())?
        .ok_or_else(|| Error::NotFound { what: format!("job seeker {subject}") })
}

/// A registered job seeker is provided to only through [`Hogo::provide_seeker_data`],
/// which checks the items against the consent and keeps the APPI 29条 record (P3).
pub(crate) fn refuse_itemless_provision(tx: &Tx<'_>, subject: SubjectId) -> Result<(), Error> {
    if SEEKERS.get::<SeekerRecord>(&*tx.docs, tx.organisation, &subject.to_string())?.is_some() {
        return Err(invalid(
            "subject",
            RuleId::P3,
            "求職者の提供は項目と同意を指定して行います（provide_seeker_data）",
            "a registered job seeker is provided to with items and consent (provide_seeker_data)",
        ));
    }
    Ok(())
}

/// P5: only 職業紹介部門 staff (and the 個人情報取扱責任者) reach job-seeker data.
pub(crate) fn placement_role(actor: &Actor, st: &OrganisationSettings) -> Result<(), Error> {
    decide(
        &Context::new(actor, st.affairs).subject(&SubjectKind::JobSeeker),
        &Operation::ManageSubject,
    )?;
    Ok(())
}

pub(crate) use crate::index::consents_of;

/// The purposes that count as stated for a seeker: stated to them and still published.
pub(crate) fn effective_purposes(rec: &SeekerRecord, st: &OrganisationSettings) -> Vec<Purpose> {
    rec.stated_purposes.iter().copied().filter(|p| st.purposes.contains(p)).collect()
}

fn item_value(item: SeekerItem, p: &Profile, d: &SeekerDetails, occupations: &[String]) -> String {
    match item {
        SeekerItem::Name => p.name.clone(),
        SeekerItem::Furigana => p.furigana.clone(),
        SeekerItem::BirthDate => p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        SeekerItem::Address => p.address.clone(),
        SeekerItem::Contact => d.contact.clone(),
        SeekerItem::DesiredOccupation => occupations.join("、"),
        SeekerItem::WorkHistory => d.work_history.clone(),
        SeekerItem::Qualifications => d.qualifications.join("、"),
        SeekerItem::Education => d.education.clone(),
    }
}

/// Opens a seeker's sealed profile, details and desired occupations.
pub(crate) fn open_seeker(
    ports: &Ports<'_>,
    tx: &Tx<'_>,
    rec: &SeekerRecord,
) -> Result<(Profile, SeekerDetails, Vec<String>), Error> {
    if rec.profile_disposed_on.is_some() {
        return Err(Error::NotFound {
            what: format!("profile of job seeker {} (disposed)", rec.subject),
        });
    }
    let profile = open_profile(ports, tx, rec.subject)?;
    let details = match rec.details_record {
        Some(r) => open_json(ports, tx, r)?,
        None => SeekerDetails::default(),
    };
    let row: Option<RegisterRow> =
        REGISTER.get(&*tx.docs, tx.organisation, &rec.subject.to_string())?;
    let occupations = match row {
        Some(r) => open_json::<RegisterPersonal>(ports, tx, r.record)?.desired_occupations,
        None => Vec::new(),
    };
    Ok((profile, details, occupations))
}

/// What a disclosure (APPI 33条) holds about a job seeker beyond the common profile: the
/// registration, the details, the contact log and the 求職管理簿 row (P7; journey 2).
pub(crate) fn seeker_disclosure_items(
    ports: &Ports<'_>,
    tx: &Tx<'_>,
    subject: SubjectId,
) -> Result<Vec<hogo_requests::package::SourceItem>, Error> {
    use hogo_requests::package::{ItemCategory, SourceItem};
    let org = tx.organisation;
    let mut items = Vec::new();
    let Some(rec) = SEEKERS.get::<SeekerRecord>(&*tx.docs, org, &subject.to_string())? else {
        return Ok(items);
    };
    let purposes: Vec<&str> = rec.stated_purposes.iter().map(|p| p.label_ja()).collect();
    items.push(SourceItem {
        category: ItemCategory::Other,
        title: "求職登録".into(),
        content: format!(
            "受付日: {}\n受付場所: {}\n有効期間: {}まで\n明示した利用目的: {}\n登録終了: {}",
            rec.received_on,
            rec.place,
            rec.valid_until,
            purposes.join("、"),
            rec.ended_on.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
        ),
    });
    if let Some(r) = rec.details_record {
        let d: SeekerDetails = open_json(ports, tx, r)?;
        items.push(SourceItem {
            category: ItemCategory::Profile,
            title: "連絡先・経歴".into(),
            content: format!(
                "連絡先: {}\n職歴: {}\n資格・免許: {}\n学歴: {}",
                d.contact,
                d.work_history,
                d.qualifications.join("、"),
                d.education
            ),
        });
    }
    if !rec.contacts.is_empty() {
        let lines: Vec<String> = rec
            .contacts
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    c.on,
                    match c.outcome {
                        ContactOutcome::Reconfirmed => "内容を再確認",
                        ContactOutcome::Updated => "内容を更新",
                        ContactOutcome::NotChecked => "確認なし",
                    }
                )
            })
            .collect();
        items.push(SourceItem {
            category: ItemCategory::Other,
            title: "連絡記録".into(),
            content: lines.join("\n"),
        });
    }
    if let Some(row) = REGISTER.get::<RegisterRow>(&*tx.docs, org, &subject.to_string())? {
        let p: RegisterPersonal = open_json(ports, tx, row.record)?;
        let refs: Vec<String> = row
            .referrals
            .iter()
            .map(|r| format!("{} {} {}", r.on, r.employer, r.result.clone().unwrap_or_default()))
            .collect();
        items.push(SourceItem {
            category: ItemCategory::Other,
            title: "求職管理簿".into(),
            content: format!(
                "氏名: {}\n住所: {}\n生年月日: {}\n希望職種: {}\n紹介状況: {}",
                p.name,
                p.address,
                p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                p.desired_occupations.join("、"),
                refs.join(" / ")
            ),
        });
    }
    Ok(items)
}

impl<S: Store> Hogo<S> {
    /// Registers a job seeker (P1, P2, P4, P5): purposes stated (vague ones refused), data
    /// from the person or — with the person's consent recorded here, source named — from
    /// someone else, the entry confirmed by show-back or double entry, everything personal
    /// sealed; opens the `job_seeker_profile` holding and the 求職管理簿 row
    /// (`placement_register_entry`). One transaction.
    pub fn register_seeker(&self, session: &Session, input: NewSeeker) -> Result<SubjectId, Error> {
        let reference = input.reference.trim().to_owned();
        if reference.is_empty() {
            return Err(invalid(
                "reference",
                RuleId::P4,
                "求職受付番号を入力してください",
                "a reference is required",
            ));
        }
        no_number("reference", &reference)?;
        if input.place.trim().is_empty() {
            return Err(invalid(
                "place",
                RuleId::P4,
                "受付場所を入力してください",
                "the place of receipt is required",
            ));
        }
        no_number("place", &input.place)?;
        if input.valid_until < input.received_on {
            return Err(invalid(
                "valid_until",
                RuleId::P4,
                "有効期間の末日は受付日以後にしてください",
                "the validity must end on or after the day of receipt",
            ));
        }
        check_texts(&input.profile, &input.details, &input.desired_occupations)?;
        let confirmation = match &input.check {
            EntryCheck::ShowBack { confirmed: true } => InputConfirmation::ShowBack,
            EntryCheck::ShowBack { confirmed: false } => {
                return Err(invalid(
                    "check",
                    RuleId::P4,
                    "入力内容を本人に確認してから登録してください",
                    "show the entry back to the person and have it confirmed before registering",
                ));
            }
            EntryCheck::DoubleEntry { profile, details, desired_occupations } => {
                let field = if *profile != input.profile {
                    Some("profile")
                } else if *details != input.details {
                    Some("details")
                } else if *desired_occupations != input.desired_occupations {
                    Some("desired_occupations")
                } else {
                    None
                };
                if let Some(f) = field {
                    return Err(invalid(
                        f,
                        RuleId::P4,
                        "二重入力の内容が一致しません",
                        "the two entries do not match",
                    ));
                }
                InputConfirmation::DoubleEntry
            }
        };
        if let CollectionSource::Other { source, .. } = &input.source
            && source.trim().is_empty()
        {
            return Err(invalid(
                "source.source",
                RuleId::P2,
                "本人以外から収集する場合は収集元を記録してください",
                "name the source when collecting from someone other than the person",
            ));
        }
        self.with_session(session, Action::Acquisition, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            placement_role(actor, &st)?;
            let purposes = stated_purposes(&input.stated_purposes, &st)?;
            let org = tx.organisation;
            let today = ports.today();
            if input.received_on > today {
                return Err(invalid(
                    "received_on",
                    RuleId::P4,
                    "未来の受付日は記録できません",
                    "a future day of receipt cannot be recorded",
                ));
            }
            if crate::index::seeker_reference_taken(tx, &reference)? {
                return Err(Error::Conflict {
                    rule: RuleId::P4,
                    message:
                        "この求職受付番号は登録済みです / this reference is already registered"
                            .into(),
                });
            }
            let id = SubjectId::from_uuid(ports.ids.new_uuid());
            // Collection from others: the consent is recorded first, with its source (P2).
            let mut consents = Vec::new();
            let mut entries = Vec::new();
            let from_the_person = matches!(input.source, CollectionSource::Person);
            if let CollectionSource::Other { source, method, consented_at } = &input.source {
                if *consented_at > ports.now() {
                    return Err(invalid(
                        "source.consented_at",
                        RuleId::P2,
                        "未来の日時は記録できません",
                        "a future time cannot be recorded",
                    ));
                }
                let cid = ConsentId::from_uuid(ports.ids.new_uuid());
                let c = Consent {
                    id: cid,
                    subject: id,
                    scope: ConsentScope::CollectionFromOthers { source: source.trim().to_owned() },
                    given_at: *consented_at,
                    method: *method,
                    recorded_by: actor.staff,
                    withdrawn_at: None,
                };
                CONSENTS.put(tx.docs, org, &cid.to_string(), &c)?;
                crate::index::CONSENTS_BY_SUBJECT.add(tx, id, cid)?;
                entries.push(
                    entry(ports, actor, Action::ConsentGiven)
                        .with_subject(id)
                        .with_object(ObjectRef::Consent(cid))
                        .with_note("本人以外からの収集への同意（収集元を記録）")?,
                );
                consents.push(c);
            }
            let kind = SubjectKind::JobSeeker;
            for p in &purposes {
                decide(
                    &Context::new(actor, st.affairs)
                        .subject(&kind)
                        .stated_purposes(&purposes)
                        .consents(&consents, ports.now()),
                    &Operation::CollectPersonalInfo {
                        category: InfoCategory::Ordinary,
                        purpose: *p,
                        from_the_person,
                    },
                )?;
            }
            let record = SubjectRecord {
                organisation: org,
                subject: Subject { id, kind, same_person_as: None },
                reference: reference.clone(),
                created_at: ports.now(),
                events: Vec::new(),
            };
            SUBJECTS.put(tx.docs, org, &id.to_string(), &record)?;
            crate::index::SEEKER_REFERENCES.add(tx, &reference, id)?;
            let profile_record = RecordId::from_uuid(ports.ids.new_uuid());
            seal(ports, tx, &profile_ctx(org, id, profile_record), &to_json(&input.profile)?)?;
            PROFILE_RECORDS.put(tx.docs, org, &id.to_string(), &profile_record)?;
            let details_record = RecordId::from_uuid(ports.ids.new_uuid());
            seal(ports, tx, &details_ctx(org, id, details_record), &to_json(&input.details)?)?;
            let register_record = RecordId::from_uuid(ports.ids.new_uuid());
            let occupations: Vec<String> = input
                .desired_occupations
                .iter()
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect();
            let personal = RegisterPersonal {
                name: input.profile.name.trim().to_owned(),
                address: input.profile.address.trim().to_owned(),
                birth_date: input.profile.birth_date,
                desired_occupations: occupations,
            };
            seal(ports, tx, &register_ctx(org, id, register_record), &to_json(&personal)?)?;
            let profile_holding =
                new_holding(ports, org, id, "job_seeker_profile", input.received_on)?;
            HOLDINGS.put(tx.docs, org, &holding_key(id, profile_holding.id), &profile_holding)?;
            let register_holding =
                new_holding(ports, org, id, "placement_register_entry", input.received_on)?;
            HOLDINGS.put(tx.docs, org, &holding_key(id, register_holding.id), &register_holding)?;
            let seeker = SeekerRecord {
                subject: id,
                reference: reference.clone(),
                received_on: input.received_on,
                place: input.place.trim().to_owned(),
                valid_until: input.valid_until,
                stated_purposes: purposes.clone(),
                source: input.source.clone(),
                confirmation,
                last_confirmed: input.received_on,
                contacts: Vec::new(),
                details_record: Some(details_record),
                sensitive: Vec::new(),
                exceptions: Vec::new(),
                profile_holding: profile_holding.id,
                ended_on: None,
                profile_disposed_on: None,
                provision_stops: Vec::new(),
            };
            SEEKERS.put(tx.docs, org, &id.to_string(), &seeker)?;
            let row = RegisterRow {
                subject: id,
                reference: reference.clone(),
                received_on: input.received_on,
                valid_until: input.valid_until,
                referrals: Vec::new(),
                record: register_record,
                holding: register_holding.id,
                completed_on: None,
            };
            REGISTER.put(tx.docs, org, &id.to_string(), &row)?;
            let source_note = match &input.source {
                CollectionSource::Person => "本人から収集".to_owned(),
                CollectionSource::Other { source, .. } => {
                    format!("本人以外から収集（収集元: {}）", source.trim())
                }
            };
            entries.push(
                entry(ports, actor, Action::Acquisition)
                    .with_subject(id)
                    .with_object(ObjectRef::Record(profile_record))
                    .with_document_kind(LedgerKind::new("job_seeker_profile")?)
                    .with_scope(Scope::Purpose(Purpose::Interview))
                    .with_note(&format!(
                        "求職者を登録（{source_note}、確認: {}）",
                        match confirmation {
                            InputConfirmation::ShowBack => "本人への読み上げ確認",
                            InputConfirmation::DoubleEntry => "二重入力",
                        }
                    ))?,
            );
            entries.push(
                entry(ports, actor, Action::Acquisition)
                    .with_subject(id)
                    .with_object(ObjectRef::Record(register_record))
                    .with_document_kind(LedgerKind::new("placement_register_entry")?)
                    .with_note("求職管理簿に記載")?,
            );
            log(tx, ports, entries.clone())?;
            crate::retention_ops::rebucket_subject(ports, tx, id)?;
            Ok(id)
        })
    }

    /// Records 要配慮個人情報 about a job seeker (P2, APPI 20条2項): only with a consent given
    /// after the need was explained; never for a never-collect item (人種, 信条, 社会的身分 →
    /// refused naming P2). Sealed in the vault's sensitive class.
    pub fn record_seeker_sensitive(
        &self,
        session: &Session,
        subject: SubjectId,
        kind: SensitiveKind,
        value: &str,
    ) -> Result<(), Error> {
        if value.trim().is_empty() {
            return Err(invalid(
                "value",
                RuleId::P2,
                "内容を入力してください",
                "the value is required",
            ));
        }
        no_number("value", value)?;
        self.with_session(session, Action::Acquisition, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let mut rec = seeker(tx, actor, subject)?;
            let consents = consents_of(tx, subject)?;
            let purposes = effective_purposes(&rec, &st);
            decide(
                &Context::new(actor, st.affairs)
                    .subject(&SubjectKind::JobSeeker)
                    .stated_purposes(&purposes)
                    .consents(&consents, ports.now()),
                &Operation::CollectPersonalInfo {
                    category: InfoCategory::of_sensitive(kind),
                    purpose: Purpose::Interview,
                    from_the_person: true,
                },
            )?;
            let org = tx.organisation;
            let record = RecordId::from_uuid(ports.ids.new_uuid());
            let field = format!("sensitive:{kind:?}");
            seal(ports, tx, &sensitive_ctx(org, subject, record, &field), value.trim().as_bytes())?;
            rec.sensitive.push(SensitiveHeld { kind, record, at: ports.now() });
            SEEKERS.put(tx.docs, org, &subject.to_string(), &rec)?;
            let e = entry(ports, actor, Action::Acquisition)
                .with_subject(subject)
                .with_object(ObjectRef::Record(record))
                .with_legal_basis("個人情報保護法20条2項（必要性を説明し同意を取得）")?
                .with_note(&format!("要配慮個人情報「{}」を取得", kind.label_ja()))?;
            log(tx, ports, vec![e])
        })
    }

    /// Records a never-collect item under the 指針's narrow exception (P2): only with the
    /// occupational necessity recorded, the purpose shown and the item collected from the
    /// person — the domain policy decides. Sealed like 要配慮 data.
    pub fn record_seeker_exception(
        &self,
        session: &Session,
        subject: SubjectId,
        necessity: OccupationalNecessity,
        value: &str,
    ) -> Result<(), Error> {
        no_number("value", value)?;
        self.with_session(session, Action::Acquisition, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let mut rec = seeker(tx, actor, subject)?;
            let purposes = effective_purposes(&rec, &st);
            let exceptions = [necessity.clone()];
            decide(
                &Context::new(actor, st.affairs)
                    .subject(&SubjectKind::JobSeeker)
                    .stated_purposes(&purposes)
                    .exceptions(&exceptions),
                &Operation::CollectPersonalInfo {
                    category: InfoCategory::Forbidden(necessity.item),
                    purpose: Purpose::Interview,
                    from_the_person: necessity.from_the_person,
                },
            )?;
            let org = tx.organisation;
            let record = RecordId::from_uuid(ports.ids.new_uuid());
            let field = format!("exception:{:?}", necessity.item);
            seal(ports, tx, &sensitive_ctx(org, subject, record, &field), value.trim().as_bytes())?;
            rec.exceptions.push(necessity.clone());
            SEEKERS.put(tx.docs, org, &subject.to_string(), &rec)?;
            let e = entry(ports, actor, Action::Acquisition)
                .with_subject(subject)
                .with_object(ObjectRef::Record(record))
                .with_legal_basis("職業安定法指針（特別な職業上の必要性）")?
                .with_note(&format!("収集禁止事項の例外「{}」", necessity.item.label_ja()))?;
            log(tx, ports, vec![e])
        })
    }

    /// Records a contact (P4): re-confirmed, updated (the corrected data is sealed anew)
    /// or not checked; a confirming contact moves the last-confirmed day. A referral result
    /// goes into the 求職管理簿's 紹介状況.
    pub fn seeker_contact(
        &self,
        session: &Session,
        subject: SubjectId,
        contact: NewContact,
    ) -> Result<(), Error> {
        match (&contact.outcome, &contact.update) {
            (ContactOutcome::Updated, None) => {
                return Err(invalid(
                    "update",
                    RuleId::P4,
                    "更新内容を入力してください",
                    "give the updated data",
                ));
            }
            (ContactOutcome::Reconfirmed | ContactOutcome::NotChecked, Some(_)) => {
                return Err(invalid(
                    "outcome",
                    RuleId::P4,
                    "内容を更新した場合は「更新」を記録してください",
                    "an update must be recorded as 'updated'",
                ));
            }
            (_, Some((p, d))) => check_texts(p, d, &["-".to_owned()])?,
            _ => {}
        }
        if let Some((employer, result)) = &contact.referral_result {
            no_number("referral_result", result)?;
            if employer.trim().is_empty() || result.trim().is_empty() {
                return Err(invalid(
                    "referral_result",
                    RuleId::P4,
                    "求人者と結果を入力してください",
                    "name the employer and the result",
                ));
            }
        }
        self.with_session(session, Action::Use, &mut |ports, actor, tx| {
            let org = tx.organisation;
            let mut rec = seeker(tx, actor, subject)?;
            if contact.on > ports.today() || contact.on < rec.received_on {
                return Err(invalid(
                    "on",
                    RuleId::P4,
                    "連絡日が不正です（未来・受付日前）",
                    "the contact day is in the future or before the day of receipt",
                ));
            }
            if rec.profile_disposed_on.is_some() {
                return Err(Error::Conflict {
                    rule: RuleId::P11,
                    message: "求職者情報は廃棄済みです / the profile was disposed of".into(),
                });
            }
            let mut entries = Vec::new();
            if let Some((profile, details)) = &contact.update {
                let old: Option<RecordId> =
                    PROFILE_RECORDS.get(&*tx.docs, org, &subject.to_string())?;
                let pr = RecordId::from_uuid(ports.ids.new_uuid());
                seal(ports, tx, &profile_ctx(org, subject, pr), &to_json(profile)?)?;
                PROFILE_RECORDS.put(tx.docs, org, &subject.to_string(), &pr)?;
                let dr = RecordId::from_uuid(ports.ids.new_uuid());
                seal(ports, tx, &details_ctx(org, subject, dr), &to_json(details)?)?;
                for r in old.into_iter().chain(rec.details_record) {
                    tx.vault.delete_record(r)?;
                }
                rec.details_record = Some(dr);
                entries.push(
                    entry(ports, actor, Action::Acquisition)
                        .with_subject(subject)
                        .with_object(ObjectRef::Record(pr))
                        .with_document_kind(LedgerKind::new("job_seeker_profile")?)
                        .with_note("連絡時に求職者情報を更新")?,
                );
            }
            if contact.outcome.confirms() && contact.on > rec.last_confirmed {
                rec.last_confirmed = contact.on;
            }
            rec.contacts.push(ContactEntry {
                on: contact.on,
                by: actor.staff,
                outcome: contact.outcome,
            });
            SEEKERS.put(tx.docs, org, &subject.to_string(), &rec)?;
            if let Some((employer, result)) = &contact.referral_result {
                let out = referral::set_referral_result(
                    ports, tx, subject, employer, result, contact.on,
                )?;
                entries.push(
                    entry(ports, actor, Action::Use)
                        .with_subject(subject)
                        .with_document_kind(LedgerKind::new("placement_register_entry")?)
                        .with_note(&format!(
                            "紹介結果の記録（{} {}紹介: {}）",
                            employer.trim(),
                            out.referred_on,
                            out.result
                        ))?,
                );
            }
            entries.push(
                entry(ports, actor, Action::Use)
                    .with_subject(subject)
                    .with_scope(Scope::Purpose(Purpose::Interview))
                    .with_note(&format!(
                        "連絡記録（{}）",
                        match contact.outcome {
                            ContactOutcome::Reconfirmed => "内容を再確認",
                            ContactOutcome::Updated => "内容を更新",
                            ContactOutcome::NotChecked => "確認なし",
                        }
                    ))?,
            );
            log(tx, ports, entries.clone())
        })
    }

    /// Uses a job seeker's data for a purpose (P1): refused unless the purpose was stated
    /// to the person and, for ⑷⑸⑹, the person's consent stands (a withdrawn mail-magazine
    /// consent refuses the use). Returns only the items tied to that purpose.
    pub fn use_seeker_data(
        &self,
        session: &Session,
        subject: SubjectId,
        purpose: Purpose,
    ) -> Result<SeekerView, Error> {
        self.with_session(session, Action::Use, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            let rec = seeker(tx, actor, subject)?;
            let consents = consents_of(tx, subject)?;
            let purposes = effective_purposes(&rec, &st);
            let a = decide(
                &Context::new(actor, st.affairs)
                    .subject(&SubjectKind::JobSeeker)
                    .stated_purposes(&purposes)
                    .consents(&consents, ports.now()),
                &Operation::UsePersonalInfo { purpose },
            )?;
            let (p, d, o) = open_seeker(ports, tx, &rec)?;
            let items = SeekerItem::for_purpose(purpose)
                .into_iter()
                .map(|i| (i, item_value(i, &p, &d, &o)))
                .collect();
            let e = entry(ports, actor, Action::Use)
                .with_subject(subject)
                .with_scope(Scope::Purpose(purpose))
                .with_legal_basis(&a.legal_basis)?;
            log(tx, ports, vec![e])?;
            Ok(SeekerView { purpose, items })
        })
    }

    /// Ends a registration (登録終了) on `on`: the profile falls due (P11,
    /// `job_seeker_profile`) and the 求職管理簿 row's 完結 is the later of `on` and the last
    /// referral result (kept 2 years after, `placement_register_entry`).
    pub fn end_registration(
        &self,
        session: &Session,
        subject: SubjectId,
        on: NaiveDate,
    ) -> Result<(), Error> {
        self.with_session(session, Action::DisposalScheduled, &mut |ports, actor, tx| {
            let org = tx.organisation;
            let mut rec = seeker(tx, actor, subject)?;
            if on > ports.today() || on < rec.received_on {
                return Err(invalid(
                    "on",
                    RuleId::P11,
                    "終了日が不正です（未来・受付日前）",
                    "the end day is in the future or before the day of receipt",
                ));
            }
            if rec.ended_on.is_some() {
                return Err(Error::Conflict {
                    rule: RuleId::P11,
                    message: "登録は終了済みです / the registration has already ended".into(),
                });
            }
            rec.ended_on = Some(on);
            SEEKERS.put(tx.docs, org, &subject.to_string(), &rec)?;
            let mut subj: SubjectRecord = SUBJECTS
                .get(&*tx.docs, org, &subject.to_string())?
                .ok_or_else(|| Error::NotFound { what: format!("subject {subject}") })?;
            subj.events.push(SubjectEvent {
                kind: SubjectEventKind::RegistrationEnded,
                on,
                recorded_at: ports.now(),
            });
            SUBJECTS.put(tx.docs, org, &subject.to_string(), &subj)?;
            put_event(tx, subject, None, hogo_retention::EventKind::RegistrationEnded, on)?;
            let mut row: RegisterRow = REGISTER
                .get(&*tx.docs, org, &subject.to_string())?
                .ok_or_else(|| Error::NotFound { what: format!("register row of {subject}") })?;
            let completed =
                row.referrals.iter().filter_map(|r| r.result_on).chain([on]).max().unwrap_or(on);
            row.completed_on = Some(completed);
            put_event(
                tx,
                subject,
                Some(row.holding),
                hogo_retention::EventKind::Completed,
                completed,
            )?;
            REGISTER.put(tx.docs, org, &subject.to_string(), &row)?;
            let e = entry(ports, actor, Action::DisposalScheduled)
                .with_subject(subject)
                .with_document_kind(LedgerKind::new("job_seeker_profile")?)
                .with_note(&format!("求職登録の終了 {on}（求職管理簿の完結 {completed}）"))?;
            log(tx, ports, vec![e])?;
            crate::retention_ops::rebucket_subject(ports, tx, subject)
        })
    }

    /// Every job seeker (no personal detail), by reference (P5).
    pub fn seekers(&self, session: &Session) -> Result<Vec<SeekerSummary>, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            let st = settings(tx)?;
            placement_role(actor, &st)?;
            let mut out: Vec<SeekerSummary> = SEEKERS
                .list::<SeekerRecord>(&*tx.docs, tx.organisation)?
                .into_iter()
                .map(|r| SeekerSummary {
                    subject: r.subject,
                    reference: r.reference,
                    received_on: r.received_on,
                    valid_until: r.valid_until,
                    last_confirmed: r.last_confirmed,
                    contacts: r.contacts.len(),
                    ended_on: r.ended_on,
                    profile_disposed_on: r.profile_disposed_on,
                })
                .collect();
            out.sort_by(|a, b| a.reference.cmp(&b.reference));
            Ok(out)
        })
    }

    /// Registrations still open whose data was not confirmed for more than `max_age_days`
    /// (P4), oldest confirmation first.
    pub fn stale_seekers(
        &self,
        session: &Session,
        max_age_days: u32,
    ) -> Result<Vec<SeekerSummary>, Error> {
        let today = self.clock().today();
        let mut v: Vec<SeekerSummary> = self
            .seekers(session)?
            .into_iter()
            .filter(|s| s.ended_on.is_none())
            .filter(|s| hogo_domain::placement::is_stale(s.last_confirmed, today, max_age_days))
            .collect();
        v.sort_by_key(|s| s.last_confirmed);
        Ok(v)
    }

    /// The 求職管理簿 (職業安定法32条の15): 氏名, 住所, 生年月日, 希望職種, 受付年月日, 有効期間,
    /// 紹介状況 — rows stay after the profile is gone, until 完結 + 2 years (P11). Reading
    /// it is recorded (P5).
    pub fn placement_register(&self, session: &Session) -> Result<Vec<RegisterBookRow>, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            placement_role(actor, &st)?;
            let rows: Vec<RegisterRow> = REGISTER.list(&*tx.docs, tx.organisation)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let p: RegisterPersonal = open_json(ports, tx, r.record)?;
                out.push(RegisterBookRow {
                    reference: r.reference,
                    name: p.name,
                    address: p.address,
                    birth_date: p.birth_date,
                    desired_occupations: p.desired_occupations,
                    received_on: r.received_on,
                    valid_until: r.valid_until,
                    referrals: r.referrals,
                    completed_on: r.completed_on,
                });
            }
            out.sort_by(|a, b| (a.received_on, &a.reference).cmp(&(b.received_on, &b.reference)));
            let e = entry(ports, actor, Action::Access)
                .with_document_kind(LedgerKind::new("placement_register_entry")?)
                .with_note(&format!("求職管理簿の閲覧（{}件）", out.len()))?;
            log(tx, ports, vec![e])?;
            Ok(out)
        })
    }

    /// A job seeker's registration record (no personal detail).
    pub fn seeker_record(
        &self,
        session: &Session,
        subject: SubjectId,
    ) -> Result<SeekerRecord, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| seeker(tx, actor, subject))
    }
}
