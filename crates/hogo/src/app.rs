//! [`Hogo`]: the service embedders hold. It owns the store and the ports (clock,
//! entropy, ids, root key) and runs every use case as one transaction that resolves the
//! session first, asks the policy, does the work and appends the ledger entries.
//!
//! A refusal by the policy rolls the use case back and is then logged in a transaction
//! of its own: that entry is the only write a refused use case makes (invariant 4).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use hogo_auth::{AuthConfig, AuthEvent, AuthEventKind, AuthFailure, SessionToken};
use hogo_domain::{Actor, Clock, Entropy, IdGen, OrganisationId, Refusal};
use hogo_ledger::{Action, ActorRef, NewEntry, ObjectRef, Outcome};
use hogo_vault::{KeyProvider, Vault, VaultConfig};

use crate::Error;
use crate::store::{Store, Tx};
use crate::totp::SealedStore;

/// A signed-in session for one organisation: the token the sign-in returned.
pub struct Session {
    organisation: OrganisationId,
    token: SessionToken,
}

impl Session {
    /// A session from a token presented by the user (e.g. read from the CLI's 0600 file).
    pub fn new(organisation: OrganisationId, token: SessionToken) -> Self {
        Self { organisation, token }
    }

    /// The organisation.
    pub fn organisation(&self) -> OrganisationId {
        self.organisation
    }

    /// The token (secret: show it once, store it 0600).
    pub fn token(&self) -> &SessionToken {
        &self.token
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("organisation", &self.organisation).finish_non_exhaustive()
    }
}

/// The ports a use case needs, borrowed for one call.
pub(crate) struct Ports<'a> {
    pub(crate) clock: &'a dyn Clock,
    pub(crate) entropy: &'a dyn Entropy,
    pub(crate) ids: &'a dyn IdGen,
    pub(crate) keys: &'a dyn KeyProvider,
    pub(crate) auth: &'a AuthConfig,
    pub(crate) vault: VaultConfig,
}

impl Ports<'_> {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    pub(crate) fn vault(&self) -> Result<Vault<'_>, Error> {
        Ok(Vault::new(self.keys, self.entropy, self.ids, self.vault)?)
    }
}

/// The application: a store plus the ports. Cheap to share behind an `Arc`.
pub struct Hogo<S: Store> {
    /// The embedder's store behind the TOTP-sealing decorator (M13, see [`crate::totp`]).
    pub(crate) store: SealedStore<S>,
    clock: Arc<dyn Clock>,
    entropy: Arc<dyn Entropy>,
    ids: Arc<dyn IdGen>,
    keys: Arc<dyn KeyProvider>,
    auth: AuthConfig,
    vault: VaultConfig,
}

impl<S: Store> std::fmt::Debug for Hogo<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hogo").finish_non_exhaustive()
    }
}

impl<S: Store> Hogo<S> {
    /// Assembles the application from a store and its ports.
    pub fn new(
        store: S,
        clock: Arc<dyn Clock>,
        entropy: Arc<dyn Entropy>,
        ids: Arc<dyn IdGen>,
        keys: Arc<dyn KeyProvider>,
    ) -> Self {
        Self {
            store: SealedStore::new(store, Arc::clone(&keys), Arc::clone(&entropy)),
            clock,
            entropy,
            ids,
            keys,
            auth: AuthConfig::default(),
            vault: VaultConfig::default(),
        }
    }

    /// Replaces the sign-in configuration (e.g. cheaper Argon2 parameters in tests).
    #[must_use]
    pub fn with_auth_config(mut self, auth: AuthConfig) -> Self {
        self.auth = auth;
        self
    }

    /// Replaces the vault configuration (blind-index width).
    #[must_use]
    pub fn with_vault_config(mut self, vault: VaultConfig) -> Self {
        self.vault = vault;
        self
    }

    /// The store (for adapters' maintenance commands).
    pub fn store(&self) -> &S {
        &self.store.inner
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub(crate) fn ports(&self) -> Ports<'_> {
        Ports {
            clock: self.clock.as_ref(),
            entropy: self.entropy.as_ref(),
            ids: self.ids.as_ref(),
            keys: self.keys.as_ref(),
            auth: &self.auth,
            vault: self.vault,
        }
    }

    /// Runs `work` for a signed-in session in one transaction.
    ///
    /// The session is resolved first (an expired or revoked session is refused before
    /// anything else, and that refusal is logged). If `work` returns a policy refusal,
    /// the transaction is rolled back and the refusal is logged as an entry of `action`
    /// in a transaction of its own.
    pub(crate) fn with_session<T>(
        &self,
        session: &Session,
        action: Action,
        work: &mut dyn FnMut(&Ports<'_>, &Actor, &mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let ports = self.ports();
        let org = session.organisation;
        let mut refused_actor: Option<Actor> = None;
        let mut auth_failure: Option<AuthFailure> = None;
        let mut run = |tx: &mut Tx<'_>| {
            let actor =
                match hogo_auth::resolve(tx.auth, ports.auth, &session.token, org, ports.now()) {
                    Ok(outcome) => outcome.value,
                    Err(failure) => {
                        let error = failure.error.clone();
                        auth_failure = Some(failure);
                        return Err(Error::Auth(error));
                    }
                };
            refused_actor = Some(actor.clone());
            // M14: a contractor-staff account works only while its contractor's contract
            // runs, is ready up the chain, and covers the account's affairs.
            crate::governance::contractors_ops::ensure_contractor_staff_active(tx, &actor)?;
            work(&ports, &actor, tx)
        };
        // The session is the closure's first read: the store may read it with its begin.
        let result = match session.token.hash() {
            Some(hash) => self.store.transact_with_session(org, &hash, &mut run),
            None => self.store.transact(org, &mut run),
        };
        match &result {
            Err(Error::Refused(refusal)) => {
                if let Some(actor) = refused_actor {
                    self.log_refusal(&actor, action, refusal)?;
                }
            }
            Err(Error::Auth(_)) => {
                if let Some(failure) = auth_failure {
                    self.log_auth_events(org, &failure.events)?;
                }
            }
            _ => {}
        }
        result
    }

    /// Logs a policy refusal in its own transaction (invariant 4).
    pub(crate) fn log_refusal(
        &self,
        actor: &Actor,
        action: Action,
        refusal: &Refusal,
    ) -> Result<(), Error> {
        let ports = self.ports();
        self.store.transact(actor.organisation, &mut |tx| {
            let entry = NewEntry::refusal(ports.now(), actor, action, refusal)?;
            hogo_ledger::ledger::append(tx.ledger, actor.organisation, vec![entry], ports.entropy)?;
            Ok(())
        })
    }

    /// Logs authentication events (refused sessions, failed sign-ins) in their own transaction.
    pub(crate) fn log_auth_events(
        &self,
        org: OrganisationId,
        events: &[AuthEvent],
    ) -> Result<(), Error> {
        if events.is_empty() {
            return Ok(());
        }
        let ports = self.ports();
        self.store.transact(org, &mut |tx| {
            let entries = auth_entries(org, events)?;
            if !entries.is_empty() {
                hogo_ledger::ledger::append(tx.ledger, org, entries, ports.entropy)?;
            }
            Ok(())
        })
    }
}

/// Appends entries to the transaction's organisation log.
pub(crate) fn log(tx: &mut Tx<'_>, ports: &Ports<'_>, entries: Vec<NewEntry>) -> Result<(), Error> {
    if entries.is_empty() {
        return Ok(());
    }
    hogo_ledger::ledger::append(tx.ledger, tx.organisation, entries, ports.entropy)?;
    Ok(())
}

/// A ledger entry of `action` by `actor`, now.
pub(crate) fn entry(ports: &Ports<'_>, actor: &Actor, action: Action) -> NewEntry {
    NewEntry::new(ports.now(), actor.organisation, actor.into(), action)
}

/// Maps authentication events of organisation `org` to ledger entries (M5 ⑥, M3).
pub(crate) fn auth_entries(
    org: OrganisationId,
    events: &[AuthEvent],
) -> Result<Vec<NewEntry>, Error> {
    let mut out = Vec::new();
    for ev in events.iter().filter(|e| e.organisation == org) {
        let actor = ActorRef { staff: ev.by.or(ev.account), role: None };
        let (action, outcome) = match &ev.kind {
            AuthEventKind::SignedIn { .. } => (Action::SignIn, Outcome::Success),
            AuthEventKind::SignInFailed { .. } | AuthEventKind::AccountLocked { .. } => {
                (Action::SignInFailed, Outcome::Failed)
            }
            AuthEventKind::SignedOut | AuthEventKind::SessionsRevoked { .. } => {
                (Action::SignOut, Outcome::Success)
            }
            AuthEventKind::SessionRefused { .. } => (Action::Access, Outcome::Failed),
            AuthEventKind::AccountCreated { .. } => (Action::StaffAdded, Outcome::Success),
            AuthEventKind::MembershipGranted { .. } | AuthEventKind::MembershipChanged { .. } => {
                (Action::RoleGranted, Outcome::Success)
            }
            AuthEventKind::MembershipRemoved { .. } => (Action::RoleRevoked, Outcome::Success),
            AuthEventKind::AccountDisabled => (Action::StaffRemoved, Outcome::Success),
            AuthEventKind::TotpEnrolled | AuthEventKind::TotpReset => {
                (Action::SecondFactor, Outcome::Success)
            }
            AuthEventKind::ManagementRefused { .. } => (Action::RoleGranted, Outcome::Failed),
            _ => (Action::Access, Outcome::Success),
        };
        let mut e = NewEntry::new(ev.at, org, actor, action).with_outcome(outcome);
        if let Some(account) = ev.account {
            e = e.with_object(ObjectRef::Staff(account));
        }
        e = e.with_note(&describe_auth_event(&ev.kind))?;
        out.push(e);
    }
    Ok(out)
}

fn describe_auth_event(kind: &AuthEventKind) -> String {
    // The variant name only (events hold no secret, but keep the ledger note minimal).
    let debug = format!("{kind:?}");
    debug.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or_default().to_owned()
}
