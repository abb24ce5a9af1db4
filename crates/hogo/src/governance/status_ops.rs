//! The clerk's daily list ([`Hogo::status`]): what is overdue or due soon across 開示等の
//! 請求 (P7, M15), incident reports (M4), contractor hearings and deletion proofs (M14),
//! training and undertakings (P6, M16), complaints (P8), the self-inspection (M16) and
//! disposals (M11, P11) — each line bilingual, with its rule and due date.

use chrono::{Days, NaiveDate};
use hogo_domain::RuleId;
use hogo_governance::status::{StatusInputs, status};
use hogo_ledger::Action;
use hogo_requests::request::Status as RequestStatus;
use serde::{Deserialize, Serialize};

use super::contractors_ops::registry;
use super::incidents_ops::IncidentRecord;
use super::training_ops::roster;
use super::{COMPLAINTS, INCIDENTS, REVIEWS, TRAINING_SESSIONS, gov_error, may_read, policy};
use crate::Error;
use crate::app::{Hogo, Session};
use crate::docs::REQUESTS;
use crate::requests_ops::StoredRequest;
use crate::retention_ops::RetentionState;
use crate::store::Store;

pub use hogo_governance::status::{StatusItem as StatusLine, StatusKind as StatusSource};

/// The status list of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    /// The day (the clock's today).
    pub today: NaiveDate,
    /// The lines: overdue first, then by due date.
    pub items: Vec<StatusLine>,
}

impl<S: Store> Hogo<S> {
    /// What is overdue or due soon today (read-only; no ledger entry).
    pub fn status(&self, session: &Session) -> Result<StatusReport, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            may_read(actor, tx)?;
            let today = ports.today();
            let pol = policy(tx)?;
            let horizon =
                today.checked_add_days(Days::new(u64::from(pol.due_soon_days))).unwrap_or(today);
            let mut items = Vec::new();
            for s in REQUESTS.list::<StoredRequest>(&*tx.docs, tx.organisation)? {
                let r = &s.request;
                if matches!(r.status, RequestStatus::Answered | RequestStatus::Withdrawn) {
                    continue;
                }
                if r.due_on <= horizon {
                    items.push(StatusLine {
                        kind: StatusSource::Request,
                        rule: RuleId::P7,
                        about: Some(r.id.to_string()),
                        due: Some(r.due_on),
                        overdue: r.is_overdue(today),
                        message_ja: format!(
                            "開示等の請求（{}受付）への回答: 期限 {}",
                            r.received_on, r.due_on
                        ),
                        message_en: format!(
                            "answer the request received {}: due {}",
                            r.received_on, r.due_on
                        ),
                    });
                }
            }
            let plan = RetentionState::load(tx)?.plan(today);
            let due_now = plan.due().count() + plan.numbers_due().count();
            if due_now > 0 {
                let earliest = plan.due().filter_map(|h| h.destroy_from).min().unwrap_or(today);
                items.push(StatusLine {
                    kind: StatusSource::Disposal,
                    rule: RuleId::M11,
                    about: None,
                    due: Some(earliest),
                    overdue: earliest < today,
                    message_ja: format!("廃棄期限の到来: {due_now}件（hogo dispose）"),
                    message_en: format!("{due_now} item(s) due for disposal (hogo dispose)"),
                });
            } else if let Some(next) = &plan.next_due
                && next.date <= horizon
            {
                items.push(StatusLine {
                    kind: StatusSource::Disposal,
                    rule: RuleId::M11,
                    about: None,
                    due: Some(next.date),
                    overdue: false,
                    message_ja: format!("次の廃棄期限: {}", next.date),
                    message_en: format!("next disposal due {}", next.date),
                });
            }
            let incidents: Vec<IncidentRecord> = INCIDENTS.list(&*tx.docs, tx.organisation)?;
            let incidents: Vec<_> = incidents.into_iter().map(|r| r.incident).collect();
            let reg = registry(tx)?;
            let roster = roster(tx)?;
            let sessions = TRAINING_SESSIONS.list(&*tx.docs, tx.organisation)?;
            let complaints = COMPLAINTS.list(&*tx.docs, tx.organisation)?;
            let inspections = REVIEWS.list(&*tx.docs, tx.organisation)?;
            let gov = status(
                today,
                &StatusInputs {
                    incidents: &incidents,
                    contractors: Some(&reg),
                    roster: &roster,
                    sessions: &sessions,
                    complaints: &complaints,
                    inspections: &inspections,
                },
                &pol,
            )
            .map_err(|e| gov_error(e, RuleId::M4))?;
            items.extend(gov);
            items.sort_by_key(|i| (!i.overdue, i.due.is_some(), i.due));
            Ok(StatusReport { today, items })
        })
    }
}
