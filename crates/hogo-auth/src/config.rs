//! Configuration of the sign-in core: Argon2 cost, lockout, session lifetimes and the
//! password policy. [`AuthConfig::default`] is the production configuration.

use chrono::Duration;

use crate::password::{Argon2Params, PasswordPolicy};
use crate::session::SessionPolicy;

/// Lockout after repeated failures (M13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Consecutive failed sign-ins (wrong password or wrong/replayed TOTP code) that lock
    /// the account (default 5).
    pub threshold: u32,
    /// How long the lock lasts (default 15 minutes); the account unlocks by itself after it.
    pub duration: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self { threshold: 5, duration: Duration::minutes(15) }
    }
}

/// Everything the service functions are configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuthConfig {
    /// Cost of new password hashes ([`Argon2Params::PRODUCTION`] by default).
    pub argon2: Argon2Params,
    /// Lockout after failures.
    pub lockout: LockoutPolicy,
    /// Session lifetimes.
    pub sessions: SessionPolicy,
    /// Minimum password policy.
    pub password: PasswordPolicy,
}

impl AuthConfig {
    /// The production configuration with the cheapest Argon2 parameters: **insecure**, for
    /// tests only.
    #[cfg(any(test, feature = "testkit"))]
    pub fn insecure_for_tests() -> Self {
        Self { argon2: Argon2Params::INSECURE_FOR_TESTS, ..Self::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// M13: the production defaults are those the docs state: Argon2id m=19 MiB t=2 p=1,
    /// lockout after 5 failures for 15 minutes, sessions 30 min idle / 12 h absolute,
    /// passwords of at least 12 characters.
    #[test]
    fn production_defaults_are_as_documented() {
        let c = AuthConfig::default();
        assert_eq!(c.argon2, Argon2Params { m_cost_kib: 19 * 1024, t_cost: 2, p_cost: 1 });
        assert_eq!(c.lockout, LockoutPolicy { threshold: 5, duration: Duration::minutes(15) });
        assert_eq!(c.sessions.idle, Duration::minutes(30));
        assert_eq!(c.sessions.absolute, Duration::hours(12));
        assert_eq!(c.password.min_chars, 12);
        assert_ne!(AuthConfig::insecure_for_tests().argon2, c.argon2);
    }
}
