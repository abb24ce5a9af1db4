//! The crate's one error type, [`AuthError`], and the storage port's [`StoreError`].
//!
//! Every message is bilingual (日本語 / English) and names its rule (P10, M13, M14, M5).
//! No message carries a password, a TOTP secret or code, a session token or a login name
//! that was typed but not found.

use chrono::{DateTime, Utc};
use hogo_domain::{OrganisationId, Role, RuleId, StaffId};

/// Why a sign-in, a session or a management function was refused, or what failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Unknown login name or wrong password (one error for both, so that a caller cannot
    /// probe which login names exist).
    #[error("P10/M13: ログイン名またはパスワードが違います / wrong login name or password")]
    InvalidCredentials,
    /// Too many consecutive failures: the account is locked until the given instant.
    #[error(
        "M13: 連続した認証失敗のためアカウントがロックされています ({until} まで) / account locked after repeated failures until {until}"
    )]
    AccountLocked {
        /// When the lock is released.
        until: DateTime<Utc>,
    },
    /// The account was disabled by an administrator.
    #[error("P10/M13: アカウントは無効化されています / the account is disabled")]
    AccountDisabled,
    /// The account holds no role in the organisation asked for.
    #[error(
        "P10/M13: この事業者での権限がありません ({organisation}) / the account has no role in organisation {organisation}"
    )]
    NotAMember {
        /// The organisation asked for.
        organisation: OrganisationId,
    },
    /// The account has a second factor (or the organisation requires one) and no code was given.
    #[error("M13: ワンタイムパスワード (TOTP) が必要です / a one-time code (TOTP) is required")]
    TotpRequired,
    /// The organisation requires TOTP for this role and the account has not enrolled one:
    /// the session may only enrol a second factor.
    #[error(
        "M13: この役割には二要素認証の登録が必要です / this role requires enrolling a second factor (TOTP) first"
    )]
    TotpEnrolmentRequired,
    /// The one-time code is wrong (or malformed, or outside the ±1 step window).
    #[error("M13: ワンタイムパスワードが違います / wrong one-time code")]
    TotpInvalid,
    /// The one-time code was already accepted once (RFC 6238 §5.2: a code is used once).
    #[error("M13: このワンタイムパスワードは使用済みです / this one-time code was already used")]
    TotpReplayed,
    /// A second factor is already enrolled; an administrator must reset it first.
    #[error(
        "M13: 二要素認証は登録済みです (管理者によるリセットが必要) / a second factor is already enrolled (an administrator must reset it)"
    )]
    TotpAlreadyEnrolled,
    /// The session token is unknown (never issued, malformed, or of another database).
    #[error("P10/M13: セッションが見つかりません / unknown session")]
    UnknownSession,
    /// The session was idle for longer than the idle timeout.
    #[error(
        "P10/M13: 無操作のためセッションの有効期限が切れました / session expired after inactivity"
    )]
    SessionExpiredIdle,
    /// The session is older than its absolute lifetime.
    #[error(
        "P10/M13: セッションの最長有効期間が過ぎました / session reached its absolute lifetime"
    )]
    SessionExpiredAbsolute,
    /// The session was signed out or revoked.
    #[error("P10/M13: セッションは失効しています / the session was revoked")]
    SessionRevoked,
    /// The session was issued for another organisation.
    #[error("P10/M13: 別の事業者のセッションです / the session belongs to another organisation")]
    WrongOrganisation,
    /// The session may only change the password (after a reset by an administrator).
    #[error(
        "P10/M13: パスワードの変更が必要です / the password must be changed before anything else"
    )]
    PasswordChangeRequired,
    /// A management function (accounts, roles, memberships, passwords, sessions) was called
    /// by an actor who is not the organisation's administrator.
    #[error(
        "P10/M13: この操作はシステム管理者のみが行えます (現在の役割: {role}) / only an administrator may do this (role: {})",
        role.id()
    )]
    NotAdministrator {
        /// The role the actor holds.
        role: Role,
    },
    /// An administrator tried to manage their own account (separation of duties).
    #[error(
        "P10/M13: 管理者は自分自身の権限・パスワードを変更できません / an administrator cannot manage their own account"
    )]
    SelfManagement,
    /// The target account does not exist.
    #[error("P10: アカウントが見つかりません ({account}) / unknown account {account}")]
    UnknownAccount {
        /// The account asked for.
        account: StaffId,
    },
    /// The target account holds no role in the administrator's organisation.
    #[error(
        "P10: このアカウントは当該事業者に所属していません ({account}) / account {account} has no role in this organisation"
    )]
    NotInOrganisation {
        /// The account asked for.
        account: StaffId,
    },
    /// The target account was created by another organisation: only that organisation's
    /// administrator may change its credentials or disable it.
    #[error(
        "P10: このアカウントの認証情報は作成元の事業者の管理者のみが変更できます ({account}) / only the administrator of the organisation that created account {account} may change its credentials"
    )]
    ForeignAccount {
        /// The account asked for.
        account: StaffId,
    },
    /// A contractor membership without contracted affairs (M14: limited to the contract).
    #[error(
        "M14: 委託先担当者には委託契約の事務を1つ以上指定してください / a contractor needs at least one contracted affair"
    )]
    ContractorWithoutAffairs,
    /// The login name is already taken.
    #[error("P10: このログイン名は既に使われています / the login name is already taken")]
    LoginNameTaken,
    /// `bootstrap` was called for an organisation that already has members.
    #[error(
        "P10: この事業者は初期化済みです ({organisation}) / organisation {organisation} is already initialised"
    )]
    AlreadyInitialised {
        /// The organisation.
        organisation: OrganisationId,
    },
    /// The new password is shorter than the policy's minimum.
    #[error(
        "M13: パスワードは{min}文字以上にしてください / the password must have at least {min} characters"
    )]
    PasswordTooShort {
        /// The minimum number of characters.
        min: usize,
    },
    /// The new password is longer than the policy's maximum (bounded hashing work).
    #[error(
        "M13: パスワードは{max}バイト以下にしてください / the password must have at most {max} bytes"
    )]
    PasswordTooLong {
        /// The maximum number of bytes.
        max: usize,
    },
    /// The new password equals the login name.
    #[error(
        "M13: パスワードをログイン名と同じにはできません / the password must differ from the login name"
    )]
    PasswordEqualsLoginName,
    /// The new password equals the current one.
    #[error(
        "M13: 新しいパスワードが現在のものと同じです / the new password equals the current one"
    )]
    PasswordUnchanged,
    /// A field failed validation.
    #[error("P10: {field} が不正です: {reason} / invalid {field}: {reason}")]
    InvalidInput {
        /// Which field.
        field: &'static str,
        /// What is wrong (never the value itself).
        reason: &'static str,
    },
    /// Hashing or TOTP setup failed (bad parameters or a corrupt stored hash).
    #[error("M13: 認証情報の処理に失敗しました ({what}) / credential processing failed ({what})")]
    Crypto {
        /// What failed.
        what: &'static str,
    },
    /// The storage port failed; the caller rolls the transaction back.
    #[error("P10: 認証情報の保存に失敗しました / authentication storage failed: {0}")]
    Store(#[from] StoreError),
}

impl AuthError {
    /// The rule the refusal enforces.
    pub fn rule(&self) -> RuleId {
        match self {
            Self::ContractorWithoutAffairs => RuleId::M14,
            Self::AccountLocked { .. }
            | Self::TotpRequired
            | Self::TotpEnrolmentRequired
            | Self::TotpInvalid
            | Self::TotpReplayed
            | Self::TotpAlreadyEnrolled
            | Self::PasswordTooShort { .. }
            | Self::PasswordTooLong { .. }
            | Self::PasswordEqualsLoginName
            | Self::PasswordUnchanged
            | Self::Crypto { .. } => RuleId::M13,
            _ => RuleId::P10,
        }
    }

    /// A stable, lowercase code for ledger entries and APIs (no value inside).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountLocked { .. } => "account_locked",
            Self::AccountDisabled => "account_disabled",
            Self::NotAMember { .. } => "not_a_member",
            Self::TotpRequired => "totp_required",
            Self::TotpEnrolmentRequired => "totp_enrolment_required",
            Self::TotpInvalid => "totp_invalid",
            Self::TotpReplayed => "totp_replayed",
            Self::TotpAlreadyEnrolled => "totp_already_enrolled",
            Self::UnknownSession => "unknown_session",
            Self::SessionExpiredIdle => "session_expired_idle",
            Self::SessionExpiredAbsolute => "session_expired_absolute",
            Self::SessionRevoked => "session_revoked",
            Self::WrongOrganisation => "wrong_organisation",
            Self::PasswordChangeRequired => "password_change_required",
            Self::NotAdministrator { .. } => "not_administrator",
            Self::SelfManagement => "self_management",
            Self::UnknownAccount { .. } => "unknown_account",
            Self::NotInOrganisation { .. } => "not_in_organisation",
            Self::ForeignAccount { .. } => "foreign_account",
            Self::ContractorWithoutAffairs => "contractor_without_affairs",
            Self::LoginNameTaken => "login_name_taken",
            Self::AlreadyInitialised { .. } => "already_initialised",
            Self::PasswordTooShort { .. } => "password_too_short",
            Self::PasswordTooLong { .. } => "password_too_long",
            Self::PasswordEqualsLoginName => "password_equals_login_name",
            Self::PasswordUnchanged => "password_unchanged",
            Self::InvalidInput { .. } => "invalid_input",
            Self::Crypto { .. } => "crypto",
            Self::Store(_) => "store",
        }
    }
}

/// A failure of the [`AuthStore`](crate::AuthStore) adapter.
///
/// Adapters map their driver errors into this at the seam; the message must not contain
/// a secret, a token hash or a row's contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    message: String,
    busy: bool,
}

impl StoreError {
    /// A failure that retrying will not fix (constraint violation, corrupt row, I/O).
    pub fn backend(message: impl Into<String>) -> Self {
        Self { message: message.into(), busy: false }
    }

    /// A busy or serialization failure: the caller may retry the whole transaction.
    pub fn busy(message: impl Into<String>) -> Self {
        Self { message: message.into(), busy: true }
    }

    /// Whether retrying the transaction may succeed.
    pub fn is_busy(&self) -> bool {
        self.busy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P10: the "wrong password" and "unknown login" refusals share one message that names
    /// the rule in both languages.
    #[test]
    fn invalid_credentials_message_is_bilingual_and_names_the_rule() {
        let msg = AuthError::InvalidCredentials.to_string();
        assert!(msg.contains("P10"));
        assert!(msg.contains("パスワード"));
        assert!(msg.contains("wrong login name or password"));
    }

    /// M14: a contractor without affairs cites M14; lockout cites M13.
    #[test]
    fn errors_cite_their_rules() {
        assert_eq!(AuthError::ContractorWithoutAffairs.rule(), RuleId::M14);
        assert_eq!(AuthError::TotpReplayed.rule(), RuleId::M13);
        assert_eq!(AuthError::WrongOrganisation.rule(), RuleId::P10);
        assert!(AuthError::ContractorWithoutAffairs.to_string().contains("M14"));
    }

    /// M13: a busy store error is retryable, a backend error is not.
    #[test]
    fn store_errors_say_whether_to_retry() {
        assert!(StoreError::busy("database is locked").is_busy());
        assert!(!StoreError::backend("constraint").is_busy());
    }
}
