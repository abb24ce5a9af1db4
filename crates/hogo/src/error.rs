//! The application layer's error: every failure a use case can return, typed, naming the
//! field and the rule, never carrying a My Number.

use hogo_domain::{Refusal, RuleId};

/// A failed use case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The policy refused the operation; the refusal was logged in its own transaction.
    #[error("{0}")]
    Refused(Refusal),
    /// Bad input: nothing was stored.
    #[error("{field}: {message} ({rule})")]
    Invalid {
        /// The field at fault.
        field: String,
        /// The rule the input breaks.
        rule: RuleId,
        /// What is wrong, in Japanese and English.
        message: String,
    },
    /// Something that must exist does not.
    #[error("{what} が見つかりません / {what} not found")]
    NotFound {
        /// What was looked for (kind and id; never personal data).
        what: String,
    },
    /// The operation conflicts with stored state (e.g. a number already held by another subject).
    #[error("{message} ({rule})")]
    Conflict {
        /// The rule.
        rule: RuleId,
        /// The message in Japanese and English.
        message: String,
    },
    /// A vault failure.
    #[error("{0}")]
    Vault(#[from] hogo_vault::VaultError),
    /// A ledger failure.
    #[error("{0}")]
    Ledger(#[from] hogo_ledger::LedgerError),
    /// A retention failure.
    #[error("{0}")]
    Retention(#[from] hogo_retention::RetentionError),
    /// A request-lifecycle failure.
    #[error("{0}")]
    Request(#[from] hogo_requests::RequestError),
    /// Authentication or session failure.
    #[error("{0}")]
    Auth(#[from] hogo_auth::AuthError),
    /// The storage adapter failed.
    #[error("storage: {0}")]
    Storage(String),
    /// The storage was busy; the adapter retries the whole transaction on this.
    #[error("storage busy, retry")]
    Busy,
    /// A bug: an invariant of this crate did not hold.
    #[error("internal: {0}")]
    Internal(String),
}

/// Builds an [`Error::Invalid`] with a bilingual message.
pub fn invalid(field: &str, rule: RuleId, ja: &str, en: &str) -> Error {
    Error::Invalid { field: field.to_owned(), rule, message: format!("{ja} / {en}") }
}

impl From<hogo_vault::StoreError> for Error {
    fn from(e: hogo_vault::StoreError) -> Self {
        match e {
            hogo_vault::StoreError::Busy => Self::Busy,
            other => Self::Vault(other.into()),
        }
    }
}

impl From<hogo_ledger::StorageError> for Error {
    fn from(e: hogo_ledger::StorageError) -> Self {
        Self::Ledger(e.into())
    }
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}

impl Error {
    /// This error as one of row `i` of a batch use case (`add_subjects`,
    /// `collect_numbers`): an invalid field becomes `rows[i].field` and a conflict's message
    /// starts with `rows[i]: `, so the caller can point at the row (a CSV line). Errors
    /// that already name a row, and those about no row (a policy refusal of the whole
    /// batch, storage), are unchanged.
    #[must_use]
    pub fn in_row(self, i: usize) -> Self {
        match self {
            Self::Invalid { field, rule, message } if row_prefix(&field, ".").is_none() => {
                Self::Invalid { field: format!("rows[{i}].{field}"), rule, message }
            }
            Self::Conflict { rule, message } if row_prefix(&message, ": ").is_none() => {
                Self::Conflict { rule, message: format!("rows[{i}]: {message}") }
            }
            other => other,
        }
    }

    /// This error without the row [`Error::in_row`] put in (for a caller that names the
    /// row itself, e.g. as a CSV line).
    #[must_use]
    pub fn without_row(self) -> Self {
        match self {
            Self::Invalid { field, rule, message } => {
                let field = row_prefix(&field, ".").map(|(_, f)| f.to_owned()).unwrap_or(field);
                Self::Invalid { field, rule, message }
            }
            Self::Conflict { rule, message } => {
                let message =
                    row_prefix(&message, ": ").map(|(_, m)| m.to_owned()).unwrap_or(message);
                Self::Conflict { rule, message }
            }
            other => other,
        }
    }

    /// The batch row this error names ([`Error::in_row`]), if any.
    pub fn row(&self) -> Option<usize> {
        match self {
            Self::Invalid { field, .. } => row_prefix(field, "."),
            Self::Conflict { message, .. } => row_prefix(message, ": "),
            _ => None,
        }
        .map(|(i, _)| i)
    }
}

/// `rows[i]{sep}rest` split into `(i, rest)` (the prefix [`Error::in_row`] writes).
fn row_prefix<'t>(text: &'t str, sep: &str) -> Option<(usize, &'t str)> {
    let (digits, tail) = text.strip_prefix("rows[")?.split_once(']')?;
    Some((digits.parse().ok()?, tail.strip_prefix(sep)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// M6 (bad input names its field): a batch error names its row once, and the row
    /// can be read back; errors about no row stay as they are.
    #[test]
    fn batch_errors_name_their_row_once() {
        let e = Error::Invalid { field: "reference".into(), rule: RuleId::M8, message: "x".into() };
        let e = e.in_row(3).in_row(5);
        assert!(matches!(&e, Error::Invalid { field, .. } if field == "rows[3].reference"));
        assert_eq!(e.row(), Some(3));
        let c = Error::Conflict { rule: RuleId::M9, message: "held".into() }.in_row(12);
        assert!(matches!(&c, Error::Conflict { message, .. } if message == "rows[12]: held"));
        assert_eq!(c.row(), Some(12));
        assert!(matches!(e.without_row(), Error::Invalid { field, .. } if field == "reference"));
        assert!(matches!(c.without_row(), Error::Conflict { message, .. } if message == "held"));
        assert_eq!(Error::Busy.in_row(1), Error::Busy);
        assert_eq!(Error::Busy.row(), None);
    }
}
