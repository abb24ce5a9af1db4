//! The [`AuthStore`] handle: staff accounts, memberships, organisation policies and
//! sessions.
//!
//! By the port's design an account is global to the database (one person may act for
//! several organisations, M14), so account and session lookups are not limited to the
//! transaction's organisation; memberships and policies are keyed by the organisation
//! the caller names, sessions by their token hash (never the token).

use chrono::{DateTime, Utc};
use hogo_auth::{
    AuthStore, ClientLabel, DisplayName, LoginName, Membership, OrgAuthPolicy, PasswordHash,
    RevocationReason, SealedTotp, Session, SessionScope, StaffAccount, StoreError, TokenHash,
    TotpFactor,
};
use hogo_domain::{Affair, AffairSet, OrganisationId, Role, StaffId};
use rusqlite::{OptionalExtension, Row, params};

use crate::tx::{Fault, TxCtx, array, parse_time, time_text, to_u32, to_u64, uuid};

fn err(f: Fault) -> StoreError {
    match f {
        Fault::Busy(m) => StoreError::busy(m),
        Fault::Conflict(what) => StoreError::backend(format!("unique constraint: {what}")),
        other => StoreError::backend(other.to_string()),
    }
}

fn affairs_text(set: AffairSet) -> String {
    set.iter().map(Affair::id).collect::<Vec<_>>().join(",")
}

fn parse_affairs(s: &str) -> Result<AffairSet, Fault> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| Affair::from_id(p).ok_or(Fault::Corrupt("affair set")))
        .collect()
}

fn scope_id(s: SessionScope) -> &'static str {
    match s {
        SessionScope::Full => "full",
        SessionScope::PasswordChangeOnly => "password_change_only",
        SessionScope::TotpEnrolmentOnly => "totp_enrolment_only",
    }
}

fn parse_scope(s: &str) -> Result<SessionScope, Fault> {
    Ok(match s {
        "full" => SessionScope::Full,
        "password_change_only" => SessionScope::PasswordChangeOnly,
        "totp_enrolment_only" => SessionScope::TotpEnrolmentOnly,
        _ => return Err(Fault::Corrupt("session scope")),
    })
}

fn reason_id(r: RevocationReason) -> &'static str {
    match r {
        RevocationReason::SignedOut => "signed_out",
        RevocationReason::ByAdministrator => "by_administrator",
        RevocationReason::CredentialsChanged => "credentials_changed",
        RevocationReason::PasswordReset => "password_reset",
        RevocationReason::MembershipChanged => "membership_changed",
        RevocationReason::AccountDisabled => "account_disabled",
    }
}

fn parse_reason(s: &str) -> Result<RevocationReason, Fault> {
    Ok(match s {
        "signed_out" => RevocationReason::SignedOut,
        "by_administrator" => RevocationReason::ByAdministrator,
        "credentials_changed" => RevocationReason::CredentialsChanged,
        "password_reset" => RevocationReason::PasswordReset,
        "membership_changed" => RevocationReason::MembershipChanged,
        "account_disabled" => RevocationReason::AccountDisabled,
        _ => return Err(Fault::Corrupt("session revocation reason")),
    })
}

fn role(s: &str) -> Result<Role, Fault> {
    Role::from_id(s).ok_or(Fault::Corrupt("role"))
}

const ACCOUNT_COLUMNS: &str = "id, login, display_name, home_organisation, password_hash,
    totp_secret, last_totp_step, failed_attempts, locked_until, must_change_password,
    disabled, created_at FROM auth_accounts";

type RawAccount = (
    [u8; 16],
    String,
    String,
    [u8; 16],
    String,
    Option<Vec<u8>>,
    Option<i64>,
    i64,
    Option<String>,
    bool,
    bool,
    String,
);

fn raw_account(r: &Row<'_>) -> rusqlite::Result<RawAccount> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

fn account_from(raw: RawAccount) -> Result<StaffAccount, Fault> {
    let (id, login, display, home, phc, totp, step, failed, locked, must_change, disabled, created) =
        raw;
    let corrupt = |what| move |_| Fault::Corrupt(what);
    Ok(StaffAccount {
        id: StaffId::from_uuid(uuid(id)),
        login: LoginName::parse(&login).map_err(corrupt("account login"))?,
        display_name: DisplayName::parse(&display).map_err(corrupt("account display name"))?,
        home_organisation: OrganisationId::from_uuid(uuid(home)),
        password_hash: PasswordHash::from_phc(&phc).map_err(corrupt("account password hash"))?,
        // Only the sealed form is ever stored (M13); the application layer opens it.
        totp_secret: totp.map(|b| TotpFactor::Sealed(SealedTotp::from_bytes(b))),
        last_totp_step: step.map(|s| to_u64(s, "account totp step")).transpose()?,
        failed_attempts: to_u32(failed, "account failed attempts")?,
        locked_until: locked.map(|t| parse_time(&t, "account lock")).transpose()?,
        must_change_password: must_change,
        disabled,
        created_at: parse_time(&created, "account creation time")?,
    })
}

const SESSION_COLUMNS: &str = "token_hash, organisation, account, role, contracted_affairs,
    scope, client, created_at, last_seen_at, idle_expires_at, absolute_expires_at,
    revoked_at, revoked_reason FROM auth_sessions";

fn session_from(r: &Row<'_>) -> rusqlite::Result<Result<Session, Fault>> {
    let hash: Vec<u8> = r.get(0)?;
    let org: [u8; 16] = r.get(1)?;
    let account: [u8; 16] = r.get(2)?;
    let texts: Vec<String> = (3..11).map(|i| r.get(i)).collect::<Result<_, _>>()?;
    let revoked_at: Option<String> = r.get(11)?;
    let revoked_reason: Option<String> = r.get(12)?;
    let t = |i: usize, what| parse_time(&texts[i], what);
    Ok((|| {
        Ok(Session {
            token_hash: TokenHash::from_bytes(array(hash, "session token hash")?),
            account: StaffId::from_uuid(uuid(account)),
            organisation: OrganisationId::from_uuid(uuid(org)),
            role: role(&texts[0])?,
            contracted_affairs: parse_affairs(&texts[1])?,
            scope: parse_scope(&texts[2])?,
            client: ClientLabel::parse(&texts[3]).map_err(|_| Fault::Corrupt("session client"))?,
            created_at: t(4, "session time")?,
            last_seen_at: t(5, "session time")?,
            idle_expires_at: t(6, "session time")?,
            absolute_expires_at: t(7, "session time")?,
            revoked: match (revoked_at, revoked_reason) {
                (Some(at), Some(why)) => {
                    Some((parse_time(&at, "session revocation")?, parse_reason(&why)?))
                }
                (None, None) => None,
                _ => return Err(Fault::Corrupt("session revocation")),
            },
        })
    })())
}

fn opt_time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(time_text)
}

/// The auth handle of one transaction.
pub(crate) struct SqlAuth<'a, 'c> {
    pub(crate) ctx: &'a TxCtx<'c>,
}

impl SqlAuth<'_, '_> {
    fn accounts_where(
        &self,
        clause: &str,
        arg: &dyn rusqlite::ToSql,
    ) -> Result<Option<StaffAccount>, Fault> {
        let c = self.ctx;
        let mut stmt =
            c.check(c.conn.prepare_cached(&format!("SELECT {ACCOUNT_COLUMNS} WHERE {clause}")))?;
        c.check(stmt.query_row([arg], raw_account).optional())?.map(account_from).transpose()
    }

    fn sessions_where(
        &self,
        clause: &str,
        arg: &dyn rusqlite::ToSql,
    ) -> Result<Vec<Session>, Fault> {
        let c = self.ctx;
        let mut stmt =
            c.check(c.conn.prepare_cached(&format!("SELECT {SESSION_COLUMNS} WHERE {clause}")))?;
        let rows = c.check(stmt.query_map([arg], session_from))?;
        c.check(rows.collect::<Result<Vec<_>, _>>())?.into_iter().collect()
    }

    fn write_account(&self, sql: &str, a: &StaffAccount) -> Result<usize, Fault> {
        let c = self.ctx;
        // A clear TOTP secret is refused: only the sealed form reaches the file (M13).
        let totp = a.totp_at_rest().map_err(|e| Fault::Backend(e.to_string()))?;
        c.check(c.conn.execute(
            sql,
            params![
                a.id.as_bytes(),
                a.login.as_str(),
                a.display_name.as_str(),
                a.home_organisation.as_bytes(),
                a.password_hash.as_phc(),
                totp,
                a.last_totp_step.map(crate::tx::to_i64),
                i64::from(a.failed_attempts),
                opt_time(a.locked_until),
                a.must_change_password,
                a.disabled,
                time_text(&a.created_at),
            ],
        ))
    }

    fn write_session(&self, sql: &str, s: &Session) -> Result<usize, Fault> {
        let c = self.ctx;
        c.check(c.conn.execute(
            sql,
            params![
                s.token_hash.as_bytes(),
                s.organisation.as_bytes(),
                s.account.as_bytes(),
                s.role.id(),
                affairs_text(s.contracted_affairs),
                scope_id(s.scope),
                s.client.as_str(),
                time_text(&s.created_at),
                time_text(&s.last_seen_at),
                time_text(&s.idle_expires_at),
                time_text(&s.absolute_expires_at),
                opt_time(s.revoked.map(|r| r.0)),
                s.revoked.map(|r| reason_id(r.1)),
            ],
        ))
    }
}

impl AuthStore for SqlAuth<'_, '_> {
    fn account(&self, id: StaffId) -> Result<Option<StaffAccount>, StoreError> {
        self.accounts_where("id = ?1", id.as_bytes()).map_err(err)
    }

    fn account_by_login(&self, login: &LoginName) -> Result<Option<StaffAccount>, StoreError> {
        self.accounts_where("login = ?1", &login.as_str()).map_err(err)
    }

    fn insert_account(&mut self, account: &StaffAccount) -> Result<(), StoreError> {
        self.write_account(
            "INSERT INTO auth_accounts (id, login, display_name, home_organisation,
                 password_hash, totp_secret, last_totp_step, failed_attempts, locked_until,
                 must_change_password, disabled, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            account,
        )
        .map_err(|f| match f {
            Fault::Conflict(_) => err(Fault::Conflict("account".into())),
            f => err(f),
        })?;
        Ok(())
    }

    fn update_account(&mut self, account: &StaffAccount) -> Result<(), StoreError> {
        let n = self
            .write_account(
                "UPDATE auth_accounts SET login = ?2, display_name = ?3, home_organisation = ?4,
                     password_hash = ?5, totp_secret = ?6, last_totp_step = ?7,
                     failed_attempts = ?8, locked_until = ?9, must_change_password = ?10,
                     disabled = ?11, created_at = ?12
                 WHERE id = ?1",
                account,
            )
            .map_err(err)?;
        if n == 0 {
            return Err(StoreError::backend("account not found"));
        }
        Ok(())
    }

    fn membership(
        &self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<Option<Membership>, StoreError> {
        Ok(self.memberships(Some(account), organisation).map_err(err)?.pop())
    }

    fn memberships_of_organisation(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<Membership>, StoreError> {
        self.memberships(None, organisation).map_err(err)
    }

    fn put_membership(&mut self, membership: &Membership) -> Result<(), StoreError> {
        if self.account(membership.account)?.is_none() {
            return Err(StoreError::backend("account not found"));
        }
        let c = self.ctx;
        c.check(c.conn.execute(
            "INSERT INTO auth_memberships (organisation, account, role, contracted_affairs)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (organisation, account) DO UPDATE SET role = excluded.role,
                 contracted_affairs = excluded.contracted_affairs",
            params![
                membership.organisation.as_bytes(),
                membership.account.as_bytes(),
                membership.role.id(),
                affairs_text(membership.contracted_affairs)
            ],
        ))
        .map_err(err)?;
        Ok(())
    }

    fn remove_membership(
        &mut self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<bool, StoreError> {
        let c = self.ctx;
        let n = c
            .check(c.conn.execute(
                "DELETE FROM auth_memberships WHERE organisation = ?1 AND account = ?2",
                params![organisation.as_bytes(), account.as_bytes()],
            ))
            .map_err(err)?;
        Ok(n > 0)
    }

    fn org_policy(
        &self,
        organisation: OrganisationId,
    ) -> Result<Option<OrgAuthPolicy>, StoreError> {
        let c = self.ctx;
        let row: Option<bool> = c
            .check(
                c.conn
                    .prepare_cached(
                        "SELECT require_totp_for_number_roles FROM auth_org_policies
                         WHERE organisation = ?1",
                    )
                    .and_then(|mut s| {
                        s.query_row([organisation.as_bytes()], |r| r.get(0)).optional()
                    }),
            )
            .map_err(err)?;
        Ok(row.map(|require_totp_for_number_roles| OrgAuthPolicy { require_totp_for_number_roles }))
    }

    fn put_org_policy(
        &mut self,
        organisation: OrganisationId,
        policy: &OrgAuthPolicy,
    ) -> Result<(), StoreError> {
        let c = self.ctx;
        c.check(c.conn.execute(
            "INSERT INTO auth_org_policies (organisation, require_totp_for_number_roles)
             VALUES (?1, ?2)
             ON CONFLICT (organisation) DO UPDATE SET
                 require_totp_for_number_roles = excluded.require_totp_for_number_roles",
            params![organisation.as_bytes(), policy.require_totp_for_number_roles],
        ))
        .map_err(err)?;
        Ok(())
    }

    fn insert_session(&mut self, session: &Session) -> Result<(), StoreError> {
        self.write_session(
            "INSERT INTO auth_sessions (token_hash, organisation, account, role,
                 contracted_affairs, scope, client, created_at, last_seen_at, idle_expires_at,
                 absolute_expires_at, revoked_at, revoked_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            session,
        )
        .map_err(|f| match f {
            Fault::Conflict(_) => err(Fault::Conflict("session".into())),
            f => err(f),
        })?;
        Ok(())
    }

    fn session(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError> {
        Ok(self
            .sessions_where("token_hash = ?1", &token_hash.as_bytes().as_slice())
            .map_err(err)?
            .pop())
    }

    fn update_session(&mut self, session: &Session) -> Result<(), StoreError> {
        let n = self
            .write_session(
                "UPDATE auth_sessions SET organisation = ?2, account = ?3, role = ?4,
                     contracted_affairs = ?5, scope = ?6, client = ?7, created_at = ?8,
                     last_seen_at = ?9, idle_expires_at = ?10, absolute_expires_at = ?11,
                     revoked_at = ?12, revoked_reason = ?13
                 WHERE token_hash = ?1",
                session,
            )
            .map_err(err)?;
        if n == 0 {
            return Err(StoreError::backend("session not found"));
        }
        Ok(())
    }

    fn sessions_of_account(&self, account: StaffId) -> Result<Vec<Session>, StoreError> {
        self.sessions_where("account = ?1 ORDER BY token_hash", account.as_bytes()).map_err(err)
    }
}

impl SqlAuth<'_, '_> {
    fn memberships(
        &self,
        account: Option<StaffId>,
        organisation: OrganisationId,
    ) -> Result<Vec<Membership>, Fault> {
        let c = self.ctx;
        let mut stmt = c.check(c.conn.prepare_cached(
            "SELECT account, role, contracted_affairs FROM auth_memberships
             WHERE organisation = ?1 AND (?2 IS NULL OR account = ?2) ORDER BY account",
        ))?;
        let rows = c.check(stmt.query_map(
            params![organisation.as_bytes(), account.as_ref().map(|a| a.as_bytes().to_vec())],
            |r| Ok((r.get::<_, [u8; 16]>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)),
        ))?;
        c.check(rows.collect::<Result<Vec<_>, _>>())?
            .into_iter()
            .map(|(a, r, affairs)| {
                Ok(Membership {
                    account: StaffId::from_uuid(uuid(a)),
                    organisation,
                    role: role(&r)?,
                    contracted_affairs: parse_affairs(&affairs)?,
                })
            })
            .collect()
    }
}
