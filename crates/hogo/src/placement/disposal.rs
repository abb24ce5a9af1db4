//! The job-placement disposal (P11): what is due on the clock's today — the profile once
//! the registration ended, a 求職管理簿 row 2 years after 完結, a 第三者提供記録 after 1 or 3
//! years — is crypto-shredded through the vault (the data key of the class is destroyed),
//! its holding removed, each item logged as 削除・廃棄, and a 削除証明書 issued per person
//! through the same certificate machinery as the My Number side. Only the named
//! 個人情報取扱責任者 confirms and runs it; a legal hold keeps what it covers.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use hogo_domain::policy::{Context, Operation, decide};
use hogo_domain::{DataClass, HoldId, HoldingId, SubjectId};
use hogo_ledger::{Action, ObjectRef, SafeText};
use hogo_retention::{DocumentKind, HoldScope};
use serde::{Deserialize, Serialize};

use super::provision::{PROVISION_RECORDS, ProvisionRecord};
use super::{REGISTER, RegisterRow, SEEKERS, SeekerRecord};
use crate::Error;
use crate::app::{Hogo, Ports, Session, entry};
use crate::docs::{HOLDINGS, HOLDS, PROFILE_RECORDS};
use crate::retention_ops::{
    Certify, DisposedItem, RetentionState, StoredHold, certify, holding_key, is_placement_kind,
};
use crate::setup::settings;
use crate::store::{Store, Tx};

/// What a placement disposal did (or would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementDisposalReport {
    /// The day.
    pub today: NaiveDate,
    /// Only planned.
    pub dry_run: bool,
    /// Holdings disposed of, with their kind ids.
    pub disposed: Vec<(HoldingId, String)>,
    /// Certificates issued.
    pub certificates: Vec<String>,
    /// Due items kept by a legal hold.
    pub held: usize,
}

impl<S: Store> Hogo<S> {
    /// The 個人情報取扱責任者 keeps a job seeker's data past its period because a law
    /// requires it (P11 "unless a law requires keeping it"; e.g. a lawsuit): a legal hold
    /// on the person's placement kinds, with the law or reason recorded. The disposal then
    /// reports the items as held until the hold is released.
    pub fn hold_seeker_data(
        &self,
        session: &Session,
        subject: SubjectId,
        name: &str,
        legal_reason: &str,
    ) -> Result<HoldId, Error> {
        self.with_session(session, Action::HoldPlaced, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ConfirmPlacementDisposal)?;
            super::seeker(tx, actor, subject)?;
            let id = HoldId::from_uuid(ports.ids.new_uuid());
            let stored = StoredHold {
                id,
                name: name.to_owned(),
                reason: legal_reason.to_owned(),
                owner: actor.staff,
                scope: HoldScope {
                    subjects: vec![subject],
                    kinds: DocumentKind::ALL
                        .into_iter()
                        .filter(|k| is_placement_kind(*k))
                        .collect(),
                },
                start: ports.today(),
                released: None,
                my_number_basis: None,
            };
            // The retention crate's constructor refuses a blank name or reason.
            stored.clone().into_hold(tx.organisation)?;
            HOLDS.put(tx.docs, tx.organisation, &id.to_string(), &stored)?;
            let e = entry(ports, actor, Action::HoldPlaced)
                .with_subject(subject)
                .with_object(ObjectRef::Hold(id))
                .with_legal_basis(legal_reason)?
                .with_note(name)?;
            crate::app::log(tx, ports, vec![e])?;
            Ok(id)
        })
    }

    /// Releases a hold placed with [`Hogo::hold_seeker_data`]; what it kept falls due on
    /// its own dates again.
    pub fn release_seeker_hold(&self, session: &Session, hold: HoldId) -> Result<(), Error> {
        self.with_session(session, Action::HoldReleased, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ConfirmPlacementDisposal)?;
            let mut h: StoredHold = HOLDS
                .get(&*tx.docs, tx.organisation, &hold.to_string())?
                .ok_or_else(|| Error::NotFound { what: format!("hold {hold}") })?;
            if h.scope.kinds.is_empty() || h.scope.kinds.iter().any(|k| !is_placement_kind(*k)) {
                return Err(crate::error::invalid(
                    "hold",
                    hogo_domain::RuleId::P11,
                    "職業紹介の保存継続ではありません",
                    "not a hold on placement data",
                ));
            }
            h.released = Some(ports.today());
            h.clone().into_hold(tx.organisation)?;
            HOLDS.put(tx.docs, tx.organisation, &hold.to_string(), &h)?;
            let e = entry(ports, actor, Action::HoldReleased)
                .with_object(ObjectRef::Hold(hold))
                .with_note(&h.name)?;
            crate::app::log(tx, ports, vec![e])
        })
    }

    /// The 個人情報取扱責任者 confirms and runs the disposal of job-placement data due today
    /// (P11). Refused for anyone else (P5, P11).
    pub fn confirm_placement_disposal(
        &self,
        session: &Session,
        dry_run: bool,
    ) -> Result<PlacementDisposalReport, Error> {
        self.with_session(session, Action::Disposal, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ConfirmPlacementDisposal)?;
            dispose(ports, actor, tx, dry_run)
        })
    }
}

fn dispose(
    ports: &Ports<'_>,
    actor: &hogo_domain::Actor,
    tx: &mut Tx<'_>,
    dry_run: bool,
) -> Result<PlacementDisposalReport, Error> {
    let org = tx.organisation;
    let today = ports.today();
    let state = RetentionState::load(tx)?;
    let plan = state.plan(today);
    let due: Vec<_> = plan.due().filter(|h| is_placement_kind(h.kind)).cloned().collect();
    let held = plan.held().filter(|h| is_placement_kind(h.kind)).count();
    let mut report = PlacementDisposalReport {
        today,
        dry_run,
        disposed: due.iter().map(|h| (h.holding, h.kind.id().to_owned())).collect(),
        certificates: Vec::new(),
        held,
    };
    if dry_run || due.is_empty() {
        return Ok(report);
    }
    let vault = ports.vault()?;
    let mut per_subject: BTreeMap<SubjectId, Vec<(DisposedItem, usize)>> = BTreeMap::new();
    let mut entries = Vec::new();
    for h in &due {
        let basis = state.schedule.rule(h.kind).citation.to_string();
        HOLDINGS.delete(tx.docs, org, &holding_key(h.subject, h.holding))?;
        let key = h.subject.to_string();
        let classes: &[DataClass] = match h.kind {
            DocumentKind::JobSeekerProfile => {
                // The profile, contact and career, 要配慮 data and excepted items.
                PROFILE_RECORDS.delete(tx.docs, org, &key)?;
                if let Some(mut s) = SEEKERS.get::<SeekerRecord>(&*tx.docs, org, &key)? {
                    s.profile_disposed_on = Some(today);
                    s.details_record = None;
                    s.sensitive.clear();
                    s.contacts.clear();
                    SEEKERS.put(tx.docs, org, &key, &s)?;
                }
                &[DataClass::Profile, DataClass::Sensitive]
            }
            DocumentKind::PlacementRegisterEntry => {
                if REGISTER.get::<RegisterRow>(&*tx.docs, org, &key)?.is_some() {
                    REGISTER.delete(tx.docs, org, &key)?;
                }
                &[DataClass::PlacementRegister]
            }
            _ => {
                let records: Vec<ProvisionRecord> =
                    PROVISION_RECORDS.list_prefix(&*tx.docs, org, &format!("{key}:"))?;
                for r in records.iter().filter(|r| r.holding == h.holding) {
                    PROVISION_RECORDS.delete(tx.docs, org, &format!("{key}:{}", r.id))?;
                }
                &[]
            }
        };
        let mut shredded = Vec::new();
        for c in classes {
            if let Some(r) = vault.erase_data_class(tx.vault, org, h.subject, *c)? {
                shredded.push(r);
            }
        }
        let (e, item) = crate::retention_ops::holding_disposal(
            ports,
            actor,
            h,
            basis,
            "保存期間満了・個人情報取扱責任者の確認による廃棄",
        )?;
        per_subject.entry(h.subject).or_default().push((item, entries.len()));
        entries.push(e);
        for r in shredded {
            entries.push(
                entry(ports, actor, Action::KeyShredded)
                    .with_subject(h.subject)
                    .with_object(ObjectRef::Key(SafeText::new(
                        "key",
                        format!("data-key/{}/{}", r.data_key.class.id(), r.bucket),
                    )?))
                    .with_note(&format!("データ鍵の破棄（{}件の暗号化記録）", r.records.len()))?,
            );
        }
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
        Certify { entries, per_subject, approved_by: Some(actor.staff), held_by, id_prefix: "P" },
    )?;
    Ok(report)
}
