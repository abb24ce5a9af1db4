//! The one error type of the crate. Every message names the field (or the step) and the
//! rule id / article, in Japanese and English, because clerks read them. No message ever
//! echoes a value a requester typed (it could hold a My Number).

use crate::kind::RequestKind;

/// Why an intake, a configuration or a command was refused. A refused command changes
/// nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// A required field is empty.
    #[error("{field}: 必須項目が未記入です / this field is required (P7, 個人情報開示等請求書)")]
    Missing {
        /// The field.
        field: String,
    },
    /// A text is longer than allowed.
    #[error("{field}: {max}文字以内で記入してください / at most {max} characters (P7)")]
    TooLong {
        /// The field.
        field: String,
        /// The maximum number of characters.
        max: usize,
    },
    /// A free-text field contains a run that looks like a My Number.
    #[error(
        "{field}: 個人番号と思われる12桁の数字が含まれています。開示等の請求は個人番号関係事務ではないため、個人番号を記録できません / contains what looks like a My Number; a request is not a My Number affair and must never store one (P7, M15, 番号法15条・20条)"
    )]
    MyNumberInText {
        /// The field.
        field: String,
    },
    /// Malformed value (phone, postcode, e-mail, furigana…).
    #[error("{field}: 形式が正しくありません（{expected}） / malformed, expected {expected} (P7)")]
    Malformed {
        /// The field.
        field: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A date that cannot be right (in the future, or before birth).
    #[error(
        "{field}: 日付が正しくありません（{reason}） / the date is not possible: {reason} (P7)"
    )]
    ImpossibleDate {
        /// The field.
        field: String,
        /// Why.
        reason: &'static str,
    },
    /// 外国人登録証明書 given without the clerk confirming it is still valid.
    #[error(
        "{field}: 外国人登録証明書は2012年7月に廃止され、在留カード・特別永住者証明書に切り替わりました（16歳未満の特別永住者は有効な場合あり：担当者が確認してください） / the alien registration certificate was replaced in July 2012 by the residence card and the special permanent resident certificate (a special permanent resident under 16 may still hold a valid one: the clerk must confirm) (P7, M7)"
    )]
    AbolishedDocument {
        /// The field.
        field: String,
    },
    /// A 第三者提供記録 disclosure was asked for My Number data.
    #[error(
        "kinds: 特定個人情報には第三者提供記録がありません（番号法30条2項により個人情報保護法27〜30条は適用されません） / there are no third-party provision records for My Number data: APPI 27–30 do not apply (M15, 番号法30条2項)"
    )]
    NoProvisionRecordsForMyNumber,
    /// A fee configured for a kind the law does not let the organisation charge for.
    #[error(
        "fees.{kind}: 手数料を徴収できるのは利用目的の通知と開示（第三者提供記録を含む）のみです / a fee may be charged only for purpose notification and disclosure, incl. provision records (P7, M15, 個人情報保護法38条1項)"
    )]
    FeeNotAllowed {
        /// The kind.
        kind: RequestKind,
    },
    /// A fee configured without any payment method.
    #[error(
        "fees.{kind}.methods: 手数料の支払方法を1つ以上定めてください / name at least one payment method (P7, 個人情報保護法37条1項, 令12条)"
    )]
    NoPaymentMethod {
        /// The kind.
        kind: RequestKind,
    },
    /// A configuration value out of range.
    #[error("{field}: 設定値が正しくありません（{reason}） / invalid setting: {reason} (P7)")]
    InvalidConfig {
        /// The field.
        field: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A fee receipt for a kind with no fee.
    #[error(
        "fee.{kind}: この請求種別には手数料がありません / no fee is due for this kind (P7, 個人情報保護法38条1項)"
    )]
    NoFeeDue {
        /// The kind.
        kind: RequestKind,
    },
    /// A fee receipt with another amount than configured.
    #[error(
        "fee.{kind}.amount: 手数料は{expected}円です（{received}円を記録しようとしました） / the fee is {expected} yen, {received} yen was entered (P7, 個人情報保護法38条)"
    )]
    FeeAmountMismatch {
        /// The kind.
        kind: RequestKind,
        /// The configured amount.
        expected: u32,
        /// The amount entered.
        received: u32,
    },
    /// A payment method the organisation did not publish.
    #[error(
        "fee.{kind}.method: 公表していない支払方法です / not a published payment method (P7, 個人情報保護法32条1項3号)"
    )]
    PaymentMethodNotAccepted {
        /// The kind.
        kind: RequestKind,
    },
    /// The fee was already recorded.
    #[error("fee.{kind}: 手数料は受領済みです / the fee was already received (P7)")]
    FeeAlreadyReceived {
        /// The kind.
        kind: RequestKind,
    },
    /// The disclosure cannot be decided before its fee is received.
    #[error(
        "fee.{kind}: 手数料が未納のため開示できません（他の請求種別の処理は続けられます） / the fee is unpaid, so this disclosure is blocked (other kinds go on) (P7, 個人情報保護法38条)"
    )]
    FeeUnpaid {
        /// The kind.
        kind: RequestKind,
    },
    /// Identity is not verified yet.
    #[error(
        "identity: 本人確認が済んでいません / the requester's identity is not verified yet (P7, M15, 個人情報保護法37条2項, doc 003 37条1項)"
    )]
    IdentityNotVerified,
    /// The agent's authority is not verified yet.
    #[error(
        "authority: 代理権の確認が済んでいません / the agent's authority is not verified yet (P7, M15, 個人情報保護法37条3項, 令13条)"
    )]
    AuthorityNotVerified,
    /// The documents do not prove the agent's authority.
    #[error("authority: {reason} (P7, M15, 個人情報保護法37条3項, 令13条)")]
    AuthorityInsufficient {
        /// Why, bilingual.
        reason: &'static str,
    },
    /// An authority check on a request made by the principal.
    #[error(
        "authority: 本人による請求には代理権の確認は不要です / the principal made this request: no authority to check (P7)"
    )]
    NotAnAgentRequest,
    /// The identity was already verified.
    #[error("identity: 本人確認は記録済みです / identity is already recorded (P7)")]
    AlreadyVerified,
    /// A command about a kind the request does not carry.
    #[error(
        "kind: この請求には「{kind}」が含まれていません / the request does not carry {kind} (P7)"
    )]
    KindNotRequested {
        /// The kind.
        kind: RequestKind,
    },
    /// A decision of the wrong shape for the kind.
    #[error(
        "decision: 「{kind}」にはこの決定を使えません / this decision does not fit {kind} (P7)"
    )]
    WrongDecisionForKind {
        /// The kind.
        kind: RequestKind,
    },
    /// The kind is already decided.
    #[error("decision: 「{kind}」は決定済みです / {kind} is already decided (P7)")]
    AlreadyDecided {
        /// The kind.
        kind: RequestKind,
    },
    /// A ground that does not apply to the kind or the data.
    #[error("grounds: {reason} (P7, M15, 個人情報保護法35条, 番号法30条2項)")]
    GroundNotApplicable {
        /// Why, bilingual.
        reason: &'static str,
    },
    /// Evidence asked for a ground that needs none.
    #[error(
        "evidence: この理由（{ground}）には証明資料を求められません / this ground needs no evidence from the person (P7, M15, 個人情報保護法35条5項, 37条4項)"
    )]
    EvidenceNotNeeded {
        /// The ground, in Japanese.
        ground: &'static str,
    },
    /// Not correcting because no evidence was supplied.
    #[error(
        "decision: 資料が提出されないことだけを理由に訂正等を拒めません。調査の義務は事業者にあります / lack of evidence alone is not a ground to refuse a correction: the organisation must investigate (P7, M15, 個人情報保護法34条2項, doc 003 40条1項2号)"
    )]
    LackOfEvidenceIsNoGround,
    /// The actor's role may not do this step.
    #[error(
        "{step}: この役割（{role}）では行えません / the role {role} may not do this step ({rule})"
    )]
    RoleNotAllowed {
        /// The step.
        step: &'static str,
        /// The role, in Japanese.
        role: &'static str,
        /// The rule.
        rule: &'static str,
    },
    /// The actor belongs to another organisation.
    #[error(
        "actor: 他の事業者の職員です / the staff member belongs to another organisation (P10, M13)"
    )]
    WrongOrganisation,
    /// Correction work by someone other than the named clerk.
    #[error(
        "correction: 訂正等の作業は事務取扱責任者が特定した担当者だけが行えます / only the clerk named by the manager may do the correction work (M15, doc 003 40条2項1号)"
    )]
    NotTheNamedClerk,
    /// A correction step out of order.
    #[error("correction.{kind}: {reason} (M15, doc 003 40条2項)")]
    CorrectionOutOfOrder {
        /// The kind.
        kind: RequestKind,
        /// Why, bilingual.
        reason: &'static str,
    },
    /// The manager confirmed his or her own correction work.
    #[error(
        "correction: 作業した担当者以外の責任者が確認してください / the manager who confirms must not be the clerk who did the work (M15, doc 003 40条2項2号)"
    )]
    SelfConfirmation,
    /// Answer before every kind is decided.
    #[error("respond: 「{kind}」が未決定です / {kind} is not decided yet (P7)")]
    Undecided {
        /// The kind.
        kind: RequestKind,
    },
    /// Answer by a method the requester did not choose, without the fallback notice.
    #[error(
        "respond.method: 請求者が選んだ方法で回答してください。電磁的方法が困難な場合は書面で回答し、その旨を通知します / answer by the chosen method; if electronic delivery is difficult, answer in writing and say so (P7, 個人情報保護法33条1項・3項)"
    )]
    NotTheChosenMethod,
    /// Waiting-for-documents commands out of order.
    #[error("status: {reason} (P7)")]
    WrongStatus {
        /// Why, bilingual.
        reason: &'static str,
    },
    /// The request is closed (answered or withdrawn).
    #[error("status: この請求は完了しています / the request is closed (P7)")]
    Closed,
    /// A date before the receipt or in the future.
    #[error(
        "{field}: 受付日は今日以前の日付にしてください / the receipt date must not be in the future (P7)"
    )]
    ReceivedInFuture {
        /// The field.
        field: &'static str,
    },
}

/// The crate's result type.
pub type Result<T, E = RequestError> = std::result::Result<T, E>;
