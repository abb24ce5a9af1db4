//! Staff use cases on top of `hogo-auth`: the 事務取扱責任者 names the clerks (doc 003
//! Art. 5–7, M3), the administrator creates accounts and memberships (M13 Art. 30) but can
//! give a number-handling role only to someone the manager named (separation of duties:
//! an administrator cannot make themselves a clerk), password change, resets, revocation.
//! Every change is a ledger entry (M5 ⑥).
//!
//! Contractor staff (M14) are created or granted only through
//! [`Hogo::create_contractor_staff`] / [`Hogo::grant_contractor_role`], which link the
//! account to one contractor; [`Hogo::create_staff`] and [`Hogo::grant_role`] refuse the
//! contractor role.

use chrono::{DateTime, Utc};
use hogo_auth::{AccountSpec, ChangePasswordRequest, Membership, RoleGrant};
use hogo_domain::policy::{Context, Operation, decide};
use hogo_domain::{AffairSet, Role, RuleId, StaffId};
use hogo_governance::ids::ContractorId;
use hogo_ledger::{Action, ObjectRef};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::app::{Hogo, Session, auth_entries, entry, log};
use crate::docs::Collection;
use crate::error::invalid;
use crate::governance::contractors_ops::{self, ContractorStaffLink};
use crate::setup::{NewAccount, settings};
use crate::store::Store;

/// Nominations of number-handling staff by the manager.
const NOMINATIONS: Collection = Collection("staff_nomination");

/// The manager's nomination of a login for a number-handling role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nomination {
    /// The login name to be created or granted.
    pub login: String,
    /// The role (NumberClerk, NumberManager or Contractor).
    pub role: Role,
    /// The manager who named them.
    pub by: StaffId,
    /// When.
    pub at: DateTime<Utc>,
}

/// A number-handling role needs the manager's nomination of that login (Art. 5); the
/// nomination is used up by the grant.
fn consume_nomination(tx: &mut crate::store::Tx<'_>, login: &str, role: Role) -> Result<(), Error> {
    let nominated: Option<Nomination> = NOMINATIONS.get(&*tx.docs, tx.organisation, login)?;
    if nominated.is_none_or(|n| n.role != role) {
        return Err(Error::Refused(hogo_domain::Refusal {
            rule: RuleId::M3,
            code: hogo_domain::RefusalCode::RoleNotAllowed,
            message_ja: "個人番号を扱う役割は、事務取扱責任者が指名した者にのみ付与できます（規程5条）".into(),
            message_en: "a number-handling role can be given only to someone the number manager named (Art. 5)".into(),
        }));
    }
    NOMINATIONS.delete(tx.docs, tx.organisation, login)?;
    Ok(())
}

/// M14: the contractor role is granted only with its contractor.
fn contractor_needs_link() -> Error {
    invalid(
        "contractor",
        RuleId::M14,
        "委託先担当者は委託先を指定して作成・付与してください（create_contractor_staff / grant_contractor_role）",
        "contractor staff are created or granted with their contractor (create_contractor_staff / grant_contractor_role)",
    )
}

/// Stores the account's link to its contractor and logs it (M14, M5 ⑥).
fn link(
    tx: &mut crate::store::Tx<'_>,
    ports: &crate::app::Ports<'_>,
    actor: &hogo_domain::Actor,
    account: StaffId,
    contractor: ContractorId,
    affairs: AffairSet,
) -> Result<(), Error> {
    contractors_ops::link_staff(
        tx,
        &ContractorStaffLink {
            account,
            contractor,
            affairs,
            linked_on: ports.today(),
            by: actor.staff,
        },
    )?;
    let e = entry(ports, actor, Action::RoleGranted)
        .with_object(ObjectRef::Staff(account))
        .with_legal_basis("規程35条・36条（委託先の監督）")?
        .with_note(&format!("委託先担当者を委託先 {contractor} に紐付け"))?;
    log(tx, ports, vec![e])
}

/// P5, P8, P11: one named 個人情報取扱責任者 per organisation (doc 000 §5): the role is
/// refused while another account holds it.
fn one_privacy_officer(
    tx: &crate::store::Tx<'_>,
    account: Option<StaffId>,
    role: Role,
) -> Result<(), Error> {
    if role != Role::PrivacyOfficer {
        return Ok(());
    }
    let holders = tx
        .auth
        .memberships_of_organisation(tx.organisation)
        .map_err(|e| Error::Storage(e.to_string()))?;
    if holders.iter().any(|m| m.role == Role::PrivacyOfficer && Some(m.account) != account) {
        return Err(Error::Conflict {
            rule: RuleId::P5,
            message: "個人情報取扱責任者は1名です（既に任命されています） / the organisation names one privacy officer, and one is already appointed".into(),
        });
    }
    Ok(())
}

impl<S: Store> Hogo<S> {
    /// The 事務取扱責任者 names a person for a number-handling role (Art. 5: named clerks).
    pub fn nominate_staff(&self, session: &Session, login: &str, role: Role) -> Result<(), Error> {
        if !role.handles_numbers() {
            return Err(invalid(
                "role",
                RuleId::M3,
                "個人番号を扱う役割を指定してください",
                "name a number-handling role",
            ));
        }
        self.with_session(session, Action::RoleGranted, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ApproveNumberUse)?;
            let login = login.trim().to_lowercase();
            NOMINATIONS.put(
                tx.docs,
                tx.organisation,
                &login,
                &Nomination { login: login.clone(), role, by: actor.staff, at: ports.now() },
            )?;
            let e = entry(ports, actor, Action::RoleGranted)
                .with_note(&format!("事務取扱担当者等の指名（{}）", role.label_ja()))?;
            log(tx, ports, vec![e])
        })
    }

    /// The administrator creates an account with a role. A number-handling role needs
    /// the manager's nomination of that login first. The account must change its
    /// password at first sign-in. The contractor role goes through
    /// [`Hogo::create_contractor_staff`] (it names the contractor, M14).
    pub fn create_staff(
        &self,
        session: &Session,
        account: &NewAccount,
        grant: RoleGrant,
    ) -> Result<StaffId, Error> {
        if grant.role == Role::Contractor {
            return Err(contractor_needs_link());
        }
        self.create_staff_linked(session, account, grant, None)
    }

    /// The administrator creates a contractor-staff account (委託先担当者) linked to
    /// `contractor`, limited to `affairs` (M14): refused unless that contractor and its
    /// chain are ready and every affair is within its contract.
    pub fn create_contractor_staff(
        &self,
        session: &Session,
        account: &NewAccount,
        contractor: ContractorId,
        affairs: AffairSet,
    ) -> Result<StaffId, Error> {
        self.create_staff_linked(session, account, RoleGrant::contractor(affairs), Some(contractor))
    }

    fn create_staff_linked(
        &self,
        session: &Session,
        account: &NewAccount,
        grant: RoleGrant,
        contractor: Option<ContractorId>,
    ) -> Result<StaffId, Error> {
        self.with_session(session, Action::StaffAdded, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ManageStaff)?;
            let login = account.login.trim().to_lowercase();
            one_privacy_officer(tx, None, grant.role)?;
            if let Some(c) = contractor {
                // M14: no contractor-staff account before its contractor is ready.
                contractors_ops::ensure_staff_grant(tx, c, grant.contracted_affairs)?;
            }
            if grant.role.handles_numbers() {
                consume_nomination(tx, &login, grant.role)?;
            }
            let out = hogo_auth::create_account(
                tx.auth,
                ports.auth,
                actor,
                AccountSpec {
                    login: &account.login,
                    display_name: &account.display_name,
                    password: &account.password,
                },
                grant,
                ports.ids,
                ports.entropy,
                ports.now(),
            )
            .map_err(|f| Error::Auth(f.error))?;
            log(tx, ports, auth_entries(tx.organisation, &out.events)?)?;
            if let Some(c) = contractor {
                link(tx, ports, actor, out.value, c, grant.contracted_affairs)?;
            }
            Ok(out.value)
        })
    }

    /// The administrator grants or changes a role of an existing account (same
    /// nomination rule for number-handling roles). The contractor role goes through
    /// [`Hogo::grant_contractor_role`] (M14).
    pub fn grant_role(
        &self,
        session: &Session,
        account: StaffId,
        grant: RoleGrant,
    ) -> Result<Membership, Error> {
        if grant.role == Role::Contractor {
            return Err(contractor_needs_link());
        }
        self.grant_role_linked(session, account, grant, None)
    }

    /// The administrator gives an existing account (e.g. a 社労士 office's staff member
    /// who already signs in to another client) the contractor-staff role here, linked to
    /// `contractor` and limited to `affairs` (M14).
    pub fn grant_contractor_role(
        &self,
        session: &Session,
        account: StaffId,
        contractor: ContractorId,
        affairs: AffairSet,
    ) -> Result<Membership, Error> {
        self.grant_role_linked(session, account, RoleGrant::contractor(affairs), Some(contractor))
    }

    fn grant_role_linked(
        &self,
        session: &Session,
        account: StaffId,
        grant: RoleGrant,
        contractor: Option<ContractorId>,
    ) -> Result<Membership, Error> {
        self.with_session(session, Action::RoleGranted, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            decide(&Context::new(actor, st.affairs), &Operation::ManageStaff)?;
            one_privacy_officer(tx, Some(account), grant.role)?;
            if let Some(c) = contractor {
                // M14: no contractor-staff account before its contractor is ready.
                contractors_ops::ensure_staff_grant(tx, c, grant.contracted_affairs)?;
            }
            if grant.role.handles_numbers() {
                let login = tx
                    .auth
                    .account(account)
                    .map_err(|e| Error::Storage(e.to_string()))?
                    .map(|a| a.login.as_str().to_owned())
                    .ok_or_else(|| Error::NotFound { what: format!("account {account}") })?;
                consume_nomination(tx, &login, grant.role)?;
            }
            let out = hogo_auth::grant_membership(tx.auth, actor, account, grant, ports.now())
                .map_err(|f| Error::Auth(f.error))?;
            log(tx, ports, auth_entries(tx.organisation, &out.events)?)?;
            match contractor {
                Some(c) => link(tx, ports, actor, account, c, grant.contracted_affairs)?,
                None => contractors_ops::unlink_staff(tx, account)?,
            }
            Ok(out.value)
        })
    }

    /// Changes the signed-in user's password (accepted on a must-change session). All the
    /// account's sessions are revoked afterwards: sign in again.
    pub fn change_password(
        &self,
        session: &Session,
        old_password: &SecretString,
        new_password: &SecretString,
    ) -> Result<(), Error> {
        let ports = self.ports();
        let org = session.organisation();
        let result = self.store.transact(org, &mut |tx| {
            let out = hogo_auth::change_password(
                tx.auth,
                ports.auth,
                ChangePasswordRequest {
                    token: session.token(),
                    organisation: org,
                    old_password,
                    new_password,
                },
                ports.entropy,
                ports.now(),
            );
            let events = match &out {
                Ok(o) => o.events.clone(),
                Err(f) => f.events.clone(),
            };
            log(tx, &ports, auth_entries(org, &events)?)?;
            Ok(out.map(|_| ()).map_err(|f| f.error))
        })?;
        result.map_err(Error::Auth)
    }

    /// The administrator resets a password (forces a change at next sign-in).
    pub fn reset_password(
        &self,
        session: &Session,
        account: StaffId,
        temporary: &SecretString,
    ) -> Result<(), Error> {
        self.with_session(session, Action::StaffAdded, &mut |ports, actor, tx| {
            let out = hogo_auth::reset_password(
                tx.auth,
                ports.auth,
                actor,
                account,
                temporary,
                ports.entropy,
                ports.now(),
            )
            .map_err(|f| Error::Auth(f.error))?;
            log(tx, ports, auth_entries(tx.organisation, &out.events)?)
        })
    }

    /// The administrator revokes every session of an account.
    pub fn revoke_sessions(&self, session: &Session, account: StaffId) -> Result<usize, Error> {
        self.with_session(session, Action::SignOut, &mut |ports, actor, tx| {
            let out = hogo_auth::revoke_sessions(tx.auth, actor, account, ports.now())
                .map_err(|f| Error::Auth(f.error))?;
            log(tx, ports, auth_entries(tx.organisation, &out.events)?)?;
            Ok(out.value)
        })
    }

    /// The organisation's memberships (who has which role: the register's ⑤).
    pub fn staff(&self, session: &Session) -> Result<Vec<Membership>, Error> {
        self.with_session(session, Action::Access, &mut |ports, actor, tx| {
            let st = settings(tx)?;
            if decide(&Context::new(actor, st.affairs), &Operation::ManageStaff).is_err() {
                decide(&Context::new(actor, st.affairs), &Operation::ViewRegister)?;
            }
            let list = tx
                .auth
                .memberships_of_organisation(tx.organisation)
                .map_err(|e| Error::Storage(e.to_string()))?;
            let e = entry(ports, actor, Action::Access)
                .with_object(ObjectRef::Staff(actor.staff))
                .with_note("担当者一覧の閲覧")?;
            log(tx, ports, vec![e])?;
            Ok(list)
        })
    }
}
