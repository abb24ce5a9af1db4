//! The context every handle of one transaction borrows: the open `rusqlite`
//! transaction, the organisation it is scoped to, the key file, and the flags the
//! retry loop reads after the closure returns (a handle saw `SQLITE_BUSY`; the
//! transaction recorded KEK destructions to apply after commit).
//!
//! Also the small codecs shared by the handles (uuids as 16-byte BLOBs, times as RFC 3339
//! text) and [`Fault`], the adapter's error before it is mapped into each port's type.

use std::cell::Cell;

use chrono::{DateTime, SecondsFormat, Utc};
use hogo_domain::OrganisationId;
use rusqlite::Connection;
use uuid::Uuid;

use crate::db::is_busy;
use crate::keys::KeyFile;

/// An adapter failure before it is mapped into a port's error type. Messages never hold
/// row contents (SQLite's own messages name tables and columns, not values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// `SQLITE_BUSY` / `SQLITE_LOCKED`: the transaction is retried.
    Busy(String),
    /// A unique key already exists.
    Conflict(String),
    /// A stored row does not decode.
    Corrupt(&'static str),
    /// Anything else (including a query for another organisation than the handle's).
    Backend(String),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Busy(m) => write!(f, "busy: {m}"),
            Self::Conflict(m) => write!(f, "{m} already exists"),
            Self::Corrupt(what) => write!(f, "stored {what} is corrupt"),
            Self::Backend(m) => f.write_str(m),
        }
    }
}

/// Everything the handles of one transaction share.
pub(crate) struct TxCtx<'c> {
    /// The open transaction (a `rusqlite::Transaction` dereferenced).
    pub(crate) conn: &'c Connection,
    /// The organisation every organisation-scoped query is limited to.
    pub(crate) org: OrganisationId,
    /// The bucket-KEK file.
    pub(crate) keys: &'c KeyFile,
    /// A handle saw BUSY/LOCKED during this attempt: retry it whatever the closure says.
    pub(crate) busy: Cell<bool>,
    /// The transaction recorded KEK destructions: apply them to the key file after commit.
    pub(crate) destroyed: Cell<bool>,
}

impl<'c> TxCtx<'c> {
    pub(crate) fn new(conn: &'c Connection, org: OrganisationId, keys: &'c KeyFile) -> Self {
        Self { conn, org, keys, busy: Cell::new(false), destroyed: Cell::new(false) }
    }

    /// The organisation as stored (16 bytes).
    pub(crate) fn org_blob(&self) -> &[u8; 16] {
        self.org.as_bytes()
    }

    /// Maps a driver result, remembering BUSY for the retry loop.
    pub(crate) fn check<T>(&self, r: rusqlite::Result<T>) -> Result<T, Fault> {
        r.map_err(|e| self.fault(&e))
    }

    /// Classifies a driver error, remembering BUSY for the retry loop.
    pub(crate) fn fault(&self, e: &rusqlite::Error) -> Fault {
        if is_busy(e) {
            self.busy.set(true);
            Fault::Busy(e.to_string())
        } else if is_unique_violation(e) {
            Fault::Conflict("row".into())
        } else {
            Fault::Backend(e.to_string())
        }
    }

    /// Refuses a query for another organisation than the transaction's.
    pub(crate) fn scope(&self, organisation: OrganisationId) -> Result<(), Fault> {
        if organisation == self.org {
            Ok(())
        } else {
            Err(Fault::Backend(format!(
                "organisation scoping: this transaction is for organisation {}, not {}",
                self.org.as_uuid(),
                organisation.as_uuid()
            )))
        }
    }
}

/// Whether a driver error is a UNIQUE / PRIMARY KEY violation.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation
                && matches!(f.extended_code, rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY | rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
    )
}

/// A uuid from a 16-byte BLOB.
pub(crate) fn uuid(bytes: [u8; 16]) -> Uuid {
    Uuid::from_bytes(bytes)
}

/// An `i64` column from a `u64` (positions and sizes beyond `i64::MAX` saturate).
pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A `u64` from an `i64` column (negative values are corrupt).
pub(crate) fn to_u64(v: i64, what: &'static str) -> Result<u64, Fault> {
    u64::try_from(v).map_err(|_| Fault::Corrupt(what))
}

/// A `u32` from an `i64` column.
pub(crate) fn to_u32(v: i64, what: &'static str) -> Result<u32, Fault> {
    u32::try_from(v).map_err(|_| Fault::Corrupt(what))
}

/// A time as stored: RFC 3339, UTC, exact precision.
pub(crate) fn time_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A stored time.
pub(crate) fn parse_time(s: &str, what: &'static str) -> Result<DateTime<Utc>, Fault> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).map_err(|_| Fault::Corrupt(what))
}

/// A fixed-size array from a BLOB column.
pub(crate) fn array<const N: usize>(v: Vec<u8>, what: &'static str) -> Result<[u8; N], Fault> {
    <[u8; N]>::try_from(v).map_err(|_| Fault::Corrupt(what))
}
