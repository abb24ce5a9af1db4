//! Retention use cases: record events (退職, 資格喪失, 提出期限 …) that start periods and
//! move vault keys between buckets; place and release legal holds; plan any date; approve
//! and **run disposal** for what is due on the clock's today — never ahead of it —
//! crypto-shredding through the vault, writing 削除・廃棄 entries without the number (M11
//! Art. 29②) and producing a 削除証明書 per subject with its inclusion proof and checkpoint.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use hogo_domain::policy::{Context, Operation, decide};
use hogo_domain::{DataClass, HoldId, HoldingId, OrganisationId, RuleId, StaffId, SubjectId};
use hogo_ledger::{Action, ObjectRef, SafeText};
use hogo_retention::{
    AffairNeed, DisposalMonth, DisposalPlan, DocumentKind, Event, EventKind, EventScope, HoldScope,
    Holding, LegalHold, PlanInput, RetentionConfig, Schedule,
};
use hogo_vault::{Bucket, DueMonth, KekState};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::app::{Hogo, Ports, Session, entry, log};
use crate::docs::{
    CERTIFICATES, DISPOSAL_APPROVALS, EVENTS, HOLDINGS, HOLDS, NEEDS, NUMBER_RECORDS, SINGLETONS,
    SUBJECTS,
};
use crate::error::invalid;
use crate::numbers::number_record;
use crate::setup::{settings, signer};
use crate::store::{Store, Tx};
use crate::subjects::{SubjectEvent, SubjectEventKind, SubjectRecord};

const RETENTION_CONFIG: &str = "retention_config";

/// A new holding of `kind_id` for a subject.
pub(crate) fn new_holding(
    ports: &Ports<'_>,
    org: OrganisationId,
    subject: SubjectId,
    kind_id: &str,
    created: NaiveDate,
) -> Result<Holding, Error> {
    let kind = DocumentKind::from_id(kind_id).ok_or_else(|| {
        invalid("kind", RuleId::M9, "文書の種類が不明です", "unknown document kind")
    })?;
    Ok(Holding::new(HoldingId::from_uuid(ports.ids.new_uuid()), org, subject, kind, created))
}

/// The 提出期限 a document gets when it is created with the number's collection:
/// a 扶養控除等申告書 handed in at hire is due that day (the day before the first pay day
/// at the latest); the payer's copies of 源泉徴収票 and 支払調書 are filed by 31 January of
/// the following year (所得税法226条, 225条). Later years' documents are recorded with
/// [`Hogo::record_document`].
pub(crate) fn default_filing_events(
    kind_id: &str,
    created: NaiveDate,
) -> Vec<(EventKind, NaiveDate)> {
    use chrono::Datelike;
    let next_jan_31 = NaiveDate::from_ymd_opt(created.year() + 1, 1, 31);
    match kind_id {
        "dependent_deduction_declaration" => vec![(EventKind::FilingDue, created)],
        "withholding_slip_copy" | "payment_record_copy" => {
            next_jan_31.map(|d| vec![(EventKind::FilingDue, d)]).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// The document id of a holding: keyed by subject so one subject's holdings are one
/// prefix range.
pub(crate) fn holding_key(subject: SubjectId, holding: HoldingId) -> String {
    format!("{subject}:{holding}")
}

/// The document id of a retention event (of the subject, or of one of its holdings).
pub(crate) fn event_key(
    subject: SubjectId,
    holding: Option<HoldingId>,
    kind: EventKind,
    on: NaiveDate,
) -> String {
    match holding {
        Some(h) => format!("{subject}:{h}:{}:{on}", kind.id()),
        None => format!("{subject}:subject:{}:{on}", kind.id()),
    }
}

/// Stores a retention event.
pub(crate) fn put_event(
    tx: &mut Tx<'_>,
    subject: SubjectId,
    holding: Option<HoldingId>,
    kind: EventKind,
    on: NaiveDate,
) -> Result<(), Error> {
    let scope = holding.map_or(EventScope::Subject(subject), EventScope::Holding);
    EVENTS.put(
        tx.docs,
        tx.organisation,
        &event_key(subject, holding, kind, on),
        &Event { scope, kind, date: on },
    )
}

/// Everything retention plans over, loaded from the transaction.
pub(crate) struct RetentionState {
    pub(crate) schedule: Schedule,
    pub(crate) holdings: Vec<Holding>,
    pub(crate) events: Vec<Event>,
    pub(crate) holds: Vec<LegalHold>,
    pub(crate) needs: Vec<AffairNeed>,
}

impl RetentionState {
    pub(crate) fn load(tx: &Tx<'_>) -> Result<Self, Error> {
        let org = tx.organisation;
        let config: RetentionConfig =
            SINGLETONS.get(&*tx.docs, org, RETENTION_CONFIG)?.unwrap_or_default();
        Ok(Self {
            schedule: Schedule::configure(&config)?,
            holdings: HOLDINGS.list(&*tx.docs, org)?,
            events: EVENTS.list(&*tx.docs, org)?,
            holds: HOLDS
                .list::<StoredHold>(&*tx.docs, org)?
                .into_iter()
                .map(|h| h.into_hold(org))
                .collect::<Result<_, _>>()?,
            needs: NEEDS.list(&*tx.docs, org)?,
        })
    }

    /// The state of one subject only (its holdings, events and needs; every hold).
    /// [`prefetch_subjects`] fetches it for a batch of subjects in one go.
    pub(crate) fn load_subject(tx: &Tx<'_>, subject: SubjectId) -> Result<Self, Error> {
        let org = tx.organisation;
        let config: RetentionConfig =
            SINGLETONS.get(&*tx.docs, org, RETENTION_CONFIG)?.unwrap_or_default();
        let prefix = format!("{subject}:");
        Ok(Self {
            schedule: Schedule::configure(&config)?,
            holdings: HOLDINGS.list_prefix(&*tx.docs, org, &prefix)?,
            events: EVENTS.list_prefix(&*tx.docs, org, &prefix)?,
            holds: HOLDS
                .list::<StoredHold>(&*tx.docs, org)?
                .into_iter()
                .map(|h| h.into_hold(org))
                .collect::<Result<_, _>>()?,
            needs: NEEDS.list_prefix(&*tx.docs, org, &prefix)?,
        })
    }

    pub(crate) fn plan(&self, today: NaiveDate) -> DisposalPlan {
        hogo_retention::plan(
            &self.schedule,
            &PlanInput {
                holdings: &self.holdings,
                events: &self.events,
                holds: &self.holds,
                needs: &self.needs,
                today,
            },
        )
    }
}

/// Hints that [`RetentionState::load_subject`] will run for each of `subjects` (their
/// holdings, events and needs are fetched per collection in one round trip on a server).
pub(crate) fn prefetch_subjects(
    tx: &Tx<'_>,
    subjects: impl Iterator<Item = SubjectId>,
) -> Result<(), Error> {
    let org = tx.organisation;
    let prefixes: Vec<String> = subjects.map(|s| format!("{s}:")).collect();
    for collection in [HOLDINGS, EVENTS, NEEDS] {
        collection.prefetch_prefixes(&*tx.docs, org, &prefixes)?;
    }
    Ok(())
}

fn bucket_of(month: DisposalMonth) -> Bucket {
    match month {
        DisposalMonth::Month { year, month } => Bucket::Due(DueMonth { year, month }),
        DisposalMonth::Open => Bucket::Open,
    }
}

/// Moves a subject's vault data keys into the buckets of their new disposal months
/// (in either direction), so a bucket shred reaches exactly what falls due in it.
pub(crate) fn rebucket_subject(
    ports: &Ports<'_>,
    tx: &mut Tx<'_>,
    subject: SubjectId,
) -> Result<(), Error> {
    let state = RetentionState::load_subject(tx, subject)?;
    let plan = state.plan(ports.today());
    let org = tx.organisation;
    let mut moves = Vec::new();
    if number_record(tx, subject)?.is_some() {
        let month = plan
            .numbers
            .iter()
            .find(|n| n.subject == subject)
            .map_or(DisposalMonth::Open, |n| n.disposal_month);
        moves.push((org, subject, DataClass::MyNumber, bucket_of(month)));
    }
    // The profile is kept as long as the longest-kept document about the subject.
    let months: Vec<DisposalMonth> =
        plan.holdings.iter().filter(|h| h.subject == subject).map(|h| h.disposal_month).collect();
    let profile_month = if months.is_empty() || months.contains(&DisposalMonth::Open) {
        DisposalMonth::Open
    } else {
        months.into_iter().max().unwrap_or(DisposalMonth::Open)
    };
    moves.push((org, subject, DataClass::Profile, bucket_of(profile_month)));
    let vault = ports.vault()?;
    vault.move_data_keys(tx.vault, tx.keks, &moves)?;
    Ok(())
}

/// One item a disposal destroyed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposedItem {
    /// What: a document kind id, `my_number` or `subject_profile`.
    pub what: String,
    /// Its Japanese label.
    pub label_ja: String,
    /// The legal basis of its period (law and article).
    pub legal_basis: String,
    /// The first day it could be disposed of.
    pub destroy_from: Option<NaiveDate>,
    /// The ledger entry recording it.
    pub entry: u64,
}

/// A 削除証明書: what was deleted about one subject, when, by whom, on what basis, with
/// the ledger inclusion proof of each entry and the signed checkpoint they verify against.
/// Never contains a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionCertificate {
    /// Certificate id.
    pub id: String,
    /// The organisation.
    pub organisation: OrganisationId,
    /// The subject (opaque id).
    pub subject: SubjectId,
    /// When the disposal ran.
    pub disposed_at: DateTime<Utc>,
    /// Who ran it.
    pub disposed_by: StaffId,
    /// Who approved the batch, where approval was required.
    pub approved_by: Option<StaffId>,
    /// The items.
    pub items: Vec<DisposedItem>,
    /// How: crypto-shredding of data keys (AES-256-GCM envelopes become unreadable).
    pub method: String,
    /// The signed checkpoint (C2SP note) the proofs verify against.
    pub checkpoint: String,
    /// Inclusion proofs (hex sibling hashes, bottom-up) per entry sequence.
    pub proofs: BTreeMap<u64, Vec<String>>,
    /// Legal holds that kept other items of the subject.
    pub held_by: Vec<HoldId>,
}

/// What a disposal run did (or would do, for a dry run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposalReport {
    /// The day (the clock's today).
    pub today: NaiveDate,
    /// Only planned, nothing destroyed.
    pub dry_run: bool,
    /// Holdings disposed of.
    pub holdings: Vec<HoldingId>,
    /// Subjects whose number was deleted.
    pub numbers: Vec<SubjectId>,
    /// Buckets whose KEK was destroyed.
    pub shredded_buckets: Vec<String>,
    /// Certificates issued (ids).
    pub certificates: Vec<String>,
    /// Due items left waiting for the manager's approval.
    pub awaiting_approval: usize,
    /// Items kept by a legal hold although their period ended.
    pub held: usize,
}

/// A legal hold as stored (rebuilt through `LegalHold`'s validating constructor on load).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredHold {
    /// Id.
    pub id: HoldId,
    /// Name.
    pub name: String,
    /// Reason.
    pub reason: String,
    /// Owner.
    pub owner: StaffId,
    /// Scope.
    pub scope: HoldScope,
    /// Start.
    pub start: NaiveDate,
    /// Release date.
    pub released: Option<NaiveDate>,
    /// The legal basis for keeping My Numbers.
    pub my_number_basis: Option<String>,
}

impl StoredHold {
    pub(crate) fn into_hold(self, org: OrganisationId) -> Result<LegalHold, Error> {
        let mut h = LegalHold::new(
            self.id,
            org,
            self.name,
            self.reason,
            self.owner,
            self.scope,
            self.start,
        )?;
        if let Some(b) = self.my_number_basis {
            h = h.with_my_number_basis(b)?;
        }
        if let Some(r) = self.released {
            h.release(r)?;
        }
        Ok(h)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DisposalApproval {
    on: NaiveDate,
    by: StaffId,
    holdings: BTreeSet<HoldingId>,
    numbers: BTreeSet<SubjectId>,
}

fn event_kind_of(kind: SubjectEventKind) -> Option<EventKind> {
    match kind {
        SubjectEventKind::Hired => None,
        SubjectEventKind::Retired => Some(EventKind::Retired),
        SubjectEventKind::QualificationLost => Some(EventKind::QualificationLost),
        SubjectEventKind::ContractEnded => Some(EventKind::Completed),
        SubjectEventKind::RegistrationEnded => Some(EventKind::RegistrationEnded),
    }
}

fn number_ctx<'a>(actor: &'a hogo_domain::Actor, tx: &Tx<'_>) -> Result<Context<'a>, Error> {
    Ok(Context::new(actor, settings(tx)?.affairs))
}

impl<S: Store> Hogo<S> {
    /// Records a subject's life event (退職, 資格喪失, 契約終了, 登録終了). Events may arrive
    /// late and move dates; a future date is refused (disposal never runs ahead of the
    /// clock). The subject's vault keys move to their new buckets.
    pub fn record_event(
        &self,
        session: &Session,
        subject: SubjectId,
        kind: SubjectEventKind,
        on: NaiveDate,
    ) -> Result<(), Error> {
        self.with_session(session, Action::DisposalScheduled, &mut |ports, actor, tx| {
            if on > ports.today() {
                return Err(invalid(
                    "on",
                    RuleId::M11,
                    "未来の日付は記録できません",
                    "an event cannot be recorded for a future date",
                ));
            }
            let org = tx.organisation;
            let mut record: SubjectRecord = SUBJECTS
                .get(&*tx.docs, org, &subject.to_string())?
                .ok_or_else(|| Error::NotFound { what: format!("subject {subject}") })?;
            let st = settings(tx)?;
            decide(
                &Context::new(actor, st.affairs).subject(&record.subject.kind),
                &Operation::ManageSubject,
            )?;
            record.events.push(SubjectEvent { kind, on, recorded_at: ports.now() });
            SUBJECTS.put(tx.docs, org, &subject.to_string(), &record)?;
            if let Some(ek) = event_kind_of(kind) {
                put_event(tx, subject, None, ek, on)?;
            }
            let mut moved = vec![subject];
            if matches!(kind, SubjectEventKind::Retired | SubjectEventKind::ContractEnded) {
                // The affairs end for the subject and, when an employee leaves, for the
                // dependants declared by them (扶養控除等申告書, 被扶養者届, 第3号).
                let dependants: Vec<SubjectId> = crate::index::DEPENDANTS
                    .ids(tx, subject)?
                    .iter()
                    .map(|id| crate::index::subject_id(id))
                    .collect::<Result<_, _>>()?;
                let mut needs: Vec<AffairNeed> = Vec::new();
                for s in std::iter::once(subject).chain(dependants.iter().copied()) {
                    needs.extend(NEEDS.list_prefix::<AffairNeed>(
                        &*tx.docs,
                        org,
                        &format!("{s}:"),
                    )?);
                }
                for mut need in needs {
                    if need.until.is_none_or(|u| u > on) {
                        need.until = Some(on);
                        NEEDS.put(
                            tx.docs,
                            org,
                            &format!("{}:{}", need.subject, need.affair.id()),
                            &need,
                        )?;
                    }
                }
                // A 被扶養者 loses that status with the insured's 資格喪失.
                if kind == SubjectEventKind::Retired {
                    for d in &dependants {
                        put_event(tx, *d, None, EventKind::QualificationLost, on)?;
                    }
                }
                moved.extend(dependants);
            }
            let e = entry(ports, actor, Action::DisposalScheduled)
                .with_subject(subject)
                .with_note(&format!("事由「{}」 {on}", kind.id()))?;
            log(tx, ports, vec![e])?;
            for s in moved {
                rebucket_subject(ports, tx, s)?;
            }
            Ok(())
        })
    }

    /// Records an event on every holding of `kind_id` of a subject — e.g. the 完結の日 of
    /// the insurance documents once the 資格喪失届 was processed, or a later 提出期限.
    /// Returns how many holdings it reached. A future date is refused except for a
    /// 提出期限, which is a deadline rather than an occurrence.
    pub fn record_holding_event(
        &self,
        session: &Session,
        subject: SubjectId,
        kind_id: &str,
        event: EventKind,
        on: NaiveDate,
    ) -> Result<usize, Error> {
        self.with_session(session, Action::DisposalScheduled, &mut |ports, actor, tx| {
            if on > ports.today() && event != EventKind::FilingDue {
                return Err(invalid(
                    "on",
                    RuleId::M11,
                    "未来の日付は記録できません",
                    "a future date cannot be recorded",
                ));
            }
            let kind = DocumentKind::from_id(kind_id).ok_or_else(|| {
                invalid("kind", RuleId::M9, "文書の種類が不明です", "unknown document kind")
            })?;
            let org = tx.organisation;
            crate::numbers::managed_subject(tx, actor, subject)?;
            let holdings: Vec<Holding> =
                HOLDINGS.list_prefix(&*tx.docs, org, &format!("{subject}:"))?;
            let targets: Vec<HoldingId> = holdings
                .iter()
                .filter(|h| h.subject == subject && h.kind == kind)
                .map(|h| h.id)
                .collect();
            for h in &targets {
                put_event(tx, subject, Some(*h), event, on)?;
            }
            let e = entry(ports, actor, Action::DisposalScheduled)
                .with_subject(subject)
                .with_document_kind(hogo_ledger::DocumentKind::new(kind_id)?)
                .with_note(&format!("事由「{}」 {on}（{}件）", event.id(), targets.len()))?;
            log(tx, ports, vec![e])?;
            rebucket_subject(ports, tx, subject)?;
            Ok(targets.len())
        })
    }

    /// Records an event of one document (e.g. the 提出期限 of a 扶養控除等申告書) or adds a
    /// new document holding for a subject.
    pub fn record_document(
        &self,
        session: &Session,
        subject: SubjectId,
        kind_id: &str,
        created: NaiveDate,
        events: &[(EventKind, NaiveDate)],
    ) -> Result<HoldingId, Error> {
        self.with_session(session, Action::Acquisition, &mut |ports, actor, tx| {
            if created > ports.today()
                || events.iter().any(|(k, d)| *d > ports.today() && *k != EventKind::FilingDue)
            {
                return Err(invalid(
                    "created",
                    RuleId::M11,
                    "未来の日付は記録できません",
                    "a future date cannot be recorded",
                ));
            }
            let org = tx.organisation;
            crate::numbers::managed_subject(tx, actor, subject)?;
            let holding = new_holding(ports, org, subject, kind_id, created)?;
            HOLDINGS.put(tx.docs, org, &holding_key(subject, holding.id), &holding)?;
            for (k, d) in events {
                put_event(tx, subject, Some(holding.id), *k, *d)?;
            }
            let e = entry(ports, actor, Action::Acquisition)
                .with_subject(subject)
                .with_object(ObjectRef::Holding(holding.id))
                .with_document_kind(hogo_ledger::DocumentKind::new(kind_id)?)
                .with_note("文書の保管開始")?;
            log(tx, ports, vec![e])?;
            rebucket_subject(ports, tx, subject)?;
            Ok(holding.id)
        })
    }

    /// Places a legal hold (保存の継続). A hold that keeps My Numbers must cite its legal
    /// basis (番号法20条); without one, the rest is kept and numbers are still deleted on time.
    pub fn place_hold(
        &self,
        session: &Session,
        name: &str,
        reason: &str,
        scope: HoldScope,
        my_number_basis: Option<&str>,
    ) -> Result<HoldId, Error> {
        self.with_session(session, Action::HoldPlaced, &mut |ports, actor, tx| {
            decide(&number_ctx(actor, tx)?, &Operation::ApproveNumberDisposal)?;
            let id = HoldId::from_uuid(ports.ids.new_uuid());
            let stored = StoredHold {
                id,
                name: name.to_owned(),
                reason: reason.to_owned(),
                owner: actor.staff,
                scope: scope.clone(),
                start: ports.today(),
                released: None,
                my_number_basis: my_number_basis.map(str::to_owned),
            };
            // Validate through the retention crate's constructor before storing.
            stored.clone().into_hold(tx.organisation)?;
            HOLDS.put(tx.docs, tx.organisation, &id.to_string(), &stored)?;
            let mut e = entry(ports, actor, Action::HoldPlaced)
                .with_object(ObjectRef::Hold(id))
                .with_note(name)?;
            if let Some(b) = my_number_basis {
                e = e.with_legal_basis(b)?;
            }
            log(tx, ports, vec![e])?;
            for s in affected_subjects(tx, &scope)? {
                rebucket_subject(ports, tx, s)?;
            }
            Ok(id)
        })
    }

    /// Releases a legal hold; what it kept falls due again on its own dates.
    pub fn release_hold(&self, session: &Session, hold: HoldId) -> Result<(), Error> {
        self.with_session(session, Action::HoldReleased, &mut |ports, actor, tx| {
            decide(&number_ctx(actor, tx)?, &Operation::ApproveNumberDisposal)?;
            let mut h: StoredHold = HOLDS
                .get(&*tx.docs, tx.organisation, &hold.to_string())?
                .ok_or_else(|| Error::NotFound { what: format!("hold {hold}") })?;
            h.released = Some(ports.today());
            h.clone().into_hold(tx.organisation)?;
            HOLDS.put(tx.docs, tx.organisation, &hold.to_string(), &h)?;
            let e = entry(ports, actor, Action::HoldReleased)
                .with_object(ObjectRef::Hold(hold))
                .with_note(&h.name)?;
            log(tx, ports, vec![e])?;
            for s in affected_subjects(tx, &h.scope)? {
                rebucket_subject(ports, tx, s)?;
            }
            Ok(())
        })
    }

    /// The disposal plan for any date (read-only: planning may look ahead, disposing may not).
    pub fn plan(&self, session: &Session, on: NaiveDate) -> Result<DisposalPlan, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            decide(&number_ctx(actor, tx)?, &Operation::ViewRegister)?;
            Ok(RetentionState::load(tx)?.plan(on))
        })
    }

    /// The manager approves today's disposal batch (doc 000 §11, M11).
    pub fn approve_disposal(&self, session: &Session) -> Result<usize, Error> {
        self.with_session(session, Action::DisposalScheduled, &mut |ports, actor, tx| {
            decide(&number_ctx(actor, tx)?, &Operation::ApproveNumberDisposal)?;
            let today = ports.today();
            let plan = RetentionState::load(tx)?.plan(today);
            let approval = DisposalApproval {
                on: today,
                by: actor.staff,
                // With the organisation's switch on, the whole batch needs approval
                // (doc 000 §11); otherwise only the kinds configured for review.
                // Placement data is confirmed by the privacy officer instead (P11).
                holdings: if settings(tx)?.disposal_approval_required {
                    plan.due().filter(|h| !is_placement_kind(h.kind)).map(|h| h.holding).collect()
                } else {
                    plan.awaiting_approval()
                        .filter(|h| !is_placement_kind(h.kind))
                        .map(|h| h.holding)
                        .collect()
                },
                numbers: plan.numbers_due().map(|n| n.subject).collect(),
            };
            let count = approval.holdings.len() + approval.numbers.len();
            DISPOSAL_APPROVALS.put(tx.docs, tx.organisation, &today.to_string(), &approval)?;
            let e = entry(ports, actor, Action::DisposalScheduled)
                .with_note(&format!("廃棄承認 {count}件"))?;
            log(tx, ports, vec![e])?;
            Ok(count)
        })
    }

    /// Runs the disposal for what is due on the clock's today (never a later date).
    pub fn run_disposal(&self, session: &Session, dry_run: bool) -> Result<DisposalReport, Error> {
        self.with_session(session, Action::Disposal, &mut |ports, actor, tx| {
            dispose(ports, actor, tx, dry_run)
        })
    }

    /// A stored deletion certificate.
    pub fn certificate(&self, session: &Session, id: &str) -> Result<DeletionCertificate, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            decide(&number_ctx(actor, tx)?, &Operation::ViewRegister)?;
            CERTIFICATES
                .get(&*tx.docs, tx.organisation, id)?
                .ok_or_else(|| Error::NotFound { what: format!("certificate {id}") })
        })
    }

    /// Every stored deletion certificate.
    pub fn certificates(&self, session: &Session) -> Result<Vec<DeletionCertificate>, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            decide(&number_ctx(actor, tx)?, &Operation::ViewRegister)?;
            CERTIFICATES.list(&*tx.docs, tx.organisation)
        })
    }
}

/// Whether a document kind belongs to job placement (P3, P11): disposed of by the placement
/// disposal, confirmed by the 個人情報取扱責任者.
pub(crate) fn is_placement_kind(kind: DocumentKind) -> bool {
    matches!(kind.rule(), RuleId::P11 | RuleId::P3)
}

fn affected_subjects(tx: &Tx<'_>, scope: &HoldScope) -> Result<Vec<SubjectId>, Error> {
    if !scope.subjects.is_empty() {
        return Ok(scope.subjects.clone());
    }
    let all: Vec<SubjectRecord> = SUBJECTS.list(&*tx.docs, tx.organisation)?;
    Ok(all.into_iter().map(|r| r.subject.id).collect())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn dispose(
    ports: &Ports<'_>,
    actor: &hogo_domain::Actor,
    tx: &mut Tx<'_>,
    dry_run: bool,
) -> Result<DisposalReport, Error> {
    let org = tx.organisation;
    let ctx = number_ctx(actor, tx)?;
    decide(&ctx, &Operation::DisposeNumbers)?;
    let today = ports.today();
    let state = RetentionState::load(tx)?;
    let plan = state.plan(today);
    let approval: Option<DisposalApproval> =
        DISPOSAL_APPROVALS.get(&*tx.docs, org, &today.to_string())?;
    let approved_holding =
        |h: &HoldingId| approval.as_ref().is_some_and(|a| a.holdings.contains(h));
    // The organisation's switch puts the whole batch under approval (doc 000 §11, M11);
    // otherwise only the kinds whose review mode asks for it.
    let all_need_approval = settings(tx)?.disposal_approval_required;
    let number_needs_approval = |s: &SubjectId| {
        all_need_approval
            || plan.numbers.iter().any(|n| {
                n.subject == *s
                    && matches!(
                        n.status,
                        hogo_retention::NumberStatus::Due {
                            review: hogo_retention::ReviewMode::ManagerApproval,
                            ..
                        }
                    )
            })
    };
    let holding_ok = |h: &&hogo_retention::HoldingPlan| {
        let review = matches!(
            h.status,
            hogo_retention::HoldingStatus::Due {
                review: hogo_retention::ReviewMode::ManagerApproval,
                ..
            }
        );
        !(all_need_approval || review) || approved_holding(&h.holding)
    };
    // Job-placement data (求職者情報, 求職管理簿, 第三者提供記録) is disposed of by the
    // placement disposal the 個人情報取扱責任者 confirms (P5, P11), never by number staff.
    let holdings: Vec<_> =
        plan.due().filter(|h| !is_placement_kind(h.kind)).filter(holding_ok).collect();
    let numbers: Vec<_> = plan
        .numbers_due()
        .filter(|n| {
            !number_needs_approval(&n.subject)
                || approval.as_ref().is_some_and(|a| a.numbers.contains(&n.subject))
        })
        .collect();
    let awaiting = plan.due().filter(|h| !is_placement_kind(h.kind)).count() - holdings.len()
        + plan.numbers_due().count()
        - numbers.len();
    let held = plan.held().count();
    let mut report = DisposalReport {
        today,
        dry_run,
        holdings: holdings.iter().map(|h| h.holding).collect(),
        numbers: numbers.iter().map(|n| n.subject).collect(),
        shredded_buckets: Vec::new(),
        certificates: Vec::new(),
        awaiting_approval: awaiting,
        held,
    };
    if dry_run {
        return Ok(report);
    }
    let vault = ports.vault()?;
    // Entries first (one batch), remembering which items each subject's certificate holds.
    let mut per_subject: BTreeMap<SubjectId, Vec<(DisposedItem, usize)>> = BTreeMap::new();
    let mut entries = Vec::new();
    for h in &holdings {
        let rule = state.schedule.rule(h.kind);
        let basis = rule.citation.to_string();
        HOLDINGS.delete(tx.docs, org, &holding_key(h.subject, h.holding))?;
        let (e, item) = holding_disposal(ports, actor, h, basis, "保存期間満了")?;
        per_subject.entry(h.subject).or_default().push((item, entries.len()));
        entries.push(e);
    }
    let due_subjects: BTreeSet<SubjectId> = numbers.iter().map(|n| n.subject).collect();
    let all_numbers: Vec<crate::numbers::NumberRecord> = NUMBER_RECORDS.list(&*tx.docs, org)?;
    for n in &numbers {
        // A number shared with a linked subject (same person) whose number is still
        // needed stays; only this subject's link to it goes.
        let own = all_numbers.iter().find(|r| r.subject == n.subject).map(|r| r.record);
        let still_shared = all_numbers.iter().any(|r| {
            Some(r.record) == own && r.subject != n.subject && !due_subjects.contains(&r.subject)
        });
        let erased = if still_shared {
            None
        } else {
            let mut erased = None;
            for r in all_numbers.iter().filter(|r| Some(r.record) == own) {
                erased = erased.or(vault.erase_data_class(
                    tx.vault,
                    org,
                    r.subject,
                    DataClass::MyNumber,
                )?);
            }
            erased
        };
        NUMBER_RECORDS.delete(tx.docs, org, &n.subject.to_string())?;
        let needs: Vec<AffairNeed> = NEEDS.list(&*tx.docs, org)?;
        for need in needs.into_iter().filter(|x| x.subject == n.subject) {
            NEEDS.delete(tx.docs, org, &format!("{}:{}", n.subject, need.affair.id()))?;
        }
        let basis =
            "番号法20条・番号GL第4-3-(3)B・規程29条（事務の終了と保存期間の経過）".to_owned();
        let mut e = entry(ports, actor, Action::Disposal)
            .with_subject(n.subject)
            .with_document_kind(hogo_ledger::DocumentKind::new("my_number")?)
            .with_legal_basis(&basis)?
            .with_note("個人番号の削除（データ鍵の破棄による暗号学的消去）")?;
        if let Some(r) = erased.as_ref().and_then(|r| r.records.first()) {
            e = e.with_object(ObjectRef::Record(*r));
        }
        per_subject.entry(n.subject).or_default().push((
            DisposedItem {
                what: "my_number".into(),
                label_ja: "個人番号".into(),
                legal_basis: basis,
                destroy_from: n.due_from,
                entry: 0,
            },
            entries.len(),
        ));
        entries.push(e);
        if let Some(r) = erased {
            entries.push(
                entry(ports, actor, Action::KeyShredded)
                    .with_subject(n.subject)
                    .with_object(ObjectRef::Key(SafeText::new(
                        "key",
                        format!("data-key/{}", r.bucket),
                    )?))
                    .with_note("データ鍵の破棄")?,
            );
        }
    }
    // Buckets of months wholly past whose keys are all gone: destroy the bucket KEK too,
    // so old backups of those keys become unreadable.
    let this_month = DueMonth::of(today);
    for row in tx.keks.bucket_keks()? {
        if row.organisation != org || row.state == KekState::Destroyed {
            continue;
        }
        if let Bucket::Due(m) = row.bucket
            && m < this_month
            && tx.vault.data_keys_in_bucket(org, row.bucket)?.is_empty()
        {
            let shred = vault.shred_bucket(tx.vault, tx.keks, org, row.bucket)?;
            report.shredded_buckets.push(shred.bucket.to_string());
            entries.push(
                entry(ports, actor, Action::KeyShredded)
                    .with_object(ObjectRef::Key(SafeText::new(
                        "key",
                        format!("bucket/{}", shred.bucket),
                    )?))
                    .with_legal_basis("規程29条（復元不可能な手段による削除）")?
                    .with_note("保存期限月の鍵を破棄（バックアップも復号不能）")?,
            );
        }
    }
    if entries.is_empty() {
        return Ok(report);
    }
    let held_by: BTreeMap<SubjectId, Vec<HoldId>> = plan
        .held()
        .filter_map(|h| match &h.status {
            hogo_retention::HoldingStatus::Held { holds, .. } => Some((h.subject, holds.clone())),
            _ => None,
        })
        .collect();
    report.certificates = certify(
        ports,
        actor,
        tx,
        Certify {
            entries,
            per_subject,
            approved_by: approval.as_ref().map(|a| a.by),
            held_by,
            id_prefix: "",
        },
    )?;
    Ok(report)
}

/// What [`certify`] appends and certifies.
pub(crate) struct Certify {
    /// The ledger entries of the disposal, in order.
    pub(crate) entries: Vec<hogo_ledger::NewEntry>,
    /// Per subject: each disposed item and the index of its entry in `entries`.
    pub(crate) per_subject: BTreeMap<SubjectId, Vec<(DisposedItem, usize)>>,
    /// Who approved or confirmed the batch.
    pub(crate) approved_by: Option<StaffId>,
    /// Legal holds that kept other items, per subject.
    pub(crate) held_by: BTreeMap<SubjectId, Vec<HoldId>>,
    /// A prefix for certificate ids (keeps two disposal runs of one day apart).
    pub(crate) id_prefix: &'static str,
}

/// Appends a disposal's entries, signs a checkpoint and stores one 削除証明書 per subject
/// with the inclusion proof of each of its entries. Shared by the My Number disposal (M11)
/// and the job-placement disposal (P11). Returns the certificate ids.
pub(crate) fn certify(
    ports: &Ports<'_>,
    actor: &hogo_domain::Actor,
    tx: &mut Tx<'_>,
    c: Certify,
) -> Result<Vec<String>, Error> {
    let org = tx.organisation;
    let today = ports.today();
    let receipts = hogo_ledger::ledger::append(tx.ledger, org, c.entries, ports.entropy)?;
    let log_signer = signer(tx, ports)?;
    let signed = hogo_ledger::ledger::checkpoint(tx.ledger, org, &log_signer)?;
    let size = signed.checkpoint.size;
    let note = signed.to_note();
    let mut ids = Vec::new();
    for (subject, items) in c.per_subject {
        let mut proofs = BTreeMap::new();
        let mut certified = Vec::new();
        for (mut item, idx) in items {
            let seq = receipts
                .get(idx)
                .map(|r| r.sequence)
                .ok_or_else(|| Error::Internal("receipt".into()))?;
            item.entry = seq;
            let proof = hogo_ledger::ledger::prove_inclusion(&*tx.ledger, org, seq, size)?;
            proofs.insert(seq, proof.path.iter().map(|h| hex(h)).collect());
            certified.push(item);
        }
        let id = format!("{}{}-{subject}", c.id_prefix, today.format("%Y%m%d"));
        let cert = DeletionCertificate {
            id: id.clone(),
            organisation: org,
            subject,
            disposed_at: ports.now(),
            disposed_by: actor.staff,
            approved_by: c.approved_by,
            items: certified,
            method: "暗号学的消去（データ鍵・保存期限月鍵の破棄、AES-256-GCM） / crypto-shredding of data keys".into(),
            checkpoint: note.clone(),
            proofs,
            held_by: c.held_by.get(&subject).cloned().unwrap_or_default(),
        };
        CERTIFICATES.put(tx.docs, org, &id, &cert)?;
        ids.push(id);
    }
    Ok(ids)
}

/// The 削除・廃棄 ledger entry of one disposed holding and its line on the deletion
/// certificate (M5 ④, M11, P11); `why` opens the note (e.g. 保存期間満了).
pub(crate) fn holding_disposal(
    ports: &Ports<'_>,
    actor: &hogo_domain::Actor,
    h: &hogo_retention::HoldingPlan,
    basis: String,
    why: &str,
) -> Result<(hogo_ledger::NewEntry, DisposedItem), Error> {
    let e = entry(ports, actor, Action::Disposal)
        .with_subject(h.subject)
        .with_object(ObjectRef::Holding(h.holding))
        .with_document_kind(hogo_ledger::DocumentKind::new(h.kind.id())?)
        .with_legal_basis(&basis)?
        .with_note(&format!(
            "{why}（{}から廃棄可）",
            h.destroy_from.map(|d| d.to_string()).unwrap_or_default()
        ))?;
    let item = DisposedItem {
        what: h.kind.id().to_owned(),
        label_ja: h.kind.label_ja().to_owned(),
        legal_basis: basis,
        destroy_from: h.destroy_from,
        entry: 0,
    };
    Ok((e, item))
}
