//! # hogo-auth
//!
//! The pure core of sign-in for hogo (doc 000 §10 **P10**, doc 003 Art. 30–31 **M13**,
//! contractors **M14**, system-use records **M5 ⑥**): staff accounts and their memberships
//! in organisations, Argon2id passwords, an optional TOTP second factor, lockout, and
//! sessions that resolve to the [`hogo_domain::Actor`] every use case takes.
//!
//! No I/O, clock or OS randomness: the current instant comes in as `now`, randomness
//! (salts, tokens, TOTP secrets) through the [`Entropy`](hogo_domain::Entropy) port, and
//! storage through the [`AuthStore`] port, which the application layer borrows from one
//! storage transaction. Every service function returns the [`AuthEvent`]s to append to the
//! ledger in that transaction, or an [`AuthFailure`] that says whether its writes (a failed
//! sign-in's counter) must still be committed.
//!
//! | | production default |
//! |---|---|
//! | password hash | Argon2id v0x13, m = 19 MiB (19 456 KiB), t = 2, p = 1, 16-byte salt |
//! | password policy | ≥ 12 characters, ≤ 1024 bytes, not the login name |
//! | lockout | 5 consecutive failures → locked 15 minutes |
//! | TOTP | RFC 6238, HMAC-SHA-1, 6 digits, 30 s, ±1 step, each step accepted once |
//! | session token | 32 random bytes, base64url, only SHA-256 stored |
//! | session lifetime | 30 minutes idle, 12 hours absolute |
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use hogo_auth::testkit::MemoryAuthStore;
//! use hogo_auth::{
//!     AccountSpec, AuthConfig, AuthError, BootstrapRequest, ClientLabel, OrgAuthPolicy,
//!     SignInRequest, bootstrap, resolve, sign_in,
//! };
//! use hogo_domain::testkit::{SeededEntropy, SequentialIds};
//! use hogo_domain::{OrganisationId, Role};
//! use secrecy::SecretString;
//! use uuid::Uuid;
//!
//! let config = AuthConfig::insecure_for_tests(); // production: AuthConfig::default()
//! let (entropy, ids) = (SeededEntropy::new(1), SequentialIds::new());
//! let now = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
//! let org = OrganisationId::from_uuid(Uuid::from_u128(7));
//! let mut store = MemoryAuthStore::new();
//! let password = SecretString::from("manager passphrase 1");
//!
//! // `init`: the first account becomes the organisation's 事務取扱責任者.
//! let init = bootstrap(
//!     &mut store,
//!     &config,
//!     BootstrapRequest {
//!         organisation: org,
//!         manager: AccountSpec { login: "sato", display_name: "佐藤 花子", password: &password },
//!         administrator: None,
//!         policy: OrgAuthPolicy::default(),
//!     },
//!     &ids,
//!     &entropy,
//!     now,
//! )
//! .unwrap();
//!
//! let signed_in = sign_in(
//!     &mut store,
//!     &config,
//!     SignInRequest {
//!         organisation: org,
//!         login: "sato",
//!         password: &password,
//!         totp_code: None,
//!         client: ClientLabel::parse("doc example").unwrap(),
//!     },
//!     &entropy,
//!     now,
//! )
//! .unwrap();
//! assert_eq!(signed_in.events.len(), 1); // for the ledger (M5 ⑥)
//! let token = signed_in.value.token; // shown to the client once
//!
//! let actor = resolve(&mut store, &config, &token, org, now).unwrap().value;
//! assert_eq!((actor.staff, actor.role), (init.value.manager, Role::NumberManager));
//!
//! let other_org = OrganisationId::from_uuid(Uuid::from_u128(8));
//! let refused = resolve(&mut store, &config, &token, other_org, now).unwrap_err();
//! assert_eq!(refused.error, AuthError::WrongOrganisation);
//! ```

pub mod account;
pub mod admin;
pub mod config;
pub mod error;
pub mod event;
pub mod password;
pub mod service;
pub mod session;
pub mod store;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod totp;

pub use account::{DisplayName, LoginName, Membership, OrgAuthPolicy, RoleGrant, StaffAccount};
pub use admin::{
    create_account, grant_membership, remove_membership, reset_password, reset_totp,
    revoke_sessions, set_account_disabled, set_org_policy,
};
pub use config::{AuthConfig, LockoutPolicy};
pub use error::{AuthError, StoreError};
pub use event::{
    AuthEvent, AuthEventKind, AuthFailure, AuthOutcome, AuthResult, EventOutcome, ManagementOp,
};
pub use password::{Argon2Params, PasswordHash, PasswordPolicy};
pub use service::{
    AccountSpec, BootstrapRequest, Bootstrapped, ChangePasswordRequest, EnrolTotpRequest,
    SignInRequest, SignedIn, bootstrap, change_password, enrol_totp, resolve,
    resolve_for_totp_enrolment, sign_in, sign_out,
};
pub use session::{
    ClientLabel, RevocationReason, Session, SessionPolicy, SessionScope, SessionToken, TokenHash,
};
pub use store::AuthStore;
pub use totp::{SealedTotp, TotpFactor, TotpSecret};
