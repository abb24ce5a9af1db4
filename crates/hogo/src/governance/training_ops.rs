//! Training and confidentiality (P6, M16; doc 003 Art. 7③, 43; doc 000 §6): sessions and
//! attendees, the placement responsible person's course, confidentiality undertakings,
//! and what is due per handler (every handler yearly; the course every 3 years,
//! configurable with [`Hogo::set_governance_policy`]).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use hogo_domain::{RuleId, StaffId};
use hogo_governance::ids::TrainingId;
use hogo_governance::status::GovernancePolicy;
use hogo_governance::training::{CourseKind, Trainee, TrainingDue, TrainingSession, training_due};
use hogo_ledger::{Action, ObjectRef};
use serde::{Deserialize, Serialize};

use super::{
    POLICY_ID, TRAINEES, TRAINING_SESSIONS, governance, may_read, not_future, policy, text,
};
use crate::Error;
use crate::app::{Hogo, Session, entry, log};
use crate::docs::SINGLETONS;
use crate::error::invalid;
use crate::store::{Store, Tx};

/// Per-staff training facts kept by the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TraineeFacts {
    /// The placement responsible person (職業紹介責任者).
    pub placement_responsible: bool,
    /// The day the confidentiality undertaking (秘密保持誓約書) was signed.
    pub undertaking_signed_on: Option<NaiveDate>,
}

/// The roster as training sees it: every member with a role, plus the stored facts.
pub(crate) fn roster(tx: &Tx<'_>) -> Result<Vec<Trainee>, Error> {
    let members = tx
        .auth
        .memberships_of_organisation(tx.organisation)
        .map_err(|e| Error::Storage(e.to_string()))?;
    let mut out = Vec::new();
    for m in members {
        let f: TraineeFacts =
            TRAINEES.get(&*tx.docs, tx.organisation, &m.account.to_string())?.unwrap_or_default();
        out.push(Trainee {
            staff: m.account,
            role: m.role,
            placement_responsible: f.placement_responsible,
            undertaking_signed_on: f.undertaking_signed_on,
        });
    }
    Ok(out)
}

pub(crate) fn ensure_member(
    tx: &Tx<'_>,
    staff: StaffId,
    field: &str,
    rule: RuleId,
) -> Result<(), Error> {
    let members = tx
        .auth
        .memberships_of_organisation(tx.organisation)
        .map_err(|e| Error::Storage(e.to_string()))?;
    if members.iter().any(|m| m.account == staff) {
        Ok(())
    } else {
        Err(invalid(
            field,
            rule,
            "この組織の担当者ではありません",
            "not a staff member of this organisation",
        ))
    }
}

impl<S: Store> Hogo<S> {
    /// Records a training session and its attendees (P6, M16).
    pub fn record_training(
        &self,
        session: &Session,
        held_on: NaiveDate,
        kind: CourseKind,
        title: &str,
        attendees: &[StaffId],
    ) -> Result<TrainingId, Error> {
        let title = text("title / 研修名", title, RuleId::P6)?;
        if attendees.is_empty() {
            return Err(invalid(
                "attendees",
                RuleId::P6,
                "受講者を指定してください",
                "name the attendees",
            ));
        }
        self.with_session(session, Action::TrainingRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            not_future("held_on", held_on, ports.today(), RuleId::P6)?;
            for a in attendees {
                ensure_member(tx, *a, "attendees", RuleId::P6)?;
            }
            let id = TrainingId::from_uuid(ports.ids.new_uuid());
            let s = TrainingSession {
                id,
                held_on,
                kind,
                title: title.clone(),
                attendees: attendees.iter().copied().collect::<BTreeSet<_>>(),
            };
            TRAINING_SESSIONS.put(tx.docs, tx.organisation, &id.to_string(), &s)?;
            let e = entry(ports, actor, Action::TrainingRecorded)
                .with_legal_basis("規程43条・個人情報適正管理規程6")?
                .with_note(&format!("研修 {held_on}（受講者{}名）", attendees.len()))?;
            log(tx, ports, vec![e])?;
            Ok(id)
        })
    }

    /// Records a signed confidentiality undertaking (doc 003 Art. 7③).
    pub fn record_undertaking(
        &self,
        session: &Session,
        staff: StaffId,
        signed_on: NaiveDate,
    ) -> Result<(), Error> {
        self.update_trainee(session, staff, "秘密保持誓約書の記録", &mut |f, today| {
            not_future("signed_on", signed_on, today, RuleId::M16)?;
            f.undertaking_signed_on = Some(signed_on);
            Ok(())
        })
    }

    /// Marks or unmarks the placement responsible person (職業紹介責任者, P6).
    pub fn set_placement_responsible(
        &self,
        session: &Session,
        staff: StaffId,
        responsible: bool,
    ) -> Result<(), Error> {
        self.update_trainee(session, staff, "職業紹介責任者の設定", &mut |f, _| {
            f.placement_responsible = responsible;
            Ok(())
        })
    }

    fn update_trainee(
        &self,
        session: &Session,
        staff: StaffId,
        note: &str,
        change: &mut dyn FnMut(&mut TraineeFacts, NaiveDate) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.with_session(session, Action::TrainingRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            ensure_member(tx, staff, "staff", RuleId::M16)?;
            let mut f: TraineeFacts =
                TRAINEES.get(&*tx.docs, tx.organisation, &staff.to_string())?.unwrap_or_default();
            change(&mut f, ports.today())?;
            TRAINEES.put(tx.docs, tx.organisation, &staff.to_string(), &f)?;
            let e = entry(ports, actor, Action::TrainingRecorded)
                .with_object(ObjectRef::Staff(staff))
                .with_note(note)?;
            log(tx, ports, vec![e])
        })
    }

    /// What each handler needs and when (P6, M16).
    pub fn training_due(&self, session: &Session) -> Result<Vec<TrainingDue>, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            may_read(actor, tx)?;
            let sessions: Vec<TrainingSession> =
                TRAINING_SESSIONS.list(&*tx.docs, tx.organisation)?;
            Ok(training_due(ports.today(), &roster(tx)?, &sessions, policy(tx)?.training))
        })
    }

    /// Every training session.
    pub fn training_sessions(&self, session: &Session) -> Result<Vec<TrainingSession>, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            may_read(actor, tx)?;
            let mut v: Vec<TrainingSession> = TRAINING_SESSIONS.list(&*tx.docs, tx.organisation)?;
            v.sort_by_key(|s| s.held_on);
            Ok(v)
        })
    }

    /// Sets the organisation's governance intervals (training, course, complaint target,
    /// review, "due soon" horizon).
    pub fn set_governance_policy(
        &self,
        session: &Session,
        p: GovernancePolicy,
    ) -> Result<(), Error> {
        if p.training.handler_interval_months == 0
            || p.training.handler_interval_months > 12
            || p.training.responsible_course_interval_years == 0
        {
            return Err(invalid(
                "training",
                RuleId::P6,
                "研修は年1回以上、講習の間隔は1年以上で指定してください",
                "handler training at least yearly (1–12 months); the course interval at least 1 year",
            ));
        }
        self.with_session(session, Action::TrainingRecorded, &mut |ports, actor, tx| {
            governance(actor, tx)?;
            SINGLETONS.put(tx.docs, tx.organisation, POLICY_ID, &p)?;
            let e = entry(ports, actor, Action::TrainingRecorded).with_note(&format!(
                "管理間隔の設定: 研修{}か月・講習{}年・点検{}か月",
                p.training.handler_interval_months,
                p.training.responsible_course_interval_years,
                p.review_interval_months
            ))?;
            log(tx, ports, vec![e])
        })
    }

    /// The organisation's governance intervals (the defaults until set).
    pub fn governance_policy(&self, session: &Session) -> Result<GovernancePolicy, Error> {
        self.with_session(session, Action::Access, &mut |_, actor, tx| {
            may_read(actor, tx)?;
            policy(tx)
        })
    }
}
