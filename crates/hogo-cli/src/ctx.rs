//! The per-invocation context: language, output mode, the database's files, the
//! application over the opened store, and the signed-in session.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use hogo::{Hogo, Session, Store};
use hogo_auth::SessionToken;
use hogo_domain::OrganisationId;
use secrecy::SecretString;

use crate::env::{
    self, CliClock, DEMO_CLOCK, DEMO_CLOCK_ID, OsEntropy, Paths, SimulatedDate, StoredSession,
    V7Ids,
};
use crate::i18n::Lang;
use crate::store::{self, AppStore};

/// Global options every command shares.
#[derive(Debug, Clone)]
pub(crate) struct Global {
    /// Language.
    pub(crate) lang: Lang,
    /// JSON output.
    pub(crate) json: bool,
    /// `--db` / `HOGO_DB`.
    pub(crate) db: Option<PathBuf>,
    /// `--key-file`.
    pub(crate) key_file: Option<PathBuf>,
    /// `--org`.
    pub(crate) org: Option<OrganisationId>,
}

/// An opened database.
pub(crate) struct Ctx {
    /// Language.
    pub(crate) lang: Lang,
    /// JSON output.
    pub(crate) json: bool,
    /// The database's files.
    pub(crate) paths: Paths,
    /// The application.
    pub(crate) app: Hogo<AppStore>,
    /// The clock (simulated in a demo database).
    pub(crate) clock: Arc<CliClock>,
    /// `--org`.
    pub(crate) org: Option<OrganisationId>,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").field("db", &self.paths.db).finish_non_exhaustive()
    }
}

/// Builds the application over `store` with the operating-system ports (production
/// Argon2 parameters always).
pub(crate) fn assemble<S: Store>(
    store: S,
    clock: Arc<CliClock>,
    keys: Arc<dyn hogo_vault::KeyProvider>,
) -> Hogo<S> {
    Hogo::new(store, clock, Arc::new(OsEntropy), Arc::new(V7Ids), keys)
}

/// Reads a demo database's simulated date, if any organisation has one.
pub(crate) fn load_simulated<S: Store>(app: &Hogo<S>) -> Result<Option<SimulatedDate>> {
    for org in app.store().organisations()? {
        let doc =
            app.store().transact(org, &mut |tx| tx.docs.get(org, DEMO_CLOCK, DEMO_CLOCK_ID))?;
        if let Some(text) = doc {
            return Ok(Some(serde_json::from_str(&text)?));
        }
    }
    Ok(None)
}

/// Stores a demo database's simulated date in organisation `org`.
pub(crate) fn store_simulated<S: Store>(
    app: &Hogo<S>,
    org: OrganisationId,
    sim: SimulatedDate,
) -> Result<()> {
    let text = serde_json::to_string(&sim)?;
    app.store().transact(org, &mut |tx| tx.docs.put(org, DEMO_CLOCK, DEMO_CLOCK_ID, &text))?;
    Ok(())
}

/// The database path from `--db` / `HOGO_DB`.
pub(crate) fn db_path(g: &Global) -> Result<PathBuf> {
    g.db.clone().context(
        "--db: データベースを指定してください（または HOGO_DB） / give the database with --db (or HOGO_DB)",
    )
}

impl Ctx {
    /// Opens an existing database (or, with `create`, a new one with a new root key).
    pub(crate) fn open(g: &Global, create: bool) -> Result<Self> {
        let db = db_path(g)?;
        if !create && !db.exists() {
            bail!(
                "--db: {} がありません（hogo init で作成します） / {} does not exist (create it with hogo init)",
                db.display(),
                db.display()
            );
        }
        let paths = Paths::resolve(&db, g.key_file.as_deref())?;
        let keys = env::key_provider(&paths, create)?;
        let store = store::open(&paths)?;
        let clock = Arc::new(CliClock::default());
        let app = assemble(store, clock.clone(), keys);
        let ctx = Self { lang: g.lang, json: g.json, paths, app, clock, org: g.org };
        if let Some(sim) = load_simulated(&ctx.app)? {
            ctx.clock.set(Some(sim));
        }
        ctx.banner();
        Ok(ctx)
    }

    /// Prints the simulated date of a demo database (stderr, so JSON stays clean).
    pub(crate) fn banner(&self) {
        if self.clock.is_simulated() {
            use hogo_domain::Clock as _;
            let today = self.clock.today();
            {
                errln!(
                    "{}",
                    self.lang.pick(
                        &format!("シミュレーション日付: {today}（デモ用データベース）"),
                        &format!("シミュレーション日付 / simulated date: {today} (demo database)"),
                    )
                );
            }
        }
    }

    /// The signed-in session of this database (sign in with `hogo login`).
    pub(crate) fn session(&self) -> Result<Session> {
        let stored = StoredSession::load(&self.paths)?.context(
            "ログインしていません（hogo login） / not signed in (run hogo login) (P10, M13)",
        )?;
        if let Some(org) = self.org
            && org != stored.organisation
        {
            bail!(
                "--org: この組織にはログインしていません（hogo login --org {org}） / not signed in to this organisation (hogo login --org {org})"
            );
        }
        Ok(Session::new(
            stored.organisation,
            SessionToken::presented(SecretString::from(stored.token)),
        ))
    }

    /// The organisation to sign in to: `--org`, or the only one in the database.
    pub(crate) fn organisation(&self) -> Result<OrganisationId> {
        if let Some(o) = self.org {
            return Ok(o);
        }
        let all = self.app.store().organisations()?;
        match all.as_slice() {
            [one] => Ok(*one),
            [] => bail!("組織がありません（hogo init） / no organisation (run hogo init)"),
            _ => bail!(
                "--org: 組織が複数あります。--org で選んでください / several organisations: choose one with --org ({})",
                all.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}
