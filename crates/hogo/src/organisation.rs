//! Organisation setup (事業者): name, 法人番号 (optional), responsible people, areas,
//! affairs in use (M1), stated purposes (P1), and the switches that turn optional rules of
//! the rule books on — with a validated change of purpose (doc 003 Art. 13②).

use chrono::{DateTime, Utc};
use hogo_domain::{AffairSet, CorporateNumber, OrganisationId, Purpose, RuleId};
use serde::{Deserialize, Serialize};

use crate::error::{Error, invalid};

/// The people the register (M6) and published matters (APPI 32条) name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsiblePeople {
    /// 事務取扱責任者 (doc 003 Art. 5).
    pub number_manager: String,
    /// The department responsible for the number files.
    pub department: String,
    /// 個人情報取扱責任者 (doc 000 §5), for job-placement organisations.
    pub privacy_officer: Option<String>,
    /// Representative (代表者), published under APPI 32条.
    pub representative: String,
}

/// 管理区域 and 取扱区域 (doc 003 Art. 26–27, M12).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Areas {
    /// 管理区域: where systems handling number files are managed.
    pub controlled: Vec<String>,
    /// 取扱区域: where number affairs are carried out.
    pub handling: Vec<String>,
}

/// Everything an organisation configures. Stored as one record per organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationSettings {
    /// The organisation.
    pub id: OrganisationId,
    /// Its name.
    pub name: String,
    /// Its address (published under APPI 32条).
    pub address: String,
    /// 法人番号 — none for sole proprietors and individual 社労士.
    pub corporate_number: Option<CorporateNumber>,
    /// Responsible people.
    pub responsible: ResponsiblePeople,
    /// Areas.
    pub areas: Areas,
    /// The affairs of doc 003 Art. 3 this organisation runs (M1).
    pub affairs: AffairSet,
    /// The purposes stated to job seekers (P1); empty for an employer without placement.
    pub purposes: Vec<Purpose>,
    /// The 事務取扱責任者 must approve a use application before numbers are output
    /// (doc 003 Art. 6②).
    pub use_approval_required: bool,
    /// Disposal batches need the manager's approval (doc 000 §11, M11).
    pub disposal_approval_required: bool,
    /// Roles that see numbers must sign in with a second factor (M13).
    pub require_totp_for_number_roles: bool,
    /// The purpose notice shown to people when their number is collected (doc 003 Art. 13).
    pub purpose_notice: String,
    /// Changes of purpose, with how they were notified or published.
    pub purpose_changes: Vec<PurposeChange>,
}

/// How a change of purpose was made known (doc 003 Art. 13②, APPI 17条2項, 21条3項).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeMethod {
    /// Notified to each person.
    NotifiedToPersons,
    /// Published (e.g. on the website).
    Published,
}

/// One change of the stated purposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeChange {
    /// When the change took effect.
    pub at: DateTime<Utc>,
    /// The purposes before.
    pub before: Vec<Purpose>,
    /// The purposes after.
    pub after: Vec<Purpose>,
    /// Why the new purposes are reasonably related to the old ones.
    pub relation: String,
    /// How the change was made known.
    pub notice: NoticeMethod,
}

/// What `setup_organisation` needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationInput {
    /// Name (required).
    pub name: String,
    /// Address (required: APPI 32条 publishes it).
    pub address: String,
    /// 法人番号 text, if any.
    pub corporate_number: Option<String>,
    /// Responsible people.
    pub responsible: ResponsiblePeople,
    /// Areas.
    pub areas: Areas,
    /// Affairs in use.
    pub affairs: AffairSet,
    /// Purposes stated to job seekers.
    pub purposes: Vec<Purpose>,
    /// See [`OrganisationSettings::use_approval_required`].
    pub use_approval_required: bool,
    /// See [`OrganisationSettings::disposal_approval_required`].
    pub disposal_approval_required: bool,
    /// See [`OrganisationSettings::require_totp_for_number_roles`].
    pub require_totp_for_number_roles: bool,
    /// See [`OrganisationSettings::purpose_notice`].
    pub purpose_notice: String,
}

fn required(field: &'static str, value: &str, rule: RuleId) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(invalid(field, rule, "入力してください", "is required"));
    }
    Ok(())
}

impl OrganisationInput {
    /// Validates the input into settings for organisation `id`.
    pub fn validate(self, id: OrganisationId) -> Result<OrganisationSettings, Error> {
        required("name", &self.name, RuleId::M6)?;
        required("address", &self.address, RuleId::P7)?;
        required("responsible.number_manager", &self.responsible.number_manager, RuleId::M3)?;
        required("responsible.department", &self.responsible.department, RuleId::M6)?;
        required("responsible.representative", &self.responsible.representative, RuleId::P7)?;
        if !self.purposes.is_empty()
            && self.responsible.privacy_officer.as_deref().is_none_or(|p| p.trim().is_empty())
        {
            return Err(invalid(
                "responsible.privacy_officer",
                RuleId::P5,
                "職業紹介を行う場合は個人情報取扱責任者を1名定めてください",
                "an organisation that places job seekers names one privacy officer",
            ));
        }
        if !self.affairs.is_empty() {
            required("purpose_notice", &self.purpose_notice, RuleId::M7)?;
            if self.areas.controlled.is_empty() || self.areas.handling.is_empty() {
                return Err(invalid(
                    "areas",
                    RuleId::M12,
                    "管理区域と取扱区域を定めてください",
                    "the controlled area and the handling area must be named",
                ));
            }
        }
        let corporate_number = match self.corporate_number.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                Some(CorporateNumber::parse_field("corporate_number", text).map_err(|e| {
                    Error::Invalid {
                        field: "corporate_number".into(),
                        rule: RuleId::M6,
                        message: e.to_string(),
                    }
                })?)
            }
        };
        let mut purposes = self.purposes;
        purposes.sort();
        purposes.dedup();
        Ok(OrganisationSettings {
            id,
            name: self.name.trim().to_owned(),
            address: self.address.trim().to_owned(),
            corporate_number,
            responsible: self.responsible,
            areas: self.areas,
            affairs: self.affairs,
            purposes,
            use_approval_required: self.use_approval_required,
            disposal_approval_required: self.disposal_approval_required,
            require_totp_for_number_roles: self.require_totp_for_number_roles,
            purpose_notice: self.purpose_notice,
            purpose_changes: Vec::new(),
        })
    }
}

impl OrganisationSettings {
    /// Changes the stated purposes (doc 003 Art. 13②, APPI 17条2項): only within what is
    /// reasonably related — the relation must be stated — and with the notice recorded.
    pub fn change_purposes(
        &mut self,
        after: Vec<Purpose>,
        relation: &str,
        notice: NoticeMethod,
        at: DateTime<Utc>,
    ) -> Result<&PurposeChange, Error> {
        if relation.trim().is_empty() {
            return Err(invalid(
                "relation",
                RuleId::P1,
                "利用目的の変更は、変更前と関連性を有すると合理的に認められる範囲に限られます。その理由を記入してください",
                "a change of purpose must stay reasonably related to the old purpose: state how",
            ));
        }
        let mut after = after;
        after.sort();
        after.dedup();
        let change = PurposeChange {
            at,
            before: self.purposes.clone(),
            after: after.clone(),
            relation: relation.trim().to_owned(),
            notice,
        };
        self.purposes = after;
        self.purpose_changes.push(change);
        self.purpose_changes
            .last()
            .ok_or_else(|| Error::Internal("purpose change not recorded".into()))
    }
}
