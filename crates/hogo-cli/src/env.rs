//! The composition root: where the database, its root key, its bucket-KEK store and the
//! session file live; the operating-system ports (randomness, ids, clock); and the
//! simulated clock of a demo database.
//!
//! Key material is kept **outside** the database's folder: by default under
//! `$XDG_DATA_HOME/hogo/keys/` (or `~/.local/share/hogo/keys/`), named after a hash of the
//! database's canonical path. Session tokens live under `$XDG_STATE_HOME/hogo/` (or
//! `~/.local/state/hogo/`). Every file written here is created with mode 0600.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use hogo_domain::{Clock, Entropy, IdGen, OrganisationId};
use hogo_vault::{
    Argon2Settings, KeyMaterial, KeyProvider, LocalKeyProvider, PassphraseKeyProvider,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::Zeroizing;

/// Randomness from the operating system.
#[derive(Debug, Default)]
pub(crate) struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&self, buf: &mut [u8]) {
        // The OS generator failing is unrecoverable: a key made of zeros would be worse.
        #[allow(clippy::expect_used, reason = "no safe fallback for a missing OS RNG")]
        getrandom::fill(buf).expect("the operating system's random generator failed");
    }
}

/// Time-ordered ids (UUID v7).
#[derive(Debug, Default)]
pub(crate) struct V7Ids;

impl IdGen for V7Ids {
    fn new_uuid(&self) -> Uuid {
        Uuid::now_v7()
    }
}

/// The system clock, or — in a demo database — a simulated clock that runs from a stored
/// simulated instant at real speed.
#[derive(Debug, Default)]
pub(crate) struct CliClock {
    simulated: Mutex<Option<SimulatedDate>>,
}

/// A simulated date stored in a demo database (collection [`DEMO_CLOCK`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SimulatedDate {
    /// The simulated instant at `anchor`.
    pub(crate) at: DateTime<Utc>,
    /// The real instant it was set.
    pub(crate) anchor: DateTime<Utc>,
}

/// The document collection holding a demo database's simulated clock.
pub(crate) const DEMO_CLOCK: &str = "demo_clock";
/// Its one document id.
pub(crate) const DEMO_CLOCK_ID: &str = "today";

impl CliClock {
    /// Sets the simulated date to 09:00 JST on `date`, from now on.
    #[allow(clippy::disallowed_methods, reason = "the composition root owns the system clock")]
    pub(crate) fn simulate(&self, date: NaiveDate) -> SimulatedDate {
        let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        let sim = SimulatedDate { at: Utc.from_utc_datetime(&naive), anchor: Utc::now() };
        self.set(Some(sim));
        sim
    }

    /// Installs (or removes) a simulated date.
    pub(crate) fn set(&self, sim: Option<SimulatedDate>) {
        *self.simulated.lock().unwrap_or_else(PoisonError::into_inner) = sim;
    }

    /// Whether the clock is simulated.
    pub(crate) fn is_simulated(&self) -> bool {
        self.simulated.lock().unwrap_or_else(PoisonError::into_inner).is_some()
    }
}

impl Clock for CliClock {
    #[allow(clippy::disallowed_methods, reason = "the composition root owns the system clock")]
    fn now(&self) -> DateTime<Utc> {
        let real = Utc::now();
        match *self.simulated.lock().unwrap_or_else(PoisonError::into_inner) {
            Some(sim) => sim.at + (real - sim.anchor).max(chrono::Duration::zero()),
            None => real,
        }
    }
}

/// Where one database's files are.
#[derive(Debug, Clone)]
pub(crate) struct Paths {
    /// The SQLite database.
    pub(crate) db: PathBuf,
    /// The root key file (32 random bytes, 0600), outside the database folder.
    pub(crate) key_file: PathBuf,
    /// The bucket-KEK store, beside the key file.
    pub(crate) kek_store: PathBuf,
    /// The passphrase salt (when `HOGO_PASSPHRASE` is used), beside the key file.
    pub(crate) salt_file: PathBuf,
    /// The session token file (0600).
    pub(crate) session_file: PathBuf,
}

fn home() -> Result<PathBuf> {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .context("HOME が未設定です / HOME is not set (set XDG_DATA_HOME and XDG_STATE_HOME)")
}

fn xdg(var: &str, fallback: &[&str]) -> Result<PathBuf> {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => Ok(PathBuf::from(v)),
        _ => Ok(fallback.iter().fold(home()?, |p, s| p.join(s))),
    }
}

/// The canonical form of a database path that may not exist yet.
fn canonical(db: &Path) -> Result<PathBuf> {
    if let Ok(c) = db.canonicalize() {
        return Ok(c);
    }
    let parent = match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let parent = parent
        .canonicalize()
        .with_context(|| format!("フォルダがありません / no such folder: {}", parent.display()))?;
    Ok(parent.join(db.file_name().context("--db: ファイル名がありません / no file name")?))
}

impl Paths {
    /// The files of the database at `db`; `key_file` overrides the root key's location.
    pub(crate) fn resolve(db: &Path, key_file: Option<&Path>) -> Result<Self> {
        let db = canonical(db)?;
        let digest = Sha256::digest(db.as_os_str().as_encoded_bytes());
        let tag: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        let key_file = match key_file {
            Some(k) => k.to_path_buf(),
            None => xdg("XDG_DATA_HOME", &[".local", "share"])?
                .join("hogo")
                .join("keys")
                .join(format!("{tag}.key")),
        };
        let stem = key_file.with_extension("");
        let kek_store = PathBuf::from(format!("{}.keks.sqlite", stem.display()));
        let salt_file = PathBuf::from(format!("{}.salt", stem.display()));
        let db_dir = db.parent().map(Path::to_path_buf).unwrap_or_default();
        if key_file.parent().is_some_and(|p| canonical_dir(p) == canonical_dir(&db_dir)) {
            bail!(
                "--key-file: 鍵ファイルはデータベースと別のフォルダに置いてください / keep the key file outside the database's folder (M12)"
            );
        }
        let session_file = xdg("XDG_STATE_HOME", &[".local", "state"])?
            .join("hogo")
            .join(format!("{tag}.session"));
        Ok(Self { db, key_file, kek_store, salt_file, session_file })
    }
}

fn canonical_dir(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// Creates the parent folder (0700 on Unix).
fn ensure_parent(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(parent, fs::Permissions::from_mode(0o700));
        }
    }
    Ok(())
}

/// Writes `bytes` to a new or truncated file with mode 0600.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    ensure_parent(path)?;
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// Loads the root key provider: `HOGO_PASSPHRASE` (Argon2id with a salt stored beside the
/// key store) or the key file (32 random bytes). With `create`, a missing key file or salt
/// is made; otherwise a missing one is an error (the database cannot be opened without it).
pub(crate) fn key_provider(paths: &Paths, create: bool) -> Result<Arc<dyn KeyProvider>> {
    if let Some(pass) = std::env::var_os("HOGO_PASSPHRASE") {
        let pass = Zeroizing::new(pass.into_encoded_bytes());
        let salt = if paths.salt_file.exists() {
            fs::read(&paths.salt_file)?
        } else if create {
            let mut s = [0u8; 16];
            OsEntropy.fill(&mut s);
            write_private(&paths.salt_file, &s)?;
            s.to_vec()
        } else {
            bail!(
                "{}: ソルトがありません / the passphrase salt is missing",
                paths.salt_file.display()
            );
        };
        let p = PassphraseKeyProvider::new(&pass, &salt, Argon2Settings::DEFAULT)
            .map_err(|e| anyhow::anyhow!("HOGO_PASSPHRASE: {e}"))?;
        return Ok(Arc::new(p));
    }
    let bytes = Zeroizing::new(if paths.key_file.exists() {
        fs::read(&paths.key_file)
            .with_context(|| format!("cannot read {}", paths.key_file.display()))?
    } else if create {
        let mut k = Zeroizing::new([0u8; 32]);
        OsEntropy.fill(k.as_mut());
        write_private(&paths.key_file, k.as_ref())?;
        k.to_vec()
    } else {
        bail!(
            "{}: ルート鍵ファイルがありません（--key-file で指定できます） / the root key file is missing (use --key-file)",
            paths.key_file.display()
        );
    });
    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        anyhow::anyhow!(
            "{}: ルート鍵は32バイトです / a root key file holds 32 bytes",
            paths.key_file.display()
        )
    })?;
    let key = Zeroizing::new(key);
    Ok(Arc::new(LocalKeyProvider::new(KeyMaterial::from_bytes(*key))))
}

/// The stored session of one database: the organisation and the token (secret).
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredSession {
    /// The organisation.
    pub(crate) organisation: OrganisationId,
    /// The login that signed in (for messages).
    pub(crate) login: String,
    /// The token.
    pub(crate) token: String,
}

impl StoredSession {
    /// Saves the session (0600).
    pub(crate) fn save(&self, paths: &Paths) -> Result<()> {
        let text = Zeroizing::new(serde_json::to_vec(self)?);
        write_private(&paths.session_file, &text)
    }

    /// Loads the session, if any.
    pub(crate) fn load(paths: &Paths) -> Result<Option<Self>> {
        if !paths.session_file.exists() {
            return Ok(None);
        }
        let text = Zeroizing::new(fs::read(&paths.session_file)?);
        Ok(Some(serde_json::from_slice(&text)?))
    }

    /// Deletes the session file.
    pub(crate) fn remove(paths: &Paths) -> Result<()> {
        if paths.session_file.exists() {
            fs::remove_file(&paths.session_file)?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("organisation", &self.organisation)
            .finish_non_exhaustive()
    }
}
