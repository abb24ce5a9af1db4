//! Legal holds (保存の継続): named, with a reason, an owner, a scope, a start and a release.
//! A hold wins over deletion — except for My Numbers, which a hold keeps only when it cites
//! a legal basis for keeping them (番号法20条; M9, M11). Without one the hold keeps the rest
//! of the record and the number is still deleted on time.

use chrono::NaiveDate;
use hogo_domain::{HoldId, OrganisationId, StaffId, SubjectId};
use serde::{Deserialize, Serialize};

use crate::error::RetentionError;
use crate::holding::Holding;
use crate::schedule::DocumentKind;

/// Which holdings a hold covers: empty lists mean "all" on that axis.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HoldScope {
    /// The subjects (empty: every subject of the organisation).
    #[serde(default)]
    pub subjects: Vec<SubjectId>,
    /// The kinds (empty: every kind).
    #[serde(default)]
    pub kinds: Vec<DocumentKind>,
}

/// A legal hold. Built through [`LegalHold::new`] so that its name and reason are never
/// blank; it serialises for reports but is restored through the constructor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalHold {
    id: HoldId,
    organisation: OrganisationId,
    name: String,
    reason: String,
    owner: StaffId,
    scope: HoldScope,
    start: NaiveDate,
    released: Option<NaiveDate>,
    my_number_basis: Option<String>,
}

impl LegalHold {
    /// A new hold.
    ///
    /// # Errors
    /// [`RetentionError::HoldFieldMissing`] for a blank `name` or `reason`.
    pub fn new(
        id: HoldId,
        organisation: OrganisationId,
        name: impl Into<String>,
        reason: impl Into<String>,
        owner: StaffId,
        scope: HoldScope,
        start: NaiveDate,
    ) -> Result<Self, RetentionError> {
        let (name, reason) = (name.into(), reason.into());
        if name.trim().is_empty() {
            return Err(RetentionError::HoldFieldMissing { field: "name" });
        }
        if reason.trim().is_empty() {
            return Err(RetentionError::HoldFieldMissing { field: "reason" });
        }
        let mut scope = scope;
        scope.subjects.sort_unstable();
        scope.subjects.dedup();
        Ok(Self {
            id,
            organisation,
            name,
            reason,
            owner,
            scope,
            start,
            released: None,
            my_number_basis: None,
        })
    }

    /// Records the legal basis that allows the hold to keep My Numbers too (e.g. a court's
    /// 文書提出命令, 番号法19条 provision to a court).
    ///
    /// # Errors
    /// [`RetentionError::HoldFieldMissing`] (`legal_basis`) for a blank basis.
    pub fn with_my_number_basis(
        mut self,
        basis: impl Into<String>,
    ) -> Result<Self, RetentionError> {
        let basis = basis.into();
        if basis.trim().is_empty() {
            return Err(RetentionError::HoldFieldMissing { field: "legal_basis" });
        }
        self.my_number_basis = Some(basis);
        Ok(self)
    }

    /// Releases the hold on `date` (it no longer applies from that day).
    ///
    /// # Errors
    /// [`RetentionError::HoldReleasedBeforeStart`].
    pub fn release(&mut self, date: NaiveDate) -> Result<(), RetentionError> {
        if date < self.start {
            return Err(RetentionError::HoldReleasedBeforeStart {
                start: self.start,
                released: date,
            });
        }
        self.released = Some(date);
        Ok(())
    }

    /// The id.
    pub fn id(&self) -> HoldId {
        self.id
    }
    /// The organisation.
    pub fn organisation(&self) -> OrganisationId {
        self.organisation
    }
    /// The name (e.g. the case name).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Why data is kept.
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// Who is responsible for the hold.
    pub fn owner(&self) -> StaffId {
        self.owner
    }
    /// What it covers.
    pub fn scope(&self) -> &HoldScope {
        &self.scope
    }
    /// The first day it applies.
    pub fn start(&self) -> NaiveDate {
        self.start
    }
    /// The release date, if released.
    pub fn released(&self) -> Option<NaiveDate> {
        self.released
    }
    /// The legal basis for keeping My Numbers, if any.
    pub fn my_number_basis(&self) -> Option<&str> {
        self.my_number_basis.as_deref()
    }
    /// Whether the hold may keep My Numbers.
    pub fn keeps_my_numbers(&self) -> bool {
        self.my_number_basis.is_some()
    }

    /// Whether the hold applies on `date` (start ≤ date < release).
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.start <= date && self.released.is_none_or(|r| date < r)
    }

    /// Whether the hold's scope covers `holding` (same organisation, subject and kind).
    pub fn covers(&self, holding: &Holding) -> bool {
        self.organisation == holding.organisation
            && (self.scope.subjects.is_empty()
                || self.scope.subjects.binary_search(&holding.subject).is_ok())
            && (self.scope.kinds.is_empty() || self.scope.kinds.contains(&holding.kind))
    }
}
