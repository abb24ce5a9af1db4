//! Staff roles (M3, P5, P10, M13) and the acting staff member, [`Actor`].

use serde::{Deserialize, Serialize};

use crate::affair::AffairSet;
use crate::ids::{OrganisationId, StaffId};

/// A role a staff account holds in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 事務取扱責任者 (doc 003 Art. 5–6): responsible for My Number handling; approves use
    /// applications and disposal.
    NumberManager,
    /// 事務取扱担当者 (doc 003 Art. 5, 7): a named clerk who handles numbers.
    NumberClerk,
    /// 個人情報取扱責任者 / 職業紹介責任者 (doc 000 §5, §8): responsible for job seekers'
    /// data; confirms disposal; handles complaints.
    PrivacyOfficer,
    /// 職業紹介部門の職員 (doc 000 §5): handles job seekers' data, never My Numbers.
    PlacementStaff,
    /// 監査担当: sees records and the register, never a number or personal detail.
    Auditor,
    /// システム管理者: manages accounts, never reaches personal data (separation of duties).
    Administrator,
    /// 委託先 staff (doc 003 Art. 35–36): limited to the contracted affairs.
    Contractor,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 7] = [
        Self::NumberManager,
        Self::NumberClerk,
        Self::PrivacyOfficer,
        Self::PlacementStaff,
        Self::Auditor,
        Self::Administrator,
        Self::Contractor,
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::NumberManager => "number_manager",
            Self::NumberClerk => "number_clerk",
            Self::PrivacyOfficer => "privacy_officer",
            Self::PlacementStaff => "placement_staff",
            Self::Auditor => "auditor",
            Self::Administrator => "administrator",
            Self::Contractor => "contractor",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::NumberManager => "事務取扱責任者",
            Self::NumberClerk => "事務取扱担当者",
            Self::PrivacyOfficer => "個人情報取扱責任者",
            Self::PlacementStaff => "職業紹介部門職員",
            Self::Auditor => "監査担当",
            Self::Administrator => "システム管理者",
            Self::Contractor => "委託先担当者",
        }
    }

    /// Whether the role may touch My Numbers at all (M3: only the manager and named
    /// clerks, and contractor staff within their contract).
    pub fn handles_numbers(self) -> bool {
        matches!(self, Self::NumberManager | Self::NumberClerk | Self::Contractor)
    }

    /// Whether the role may handle job seekers' personal data (P5).
    pub fn handles_placement_data(self) -> bool {
        matches!(self, Self::PrivacyOfficer | Self::PlacementStaff)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label_ja())
    }
}

/// The authenticated staff member on whose behalf a use case runs.
///
/// Built by the sign-in layer only after authentication; core crates take it as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The staff account.
    pub staff: StaffId,
    /// The organisation the actor is acting for.
    pub organisation: OrganisationId,
    /// The actor's role in that organisation.
    pub role: Role,
    /// For [`Role::Contractor`]: the affairs of the 委託契約. Empty for other roles.
    pub contracted_affairs: AffairSet,
}

impl Actor {
    /// An actor with a role that is not a contractor.
    pub fn new(staff: StaffId, organisation: OrganisationId, role: Role) -> Self {
        Self { staff, organisation, role, contracted_affairs: AffairSet::EMPTY }
    }

    /// A contractor actor limited to `affairs`.
    pub fn contractor(staff: StaffId, organisation: OrganisationId, affairs: AffairSet) -> Self {
        Self { staff, organisation, role: Role::Contractor, contracted_affairs: affairs }
    }
}
