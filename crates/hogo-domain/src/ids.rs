//! Opaque identifiers (uuid newtypes). Ids are made by the [`IdGen`](crate::ports::IdGen)
//! port, never inside a core crate, and a subject is never keyed by its My Number
//! (a number can be reissued: 番号法7条2項).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a uuid made by an [`IdGen`](crate::ports::IdGen).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            /// The uuid inside.
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
            /// The 16 bytes of the uuid (for canonical encodings).
            pub const fn as_bytes(&self) -> &[u8; 16] {
                self.0.as_bytes()
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::ids::IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| crate::ids::IdParseError { kind: stringify!($name) })
            }
        }
    };
}

/// Text that is not a uuid was given where an id was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: not a valid id (expected a uuid such as 0190f5e2-…)")]
pub struct IdParseError {
    /// Which id type was being parsed.
    pub kind: &'static str,
}

id_type!(
    /// An organisation (事業者, a tenant). One database may hold several client companies.
    OrganisationId
);
id_type!(
    /// A data subject (本人): employee, dependent, payee or job seeker.
    SubjectId
);
id_type!(
    /// A staff account.
    StaffId
);
id_type!(
    /// A 開示等の請求.
    RequestId
);
id_type!(
    /// One thing kept about one subject (保有), what retention plans over.
    HoldingId
);
id_type!(
    /// A legal hold (保存の継続).
    HoldId
);
id_type!(
    /// A consent record (同意).
    ConsentId
);
id_type!(
    /// A sealed vault record.
    RecordId
);
id_type!(
    /// An incident (漏えい等事案).
    IncidentId
);
