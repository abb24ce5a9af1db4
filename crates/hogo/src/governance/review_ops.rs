//! Review (見直し, doc 003 Art. 45; doc 000 §5 点検): self-inspections with the checklist
//! of `hogo-governance` — including the physical and technical measures software cannot
//! enforce (cabinets, security wires, partitions, OS and anti-malware, firewall, log
//! analysis) — one result per item; an incomplete inspection does not reset the due date.

use chrono::NaiveDate;
use hogo_domain::RuleId;
use hogo_governance::review::{ChecklistItem, ItemResult, SelfInspection};
use hogo_ledger::Action;

use super::{REVIEWS, governance, may_read, not_future};
use crate::Error;
use crate::app::{Hogo, Session, entry, log};
use crate::store::Store;

impl<S: Store> Hogo<S> {
    /// Records a self-inspection by the actor; returns the items still without a result.
    pub fn record_review(
        &self,
        session: &Session,
        on: NaiveDate,
        results: &[(ChecklistItem, ItemResult)],
    ) -> Result<Vec<ChecklistItem>, Error> {
        if results.is_empty() {
            return Err(crate::error::invalid(
                "results",
                RuleId::M16,
                "点検結果を1項目以上記録してください",
                "record at least one result",
            ));
        }
        self.with_session(session, Action::ReviewRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            not_future("on", on, ports.today(), RuleId::M16)?;
            let mut i = SelfInspection::new(on, actor.staff);
            for (item, r) in results {
                i.record(*item, r.clone());
            }
            let missing = i.missing_items();
            let failures = i.failures().len();
            REVIEWS.put(tx.docs, tx.organisation, &format!("{on}:{}", ports.ids.new_uuid()), &i)?;
            let e = entry(ports, actor, Action::ReviewRecorded)
                .with_legal_basis("規程45条・個人情報適正管理規程5")?
                .with_note(&format!(
                    "点検 {on}: {}項目記録・不適合{failures}・未記入{}",
                    results.len(),
                    missing.len()
                ))?;
            log(tx, ports, vec![e])?;
            Ok(missing)
        })
    }

    /// Every self-inspection, oldest first.
    pub fn reviews(&self, session: &Session) -> Result<Vec<SelfInspection>, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            may_read(actor, tx)?;
            REVIEWS.list(&*tx.docs, tx.organisation)
        })
    }
}
