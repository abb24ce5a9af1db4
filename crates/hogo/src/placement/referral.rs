//! 紹介状況 in the 求職管理簿 (職業安定法32条の15; legal-facts §3): the result of a referral
//! (採用, 不採用, 辞退 …) is recorded against the latest referral to that employer, with a
//! ledger entry. 完結 is the later of the registration's end and the last result, so a
//! result that arrives after the registration ended moves 完結 — and with it the day the
//! register row may be disposed of (2 years after 完結, `placement_register_entry`; P11).

use chrono::NaiveDate;
use hogo_domain::{RuleId, SubjectId};
use hogo_ledger::{Action, DocumentKind as LedgerKind};
use hogo_retention::EventKind;

use super::{REGISTER, RegisterRow, no_number, seeker};
use crate::Error;
use crate::app::{Hogo, Ports, Session, entry, log};
use crate::docs::EVENTS;
use crate::error::invalid;
use crate::retention_ops::{event_key, put_event};
use crate::store::{Store, Tx};

/// The result ids the CLI accepts, with the wording stored in the register.
pub const REFERRAL_RESULTS: [(&str, &str); 4] =
    [("hired", "採用"), ("not_hired", "不採用"), ("declined", "辞退"), ("cancelled", "求人取消")];

/// The wording stored for a result: a known id becomes its Japanese label; any other
/// wording is kept as written (trimmed, at most 50 characters, no My Number).
pub fn referral_result_wording(text: &str) -> Result<String, Error> {
    let t = text.trim();
    if let Some((_, ja)) = REFERRAL_RESULTS.iter().find(|(id, _)| *id == t) {
        return Ok((*ja).to_owned());
    }
    if t.is_empty() || t.chars().count() > 50 {
        return Err(invalid(
            "result",
            RuleId::P4,
            "紹介の結果を50文字以内で入力してください（例: 採用・不採用・辞退）",
            "give the referral result in at most 50 characters (e.g. hired, not_hired, declined)",
        ));
    }
    no_number("result", t)?;
    Ok(t.to_owned())
}

/// What recording a result changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralResultOutcome {
    /// The referral's day (紹介日).
    pub referred_on: NaiveDate,
    /// The result as stored.
    pub result: String,
    /// 完結 before and after (both `None` while the registration is open).
    pub completed: (Option<NaiveDate>, Option<NaiveDate>),
}

/// Sets the result of the latest open referral to `employer` in the register row and,
/// once the registration has ended, moves 完結 (and its retention event) to the later of
/// the end and the last result. Does not log.
pub(crate) fn set_referral_result(
    ports: &Ports<'_>,
    tx: &mut Tx<'_>,
    subject: SubjectId,
    employer: &str,
    result: &str,
    on: NaiveDate,
) -> Result<ReferralResultOutcome, Error> {
    let org = tx.organisation;
    let employer = employer.trim();
    if employer.is_empty() {
        return Err(invalid(
            "employer",
            RuleId::P4,
            "求人者を入力してください",
            "name the employer",
        ));
    }
    no_number("employer", employer)?;
    let result = referral_result_wording(result)?;
    if on > ports.today() {
        return Err(invalid(
            "on",
            RuleId::P4,
            "未来の日付は記録できません",
            "a future day cannot be recorded",
        ));
    }
    let mut row: RegisterRow = REGISTER
        .get(&*tx.docs, org, &subject.to_string())?
        .ok_or_else(|| Error::NotFound { what: format!("register row of {subject}") })?;
    let any = row.referrals.iter().any(|r| r.employer == employer);
    let Some(r) =
        row.referrals.iter_mut().rev().find(|r| r.employer == employer && r.result.is_none())
    else {
        return Err(if any {
            Error::Conflict {
                rule: RuleId::P4,
                message: "この求人者への紹介の結果は記録済みです / the result of this referral is already recorded".into(),
            }
        } else {
            invalid(
                "employer",
                RuleId::P4,
                "この求人者への紹介の記録がありません",
                "no referral to this employer was recorded",
            )
        });
    };
    if on < r.on {
        return Err(invalid(
            "on",
            RuleId::P4,
            "結果の日付が紹介日より前です",
            "the result day is before the referral day",
        ));
    }
    r.result = Some(result.clone());
    r.result_on = Some(on);
    let referred_on = r.on;
    let before = row.completed_on;
    if let Some(old) = before {
        let ended = super::SEEKERS
            .get::<super::SeekerRecord>(&*tx.docs, org, &subject.to_string())?
            .and_then(|s| s.ended_on)
            .unwrap_or(old);
        let new =
            row.referrals.iter().filter_map(|r| r.result_on).chain([ended]).max().unwrap_or(ended);
        if new != old {
            EVENTS.delete(
                tx.docs,
                org,
                &event_key(subject, Some(row.holding), EventKind::Completed, old),
            )?;
            put_event(tx, subject, Some(row.holding), EventKind::Completed, new)?;
            row.completed_on = Some(new);
        }
    }
    let after = row.completed_on;
    REGISTER.put(tx.docs, org, &subject.to_string(), &row)?;
    if before != after {
        crate::retention_ops::rebucket_subject(ports, tx, subject)?;
    }
    Ok(ReferralResultOutcome { referred_on, result, completed: (before, after) })
}

impl<S: Store> Hogo<S> {
    /// Records the result of a referral (紹介状況) in the 求職管理簿 (P4, P11): 採用, 不採用,
    /// 辞退 … on `on` (not in the future, not before the referral), against the latest
    /// referral to `employer` that has no result yet. Allowed after the registration ended
    /// and after the profile was disposed of — the register row is kept for 2 years after
    /// 完結, and a late result moves 完結. Logged.
    pub fn record_referral_result(
        &self,
        session: &Session,
        subject: SubjectId,
        employer: &str,
        result: &str,
        on: NaiveDate,
    ) -> Result<ReferralResultOutcome, Error> {
        self.with_session(session, Action::Use, &mut |ports, actor, tx| {
            seeker(tx, actor, subject)?;
            let out = set_referral_result(ports, tx, subject, employer, result, on)?;
            let mut note = format!(
                "紹介結果の記録（{} {}紹介: {}）",
                employer.trim(),
                out.referred_on,
                out.result
            );
            if let (Some(b), Some(a)) = out.completed
                && a != b
            {
                note.push_str(&format!(" 求職管理簿の完結 {b} → {a}"));
            }
            let e = entry(ports, actor, Action::Use)
                .with_subject(subject)
                .with_document_kind(LedgerKind::new("placement_register_entry")?)
                .with_note(&note)?;
            log(tx, ports, vec![e])?;
            Ok(out.clone())
        })
    }
}
