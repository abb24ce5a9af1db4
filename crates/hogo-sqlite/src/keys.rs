//! The key file: bucket KEKs in a **separate** SQLite file, and the [`KekStore`] handle.
//!
//! # Why apart
//! Crypto-shredding a retention bucket (M11, P11) destroys its KEK. That reaches old
//! backups only if data backups never contain the KEKs: a data backup restored next to
//! the *current* key file cannot revive a shredded bucket, because its KEK is a tombstone
//! there. So the KEKs (wrapped by the root key) live in their own file, created with
//! `0600` permissions, opened through its own connection, and left out of
//! [`SqliteStore::backup_to`](crate::SqliteStore::backup_to). Back it up on its own, to
//! another medium, on a short rotation
//! ([`SqliteStore::backup_keys_to`](crate::SqliteStore::backup_keys_to)): a key-file
//! backup older than a shred still holds the shredded KEK, so keep few and expire them
//! sooner than the shortest retention bucket. The root key (which wraps the KEKs) is a
//! third thing, kept outside both files.
//!
//! # Two files, one transaction: the protocol
//! SQLite in WAL mode does not commit atomically across two files, so the adapter orders
//! its writes so that every crash leaves a safe state:
//!
//! 1. **Creations and updates** of a KEK (`put_bucket_kek`: a new bucket, a rekey, a
//!    rewrap after a root rotation) are written to the key file **at once, in their own
//!    committed transaction**, before the main transaction commits. Key-file rows are
//!    keyed by `(organisation, bucket, kek id)`, so a new KEK is a new row and never
//!    overwrites the one in use; the data file's `bucket_kek_refs` (ids only) says which
//!    row is current, inside the main transaction. After a rollback or a crash the new row
//!    is an orphan nobody refers to: harmless (it wraps nothing that was committed).
//! 2. **Destructions** (`destroy_bucket_kek`, and the KEK a rekey replaced) are recorded
//!    as rows of `kek_pending_destruction` **in the main transaction**. Readers within
//!    and after that transaction see the KEK as destroyed at once. Right after the main
//!    commit the adapter applies them to the key file: the material is overwritten with
//!    zeros, then replaced by a tombstone (`secure_delete=ON` zeroes the freed space),
//!    the key file's WAL is checkpointed and truncated, and the pending rows are deleted.
//! 3. **Recovery**: a crash between the main commit and step 2's key-file write leaves
//!    pending rows behind; [`SqliteStore::open`](crate::SqliteStore::open) applies them
//!    before anything else, and readers treat them as destroyed meanwhile. Applying is
//!    idempotent, so a crash in the middle of it is also safe.
//!
//! A destroyed KEK is never revived: putting an active row for a KEK id that has a
//! tombstone or a pending destruction is refused.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use hogo_domain::OrganisationId;
use hogo_vault::{
    Bucket, BucketKekRecord, KekState, KekStore, KeyId, KeyVersion, StoreError, WrappedKey,
};
use rusqlite::{Connection, OptionalExtension, params};

use crate::db::{KEY_MIGRATIONS, SqliteError, migrate_with};
use crate::tx::{Fault, TxCtx, array, uuid};

/// A row of the key file.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum KeyRow {
    /// The wrapped KEK.
    Active(WrappedKey),
    /// A tombstone.
    Destroyed,
}

/// The key file and its one connection.
pub(crate) struct KeyFile {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyFile").field("path", &self.path).finish_non_exhaustive()
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> Result<(), SqliteError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let io = |e: std::io::Error| SqliteError::KeyFile(e.to_string());
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(SqliteError::KeyFile(format!(
                    "{} is readable by others (mode {:o}); chmod 600 it",
                    path.display(),
                    mode & 0o777
                )));
            }
            Ok(())
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> Result<(), SqliteError> {
    // Non-unix platforms: rely on the folder's ACL.
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map(|_| ())
        .map_err(|e| SqliteError::KeyFile(e.to_string()))
}

impl KeyFile {
    /// Opens (creating with mode 0600 if needed) and migrates the key file.
    pub(crate) fn open(path: &Path) -> Result<Self, SqliteError> {
        create_private(path)?;
        let mut conn = crate::db::Database::connect(path)?;
        migrate_with(&mut conn, KEY_MIGRATIONS)?;
        Ok(Self { path: path.to_owned(), conn: Mutex::new(conn) })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// One row.
    pub(crate) fn get(
        &self,
        org: OrganisationId,
        bucket: Bucket,
        kek: KeyId,
    ) -> rusqlite::Result<Option<Result<KeyRow, Fault>>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT state, root_version, wrapped FROM bucket_keks
             WHERE organisation = ?1 AND bucket = ?2 AND kek = ?3",
        )?;
        stmt.query_row(params![org.as_bytes(), bucket.id(), kek.0.as_bytes()], |r| {
            let state: String = r.get(0)?;
            let version: Option<i64> = r.get(1)?;
            let wrapped: Option<Vec<u8>> = r.get(2)?;
            Ok(match (state.as_str(), version, wrapped) {
                ("destroyed", _, _) => Ok(KeyRow::Destroyed),
                ("active", Some(v), Some(bytes)) => u32::try_from(v)
                    .map(|v| KeyRow::Active(WrappedKey { version: KeyVersion(v), bytes }))
                    .map_err(|_| Fault::Corrupt("bucket KEK")),
                _ => Err(Fault::Corrupt("bucket KEK")),
            })
        })
        .optional()
    }

    /// Writes an active KEK row in its own committed transaction. `Ok(false)` when the
    /// KEK id has a tombstone (it is never revived).
    pub(crate) fn put_active(
        &self,
        org: OrganisationId,
        bucket: Bucket,
        kek: KeyId,
        wrapped: &WrappedKey,
    ) -> rusqlite::Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let ids = params![org.as_bytes(), bucket.id(), kek.0.as_bytes()];
        let state: Option<String> = tx
            .query_row(
                "SELECT state FROM bucket_keks WHERE organisation = ?1 AND bucket = ?2 AND kek = ?3",
                ids,
                |r| r.get(0),
            )
            .optional()?;
        if state.as_deref() == Some("destroyed") {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO bucket_keks (organisation, bucket, kek, state, root_version, wrapped)
             VALUES (?1, ?2, ?3, 'active', ?4, ?5)
             ON CONFLICT (organisation, bucket, kek)
             DO UPDATE SET root_version = excluded.root_version, wrapped = excluded.wrapped",
            params![
                org.as_bytes(),
                bucket.id(),
                kek.0.as_bytes(),
                i64::from(wrapped.version.0),
                wrapped.bytes
            ],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Destroys a KEK: overwrites its material with zeros, leaves a tombstone, commits,
    /// and checkpoints (TRUNCATE) the key file's WAL so no frame keeps the old bytes.
    /// Idempotent.
    pub(crate) fn destroy(
        &self,
        org: OrganisationId,
        bucket: Bucket,
        kek: &[u8; 16],
    ) -> rusqlite::Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let ids = params![org.as_bytes(), bucket.id(), kek];
        tx.execute(
            "UPDATE bucket_keks SET wrapped = zeroblob(length(wrapped))
             WHERE organisation = ?1 AND bucket = ?2 AND kek = ?3 AND wrapped IS NOT NULL",
            ids,
        )?;
        tx.execute(
            "INSERT INTO bucket_keks (organisation, bucket, kek, state, destroyed_at)
             VALUES (?1, ?2, ?3, 'destroyed', strftime('%Y-%m-%dT%H:%M:%fZ','now'))
             ON CONFLICT (organisation, bucket, kek) DO UPDATE SET
                 state = 'destroyed', root_version = NULL, wrapped = NULL,
                 destroyed_at = COALESCE(bucket_keks.destroyed_at, excluded.destroyed_at)",
            ids,
        )?;
        tx.commit()?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// `VACUUM INTO dest`: a consistent copy of the key file (keep it apart from data backups).
    pub(crate) fn backup_to(&self, dest: &Path) -> rusqlite::Result<()> {
        self.lock().execute("VACUUM INTO ?1", [dest.to_string_lossy().into_owned()]).map(|_| ())
    }

    /// Runs `f` on the key file's connection (tests and maintenance).
    pub(crate) fn with_connection<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        f(&self.lock())
    }
}

fn vault_err(f: Fault) -> StoreError {
    match f {
        Fault::Busy(_) => StoreError::Busy,
        Fault::Corrupt(what) => StoreError::Corrupt { what },
        other => StoreError::Backend { message: other.to_string() },
    }
}

/// The bucket-KEK handle of one transaction (see the module docs for the protocol).
pub(crate) struct SqlKeks<'a, 'c> {
    pub(crate) ctx: &'a TxCtx<'c>,
}

impl SqlKeks<'_, '_> {
    fn current_ref(&self, bucket: Bucket) -> Result<Option<[u8; 16]>, Fault> {
        let c = self.ctx;
        let mut stmt = c.check(c.conn.prepare_cached(
            "SELECT kek FROM bucket_kek_refs WHERE organisation = ?1 AND bucket = ?2",
        ))?;
        c.check(stmt.query_row(params![c.org_blob(), bucket.id()], |r| r.get(0)).optional())
    }

    fn pending(&self, bucket: Bucket, kek: &[u8; 16]) -> Result<bool, Fault> {
        let c = self.ctx;
        let mut stmt = c.check(c.conn.prepare_cached(
            "SELECT 1 FROM kek_pending_destruction
             WHERE organisation = ?1 AND bucket = ?2 AND kek = ?3",
        ))?;
        c.check(stmt.exists(params![c.org_blob(), bucket.id(), kek]))
    }

    fn add_pending(&self, bucket: Bucket, kek: &[u8; 16]) -> Result<(), Fault> {
        let c = self.ctx;
        c.check(c.conn.execute(
            "INSERT OR IGNORE INTO kek_pending_destruction (organisation, bucket, kek)
             VALUES (?1, ?2, ?3)",
            params![c.org_blob(), bucket.id(), kek],
        ))?;
        c.destroyed.set(true);
        Ok(())
    }

    fn set_ref(&self, bucket: Bucket, kek: &[u8; 16]) -> Result<(), Fault> {
        let c = self.ctx;
        c.check(c.conn.execute(
            "INSERT INTO bucket_kek_refs (organisation, bucket, kek) VALUES (?1, ?2, ?3)
             ON CONFLICT (organisation, bucket) DO UPDATE SET kek = excluded.kek",
            params![c.org_blob(), bucket.id(), kek],
        ))?;
        Ok(())
    }

    fn read(&self, bucket: Bucket) -> Result<Option<BucketKekRecord>, Fault> {
        let Some(kek) = self.current_ref(bucket)? else { return Ok(None) };
        let record = |state| BucketKekRecord {
            organisation: self.ctx.org,
            bucket,
            kek: KeyId(uuid(kek)),
            state,
        };
        if self.pending(bucket, &kek)? {
            return Ok(Some(record(KekState::Destroyed)));
        }
        match self.ctx.check(self.ctx.keys.get(self.ctx.org, bucket, KeyId(uuid(kek))))? {
            None => Ok(None),
            Some(row) => Ok(Some(record(match row? {
                KeyRow::Active(w) => KekState::Active(w),
                KeyRow::Destroyed => KekState::Destroyed,
            }))),
        }
    }

    fn put(&self, record: BucketKekRecord) -> Result<(), Fault> {
        self.ctx.scope(record.organisation)?;
        let bucket = record.bucket;
        let kek = *record.kek.0.as_bytes();
        let old = self.current_ref(bucket)?;
        match &record.state {
            KekState::Active(w) => {
                if self.pending(bucket, &kek)? {
                    return Err(revived());
                }
                // Step 1 of the protocol: the key file first, committed on its own.
                if !self.ctx.check(self.ctx.keys.put_active(self.ctx.org, bucket, record.kek, w))? {
                    return Err(revived());
                }
            }
            KekState::Destroyed => self.add_pending(bucket, &kek)?,
        }
        self.set_ref(bucket, &kek)?;
        if let Some(old) = old.filter(|o| *o != kek) {
            // The KEK this one replaces (a rekey): destroyed after the main commit.
            self.add_pending(bucket, &old)?;
        }
        Ok(())
    }
}

fn revived() -> Fault {
    Fault::Backend("bucket_kek: a destroyed KEK is never revived (M11)".into())
}

impl KekStore for SqlKeks<'_, '_> {
    fn bucket_kek(
        &self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<Option<BucketKekRecord>, StoreError> {
        self.ctx.scope(organisation).map_err(vault_err)?;
        self.read(bucket).map_err(vault_err)
    }

    fn put_bucket_kek(&mut self, record: BucketKekRecord) -> Result<(), StoreError> {
        self.put(record).map_err(vault_err)
    }

    fn bucket_keks(&self) -> Result<Vec<BucketKekRecord>, StoreError> {
        let c = self.ctx;
        let buckets: Vec<String> = (|| {
            let mut stmt = c.check(
                c.conn.prepare_cached("SELECT bucket FROM bucket_kek_refs WHERE organisation = ?1"),
            )?;
            let rows = c.check(stmt.query_map([c.org_blob()], |r| r.get(0)))?;
            c.check(rows.collect::<Result<Vec<String>, _>>())
        })()
        .map_err(vault_err)?;
        let mut buckets = buckets
            .iter()
            .map(|b| Bucket::from_id(b).ok_or(StoreError::Corrupt { what: "bucket id" }))
            .collect::<Result<Vec<_>, _>>()?;
        buckets.sort();
        let mut out = Vec::with_capacity(buckets.len());
        for b in buckets {
            if let Some(r) = self.read(b).map_err(vault_err)? {
                out.push(r);
            }
        }
        Ok(out)
    }

    fn destroy_bucket_kek(
        &mut self,
        organisation: OrganisationId,
        bucket: Bucket,
    ) -> Result<bool, StoreError> {
        self.ctx.scope(organisation).map_err(vault_err)?;
        match self.read(bucket).map_err(vault_err)? {
            Some(BucketKekRecord { kek, state: KekState::Active(_), .. }) => {
                self.add_pending(bucket, kek.0.as_bytes()).map_err(vault_err)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// Applies every pending destruction recorded in the data file to the key file (step 2 /
/// 3 of the protocol); returns how many were applied. Idempotent.
pub(crate) fn apply_pending(conn: &Connection, keys: &KeyFile) -> Result<usize, SqliteError> {
    let rows: Vec<([u8; 16], String, Vec<u8>)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT organisation, bucket, kek FROM kek_pending_destruction
             ORDER BY organisation, bucket, kek",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut n = 0;
    for (org, bucket, kek) in rows {
        let org = OrganisationId::from_uuid(uuid(org));
        let b = Bucket::from_id(&bucket)
            .ok_or_else(|| SqliteError::KeyFile("pending destruction: bad bucket id".into()))?;
        let k: [u8; 16] = array(kek, "kek id")
            .map_err(|_| SqliteError::KeyFile("pending destruction: bad kek id".into()))?;
        keys.destroy(org, b, &k)?;
        conn.execute(
            "DELETE FROM kek_pending_destruction
             WHERE organisation = ?1 AND bucket = ?2 AND kek = ?3",
            params![org.as_bytes(), bucket, k],
        )?;
        n += 1;
    }
    Ok(n)
}
