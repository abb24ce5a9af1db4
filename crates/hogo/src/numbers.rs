//! Subjects and My Numbers: register a subject (its profile sealed in the vault),
//! `collect_number` with 本人確認 (M7), `reveal_number` and bulk output for 法定調書
//! (M8, Art. 6②), `find_subject_by_number`, and the manager's use approvals.
//!
//! Every access to a number writes its ledger entry in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use hogo_domain::policy::{Context, Operation, decide};
use hogo_domain::{
    Actor, Affair, DataClass, MyNumber, RecordId, RuleId, Subject, SubjectId, SubjectKind,
    Verification,
};
use hogo_ledger::{Action, DocumentKind, ObjectRef, Scope};
use hogo_retention::AffairNeed;
use hogo_vault::RecordContext;
use serde::{Deserialize, Serialize};

use crate::app::{Hogo, Ports, Session, entry, log};
use crate::docs::{HOLDINGS, NEEDS, NUMBER_RECORDS, PROFILE_RECORDS, SUBJECTS, USE_APPROVALS};
use crate::error::invalid;
use crate::organisation::OrganisationSettings;
use crate::setup::settings;
use crate::store::{Store, Tx};
use crate::subjects::SubjectRecord;
use crate::{Error, retention_ops};

/// The vault table and field names of sealed values.
pub(crate) const NUMBER_FIELD: &str = "my_number";
const SUBJECT_TABLE: &str = "subjects";
const PROFILE_FIELD: &str = "profile";

/// Ordinary data about a subject, sealed in the vault (never stored in plaintext).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// 氏名.
    pub name: String,
    /// フリガナ.
    pub furigana: String,
    /// 生年月日.
    pub birth_date: Option<NaiveDate>,
    /// 住所.
    pub address: String,
}

/// A new subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSubject {
    /// Kind (employee, dependant, payee, job seeker).
    pub kind: SubjectKind,
    /// The organisation's own reference (社員番号, 取引先コード). Never a My Number.
    pub reference: String,
    /// Another subject that is the same person (e.g. an employee who is also a payee).
    pub same_person_as: Option<SubjectId>,
    /// The profile, sealed in the vault.
    pub profile: Profile,
}

/// Where a subject's number is sealed and for which affairs it was collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberRecord {
    /// The subject.
    pub subject: SubjectId,
    /// The vault record.
    pub record: RecordId,
    /// The affairs it was collected for (M1).
    pub affairs: Vec<Affair>,
    /// When it was collected.
    pub collected_at: DateTime<Utc>,
    /// How the 本人確認 was done (types only, never document numbers).
    pub verification: Verification,
}

/// What `collect_number` needs.
#[derive(Debug)]
pub struct CollectNumber {
    /// Whose number.
    pub subject: SubjectId,
    /// The affair that needs it (M1, M7 Art. 14–15).
    pub affair: Affair,
    /// The 本人確認 record (M7, 番号法16条).
    pub verification: Verification,
    /// The purpose was notified to the person (doc 003 Art. 13).
    pub purpose_notified: bool,
    /// A copy of the identity document was kept (it becomes an `identity_document_copy` holding).
    pub identity_copy_kept: bool,
    /// The number (secret).
    pub number: MyNumber,
}

/// What a reveal is for: the copies handed to the person never show the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// A filing with an authority (届出書, 税務署提出用 法定調書).
    Filing,
    /// The organisation's own copy of a filing (控え).
    FilingCopy,
    /// 受給者交付用 源泉徴収票 and other copies for the person: never show the number.
    RecipientCopy,
}

impl OutputKind {
    fn label_ja(self) -> &'static str {
        match self {
            Self::Filing => "提出用",
            Self::FilingCopy => "控え",
            Self::RecipientCopy => "本人交付用",
        }
    }
}

/// A manager's approval of a use application (利用申請, doc 003 Art. 6②).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseApproval {
    /// The affair.
    pub affair: Affair,
    /// What the use is for (e.g. "令和7年分 源泉徴収票 税務署提出").
    pub purpose: String,
    /// The approving manager.
    pub approved_by: hogo_domain::StaffId,
    /// When.
    pub approved_at: DateTime<Utc>,
    /// Last day it is valid (JST).
    pub valid_until: NaiveDate,
}

fn subject_record(tx: &Tx<'_>, id: SubjectId) -> Result<SubjectRecord, Error> {
    SUBJECTS
        .get(&*tx.docs, tx.organisation, &id.to_string())?
        .ok_or_else(|| Error::NotFound { what: format!("subject {id}") })
}

/// Loads a subject and checks that the actor may manage it (M3 for number subjects, P5
/// for job seekers).
pub(crate) fn managed_subject(
    tx: &Tx<'_>,
    actor: &Actor,
    id: SubjectId,
) -> Result<SubjectRecord, Error> {
    let record = subject_record(tx, id)?;
    let st = settings(tx)?;
    decide(&ctx(actor, &st, Some(&record.subject.kind)), &Operation::ManageSubject)?;
    Ok(record)
}

pub(crate) fn number_record(tx: &Tx<'_>, id: SubjectId) -> Result<Option<NumberRecord>, Error> {
    NUMBER_RECORDS.get(&*tx.docs, tx.organisation, &id.to_string())
}

fn ctx<'a>(
    actor: &'a Actor,
    settings: &OrganisationSettings,
    subject: Option<&'a SubjectKind>,
) -> Context<'a> {
    let c = Context::new(actor, settings.affairs);
    match subject {
        Some(s) => c.subject(s),
        None => c,
    }
}

/// The retention document kinds a number collected for `affair` is carried by.
pub(crate) fn carrying_kinds(affair: Affair) -> &'static [&'static str] {
    match affair {
        Affair::EmploymentInsurance => &["employment_insurance_insured"],
        Affair::HealthPensionInsurance => &["health_pension_insurance"],
        Affair::WorkersCompensation => &["workers_compensation"],
        Affair::WithholdingSlip => &["dependent_deduction_declaration", "withholding_slip_copy"],
        Affair::RemunerationPaymentRecord
        | Affair::DividendPaymentRecord
        | Affair::RealEstateRentPaymentRecord
        | Affair::RealEstateTransferPaymentRecord => &["payment_record_copy"],
        Affair::NationalPensionCategory3 => &["national_pension_category3"],
    }
}

impl<S: Store> Hogo<S> {
    /// Registers a subject; its profile is sealed in the vault (P9, M13) and the entry
    /// recorded (M5 ①). Job seekers need placement staff (P5); others number staff (M3).
    ///
    /// A job seeker is refused here (P1, P2): registering one needs the purposes stated to
    /// the person, the entry confirmed and the collection source recorded, which only
    /// [`Hogo::register_seeker`] (`hogo seeker register`) does.
    pub fn add_subject(&self, session: &Session, input: NewSubject) -> Result<SubjectId, Error> {
        check_new_subject(&input, "")?;
        self.with_session(session, Action::Acquisition, &mut |ports, actor, tx| {
            let settings = settings(tx)?;
            add_one(ports, actor, tx, &settings, &input)
        })
    }

    /// Registers many subjects in **one** transaction (a year-start import): every row
    /// is checked like [`Hogo::add_subject`] (errors name the row: [`Error::row`]); one
    /// bad row fails the whole batch and nothing is stored. A dependant names an employee
    /// registered before the batch.
    pub fn add_subjects(
        &self,
        session: &Session,
        inputs: &[NewSubject],
    ) -> Result<Vec<SubjectId>, Error> {
        for (i, input) in inputs.iter().enumerate() {
            check_new_subject(input, &format!("rows[{i}]."))?;
        }
        self.with_session(session, Action::Acquisition, &mut |ports, actor, tx| {
            let settings = settings(tx)?;
            // The subjects the rows refer to, in one round trip on a server (a hint).
            let referred: Vec<String> = inputs
                .iter()
                .flat_map(|i| {
                    let of = match i.kind {
                        SubjectKind::Dependent { of, .. } => Some(of),
                        _ => None,
                    };
                    of.into_iter().chain(i.same_person_as)
                })
                .map(|s| s.to_string())
                .collect();
            SUBJECTS.prefetch(&*tx.docs, tx.organisation, &referred)?;
            inputs
                .iter()
                .enumerate()
                .map(|(i, input)| {
                    add_one(ports, actor, tx, &settings, input).map_err(|e| e.in_row(i))
                })
                .collect()
        })
    }

    /// Collects and stores a My Number (M7): affair in use and applicable (M1), purpose
    /// notified (Art. 13), 本人確認 lawful (番号法16条), number valid; sealed and indexed,
    /// unique within the organisation unless the subjects are one person, and recorded
    /// as 取得 (M5 ①). Retention holdings for the affair's documents start here.
    ///
    /// Uniqueness is checked inside the writing transaction: SQLite's `BEGIN IMMEDIATE`
    /// (and PostgreSQL's lock on the index tag) keep two clerks from storing the same
    /// number at once.
    pub fn collect_number(
        &self,
        session: &Session,
        input: CollectNumber,
    ) -> Result<RecordId, Error> {
        if !input.purpose_notified {
            return Err(invalid(
                "purpose_notified",
                RuleId::M7,
                "個人番号の取得時には利用目的を本人に通知してください（規程13条）",
                "the purpose must be notified when the number is collected (Art. 13)",
            ));
        }
        self.with_session(session, Action::Acquisition, &mut |ports, actor, tx| {
            let settings = settings(tx)?;
            collect_one(ports, actor, tx, &settings, &input)
        })
    }

    /// Collects many numbers in **one** transaction (a year-end import): every row is
    /// checked like [`Hogo::collect_number`]; one bad row fails the whole batch and
    /// nothing is stored. The error names the row ([`Error::row`]).
    pub fn collect_numbers(
        &self,
        session: &Session,
        inputs: &[CollectNumber],
    ) -> Result<Vec<RecordId>, Error> {
        if let Some((i, _)) = inputs.iter().enumerate().find(|(_, c)| !c.purpose_notified) {
            return Err(invalid(
                &format!("rows[{i}].purpose_notified"),
                RuleId::M7,
                "個人番号の取得時には利用目的を本人に通知してください（規程13条）",
                "the purpose must be notified when the number is collected (Art. 13)",
            ));
        }
        self.with_session(session, Action::Acquisition, &mut |ports, actor, tx| {
            // Hints for stores that cache per transaction (one round trip each on a
            // server instead of one per row); they change no answer.
            let org = tx.organisation;
            let settings = settings(tx)?;
            let numbers: Vec<&MyNumber> = inputs.iter().map(|i| &i.number).collect();
            ports.vault()?.prefetch_numbers(&*tx.vault, org, NUMBER_FIELD, &numbers)?;
            let owners: Vec<(SubjectId, DataClass)> = inputs
                .iter()
                .flat_map(|i| [(i.subject, DataClass::MyNumber), (i.subject, DataClass::Profile)])
                .collect();
            tx.vault.prefetch_data_keys(org, &owners).map_err(hogo_vault::VaultError::from)?;
            let ids: Vec<String> = inputs.iter().map(|i| i.subject.to_string()).collect();
            SUBJECTS.prefetch(&*tx.docs, org, &ids)?;
            NUMBER_RECORDS.prefetch(&*tx.docs, org, &ids)?;
            retention_ops::prefetch_subjects(tx, inputs.iter().map(|i| i.subject))?;
            inputs
                .iter()
                .enumerate()
                .map(|(i, input)| {
                    collect_one(ports, actor, tx, &settings, input).map_err(|e| e.in_row(i))
                })
                .collect()
        })
    }

    /// Approves a use application (利用申請) for an affair (doc 003 Art. 6②): only the
    /// 事務取扱責任者.
    pub fn approve_use(
        &self,
        session: &Session,
        affair: Affair,
        purpose: &str,
        valid_until: NaiveDate,
    ) -> Result<(), Error> {
        if purpose.trim().is_empty() {
            return Err(invalid(
                "purpose",
                RuleId::M3,
                "利用目的を入力してください",
                "state what the use is for",
            ));
        }
        self.with_session(session, Action::Use, &mut |ports, actor, tx| {
            let settings = settings(tx)?;
            let auth = decide(&ctx(actor, &settings, None), &Operation::ApproveNumberUse)?;
            if !settings.affairs.contains(affair) {
                return Err(Error::Refused(hogo_domain::Refusal {
                    rule: RuleId::M1,
                    code: hogo_domain::RefusalCode::AffairNotInUse,
                    message_ja: format!(
                        "「{}」はこの事業者の事務に含まれていません",
                        affair.label_ja()
                    ),
                    message_en: format!(
                        "the affair {} is not among this organisation's affairs",
                        affair.id()
                    ),
                }));
            }
            let approval = UseApproval {
                affair,
                purpose: purpose.trim().to_owned(),
                approved_by: actor.staff,
                approved_at: ports.now(),
                valid_until,
            };
            USE_APPROVALS.put(tx.docs, tx.organisation, affair.id(), &approval)?;
            let e = entry(ports, actor, Action::Use)
                .with_scope(Scope::Affair(affair))
                .with_legal_basis(&auth.legal_basis)?
                .with_note(&format!("利用申請承認: {}", approval.purpose))?;
            log(tx, ports, vec![e])
        })
    }

    /// Reveals one subject's number for an affair and an output (M8): one 利用・出力
    /// entry (M5 ②). Copies for the person never show the number.
    pub fn reveal_number(
        &self,
        session: &Session,
        subject: SubjectId,
        affair: Affair,
        output: OutputKind,
    ) -> Result<MyNumber, Error> {
        let mut v = self.reveal_numbers(session, &[subject], affair, output)?;
        v.pop()
            .map(|(_, n)| n)
            .ok_or_else(|| Error::NotFound { what: format!("number of subject {subject}") })
    }

    /// Bulk output for 法定調書 and filings: every subject's number for `affair`, one
    /// entry per subject, in one transaction; all or nothing.
    pub fn reveal_numbers(
        &self,
        session: &Session,
        subjects: &[SubjectId],
        affair: Affair,
        output: OutputKind,
    ) -> Result<Vec<(SubjectId, MyNumber)>, Error> {
        self.with_session(session, Action::Output, &mut |ports, actor, tx| {
            let settings = settings(tx)?;
            if output == OutputKind::RecipientCopy {
                return Err(Error::Refused(hogo_domain::Refusal {
                    rule: RuleId::M8,
                    code: hogo_domain::RefusalCode::NoAffair,
                    message_ja: "本人交付用の写し（受給者交付用 源泉徴収票 等）には個人番号を表示しません".into(),
                    message_en: "copies for the person (e.g. the recipient's withholding slip) never show the number".into(),
                }));
            }
            if settings.use_approval_required {
                let approved = USE_APPROVALS
                    .get::<UseApproval>(&*tx.docs, tx.organisation, affair.id())?
                    .is_some_and(|a| a.valid_until >= ports.today());
                if !approved {
                    return Err(Error::Refused(hogo_domain::Refusal {
                        rule: RuleId::M3,
                        code: hogo_domain::RefusalCode::RoleNotAllowed,
                        message_ja: format!("「{}」の利用には事務取扱責任者の利用申請承認が必要です（規程6条2項）", affair.label_ja()),
                        message_en: "this use needs the number manager's approval of a use application first (Art. 6②)".into(),
                    }));
                }
            }
            let mut records = Vec::with_capacity(subjects.len());
            let mut entries = Vec::with_capacity(subjects.len());
            for &s in subjects {
                let subject = subject_record(tx, s)?;
                let auth = decide(
                    &ctx(actor, &settings, Some(&subject.subject.kind)),
                    &Operation::UseNumber { affair: Some(affair), emergency: None },
                )?;
                let rec = number_record(tx, s)?.ok_or_else(|| Error::NotFound { what: format!("number of subject {s}") })?;
                if !rec.affairs.contains(&affair) {
                    return Err(Error::Refused(hogo_domain::Refusal {
                        rule: RuleId::M8,
                        code: hogo_domain::RefusalCode::NoAffair,
                        message_ja: format!("この番号は「{}」のために取得されていません", affair.label_ja()),
                        message_en: format!("this number was not collected for {}", affair.id()),
                    }));
                }
                records.push(rec.record);
                entries.push(
                    entry(ports, actor, Action::Output)
                        .with_subject(s)
                        .with_object(ObjectRef::Record(rec.record))
                        .with_document_kind(DocumentKind::new("my_number")?)
                        .with_scope(Scope::Affair(affair))
                        .with_legal_basis(&auth.legal_basis)?
                        .with_note(output.label_ja())?,
                );
            }
            let vault = ports.vault()?;
            let numbers = vault.open_numbers_batch(&*tx.vault, &*tx.keks, &records)?;
            log(tx, ports, entries)?;
            Ok(subjects.iter().copied().zip(numbers).collect())
        })
    }

    /// Finds the subject holding a number (number in, subject ids out; never the other
    /// way round). The search itself is recorded (M5 ⑥), without the number.
    pub fn find_subject_by_number(
        &self,
        session: &Session,
        number: &MyNumber,
    ) -> Result<Vec<SubjectId>, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            let settings = settings(tx)?;
            // Number staff only: allowed when the actor may use numbers for some affair in use.
            let mut first_refusal = None;
            let allowed = settings.affairs.iter().any(|a| {
                match decide(
                    &ctx(actor, &settings, None),
                    &Operation::UseNumber { affair: Some(a), emergency: None },
                ) {
                    Ok(_) => true,
                    Err(r) => {
                        first_refusal.get_or_insert(r);
                        false
                    }
                }
            });
            if !allowed {
                return Err(Error::Refused(first_refusal.unwrap_or_else(|| {
                    hogo_domain::Refusal {
                        rule: RuleId::M1,
                        code: hogo_domain::RefusalCode::AffairNotInUse,
                        message_ja: "個人番号関係事務が設定されていません".into(),
                        message_en: "the organisation has no affairs".into(),
                    }
                })));
            }
            let vault = ports.vault()?;
            let found: Vec<SubjectId> = vault
                .find_number(&*tx.vault, &*tx.keks, tx.organisation, NUMBER_FIELD, number)?
                .into_iter()
                .map(|m| m.subject)
                .collect();
            let e = entry(ports, actor, Action::Access)
                .with_document_kind(DocumentKind::new("my_number")?)
                .with_note(&format!("個人番号による本人検索（{}件）", found.len()))?;
            log(tx, ports, vec![e])?;
            Ok(found)
        })
    }

    /// Every subject of the organisation (ids and kinds; no personal data).
    pub fn subjects(&self, session: &Session) -> Result<Vec<SubjectRecord>, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            let settings = settings(tx)?;
            let all: Vec<SubjectRecord> = SUBJECTS.list(&*tx.docs, tx.organisation)?;
            Ok(all
                .into_iter()
                .filter(|r| {
                    decide(&ctx(actor, &settings, Some(&r.subject.kind)), &Operation::ManageSubject)
                        .is_ok()
                })
                .collect())
        })
    }

    /// One subject's record and unsealed profile (logged as 閲覧, M5 ⑥).
    pub fn subject(
        &self,
        session: &Session,
        id: SubjectId,
    ) -> Result<(SubjectRecord, Profile, bool), Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            let settings = settings(tx)?;
            let record = subject_record(tx, id)?;
            decide(&ctx(actor, &settings, Some(&record.subject.kind)), &Operation::ManageSubject)?;
            let profile = open_profile(ports, tx, id)?;
            let has_number = number_record(tx, id)?.is_some();
            let e =
                entry(ports, actor, Action::Access).with_subject(id).with_note("本人情報の閲覧")?;
            log(tx, ports, vec![e])?;
            Ok((record, profile, has_number))
        })
    }
}

pub(crate) fn number_ctx(
    org: hogo_domain::OrganisationId,
    subject: SubjectId,
    record: RecordId,
) -> RecordContext {
    RecordContext {
        organisation: org,
        subject,
        class: DataClass::MyNumber,
        table: SUBJECT_TABLE.into(),
        field: NUMBER_FIELD.into(),
        record,
    }
}

pub(crate) fn profile_ctx(
    org: hogo_domain::OrganisationId,
    subject: SubjectId,
    record: RecordId,
) -> RecordContext {
    RecordContext {
        organisation: org,
        subject,
        class: DataClass::Profile,
        table: SUBJECT_TABLE.into(),
        field: PROFILE_FIELD.into(),
        record,
    }
}

/// Unseals a subject's profile.
pub(crate) fn open_profile(
    ports: &Ports<'_>,
    tx: &Tx<'_>,
    id: SubjectId,
) -> Result<Profile, Error> {
    let record: RecordId = PROFILE_RECORDS
        .get(&*tx.docs, tx.organisation, &id.to_string())?
        .ok_or_else(|| Error::NotFound { what: format!("profile of subject {id}") })?;
    let vault = ports.vault()?;
    let plain = vault.open(&*tx.vault, &*tx.keks, record)?;
    serde_json::from_slice(plain.expose()).map_err(|e| Error::Storage(format!("profile: {e}")))
}

/// The checks of a new subject that need no store (`field` prefixes the field names,
/// e.g. `rows[3].` in a batch).
fn check_new_subject(input: &NewSubject, field: &str) -> Result<(), Error> {
    if input.kind == SubjectKind::JobSeeker {
        return Err(invalid(
            &format!("{field}kind"),
            RuleId::P1,
            "求職者は「hogo seeker register」（register_seeker）で登録してください（利用目的の明示・入力内容の確認・収集元の記録が必要です。P1・P2）",
            "register a job seeker with `hogo seeker register` (register_seeker): the purposes stated, the entry confirmed and the collection source must be recorded (P1, P2)",
        ));
    }
    if input.reference.trim().is_empty() {
        return Err(invalid(
            &format!("{field}reference"),
            RuleId::M6,
            "社員番号等の参照番号を入力してください",
            "a reference is required",
        ));
    }
    if hogo_domain::my_number::find_my_number_like(&input.reference).is_some() {
        return Err(invalid(
            &format!("{field}reference"),
            RuleId::M8,
            "参照番号に個人番号を使うことはできません（番号法9条）",
            "a My Number must not be used as a reference (番号法9条)",
        ));
    }
    if input.profile.name.trim().is_empty() {
        return Err(invalid(
            &format!("{field}profile.name"),
            RuleId::P4,
            "氏名を入力してください",
            "the name is required",
        ));
    }
    Ok(())
}

/// Registers one checked subject inside the caller's transaction: the policy (M3 / P5),
/// the dependant's employee, the sealed profile (P9, M13) and the 取得 entry (M5 ①).
fn add_one(
    ports: &Ports<'_>,
    actor: &Actor,
    tx: &mut Tx<'_>,
    settings: &OrganisationSettings,
    input: &NewSubject,
) -> Result<SubjectId, Error> {
    decide(&ctx(actor, settings, Some(&input.kind)), &Operation::ManageSubject)?;
    if let SubjectKind::Dependent { of, .. } = input.kind {
        let employee = subject_record(tx, of)?;
        if employee.subject.kind != SubjectKind::Employee {
            return Err(invalid(
                "kind.of",
                RuleId::M1,
                "扶養親族は従業員に紐付けます",
                "a dependant belongs to an employee",
            ));
        }
    }
    if let Some(other) = input.same_person_as {
        subject_record(tx, other)?;
    }
    let id: SubjectId = SubjectId::from_uuid(ports.ids.new_uuid());
    let record = SubjectRecord {
        organisation: tx.organisation,
        subject: Subject { id, kind: input.kind, same_person_as: input.same_person_as },
        reference: input.reference.trim().to_owned(),
        created_at: ports.now(),
        events: Vec::new(),
    };
    SUBJECTS.put(tx.docs, tx.organisation, &id.to_string(), &record)?;
    if let SubjectKind::Dependent { of, .. } = input.kind {
        crate::index::DEPENDANTS.add(tx, of, id)?;
    }
    let profile_record = RecordId::from_uuid(ports.ids.new_uuid());
    let json = zeroize::Zeroizing::new(
        serde_json::to_vec(&input.profile).map_err(|e| Error::Internal(e.to_string()))?,
    );
    let vault = ports.vault()?;
    vault.seal(tx.vault, tx.keks, &profile_ctx(tx.organisation, id, profile_record), &json)?;
    PROFILE_RECORDS.put(tx.docs, tx.organisation, &id.to_string(), &profile_record)?;
    let e = entry(ports, actor, Action::Acquisition)
        .with_subject(id)
        .with_object(ObjectRef::Record(profile_record))
        .with_document_kind(DocumentKind::new("subject_profile")?)
        .with_note(&format!("{}を登録", input.kind.label_ja()))?;
    log(tx, ports, vec![e])?;
    Ok(id)
}

/// The body of `collect_number`, shared with the batch form (the caller reads the
/// settings once).
fn collect_one(
    ports: &Ports<'_>,
    actor: &Actor,
    tx: &mut Tx<'_>,
    settings: &OrganisationSettings,
    input: &CollectNumber,
) -> Result<RecordId, Error> {
    let subject = subject_record(tx, input.subject)?;
    let auth = decide(
        &ctx(actor, settings, Some(&subject.subject.kind)),
        &Operation::CollectNumber { affair: input.affair },
    )?;
    input.verification.validate(&subject.subject.kind, input.affair).map_err(|e| {
        Error::Invalid { field: "verification".into(), rule: RuleId::M7, message: e.to_string() }
    })?;
    let vault = ports.vault()?;
    let org = tx.organisation;
    // Uniqueness among the tag's candidates, by decrypt-and-compare.
    let linked = |other: SubjectId| {
        subject.subject.same_person_as == Some(other)
            || SUBJECTS
                .get::<SubjectRecord>(&*tx.docs, org, &other.to_string())
                .ok()
                .flatten()
                .is_some_and(|o| o.subject.same_person_as == Some(input.subject))
    };
    let matches = vault.find_number(&*tx.vault, &*tx.keks, org, NUMBER_FIELD, &input.number)?;
    if matches.iter().any(|m| m.subject != input.subject && !linked(m.subject)) {
        return Err(Error::Conflict {
            rule: RuleId::M9,
            message: "この個人番号は別の本人として登録済みです（同一人物として紐付ける場合を除く） / this number is already held by another subject (unless linked as the same person)".into(),
        });
    }
    let existing = number_record(tx, input.subject)?;
    let now = ports.now();
    let record = match existing {
        Some(mut rec) => {
            let current = vault.open_number(&*tx.vault, &*tx.keks, rec.record)?;
            if current != input.number {
                return Err(Error::Conflict {
                    rule: RuleId::M9,
                    message: "別の個人番号が登録済みです（番号の変更は変更手続で行います） / a different number is already stored for this subject".into(),
                });
            }
            if !rec.affairs.contains(&input.affair) {
                rec.affairs.push(input.affair);
            }
            NUMBER_RECORDS.put(tx.docs, org, &input.subject.to_string(), &rec)?;
            rec.record
        }
        None => {
            // A subject linked as the same person shares the one sealed number.
            let shared = matches.iter().find(|m| m.subject != input.subject).map(|m| m.record);
            let record = match shared {
                Some(r) => r,
                None => {
                    let r = RecordId::from_uuid(ports.ids.new_uuid());
                    vault.put_number(
                        tx.vault,
                        tx.keks,
                        &number_ctx(org, input.subject, r),
                        &input.number,
                    )?;
                    r
                }
            };
            let rec = NumberRecord {
                subject: input.subject,
                record,
                affairs: vec![input.affair],
                collected_at: now,
                verification: input.verification.clone(),
            };
            NUMBER_RECORDS.put(tx.docs, org, &input.subject.to_string(), &rec)?;
            record
        }
    };
    // Retention: the affair needs the number while the relationship continues;
    // its documents carry the number.
    let today = ports.today();
    let need =
        AffairNeed { organisation: org, subject: input.subject, affair: input.affair, until: None };
    NEEDS.put(tx.docs, org, &format!("{}:{}", input.subject, input.affair.id()), &need)?;
    let mut first_holding = None;
    for kind_id in carrying_kinds(input.affair) {
        let holding = retention_ops::new_holding(ports, org, input.subject, kind_id, today)?;
        first_holding.get_or_insert(holding.id);
        HOLDINGS.put(
            tx.docs,
            org,
            &retention_ops::holding_key(input.subject, holding.id),
            &holding,
        )?;
        for (kind, on) in retention_ops::default_filing_events(kind_id, today) {
            retention_ops::put_event(tx, input.subject, Some(holding.id), kind, on)?;
        }
    }
    if input.identity_copy_kept {
        let mut copy =
            retention_ops::new_holding(ports, org, input.subject, "identity_document_copy", today)?;
        copy.supports = first_holding;
        HOLDINGS.put(tx.docs, org, &retention_ops::holding_key(input.subject, copy.id), &copy)?;
    }
    let e = entry(ports, actor, Action::Acquisition)
        .with_subject(input.subject)
        .with_object(ObjectRef::Record(record))
        .with_document_kind(DocumentKind::new("my_number")?)
        .with_scope(Scope::Affair(input.affair))
        .with_legal_basis(&auth.legal_basis)?
        .with_note(&input.verification.describe_ja())?;
    log(tx, ports, vec![e])?;
    retention_ops::rebucket_subject(ports, tx, input.subject)?;
    Ok(record)
}
