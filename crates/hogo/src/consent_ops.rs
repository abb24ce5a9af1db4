//! Consent records (P2, P3, M10 番号法19条4号): record and withdraw a person's consent, each
//! a ledger entry. The policy reads active consents when deciding provisions and uses.

use chrono::{DateTime, Utc};
use hogo_domain::{Consent, ConsentId, ConsentMethod, ConsentScope, RuleId, SubjectId};
use hogo_ledger::{Action, ObjectRef};

use crate::Error;
use crate::app::{Hogo, Session, entry, log};
use crate::docs::CONSENTS;
use crate::error::invalid;
use crate::store::Store;

impl<S: Store> Hogo<S> {
    /// Records a consent given on `given_at` (not in the future).
    pub fn record_consent(
        &self,
        session: &Session,
        subject: SubjectId,
        scope: ConsentScope,
        method: ConsentMethod,
        given_at: DateTime<Utc>,
    ) -> Result<ConsentId, Error> {
        if let ConsentScope::SensitiveAcquisition { need_explained: false, .. } = scope {
            return Err(invalid(
                "scope.need_explained",
                RuleId::P2,
                "要配慮個人情報は必要性を説明してから同意を得てください",
                "explain the need before asking consent for special-care data",
            ));
        }
        if let ConsentScope::ProvisionOfItems { recipient, items, .. } = &scope
            && (recipient.trim().is_empty() || items.is_empty())
        {
            return Err(invalid(
                "scope.items",
                RuleId::P3,
                "提供先と提供する項目を指定してください",
                "name the recipient and the items the person agrees to have provided",
            ));
        }
        self.with_session(session, Action::ConsentGiven, &mut |ports, actor, tx| {
            if given_at > ports.now() {
                return Err(invalid(
                    "given_at",
                    RuleId::P2,
                    "未来の日時は記録できません",
                    "a future time cannot be recorded",
                ));
            }
            crate::numbers::managed_subject(tx, actor, subject)?;
            let id = ConsentId::from_uuid(ports.ids.new_uuid());
            let consent = Consent {
                id,
                subject,
                scope: scope.clone(),
                given_at,
                method,
                recorded_by: actor.staff,
                withdrawn_at: None,
            };
            CONSENTS.put(tx.docs, tx.organisation, &id.to_string(), &consent)?;
            crate::index::CONSENTS_BY_SUBJECT.add(tx, subject, id)?;
            let e = entry(ports, actor, Action::ConsentGiven)
                .with_subject(subject)
                .with_object(ObjectRef::Consent(id))
                .with_detail(
                    &serde_json::to_string(&scope).map_err(|e| Error::Internal(e.to_string()))?,
                )?;
            log(tx, ports, vec![e])?;
            Ok(id)
        })
    }

    /// Records the withdrawal of a consent (e.g. the mail magazine, P1 ⑸).
    pub fn withdraw_consent(&self, session: &Session, consent: ConsentId) -> Result<(), Error> {
        self.with_session(session, Action::ConsentWithdrawn, &mut |ports, actor, tx| {
            let mut c: Consent = CONSENTS
                .get(&*tx.docs, tx.organisation, &consent.to_string())?
                .ok_or_else(|| Error::NotFound { what: format!("consent {consent}") })?;
            crate::numbers::managed_subject(tx, actor, c.subject)?;
            if c.withdrawn_at.is_some() {
                return Err(Error::Conflict {
                    rule: RuleId::P1,
                    message: "同意は撤回済みです / the consent is already withdrawn".into(),
                });
            }
            c.withdrawn_at = Some(ports.now());
            CONSENTS.put(tx.docs, tx.organisation, &consent.to_string(), &c)?;
            let e = entry(ports, actor, Action::ConsentWithdrawn)
                .with_subject(c.subject)
                .with_object(ObjectRef::Consent(consent));
            log(tx, ports, vec![e])
        })
    }
}
