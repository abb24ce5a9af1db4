//! The optional TOTP second factor (RFC 6238, M13) on `totp-rs`: HMAC-SHA-1, 6 digits,
//! 30-second steps, ±1 step of skew, checked at an explicit Unix time (never the system
//! clock), and a code is accepted once: a step at or before the last accepted one is
//! refused as a replay (RFC 6238 §5.2).
//!
//! Secrets are 20 random bytes (160 bits, RFC 4226 §4) from the [`Entropy`] port, or any
//! length from 16 bytes up (the application layer `hogo` uses 32).
//!
//! At rest an account carries a [`TotpFactor`]: a storage adapter persists only the
//! [`TotpFactor::Sealed`] form (bytes sealed by the application layer, opaque to this crate)
//! and refuses the [`TotpFactor::Open`] one ([`StaffAccount::totp_at_rest`]), so no store can
//! write a second factor in clear (P10, M13 encryption at rest).
//!
//! [`StaffAccount::totp_at_rest`]: crate::StaffAccount::totp_at_rest

use hogo_domain::Entropy;
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use totp_rs::{Algorithm, Builder, Totp};

use crate::error::AuthError;

/// The number of digits of a code.
pub const TOTP_DIGITS: u8 = 6;
/// The step length in seconds.
pub const TOTP_STEP_SECS: u64 = 30;
/// The accepted skew in steps, each side.
pub const TOTP_SKEW_STEPS: u16 = 1;

/// A TOTP shared secret. `Debug` is redacted; the bytes are zeroed on drop.
#[derive(Clone)]
pub struct TotpSecret(SecretSlice<u8>);

impl TotpSecret {
    /// Length of a generated secret in bytes.
    pub const LEN: usize = 20;
    /// The shortest secret accepted (RFC 4226: at least 128 bits).
    pub const MIN_LEN: usize = 16;

    /// A new random secret from `entropy`.
    pub fn generate(entropy: &dyn Entropy) -> Self {
        let mut bytes = vec![0u8; Self::LEN];
        entropy.fill(&mut bytes);
        Self(SecretSlice::from(bytes))
    }

    /// A secret read back by a storage adapter (after decrypting it).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, AuthError> {
        if bytes.len() < Self::MIN_LEN {
            return Err(AuthError::Crypto { what: "totp secret too short" });
        }
        Ok(Self(SecretSlice::from(bytes)))
    }

    /// A secret typed in base32 (RFC 4648, padding optional), as an authenticator app
    /// holds it (for tests and for checking a code by hand).
    pub fn from_base32(text: &str) -> Result<Self, AuthError> {
        let secret = totp_rs::Secret::try_from_base32(text.trim().to_ascii_uppercase())
            .map_err(|_| AuthError::Crypto { what: "totp secret not base32" })?;
        Self::from_bytes(secret.as_bytes().to_vec())
    }

    /// The raw bytes, for the application layer to seal.
    pub fn expose_bytes(&self) -> &[u8] {
        self.0.expose_secret()
    }

    /// The secret in base32 (RFC 4648, no padding), to show once to the staff member for
    /// their authenticator app.
    pub fn to_base32(&self) -> SecretString {
        SecretString::from(self.totp_or_none().map(|t| t.secret().to_base32()).unwrap_or_default())
    }

    fn totp_or_none(&self) -> Option<Totp> {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(TOTP_DIGITS)
            .with_skew(TOTP_SKEW_STEPS)
            .with_step_duration(TOTP_STEP_SECS)
            .with_secret(self.expose_bytes())
            .build()
            .ok()
    }

    fn totp(&self) -> Result<Totp, AuthError> {
        self.totp_or_none().ok_or(AuthError::Crypto { what: "totp setup" })
    }

    /// The code for Unix time `unix_secs` (for tests and enrolment screens).
    pub fn code_at(&self, unix_secs: u64) -> Result<String, AuthError> {
        Ok(self.totp()?.generate(unix_secs).to_string())
    }

    /// Checks `code` at Unix time `unix_secs` (±1 step) and returns the matched step.
    /// A step at or before `last_accepted_step` is refused as a replay.
    pub fn check(
        &self,
        code: &str,
        unix_secs: u64,
        last_accepted_step: Option<u64>,
    ) -> Result<u64, AuthError> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let step = self.totp()?.check(&code, unix_secs).ok_or(AuthError::TotpInvalid)?;
        if last_accepted_step.is_some_and(|last| step <= last) {
            return Err(AuthError::TotpReplayed);
        }
        Ok(step)
    }
}

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

impl PartialEq for TotpSecret {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.expose_bytes().ct_eq(other.expose_bytes()).into()
    }
}

impl Eq for TotpSecret {}

/// A TOTP secret sealed by the application layer (e.g. wrapped by the root key): opaque
/// bytes, the only form of a second factor a storage adapter writes. `Debug` shows the
/// length only.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedTotp(Vec<u8>);

impl SealedTotp {
    /// Sealed bytes, as made by the sealer or read back by a storage adapter.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The sealed bytes, for the storage adapter to write.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SealedTotp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedTotp({} bytes)", self.0.len())
    }
}

/// An enrolled TOTP second factor as an account carries it (P10, M13).
///
/// The service functions of this crate check codes only against [`TotpFactor::Open`]; a
/// [`TotpFactor::Sealed`] factor that reaches them (its sealer could not open it) refuses
/// every code: it fails closed. Storage adapters write only [`TotpFactor::Sealed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TotpFactor {
    /// The secret, in memory only: between the application layer's opening it after a
    /// read and its sealing it before a write.
    Open(TotpSecret),
    /// The secret sealed for storage.
    Sealed(SealedTotp),
}

impl TotpFactor {
    /// The secret when the factor is open, else [`AuthError::Crypto`] (fail closed).
    pub fn secret(&self) -> Result<&TotpSecret, AuthError> {
        match self {
            Self::Open(secret) => Ok(secret),
            Self::Sealed(_) => Err(AuthError::Crypto { what: "totp secret sealed" }),
        }
    }
}

#[cfg(test)]
mod tests {
    use hogo_domain::testkit::SeededEntropy;

    use super::*;

    /// RFC 6238 Appendix B test vector (SHA-1, 8 digits truncated to our 6): the secret
    /// "12345678901234567890" at T = 59 gives 94287082, whose last 6 digits are 287082.
    #[test]
    fn rfc6238_test_vector_sha1() {
        let s = TotpSecret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
        assert_eq!(s.code_at(59).unwrap(), "287082");
        assert_eq!(s.code_at(1_111_111_109).unwrap(), "081804");
    }

    /// M13: a code is accepted within ±1 step and refused two steps away.
    #[test]
    fn skew_is_one_step_each_side() {
        let s = TotpSecret::generate(&SeededEntropy::new(9));
        let t = 1_700_000_000;
        let code = s.code_at(t).unwrap();
        assert_eq!(s.check(&code, t + 30, None), Ok(t / 30));
        assert_eq!(s.check(&code, t - 30, None), Ok(t / 30));
        assert_eq!(s.check(&code, t + 60, None), Err(AuthError::TotpInvalid));
        assert_eq!(s.check("12345", t, None), Err(AuthError::TotpInvalid));
        assert_eq!(s.check("abcdef", t, None), Err(AuthError::TotpInvalid));
    }

    /// M13: a code of an already accepted step is refused as a replay (RFC 6238 §5.2).
    #[test]
    fn replay_of_accepted_step_is_refused() {
        let s = TotpSecret::generate(&SeededEntropy::new(10));
        let t = 1_700_000_000;
        let code = s.code_at(t).unwrap();
        let step = s.check(&code, t, None).unwrap();
        assert_eq!(s.check(&code, t + 1, Some(step)), Err(AuthError::TotpReplayed));
        let next = s.code_at(t + 30).unwrap();
        assert_eq!(s.check(&next, t + 30, Some(step)), Ok(step + 1));
    }

    /// M13: a factor that is still sealed refuses every code (fails closed) and shows only
    /// its length in `Debug`.
    #[test]
    fn sealed_factor_fails_closed() {
        let sealed = TotpFactor::Sealed(SealedTotp::from_bytes(vec![7; 64]));
        assert_eq!(sealed.secret().unwrap_err(), AuthError::Crypto { what: "totp secret sealed" });
        assert_eq!(format!("{sealed:?}"), "Sealed(SealedTotp(64 bytes))");
        let open = TotpFactor::Open(TotpSecret::from_bytes(vec![1; 20]).unwrap());
        assert!(open.secret().is_ok());
        assert!(!format!("{open:?}").contains("[1"));
    }

    /// M13: the secret never shows in `Debug`; short secrets are refused.
    #[test]
    fn secret_is_redacted_and_long_enough() {
        let s = TotpSecret::from_bytes(b"ABCDEFGHIJKLMNOPQRST".to_vec()).unwrap();
        assert!(!format!("{s:?}").contains("ABCD"));
        assert_eq!(
            TotpSecret::from_bytes(vec![1; 15]).unwrap_err(),
            AuthError::Crypto { what: "totp secret too short" }
        );
        assert_eq!(s.to_base32().expose_secret().len(), 32);
        assert_eq!(TotpSecret::from_base32(s.to_base32().expose_secret()).unwrap(), s);
        assert!(TotpSecret::from_base32("not base32!").is_err());
    }
}
