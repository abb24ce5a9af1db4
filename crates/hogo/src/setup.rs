//! Organisation setup (`init`), sign-in and sign-out, and the organisation's ledger
//! signing key (random, wrapped by the root key, never stored in plaintext).

use hogo_auth::{AccountSpec, BootstrapRequest, ClientLabel, OrgAuthPolicy, SignInRequest};
use hogo_domain::{OrganisationId, StaffId};
use hogo_ledger::{Ed25519Signer, VerifierKey};
use hogo_vault::{KeyMaterial, WrappedKey};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::app::{Hogo, Ports, Session, auth_entries, log};
use crate::docs::{ORGANISATIONS, SINGLETONS};
use crate::organisation::{OrganisationInput, OrganisationSettings};
use crate::store::{Store, Tx};
use crate::{Error, docs};

/// A new account's login, display name and first password.
#[derive(Debug)]
pub struct NewAccount {
    /// Login name.
    pub login: String,
    /// Display name.
    pub display_name: String,
    /// First password (secret).
    pub password: SecretString,
}

/// What `init` needs: the organisation and its first 事務取扱責任者, optionally a separate
/// system administrator.
#[derive(Debug)]
pub struct InitInput {
    /// The organisation.
    pub organisation: OrganisationInput,
    /// The first account: the organisation's 事務取扱責任者.
    pub manager: NewAccount,
    /// A separate administrator who manages accounts (separation of duties).
    pub administrator: Option<NewAccount>,
}

/// What `init` made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Initialised {
    /// The new organisation.
    pub organisation: OrganisationId,
    /// The manager's account.
    pub manager: StaffId,
    /// The administrator's account.
    pub administrator: Option<StaffId>,
    /// The ledger's checkpoint verifier key (C2SP vkey), for auditors.
    pub ledger_verifier_key: String,
}

#[derive(Serialize, Deserialize)]
struct StoredSigningKey {
    name: String,
    version: u32,
    wrapped: Vec<u8>,
}

const SIGNING_KEY_ID: &str = "ledger_signing_key";

fn signing_context(org: OrganisationId) -> Vec<u8> {
    format!("hogo/v1/ledger-signing/{org}").into_bytes()
}

/// The organisation's checkpoint signer, unwrapped from its stored wrapping.
pub(crate) fn signer(tx: &Tx<'_>, ports: &Ports<'_>) -> Result<Ed25519Signer, Error> {
    let org = tx.organisation;
    let stored: StoredSigningKey = SINGLETONS
        .get(&*tx.docs, org, SIGNING_KEY_ID)?
        .ok_or_else(|| Error::NotFound { what: format!("ledger signing key of {org}") })?;
    let wrapped =
        WrappedKey { version: hogo_vault::KeyVersion(stored.version), bytes: stored.wrapped };
    let key = ports.keys.unwrap(&wrapped, &signing_context(org))?;
    Ok(Ed25519Signer::from_seed(&stored.name, Zeroizing::new(*key.expose()))?)
}

/// The organisation's settings.
pub(crate) fn settings(tx: &Tx<'_>) -> Result<OrganisationSettings, Error> {
    ORGANISATIONS
        .get(&*tx.docs, tx.organisation, "settings")?
        .ok_or_else(|| Error::NotFound { what: format!("organisation {}", tx.organisation) })
}

impl<S: Store> Hogo<S> {
    /// Creates an organisation with its first 事務取扱責任者 (M3), its ledger and signing
    /// key, in one transaction.
    pub fn init(&self, input: InitInput) -> Result<Initialised, Error> {
        let ports = self.ports();
        let org: OrganisationId = OrganisationId::from_uuid(ports.ids.new_uuid());
        let settings = input.organisation.validate(org)?;
        self.store.transact(org, &mut |tx| {
            ORGANISATIONS.put(tx.docs, org, "settings", &settings)?;
            crate::index::start_all(tx)?;
            let boot = hogo_auth::bootstrap(
                tx.auth,
                ports.auth,
                BootstrapRequest {
                    organisation: org,
                    manager: AccountSpec {
                        login: &input.manager.login,
                        display_name: &input.manager.display_name,
                        password: &input.manager.password,
                    },
                    administrator: input.administrator.as_ref().map(|a| AccountSpec {
                        login: &a.login,
                        display_name: &a.display_name,
                        password: &a.password,
                    }),
                    policy: OrgAuthPolicy {
                        require_totp_for_number_roles: settings.require_totp_for_number_roles,
                    },
                },
                ports.ids,
                ports.entropy,
                ports.now(),
            )
            .map_err(|f| Error::Auth(f.error))?;
            // The ledger's signing key: random, wrapped by the root key, stored wrapped.
            let seed = KeyMaterial::generate(ports.entropy);
            let name = format!("hogo-{}", &org.to_string()[..8]);
            let signer = Ed25519Signer::from_seed(&name, Zeroizing::new(*seed.expose()))?;
            let wrapped = ports.keys.wrap(&seed, &signing_context(org), ports.entropy)?;
            SINGLETONS.put(
                tx.docs,
                org,
                SIGNING_KEY_ID,
                &StoredSigningKey {
                    name: name.clone(),
                    version: wrapped.version.0,
                    wrapped: wrapped.bytes,
                },
            )?;
            let vkey: VerifierKey = signer.verifier_key();
            hogo_ledger::ledger::create_log(
                tx.ledger,
                org,
                &format!("hogo.local/{org}"),
                vec![vkey.clone()],
            )?;
            log(tx, &ports, auth_entries(org, &boot.events)?)?;
            Ok(Initialised {
                organisation: org,
                manager: boot.value.manager,
                administrator: boot.value.administrator,
                ledger_verifier_key: vkey.to_vkey(),
            })
        })
    }

    /// Signs a staff member in to an organisation. Every attempt is logged (M5 ⑥); a
    /// failed attempt's counter is committed with its log line.
    pub fn sign_in(
        &self,
        organisation: OrganisationId,
        login: &str,
        password: &SecretString,
        totp_code: Option<&str>,
        client: &str,
    ) -> Result<Session, Error> {
        let ports = self.ports();
        let client = ClientLabel::parse(client)?;
        let outcome = self.store.transact(organisation, &mut |tx| {
            let result = hogo_auth::sign_in(
                tx.auth,
                ports.auth,
                SignInRequest { organisation, login, password, totp_code, client: client.clone() },
                ports.entropy,
                ports.now(),
            );
            let events = match &result {
                Ok(ok) => ok.events.clone(),
                Err(f) => f.events.clone(),
            };
            log(tx, &ports, auth_entries(organisation, &events)?)?;
            // Commit in both cases: the failure counter and the log line are the only
            // writes of a failed sign-in (invariant 4).
            Ok(result.map(|ok| ok.value.token).map_err(|f| f.error))
        })?;
        outcome.map(|token| Session::new(organisation, token)).map_err(Error::Auth)
    }

    /// Signs out (revokes the session); logged.
    pub fn sign_out(&self, session: &Session) -> Result<(), Error> {
        let ports = self.ports();
        let org = session.organisation();
        self.store.transact(org, &mut |tx| {
            let out = hogo_auth::sign_out(tx.auth, session.token(), org, ports.now())
                .map_err(|f| Error::Auth(f.error))?;
            log(tx, &ports, auth_entries(org, &out.events)?)
        })
    }

    /// The signed-in actor (whoami).
    pub fn whoami(&self, session: &Session) -> Result<hogo_domain::Actor, Error> {
        self.with_session(
            session,
            hogo_ledger::Action::Access,
            &mut |_, actor, _| Ok(actor.clone()),
        )
    }

    /// The organisation's settings.
    pub fn organisation(&self, session: &Session) -> Result<OrganisationSettings, Error> {
        self.with_session(session, hogo_ledger::Action::Access, &mut |_, _, tx| settings(tx))
    }
}

/// Re-export for adapters that list organisations.
pub use docs::ORGANISATIONS as ORGANISATION_COLLECTION;
