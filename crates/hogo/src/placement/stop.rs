//! 第三者提供の停止 on the placement side (P3, P7; APPI 35条3項・5項; journey 2 step 3):
//! when a stop-of-provision request is granted as requested, the person's consents to
//! provision to the recipients it names — or to anyone, if it names none — are withdrawn
//! in the same transaction as the decision, each with a ledger entry, and the stop is
//! kept on the job seeker's record so a later provision to such a recipient is refused
//! naming P7 until the person consents again.

use chrono::{DateTime, Utc};
use hogo_domain::SubjectId;
use hogo_domain::policy::ThirdPartyBasis;
use hogo_domain::{Actor, Consent, ConsentScope, Purpose, Refusal, RefusalCode, RequestId, RuleId};
use hogo_ledger::{Action, NewEntry, ObjectRef};
use hogo_requests::ProvisionStop;
use serde::{Deserialize, Serialize};

use super::{SEEKERS, SeekerRecord};
use crate::Error;
use crate::app::{Ports, entry};
use crate::docs::CONSENTS;
use crate::store::Tx;

const BASIS: &str = "個人情報保護法35条3項・5項（第三者提供の停止）";

/// A granted stop of provision, kept on the job seeker's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionStopRecord {
    /// The request that asked for it.
    pub request: RequestId,
    /// What it covers.
    pub scope: ProvisionStop,
    /// When it took effect (the decision).
    pub at: DateTime<Utc>,
}

/// Whether a consent is a consent to third-party provision that `scope` stops: to a named
/// recipient (求人企業 or 業務提携先) the stop covers; for a stop of every provision, also
/// the purpose consents ⑷ and ⑹ themselves.
fn stopped_by(scope: &ProvisionStop, c: &ConsentScope) -> bool {
    let provision =
        |p: &Purpose| matches!(p, Purpose::ProvisionToEmployer | Purpose::ProvisionToPartnerAgency);
    match c {
        ConsentScope::Recipient { recipient, purpose }
        | ConsentScope::ProvisionOfItems { recipient, purpose, .. } => {
            provision(purpose) && scope.covers(recipient)
        }
        ConsentScope::Purpose { purpose } => {
            provision(purpose) && matches!(scope, ProvisionStop::All)
        }
        _ => false,
    }
}

/// Applies a granted stop of provision at once: withdraws the matching active consents of
/// `subject` and, for a job seeker, keeps the stop on the record. Returns the ledger
/// entries (one per consent withdrawn, or one noting that none matched).
pub(crate) fn apply_provision_stop(
    ports: &Ports<'_>,
    actor: &Actor,
    tx: &mut Tx<'_>,
    subject: SubjectId,
    request: RequestId,
    scope: &ProvisionStop,
) -> Result<Vec<NewEntry>, Error> {
    let org = tx.organisation;
    let now = ports.now();
    let mut entries = Vec::new();
    for mut c in crate::index::consents_of(tx, subject)? {
        if !c.is_active_at(now) || !stopped_by(scope, &c.scope) {
            continue;
        }
        c.withdrawn_at = Some(now);
        CONSENTS.put(tx.docs, org, &c.id.to_string(), &c)?;
        let to = match &c.scope {
            ConsentScope::Recipient { recipient, .. }
            | ConsentScope::ProvisionOfItems { recipient, .. } => recipient.clone(),
            ConsentScope::Purpose { purpose } => purpose.label_ja().to_owned(),
            _ => String::new(),
        };
        entries.push(
            entry(ports, actor, Action::ConsentWithdrawn)
                .with_subject(subject)
                .with_object(ObjectRef::Consent(c.id))
                .with_legal_basis(BASIS)?
                .with_note(&format!("第三者提供の停止の請求により同意を撤回（{to}）"))?,
        );
    }
    if let Some(mut rec) = SEEKERS.get::<SeekerRecord>(&*tx.docs, org, &subject.to_string())? {
        rec.provision_stops.push(ProvisionStopRecord { request, scope: scope.clone(), at: now });
        SEEKERS.put(tx.docs, org, &subject.to_string(), &rec)?;
    }
    if entries.is_empty() {
        entries.push(
            entry(ports, actor, Action::ConsentWithdrawn)
                .with_subject(subject)
                .with_object(ObjectRef::Request(request))
                .with_legal_basis(BASIS)?
                .with_note("第三者提供の停止を適用（撤回する同意なし）")?,
        );
    }
    Ok(entries)
}

/// Refuses a consent-based provision a granted stop covers (P7), unless the person
/// consented to that recipient again after the stop. A provision 法令に基づく is not a
/// provision the person can stop (APPI 27条1項1号) and passes.
pub(crate) fn check_not_stopped(
    rec: &SeekerRecord,
    consents: &[Consent],
    basis: &ThirdPartyBasis,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let recipient = match basis {
        ThirdPartyBasis::RecruitingEmployer { recipient }
        | ThirdPartyBasis::PartnerAgency { recipient } => recipient.trim(),
        ThirdPartyBasis::RequiredByLaw { .. } | ThirdPartyBasis::Other => return Ok(()),
    };
    let Some(stop) = rec.provision_stops.iter().rev().find(|s| s.scope.covers(recipient)) else {
        return Ok(());
    };
    let consented_again = consents.iter().filter(|c| c.is_active_at(now)).any(|c| {
        c.given_at > stop.at
            && matches!(&c.scope,
                ConsentScope::Recipient { recipient: r, .. }
                | ConsentScope::ProvisionOfItems { recipient: r, .. } if r.trim() == recipient)
    });
    if consented_again {
        return Ok(());
    }
    Err(Error::Refused(Refusal {
        rule: RuleId::P7,
        code: RefusalCode::ThirdPartyWithoutBasis,
        message_ja: format!(
            "本人の第三者提供の停止の請求（{}決定）により「{recipient}」へは提供できません（個人情報保護法35条3項・5項）",
            stop.at.date_naive()
        ),
        message_en: format!(
            "the person's request to stop third-party provision (granted {}) covers this recipient (APPI 35(3),(5))",
            stop.at.date_naive()
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P7: a stop naming one partner agency stops consents to it only; a stop of every
    /// provision also stops the purpose consents ⑷ and ⑹, never others (mail magazine).
    #[test]
    fn which_consents_a_stop_covers() {
        let b = ProvisionStop::Recipients { recipients: vec!["B紹介".into()] };
        let to = |r: &str, p| ConsentScope::Recipient { recipient: r.into(), purpose: p };
        assert!(stopped_by(&b, &to("B紹介", Purpose::ProvisionToPartnerAgency)));
        assert!(!stopped_by(&b, &to("A社", Purpose::ProvisionToEmployer)));
        assert!(!stopped_by(
            &b,
            &ConsentScope::Purpose { purpose: Purpose::ProvisionToPartnerAgency }
        ));
        let all = ProvisionStop::All;
        assert!(stopped_by(&all, &to("A社", Purpose::ProvisionToEmployer)));
        assert!(stopped_by(&all, &ConsentScope::Purpose { purpose: Purpose::ProvisionToEmployer }));
        assert!(!stopped_by(&all, &ConsentScope::Purpose { purpose: Purpose::MailMagazine }));
    }
}
