//! The [`AuthStore`] handle: staff accounts, memberships, organisation policies and
//! sessions.
//!
//! By the port's design an account is global to the database (one person may act for
//! several organisations, M14), so account and session lookups are not limited to the
//! transaction's organisation; memberships and policies are keyed by the organisation
//! the caller names, sessions by their token hash (never the token).
//!
//! Reading a session also reads its account and its membership in the session's
//! organisation (one round trip; resolving a session needs all three); they are cached
//! for the rest of the transaction, as are the accounts and memberships it writes.
//!
//! **Session touches are buffered** (M13): resolving a session moves its last-seen time
//! and idle expiry forward on every use, i.e. an `update_session` per request. When an
//! update changes nothing else of the session as this transaction last read or wrote it,
//! it is buffered and sent with the transaction's other writes at the flush before
//! `COMMIT` ([`crate::buffer`]) as an `UPDATE` of those two columns only — so a rollback
//! drops it with everything else, and a revocation another transaction commits meanwhile
//! is never written over (the full-row `UPDATE` it replaces would have). Reads of this
//! transaction see it: `session` and `sessions_of_account` apply buffered touches to the
//! rows they read. Any other change is written at once, in full, and supersedes a
//! buffered touch of the same session.

use chrono::{DateTime, Utc};
use hogo_auth::{
    AuthStore, ClientLabel, DisplayName, LoginName, Membership, OrgAuthPolicy, PasswordHash,
    RevocationReason, SealedTotp, Session, SessionScope, StaffAccount, StoreError, TokenHash,
    TotpFactor,
};
use hogo_domain::{Affair, AffairSet, OrganisationId, Role, StaffId};
use postgres::Row;

use crate::tx::{
    Columns, Fault, Params, TxCtx, array, col, need, parse_time, time_text, to_i64, to_u32, to_u64,
    uuid_col,
};

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

fn account_from(r: &Row) -> Result<StaffAccount, Fault> {
    account_at(r, 0)
}

/// An account from the twelve columns of `r` starting at `at`.
fn account_at(r: &impl Columns, at: usize) -> Result<StaffAccount, Fault> {
    const W: &str = "account";
    let corrupt = |what| move |_| Fault::Corrupt(what);
    let text = |i| need(r.text(at + i, W)?, W);
    let totp = r.bytes(at + 5, W)?;
    let step = r.int(at + 6, W)?;
    let locked = r.text(at + 8, W)?;
    Ok(StaffAccount {
        id: StaffId::from_uuid(r.id(at, W)?),
        login: LoginName::parse(text(1)?).map_err(corrupt("account login"))?,
        display_name: DisplayName::parse(text(2)?).map_err(corrupt("account display name"))?,
        home_organisation: OrganisationId::from_uuid(r.id(at + 3, W)?),
        password_hash: PasswordHash::from_phc(text(4)?)
            .map_err(corrupt("account password hash"))?,
        // Only the sealed form is ever stored (M13); the application layer opens it.
        totp_secret: totp.map(|b| TotpFactor::Sealed(SealedTotp::from_bytes(b))),
        last_totp_step: step.map(|s| to_u64(s, "account totp step")).transpose()?,
        failed_attempts: to_u32(need(r.int(at + 7, W)?, W)?, "account failed attempts")?,
        locked_until: locked.map(|t| parse_time(t, "account lock")).transpose()?,
        must_change_password: need(r.flag(at + 9, W)?, W)?,
        disabled: need(r.flag(at + 10, W)?, W)?,
        created_at: parse_time(text(11)?, "account creation time")?,
    })
}

fn session_from(r: &impl Columns) -> Result<Session, Fault> {
    const W: &str = "session";
    let hash = need(r.bytes(0, W)?, W)?;
    let texts: Vec<&str> = (3..11).map(|i| need(r.text(i, W)?, W)).collect::<Result<_, _>>()?;
    let revoked_at = r.text(11, W)?;
    let revoked_reason = r.text(12, W)?;
    let t = |i: usize, what| parse_time(texts[i], what);
    Ok(Session {
        token_hash: TokenHash::from_bytes(array(&hash, "session token hash")?),
        account: StaffId::from_uuid(r.id(2, W)?),
        organisation: OrganisationId::from_uuid(r.id(1, W)?),
        role: role(texts[0])?,
        contracted_affairs: parse_affairs(texts[1])?,
        scope: parse_scope(texts[2])?,
        client: ClientLabel::parse(texts[3]).map_err(|_| Fault::Corrupt("session client"))?,
        created_at: t(4, "session time")?,
        last_seen_at: t(5, "session time")?,
        idle_expires_at: t(6, "session time")?,
        absolute_expires_at: t(7, "session time")?,
        revoked: match (revoked_at, revoked_reason) {
            (Some(at), Some(why)) => {
                Some((parse_time(at, "session revocation")?, parse_reason(why)?))
            }
            (None, None) => None,
            _ => return Err(Fault::Corrupt("session revocation")),
        },
    })
}

/// A session with its account and its membership in the session's organisation, as
/// [`SESSION_ACCOUNT_MEMBERSHIP`] returns them (one row, either protocol).
pub(crate) type SessionRead = (Session, Option<StaffAccount>, Option<Membership>);

/// Decodes a row of [`SESSION_ACCOUNT_MEMBERSHIP`].
pub(crate) fn session_read(r: &impl Columns) -> Result<SessionRead, Fault> {
    let session = session_from(r)?;
    let account = match r.bytes(13, "account")? {
        Some(_) => Some(account_at(r, 13)?),
        None => None,
    };
    let membership = match r.text(25, "membership")? {
        Some(role_id) => Some(Membership {
            account: session.account,
            organisation: session.organisation,
            role: role(role_id)?,
            contracted_affairs: parse_affairs(need(r.text(26, "membership")?, "membership")?)?,
        }),
        None => None,
    };
    Ok((session, account, membership))
}

fn opt_time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(time_text)
}

const ACCOUNT_BY_ID: &str = "SELECT id, login, display_name, home_organisation, password_hash,
    totp_secret, last_totp_step, failed_attempts, locked_until, must_change_password,
    disabled, created_at FROM auth_accounts WHERE id = $1";
const ACCOUNT_BY_LOGIN: &str = "SELECT id, login, display_name, home_organisation, password_hash,
    totp_secret, last_totp_step, failed_attempts, locked_until, must_change_password,
    disabled, created_at FROM auth_accounts WHERE login = $1";
/// A session with its account and its membership in the session's organisation, in one
/// round trip: resolving a session reads all three next (the account and membership go
/// to the transaction's cache).
pub(crate) const SESSION_ACCOUNT_MEMBERSHIP: &str =
    "SELECT s.token_hash, s.organisation, s.account,
    s.role, s.contracted_affairs, s.scope, s.client, s.created_at, s.last_seen_at,
    s.idle_expires_at, s.absolute_expires_at, s.revoked_at, s.revoked_reason,
    a.id, a.login, a.display_name, a.home_organisation, a.password_hash, a.totp_secret,
    a.last_totp_step, a.failed_attempts, a.locked_until, a.must_change_password, a.disabled,
    a.created_at, m.role, m.contracted_affairs
    FROM auth_sessions s
    LEFT JOIN auth_accounts a ON a.id = s.account
    LEFT JOIN auth_memberships m ON m.organisation = s.organisation AND m.account = s.account
    WHERE s.token_hash = $1";
const SESSIONS_OF_ACCOUNT: &str = "SELECT token_hash, organisation, account, role,
    contracted_affairs, scope, client, created_at, last_seen_at, idle_expires_at,
    absolute_expires_at, revoked_at, revoked_reason FROM auth_sessions WHERE account = $1
    ORDER BY token_hash";

/// The auth handle of one transaction.
pub(crate) struct PgAuth<'a, 'c> {
    pub(crate) ctx: &'a TxCtx<'c>,
}

impl PgAuth<'_, '_> {
    fn account_where(
        &self,
        sql: &'static str,
        p: &Params<'_>,
    ) -> Result<Option<StaffAccount>, Fault> {
        self.ctx.opt(sql, p)?.as_ref().map(account_from).transpose()
    }

    fn write_account(&self, sql: &'static str, a: &StaffAccount) -> Result<u64, Fault> {
        // A clear TOTP secret is refused: only the sealed form reaches the server (M13).
        let totp = a.totp_at_rest().map_err(|e| Fault::Backend(e.to_string()))?;
        self.ctx.exec(
            sql,
            &[
                &a.id.as_bytes().as_slice(),
                &a.login.as_str(),
                &a.display_name.as_str(),
                &a.home_organisation.as_bytes().as_slice(),
                &a.password_hash.as_phc(),
                &totp,
                &a.last_totp_step.map(to_i64),
                &i64::from(a.failed_attempts),
                &opt_time(a.locked_until),
                &a.must_change_password,
                &a.disabled,
                &time_text(&a.created_at),
            ],
        )
    }

    fn write_session(&self, sql: &'static str, s: &Session) -> Result<u64, Fault> {
        // The session read with the begin is older than this write.
        self.ctx.cache.borrow_mut().begin_session = None;
        self.ctx.exec(
            sql,
            &[
                &s.token_hash.as_bytes().as_slice(),
                &s.organisation.as_bytes().as_slice(),
                &s.account.as_bytes().as_slice(),
                &s.role.id(),
                &affairs_text(s.contracted_affairs),
                &scope_id(s.scope),
                &s.client.as_str(),
                &time_text(&s.created_at),
                &time_text(&s.last_seen_at),
                &time_text(&s.idle_expires_at),
                &time_text(&s.absolute_expires_at),
                &opt_time(s.revoked.map(|r| r.0)),
                &s.revoked.map(|r| reason_id(r.1)),
            ],
        )
    }

    fn memberships(
        &self,
        account: Option<StaffId>,
        organisation: OrganisationId,
    ) -> Result<Vec<Membership>, Fault> {
        let c = self.ctx;
        let org = organisation.as_bytes().as_slice();
        let rows = match account {
            Some(a) => c.query(
                "SELECT account, role, contracted_affairs FROM auth_memberships
                 WHERE organisation = $1 AND account = $2",
                &[&org, &a.as_bytes().as_slice()],
            )?,
            None => c.query(
                "SELECT account, role, contracted_affairs FROM auth_memberships
                 WHERE organisation = $1 ORDER BY account",
                &[&org],
            )?,
        };
        rows.iter()
            .map(|r| {
                Ok(Membership {
                    account: StaffId::from_uuid(uuid_col(r, 0, "membership")?),
                    organisation,
                    role: role(col(r, 1, "membership")?)?,
                    contracted_affairs: parse_affairs(col(r, 2, "membership")?)?,
                })
            })
            .collect()
    }
}

impl PgAuth<'_, '_> {
    /// A session read from the server as this transaction sees it: with its buffered
    /// touch applied, remembered for [`Self::buffer_touch`].
    fn seen(&self, mut session: Session) -> Session {
        let mut cache = self.ctx.cache.borrow_mut();
        if let Some((seen, idle)) = cache.touches.get(&session.token_hash) {
            // Both were formatted from valid times by this transaction.
            if let (Ok(seen), Ok(idle)) =
                (parse_time(seen, "session time"), parse_time(idle, "session time"))
            {
                session.last_seen_at = seen;
                session.idle_expires_at = idle;
            }
        }
        cache.sessions.insert(session.token_hash, session.clone());
        session
    }

    /// Buffers `session` as a touch when it differs from the session as this transaction
    /// last read or wrote it in the last-seen time and idle expiry at most (see the module
    /// docs); `false` when it must be written in full now.
    fn buffer_touch(&self, session: &Session) -> bool {
        let mut cache = self.ctx.cache.borrow_mut();
        let Some(known) = cache.sessions.get(&session.token_hash) else { return false };
        let mut touched = known.clone();
        touched.last_seen_at = session.last_seen_at;
        touched.idle_expires_at = session.idle_expires_at;
        if touched != *session {
            return false;
        }
        cache.touches.insert(
            session.token_hash,
            (time_text(&session.last_seen_at), time_text(&session.idle_expires_at)),
        );
        cache.sessions.insert(session.token_hash, touched);
        true
    }
}

impl AuthStore for PgAuth<'_, '_> {
    fn account(&self, id: StaffId) -> Result<Option<StaffAccount>, StoreError> {
        if let Some(known) = self.ctx.cache.borrow().accounts.get(&id) {
            return Ok(known.clone());
        }
        self.account_where(ACCOUNT_BY_ID, &[&id.as_bytes().as_slice()]).map_err(err)
    }

    fn account_by_login(&self, login: &LoginName) -> Result<Option<StaffAccount>, StoreError> {
        self.account_where(ACCOUNT_BY_LOGIN, &[&login.as_str()]).map_err(err)
    }

    fn insert_account(&mut self, account: &StaffAccount) -> Result<(), StoreError> {
        // ON CONFLICT DO NOTHING: a duplicate id or login is reported without aborting the
        // PostgreSQL transaction (the closure may go on after the error, as on SQLite).
        let n = self
            .write_account(
                "INSERT INTO auth_accounts (id, login, display_name, home_organisation,
                     password_hash, totp_secret, last_totp_step, failed_attempts, locked_until,
                     must_change_password, disabled, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT DO NOTHING",
                account,
            )
            .map_err(err)?;
        if n == 0 {
            return Err(err(Fault::Conflict("account".into())));
        }
        self.ctx.cache.borrow_mut().accounts.insert(account.id, Some(account.clone()));
        Ok(())
    }

    fn update_account(&mut self, account: &StaffAccount) -> Result<(), StoreError> {
        if let Some(other) = self.account_by_login(&account.login)?
            && other.id != account.id
        {
            return Err(err(Fault::Conflict("account".into())));
        }
        let n = self
            .write_account(
                "UPDATE auth_accounts SET login = $2, display_name = $3, home_organisation = $4,
                     password_hash = $5, totp_secret = $6, last_totp_step = $7,
                     failed_attempts = $8, locked_until = $9, must_change_password = $10,
                     disabled = $11, created_at = $12
                 WHERE id = $1",
                account,
            )
            .map_err(err)?;
        if n == 0 {
            return Err(StoreError::backend("account not found"));
        }
        self.ctx.cache.borrow_mut().accounts.insert(account.id, Some(account.clone()));
        Ok(())
    }

    fn membership(
        &self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<Option<Membership>, StoreError> {
        if let Some(known) = self.ctx.cache.borrow().memberships.get(&(organisation, account)) {
            return Ok(*known);
        }
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
        self.ctx
            .exec(
                "INSERT INTO auth_memberships (organisation, account, role, contracted_affairs)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (organisation, account) DO UPDATE SET role = excluded.role,
                     contracted_affairs = excluded.contracted_affairs",
                &[
                    &membership.organisation.as_bytes().as_slice(),
                    &membership.account.as_bytes().as_slice(),
                    &membership.role.id(),
                    &affairs_text(membership.contracted_affairs),
                ],
            )
            .map_err(err)?;
        self.ctx
            .cache
            .borrow_mut()
            .memberships
            .insert((membership.organisation, membership.account), Some(*membership));
        Ok(())
    }

    fn remove_membership(
        &mut self,
        account: StaffId,
        organisation: OrganisationId,
    ) -> Result<bool, StoreError> {
        let n = self
            .ctx
            .exec(
                "DELETE FROM auth_memberships WHERE organisation = $1 AND account = $2",
                &[&organisation.as_bytes().as_slice(), &account.as_bytes().as_slice()],
            )
            .map_err(err)?;
        self.ctx.cache.borrow_mut().memberships.insert((organisation, account), None);
        Ok(n > 0)
    }

    fn org_policy(
        &self,
        organisation: OrganisationId,
    ) -> Result<Option<OrgAuthPolicy>, StoreError> {
        let row = self
            .ctx
            .opt(
                "SELECT require_totp_for_number_roles FROM auth_org_policies
                 WHERE organisation = $1",
                &[&organisation.as_bytes().as_slice()],
            )
            .map_err(err)?;
        row.map(|r| {
            col(&r, 0, "organisation policy")
                .map(|require_totp_for_number_roles| OrgAuthPolicy {
                    require_totp_for_number_roles,
                })
                .map_err(err)
        })
        .transpose()
    }

    fn put_org_policy(
        &mut self,
        organisation: OrganisationId,
        policy: &OrgAuthPolicy,
    ) -> Result<(), StoreError> {
        self.ctx
            .exec(
                "INSERT INTO auth_org_policies (organisation, require_totp_for_number_roles)
                 VALUES ($1, $2)
                 ON CONFLICT (organisation) DO UPDATE SET
                     require_totp_for_number_roles = excluded.require_totp_for_number_roles",
                &[&organisation.as_bytes().as_slice(), &policy.require_totp_for_number_roles],
            )
            .map_err(err)?;
        Ok(())
    }

    fn insert_session(&mut self, session: &Session) -> Result<(), StoreError> {
        let n = self
            .write_session(
                "INSERT INTO auth_sessions (token_hash, organisation, account, role,
                     contracted_affairs, scope, client, created_at, last_seen_at, idle_expires_at,
                     absolute_expires_at, revoked_at, revoked_reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 ON CONFLICT DO NOTHING",
                session,
            )
            .map_err(err)?;
        if n == 0 {
            return Err(err(Fault::Conflict("session".into())));
        }
        self.ctx.cache.borrow_mut().sessions.insert(session.token_hash, session.clone());
        Ok(())
    }

    fn session(&self, token_hash: &TokenHash) -> Result<Option<Session>, StoreError> {
        let c = self.ctx;
        // Read with the transaction's begin (`Store::transact_with_session`) when no write
        // of this transaction has touched it since; read now otherwise.
        let prefetched = c.cache.borrow_mut().take_begin_session(token_hash);
        let read = match prefetched {
            Some(read) => read,
            None => c
                .opt(SESSION_ACCOUNT_MEMBERSHIP, &[&token_hash.as_bytes().as_slice()])
                .map_err(err)?
                .map(|r| session_read(&r))
                .transpose()
                .map_err(err)?,
        };
        let Some((session, account, membership)) = read else { return Ok(None) };
        let session = self.seen(session);
        let mut cache = c.cache.borrow_mut();
        // What this transaction wrote itself is newer than the row just read.
        cache.accounts.entry(session.account).or_insert(account);
        cache.memberships.entry((session.organisation, session.account)).or_insert(membership);
        Ok(Some(session))
    }

    fn update_session(&mut self, session: &Session) -> Result<(), StoreError> {
        if self.buffer_touch(session) {
            return Ok(());
        }
        // A full write: it carries the newest last-seen time, so a buffered touch of this
        // session is superseded.
        self.ctx.cache.borrow_mut().touches.remove(&session.token_hash);
        let n = self
            .write_session(
                "UPDATE auth_sessions SET organisation = $2, account = $3, role = $4,
                     contracted_affairs = $5, scope = $6, client = $7, created_at = $8,
                     last_seen_at = $9, idle_expires_at = $10, absolute_expires_at = $11,
                     revoked_at = $12, revoked_reason = $13
                 WHERE token_hash = $1",
                session,
            )
            .map_err(err)?;
        if n == 0 {
            return Err(StoreError::backend("session not found"));
        }
        self.ctx.cache.borrow_mut().sessions.insert(session.token_hash, session.clone());
        Ok(())
    }

    fn sessions_of_account(&self, account: StaffId) -> Result<Vec<Session>, StoreError> {
        let rows =
            self.ctx.query(SESSIONS_OF_ACCOUNT, &[&account.as_bytes().as_slice()]).map_err(err)?;
        rows.iter().map(|r| session_from(r).map(|s| self.seen(s)).map_err(err)).collect()
    }
}
