//! The per-invocation context: language, output mode, the database's files, the
//! application over the opened store, and the signed-in session.
//!
//! The store is chosen from `--db`: a `postgres://` / `postgresql://` URL opens
//! [`PostgresStore`] (bucket KEKs in the separate database named by `--key-db` /
//! `HOGO_KEY_DB`, required), anything else is a SQLite file path. [`AnyStore`] holds
//! either, so the commands stay generic code over one `Hogo<AnyStore>`.

use std::path::PathBuf;
use std::sync::Arc;

use hogo::{Error, Tx};
use hogo_postgres::PostgresStore;
use sha2::{Digest as _, Sha256};

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
    /// `--key-db` / `HOGO_KEY_DB`: the key database's URL (PostgreSQL only).
    pub(crate) key_db: Option<String>,
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
    pub(crate) app: Hogo<AnyStore>,
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

/// The store the CLI opened: a SQLite file or a PostgreSQL server.
pub(crate) enum AnyStore {
    /// `--db PATH`.
    Sqlite(AppStore),
    /// `--db postgres://…`.
    Postgres(Box<PostgresStore>),
}

impl Store for AnyStore {
    fn transact<T>(
        &self,
        organisation: OrganisationId,
        f: &mut dyn FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match self {
            Self::Sqlite(s) => s.transact(organisation, f),
            Self::Postgres(s) => s.transact(organisation, f),
        }
    }

    fn organisations(&self) -> Result<Vec<OrganisationId>, Error> {
        match self {
            Self::Sqlite(s) => s.organisations(),
            Self::Postgres(s) => s.organisations(),
        }
    }
}

/// Whether `--db` names a PostgreSQL server rather than a file.
pub(crate) fn is_postgres_url(db: &std::path::Path) -> bool {
    db.to_str().is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// A URL without its password (`user:secret@host` → `user@host`), for display.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

fn xdg_dir(var: &str, fallback: &[&str]) -> Result<PathBuf> {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => Ok(PathBuf::from(v)),
        _ => {
            let home = std::env::var_os("HOME").map(PathBuf::from).context(
                "HOME が未設定です / HOME is not set (set XDG_DATA_HOME and XDG_STATE_HOME)",
            )?;
            Ok(fallback.iter().fold(home, |p, s| p.join(s)))
        }
    }
}

/// The local files of a PostgreSQL database: the root key (by default under
/// `$XDG_DATA_HOME/hogo/keys/`, named after the URL's digest) and the session file.
fn postgres_paths(url: &str, key_file: Option<&std::path::Path>) -> Result<Paths> {
    let digest = Sha256::digest(url.as_bytes());
    let tag: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    let key_file = match key_file {
        Some(k) => k.to_path_buf(),
        None => xdg_dir("XDG_DATA_HOME", &[".local", "share"])?
            .join("hogo")
            .join("keys")
            .join(format!("{tag}.key")),
    };
    let stem = key_file.with_extension("");
    Ok(Paths {
        db: PathBuf::from(redact(url)),
        // Unused on PostgreSQL: the bucket KEKs are in the key database.
        kek_store: PathBuf::from(format!("{}.keks.unused", stem.display())),
        salt_file: PathBuf::from(format!("{}.salt", stem.display())),
        key_file,
        session_file: xdg_dir("XDG_STATE_HOME", &[".local", "state"])?
            .join("hogo")
            .join(format!("{tag}.session")),
    })
}

/// Opens the PostgreSQL store of `--db URL` with the key database of `--key-db`.
fn open_postgres(g: &Global, url: &str) -> Result<PostgresStore> {
    let key_db = g.key_db.as_deref().context(
        "--key-db: PostgreSQL では鍵データベースの URL が必要です（または HOGO_KEY_DB） / give the key database's URL with --key-db (or HOGO_KEY_DB) for PostgreSQL",
    )?;
    PostgresStore::connect(url, key_db).map_err(|e| {
        anyhow::anyhow!(
            "{}: データベースに接続できません / cannot connect to the database: {e}",
            redact(url)
        )
    })
}

impl Ctx {
    /// Opens an existing database (or, with `create`, a new one with a new root key).
    pub(crate) fn open(g: &Global, create: bool) -> Result<Self> {
        let db = db_path(g)?;
        if is_postgres_url(&db) {
            let url = db.to_str().context("--db: URL")?;
            let paths = postgres_paths(url, g.key_file.as_deref())?;
            let keys = env::key_provider(&paths, create)?;
            let store = AnyStore::Postgres(Box::new(open_postgres(g, url)?));
            return Self::assemble_ctx(g, paths, store, keys);
        }
        if !create && !db.exists() {
            bail!(
                "--db: {} がありません（hogo init で作成します） / {} does not exist (create it with hogo init)",
                db.display(),
                db.display()
            );
        }
        let paths = Paths::resolve(&db, g.key_file.as_deref())?;
        let keys = env::key_provider(&paths, create)?;
        let store = AnyStore::Sqlite(store::open(&paths)?);
        Self::assemble_ctx(g, paths, store, keys)
    }

    fn assemble_ctx(
        g: &Global,
        paths: Paths,
        store: AnyStore,
        keys: Arc<dyn hogo_vault::KeyProvider>,
    ) -> Result<Self> {
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

/// `hogo demo --db postgres://… --key-db postgres://…`: the demo's journeys on a
/// PostgreSQL database that holds no organisation yet (the file-path demo is
/// `crate::demo::run`).
pub(crate) fn demo_postgres(g: &Global) -> Result<()> {
    let ctx = Ctx::open(g, true)?;
    if !ctx.app.store().organisations()?.is_empty() {
        bail!(
            "--db: {} には既にデータがあります。デモは空のデータベースで実行します / {} holds data: the demo needs an empty database",
            ctx.paths.db.display(),
            ctx.paths.db.display()
        );
    }
    let lang = ctx.lang;
    outln!("{}: {}", lang.pick("データベース", "database"), ctx.paths.db.display());
    let done = crate::demo::run_on(&ctx.app, &ctx.clock, lang)?;
    StoredSession {
        organisation: done.organisation,
        login: "manager".into(),
        token: done.manager.token().expose().to_owned(),
    }
    .save(&ctx.paths)?;
    outln!(
        "{}",
        lang.pick(
            "完了しました。事務取扱責任者（manager）としてログインしたままです。",
            "Done. You are signed in as the number manager (manager)."
        )
    );
    outln!("{}: {}", lang.pick("ルート鍵", "root key"), ctx.paths.key_file.display());
    Ok(())
}
