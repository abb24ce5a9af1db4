//! Incidents (漏えい等事案, M4 / doc 003 Art. 8; 番号法29条の4, APPI 26条): the record, the
//! pure classifier against both regimes, the report deadlines, the report draft and the
//! tracking of notices to the people affected.
//!
//! **My Number regime** (H27 特定個人情報保護委員会規則5号 2条), when 特定個人情報 is
//! involved:
//! 1. leaks from the 情報提供ネットワークシステム or a government / 利用事務 system;
//! 2. **improper purpose**: a 漏えい等 that may have been done for an improper purpose, or
//!    improper use or provision (counts without any leak);
//! 3. data from a 特定個人情報ファイル that **may be viewed by unspecified people**
//!    electronically;
//! 4. **more than 100 people** affected by 漏えい等, use in breach of 番号法9条 or provision in
//!    breach of 19条 (an unknown count goes by its possible maximum).
//!
//! **APPI regime** (個情規則7条), which My Number incidents are also checked against; it
//! covers 漏えい・滅失・毀損 only:
//! 1. 要配慮個人情報 (e.g. a 扶養控除等申告書 showing disability status);
//! 2. data whose misuse could cause **financial loss**;
//! 3. an **improper purpose** — since 2024-04-01 also personal information being acquired
//!    that was meant to become 個人データ;
//! 4. **more than 1,000 people**.
//!
//! Suspected cases ("おそれ") count as confirmed ones. **Exemptions**: data under
//! 高度な暗号化 whose keys did not leak are exempt from the 漏えい等 cases (not from improper
//! use or provision, which encryption does not prevent) — the vault's AES-GCM encryption
//! qualifies only as long as its keys are not leaked with the data; a **委託先** that
//! promptly notified its 委託元 is relieved of reporting and of notifying the people
//! (APPI 26条1項ただし書・2項; 番号法29条の4 同旨): the 委託元 reports.
//!
//! A count update that passes 100 / 1,000 makes the count case reportable from the day
//! that update became known; its deadlines count from that day.
//!
//! ```
//! use chrono::NaiveDate;
//! use hogo_domain::{IncidentId, OrganisationId};
//! use hogo_governance::incident::{AffectedCount, DataInvolved, Incident, IncidentKind, Regime};
//! use hogo_governance::FreeText;
//! let known = NaiveDate::from_ymd_opt(2025, 6, 2).unwrap();
//! let mut i = Incident::new(
//!     IncidentId::from_uuid(uuid::Uuid::nil()),
//!     OrganisationId::from_uuid(uuid::Uuid::nil()),
//!     known,
//!     IncidentKind::Leak,
//!     FreeText::new("概要", "源泉徴収票を誤送付").unwrap(),
//! );
//! i.data = DataInvolved { my_number: true, ..DataInvolved::default() };
//! i.affected = AffectedCount::Known(1);
//! let c = i.classify().unwrap();
//! assert!(!c.reportable); // one person, no improper purpose: effort duty only
//! i.data.sensitive = true;
//! let c = i.classify().unwrap();
//! assert!(c.reportable);
//! assert_eq!(c.findings[0].regime, Regime::Appi);
//! ```

use chrono::NaiveDate;
use hogo_domain::{IncidentId, OrganisationId, RuleId, SubjectId};
use serde::{Deserialize, Serialize};

use crate::deadline::{FinalPeriod, ReportDeadlines};
use crate::error::GovernanceError;
use crate::text::FreeText;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    /// 漏えい.
    Leak,
    /// 滅失.
    Loss,
    /// 毀損.
    Damage,
    /// 番号法9条違反の利用 / 目的外利用 (不正利用).
    ImproperUse,
    /// 番号法19条違反の提供 (不正提供).
    ImproperProvision,
}

impl IncidentKind {
    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Leak => "漏えい",
            Self::Loss => "滅失",
            Self::Damage => "毀損",
            Self::ImproperUse => "不正利用（番号法9条違反の利用）",
            Self::ImproperProvision => "不正提供（番号法19条違反の提供）",
        }
    }

    /// Whether this is a 漏えい等 (leak, loss or damage).
    pub fn is_leak_etc(self) -> bool {
        matches!(self, Self::Leak | Self::Loss | Self::Damage)
    }
}

/// Whether the incident is confirmed or only suspected ("おそれ", which counts too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// おそれ.
    Suspected,
    /// 確定.
    Confirmed,
}

/// The number of people affected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AffectedCount {
    /// Known exactly.
    Known(u32),
    /// Not known: at least `at_least`, at most `at_most` (the rules go by the maximum).
    Unknown {
        /// The lower bound.
        at_least: u32,
        /// The possible maximum.
        at_most: u32,
    },
}

impl AffectedCount {
    /// The count the thresholds are checked against (the maximum if unknown).
    pub fn for_thresholds(self) -> u32 {
        match self {
            Self::Known(n) => n,
            Self::Unknown { at_most, .. } => at_most,
        }
    }

    /// Checks an unknown count's range.
    ///
    /// # Errors
    /// [`GovernanceError::InvalidCount`] if `at_least > at_most`.
    pub fn validate(self, field: &str) -> Result<Self, GovernanceError> {
        match self {
            Self::Unknown { at_least, at_most } if at_least > at_most => {
                Err(GovernanceError::InvalidCount { field: field.to_owned(), at_least, at_most })
            }
            c => Ok(c),
        }
    }

    /// The Japanese rendering, e.g. "120名" or "不明（最大1,500名）".
    pub fn label_ja(self) -> String {
        match self {
            Self::Known(n) => format!("{n}名"),
            Self::Unknown { at_least, at_most } => {
                format!("不明（{at_least}名以上、最大{at_most}名）")
            }
        }
    }
}

/// A later update of the count, known on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountUpdate {
    /// The day the new count became known.
    pub known_on: NaiveDate,
    /// The new count.
    pub count: AffectedCount,
}

/// The categories of data involved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DataInvolved {
    /// 個人番号 / 特定個人情報.
    pub my_number: bool,
    /// 要配慮個人情報, e.g. a 扶養控除等申告書 showing disability status, health data.
    pub sensitive: bool,
    /// Data whose misuse could cause financial loss (bank accounts, card numbers).
    pub financial: bool,
    /// Other personal data (names, addresses, …).
    pub other: bool,
}

impl DataInvolved {
    /// The Japanese list of categories for the report's 項目.
    pub fn labels_ja(self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.my_number {
            v.push("個人番号（特定個人情報）");
        }
        if self.sensitive {
            v.push("要配慮個人情報");
        }
        if self.financial {
            v.push("財産的被害が生じるおそれのある情報（口座情報等）");
        }
        if self.other {
            v.push("その他の個人データ（氏名・住所等）");
        }
        v
    }
}

/// How the data were protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encryption {
    /// Not encrypted, or not to the 高度な暗号化 standard.
    #[default]
    None,
    /// 高度な暗号化 (e.g. the vault's AES-256-GCM).
    HighLevel {
        /// Whether the keys (or passphrase) leaked too; if so, no exemption.
        keys_leaked: bool,
    },
}

/// The organisation's role when it holds the data for someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AsContractor {
    /// The day the 委託元 was notified, if it was; the exemption needs a prompt notice.
    pub notified_principal_on: Option<NaiveDate>,
}

/// The two reporting regimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// 番号法29条の4 (report to the 個人情報保護委員会 under H27規則5号).
    MyNumber,
    /// 個人情報保護法26条 (個情規則7条).
    Appi,
}

impl Regime {
    /// The Japanese name.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::MyNumber => "番号法29条の4（特定個人情報の漏えい等）",
            Self::Appi => "個人情報保護法26条（個人データの漏えい等）",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::MyNumber => "My Number Act Art. 29-4 (specific personal information)",
            Self::Appi => "APPI Art. 26 (personal data)",
        }
    }
}

/// One applicable case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFinding {
    /// The regime.
    pub regime: Regime,
    /// The case number (1–4) of 規則2条 (My Number) or 規則7条 (APPI).
    pub case: u8,
    /// The citation, e.g. "個情規則7条4号".
    pub citation: String,
    /// The Japanese description.
    pub label_ja: String,
    /// The day from which the case is reportable (the day of knowledge, or the day a
    /// count update passed the threshold).
    pub reportable_from: NaiveDate,
    /// Whether this is the improper-purpose case (60-day 確報).
    pub improper_purpose: bool,
}

/// An exemption that applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    /// 高度な暗号化 with keys not leaked: 漏えい等 cases do not apply.
    HighLevelEncryption,
    /// A 委託先 that promptly notified its 委託元: no report, no notice by this organisation.
    ContractorNotifiedPrincipal,
}

impl Exemption {
    /// The Japanese description with its citation.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::HighLevelEncryption => {
                "高度な暗号化その他の措置が講じられている（鍵の漏えいなし）（個情規則7条・H27規則5号2条 括弧書）"
            }
            Self::ContractorNotifiedPrincipal => {
                "委託先として委託元に速やかに通知した（個情法26条1項ただし書・2項、番号法29条の4）"
            }
        }
    }
}

/// The deadlines of one regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeDeadlines {
    /// The regime.
    pub regime: Regime,
    /// The deadlines, counted from the earliest `reportable_from` of its findings.
    pub deadlines: ReportDeadlines,
}

/// The result of [`Incident::classify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// Whether this organisation must report (and notify the people).
    pub reportable: bool,
    /// The cases that apply (before the 委託先 exemption).
    pub findings: Vec<CaseFinding>,
    /// The exemptions that applied.
    pub exemptions: Vec<Exemption>,
    /// The deadlines per regime, when reportable.
    pub deadlines: Vec<RegimeDeadlines>,
    /// My Number data not reportable under 規則2条: reporting is still an effort duty.
    pub effort_duty_only: bool,
}

impl Classification {
    /// The regimes under which a report is due.
    pub fn regimes(&self) -> Vec<Regime> {
        self.deadlines.iter().map(|d| d.regime).collect()
    }
}

/// Which report was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStage {
    /// 速報.
    Preliminary,
    /// 確報.
    Final,
}

/// A report that was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filing {
    /// The regime.
    pub regime: Regime,
    /// 速報 or 確報.
    pub stage: ReportStage,
    /// The day it was filed.
    pub on: NaiveDate,
}

/// An incident record (M4, doc 003 Art. 8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// The id (made by the caller's `IdGen`).
    pub id: IncidentId,
    /// The organisation.
    pub organisation: OrganisationId,
    /// The day **any** department knew (day 1 of every deadline).
    pub known_on: NaiveDate,
    /// What happened (at least one).
    pub kinds: Vec<IncidentKind>,
    /// Suspected or confirmed.
    pub certainty: Certainty,
    /// People affected as first known.
    pub affected: AffectedCount,
    /// Later updates of the count.
    pub count_updates: Vec<CountUpdate>,
    /// Data involved.
    pub data: DataInvolved,
    /// Examples of the 要配慮 data (free text), e.g. "扶養控除等申告書の障害者欄".
    pub sensitive_examples: Option<FreeText>,
    /// May have been done for an improper purpose (不正アクセス, theft, ransomware, an
    /// employee looking up numbers for private ends).
    pub improper_purpose: bool,
    /// The data concerned was being acquired (meant to become 個人データ, e.g. a skimmed
    /// web form): APPI case 3 since 2024-04-01.
    pub during_acquisition: bool,
    /// 特定個人情報 from a file that may be viewed by unspecified people electronically.
    pub viewable_by_unspecified: bool,
    /// The leak came from the 情報提供NWS or a government / 利用事務 system (My Number
    /// case 1; not applicable to ordinary employers).
    pub from_public_system: bool,
    /// Encryption of the data concerned.
    pub encryption: Encryption,
    /// Set when the organisation held the data as a 委託先.
    pub as_contractor: Option<AsContractor>,
    /// The 概要 (free text).
    pub summary: FreeText,
    /// Reports filed.
    pub filings: Vec<Filing>,
}

/// The APPI case 3 extension to data being acquired applies from this day.
pub fn acquisition_rule_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 1).unwrap_or(NaiveDate::MIN)
}

/// The My Number case 4 threshold: more than this many people.
pub const MY_NUMBER_THRESHOLD: u32 = 100;
/// The APPI case 4 threshold: more than this many people.
pub const APPI_THRESHOLD: u32 = 1_000;

impl Incident {
    /// A new incident with one kind, suspected, a count of zero and no data categories
    /// yet; set the public fields from what is known.
    pub fn new(
        id: IncidentId,
        organisation: OrganisationId,
        known_on: NaiveDate,
        kind: IncidentKind,
        summary: FreeText,
    ) -> Self {
        Self {
            id,
            organisation,
            known_on,
            kinds: vec![kind],
            certainty: Certainty::Suspected,
            affected: AffectedCount::Known(0),
            count_updates: Vec::new(),
            data: DataInvolved::default(),
            sensitive_examples: None,
            improper_purpose: false,
            during_acquisition: false,
            viewable_by_unspecified: false,
            from_public_system: false,
            encryption: Encryption::None,
            as_contractor: None,
            summary,
            filings: Vec::new(),
        }
    }

    /// Records a new count known on `known_on`.
    ///
    /// # Errors
    /// [`GovernanceError::DateOrder`] if before the incident was known;
    /// [`GovernanceError::InvalidCount`] for an inverted range.
    pub fn update_count(
        &mut self,
        known_on: NaiveDate,
        count: AffectedCount,
    ) -> Result<(), GovernanceError> {
        if known_on < self.known_on {
            return Err(GovernanceError::DateOrder {
                field: "人数の更新日 / count update date".into(),
                date: known_on,
                earliest: self.known_on,
                rule: RuleId::M4,
            });
        }
        let count = count.validate("人数 / people affected")?;
        self.count_updates.push(CountUpdate { known_on, count });
        self.count_updates.sort_by_key(|u| u.known_on);
        Ok(())
    }

    /// The latest count known on `date`.
    pub fn count_on(&self, date: NaiveDate) -> AffectedCount {
        self.count_updates
            .iter()
            .rev()
            .find(|u| u.known_on <= date)
            .map_or(self.affected, |u| u.count)
    }

    /// The latest count.
    pub fn current_count(&self) -> AffectedCount {
        self.count_updates.last().map_or(self.affected, |u| u.count)
    }

    /// The first day on which the count was known to exceed `threshold`.
    fn threshold_passed_on(&self, threshold: u32) -> Option<NaiveDate> {
        if self.affected.for_thresholds() > threshold {
            return Some(self.known_on);
        }
        self.count_updates.iter().find(|u| u.count.for_thresholds() > threshold).map(|u| u.known_on)
    }

    fn has(&self, pred: impl Fn(IncidentKind) -> bool) -> bool {
        self.kinds.iter().any(|k| pred(*k))
    }

    /// Classifies the incident against both regimes (M4).
    ///
    /// # Errors
    /// [`GovernanceError::CalendarOutOfRange`] when a deadline falls outside the holiday
    /// calendar.
    pub fn classify(&self) -> Result<Classification, GovernanceError> {
        let mut findings = Vec::new();
        let mut exemptions = Vec::new();
        let encrypted = matches!(self.encryption, Encryption::HighLevel { keys_leaked: false });
        let leak_etc = self.has(IncidentKind::is_leak_etc);
        if leak_etc && encrypted {
            exemptions.push(Exemption::HighLevelEncryption);
        }
        // 漏えい等 that counts (not exempted by encryption).
        let leak_counts = leak_etc && !encrypted;
        let improper_use =
            self.has(|k| matches!(k, IncidentKind::ImproperUse | IncidentKind::ImproperProvision));
        let day1 = self.known_on;
        let mut push = |regime, case, citation: &str, label: &str, from, improper| {
            findings.push(CaseFinding {
                regime,
                case,
                citation: citation.to_owned(),
                label_ja: label.to_owned(),
                reportable_from: from,
                improper_purpose: improper,
            });
        };
        if self.data.my_number {
            if leak_counts && self.from_public_system {
                push(
                    Regime::MyNumber,
                    1,
                    "H27特定個人情報保護委員会規則5号2条1号",
                    "情報提供ネットワークシステム等からの漏えい等",
                    day1,
                    false,
                );
            }
            if self.improper_purpose && (leak_counts || improper_use) {
                push(
                    Regime::MyNumber,
                    2,
                    "H27特定個人情報保護委員会規則5号2条2号",
                    "不正の目的をもって行われたおそれがある漏えい等・利用・提供",
                    day1,
                    true,
                );
            }
            if leak_counts && self.viewable_by_unspecified {
                push(
                    Regime::MyNumber,
                    3,
                    "H27特定個人情報保護委員会規則5号2条3号",
                    "不特定多数の者に閲覧されるおそれ（電子的方法）",
                    day1,
                    false,
                );
            }
            if (leak_counts || improper_use)
                && let Some(from) = self.threshold_passed_on(MY_NUMBER_THRESHOLD)
            {
                push(
                    Regime::MyNumber,
                    4,
                    "H27特定個人情報保護委員会規則5号2条4号",
                    "漏えい等・9条違反の利用・19条違反の提供に係る本人の数が100人を超える",
                    from,
                    false,
                );
            }
        }
        if leak_counts {
            if self.data.sensitive {
                push(Regime::Appi, 1, "個情規則7条1号", "要配慮個人情報の漏えい等", day1, false);
            }
            if self.data.financial {
                push(
                    Regime::Appi,
                    2,
                    "個情規則7条2号",
                    "財産的被害が生じるおそれがある漏えい等",
                    day1,
                    false,
                );
            }
            let acquisition_counts = self.during_acquisition && day1 >= acquisition_rule_start();
            if self.improper_purpose && (!self.during_acquisition || acquisition_counts) {
                push(
                    Regime::Appi,
                    3,
                    "個情規則7条3号",
                    if self.during_acquisition {
                        "不正の目的をもって行われたおそれがある漏えい等（取得しようとしている個人情報を含む。2024年4月1日施行）"
                    } else {
                        "不正の目的をもって行われたおそれがある漏えい等"
                    },
                    day1,
                    true,
                );
            }
            if let Some(from) = self.threshold_passed_on(APPI_THRESHOLD) {
                push(
                    Regime::Appi,
                    4,
                    "個情規則7条4号",
                    "本人の数が1,000人を超える漏えい等",
                    from,
                    false,
                );
            }
        }
        let contractor_exempt =
            self.as_contractor.is_some_and(|c| c.notified_principal_on.is_some());
        if contractor_exempt && !findings.is_empty() {
            exemptions.push(Exemption::ContractorNotifiedPrincipal);
        }
        let reportable = !findings.is_empty() && !contractor_exempt;
        let mut deadlines = Vec::new();
        if reportable {
            for regime in [Regime::MyNumber, Regime::Appi] {
                let of: Vec<&CaseFinding> =
                    findings.iter().filter(|f| f.regime == regime).collect();
                let Some(from) = of.iter().map(|f| f.reportable_from).min() else {
                    continue;
                };
                let period = if of.iter().any(|f| f.improper_purpose) {
                    FinalPeriod::Days60
                } else {
                    FinalPeriod::Days30
                };
                deadlines.push(RegimeDeadlines {
                    regime,
                    deadlines: ReportDeadlines::compute(from, period)?,
                });
            }
        }
        let effort_duty_only = self.data.my_number
            && !findings.iter().any(|f| f.regime == Regime::MyNumber)
            && !contractor_exempt;
        Ok(Classification { reportable, findings, exemptions, deadlines, effort_duty_only })
    }

    /// Records a filed report.
    ///
    /// # Errors
    /// [`GovernanceError::DateOrder`] if filed before the incident was known.
    pub fn record_filing(&mut self, filing: Filing) -> Result<(), GovernanceError> {
        if filing.on < self.known_on {
            return Err(GovernanceError::DateOrder {
                field: "報告日 / filing date".into(),
                date: filing.on,
                earliest: self.known_on,
                rule: RuleId::M4,
            });
        }
        self.filings.push(filing);
        Ok(())
    }

    /// Whether a report of this stage was filed under `regime`.
    pub fn filed(&self, regime: Regime, stage: ReportStage) -> bool {
        self.filings.iter().any(|f| f.regime == regime && f.stage == stage)
    }
}

/// The report draft (個情規則8条1項 / H27規則5号3条: the required items), rendered as
/// Japanese text by [`ReportDraft::render_ja`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDraft {
    /// 概要.
    pub overview: FreeText,
    /// 原因.
    pub cause: FreeText,
    /// 二次被害又はそのおそれの有無及びその内容.
    pub secondary_damage: FreeText,
    /// 本人への対応の実施状況.
    pub response_to_persons: FreeText,
    /// 公表の実施状況.
    pub publication: FreeText,
    /// 再発防止のための措置.
    pub prevention: FreeText,
    /// その他参考となる事項.
    pub other: FreeText,
}

impl ReportDraft {
    /// Renders the nine items; 項目 and 人数 come from the incident, the findings and
    /// deadlines from `classification`.
    pub fn render_ja(&self, incident: &Incident, classification: &Classification) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(s, "漏えい等報告書（案）");
        let _ = writeln!(s, "認知日: {}", incident.known_on);
        let kinds: Vec<&str> = incident.kinds.iter().map(|k| k.label_ja()).collect();
        let certainty = match incident.certainty {
            Certainty::Suspected => "おそれ",
            Certainty::Confirmed => "発生",
        };
        let _ = writeln!(s, "事態: {}（{certainty}）", kinds.join("・"));
        for f in &classification.findings {
            let _ = writeln!(
                s,
                "該当: {} 第{}号 {}（{}、{}から報告対象）",
                f.regime.label_ja(),
                f.case,
                f.label_ja,
                f.citation,
                f.reportable_from
            );
        }
        for e in &classification.exemptions {
            let _ = writeln!(s, "適用除外: {}", e.label_ja());
        }
        for d in &classification.deadlines {
            let _ = writeln!(
                s,
                "期限（{}）: 速報 {}〜{}目安、確報 {}（{}日）",
                d.regime.label_ja(),
                d.deadlines.preliminary_from,
                d.deadlines.preliminary_to,
                d.deadlines.final_due,
                d.deadlines.final_period.days()
            );
        }
        let mut items = incident.data.labels_ja().join("、");
        if let Some(ex) = &incident.sensitive_examples {
            let _ = write!(items, "（要配慮の例: {ex}）");
        }
        let sections: [(&str, String); 9] = [
            ("1. 概要", self.overview.to_string()),
            ("2. 漏えい等が発生し、又は発生したおそれがある個人データの項目", items),
            ("3. 本人の数", incident.current_count().label_ja()),
            ("4. 原因", self.cause.to_string()),
            ("5. 二次被害又はそのおそれの有無及びその内容", self.secondary_damage.to_string()),
            ("6. 本人への対応の実施状況", self.response_to_persons.to_string()),
            ("7. 公表の実施状況", self.publication.to_string()),
            ("8. 再発防止のための措置", self.prevention.to_string()),
            ("9. その他参考となる事項", self.other.to_string()),
        ];
        for (title, body) in sections {
            let _ = writeln!(s, "\n{title}\n{body}");
        }
        s
    }
}

/// How a person was notified (個情規則10条; 番号法29条の4②).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeMethod {
    /// 書面（郵送）.
    Letter,
    /// 電子メール.
    Email,
    /// 電話.
    Phone,
    /// 対面.
    InPerson,
}

/// A substitute measure when notifying is impossible (個情法26条2項ただし書).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubstituteMeasure {
    /// 事案の公表.
    Publication,
    /// 問合せ窓口の設置.
    InquiryDesk,
}

/// The state of one person's notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    /// Not yet notified.
    Pending,
    /// Notified.
    Notified {
        /// The day.
        on: NaiveDate,
        /// How.
        method: NoticeMethod,
    },
    /// Notifying was impossible; a substitute measure was taken.
    Substituted {
        /// The day.
        on: NaiveDate,
        /// Which measure.
        measure: SubstituteMeasure,
    },
}

/// One affected person's notice, covering the regimes listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonNotice {
    /// The person.
    pub subject: SubjectId,
    /// The regimes under which the person must be notified.
    pub regimes: Vec<Regime>,
    /// The state.
    pub status: NoticeStatus,
}

/// The notices of one incident.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NoticeTracker {
    /// One entry per person.
    pub notices: Vec<PersonNotice>,
}

impl NoticeTracker {
    /// Adds the affected people for the regimes of `classification` (nothing if no notice
    /// is due).
    pub fn add_people(
        &mut self,
        classification: &Classification,
        people: impl IntoIterator<Item = SubjectId>,
    ) {
        let regimes = classification.regimes();
        if regimes.is_empty() {
            return;
        }
        for subject in people {
            if self.notices.iter().any(|n| n.subject == subject) {
                continue;
            }
            self.notices.push(PersonNotice {
                subject,
                regimes: regimes.clone(),
                status: NoticeStatus::Pending,
            });
        }
    }

    /// Records a notice or substitute measure.
    ///
    /// # Errors
    /// [`GovernanceError::NotRegistered`] if the person is not in the list.
    pub fn record(
        &mut self,
        subject: SubjectId,
        status: NoticeStatus,
    ) -> Result<(), GovernanceError> {
        let n = self.notices.iter_mut().find(|n| n.subject == subject).ok_or_else(|| {
            GovernanceError::NotRegistered {
                what: "通知対象者 / person to notify".into(),
                rule: RuleId::M4,
            }
        })?;
        n.status = status;
        Ok(())
    }

    /// The people not yet notified.
    pub fn pending(&self) -> Vec<SubjectId> {
        self.notices
            .iter()
            .filter(|n| n.status == NoticeStatus::Pending)
            .map(|n| n.subject)
            .collect()
    }
}
