//! Review (見直し, doc 003 Art. 45; doc 000 §5 点検): periodic self-inspections with a
//! checklist drawn from the rules, including the physical and technical measures software
//! cannot enforce (doc 003 Art. 26–27, 30–33; doc 000 §9–10), and a result per item.
//!
//! ```
//! use hogo_governance::review::ChecklistItem;
//! assert!(ChecklistItem::ALL.iter().any(|i| i.label_ja().contains("セキュリティワイヤー")));
//! ```

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use hogo_domain::StaffId;
use serde::{Deserialize, Serialize};

use crate::text::FreeText;

/// One item of the self-inspection checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistItem {
    /// 漏えい等事案の対応体制 (Art. 8).
    IncidentResponse,
    /// 管理区域・取扱区域の明確化 (Art. 26).
    AreasDefined,
    /// 管理区域への機器・電子媒体の持込制限 (Art. 26①).
    DevicesRestricted,
    /// 間仕切り・座席配置・覗き見防止 (Art. 26②).
    PartitionsAndScreens,
    /// 施錠できるキャビネット・書庫 (Art. 27①).
    LockableCabinets,
    /// セキュリティワイヤー等による固定 (Art. 27②).
    SecurityWires,
    /// 持出し時の暗号化・施錠搬送・追跡可能な送付 (Art. 28).
    CarryingOutProtected,
    /// 廃棄・削除の実施と記録 (Art. 29).
    DisposalRecorded,
    /// アクセス制御 (Art. 30).
    AccessControl,
    /// 識別と認証 (Art. 31).
    Authentication,
    /// OS・ウイルス対策ソフトの最新化 (Art. 32).
    OsAndAntiMalwareCurrent,
    /// ファイアウォール (Art. 32).
    Firewall,
    /// ログの定期的な分析 (Art. 32).
    LogAnalysis,
    /// 送信・保管時の暗号化又はパスワード保護 (Art. 33).
    Encryption,
    /// 委託先の監督 (Art. 35–36).
    ContractorSupervision,
    /// 研修・秘密保持誓約 (Art. 43, 7③).
    Training,
    /// 苦情窓口 (Art. 44).
    ComplaintDesk,
}

impl ChecklistItem {
    /// Every item, in rule order.
    pub const ALL: [Self; 17] = [
        Self::IncidentResponse,
        Self::AreasDefined,
        Self::DevicesRestricted,
        Self::PartitionsAndScreens,
        Self::LockableCabinets,
        Self::SecurityWires,
        Self::CarryingOutProtected,
        Self::DisposalRecorded,
        Self::AccessControl,
        Self::Authentication,
        Self::OsAndAntiMalwareCurrent,
        Self::Firewall,
        Self::LogAnalysis,
        Self::Encryption,
        Self::ContractorSupervision,
        Self::Training,
        Self::ComplaintDesk,
    ];

    /// The Japanese label with its article.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::IncidentResponse => "漏えい等事案の対応体制が整っている（第8条）",
            Self::AreasDefined => "管理区域及び取扱区域が明確になっている（第26条）",
            Self::DevicesRestricted => "管理区域へ持ち込む機器・電子媒体を制限している（第26条①）",
            Self::PartitionsAndScreens => {
                "取扱区域に壁・間仕切りを設け、覗き見されない座席配置にしている（第26条②）"
            }
            Self::LockableCabinets => {
                "書類・電子媒体を施錠できるキャビネット・書庫に保管している（第27条①）"
            }
            Self::SecurityWires => "機器をセキュリティワイヤー等で固定している（第27条②）",
            Self::CarryingOutProtected => {
                "持出し時に暗号化・パスワード・施錠搬送・追跡可能な送付を用いている（第28条）"
            }
            Self::DisposalRecorded => "廃棄・削除を復元不可能な方法で行い記録している（第29条）",
            Self::AccessControl => "アクセス制御で取扱者を事務取扱担当者に限定している（第30条）",
            Self::Authentication => "ユーザーID・パスワード等で識別と認証をしている（第31条）",
            Self::OsAndAntiMalwareCurrent => {
                "OS・ソフトウェア及びウイルス対策ソフトを最新の状態にしている（第32条）"
            }
            Self::Firewall => "ファイアウォールを設置している（第32条）",
            Self::LogAnalysis => "ログを定期的に分析し不正アクセスを検知している（第32条）",
            Self::Encryption => "外部送信・保管時に暗号化又はパスワード保護をしている（第33条）",
            Self::ContractorSupervision => "委託先・再委託先を監督している（第35条・第36条）",
            Self::Training => "研修を実施し秘密保持誓約を得ている（第43条・第7条③）",
            Self::ComplaintDesk => "苦情窓口を設け対応している（第44条）",
        }
    }

    /// Whether software cannot check this item (physical or outside the system).
    pub fn is_manual(self) -> bool {
        matches!(
            self,
            Self::AreasDefined
                | Self::DevicesRestricted
                | Self::PartitionsAndScreens
                | Self::LockableCabinets
                | Self::SecurityWires
                | Self::OsAndAntiMalwareCurrent
                | Self::Firewall
                | Self::LogAnalysis
        )
    }
}

/// The result of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemResult {
    /// 適合.
    Satisfied,
    /// 不適合, with the action decided.
    NotSatisfied {
        /// 改善措置.
        action: FreeText,
    },
    /// 該当なし (e.g. no stand-alone device to fix with a wire).
    NotApplicable {
        /// Why.
        reason: FreeText,
    },
}

/// One self-inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfInspection {
    /// The day.
    pub on: NaiveDate,
    /// Who inspected.
    pub by: StaffId,
    /// The results.
    pub results: BTreeMap<ChecklistItem, ItemResult>,
}

impl SelfInspection {
    /// A new inspection with no results yet.
    pub fn new(on: NaiveDate, by: StaffId) -> Self {
        Self { on, by, results: BTreeMap::new() }
    }

    /// Records one result.
    pub fn record(&mut self, item: ChecklistItem, result: ItemResult) {
        self.results.insert(item, result);
    }

    /// Items without a result.
    pub fn missing_items(&self) -> Vec<ChecklistItem> {
        ChecklistItem::ALL.into_iter().filter(|i| !self.results.contains_key(i)).collect()
    }

    /// Items not satisfied.
    pub fn failures(&self) -> Vec<ChecklistItem> {
        self.results
            .iter()
            .filter(|(_, r)| matches!(r, ItemResult::NotSatisfied { .. }))
            .map(|(i, _)| *i)
            .collect()
    }

    /// Whether every item has a result.
    pub fn is_complete(&self) -> bool {
        self.missing_items().is_empty()
    }
}

/// The day the next review is due: `interval_months` after the last complete inspection
/// (`None` if there has never been one: due at once).
pub fn next_review_due(inspections: &[SelfInspection], interval_months: u32) -> Option<NaiveDate> {
    inspections
        .iter()
        .filter(|i| i.is_complete())
        .map(|i| i.on)
        .max()
        .and_then(|d| d.checked_add_months(Months::new(interval_months)))
}
