//! Complaints (苦情, P8; doc 003 Art. 44; doc 000 §8): register with a named handler (a
//! staff member of the organisation), status, answer.

use chrono::NaiveDate;
use hogo_domain::{RuleId, StaffId};
use hogo_governance::complaint::Complaint;
use hogo_governance::ids::ComplaintId;
use hogo_ledger::Action;

use super::training_ops::ensure_member;
use super::{COMPLAINTS, gov_error, governance, may_read, not_future};
use crate::Error;
use crate::app::{Hogo, Session, entry, log};
use crate::store::{Store, Tx};

fn load(tx: &Tx<'_>, id: ComplaintId) -> Result<Complaint, Error> {
    COMPLAINTS
        .get(&*tx.docs, tx.organisation, &id.to_string())?
        .ok_or_else(|| Error::NotFound { what: format!("complaint {id}") })
}

/// A change to a complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintChange {
    /// Another named handler.
    Assign(StaffId),
    /// Handling started.
    Start,
    /// Answered on a day.
    Answer {
        /// The day.
        on: NaiveDate,
        /// The answer (free text).
        answer: String,
    },
}

impl<S: Store> Hogo<S> {
    /// Registers a complaint with its named handler (P8).
    pub fn record_complaint(
        &self,
        session: &Session,
        received_on: NaiveDate,
        summary: &str,
        handler: StaffId,
    ) -> Result<ComplaintId, Error> {
        self.with_session(session, Action::ComplaintRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            not_future("received_on", received_on, ports.today(), RuleId::P8)?;
            ensure_member(tx, handler, "handler", RuleId::P8)?;
            let id = ComplaintId::from_uuid(ports.ids.new_uuid());
            let c = Complaint::new(id, received_on, summary, handler)
                .map_err(|e| gov_error(e, RuleId::P8))?;
            COMPLAINTS.put(tx.docs, tx.organisation, &id.to_string(), &c)?;
            let e = entry(ports, actor, Action::ComplaintRecorded)
                .with_legal_basis("個人情報保護法40条・規程44条")?
                .with_note(&format!("苦情 {id} 受付 {received_on}"))?;
            log(tx, ports, vec![e])?;
            Ok(id)
        })
    }

    /// Assigns, starts or answers a complaint (P8).
    pub fn update_complaint(
        &self,
        session: &Session,
        id: ComplaintId,
        change: &ComplaintChange,
    ) -> Result<Complaint, Error> {
        self.with_session(session, Action::ComplaintRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            let mut c = load(tx, id)?;
            let note = match change {
                ComplaintChange::Assign(h) => {
                    ensure_member(tx, *h, "handler", RuleId::P8)?;
                    c.assign(*h);
                    "担当者の指定"
                }
                ComplaintChange::Start => {
                    c.start();
                    "対応開始"
                }
                ComplaintChange::Answer { on, answer } => {
                    not_future("on", *on, ports.today(), RuleId::P8)?;
                    c.answer(*on, answer).map_err(|e| gov_error(e, RuleId::P8))?;
                    "回答"
                }
            };
            COMPLAINTS.put(tx.docs, tx.organisation, &id.to_string(), &c)?;
            let e = entry(ports, actor, Action::ComplaintRecorded)
                .with_note(&format!("苦情 {id}: {note}"))?;
            log(tx, ports, vec![e])?;
            Ok(c)
        })
    }

    /// Every complaint, oldest first.
    pub fn complaints(&self, session: &Session) -> Result<Vec<Complaint>, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            may_read(actor, tx)?;
            let mut v: Vec<Complaint> = COMPLAINTS.list(&*tx.docs, tx.organisation)?;
            v.sort_by_key(|c| c.received_on);
            Ok(v)
        })
    }
}
