//! The one error type of the crate, [`GovernanceError`]: every message is bilingual
//! (Japanese / English) and names the field and the rule concerned.

/// Why a governance operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GovernanceError {
    /// A free-text field contains a digit string that passes the My Number check digit.
    #[error(
        "{field}: 個人番号と思われる数字列は記入できません（番号法20条・規程M4） / \
         {field}: free text must not contain a My Number-like number (My Number Act Art. 20, M4)"
    )]
    MyNumberInText {
        /// The field that was refused.
        field: String,
    },
    /// A required free-text field is empty.
    #[error("{field}: 入力が必要です（{rule}） / {field}: must not be empty ({rule})")]
    EmptyText {
        /// The field that was refused.
        field: String,
        /// The rule that needs it.
        rule: hogo_domain::RuleId,
    },
    /// The holiday calendar does not cover this year.
    #[error(
        "{year}年は祝日計算の対象外です（対応: 2000〜2099年、規程M4） / \
         year {year} is outside the holiday calendar (2000–2099, M4)"
    )]
    CalendarOutOfRange {
        /// The year asked for.
        year: i32,
    },
    /// A date is earlier than the date it must follow (e.g. a count update before the
    /// incident was known).
    #[error(
        "{field}: {date} は {earliest} より前にできません（{rule}） / \
         {field}: {date} cannot be before {earliest} ({rule})"
    )]
    DateOrder {
        /// The field that was refused.
        field: String,
        /// The date given.
        date: chrono::NaiveDate,
        /// The earliest allowed date.
        earliest: chrono::NaiveDate,
        /// The rule concerned.
        rule: hogo_domain::RuleId,
    },
    /// An unknown-count estimate whose known part exceeds its maximum, or a zero maximum.
    #[error(
        "{field}: 人数の範囲が不正です（最小 {at_least} > 最大 {at_most}、規程M4） / \
         {field}: invalid count range (at least {at_least} > at most {at_most}, M4)"
    )]
    InvalidCount {
        /// The field that was refused.
        field: String,
        /// The lower bound given.
        at_least: u32,
        /// The upper bound given.
        at_most: u32,
    },
    /// 再委託 without the organisation's permission (doc 003 Art. 36①).
    #[error(
        "再委託先「{name}」: 当社の許諾がない再委託はできません（第{depth}階層、規程36条・M14） / \
         subcontractor \"{name}\": re-entrustment without the organisation's permission is refused \
         (depth {depth}, Art. 36, M14)"
    )]
    SubcontractNotPermitted {
        /// The subcontractor's name.
        name: String,
        /// Its depth in the chain (1 = direct contractor).
        depth: usize,
    },
    /// An id that is not in the register.
    #[error("{what}: 登録されていません（{rule}） / {what}: not registered ({rule})")]
    NotRegistered {
        /// What was looked up.
        what: String,
        /// The rule concerned.
        rule: hogo_domain::RuleId,
    },
    /// The contract has already ended.
    #[error(
        "委託先「{name}」: 契約は終了しています（規程35条・M14） / \
         contractor \"{name}\": the contract has ended (Art. 35, M14)"
    )]
    ContractEnded {
        /// The contractor's name.
        name: String,
    },
}
