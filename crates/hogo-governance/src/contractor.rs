//! Contractors (委託先の監督, M14; doc 003 Art. 35–36; doc 000 §8).
//!
//! A contractor is registered with an optional 法人番号 and the affairs it is entrusted
//! with. It may receive data or accounts ([`Contractor::may_receive_data`]) only once every
//! selection check ①–⑥ of Art. 35③ (with the 反社 items (i)–(v) of ⑥) and every contract
//! clause ①–⑩ of Art. 35④ is recorded, while the contract runs. A 再委託 needs the
//! organisation's permission at every level of the chain (Art. 36①), and the
//! subcontract must carry the same clauses (Art. 36③), so a subcontractor goes through the
//! same checks. The hearing is held each September and ad hoc (Art. 35⑤). At the end of
//! the contract the data are deleted or returned and the contractor's deletion proof is
//! recorded (番号GL 別添1; M5 ⑤).
//!
//! ```
//! use hogo_governance::contractor::{ContractClause, SelectionCheck};
//! assert_eq!(SelectionCheck::ALL.len(), 6);
//! assert_eq!(ContractClause::ALL.len(), 10);
//! assert_eq!(ContractClause::NoTakingOut.label_ja(), "事業所内からの特定個人情報等の持出しの禁止");
//! ```

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use hogo_domain::{Affair, AffairSet, CorporateNumber, RuleId, StaffId};
use serde::{Deserialize, Serialize};

use crate::error::GovernanceError;
use crate::ids::ContractorId;
use crate::text::FreeText;

/// The selection checks ①–⑥ of doc 003 Art. 35③.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectionCheck {
    /// ① 設備.
    Facilities,
    /// ② 技術水準.
    TechnicalLevel,
    /// ③ 従業者に対する監督・教育の状況.
    StaffSupervision,
    /// ④ 経営環境状況.
    BusinessCondition,
    /// ⑤ 特定個人情報等の安全管理の状況.
    SafetyManagement,
    /// ⑥ 暴力団員等に該当せず、(i)〜(v) のいずれにも該当しないこと.
    NotAntiSocial,
}

impl SelectionCheck {
    /// All six, in document order.
    pub const ALL: [Self; 6] = [
        Self::Facilities,
        Self::TechnicalLevel,
        Self::StaffSupervision,
        Self::BusinessCondition,
        Self::SafetyManagement,
        Self::NotAntiSocial,
    ];

    /// The Japanese label (doc 003 Art. 35③).
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Facilities => "設備",
            Self::TechnicalLevel => "技術水準",
            Self::StaffSupervision => "従業者に対する監督・教育の状況",
            Self::BusinessCondition => "経営環境状況",
            Self::SafetyManagement => {
                "特定個人情報等の安全管理の状況（事務の範囲・情報の範囲・事務取扱担当者の明確化、個人番号の削除、機器及び電子媒体等の廃棄を含む）"
            }
            Self::NotAntiSocial => {
                "暴力団員等に該当せず、かつ(i)から(ⅴ)までのいずれにも該当しないこと"
            }
        }
    }
}

/// The items (i)–(v) of the 反社 check ⑥.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AntiSocialItem {
    /// (i) 暴力団員等が経営を支配していると認められる関係.
    ControlledBy,
    /// (ii) 暴力団員等が経営に実質的に関与していると認められる関係.
    InvolvedInManagement,
    /// (iii) 不当に暴力団員等を利用していると認められる関係.
    MakesUseOf,
    /// (iv) 暴力団員等に資金等を提供し、又は便宜を供与する関与.
    FundsOrFavours,
    /// (v) 役員等が暴力団員等と社会的に非難されるべき関係.
    OfficersAssociated,
}

impl AntiSocialItem {
    /// All five, in document order.
    pub const ALL: [Self; 5] = [
        Self::ControlledBy,
        Self::InvolvedInManagement,
        Self::MakesUseOf,
        Self::FundsOrFavours,
        Self::OfficersAssociated,
    ];

    /// The Japanese label (doc 003 Art. 35③⑥).
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::ControlledBy => {
                "(i) 暴力団員等が経営を支配していると認められる関係を有する団体又は個人"
            }
            Self::InvolvedInManagement => {
                "(ⅱ) 暴力団員等が経営に実質的に関与していると認められる関係を有する団体又は個人"
            }
            Self::MakesUseOf => {
                "(ⅲ) 不正の利益を図る目的又は第三者に損害を加える目的等をもって、不当に暴力団員等を利用していると認められる関係を有すること"
            }
            Self::FundsOrFavours => {
                "(ⅳ) 暴力団員等に対して資金等を提供し、又は便宜を供与するなどの関与をしていると認められる関係を有する団体又は個人"
            }
            Self::OfficersAssociated => {
                "(ⅴ) 役員または経営に実質的に関与している者が暴力団員等と社会的に非難される程度に関係を有する団体又は個人"
            }
        }
    }
}

/// The contract clauses ①–⑩ of doc 003 Art. 35④.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractClause {
    /// ① 秘密保持義務.
    Confidentiality,
    /// ② 事業所内からの持出しの禁止.
    NoTakingOut,
    /// ③ 目的外利用の禁止.
    NoOtherPurpose,
    /// ④ 再委託における条件.
    SubcontractingConditions,
    /// ⑤ 漏えい事案等が発生した場合の委託先の責任.
    IncidentLiability,
    /// ⑥ 契約終了後の返却又は廃棄.
    ReturnOrDisposal,
    /// ⑦ 従業者に対する監督・教育.
    StaffSupervision,
    /// ⑧ 遵守状況についての報告.
    ComplianceReporting,
    /// ⑨ 取り扱う従業者の明確化.
    NamedStaff,
    /// ⑩ 実地の調査.
    OnSiteInspection,
}

impl ContractClause {
    /// All ten, in document order.
    pub const ALL: [Self; 10] = [
        Self::Confidentiality,
        Self::NoTakingOut,
        Self::NoOtherPurpose,
        Self::SubcontractingConditions,
        Self::IncidentLiability,
        Self::ReturnOrDisposal,
        Self::StaffSupervision,
        Self::ComplianceReporting,
        Self::NamedStaff,
        Self::OnSiteInspection,
    ];

    /// The Japanese label (doc 003 Art. 35④).
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Confidentiality => "秘密保持義務に関する規定",
            Self::NoTakingOut => "事業所内からの特定個人情報等の持出しの禁止",
            Self::NoOtherPurpose => "特定個人情報等の目的外利用の禁止",
            Self::SubcontractingConditions => "再委託における条件",
            Self::IncidentLiability => "漏えい事案等が発生した場合の委託先の責任に関する規定",
            Self::ReturnOrDisposal => "委託契約終了後の特定個人情報等の返却又は廃棄に関する規定",
            Self::StaffSupervision => "従業者に対する監督・教育に関する規定",
            Self::ComplianceReporting => "契約内容の遵守状況について報告を求める規定",
            Self::NamedStaff => "特定個人情報等を取り扱う従業者の明確化に関する規定",
            Self::OnSiteInspection => "委託者が委託先に対して実地の調査を行うことができる規定",
        }
    }
}

/// Who recorded a check or clause, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRecord {
    /// The day it was confirmed.
    pub on: NaiveDate,
    /// The staff member who confirmed it.
    pub by: StaffId,
    /// An optional note (e.g. the evidence seen).
    pub note: Option<FreeText>,
}

/// The organisation's permission for a 再委託 (Art. 36①).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    /// The day permission was given.
    pub on: NaiveDate,
    /// Who gave it.
    pub by: StaffId,
}

/// A yearly (September) or ad hoc hearing (Art. 35⑤).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HearingKind {
    /// 毎年9月.
    Yearly,
    /// 必要に応じて.
    AdHoc,
}

/// A hearing held with the contractor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hearing {
    /// The day.
    pub on: NaiveDate,
    /// Yearly or ad hoc.
    pub kind: HearingKind,
    /// Who held it.
    pub by: StaffId,
    /// Findings.
    pub notes: FreeText,
}

/// Deletion or return at contract end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndHandling {
    /// 廃棄・削除 by the contractor.
    Deletion,
    /// 返却.
    Return,
}

/// The contractor's proof of deletion (削除・廃棄証明書) or the return receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionProof {
    /// The day the proof was received.
    pub received_on: NaiveDate,
    /// What the proof is (never the numbers themselves).
    pub description: FreeText,
}

/// The end of a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractEnd {
    /// The last day of the contract.
    pub ended_on: NaiveDate,
    /// Deletion or return.
    pub handling: EndHandling,
    /// The proof, once received.
    pub proof: Option<DeletionProof>,
}

/// What is still missing before data may be given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Missing {
    /// Selection checks not recorded.
    pub checks: Vec<SelectionCheck>,
    /// 反社 items not recorded.
    pub anti_social: Vec<AntiSocialItem>,
    /// Contract clauses not recorded.
    pub clauses: Vec<ContractClause>,
}

impl Missing {
    /// Whether nothing is missing.
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty() && self.anti_social.is_empty() && self.clauses.is_empty()
    }
}

/// The yearly hearing that is outstanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HearingDue {
    /// The year whose September hearing is missing.
    pub year: i32,
    /// 30 September of that year.
    pub due: NaiveDate,
    /// Whether `today` is after the due date.
    pub overdue: bool,
}

/// A contractor or subcontractor (M14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contractor {
    /// The id.
    pub id: ContractorId,
    /// The name.
    pub name: FreeText,
    /// The 法人番号, if a corporation.
    pub corporate_number: Option<CorporateNumber>,
    /// The affairs entrusted; the contractor's staff accounts are limited to these.
    pub affairs: AffairSet,
    /// The day registered (the first September hearing is the first one after it).
    pub registered_on: NaiveDate,
    /// The 委託先 this one is a 再委託先 of (`None` for a direct contractor).
    pub parent: Option<ContractorId>,
    /// The organisation's permission (required when `parent` is set).
    pub permission: Option<Permission>,
    /// Selection checks recorded.
    pub checks: BTreeMap<SelectionCheck, CheckRecord>,
    /// 反社 items confirmed.
    pub anti_social: BTreeMap<AntiSocialItem, CheckRecord>,
    /// Contract clauses recorded.
    pub clauses: BTreeMap<ContractClause, CheckRecord>,
    /// Hearings.
    pub hearings: Vec<Hearing>,
    /// The end of the contract, once it ended.
    pub end: Option<ContractEnd>,
}

impl Contractor {
    /// A direct contractor with nothing recorded yet.
    pub fn new(
        id: ContractorId,
        name: FreeText,
        corporate_number: Option<CorporateNumber>,
        affairs: AffairSet,
        registered_on: NaiveDate,
    ) -> Self {
        Self {
            id,
            name,
            corporate_number,
            affairs,
            registered_on,
            parent: None,
            permission: None,
            checks: BTreeMap::new(),
            anti_social: BTreeMap::new(),
            clauses: BTreeMap::new(),
            hearings: Vec::new(),
            end: None,
        }
    }

    /// Records a selection check.
    pub fn record_check(&mut self, check: SelectionCheck, record: CheckRecord) {
        self.checks.insert(check, record);
    }

    /// Records a 反社 item as confirmed.
    pub fn record_anti_social(&mut self, item: AntiSocialItem, record: CheckRecord) {
        self.anti_social.insert(item, record);
    }

    /// Records a contract clause.
    pub fn record_clause(&mut self, clause: ContractClause, record: CheckRecord) {
        self.clauses.insert(clause, record);
    }

    /// What is still missing.
    pub fn missing(&self) -> Missing {
        Missing {
            checks: SelectionCheck::ALL
                .into_iter()
                .filter(|c| !self.checks.contains_key(c))
                .collect(),
            anti_social: AntiSocialItem::ALL
                .into_iter()
                .filter(|c| !self.anti_social.contains_key(c))
                .collect(),
            clauses: ContractClause::ALL
                .into_iter()
                .filter(|c| !self.clauses.contains_key(c))
                .collect(),
        }
    }

    /// Whether this contractor, on its own record, may be given data or accounts: every
    /// check and clause recorded, the contract running, and (for a 再委託先) permission
    /// given. Use [`ContractorRegistry::chain_may_receive_data`] for the whole chain.
    pub fn may_receive_data(&self) -> bool {
        self.missing().is_empty()
            && self.end.is_none()
            && (self.parent.is_none() || self.permission.is_some())
    }

    /// Whether the contractor's staff may handle `affair` (only the contracted affairs).
    pub fn may_handle(&self, affair: Affair) -> bool {
        self.may_receive_data() && self.affairs.contains(affair)
    }

    /// Records a hearing.
    ///
    /// # Errors
    /// [`GovernanceError::ContractEnded`] after the contract ended.
    pub fn record_hearing(&mut self, hearing: Hearing) -> Result<(), GovernanceError> {
        if self.end.is_some() {
            return Err(GovernanceError::ContractEnded { name: self.name.to_string() });
        }
        self.hearings.push(hearing);
        Ok(())
    }

    /// The earliest September hearing not held, counting every year whose September ends
    /// after registration up to `today`'s year; `None` when none is outstanding or the
    /// contract ended. A yearly hearing held late in the same year counts for that year.
    pub fn hearing_due(&self, today: NaiveDate) -> Option<HearingDue> {
        if self.end.is_some() {
            return None;
        }
        for year in self.registered_on.year()..=today.year() {
            let due = NaiveDate::from_ymd_opt(year, 9, 30)?;
            if due < self.registered_on {
                continue;
            }
            let held =
                self.hearings.iter().any(|h| h.kind == HearingKind::Yearly && h.on.year() == year);
            if !held {
                return Some(HearingDue { year, due, overdue: today > due });
            }
        }
        None
    }

    /// Ends the contract; data must be deleted or returned.
    ///
    /// # Errors
    /// [`GovernanceError::ContractEnded`] if already ended;
    /// [`GovernanceError::DateOrder`] if `ended_on` is before the registration.
    pub fn end_contract(
        &mut self,
        ended_on: NaiveDate,
        handling: EndHandling,
    ) -> Result<(), GovernanceError> {
        if self.end.is_some() {
            return Err(GovernanceError::ContractEnded { name: self.name.to_string() });
        }
        if ended_on < self.registered_on {
            return Err(GovernanceError::DateOrder {
                field: "ended_on".into(),
                date: ended_on,
                earliest: self.registered_on,
                rule: RuleId::M14,
            });
        }
        self.end = Some(ContractEnd { ended_on, handling, proof: None });
        Ok(())
    }

    /// Records the contractor's deletion proof (or return receipt).
    ///
    /// # Errors
    /// [`GovernanceError::NotRegistered`] if the contract has not ended;
    /// [`GovernanceError::DateOrder`] if the proof predates the end.
    pub fn record_deletion_proof(&mut self, proof: DeletionProof) -> Result<(), GovernanceError> {
        let end = self.end.as_mut().ok_or_else(|| GovernanceError::NotRegistered {
            what: "契約終了 / contract end".into(),
            rule: RuleId::M14,
        })?;
        if proof.received_on < end.ended_on {
            return Err(GovernanceError::DateOrder {
                field: "削除証明の受領日 / deletion proof date".into(),
                date: proof.received_on,
                earliest: end.ended_on,
                rule: RuleId::M14,
            });
        }
        end.proof = Some(proof);
        Ok(())
    }

    /// Whether the contract ended and the deletion proof is still awaited.
    pub fn awaiting_deletion_proof(&self) -> bool {
        self.end.as_ref().is_some_and(|e| e.proof.is_none())
    }
}

/// The register of contractors, a tree of 委託 and 再委託.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContractorRegistry {
    /// Every contractor and subcontractor.
    pub contractors: Vec<Contractor>,
}

impl ContractorRegistry {
    /// Looks a contractor up.
    pub fn get(&self, id: ContractorId) -> Option<&Contractor> {
        self.contractors.iter().find(|c| c.id == id)
    }

    /// Looks a contractor up for change.
    pub fn get_mut(&mut self, id: ContractorId) -> Option<&mut Contractor> {
        self.contractors.iter_mut().find(|c| c.id == id)
    }

    /// The depth of a contractor: 1 for a direct 委託先, 2 for its 再委託先, ….
    pub fn depth(&self, id: ContractorId) -> Option<usize> {
        let mut depth = 1;
        let mut c = self.get(id)?;
        while let Some(p) = c.parent {
            c = self.get(p)?;
            depth += 1;
            if depth > self.contractors.len() {
                return None; // a cycle: never produced by `register`
            }
        }
        Some(depth)
    }

    /// Registers a direct contractor (`parent == None`) or a 再委託先, which needs the
    /// organisation's permission at every level (Art. 36①).
    ///
    /// # Errors
    /// [`GovernanceError::NotRegistered`] for an unknown parent;
    /// [`GovernanceError::SubcontractNotPermitted`] without permission.
    pub fn register(&mut self, contractor: Contractor) -> Result<(), GovernanceError> {
        if let Some(parent) = contractor.parent {
            let parent_depth =
                self.depth(parent).ok_or_else(|| GovernanceError::NotRegistered {
                    what: "再委託元の委託先 / parent contractor".into(),
                    rule: RuleId::M14,
                })?;
            if contractor.permission.is_none() {
                return Err(GovernanceError::SubcontractNotPermitted {
                    name: contractor.name.to_string(),
                    depth: parent_depth + 1,
                });
            }
        }
        self.contractors.push(contractor);
        Ok(())
    }

    /// Whether the contractor and every contractor above it may receive data (the whole
    /// chain of 再委託 is checked, M14).
    pub fn chain_may_receive_data(&self, id: ContractorId) -> bool {
        let Some(mut c) = self.get(id) else {
            return false;
        };
        for _ in 0..=self.contractors.len() {
            if !c.may_receive_data() {
                return false;
            }
            match c.parent {
                None => return true,
                Some(p) => match self.get(p) {
                    Some(parent) => c = parent,
                    None => return false,
                },
            }
        }
        false
    }
}
