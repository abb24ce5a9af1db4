//! Staff accounts, their memberships in organisations and the organisation's sign-in
//! policy (P10, M13, M14).
//!
//! An account ([`StaffAccount`]) is global to the database; a [`Membership`] gives it one
//! [`Role`] in one organisation (a 社労士 office's staff are contractor members of each
//! client company, limited to the contracted affairs: M14).

use chrono::{DateTime, Utc};
use hogo_domain::{Actor, AffairSet, OrganisationId, Role, StaffId};

use crate::error::AuthError;
use crate::error::StoreError;
use crate::password::PasswordHash;
use crate::totp::TotpFactor;

/// A validated login name: 3–64 characters of `a-z 0-9 . _ - @`, starting with a letter or
/// digit, stored lowercase (input is trimmed and lowercased).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LoginName(String);

impl LoginName {
    /// The shortest login name accepted.
    pub const MIN_LEN: usize = 3;
    /// The longest login name accepted.
    pub const MAX_LEN: usize = 64;

    /// Validates and normalises a login name.
    ///
    /// ```
    /// use hogo_auth::LoginName;
    /// assert_eq!(LoginName::parse(" Sato.Hanako ").unwrap().as_str(), "sato.hanako");
    /// assert!(LoginName::parse("佐藤").is_err());
    /// ```
    pub fn parse(raw: &str) -> Result<Self, AuthError> {
        let s = raw.trim().to_ascii_lowercase();
        let invalid = |reason| AuthError::InvalidInput { field: "login_name", reason };
        if s.len() < Self::MIN_LEN || s.len() > Self::MAX_LEN {
            return Err(invalid("3〜64文字 / 3 to 64 characters"));
        }
        if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b))
        {
            return Err(invalid("英小文字・数字・. _ - @ のみ / only a-z, 0-9, . _ - @"));
        }
        if !s.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric) {
            return Err(invalid("英字か数字で始めてください / must start with a letter or digit"));
        }
        Ok(Self(s))
    }

    /// The normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LoginName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A display name (氏名 or a label): 1–100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DisplayName(String);

impl DisplayName {
    /// The longest display name accepted, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Validates a display name (trimmed).
    pub fn parse(raw: &str) -> Result<Self, AuthError> {
        let s = raw.trim();
        let invalid = |reason| AuthError::InvalidInput { field: "display_name", reason };
        if s.is_empty() || s.chars().count() > Self::MAX_CHARS {
            return Err(invalid("1〜100文字 / 1 to 100 characters"));
        }
        if s.chars().any(char::is_control) {
            return Err(invalid("制御文字は使えません / no control characters"));
        }
        Ok(Self(s.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DisplayName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A staff account (one person), as the [`AuthStore`](crate::AuthStore) keeps it.
///
/// Fields are public so that storage adapters can rebuild the row; only the service
/// functions of this crate change them. `Debug` never shows the password hash's output or
/// the TOTP secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    /// The account's id.
    pub id: StaffId,
    /// The unique login name.
    pub login: LoginName,
    /// The display name.
    pub display_name: DisplayName,
    /// The organisation that created the account (by `bootstrap` or its administrator).
    /// Only that organisation's administrator may reset its password or second factor or
    /// disable it; other organisations may only grant it a role and revoke its sessions
    /// with them (so that an administrator of one client cannot take over an account that
    /// also acts for another).
    pub home_organisation: OrganisationId,
    /// The Argon2id hash of the password (PHC string).
    pub password_hash: PasswordHash,
    /// The TOTP second factor when one is enrolled. The application layer seals it before
    /// it reaches a store and opens it after reading; adapters persist only the sealed
    /// form ([`StaffAccount::totp_at_rest`]) (P10, M13).
    pub totp_secret: Option<TotpFactor>,
    /// The last accepted TOTP time step (codes of this step or older are refused: replay).
    pub last_totp_step: Option<u64>,
    /// Consecutive failed sign-ins since the last success or lock.
    pub failed_attempts: u32,
    /// While set and in the future, sign-in is refused (M13 lockout).
    pub locked_until: Option<DateTime<Utc>>,
    /// Set by an administrator's reset: the next sign-in gets a session that may only
    /// change the password.
    pub must_change_password: bool,
    /// Disabled by an administrator: no sign-in, no session resolves.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl StaffAccount {
    /// Whether the account is locked at `now`.
    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    /// Whether a second factor is enrolled.
    pub fn has_totp(&self) -> bool {
        self.totp_secret.is_some()
    }

    /// What a storage adapter writes for the second factor: nothing, or the sealed bytes.
    /// An open (clear) secret is refused with an error that names no secret, so no adapter
    /// can store a second factor in clear (P10, M13).
    pub fn totp_at_rest(&self) -> Result<Option<&[u8]>, StoreError> {
        match &self.totp_secret {
            None => Ok(None),
            Some(TotpFactor::Sealed(sealed)) => Ok(Some(sealed.as_bytes())),
            Some(TotpFactor::Open(_)) => {
                Err(StoreError::backend("refused: the TOTP secret is not sealed (M13)"))
            }
        }
    }
}

/// The role asked for in a membership: a role, and for a contractor the contracted affairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleGrant {
    /// The role.
    pub role: Role,
    /// The affairs of the 委託契約 (only for [`Role::Contractor`]; ignored otherwise).
    pub contracted_affairs: AffairSet,
}

impl RoleGrant {
    /// A role that is not a contractor.
    pub fn role(role: Role) -> Self {
        Self { role, contracted_affairs: AffairSet::EMPTY }
    }

    /// A contractor limited to `affairs` (M14).
    pub fn contractor(affairs: AffairSet) -> Self {
        Self { role: Role::Contractor, contracted_affairs: affairs }
    }

    /// Checks the grant and makes the membership: a contractor needs at least one affair
    /// (M14); other roles carry none.
    pub fn into_membership(
        self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<Membership, AuthError> {
        let contracted_affairs = if self.role == Role::Contractor {
            if self.contracted_affairs.is_empty() {
                return Err(AuthError::ContractorWithoutAffairs);
            }
            self.contracted_affairs
        } else {
            AffairSet::EMPTY
        };
        Ok(Membership { account, organisation, role: self.role, contracted_affairs })
    }
}

/// One account's role in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    /// The account.
    pub account: StaffId,
    /// The organisation.
    pub organisation: OrganisationId,
    /// The role held there.
    pub role: Role,
    /// For [`Role::Contractor`]: the contracted affairs (M14). Empty for other roles.
    pub contracted_affairs: AffairSet,
}

impl Membership {
    /// The [`Actor`] this membership acts as. A contractor carries only its contracted
    /// affairs (M14); other roles carry none.
    pub fn actor(&self) -> Actor {
        if self.role == Role::Contractor {
            Actor::contractor(self.account, self.organisation, self.contracted_affairs)
        } else {
            Actor::new(self.account, self.organisation, self.role)
        }
    }
}

/// An organisation's sign-in policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrgAuthPolicy {
    /// Sign-in into a role that [`Role::handles_numbers`] requires a TOTP second factor
    /// (M13). An account without one gets a session that may only enrol one.
    pub require_totp_for_number_roles: bool,
}

impl OrgAuthPolicy {
    /// Whether signing in as `role` needs a second factor.
    pub fn requires_totp(&self, role: Role) -> bool {
        self.require_totp_for_number_roles && role.handles_numbers()
    }
}

#[cfg(test)]
mod tests {
    use hogo_domain::Affair;
    use uuid::Uuid;

    use super::*;

    fn ids() -> (StaffId, OrganisationId) {
        (StaffId::from_uuid(Uuid::from_u128(1)), OrganisationId::from_uuid(Uuid::from_u128(2)))
    }

    /// P10: login names are normalised and validated; the error names the field, not the value.
    #[test]
    fn login_names_are_validated_without_echoing_the_value() {
        assert_eq!(LoginName::parse("Admin@Example").unwrap().as_str(), "admin@example");
        for bad in ["ab", ".dot", "with space", "とても", &"x".repeat(65)] {
            let err = LoginName::parse(bad).unwrap_err();
            assert!(matches!(err, AuthError::InvalidInput { field: "login_name", .. }));
            assert!(!err.to_string().contains(bad));
        }
    }

    /// P10: display names take Japanese text but no control characters.
    #[test]
    fn display_names_accept_japanese_and_refuse_control_characters() {
        assert_eq!(DisplayName::parse(" 佐藤 花子 ").unwrap().as_str(), "佐藤 花子");
        assert!(DisplayName::parse("").is_err());
        assert!(DisplayName::parse("a\u{7}b").is_err());
    }

    /// M14: a contractor membership needs contracted affairs and its actor carries exactly them.
    #[test]
    fn contractor_membership_carries_only_its_contracted_affairs() {
        let (staff, org) = ids();
        assert_eq!(
            RoleGrant::contractor(AffairSet::EMPTY).into_membership(staff, org),
            Err(AuthError::ContractorWithoutAffairs)
        );
        let affairs = AffairSet::EMPTY.with(Affair::WithholdingSlip);
        let m = RoleGrant::contractor(affairs).into_membership(staff, org).unwrap();
        let actor = m.actor();
        assert_eq!(actor.role, Role::Contractor);
        assert_eq!(actor.contracted_affairs, affairs);
    }

    /// M14: affairs given with a non-contractor role are dropped (only contractors carry them).
    #[test]
    fn non_contractor_roles_carry_no_affairs() {
        let (staff, org) = ids();
        let grant = RoleGrant { role: Role::NumberClerk, contracted_affairs: AffairSet::all() };
        let m = grant.into_membership(staff, org).unwrap();
        assert!(m.actor().contracted_affairs.is_empty());
    }

    /// M13: a store may write a sealed second factor, never an open (clear) one; the
    /// refusal names no secret.
    #[test]
    fn only_a_sealed_totp_secret_goes_to_rest() {
        use crate::totp::{SealedTotp, TotpSecret};
        let (staff, org) = ids();
        let mut a = StaffAccount {
            id: staff,
            login: LoginName::parse("sato").unwrap(),
            display_name: DisplayName::parse("佐藤").unwrap(),
            home_organisation: org,
            password_hash: PasswordHash::from_phc(
                "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            )
            .unwrap(),
            totp_secret: None,
            last_totp_step: None,
            failed_attempts: 0,
            locked_until: None,
            must_change_password: false,
            disabled: false,
            created_at: DateTime::UNIX_EPOCH,
        };
        assert_eq!(a.totp_at_rest(), Ok(None));
        a.totp_secret = Some(TotpFactor::Sealed(SealedTotp::from_bytes(vec![3; 40])));
        assert_eq!(a.totp_at_rest(), Ok(Some(&[3u8; 40][..])));
        a.totp_secret = Some(TotpFactor::Open(
            TotpSecret::from_bytes(b"ABCDEFGHIJKLMNOPQRST".to_vec()).unwrap(),
        ));
        let err = a.totp_at_rest().unwrap_err();
        assert!(!err.to_string().contains("ABCD"));
    }

    /// M13: the organisation policy requires TOTP only for roles that handle numbers.
    #[test]
    fn totp_policy_applies_to_number_roles_only() {
        let p = OrgAuthPolicy { require_totp_for_number_roles: true };
        for role in Role::ALL {
            assert_eq!(p.requires_totp(role), role.handles_numbers());
        }
        assert!(!OrgAuthPolicy::default().requires_totp(Role::NumberManager));
    }
}
