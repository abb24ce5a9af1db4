//! Contractors (委託先の監督, M14; doc 003 Art. 35–36): register with 法人番号, record the
//! selection checks ①–⑥ (with the 反社 items (i)–(v)) and the contract clauses ①–⑩, the
//! September and ad hoc hearings, 再委託 only with the organisation's permission at every
//! level, contract end with the contractor's deletion proof (M5 ⑤).
//!
//! **Gate**: a contractor receives data (the carry-out and sealed-export paths) or a
//! contractor-staff account only when it and every contractor above it in the chain has
//! every check and clause recorded, its contract runs, and the affair is contracted
//! (`ensure_ready`, `ensure_staff_grant`).
//!
//! **Contractor staff**: each contractor-staff account is linked to one contractor
//! ([`ContractorStaffLink`], stored by account id). The grant needs that contractor (and
//! its chain) ready and the granted affairs within its contract; every use case of the
//! account checks the same again (`ensure_contractor_staff_active`, called on each
//! session resolution), so the account's access stops when the contract ends, a
//! subcontract's parent ends, or the contract no longer covers its affairs.

use chrono::NaiveDate;
use hogo_domain::{
    Actor, Affair, AffairSet, CorporateNumber, Refusal, RefusalCode, Role, RuleId, StaffId,
};
use hogo_governance::contractor::{
    AntiSocialItem, CheckRecord, ContractClause, Contractor, ContractorRegistry, DeletionProof,
    EndHandling, Hearing, HearingDue, HearingKind, Missing, Permission, SelectionCheck,
};
use hogo_governance::ids::ContractorId;
use hogo_ledger::Action;
use serde::{Deserialize, Serialize};

use super::{
    CONTRACTOR_STAFF, CONTRACTORS, gov_error, governance, may_read, not_future, opt_text, text,
};
use crate::Error;
use crate::app::{Hogo, Ports, Session, entry, log};
use crate::error::invalid;
use crate::store::{Store, Tx};

/// A new contractor or subcontractor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContractor {
    /// Name.
    pub name: String,
    /// 法人番号 (13 digits; none for a sole proprietor or an individual 社労士).
    pub corporate_number: Option<String>,
    /// The contracted affairs.
    pub affairs: AffairSet,
    /// For a 再委託: the contractor that re-entrusts.
    pub parent: Option<ContractorId>,
    /// For a 再委託: the organisation permits it (recorded with today's date and the actor).
    pub subcontract_permitted: bool,
}

/// One item to record: a selection check, a 反社 item, or a contract clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "item", content = "id")]
pub enum ContractorItem {
    /// A selection check ①–⑥.
    Check(SelectionCheck),
    /// A 反社 item (i)–(v).
    AntiSocial(AntiSocialItem),
    /// A contract clause ①–⑩.
    Clause(ContractClause),
}

impl ContractorItem {
    /// Every item a contractor needs.
    pub fn all() -> Vec<Self> {
        SelectionCheck::ALL
            .into_iter()
            .map(Self::Check)
            .chain(AntiSocialItem::ALL.into_iter().map(Self::AntiSocial))
            .chain(ContractClause::ALL.into_iter().map(Self::Clause))
            .collect()
    }
}

/// A contractor with what it lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractorView {
    /// The record.
    pub contractor: Contractor,
    /// Its depth in the chain (1 = direct contractor).
    pub depth: usize,
    /// What is not yet recorded.
    pub missing: Missing,
    /// Whether it (and every contractor above it) may receive data now.
    pub ready: bool,
    /// The next September hearing due.
    pub hearing_due: Option<HearingDue>,
    /// The contractor-staff accounts linked to it.
    pub accounts: Vec<StaffId>,
}

/// The link of a contractor-staff account to its contractor (M14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractorStaffLink {
    /// The account.
    pub account: StaffId,
    /// The contractor whose staff member it is.
    pub contractor: ContractorId,
    /// The affairs granted (within the contract).
    pub affairs: AffairSet,
    /// The day of the grant.
    pub linked_on: NaiveDate,
    /// Who granted it.
    pub by: StaffId,
}

pub(crate) fn registry(tx: &Tx<'_>) -> Result<ContractorRegistry, Error> {
    Ok(ContractorRegistry { contractors: CONTRACTORS.list(&*tx.docs, tx.organisation)? })
}

fn load(tx: &Tx<'_>, id: ContractorId) -> Result<Contractor, Error> {
    CONTRACTORS
        .get(&*tx.docs, tx.organisation, &id.to_string())?
        .ok_or_else(|| Error::NotFound { what: format!("contractor {id}") })
}

fn not_ready(name: &str, why_ja: &str, why_en: &str) -> Error {
    Error::Refused(Refusal {
        rule: RuleId::M14,
        code: RefusalCode::ContractorNotReady,
        message_ja: format!("委託先「{name}」: {why_ja}（規程35条・36条）"),
        message_en: format!("contractor \"{name}\": {why_en} (Art. 35–36)"),
    })
}

/// M14: the contractor may receive data for `affair` — every check and clause recorded
/// for it and every contractor above it, contract running, affair contracted.
pub(crate) fn ensure_ready(
    tx: &Tx<'_>,
    id: ContractorId,
    affair: Affair,
) -> Result<Contractor, Error> {
    let reg = registry(tx)?;
    let c = reg.get(id).ok_or_else(|| Error::NotFound { what: format!("contractor {id}") })?;
    if !reg.chain_may_receive_data(id) {
        let m = c.missing();
        return Err(not_ready(
            c.name.as_str(),
            &format!(
                "選定基準・反社確認・契約条項の記録が揃っていないか、契約終了・再委託の許諾なし（未記録: 確認{}件・反社{}件・条項{}件、上位の委託先を含む）",
                m.checks.len(),
                m.anti_social.len(),
                m.clauses.len()
            ),
            &format!(
                "not every selection check, anti-social item and contract clause is recorded (here or up the chain), the contract ended, or the subcontract lacks permission (missing here: {} checks, {} anti-social items, {} clauses)",
                m.checks.len(),
                m.anti_social.len(),
                m.clauses.len()
            ),
        ));
    }
    if !c.affairs.contains(affair) {
        return Err(not_ready(
            c.name.as_str(),
            &format!("「{}」は委託契約の範囲外です", affair.label_ja()),
            &format!("{} is outside the contracted affairs", affair.id()),
        ));
    }
    Ok(c.clone())
}

/// M14 for the carry-out path that names its destination as text: the destination must
/// be a registered contractor's id or name, ready for `affair`.
pub(crate) fn ensure_ready_by_name(
    tx: &Tx<'_>,
    destination: &str,
    affair: Affair,
) -> Result<Contractor, Error> {
    let reg = registry(tx)?;
    let found = reg
        .contractors
        .iter()
        .find(|c| c.id.to_string() == destination || c.name.as_str().trim() == destination);
    match found {
        Some(c) => ensure_ready(tx, c.id, affair),
        None => Err(not_ready(
            destination,
            "登録されていない委託先には持ち出せません",
            "data cannot be carried out to an unregistered contractor",
        )),
    }
}

/// M14: a contractor-staff account for `affairs` only when `contractor` (and every
/// contractor above it) is ready and the affairs are all within its contract
/// (contractor staff are limited to the contracted affairs).
pub(crate) fn ensure_staff_grant(
    tx: &Tx<'_>,
    contractor: ContractorId,
    affairs: AffairSet,
) -> Result<(), Error> {
    if affairs.is_empty() {
        return Err(invalid(
            "contracted_affairs",
            RuleId::M14,
            "委託先担当者には委託契約の事務を指定してください",
            "contractor staff need the contracted affairs",
        ));
    }
    let reg = registry(tx)?;
    let c = reg
        .get(contractor)
        .ok_or_else(|| Error::NotFound { what: format!("contractor {contractor}") })?;
    if !reg.chain_may_receive_data(contractor) {
        return Err(not_ready(
            c.name.as_str(),
            "選定確認・契約条項の記録が揃っていないか、契約終了・再委託の許諾なしのため、委託先担当者のアカウントは作れません",
            "not every check and clause is recorded (here or up the chain), the contract ended, or the subcontract lacks permission: no contractor-staff account can be given",
        ));
    }
    if let Some(a) = affairs.iter().find(|a| !c.affairs.contains(*a)) {
        return Err(not_ready(
            c.name.as_str(),
            &format!("「{}」は委託契約の範囲外です", a.label_ja()),
            &format!("{} is outside the contracted affairs", a.id()),
        ));
    }
    Ok(())
}

/// Stores the link of a contractor-staff account (after `ensure_staff_grant`).
pub(crate) fn link_staff(tx: &mut Tx<'_>, link: &ContractorStaffLink) -> Result<(), Error> {
    CONTRACTOR_STAFF.put(tx.docs, tx.organisation, &link.account.to_string(), link)
}

/// Removes an account's contractor link (its role changed to another one).
pub(crate) fn unlink_staff(tx: &mut Tx<'_>, account: StaffId) -> Result<(), Error> {
    CONTRACTOR_STAFF.delete(tx.docs, tx.organisation, &account.to_string())?;
    Ok(())
}

/// M14, checked on every use case of a contractor-staff account: it is linked to a
/// contractor whose chain is ready and whose contract still runs and covers the
/// account's affairs. Otherwise the account's use cases are refused.
pub(crate) fn ensure_contractor_staff_active(tx: &Tx<'_>, actor: &Actor) -> Result<(), Error> {
    if actor.role != Role::Contractor {
        return Ok(());
    }
    let link: Option<ContractorStaffLink> =
        CONTRACTOR_STAFF.get(&*tx.docs, tx.organisation, &actor.staff.to_string())?;
    let Some(link) = link else {
        return Err(not_ready(
            "-",
            "この委託先担当者のアカウントはどの委託先にも紐付いていません",
            "this contractor-staff account is linked to no contractor",
        ));
    };
    let reg = registry(tx)?;
    let Some(c) = reg.get(link.contractor) else {
        return Err(not_ready(
            "-",
            "紐付いた委託先が登録されていません",
            "the linked contractor is not registered",
        ));
    };
    if c.end.is_some() {
        return Err(not_ready(
            c.name.as_str(),
            "委託契約は終了しました。委託先担当者のアカウントは使えません",
            "the contract has ended: the contractor-staff account can no longer be used",
        ));
    }
    if !reg.chain_may_receive_data(link.contractor) {
        return Err(not_ready(
            c.name.as_str(),
            "委託先（又は上位の委託先）の記録が揃っていないか契約が終了したため、アカウントは使えません",
            "the contractor (or one above it) is not ready or its contract ended: the account cannot be used",
        ));
    }
    if actor.contracted_affairs.iter().any(|a| !c.affairs.contains(a)) {
        return Err(not_ready(
            c.name.as_str(),
            "アカウントの事務が委託契約の範囲を超えています",
            "the account's affairs exceed the contracted affairs",
        ));
    }
    Ok(())
}

fn save_and_log(
    ports: &Ports<'_>,
    actor: &Actor,
    tx: &mut Tx<'_>,
    c: &Contractor,
    action: Action,
    note: &str,
) -> Result<(), Error> {
    CONTRACTORS.put(tx.docs, tx.organisation, &c.id.to_string(), c)?;
    let e = entry(ports, actor, action)
        .with_legal_basis("規程35条・36条（委託先の監督）")?
        .with_note(&format!("委託先 {}: {note}", c.id))?;
    log(tx, ports, vec![e])
}

impl<S: Store> Hogo<S> {
    /// Registers a contractor, or a subcontractor under `parent` — refused without the
    /// organisation's permission at any depth (M14, Art. 36①).
    pub fn register_contractor(
        &self,
        session: &Session,
        input: &NewContractor,
    ) -> Result<ContractorId, Error> {
        let name = text("name / 名称", &input.name, RuleId::M14)?;
        let corporate = input
            .corporate_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                CorporateNumber::parse_field("corporate_number", s).map_err(|e| {
                    invalid(
                        "corporate_number",
                        RuleId::M14,
                        "法人番号が正しくありません",
                        &e.to_string(),
                    )
                })
            })
            .transpose()?;
        if input.affairs.is_empty() {
            return Err(invalid(
                "affairs",
                RuleId::M14,
                "委託する事務を1つ以上指定してください",
                "name at least one contracted affair",
            ));
        }
        self.with_session(session, Action::ContractorRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            let mut reg = registry(tx)?;
            let id = ContractorId::from_uuid(ports.ids.new_uuid());
            let mut c =
                Contractor::new(id, name.clone(), corporate.clone(), input.affairs, ports.today());
            if let Some(p) = input.parent {
                let parent = reg
                    .get(p)
                    .ok_or_else(|| Error::NotFound { what: format!("contractor {p}") })?;
                if !input.affairs.iter().all(|a| parent.affairs.contains(a)) {
                    return Err(invalid(
                        "affairs",
                        RuleId::M14,
                        "再委託できるのは委託元の委託された事務の範囲内だけです",
                        "a subcontract may cover only the parent's contracted affairs",
                    ));
                }
                c.parent = Some(p);
                if input.subcontract_permitted {
                    c.permission = Some(Permission { on: ports.today(), by: actor.staff });
                }
            }
            reg.register(c.clone()).map_err(|e| gov_error(e, RuleId::M14))?;
            let note = match (c.parent, &c.corporate_number) {
                (Some(p), _) => format!("再委託先の登録（委託元 {p}、許諾あり）"),
                (None, Some(n)) => format!("登録（法人番号 {}）", n.as_str()),
                (None, None) => "登録（法人番号なし）".to_owned(),
            };
            save_and_log(ports, actor, tx, &c, Action::ContractorRecorded, &note)?;
            Ok(id)
        })
    }

    /// Records checks, 反社 items or clauses as done today by the actor (M14).
    pub fn record_contractor_items(
        &self,
        session: &Session,
        id: ContractorId,
        items: &[ContractorItem],
        note: Option<&str>,
    ) -> Result<Missing, Error> {
        let note = opt_text("note", note, RuleId::M14)?;
        if items.is_empty() {
            return Err(invalid(
                "items",
                RuleId::M14,
                "記録する項目を指定してください",
                "name the items",
            ));
        }
        self.with_session(session, Action::ContractorRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            let mut c = load(tx, id)?;
            if c.end.is_some() {
                return Err(gov_error(
                    hogo_governance::GovernanceError::ContractEnded { name: c.name.to_string() },
                    RuleId::M14,
                ));
            }
            for item in items {
                let r = CheckRecord { on: ports.today(), by: actor.staff, note: note.clone() };
                match *item {
                    ContractorItem::Check(k) => c.record_check(k, r),
                    ContractorItem::AntiSocial(k) => c.record_anti_social(k, r),
                    ContractorItem::Clause(k) => c.record_clause(k, r),
                }
            }
            let missing = c.missing();
            save_and_log(
                ports,
                actor,
                tx,
                &c,
                Action::ContractorRecorded,
                &format!(
                    "選定確認・契約条項 {}件を記録（未記録 {}件）",
                    items.len(),
                    missing.checks.len() + missing.anti_social.len() + missing.clauses.len()
                ),
            )?;
            Ok(missing)
        })
    }

    /// Records a hearing (the yearly September one, or ad hoc) (M14, Art. 35⑤).
    pub fn record_contractor_hearing(
        &self,
        session: &Session,
        id: ContractorId,
        on: NaiveDate,
        kind: HearingKind,
        notes: &str,
    ) -> Result<(), Error> {
        let notes = text("notes / 内容", notes, RuleId::M14)?;
        self.with_session(session, Action::ContractorRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            not_future("on", on, ports.today(), RuleId::M14)?;
            let mut c = load(tx, id)?;
            c.record_hearing(Hearing { on, kind, by: actor.staff, notes: notes.clone() })
                .map_err(|e| gov_error(e, RuleId::M14))?;
            let k = if kind == HearingKind::Yearly { "定期（9月）" } else { "随時" };
            save_and_log(
                ports,
                actor,
                tx,
                &c,
                Action::ContractorRecorded,
                &format!("{k}ヒアリング {on}"),
            )
        })
    }

    /// Ends the contract: the data are to be deleted or returned; the deletion proof is
    /// then awaited (listed by `status`).
    pub fn end_contract(
        &self,
        session: &Session,
        id: ContractorId,
        ended_on: NaiveDate,
        handling: EndHandling,
    ) -> Result<(), Error> {
        self.with_session(session, Action::ContractorRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            not_future("ended_on", ended_on, ports.today(), RuleId::M14)?;
            let mut c = load(tx, id)?;
            c.end_contract(ended_on, handling).map_err(|e| gov_error(e, RuleId::M14))?;
            save_and_log(
                ports,
                actor,
                tx,
                &c,
                Action::ContractorRecorded,
                &format!("契約終了 {ended_on}"),
            )
        })
    }

    /// Records the contractor's deletion / return proof (M5 ⑤, 番号GL 別添1).
    pub fn record_contractor_deletion_proof(
        &self,
        session: &Session,
        id: ContractorId,
        received_on: NaiveDate,
        description: &str,
    ) -> Result<(), Error> {
        let description = text("description / 証明の内容", description, RuleId::M14)?;
        self.with_session(session, Action::OutsourcedDisposalProof, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            not_future("received_on", received_on, ports.today(), RuleId::M14)?;
            let mut c = load(tx, id)?;
            c.record_deletion_proof(DeletionProof {
                received_on,
                description: description.clone(),
            })
            .map_err(|e| gov_error(e, RuleId::M14))?;
            save_and_log(
                ports,
                actor,
                tx,
                &c,
                Action::OutsourcedDisposalProof,
                &format!("削除・返却の証明を受領 {received_on}"),
            )
        })
    }

    /// Every contractor with what it lacks.
    pub fn contractors(&self, session: &Session) -> Result<Vec<ContractorView>, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            may_read(actor, tx)?;
            let reg = registry(tx)?;
            let links: Vec<ContractorStaffLink> =
                CONTRACTOR_STAFF.list(&*tx.docs, tx.organisation)?;
            Ok(reg
                .contractors
                .iter()
                .map(|c| ContractorView {
                    contractor: c.clone(),
                    depth: reg.depth(c.id).unwrap_or(0),
                    missing: c.missing(),
                    ready: reg.chain_may_receive_data(c.id),
                    hearing_due: c.hearing_due(ports.today()),
                    accounts: links
                        .iter()
                        .filter(|l| l.contractor == c.id)
                        .map(|l| l.account)
                        .collect(),
                })
                .collect())
        })
    }
}
