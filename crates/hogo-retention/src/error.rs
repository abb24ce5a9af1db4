//! The crate's error type. Messages are bilingual (日本語 / English), name the field or kind
//! and cite the rule id, because clerks read them.

use chrono::NaiveDate;
use hogo_domain::RuleId;

use crate::period::RetentionPeriod;
use crate::schedule::DocumentKind;

/// Why a configuration, hold or plan was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RetentionError {
    /// An override would shorten a period below a statutory (or rule-book) minimum.
    #[error(
        "{kind}: 保存期間 {requested} は最低保存期間 {minimum}（{citation}）を下回るため設定できません ({}) / \
         retention period {requested} is below the minimum {minimum} set by {citation}",
        rule.as_str()
    )]
    BelowStatutoryMinimum {
        /// The kind.
        kind: DocumentKind,
        /// The minimum.
        minimum: RetentionPeriod,
        /// What was asked for.
        requested: RetentionPeriod,
        /// The law and article.
        citation: String,
        /// The rule id.
        rule: RuleId,
    },
    /// An override would go past a ceiling without a recorded basis.
    #[error(
        "{kind}: 保存期間 {requested} は上限 {ceiling}（{citation}）を超えます。根拠 (basis) を記録してください ({}) / \
         retention period {requested} exceeds the ceiling {ceiling} ({citation}) and no basis is recorded",
        rule.as_str()
    )]
    AboveCeiling {
        /// The kind.
        kind: DocumentKind,
        /// The ceiling.
        ceiling: RetentionPeriod,
        /// What was asked for.
        requested: RetentionPeriod,
        /// The law, guideline or practice.
        citation: String,
        /// The rule id.
        rule: RuleId,
    },
    /// An override would keep a document carrying My Numbers longer than its period
    /// without a recorded basis (番号法20条; M9, M11).
    #[error(
        "{kind}: 個人番号を含む書類を保存期間 {period} を超えて {requested} 保存するには根拠 (basis) の記録が必要です \
         (M11, 番号法20条) / keeping a document that carries My Numbers for {requested}, past its period \
         {period}, needs a recorded basis"
    )]
    ExtensionWithoutBasis {
        /// The kind.
        kind: DocumentKind,
        /// The period.
        period: RetentionPeriod,
        /// What was asked for.
        requested: RetentionPeriod,
    },
    /// An override's `basis` is blank.
    #[error(
        "{kind}: basis（根拠）が空です ({}) / the field basis is empty",
        rule.as_str()
    )]
    EmptyBasis {
        /// The kind.
        kind: DocumentKind,
        /// The rule id.
        rule: RuleId,
    },
    /// A subsidy period was set without naming the subsidy rule it follows.
    #[error(
        "{kind}: 助成金書類の保存期間には根拠となる支給要領等 (basis) が必要です (M11) / \
         the period of subsidy documents needs the subsidy rule it follows in the field basis"
    )]
    SubsidyPeriodWithoutBasis {
        /// The kind.
        kind: DocumentKind,
    },
    /// A holding of a kind with no period set cannot be planned (`employment_subsidy`).
    #[error(
        "{kind}: 保存期間が設定されていないため廃棄予定を立てられません。各助成金の定めに従い periods.{} を設定してください \
         (M11) / no retention period is set, so no disposal can be planned: set periods.{} from the subsidy's own rules",
        kind.id(), kind.id()
    )]
    NoPeriodSet {
        /// The kind.
        kind: DocumentKind,
    },
    /// A completion reading was configured for a kind whose 完結 is not the insurance one.
    #[error(
        "{kind}: completion（完結の日の解釈）は保険関係書類にのみ設定できます (M9) / the field completion \
         applies only to the insurance kinds"
    )]
    CompletionReadingNotApplicable {
        /// The kind.
        kind: DocumentKind,
    },
    /// A yearly cadence names a month outside 1–12.
    #[error("cadence.month: {month} は1〜12ではありません (M11) / {month} is not a month (1–12)")]
    InvalidCadence {
        /// The month given.
        month: u32,
    },
    /// A legal hold lacks a required field.
    #[error("legal hold {field}: 必須項目が空です (M11, P11) / the field {field} is required")]
    HoldFieldMissing {
        /// The field (`name`, `reason`, `legal_basis`).
        field: &'static str,
    },
    /// A legal hold is released before it starts.
    #[error(
        "legal hold released: 解除日 {released} が開始日 {start} より前です (M11) / the release date {released} \
         is before the start {start}"
    )]
    HoldReleasedBeforeStart {
        /// The start.
        start: NaiveDate,
        /// The release.
        released: NaiveDate,
    },
}
