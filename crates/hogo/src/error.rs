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
