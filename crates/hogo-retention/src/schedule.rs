//! The retention schedule: one [`RetentionRule`] per [`DocumentKind`], each with its period,
//! start event, counting mode, citation and the kind of period (statutory minimum, ceiling,
//! practice or policy). Facts and sources: `docs/legal-facts.md` §2 (法定保存期間), §3
//! (職業安定法), §4.3 (第三者提供記録).
//!
//! The statutory schedule is [`RetentionRule::statutory`]; an organisation's configured
//! schedule is a [`Schedule`](crate::Schedule) built from a
//! [`RetentionConfig`](crate::RetentionConfig).

use chrono::NaiveDate;
use hogo_domain::RuleId;
use serde::{Deserialize, Serialize};

use crate::config::ReviewMode;
use crate::period::{CountingMode, RetentionPeriod};

/// 文書の種類: what a [`Holding`](crate::Holding) is, with the stable ids the CLI and the
/// configuration use (`employment_insurance_insured`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 雇用保険の被保険者に関する書類 (資格取得・喪失確認通知書, 離職証明書控 等): 4 years from
    /// 完結 (雇用保険法施行規則143条).
    EmploymentInsuranceInsured,
    /// Other 雇用保険 documents: 2 years from 完結 (雇用保険法施行規則143条).
    EmploymentInsuranceOther,
    /// 健康保険・厚生年金保険に関する書類: 2 years from 完結 (健保則34条, 厚年則28条).
    HealthPensionInsurance,
    /// 労災保険に関する書類: 3 years from 完結 (労災則51条).
    WorkersCompensation,
    /// 助成金 documents: excluded from 雇保則143条, each subsidy has its own rule. No default:
    /// the organisation must set a period before the planner plans them.
    EmploymentSubsidy,
    /// 扶養控除等(異動)申告書 and the other 所得税法194–196条 申告書: 7 years (所得税法施行規則
    /// 76条の3). For 従たる給与の扶養控除等申告書 the `filing_due` event carries the receipt
    /// date, which stands in for the 提出期限.
    DependentDeductionDeclaration,
    /// 退職所得の受給に関する申告書: 7 years, counted as 76条の3 (article to be confirmed).
    RetirementIncomeDeclaration,
    /// The payer's copy of 給与/退職所得の源泉徴収票: no statutory period found; practice
    /// ceiling of 7 years.
    WithholdingSlipCopy,
    /// 支払調書 控え (報酬・料金, 配当, 不動産の使用料, 不動産の譲受け): no statutory period
    /// found; practice ceiling of 7 years counted as 76条の3 from the filing deadline
    /// (31 January of the following year).
    PaymentRecordCopy,
    /// The employer's copy of the 国民年金第3号被保険者関係届: no period found; practice,
    /// 2 years from 完結 as for 厚年則28条.
    NationalPensionCategory3,
    /// A copy of a 本人確認書類: no duty to keep (PPC); never kept longer than the document it
    /// supported; by default disposed of when the verification is complete.
    IdentityDocumentCopy,
    /// A job seeker's profile: disposed of when the registration period ends (P11; 個情法22条,
    /// 職業安定法指針).
    JobSeekerProfile,
    /// A 求職管理簿 entry: 2 years after 完結 (職業安定法32条の15), 完結 being the later of the
    /// end of the 求職 validity period and the last 紹介 result.
    PlacementRegisterEntry,
    /// 訂正記録 of 特定個人情報: 1 year from the correction (doc 003 Art. 40③).
    CorrectionRecord,
    /// 第三者提供記録 made by a contract or similar document: 1 year counted from the last
    /// provision (個人情報保護法施行規則21条1号).
    ProvisionRecordPerContract,
    /// A consolidated 第三者提供記録 for continuous provision: 3 years counted from the last
    /// provision (規則21条2号).
    ProvisionRecordConsolidated,
    /// Any other 第三者提供記録: 3 years counted from its creation (規則21条3号).
    ProvisionRecord,
    /// The case file of a 開示等の請求: no statutory period; organisation policy, 3 years
    /// after closing by default.
    RequestCaseFile,
}

impl DocumentKind {
    /// Every kind, in schedule order.
    pub const ALL: [Self; 18] = [
        Self::EmploymentInsuranceInsured,
        Self::EmploymentInsuranceOther,
        Self::HealthPensionInsurance,
        Self::WorkersCompensation,
        Self::EmploymentSubsidy,
        Self::DependentDeductionDeclaration,
        Self::RetirementIncomeDeclaration,
        Self::WithholdingSlipCopy,
        Self::PaymentRecordCopy,
        Self::NationalPensionCategory3,
        Self::IdentityDocumentCopy,
        Self::JobSeekerProfile,
        Self::PlacementRegisterEntry,
        Self::CorrectionRecord,
        Self::ProvisionRecordPerContract,
        Self::ProvisionRecordConsolidated,
        Self::ProvisionRecord,
        Self::RequestCaseFile,
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::EmploymentInsuranceInsured => "employment_insurance_insured",
            Self::EmploymentInsuranceOther => "employment_insurance_other",
            Self::HealthPensionInsurance => "health_pension_insurance",
            Self::WorkersCompensation => "workers_compensation",
            Self::EmploymentSubsidy => "employment_subsidy",
            Self::DependentDeductionDeclaration => "dependent_deduction_declaration",
            Self::RetirementIncomeDeclaration => "retirement_income_declaration",
            Self::WithholdingSlipCopy => "withholding_slip_copy",
            Self::PaymentRecordCopy => "payment_record_copy",
            Self::NationalPensionCategory3 => "national_pension_category3",
            Self::IdentityDocumentCopy => "identity_document_copy",
            Self::JobSeekerProfile => "job_seeker_profile",
            Self::PlacementRegisterEntry => "placement_register_entry",
            Self::CorrectionRecord => "correction_record",
            Self::ProvisionRecordPerContract => "provision_record_per_contract",
            Self::ProvisionRecordConsolidated => "provision_record_consolidated",
            Self::ProvisionRecord => "provision_record",
            Self::RequestCaseFile => "request_case_file",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The Japanese name.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::EmploymentInsuranceInsured => "雇用保険の被保険者に関する書類",
            Self::EmploymentInsuranceOther => "雇用保険に関するその他の書類",
            Self::HealthPensionInsurance => "健康保険・厚生年金保険に関する書類",
            Self::WorkersCompensation => "労災保険に関する書類",
            Self::EmploymentSubsidy => "助成金に関する書類",
            Self::DependentDeductionDeclaration => "扶養控除等申告書等",
            Self::RetirementIncomeDeclaration => "退職所得の受給に関する申告書",
            Self::WithholdingSlipCopy => "源泉徴収票（控）",
            Self::PaymentRecordCopy => "支払調書（控）",
            Self::NationalPensionCategory3 => "国民年金第3号被保険者関係届（控）",
            Self::IdentityDocumentCopy => "本人確認書類の写し",
            Self::JobSeekerProfile => "求職者情報",
            Self::PlacementRegisterEntry => "求職管理簿",
            Self::CorrectionRecord => "訂正記録",
            Self::ProvisionRecordPerContract => "第三者提供記録（契約書等）",
            Self::ProvisionRecordConsolidated => "第三者提供記録（一括作成）",
            Self::ProvisionRecord => "第三者提供記録",
            Self::RequestCaseFile => "開示等の請求の記録",
        }
    }

    /// The rule of the rule books (mission.md) the kind's disposal serves: M11 for documents
    /// carrying My Numbers, P11 for job-seeker data, P3 for provision records, M15 for
    /// correction records, P7 for request case files.
    pub fn rule(self) -> RuleId {
        match self {
            Self::JobSeekerProfile | Self::PlacementRegisterEntry => RuleId::P11,
            Self::ProvisionRecordPerContract
            | Self::ProvisionRecordConsolidated
            | Self::ProvisionRecord => RuleId::P3,
            Self::CorrectionRecord => RuleId::M15,
            Self::RequestCaseFile => RuleId::P7,
            _ => RuleId::M11,
        }
    }

    /// Whether documents of this kind normally carry a 個人番号 (so keeping them longer is
    /// regulated by 番号法20条 and the My Number rule applies).
    pub fn carries_my_number(self) -> bool {
        self.rule() == RuleId::M11 || self == Self::CorrectionRecord
    }

    /// Whether the kind's 完結 is the insurance 完結の日 whose reading is configurable
    /// ([`CompletionReading`](crate::CompletionReading)).
    pub fn has_insurance_completion(self) -> bool {
        matches!(
            self,
            Self::EmploymentInsuranceInsured
                | Self::EmploymentInsuranceOther
                | Self::HealthPensionInsurance
                | Self::WorkersCompensation
                | Self::NationalPensionCategory3
        )
    }
}

impl std::fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.label_ja(), self.id())
    }
}

/// An event that starts a retention period, with the stable ids of the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// 完結の日: the procedure (or case, or verification) is complete.
    Completed,
    /// 退職: the employee left.
    Retired,
    /// 資格喪失: loss of insured status.
    QualificationLost,
    /// 提出期限 (or, for 従たる給与, the receipt date; for 支払調書, 31 January).
    FilingDue,
    /// The end of a job seeker's registration (有効期間) — its last day.
    RegistrationEnded,
    /// A correction was made (訂正).
    Corrected,
    /// The last provision to a third party.
    LastProvided,
    /// The record was created (implicit from [`Holding::created`](crate::Holding::created)).
    Created,
}

impl EventKind {
    /// Every event kind.
    pub const ALL: [Self; 8] = [
        Self::Completed,
        Self::Retired,
        Self::QualificationLost,
        Self::FilingDue,
        Self::RegistrationEnded,
        Self::Corrected,
        Self::LastProvided,
        Self::Created,
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Retired => "retired",
            Self::QualificationLost => "qualification_lost",
            Self::FilingDue => "filing_due",
            Self::RegistrationEnded => "registration_ended",
            Self::Corrected => "corrected",
            Self::LastProvided => "last_provided",
            Self::Created => "created",
        }
    }

    /// Parses a stable id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The Japanese name.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Completed => "完結の日",
            Self::Retired => "退職",
            Self::QualificationLost => "資格喪失",
            Self::FilingDue => "提出期限",
            Self::RegistrationEnded => "登録期間の終了",
            Self::Corrected => "訂正",
            Self::LastProvided => "最後の提供",
            Self::Created => "作成",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// The latest known date of each event kind for one holding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventDates([Option<NaiveDate>; 8]);

impl EventDates {
    /// The latest date recorded for `kind`.
    pub fn get(&self, kind: EventKind) -> Option<NaiveDate> {
        self.0[kind.index()]
    }

    /// Records an event; a later date wins, an earlier one is ignored (events only ever
    /// lengthen retention).
    pub fn record(&mut self, kind: EventKind, date: NaiveDate) {
        let slot = &mut self.0[kind.index()];
        if slot.is_none_or(|d| d < date) {
            *slot = Some(date);
        }
    }

    /// Merges another set, keeping the later date of each kind.
    pub fn merge(&mut self, other: &Self) {
        for kind in EventKind::ALL {
            if let Some(d) = other.get(kind) {
                self.record(kind, d);
            }
        }
    }
}

/// Which events start the period: the start is the **latest** of the required groups (each
/// group is satisfied by any of its events, the latest one counting) and of the optional
/// events that are present. While a required group has no event, the start is unknown
/// ("open").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StartRule {
    /// Every group must have an event.
    pub all_of: &'static [&'static [EventKind]],
    /// Counted when present (they can only make the start later).
    pub later_if_present: &'static [EventKind],
}

impl StartRule {
    /// Required groups only.
    pub const fn on(all_of: &'static [&'static [EventKind]]) -> Self {
        Self { all_of, later_if_present: &[] }
    }

    /// The start date, or `None` while a required event is missing.
    pub fn start(&self, dates: &EventDates) -> Option<NaiveDate> {
        let mut start: Option<NaiveDate> = None;
        for group in self.all_of {
            let latest = group.iter().filter_map(|k| dates.get(*k)).max()?;
            start = start.max(Some(latest));
        }
        for k in self.later_if_present {
            start = start.max(dates.get(*k));
        }
        start
    }

    /// The events that are still missing (for "why is this open").
    pub fn missing(&self, dates: &EventDates) -> Vec<EventKind> {
        self.all_of
            .iter()
            .filter(|g| g.iter().all(|k| dates.get(*k).is_none()))
            .flat_map(|g| g.iter().copied())
            .collect()
    }
}

const COMPLETED: &[EventKind] = &[EventKind::Completed];
const SEPARATION: &[EventKind] = &[EventKind::Retired, EventKind::QualificationLost];
/// 完結 read as the procedure date.
pub(crate) const START_PROCEDURE: StartRule = StartRule::on(&[COMPLETED]);
/// 完結 read as the later of the procedure date and 退職/資格喪失.
pub(crate) const START_LATER_OF_SEPARATION: StartRule =
    StartRule { all_of: &[COMPLETED, SEPARATION], later_if_present: &[] };

/// What kind of period a rule sets, which decides how an organisation may change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodBasis {
    /// A law requires keeping at least this long: never shortened; lengthening a kind that
    /// carries My Numbers needs a recorded basis (番号法20条).
    StatutoryMinimum,
    /// The organisation's own rule book (doc 003) sets the period; treated as a minimum.
    RuleBookMinimum,
    /// A law limits keeping (e.g. dispose when no longer needed, 個情法22条, 職安法指針):
    /// shortening is fine, lengthening needs a recorded basis.
    StatutoryCeiling,
    /// A guideline (PPC) limits keeping: as [`Self::StatutoryCeiling`].
    GuidelineCeiling,
    /// The law is silent; practice sets an upper limit: as a ceiling.
    PracticeCeiling,
    /// The law is silent; practice gives the period, the organisation may change it.
    Practice,
    /// The law is silent; the organisation's policy sets it.
    Policy,
    /// Governed by each subsidy's own rules: no default period.
    SubsidyRules,
}

impl PeriodBasis {
    /// Whether the period may not be shortened.
    pub fn is_minimum(self) -> bool {
        matches!(self, Self::StatutoryMinimum | Self::RuleBookMinimum)
    }

    /// Whether the period may not be lengthened without a recorded basis.
    pub fn is_ceiling(self) -> bool {
        matches!(self, Self::StatutoryCeiling | Self::GuidelineCeiling | Self::PracticeCeiling)
    }

    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::StatutoryMinimum => "法定保存期間（最低）",
            Self::RuleBookMinimum => "取扱規程による保存期間",
            Self::StatutoryCeiling => "法令上の上限",
            Self::GuidelineCeiling => "ガイドライン上の上限",
            Self::PracticeCeiling => "実務上の上限（法令の定めなし）",
            Self::Practice => "実務（法令の定めなし）",
            Self::Policy => "社内方針（法令の定めなし）",
            Self::SubsidyRules => "各助成金の定めによる",
        }
    }
}

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// The law, regulation, guideline or rule book.
    pub law: &'static str,
    /// The article (条・項・号).
    pub article: &'static str,
    /// `false` where the article or period is still to be confirmed (legal-facts §7).
    pub confirmed: bool,
}

impl std::fmt::Display for Citation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.law, self.article)?;
        if !self.confirmed {
            f.write_str(" (要確認 / to be confirmed)")?;
        }
        Ok(())
    }
}

/// One row of the schedule: how long one kind of document is kept and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionRule {
    /// The kind.
    pub kind: DocumentKind,
    /// The period; `None` where there is no default (`employment_subsidy` until set).
    pub period: Option<RetentionPeriod>,
    /// The events that start the period.
    pub start: StartRule,
    /// How the period is counted.
    pub counting: CountingMode,
    /// What kind of period it is.
    pub basis: PeriodBasis,
    /// Where it comes from.
    pub citation: Citation,
    /// Disposition review for the kind.
    pub review: ReviewMode,
    /// The organisation's recorded basis where it changed the period (an override).
    pub override_basis: Option<String>,
}

impl RetentionRule {
    /// The statutory (default) rule for `kind`.
    pub fn statutory(kind: DocumentKind) -> Self {
        use CountingMode::{FromDayAfter, FromEventDay, TaxArticle76_3};
        use DocumentKind as K;
        use PeriodBasis as B;
        let c = |law, article, confirmed| Citation { law, article, confirmed };
        let (period, start, counting, basis, citation) = match kind {
            K::EmploymentInsuranceInsured => (
                Some(RetentionPeriod::years(4)),
                START_LATER_OF_SEPARATION,
                FromDayAfter,
                B::StatutoryMinimum,
                c("雇用保険法施行規則", "143条", true),
            ),
            K::EmploymentInsuranceOther => (
                Some(RetentionPeriod::years(2)),
                START_LATER_OF_SEPARATION,
                FromDayAfter,
                B::StatutoryMinimum,
                c("雇用保険法施行規則", "143条", true),
            ),
            K::HealthPensionInsurance => (
                Some(RetentionPeriod::years(2)),
                START_LATER_OF_SEPARATION,
                FromDayAfter,
                B::StatutoryMinimum,
                c("健康保険法施行規則 / 厚生年金保険法施行規則", "34条 / 28条", true),
            ),
            K::WorkersCompensation => (
                Some(RetentionPeriod::years(3)),
                START_LATER_OF_SEPARATION,
                FromDayAfter,
                B::StatutoryMinimum,
                c("労働者災害補償保険法施行規則", "51条", true),
            ),
            K::EmploymentSubsidy => (
                None,
                START_PROCEDURE,
                FromDayAfter,
                B::SubsidyRules,
                c("各助成金の支給要領 (雇用保険法施行規則143条の対象外)", "—", false),
            ),
            K::DependentDeductionDeclaration => (
                Some(RetentionPeriod::years(7)),
                StartRule::on(&[&[EventKind::FilingDue]]),
                TaxArticle76_3,
                B::StatutoryMinimum,
                c("所得税法施行規則", "76条の3", true),
            ),
            K::RetirementIncomeDeclaration => (
                Some(RetentionPeriod::years(7)),
                StartRule::on(&[&[EventKind::FilingDue]]),
                TaxArticle76_3,
                B::StatutoryMinimum,
                c("所得税法 / 所得税基本通達", "203条 / 203-3", false),
            ),
            K::WithholdingSlipCopy => (
                Some(RetentionPeriod::years(7)),
                StartRule::on(&[&[EventKind::FilingDue]]),
                TaxArticle76_3,
                B::PracticeCeiling,
                c("実務 (法定保存期間の定めなし; 番号GL 第4-3-(3)B)", "—", false),
            ),
            K::PaymentRecordCopy => (
                Some(RetentionPeriod::years(7)),
                StartRule::on(&[&[EventKind::FilingDue]]),
                TaxArticle76_3,
                B::PracticeCeiling,
                c("実務 (所得税法225条の支払調書; 控えの保存期間の定めなし)", "—", false),
            ),
            K::NationalPensionCategory3 => (
                Some(RetentionPeriod::years(2)),
                START_LATER_OF_SEPARATION,
                FromDayAfter,
                B::Practice,
                c("実務 (厚生年金保険法施行規則28条に準ずる; 国民年金法12条5・6項)", "—", false),
            ),
            K::IdentityDocumentCopy => (
                Some(RetentionPeriod::ZERO),
                START_PROCEDURE,
                FromDayAfter,
                B::GuidelineCeiling,
                c("個人情報保護委員会 Q&A (保存義務なし; 関連書類と同期間まで)", "—", false),
            ),
            K::JobSeekerProfile => (
                Some(RetentionPeriod::ZERO),
                StartRule::on(&[&[EventKind::RegistrationEnded]]),
                FromDayAfter,
                B::StatutoryCeiling,
                c("個人情報保護法 / 職業安定法指針", "22条 / 第5", true),
            ),
            K::PlacementRegisterEntry => (
                Some(RetentionPeriod::years(2)),
                StartRule {
                    all_of: &[&[EventKind::RegistrationEnded]],
                    later_if_present: &[EventKind::Completed],
                },
                FromDayAfter,
                B::StatutoryMinimum,
                c("職業安定法", "32条の15 (施行規則の条番号要確認)", false),
            ),
            K::CorrectionRecord => (
                Some(RetentionPeriod::years(1)),
                StartRule::on(&[&[EventKind::Corrected]]),
                FromDayAfter,
                B::RuleBookMinimum,
                c("特定個人情報取扱規程 (doc 003)", "40条3項", true),
            ),
            K::ProvisionRecordPerContract => (
                Some(RetentionPeriod::years(1)),
                StartRule::on(&[&[EventKind::LastProvided]]),
                FromEventDay,
                B::StatutoryMinimum,
                c("個人情報保護法施行規則", "21条1号", true),
            ),
            K::ProvisionRecordConsolidated => (
                Some(RetentionPeriod::years(3)),
                StartRule::on(&[&[EventKind::LastProvided]]),
                FromEventDay,
                B::StatutoryMinimum,
                c("個人情報保護法施行規則", "21条2号", true),
            ),
            K::ProvisionRecord => (
                Some(RetentionPeriod::years(3)),
                StartRule::on(&[&[EventKind::Created]]),
                FromEventDay,
                B::StatutoryMinimum,
                c("個人情報保護法施行規則", "21条3号", true),
            ),
            K::RequestCaseFile => (
                Some(RetentionPeriod::years(3)),
                START_PROCEDURE,
                FromDayAfter,
                B::Policy,
                c("社内方針 (法令の定めなし)", "—", true),
            ),
        };
        Self {
            kind,
            period,
            start,
            counting,
            basis,
            citation,
            review: ReviewMode::Automatic,
            override_basis: None,
        }
    }

    /// The destroy-from date for these events, or `None` while the start is unknown or the
    /// kind has no period.
    pub fn destroy_from(&self, dates: &EventDates) -> Option<NaiveDate> {
        self.counting.destroy_from(self.start.start(dates)?, self.period?)
    }
}
