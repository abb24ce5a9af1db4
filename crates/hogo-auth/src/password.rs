//! Argon2id password hashing and the password policy (M13).
//!
//! Production parameters ([`Argon2Params::PRODUCTION`]): **Argon2id, version 0x13,
//! m = 19 456 KiB (19 MiB), t = 2, p = 1, 16-byte salt, 32-byte output** — the OWASP
//! recommendation and the `argon2` crate's defaults. Salts come from the
//! [`Entropy`] port. Verification recomputes the hash with the parameters stored in the
//! PHC string and compares the outputs in constant time (the `argon2`/`phc` crates'
//! `Output` equality), so hashes made with older or test parameters keep verifying.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use hogo_domain::Entropy;
use secrecy::{ExposeSecret, SecretString};

use crate::account::LoginName;
use crate::error::AuthError;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Iterations.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl Argon2Params {
    /// The production parameters: m = 19 MiB (19 456 KiB), t = 2, p = 1.
    pub const PRODUCTION: Self = Self { m_cost_kib: 19 * 1024, t_cost: 2, p_cost: 1 };

    /// The cheapest parameters Argon2 accepts (m = 8 KiB, t = 1, p = 1): **insecure**, for
    /// tests only, so that test suites that sign in many times stay fast.
    #[cfg(any(test, feature = "testkit"))]
    pub const INSECURE_FOR_TESTS: Self = Self { m_cost_kib: 8, t_cost: 1, p_cost: 1 };

    /// The salt length in bytes.
    pub const SALT_LEN: usize = 16;

    /// The output length in bytes.
    pub const OUTPUT_LEN: usize = 32;

    fn hasher(&self) -> Result<Argon2<'static>, AuthError> {
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(Self::OUTPUT_LEN))
            .map_err(|_| AuthError::Crypto { what: "argon2 parameters" })?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for Argon2Params {
    fn default() -> Self {
        Self::PRODUCTION
    }
}

/// A stored password hash: an Argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
///
/// Not a secret in itself, but an offline-guessing target: `Debug` shows only the
/// algorithm and parameters.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Accepts a stored PHC string (as read back by a storage adapter); only Argon2id
    /// hashes are accepted.
    pub fn from_phc(phc: &str) -> Result<Self, AuthError> {
        let parsed = argon2::PasswordHash::new(phc)
            .map_err(|_| AuthError::Crypto { what: "stored password hash" })?;
        if parsed.algorithm.as_str() != "argon2id" || parsed.hash.is_none() {
            return Err(AuthError::Crypto { what: "stored password hash" });
        }
        Ok(Self(phc.to_owned()))
    }

    /// The PHC string, for storage.
    pub fn as_phc(&self) -> &str {
        &self.0
    }

    /// Hashes `password` with `params` and a fresh salt from `entropy`.
    pub fn hash(
        password: &SecretString,
        params: &Argon2Params,
        entropy: &dyn Entropy,
    ) -> Result<Self, AuthError> {
        let mut salt = [0u8; Argon2Params::SALT_LEN];
        entropy.fill(&mut salt);
        Self::hash_with_salt(password, params, &salt)
    }

    fn hash_with_salt(
        password: &SecretString,
        params: &Argon2Params,
        salt: &[u8],
    ) -> Result<Self, AuthError> {
        let phc = params
            .hasher()?
            .hash_password_with_salt(password.expose_secret().as_bytes(), salt)
            .map_err(|_| AuthError::Crypto { what: "argon2 hashing" })?;
        Ok(Self(phc.to_string()))
    }

    /// Whether `password` matches, in constant time over the hash output.
    pub fn verify(&self, password: &SecretString) -> bool {
        Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), self.0.as_str())
            .is_ok()
    }

    /// The parameters the hash was made with, if readable.
    pub fn params(&self) -> Option<Argon2Params> {
        let parsed = argon2::PasswordHash::new(&self.0).ok()?;
        let p = Params::try_from(&parsed).ok()?;
        Some(Argon2Params { m_cost_kib: p.m_cost(), t_cost: p.t_cost(), p_cost: p.p_cost() })
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.params() {
            Some(p) => write!(
                f,
                "PasswordHash(argon2id m={},t={},p={}, …)",
                p.m_cost_kib, p.t_cost, p.p_cost
            ),
            None => f.write_str("PasswordHash(…)"),
        }
    }
}

/// Runs one hash computation with `params` against a fixed dummy so that an unknown login
/// name costs about as much as a wrong password (no cheap probing of which names exist).
pub(crate) fn equalise_unknown_account(password: &SecretString, params: &Argon2Params) {
    let _ = PasswordHash::hash_with_salt(password, params, b"hogo-auth-no-such-account");
}

/// The minimum password policy (M13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Minimum length in characters (default 12).
    pub min_chars: usize,
    /// Maximum length in bytes (default 1024), which bounds hashing work.
    pub max_bytes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_chars: 12, max_bytes: 1024 }
    }
}

impl PasswordPolicy {
    /// Checks a new password: at least `min_chars` characters, at most `max_bytes` bytes,
    /// and not the login name (ignoring case and surrounding spaces).
    pub fn check(&self, password: &SecretString, login: &LoginName) -> Result<(), AuthError> {
        let pw = password.expose_secret();
        if pw.chars().count() < self.min_chars {
            return Err(AuthError::PasswordTooShort { min: self.min_chars });
        }
        if pw.len() > self.max_bytes {
            return Err(AuthError::PasswordTooLong { max: self.max_bytes });
        }
        if pw.trim().eq_ignore_ascii_case(login.as_str()) {
            return Err(AuthError::PasswordEqualsLoginName);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use hogo_domain::testkit::SeededEntropy;

    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s)
    }

    /// M13: a hash verifies its own password only, and never contains the password.
    #[test]
    fn hash_verifies_only_the_right_password() {
        let e = SeededEntropy::new(1);
        let h = PasswordHash::hash(
            &secret("correct horse battery"),
            &Argon2Params::INSECURE_FOR_TESTS,
            &e,
        )
        .unwrap();
        assert!(h.as_phc().starts_with("$argon2id$v=19$m=8,t=1,p=1$"));
        assert!(h.verify(&secret("correct horse battery")));
        assert!(!h.verify(&secret("correct horse batterY")));
        assert!(!h.as_phc().contains("correct"));
        assert!(!format!("{h:?}").contains(h.as_phc()));
    }

    /// M13: two hashes of one password differ (fresh salt from Entropy each time).
    #[test]
    fn salts_come_from_entropy_and_differ() {
        let e = SeededEntropy::new(2);
        let p = Argon2Params::INSECURE_FOR_TESTS;
        let a = PasswordHash::hash(&secret("same password 1"), &p, &e).unwrap();
        let b = PasswordHash::hash(&secret("same password 1"), &p, &e).unwrap();
        assert_ne!(a, b);
    }

    /// M13: the production parameters are what the docs state (Argon2id m=19 MiB, t=2, p=1),
    /// are the default, and produce a hash that carries them.
    #[test]
    fn production_parameters_are_as_documented() {
        assert_eq!(
            Argon2Params::PRODUCTION,
            Argon2Params { m_cost_kib: 19_456, t_cost: 2, p_cost: 1 }
        );
        assert_eq!(Argon2Params::default(), Argon2Params::PRODUCTION);
        let h = PasswordHash::hash(
            &secret("production parameters"),
            &Argon2Params::PRODUCTION,
            &SeededEntropy::new(3),
        )
        .unwrap();
        assert!(h.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(h.params(), Some(Argon2Params::PRODUCTION));
    }

    /// M13: stored hashes of other algorithms or garbage are refused.
    #[test]
    fn only_argon2id_phc_strings_are_accepted() {
        assert!(PasswordHash::from_phc("plain").is_err());
        let h = PasswordHash::hash(
            &secret("round trip pass"),
            &Argon2Params::INSECURE_FOR_TESTS,
            &SeededEntropy::new(4),
        )
        .unwrap();
        assert_eq!(PasswordHash::from_phc(h.as_phc()).unwrap(), h);
        let argon2i = h.as_phc().replacen("argon2id", "argon2i", 1);
        assert!(PasswordHash::from_phc(&argon2i).is_err());
    }

    /// M13: the policy refuses short passwords, very long ones and the login name itself.
    #[test]
    fn password_policy_minimums() {
        let p = PasswordPolicy::default();
        let login = LoginName::parse("yamada.taro.01").unwrap();
        assert_eq!(p.check(&secret("short"), &login), Err(AuthError::PasswordTooShort { min: 12 }));
        assert_eq!(
            p.check(&secret(&"x".repeat(1025)), &login),
            Err(AuthError::PasswordTooLong { max: 1024 })
        );
        assert_eq!(
            p.check(&secret("Yamada.Taro.01"), &login),
            Err(AuthError::PasswordEqualsLoginName)
        );
        assert_eq!(p.check(&secret("十二文字のパスワードです！"), &login), Ok(()));
    }
}
