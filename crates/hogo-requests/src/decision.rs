//! Decisions and their grounds: disclosure (full / partial / refused / not held; refusal
//! only on APPI 33条2項 = doc 003 Art. 37② ①–③, with the facts, Art. 38③), purpose
//! notification (32条2項), correction after investigation (34条, Art. 39–40) and
//! suspension / erasure / stop of provision on APPI 35条 grounds, read through
//! 番号法30条2項 for My Number data (Art. 41).

use chrono::NaiveDate;
use hogo_domain::{RequestId, StaffId};
use serde::{Deserialize, Serialize};

use crate::error::{RequestError, Result};
use crate::intake::check_text;
use crate::kind::{KindFamily, RequestKind};

const FACTS_MAX: usize = 2_000;

/// A ground for not disclosing (doc 003 Art. 37② ①–③ = APPI 33条2項各号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonDisclosureGround {
    /// ① 本人又は第三者の生命、身体、財産その他の権利利益を害するおそれ.
    HarmToLifeOrRights,
    /// ② 業務の適正な実施に著しい支障を及ぼすおそれ.
    SeriousBusinessImpediment,
    /// ③ 他の法令に違反することとなる場合.
    BreachOfOtherLaw,
}

impl NonDisclosureGround {
    /// The article.
    pub fn article(self) -> &'static str {
        match self {
            Self::HarmToLifeOrRights => "個人情報保護法33条2項1号（doc 003 37条2項①）",
            Self::SeriousBusinessImpediment => "個人情報保護法33条2項2号（doc 003 37条2項②）",
            Self::BreachOfOtherLaw => "個人情報保護法33条2項3号（doc 003 37条2項③）",
        }
    }

    /// The Japanese wording.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::HarmToLifeOrRights => {
                "本人又は第三者の生命、身体、財産その他の権利利益を害するおそれがあるため"
            }
            Self::SeriousBusinessImpediment => {
                "当社の業務の適正な実施に著しい支障を及ぼすおそれがあるため"
            }
            Self::BreachOfOtherLaw => "他の法令に違反することとなるため",
        }
    }
}

/// One ground with the facts the judgement rests on (Art. 37②: 条文及び判断の基準となる事実).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grounds {
    /// The ground.
    pub ground: NonDisclosureGround,
    /// The facts (no My Number).
    pub facts: String,
}

/// 不開示 (whole or part): what is withheld and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonDisclosure {
    /// What is not disclosed (for a partial disclosure, which part).
    pub withheld: String,
    /// At least one ground with facts.
    pub grounds: Vec<Grounds>,
}

impl NonDisclosure {
    fn validate(&self) -> Result<()> {
        check_text("decision.withheld", &self.withheld, FACTS_MAX)?;
        if self.grounds.is_empty() {
            return Err(RequestError::Missing { field: "decision.grounds".into() });
        }
        for g in &self.grounds {
            check_text("decision.grounds.facts", &g.facts, FACTS_MAX)?;
        }
        Ok(())
    }
}

/// The decision on a disclosure (開示 or 第三者提供記録の開示).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum DisclosureDecision {
    /// 全部開示: everything held about the person, evaluations included.
    Full,
    /// 一部開示.
    Partial(NonDisclosure),
    /// 不開示.
    Refused(NonDisclosure),
    /// 保有していない (APPI 33条3項: notify non-existence).
    NotHeld {
        /// What was searched and found absent.
        facts: String,
    },
}

/// A ground for not notifying the purposes (APPI 32条2項ただし書).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurposeRefusalGround {
    /// 32条2項1号: the purposes are already clear through publication (32条1項).
    AlreadyPublished,
    /// 32条2項2号: a 21条4項1–3号 case (harm, rights of the business, state affairs).
    Article21Paragraph4,
}

/// The decision on 利用目的の通知.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum PurposeNotificationDecision {
    /// The purposes notified.
    Notified {
        /// The purposes, in Japanese.
        purposes: Vec<String>,
    },
    /// Not notified, with ground and facts.
    Refused {
        /// The ground.
        ground: PurposeRefusalGround,
        /// The facts.
        facts: String,
    },
}

/// One change made by a correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The item (e.g. 資格取得日).
    pub item: String,
    /// The content before ("（なし）" for an addition).
    pub before: String,
    /// The content after ("（削除）" for a deletion).
    pub after: String,
}

/// Why a correction was not made (APPI 34条2項; Art. 39: with the basis and the facts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotCorrectedGround {
    /// The investigation found the content true.
    ContentIsTrue,
    /// Outside what the purpose of use needs (34条2項 "利用目的の達成に必要な範囲内").
    OutsidePurpose,
    /// "The person supplied no evidence": **never** accepted (the duty to investigate is
    /// the organisation's, 34条2項). Present so a clerk who tries gets the reason.
    NoEvidenceSupplied,
}

impl NotCorrectedGround {
    /// The article.
    pub fn article(self) -> &'static str {
        match self {
            Self::ContentIsTrue => "個人情報保護法34条2項（調査の結果、事実と相違なし）",
            Self::OutsidePurpose => "個人情報保護法34条2項（利用目的の達成に必要な範囲外）",
            Self::NoEvidenceSupplied => "個人情報保護法34条2項",
        }
    }
}

/// What the named clerk's investigation found (APPI 34条2項; Art. 40①②).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "finding")]
pub enum Finding {
    /// Untrue: these changes were made.
    Untrue {
        /// The changes (at least one).
        changes: Vec<Change>,
    },
    /// Not corrected, with ground and facts.
    NotCorrected {
        /// The ground.
        ground: NotCorrectedGround,
        /// The facts.
        facts: String,
    },
}

impl Finding {
    pub(crate) fn validate(&self) -> Result<()> {
        match self {
            Self::Untrue { changes } => {
                if changes.is_empty() {
                    return Err(RequestError::Missing { field: "finding.changes".into() });
                }
                for c in changes {
                    check_text("finding.changes.item", &c.item, 200)?;
                    check_text("finding.changes.before", &c.before, FACTS_MAX)?;
                    check_text("finding.changes.after", &c.after, FACTS_MAX)?;
                }
                Ok(())
            }
            Self::NotCorrected { ground: NotCorrectedGround::NoEvidenceSupplied, .. } => {
                Err(RequestError::LackOfEvidenceIsNoGround)
            }
            Self::NotCorrected { facts, .. } => check_text("finding.facts", facts, FACTS_MAX),
        }
    }
}

/// A ground for 利用停止 / 消去 / 第三者提供の停止 (APPI 35条; for My Number data read
/// through 番号法30条2項).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionGround {
    /// 35条1項: handled in breach of 18条 (purpose) or 19条 (improper use).
    UnlawfulHandling,
    /// 35条1項: acquired in breach of 20条; for My Number data collected or kept in
    /// breach of 番号法20条.
    UnlawfulAcquisition,
    /// 35条1項 as read by 番号法30条2項: recorded in a 特定個人情報ファイル made in
    /// breach of 番号法29条 (My Number data only).
    UnlawfulNumberFile,
    /// 35条3項: provided in breach of 27条1項 / 28条; for My Number data in breach of
    /// 番号法19条.
    UnlawfulProvision,
    /// 35条5項: no longer needed for the organisation's use. Needs no evidence.
    NoLongerNeeded,
    /// 35条5項: a 26条1項 reportable incident occurred. Needs no evidence (the
    /// organisation knows its incidents).
    ReportableIncident,
    /// 35条5項: the handling may harm the person's rights or legitimate interests.
    HarmToRights,
}

impl SuspensionGround {
    /// Every ground.
    pub const ALL: [Self; 7] = [
        Self::UnlawfulHandling,
        Self::UnlawfulAcquisition,
        Self::UnlawfulNumberFile,
        Self::UnlawfulProvision,
        Self::NoLongerNeeded,
        Self::ReportableIncident,
        Self::HarmToRights,
    ];

    /// The Japanese wording.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::UnlawfulHandling => "利用目的の制限又は不適正利用の禁止に違反した取扱い",
            Self::UnlawfulAcquisition => "違法な取得（特定個人情報は番号法20条違反の収集・保管）",
            Self::UnlawfulNumberFile => {
                "番号法29条に違反して作成された特定個人情報ファイルへの記録"
            }
            Self::UnlawfulProvision => "違法な第三者提供（特定個人情報は番号法19条違反の提供）",
            Self::NoLongerNeeded => "利用する必要がなくなったこと",
            Self::ReportableIncident => "漏えい等の報告対象事態が生じたこと",
            Self::HarmToRights => "本人の権利又は正当な利益が害されるおそれがあること",
        }
    }

    /// The article, with the 番号法30条2項 reading for My Number data.
    pub fn article(self, my_number_data: bool) -> &'static str {
        match (self, my_number_data) {
            (Self::UnlawfulHandling, false) => "個人情報保護法35条1項（18条・19条違反）",
            (Self::UnlawfulHandling, true) => {
                "個人情報保護法35条1項（番号法30条2項による読替え後の18条・19条違反）"
            }
            (Self::UnlawfulAcquisition, false) => "個人情報保護法35条1項（20条違反の取得）",
            (Self::UnlawfulAcquisition, true) => {
                "個人情報保護法35条1項（番号法30条2項による読替え：番号法20条違反の収集・保管）"
            }
            (Self::UnlawfulNumberFile, _) => {
                "個人情報保護法35条1項（番号法30条2項による読替え：番号法29条違反の特定個人情報ファイル）"
            }
            (Self::UnlawfulProvision, false) => "個人情報保護法35条3項（27条1項・28条違反）",
            (Self::UnlawfulProvision, true) => {
                "個人情報保護法35条3項（番号法30条2項による読替え：番号法19条違反の提供）"
            }
            (Self::NoLongerNeeded | Self::ReportableIncident | Self::HarmToRights, _) => {
                "個人情報保護法35条5項"
            }
        }
    }

    /// Whether the organisation may ask the person for evidence of this ground. "No
    /// longer needed" and a reportable incident are the organisation's own knowledge.
    pub fn needs_evidence(self) -> bool {
        !matches!(self, Self::NoLongerNeeded | Self::ReportableIncident)
    }

    /// Checks that the ground can support `kind` for this data.
    pub fn check_applies(self, kind: RequestKind, my_number_data: bool) -> Result<()> {
        let stop = kind == RequestKind::StopOfProvision;
        match self {
            Self::UnlawfulHandling | Self::UnlawfulAcquisition if stop => {
                Err(RequestError::GroundNotApplicable {
                    reason: "第三者提供の停止は違法な提供又は35条5項の理由による / stop of provision rests on unlawful provision or 35(5)",
                })
            }
            Self::UnlawfulNumberFile if stop => Err(RequestError::GroundNotApplicable {
                reason: "第三者提供の停止は違法な提供又は35条5項の理由による / stop of provision rests on unlawful provision or 35(5)",
            }),
            Self::UnlawfulNumberFile if !my_number_data => Err(RequestError::GroundNotApplicable {
                reason: "番号法29条の理由は特定個人情報に限る / the 番号法29条 ground is for My Number data only",
            }),
            Self::UnlawfulProvision if !stop => Err(RequestError::GroundNotApplicable {
                reason: "違法な提供は第三者提供の停止の理由 / unlawful provision grounds a stop of provision",
            }),
            _ => Ok(()),
        }
    }
}

/// The measure taken when a suspension-family request is granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "measure")]
pub enum Measure {
    /// As requested (to the extent needed to remedy the breach).
    AsRequested,
    /// An alternative measure, allowed when compliance is very costly or difficult
    /// (APPI 35条2項・4項・6項ただし書; doc 003 41条1項但書).
    Alternative {
        /// The measure taken.
        description: String,
        /// Why compliance as requested is difficult.
        why_difficult: String,
    },
}

/// The decision on 利用停止 / 消去 / 第三者提供の停止.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum SuspensionDecision {
    /// Granted on a ground.
    Granted {
        /// The ground.
        ground: SuspensionGround,
        /// The measure.
        measure: Measure,
    },
    /// Not granted: the claimed ground was not established (Art. 41②: basis and facts).
    Rejected {
        /// The ground the person claimed (or the clerk read from the reason).
        claimed: SuspensionGround,
        /// The facts the judgement rests on.
        facts: String,
    },
}

/// A decision on one kind of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "family")]
pub enum Decision {
    /// 開示.
    Disclosure(DisclosureDecision),
    /// 利用目的の通知.
    PurposeNotification(PurposeNotificationDecision),
    /// 訂正等 (after investigation and the manager's confirmation).
    Correction(Finding),
    /// 利用停止等.
    Suspension(SuspensionDecision),
}

impl Decision {
    /// Whether the decision refuses the request in whole or in part.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Self::Disclosure(DisclosureDecision::Partial(_) | DisclosureDecision::Refused(_))
                | Self::PurposeNotification(PurposeNotificationDecision::Refused { .. })
                | Self::Correction(Finding::NotCorrected { .. })
                | Self::Suspension(SuspensionDecision::Rejected { .. })
        )
    }

    /// The grounds as (article, facts) pairs; non-empty for every refusal and for "not
    /// held" and alternative measures.
    pub fn grounds(&self, my_number_data: bool) -> Vec<(String, String)> {
        match self {
            Self::Disclosure(DisclosureDecision::Partial(nd) | DisclosureDecision::Refused(nd)) => {
                nd.grounds
                    .iter()
                    .map(|g| {
                        (
                            g.ground.article().to_owned(),
                            format!("{}：{}", g.ground.label_ja(), g.facts),
                        )
                    })
                    .collect()
            }
            Self::Disclosure(DisclosureDecision::NotHeld { facts }) => {
                vec![("個人情報保護法33条3項".to_owned(), facts.clone())]
            }
            Self::Disclosure(DisclosureDecision::Full) => Vec::new(),
            Self::PurposeNotification(PurposeNotificationDecision::Refused { ground, facts }) => {
                let art = match ground {
                    PurposeRefusalGround::AlreadyPublished => "個人情報保護法32条2項1号",
                    PurposeRefusalGround::Article21Paragraph4 => "個人情報保護法32条2項2号",
                };
                vec![(art.to_owned(), facts.clone())]
            }
            Self::PurposeNotification(PurposeNotificationDecision::Notified { .. }) => Vec::new(),
            Self::Correction(Finding::NotCorrected { ground, facts }) => {
                vec![(ground.article().to_owned(), facts.clone())]
            }
            Self::Correction(Finding::Untrue { .. }) => Vec::new(),
            Self::Suspension(SuspensionDecision::Rejected { claimed, facts }) => vec![(
                claimed.article(my_number_data).to_owned(),
                format!("理由（{}）が認められない：{}", claimed.label_ja(), facts),
            )],
            Self::Suspension(SuspensionDecision::Granted { ground, measure }) => {
                let mut v =
                    vec![(ground.article(my_number_data).to_owned(), ground.label_ja().to_owned())];
                if let Measure::Alternative { description, why_difficult } = measure {
                    v.push((
                        "個人情報保護法35条2項・4項・6項ただし書".to_owned(),
                        format!("代替措置：{description}（理由：{why_difficult}）"),
                    ));
                }
                v
            }
        }
    }

    /// Checks the decision's shape against the kind and its texts.
    pub(crate) fn validate(&self, kind: RequestKind, my_number_data: bool) -> Result<()> {
        let fam = kind.family();
        match (self, fam) {
            (Self::Disclosure(d), KindFamily::Disclosure) => match d {
                DisclosureDecision::Full => Ok(()),
                DisclosureDecision::Partial(nd) | DisclosureDecision::Refused(nd) => nd.validate(),
                DisclosureDecision::NotHeld { facts } => {
                    check_text("decision.facts", facts, FACTS_MAX)
                }
            },
            (Self::PurposeNotification(p), KindFamily::PurposeNotification) => match p {
                PurposeNotificationDecision::Notified { purposes } => {
                    if purposes.is_empty() {
                        return Err(RequestError::Missing { field: "decision.purposes".into() });
                    }
                    purposes.iter().try_for_each(|p| check_text("decision.purposes", p, FACTS_MAX))
                }
                PurposeNotificationDecision::Refused { facts, .. } => {
                    check_text("decision.facts", facts, FACTS_MAX)
                }
            },
            (Self::Correction(f), KindFamily::Correction) => f.validate(),
            (Self::Suspension(s), KindFamily::Suspension) => match s {
                SuspensionDecision::Granted { ground, measure } => {
                    ground.check_applies(kind, my_number_data)?;
                    match measure {
                        Measure::AsRequested => Ok(()),
                        Measure::Alternative { description, why_difficult } => {
                            check_text("decision.measure.description", description, FACTS_MAX)?;
                            check_text("decision.measure.why_difficult", why_difficult, FACTS_MAX)
                        }
                    }
                }
                SuspensionDecision::Rejected { claimed, facts } => {
                    claimed.check_applies(kind, my_number_data)?;
                    check_text("decision.facts", facts, FACTS_MAX)
                }
            },
            _ => Err(RequestError::WrongDecisionForKind { kind }),
        }
    }
}

/// 訂正記録 (doc 003 Art. 40③): reason, requester, date, manager, clerk and content,
/// kept 1 year. Never holds a My Number (every text was scanned at entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRecord {
    /// The request.
    pub request: RequestId,
    /// 訂正・追加・削除.
    pub kind: RequestKind,
    /// 更新理由 (the requester's reason).
    pub reason: String,
    /// 訂正等の申請者 (name, and whether principal or agent).
    pub requester: String,
    /// 訂正等の日付 (the manager's confirmation, JST).
    pub date: NaiveDate,
    /// 管理責任者 (the confirming manager).
    pub manager: StaffId,
    /// 事務取扱担当者 (the named clerk who did the work).
    pub clerk: StaffId,
    /// 訂正等の内容: the outcome with the changes or the grounds.
    pub content: Finding,
    /// Keep until (date + 1 year).
    pub keep_until: NaiveDate,
}

/// The retention of a correction record, in years (doc 003 Art. 40③; internal rule).
pub const CORRECTION_RECORD_YEARS: u32 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    /// M15 (APPI 34条2項, doc 003 40条): "no evidence supplied" is refused as a ground.
    #[test]
    fn lack_of_evidence_is_not_a_ground() {
        let f = Finding::NotCorrected {
            ground: NotCorrectedGround::NoEvidenceSupplied,
            facts: "資料の提出なし".into(),
        };
        assert_eq!(f.validate(), Err(RequestError::LackOfEvidenceIsNoGround));
    }

    /// M15 (番号法30条2項): the 番号法29条 ground exists only for My Number data, and
    /// unlawful provision grounds only a stop of provision.
    #[test]
    fn suspension_grounds_fit_kind_and_data() {
        let g = SuspensionGround::UnlawfulNumberFile;
        assert!(g.check_applies(RequestKind::Erasure, true).is_ok());
        assert!(g.check_applies(RequestKind::Erasure, false).is_err());
        let p = SuspensionGround::UnlawfulProvision;
        assert!(p.check_applies(RequestKind::StopOfProvision, false).is_ok());
        assert!(p.check_applies(RequestKind::SuspensionOfUse, false).is_err());
        assert!(p.article(true).contains("番号法19条"));
        assert!(p.article(true).contains("30条2項"));
    }

    /// P7, M15 (APPI 35条5項): "no longer needed" needs no evidence; a breach may.
    #[test]
    fn no_longer_needed_needs_no_evidence() {
        assert!(!SuspensionGround::NoLongerNeeded.needs_evidence());
        assert!(SuspensionGround::UnlawfulAcquisition.needs_evidence());
    }

    /// M15 (Art. 37②): a refusal without grounds is refused.
    #[test]
    fn refusal_without_grounds_is_invalid() {
        let d = Decision::Disclosure(DisclosureDecision::Refused(NonDisclosure {
            withheld: "全部".into(),
            grounds: vec![],
        }));
        assert!(d.validate(RequestKind::Disclosure, false).is_err());
    }
}
