//! Governance use cases (issue 12): the pure rules of `hogo-governance` wired into the
//! application layer — incidents (M4), contractors (M14), carrying out and sealed export
//! files (M12, P9), paper and media disposal (M11, P11), areas (M12), training (P6, M16),
//! complaints (P8), self-inspection (M16 Art. 45) and the clerk's daily status list.
//!
//! Every mutating use case runs in one transaction: session → policy (`decide`) → the
//! pure rule → document storage → ledger entry. Recording governance matters is the
//! 事務取扱責任者's or the 個人情報取扱責任者's job (`Operation::Governance`, doc 003
//! Art. 5, 8, 35, 43–45; doc 000 §5). Bad input names the field and the rule and stores
//! nothing; free text refuses My Number-like numbers ([`hogo_governance::FreeText`]).

pub mod complaints_ops;
pub mod contractors_ops;
pub mod export_ops;
pub mod incidents_ops;
pub mod physical_ops;
pub mod review_ops;
pub mod status_ops;
pub mod training_ops;

use hogo_domain::policy::{Authorization, Context, Operation, decide};
use hogo_domain::{Actor, Refusal, RefusalCode, RuleId};
use hogo_governance::GovernanceError;
use hogo_governance::status::GovernancePolicy;

use crate::Error;
use crate::docs::{Collection, SINGLETONS};
use crate::setup::settings;
use crate::store::Tx;

/// Incident records.
pub const INCIDENTS: Collection = Collection("incident");
/// Contractors (委託先・再委託先).
pub const CONTRACTORS: Collection = Collection("contractor");
/// Training sessions.
pub const TRAINING_SESSIONS: Collection = Collection("training_session");
/// Per-staff training facts (undertaking, placement responsible person).
pub const TRAINEES: Collection = Collection("trainee");
/// Complaints.
pub const COMPLAINTS: Collection = Collection("complaint");
/// Self-inspections.
pub const REVIEWS: Collection = Collection("self_inspection");
/// Paper and media disposal records.
pub const MEDIA_DISPOSALS: Collection = Collection("media_disposal");
/// Contractor-staff accounts linked to their contractor, keyed by account id (M14).
pub const CONTRACTOR_STAFF: Collection = Collection("contractor_staff");

pub(crate) const POLICY_ID: &str = "governance_policy";

/// The governance decision: the manager or the privacy officer records these matters.
pub(crate) fn governance(actor: &Actor, tx: &Tx<'_>) -> Result<Authorization, Error> {
    let st = settings(tx)?;
    Ok(decide(&Context::new(actor, st.affairs), &Operation::Governance)?)
}

/// Reading governance lists: whoever may read the register (M6), or record governance.
pub(crate) fn may_read(actor: &Actor, tx: &Tx<'_>) -> Result<(), Error> {
    let st = settings(tx)?;
    let ctx = Context::new(actor, st.affairs);
    if decide(&ctx, &Operation::Governance).is_ok() {
        return Ok(());
    }
    decide(&ctx, &Operation::ViewRegister)?;
    Ok(())
}

/// The organisation's governance intervals (defaults unless set).
pub(crate) fn policy(tx: &Tx<'_>) -> Result<GovernancePolicy, Error> {
    Ok(SINGLETONS.get(&*tx.docs, tx.organisation, POLICY_ID)?.unwrap_or_default())
}

/// Maps a rule error of `hogo-governance` to the application's typed error; `rule` is
/// the rule of the use case (used where the core error does not name one).
pub(crate) fn gov_error(e: GovernanceError, rule: RuleId) -> Error {
    let message = e.to_string();
    match e {
        GovernanceError::MyNumberInText { field } => Error::Invalid { field, rule, message },
        GovernanceError::EmptyText { field, rule } => Error::Invalid { field, rule, message },
        // The field and rule are shown beside the message: the message only says why.
        GovernanceError::DateOrder { field, rule, date, earliest } => Error::Invalid {
            field,
            rule,
            message: format!(
                "{date} は {earliest} より前にできません / {date} cannot be before {earliest}"
            ),
        },
        GovernanceError::InvalidCount { field, .. } => {
            Error::Invalid { field, rule: RuleId::M4, message }
        }
        GovernanceError::CalendarOutOfRange { .. } => {
            Error::Invalid { field: "date".into(), rule: RuleId::M4, message }
        }
        GovernanceError::SubcontractNotPermitted { name, depth } => Error::Refused(Refusal {
            rule: RuleId::M14,
            code: RefusalCode::SubcontractNotPermitted,
            message_ja: format!(
                "再委託先「{name}」: 当社の許諾がない再委託はできません（第{depth}階層、規程36条）"
            ),
            message_en: format!(
                "subcontractor \"{name}\": re-entrustment without the organisation's permission is refused (depth {depth}, Art. 36)"
            ),
        }),
        GovernanceError::NotRegistered { what, .. } => Error::NotFound { what },
        GovernanceError::ContractEnded { .. } => Error::Conflict { rule: RuleId::M14, message },
        _ => Error::Invalid { field: "input".into(), rule, message },
    }
}

/// A date after the clock's today is refused (records are of what happened).
pub(crate) fn not_future(
    field: &str,
    date: chrono::NaiveDate,
    today: chrono::NaiveDate,
    rule: RuleId,
) -> Result<(), Error> {
    if date > today {
        return Err(crate::error::invalid(
            field,
            rule,
            &format!("{date} は未来の日付です（本日 {today}）"),
            &format!("{date} is in the future (today is {today})"),
        ));
    }
    Ok(())
}

/// A free-text field (refuses My Number-like numbers, M4/invariant 1).
pub(crate) fn text(
    field: &str,
    value: &str,
    rule: RuleId,
) -> Result<hogo_governance::FreeText, Error> {
    hogo_governance::FreeText::required(field, value, rule).map_err(|e| gov_error(e, rule))
}

/// An optional free-text field: empty means none.
pub(crate) fn opt_text(
    field: &str,
    value: Option<&str>,
    rule: RuleId,
) -> Result<Option<hogo_governance::FreeText>, Error> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, rule).map(Some),
    }
}
