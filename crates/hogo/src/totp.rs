//! The TOTP second factor in the application layer (doc 000 §10 **P10**, doc 003 Art. 30–31
//! **M13**): enrolment by the staff member (start, then confirm with a current code), the
//! administrator's reset, and the sealing of every TOTP secret at rest.
//!
//! **At rest.** No store ever sees a secret in clear: `SealedStore` wraps the embedder's
//! [`Store`] inside [`Hogo`] and hands every transaction an [`AuthStore`] decorator that
//! seals the secret before `insert_account` / `update_account` reach the adapter and opens
//! it after `account` / `account_by_login`. The secret (32 random bytes, RFC 6238 §5.1
//! allows it; HMAC-SHA-1 takes a 32-byte key as is) is wrapped by the root key
//! ([`KeyProvider::wrap`], AES-256-GCM for the local providers) bound to the context
//! `hogo/v1/totp-secret/{home organisation}/{account}`: a sealed secret copied onto another
//! account does not open. The adapters persist only the sealed form and refuse a clear one
//! ([`hogo_auth::StaffAccount::totp_at_rest`]). A stored value that does not open (a clear
//! secret written by an older version — none can exist, since no enrolment path existed —
//! or a damaged one) is **refused, not migrated**: it stays sealed, every code is refused
//! (fail closed), and the administrator's [`Hogo::reset_totp`] removes it.
//!
//! **Enrolment.** [`Hogo::start_totp_enrolment`] works in the session an organisation that
//! requires TOTP gives a number role without one (`SessionScope::TotpEnrolmentOnly`) as well
//! as in a full session; it makes the secret from the `Entropy` port, keeps it sealed (under
//! `hogo/v1/totp-pending/{organisation}/{account}`) in the organisation's documents, and
//! returns it **once** as base32 and an `otpauth://` URI. The factor becomes active only when
//! [`Hogo::confirm_totp_enrolment`] gets a current code for it; an enrolment-only session is
//! then revoked and the staff member signs in with the code. A pending enrolment lasts
//! [`PENDING_TTL_MINUTES`] minutes and [`MAX_CONFIRM_ATTEMPTS`] wrong codes; every step,
//! success or refusal, is a ledger entry ([`Action::SecondFactor`]) that never holds the
//! secret.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hogo_auth::{
    AuthFailure, AuthStore, EnrolTotpRequest, LoginName, Membership, OrgAuthPolicy, SealedTotp,
    Session as AuthSession, StaffAccount, StoreError, TokenHash, TotpFactor, TotpSecret,
};
use hogo_domain::{Actor, Entropy, OrganisationId, StaffId};
use hogo_ledger::{Action, ObjectRef, Outcome};
use hogo_vault::{KeyMaterial, KeyProvider, KeyVersion, WrappedKey};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::Error;
use crate::app::{Hogo, Ports, Session, auth_entries, entry, log};
use crate::docs::Collection;
use crate::store::{Store, Tx};

/// Pending enrolments: the sealed new secret, keyed by account id (organisation-scoped).
const PENDING: Collection = Collection("totp_enrolment");

/// How long a started enrolment may be confirmed.
pub const PENDING_TTL_MINUTES: i64 = 10;
/// Wrong confirmation codes after which a started enrolment is dropped (start again).
pub const MAX_CONFIRM_ATTEMPTS: u32 = 5;
/// The issuer shown by authenticator apps.
pub const ISSUER: &str = "hogo";

/// Marks the sealed form of an account's secret: `MAGIC ‖ root key version (u32 BE) ‖
/// wrapping`.
const MAGIC: &[u8; 4] = b"HTS1";

fn secret_context(home: OrganisationId, account: StaffId) -> Vec<u8> {
    format!("hogo/v1/totp-secret/{home}/{account}").into_bytes()
}

fn pending_context(org: OrganisationId, account: StaffId) -> Vec<u8> {
    format!("hogo/v1/totp-pending/{org}/{account}").into_bytes()
}

fn store_error(e: hogo_vault::VaultError) -> StoreError {
    // The vault's errors name no key material.
    StoreError::backend(format!("totp secret: {e}"))
}

/// A new 32-byte TOTP secret from the entropy port.
fn new_secret(entropy: &dyn Entropy) -> Result<TotpSecret, Error> {
    let key = KeyMaterial::generate(entropy);
    Ok(TotpSecret::from_bytes(key.expose().to_vec())?)
}

/// The secret as key material (only 32-byte secrets are made and sealed here).
fn as_key(secret: &TotpSecret) -> Result<KeyMaterial, StoreError> {
    let bytes = secret.expose_bytes();
    let mut raw = Zeroizing::new([0u8; 32]);
    if bytes.len() != raw.len() {
        return Err(StoreError::backend("totp secret: only 32-byte secrets are sealed"));
    }
    raw.copy_from_slice(bytes);
    Ok(KeyMaterial::from_bytes(*raw))
}

fn from_key(key: &KeyMaterial) -> Result<TotpSecret, StoreError> {
    TotpSecret::from_bytes(key.expose().to_vec()).map_err(|e| StoreError::backend(e.to_string()))
}

/// Seals the open secret of `account` (no-op for none or an already sealed one).
fn seal(
    keys: &dyn KeyProvider,
    entropy: &dyn Entropy,
    account: &StaffAccount,
) -> Result<StaffAccount, StoreError> {
    let mut out = account.clone();
    if let Some(TotpFactor::Open(secret)) = &account.totp_secret {
        let ctx = secret_context(account.home_organisation, account.id);
        let wrapped = keys.wrap(&as_key(secret)?, &ctx, entropy).map_err(store_error)?;
        let mut bytes = Vec::with_capacity(8 + wrapped.bytes.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&wrapped.version.0.to_be_bytes());
        bytes.extend_from_slice(&wrapped.bytes);
        out.totp_secret = Some(TotpFactor::Sealed(SealedTotp::from_bytes(bytes)));
    }
    Ok(out)
}

/// Opens the sealed secret of `account`. One that does not open stays sealed: the
/// services then refuse every code (fail closed) and an administrator's reset removes it.
fn open(keys: &dyn KeyProvider, mut account: StaffAccount) -> StaffAccount {
    if let Some(TotpFactor::Sealed(sealed)) = &account.totp_secret {
        let b = sealed.as_bytes();
        let opened = (b.len() > 8 && b.starts_with(MAGIC))
            .then(|| {
                let version = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
                let wrapped = WrappedKey { version: KeyVersion(version), bytes: b[8..].to_vec() };
                let ctx = secret_context(account.home_organisation, account.id);
                keys.unwrap(&wrapped, &ctx).ok().and_then(|k| from_key(&k).ok())
            })
            .flatten();
        if let Some(secret) = opened {
            account.totp_secret = Some(TotpFactor::Open(secret));
        }
    }
    account
}

/// The [`AuthStore`] decorator of [`SealedStore`]: seals on write, opens on read.
struct SealingAuthStore<'a> {
    inner: &'a mut dyn AuthStore,
    keys: &'a dyn KeyProvider,
    entropy: &'a dyn Entropy,
}

impl AuthStore for SealingAuthStore<'_> {
    fn account(&self, id: StaffId) -> Result<Option<StaffAccount>, StoreError> {
        Ok(self.inner.account(id)?.map(|a| open(self.keys, a)))
    }

    fn account_by_login(&self, login: &LoginName) -> Result<Option<StaffAccount>, StoreError> {
        Ok(self.inner.account_by_login(login)?.map(|a| open(self.keys, a)))
    }

    fn insert_account(&mut self, account: &StaffAccount) -> Result<(), StoreError> {
        let sealed = seal(self.keys, self.entropy, account)?;
        self.inner.insert_account(&sealed)
    }

    fn update_account(&mut self, account: &StaffAccount) -> Result<(), StoreError> {
        let sealed = seal(self.keys, self.entropy, account)?;
        self.inner.update_account(&sealed)
    }

    fn membership(
        &self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<Option<Membership>, StoreError> {
        self.inner.membership(account, organisation)
    }

    fn memberships_of_organisation(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<Membership>, StoreError> {
        self.inner.memberships_of_organisation(organisation)
    }

    fn put_membership(&mut self, membership: &Membership) -> Result<(), StoreError> {
        self.inner.put_membership(membership)
    }

    fn remove_membership(
        &mut self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<bool, StoreError> {
        self.inner.remove_membership(account, organisation)
    }

    fn org_policy(
        &self,
        organisation: OrganisationId,
    ) -> Result<Option<OrgAuthPolicy>, StoreError> {
        self.inner.org_policy(organisation)
    }

    fn put_org_policy(
        &mut self,
        organisation: OrganisationId,
        policy: &OrgAuthPolicy,
    ) -> Result<(), StoreError> {
        self.inner.put_org_policy(organisation, policy)
    }

    fn insert_session(&mut self, session: &AuthSession) -> Result<(), StoreError> {
        self.inner.insert_session(session)
    }

    fn session(&self, token_hash: &TokenHash) -> Result<Option<AuthSession>, StoreError> {
        self.inner.session(token_hash)
    }

    fn update_session(&mut self, session: &AuthSession) -> Result<(), StoreError> {
        self.inner.update_session(session)
    }

    fn sessions_of_account(&self, account: StaffId) -> Result<Vec<AuthSession>, StoreError> {
        self.inner.sessions_of_account(account)
    }
}

/// The [`Store`] [`Hogo`] runs every transaction on: the embedder's store whose
/// [`AuthStore`] handle seals TOTP secrets on write and opens them on read (M13).
pub(crate) struct SealedStore<S> {
    pub(crate) inner: S,
    keys: Arc<dyn KeyProvider>,
    entropy: Arc<dyn Entropy>,
}

impl<S> SealedStore<S> {
    pub(crate) fn new(inner: S, keys: Arc<dyn KeyProvider>, entropy: Arc<dyn Entropy>) -> Self {
        Self { inner, keys, entropy }
    }
}

impl<S: Store> Store for SealedStore<S> {
    fn transact<T>(
        &self,
        organisation: OrganisationId,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let (keys, entropy) = (self.keys.as_ref(), self.entropy.as_ref());
        self.inner.transact(organisation, &mut |tx| {
            let mut auth = SealingAuthStore { inner: &mut *tx.auth, keys, entropy };
            let mut sealed = Tx {
                organisation: tx.organisation,
                vault: &mut *tx.vault,
                keks: &mut *tx.keks,
                ledger: &mut *tx.ledger,
                auth: &mut auth,
                docs: &mut *tx.docs,
            };
            f(&mut sealed)
        })
    }

    fn organisations(&self) -> Result<Vec<OrganisationId>, Error> {
        self.inner.organisations()
    }
}

/// A started enrolment as stored: the new secret wrapped by the root key.
#[derive(Serialize, Deserialize)]
struct Pending {
    version: u32,
    wrapped: Vec<u8>,
    started_at: DateTime<Utc>,
    wrong_codes: u32,
}

/// What [`Hogo::start_totp_enrolment`] returns: the new secret, to show **once** to the
/// staff member for their authenticator app. `Debug` is redacted.
pub struct TotpEnrolment {
    /// The account enrolling.
    pub account: StaffId,
    /// Its login name (the label in the authenticator).
    pub login: String,
    /// The secret in base32 (RFC 4648, no padding).
    pub secret_base32: SecretString,
    /// `otpauth://totp/…` with the secret, for a QR code or a paste.
    pub uri: SecretString,
    /// Until when [`Hogo::confirm_totp_enrolment`] accepts a code for it.
    pub confirm_before: DateTime<Utc>,
}

impl std::fmt::Debug for TotpEnrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpEnrolment")
            .field("account", &self.account)
            .field("confirm_before", &self.confirm_before)
            .finish_non_exhaustive()
    }
}

/// The `otpauth://` URI (Key Uri Format) for `login`'s secret.
fn otpauth_uri(login: &str, base32: &str) -> String {
    let label: String = login.replace('@', "%40");
    format!(
        "otpauth://totp/{ISSUER}:{label}?secret={base32}&issuer={ISSUER}&algorithm=SHA1&digits={}&period={}",
        hogo_auth::totp::TOTP_DIGITS,
        hogo_auth::totp::TOTP_STEP_SECS
    )
}

fn auth_store_error(e: StoreError) -> Error {
    if e.is_busy() { Error::Busy } else { Error::Storage(e.to_string()) }
}

/// A ledger entry of the second-factor action about `account`.
fn factor_entry(
    ports: &Ports<'_>,
    actor: &Actor,
    outcome: Outcome,
    note: &str,
) -> Result<hogo_ledger::NewEntry, Error> {
    Ok(entry(ports, actor, Action::SecondFactor)
        .with_outcome(outcome)
        .with_object(ObjectRef::Staff(actor.staff))
        .with_note(note)?)
}

impl<S: Store> Hogo<S> {
    /// Runs `work` for a session that may enrol TOTP (full or enrolment-only), in one
    /// transaction; a refused session is logged (M5 ⑥) like [`Hogo::with_session`] does.
    fn with_enrolment_session<T>(
        &self,
        session: &Session,
        work: &mut dyn FnMut(&Ports<'_>, &Actor, &mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let ports = self.ports();
        let org = session.organisation();
        let mut failure: Option<AuthFailure> = None;
        let result = self.store.transact(org, &mut |tx| {
            let actor = match hogo_auth::resolve_for_totp_enrolment(
                tx.auth,
                ports.auth,
                session.token(),
                org,
                ports.now(),
            ) {
                Ok(outcome) => outcome.value,
                Err(f) => {
                    let error = f.error.clone();
                    failure = Some(f);
                    return Err(Error::Auth(error));
                }
            };
            work(&ports, &actor, tx)
        });
        if let (Err(Error::Auth(_)), Some(f)) = (&result, failure) {
            self.log_auth_events(org, &f.events)?;
        }
        result
    }

    /// Starts a TOTP enrolment for the signed-in account (P10, M13): a new 32-byte secret
    /// from the entropy port, kept sealed by the root key until confirmed, returned **once**
    /// as base32 and an `otpauth://` URI. Accepted in a full session and in the
    /// enrolment-only session an organisation that requires TOTP gives a number role
    /// without one; refused once a factor is enrolled (`TotpAlreadyEnrolled`) and in a
    /// must-change-password session. Starting again replaces an unconfirmed secret. Logged
    /// without the secret.
    pub fn start_totp_enrolment(&self, session: &Session) -> Result<TotpEnrolment, Error> {
        self.with_enrolment_session(session, &mut |ports, actor, tx| {
            let org = tx.organisation;
            let account = tx
                .auth
                .account(actor.staff)
                .map_err(auth_store_error)?
                .ok_or_else(|| Error::NotFound { what: format!("account {}", actor.staff) })?;
            let secret = new_secret(ports.entropy)?;
            let key = as_key(&secret).map_err(auth_store_error)?;
            let wrapped =
                ports.keys.wrap(&key, &pending_context(org, actor.staff), ports.entropy)?;
            let now = ports.now();
            PENDING.put(
                tx.docs,
                org,
                &actor.staff.to_string(),
                &Pending {
                    version: wrapped.version.0,
                    wrapped: wrapped.bytes,
                    started_at: now,
                    wrong_codes: 0,
                },
            )?;
            let e = factor_entry(
                ports,
                actor,
                Outcome::Success,
                "二要素認証の登録開始 / TOTP enrolment started",
            )?;
            log(tx, ports, vec![e])?;
            let base32 = secret.to_base32();
            let uri = otpauth_uri(account.login.as_str(), base32.expose_secret());
            Ok(TotpEnrolment {
                account: actor.staff,
                login: account.login.as_str().to_owned(),
                secret_base32: base32,
                uri: SecretString::from(uri),
                confirm_before: now + Duration::minutes(PENDING_TTL_MINUTES),
            })
        })
    }

    /// Confirms a started enrolment with a current code from the authenticator (P10, M13):
    /// only then is the factor active (stored sealed). An enrolment-only session is revoked:
    /// sign in again with a code. A wrong code is refused and logged; after
    /// [`MAX_CONFIRM_ATTEMPTS`] wrong codes, or [`PENDING_TTL_MINUTES`] minutes after the
    /// start, the started enrolment is dropped and must be started again.
    pub fn confirm_totp_enrolment(&self, session: &Session, code: &str) -> Result<(), Error> {
        self.with_enrolment_session(session, &mut |ports, actor, tx| {
            let org = tx.organisation;
            let id = actor.staff.to_string();
            let now = ports.now();
            let no_pending = || Error::NotFound {
                what: "開始済みの二要素認証登録（hogo totp enrol） / a started TOTP enrolment (hogo totp enrol)"
                    .into(),
            };
            let Some(mut pending) = PENDING.get::<Pending>(&*tx.docs, org, &id)? else {
                return Err(no_pending());
            };
            if now >= pending.started_at + Duration::minutes(PENDING_TTL_MINUTES) {
                PENDING.delete(tx.docs, org, &id)?;
                let e = factor_entry(
                    ports,
                    actor,
                    Outcome::Failed,
                    "二要素認証の登録期限切れ / TOTP enrolment expired",
                )?;
                log(tx, ports, vec![e])?;
                return Ok(Err(no_pending()));
            }
            let wrapped = WrappedKey {
                version: KeyVersion(pending.version),
                bytes: pending.wrapped.clone(),
            };
            let key = ports.keys.unwrap(&wrapped, &pending_context(org, actor.staff))?;
            let secret = from_key(&key).map_err(auth_store_error)?;
            let out = hogo_auth::enrol_totp(
                tx.auth,
                EnrolTotpRequest { token: session.token(), organisation: org, secret: &secret, code },
                now,
            );
            match out {
                Ok(done) => {
                    PENDING.delete(tx.docs, org, &id)?;
                    log(tx, ports, auth_entries(org, &done.events)?)?;
                    Ok(Ok(()))
                }
                Err(f) => {
                    pending.wrong_codes += 1;
                    let dropped = pending.wrong_codes >= MAX_CONFIRM_ATTEMPTS;
                    if dropped {
                        PENDING.delete(tx.docs, org, &id)?;
                    } else {
                        PENDING.put(tx.docs, org, &id, &pending)?;
                    }
                    let note = format!(
                        "二要素認証の確認コード拒否 / TOTP confirmation refused ({}{})",
                        f.error.code(),
                        if dropped { ", enrolment dropped" } else { "" }
                    );
                    let e = factor_entry(ports, actor, Outcome::Failed, &note)?;
                    log(tx, ports, vec![e])?;
                    // Commit the count and the log line; the refusal is the result.
                    Ok(Err(Error::Auth(f.error)))
                }
            }
        })?
    }

    /// The administrator removes an account's TOTP second factor (a lost phone) and any
    /// enrolment it started in this organisation, and revokes its sessions (P10, M13): if
    /// the organisation requires TOTP for its role, its next sign-in may only enrol a new
    /// one. Refused (and logged) for every role but the administrator, for one's own
    /// account and for an account another organisation created.
    pub fn reset_totp(&self, session: &Session, account: StaffId) -> Result<(), Error> {
        self.with_session(session, Action::SecondFactor, &mut |ports, actor, tx| {
            let org = tx.organisation;
            match hogo_auth::reset_totp(tx.auth, actor, account, ports.now()) {
                Ok(out) => {
                    PENDING.delete(tx.docs, org, &account.to_string())?;
                    log(tx, ports, auth_entries(org, &out.events)?)?;
                    Ok(Ok(()))
                }
                Err(f) => {
                    if let hogo_auth::AuthError::Store(e) = &f.error {
                        return Err(auth_store_error(e.clone()));
                    }
                    log(tx, ports, auth_entries(org, &f.events)?)?;
                    Ok(Err(Error::Auth(f.error)))
                }
            }
        })?
    }
}
