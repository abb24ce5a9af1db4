//! Sessions (P10, M13): a random 32-byte token shown once to the client, of which only the
//! SHA-256 hash is stored, with the account, organisation and role it resolved to, the
//! idle and absolute expiry, and a client label.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hogo_domain::{Actor, AffairSet, Entropy, OrganisationId, Role, StaffId};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::AuthError;

/// A session token as the client holds it: 32 random bytes, base64url without padding
/// (43 characters). Shown once at sign-in; never stored, logged or printed by `Debug`.
#[derive(Clone)]
pub struct SessionToken(SecretString);

impl SessionToken {
    /// Bytes of randomness in a token.
    pub const BYTES: usize = 32;

    /// A fresh token from `entropy`.
    pub fn generate(entropy: &dyn Entropy) -> Self {
        let mut raw = Zeroizing::new([0u8; Self::BYTES]);
        entropy.fill(raw.as_mut());
        Self(SecretString::from(URL_SAFE_NO_PAD.encode(raw.as_ref())))
    }

    /// A token presented by a client (not checked here: an unknown or malformed token
    /// resolves to [`AuthError::UnknownSession`]).
    pub fn presented(token: SecretString) -> Self {
        Self(token)
    }

    /// The token text, to hand to the client once.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The hash stored for this token, or `None` when the text is not a well-formed token.
    pub fn hash(&self) -> Option<TokenHash> {
        let raw = Zeroizing::new(URL_SAFE_NO_PAD.decode(self.0.expose_secret().trim()).ok()?);
        if raw.len() != Self::BYTES {
            return None;
        }
        Some(TokenHash(Sha256::digest(raw.as_slice()).into()))
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// The SHA-256 of a session token's 32 bytes: the key sessions are stored under.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// Wraps stored bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The bytes, for storage.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TokenHash({:02x}{:02x}{:02x}{:02x}…)",
            self.0[0], self.0[1], self.0[2], self.0[3]
        )
    }
}

/// A label of the client that signed in (e.g. `"hogo-cli 0.1 on pc-12"`): at most 200
/// characters, no control characters. Recorded in sessions and sign-in events.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientLabel(String);

impl ClientLabel {
    /// The longest label accepted, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Validates a label (trimmed; may be empty).
    pub fn parse(raw: &str) -> Result<Self, AuthError> {
        let s = raw.trim();
        if s.chars().count() > Self::MAX_CHARS || s.chars().any(char::is_control) {
            return Err(AuthError::InvalidInput {
                field: "client",
                reason: "200文字以内・制御文字なし / at most 200 characters, no control characters",
            });
        }
        Ok(Self(s.to_owned()))
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionScope {
    /// Everything the role allows: `resolve` returns an [`Actor`].
    Full,
    /// Only [`change_password`](crate::change_password) (after an administrator's reset).
    PasswordChangeOnly,
    /// Only [`enrol_totp`](crate::enrol_totp) (the organisation requires TOTP for the role
    /// and none is enrolled).
    TotpEnrolmentOnly,
}

/// Why a session was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevocationReason {
    /// The staff member signed out.
    SignedOut,
    /// An administrator revoked the account's sessions.
    ByAdministrator,
    /// The password was changed or a second factor enrolled: sign in again.
    CredentialsChanged,
    /// An administrator reset the password.
    PasswordReset,
    /// The account's role or membership in the organisation changed.
    MembershipChanged,
    /// The account was disabled.
    AccountDisabled,
}

/// Session lifetimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused for this long expires (default 30 minutes).
    pub idle: Duration,
    /// A session expires this long after sign-in, used or not (default 12 hours).
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle: Duration::minutes(30), absolute: Duration::hours(12) }
    }
}

/// A stored session (keyed by [`TokenHash`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The SHA-256 of the token.
    pub token_hash: TokenHash,
    /// The account.
    pub account: StaffId,
    /// The organisation the session was opened for.
    pub organisation: OrganisationId,
    /// The role resolved at sign-in.
    pub role: Role,
    /// The contracted affairs resolved at sign-in (contractors only).
    pub contracted_affairs: AffairSet,
    /// What the session may do.
    pub scope: SessionScope,
    /// The client label.
    pub client: ClientLabel,
    /// Sign-in time.
    pub created_at: DateTime<Utc>,
    /// The last time the session was resolved.
    pub last_seen_at: DateTime<Utc>,
    /// Expires when unused until then (moved forward on each use, never past the absolute expiry).
    pub idle_expires_at: DateTime<Utc>,
    /// Expires then, whatever the use.
    pub absolute_expires_at: DateTime<Utc>,
    /// When and why the session was revoked.
    pub revoked: Option<(DateTime<Utc>, RevocationReason)>,
}

impl Session {
    /// The actor the session acts as.
    pub fn actor(&self) -> Actor {
        if self.role == Role::Contractor {
            Actor::contractor(self.account, self.organisation, self.contracted_affairs)
        } else {
            Actor::new(self.account, self.organisation, self.role)
        }
    }

    /// Checks revocation, then absolute and idle expiry, at `now`.
    pub fn check_live(&self, now: DateTime<Utc>) -> Result<(), AuthError> {
        if self.revoked.is_some() {
            return Err(AuthError::SessionRevoked);
        }
        if now >= self.absolute_expires_at {
            return Err(AuthError::SessionExpiredAbsolute);
        }
        if now >= self.idle_expires_at {
            return Err(AuthError::SessionExpiredIdle);
        }
        Ok(())
    }

    /// Whether the session is live at `now` (not revoked, not expired).
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.check_live(now).is_ok()
    }

    /// Marks the session used at `now`: moves the idle expiry forward (capped at the
    /// absolute expiry).
    pub fn touch(&mut self, now: DateTime<Utc>, policy: &SessionPolicy) {
        self.last_seen_at = now;
        self.idle_expires_at = (now + policy.idle).min(self.absolute_expires_at);
    }
}

#[cfg(test)]
mod tests {
    use hogo_domain::testkit::SeededEntropy;

    use super::*;

    /// P10: a token is 32 random bytes in base64url, hashes to a stable key, and is redacted
    /// in `Debug`.
    #[test]
    fn token_round_trips_to_its_hash_and_is_redacted() {
        let t = SessionToken::generate(&SeededEntropy::new(5));
        assert_eq!(t.expose().len(), 43);
        let again = SessionToken::presented(SecretString::from(t.expose().to_owned()));
        assert_eq!(t.hash(), again.hash());
        assert!(t.hash().is_some());
        assert!(!format!("{t:?}").contains(t.expose()));
    }

    /// P10: malformed tokens have no hash (they resolve as unknown sessions).
    #[test]
    fn malformed_tokens_have_no_hash() {
        for bad in ["", "not base64!", "AAAA"] {
            assert_eq!(SessionToken::presented(SecretString::from(bad)).hash(), None);
        }
    }

    /// P10: client labels refuse control characters and overlong text.
    #[test]
    fn client_labels_are_validated() {
        assert!(ClientLabel::parse("hogo-cli on pc-12").is_ok());
        assert!(ClientLabel::parse("a\nb").is_err());
        assert!(ClientLabel::parse(&"x".repeat(201)).is_err());
    }

    /// M13: session defaults are 30 minutes idle and 12 hours absolute.
    #[test]
    fn default_session_lifetimes() {
        let p = SessionPolicy::default();
        assert_eq!(p.idle, Duration::minutes(30));
        assert_eq!(p.absolute, Duration::hours(12));
    }
}
