//! The key database: bucket KEKs in a **separate** PostgreSQL database (its own connection
//! string), and the [`KekStore`] handle.
//!
//! # Why apart
//! Crypto-shredding a retention bucket (M11, P11) destroys its KEK. That reaches old
//! backups only if data backups never contain the KEKs: a data backup restored next to
//! the *current* key database cannot revive a shredded bucket, because its KEK is a
//! tombstone there. So the KEKs (wrapped by the root key) live in their own database —
//! ideally on another server or at least another database with its own role and its own
//! backup schedule — reached through [`PostgresStore::connect`](crate::PostgresStore::connect)'s
//! second connection string, and never in `pg_dump`s of the data database. Back it up on
//! a short rotation: a key-database backup older than a shred still holds the shredded
//! KEK. The root key (which wraps the KEKs) is a third thing, kept outside both.
//!
//! # Two databases, one transaction: the protocol (as in `hogo-sqlite`)
//! PostgreSQL does not commit atomically across two databases without two-phase commit
//! (`PREPARE TRANSACTION`, off by default), so the adapter orders its writes so that every
//! crash leaves a safe state:
//!
//! 1. **Creations and updates** of a KEK (`put_bucket_kek`) are written to the key
//!    database **at once, in their own committed transaction**, before the data
//!    transaction commits. Rows are keyed by `(organisation, bucket, kek id)`, so a new KEK
//!    is a new row and never overwrites the one in use; the data database's
//!    `bucket_kek_refs` (ids only) says which row is current, inside the data transaction.
//!    After a rollback or a crash the new row is an orphan nobody refers to: harmless.
//! 2. **Destructions** (`destroy_bucket_kek`, and the KEK a rekey replaced) are recorded as
//!    rows of `kek_pending_destruction` **in the data transaction**. Readers within and
//!    after it see the KEK as destroyed at once. Right after the data commit the adapter
//!    applies them to the key database: the material is overwritten with zeros, then
//!    replaced by a tombstone, then `VACUUM bucket_keks` removes the dead row versions;
//!    then the pending rows are deleted.
//! 3. **Recovery**: a crash between the data commit and step 2 leaves pending rows behind;
//!    [`PostgresStore::connect`](crate::PostgresStore::connect) applies them before
//!    anything else, and readers treat them as destroyed meanwhile. Applying is
//!    idempotent.
//!
//! A destroyed KEK is never revived: putting an active row for a KEK id that has a
//! tombstone or a pending destruction is refused.
//!
//! PostgreSQL keeps old row versions until `VACUUM` and writes every change to its WAL, so
//! a shredded KEK's bytes can survive in WAL segments and archived WAL of the key
//! database until they are recycled: keep the key database's WAL archive (if any) on the
//! same short rotation as its backups.
//!
//! # Active KEKs kept between transactions
//! A KEK row is read from the key database only after the data transaction has found,
//! under its organisation's lock, that the KEK is its bucket's current one and that no
//! destruction of it is pending. Such a row is immutable while it stays active (a KEK id
//! is never reused; only a root-key rewrap changes its wrapped bytes), so the store keeps
//! the rows it read, **wrapped** (never unwrapped material), for [`KNOWN_KEK_TTL`] at most
//! and serves the next transaction from memory: one round trip less per lookup by
//! number. What keeps this from reviving a shredded bucket:
//!
//! - the cache is consulted only behind that in-transaction check, which reads the data
//!   database every transaction: a KEK with a pending or applied destruction, or no longer
//!   current, is never looked up, whatever the cache holds;
//! - this process forgets a KEK when it records or applies its destruction, when a
//!   transaction finds its destruction pending, and when the key database answers with a
//!   tombstone; a rewrap by this process replaces the cached row;
//! - another process's shred therefore leaves the wrapped KEK in this process's memory
//!   for [`KNOWN_KEK_TTL`] at most (unusable here, as above). A rewrap under a new root-key
//!   version by another process is seen within the same time; until then this process
//!   unwraps with the previous root-key version, so retire a root-key version no sooner
//!   than [`KNOWN_KEK_TTL`] after the rewrap.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hogo_domain::OrganisationId;
use hogo_vault::{
    Bucket, BucketKekRecord, KekState, KekStore, KeyId, KeyVersion, StoreError, WrappedKey,
};
use postgres::{Client, Statement};

use crate::db::{KEY_MIGRATIONS, Manager, PgError, migrate_with, target};
use crate::tx::{Fault, TxCtx, array, col, uuid};

/// A row of the key database.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum KeyRow {
    /// The wrapped KEK.
    Active(WrappedKey),
    /// A tombstone.
    Destroyed,
}

/// The key database and its one connection.
pub(crate) struct KeyDb {
    manager: Manager,
    conn: Mutex<KeyConn>,
    known: Mutex<KnownKeks>,
}

/// How long an active KEK row read from the key database is served from memory (see
/// "Active KEKs kept between transactions" in the module docs).
pub const KNOWN_KEK_TTL: Duration = Duration::from_secs(30);

/// At most this many KEK rows are kept; a full cache drops its expired rows, then all.
const KNOWN_KEK_MAX: usize = 1024;

/// Wrapped active KEK rows by `(organisation, bucket, KEK id)`, with when they were read.
#[derive(Default)]
struct KnownKeks(HashMap<(OrganisationId, Bucket, KeyId), (WrappedKey, Instant)>);

impl KnownKeks {
    fn fresh(&self, key: &(OrganisationId, Bucket, KeyId), now: Instant) -> Option<WrappedKey> {
        self.0
            .get(key)
            .filter(|(_, read)| now.saturating_duration_since(*read) < KNOWN_KEK_TTL)
            .map(|(w, _)| w.clone())
    }

    fn keep(&mut self, key: (OrganisationId, Bucket, KeyId), wrapped: WrappedKey, now: Instant) {
        if self.0.len() >= KNOWN_KEK_MAX {
            self.0.retain(|_, (_, read)| now.saturating_duration_since(*read) < KNOWN_KEK_TTL);
            if self.0.len() >= KNOWN_KEK_MAX {
                self.0.clear();
            }
        }
        self.0.insert(key, (wrapped, now));
    }
}

/// The key database's connection and its prepared KEK read (prepared once per
/// connection: read with a statement text, every read would be a Parse round trip and a
/// planning more).
struct KeyConn {
    client: Client,
    get: Option<Statement>,
}

/// One KEK row by its key.
const GET_KEK: &str = "SELECT state, root_version, wrapped FROM bucket_keks
     WHERE organisation = $1 AND bucket = $2 AND kek = $3";

impl std::fmt::Debug for KeyDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyDb")
            .field("target", &target(self.manager.config()))
            .finish_non_exhaustive()
    }
}

impl KeyDb {
    /// Connects to and migrates the key database.
    pub(crate) fn connect(manager: Manager) -> Result<Self, PgError> {
        let mut client = manager.client().map_err(|e| PgError::KeyStore(e.to_string()))?;
        migrate_with(&mut client, KEY_MIGRATIONS)?;
        Ok(Self {
            manager,
            conn: Mutex::new(KeyConn { client, get: None }),
            known: Mutex::new(KnownKeks::default()),
        })
    }

    fn known(&self) -> MutexGuard<'_, KnownKeks> {
        self.known.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets a KEK kept in memory (its destruction is pending or applied).
    pub(crate) fn forget(&self, org: OrganisationId, bucket: Bucket, kek: KeyId) {
        self.known().0.remove(&(org, bucket, kek));
    }

    /// One row, from memory when it was read less than [`KNOWN_KEK_TTL`] ago. Only for a
    /// KEK the caller's transaction has just found current and not pending destruction
    /// (see the module docs).
    pub(crate) fn get_current(
        &self,
        org: OrganisationId,
        bucket: Bucket,
        kek: KeyId,
    ) -> Result<Option<Result<KeyRow, Fault>>, postgres::Error> {
        let key = (org, bucket, kek);
        if let Some(wrapped) = self.known().fresh(&key, Instant::now()) {
            return Ok(Some(Ok(KeyRow::Active(wrapped))));
        }
        let row = self.get(org, bucket, kek)?;
        match &row {
            Some(Ok(KeyRow::Active(wrapped))) => {
                self.known().keep(key, wrapped.clone(), Instant::now());
            }
            _ => self.forget(org, bucket, kek),
        }
        Ok(row)
    }

    /// The (re)connected client: a dropped connection is reopened once.
    fn lock(&self) -> Result<MutexGuard<'_, KeyConn>, postgres::Error> {
        let mut guard = self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.client.is_closed() {
            let client = self.manager.config().connect(postgres::NoTls)?;
            *guard = KeyConn { client, get: None };
        }
        Ok(guard)
    }

    /// Where it points (never the password).
    pub(crate) fn target(&self) -> String {
        target(self.manager.config())
    }

    /// One row.
    pub(crate) fn get(
        &self,
        org: OrganisationId,
        bucket: Bucket,
        kek: KeyId,
    ) -> Result<Option<Result<KeyRow, Fault>>, postgres::Error> {
        let mut conn = self.lock()?;
        let get = match &conn.get {
            Some(statement) => statement.clone(),
            None => {
                let statement = conn.client.prepare(GET_KEK)?;
                conn.get = Some(statement.clone());
                statement
            }
        };
        let row = conn.client.query_opt(
            &get,
            &[&org.as_bytes().as_slice(), &bucket.id(), &kek.0.as_bytes().as_slice()],
        )?;
        Ok(row.map(|r| {
            let state: &str = col(&r, 0, "bucket KEK")?;
            let version: Option<i64> = col(&r, 1, "bucket KEK")?;
            let wrapped: Option<Vec<u8>> = col(&r, 2, "bucket KEK")?;
            match (state, version, wrapped) {
                ("destroyed", _, _) => Ok(KeyRow::Destroyed),
                ("active", Some(v), Some(bytes)) => u32::try_from(v)
                    .map(|v| KeyRow::Active(WrappedKey { version: KeyVersion(v), bytes }))
                    .map_err(|_| Fault::Corrupt("bucket KEK")),
                _ => Err(Fault::Corrupt("bucket KEK")),
            }
        }))
    }

    /// Writes an active KEK row in its own committed transaction. `Ok(false)` when the KEK
    /// id has a tombstone (it is never revived).
    pub(crate) fn put_active(
        &self,
        org: OrganisationId,
        bucket: Bucket,
        kek: KeyId,
        wrapped: &WrappedKey,
    ) -> Result<bool, postgres::Error> {
        let mut conn = self.lock()?;
        let mut tx = conn.client.transaction()?;
        let (o, b, k) = (org.as_bytes().as_slice(), bucket.id(), kek.0.as_bytes().as_slice());
        let state: Option<String> = tx
            .query_opt(
                "SELECT state FROM bucket_keks WHERE organisation = $1 AND bucket = $2 AND kek = $3
                 FOR UPDATE",
                &[&o, &b, &k],
            )?
            .map(|r| r.get(0));
        if state.as_deref() == Some("destroyed") {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO bucket_keks (organisation, bucket, kek, state, root_version, wrapped)
             VALUES ($1, $2, $3, 'active', $4, $5)
             ON CONFLICT (organisation, bucket, kek)
             DO UPDATE SET root_version = excluded.root_version, wrapped = excluded.wrapped
             WHERE bucket_keks.state = 'active'",
            &[&o, &b, &k, &i64::from(wrapped.version.0), &wrapped.bytes],
        )?;
        tx.commit()?;
        // A rewrap replaces the row this process keeps; a new KEK is read when first used.
        self.forget(org, bucket, kek);
        Ok(true)
    }

    /// Destroys a KEK: overwrites its material with zeros, leaves a tombstone, commits,
    /// and vacuums the table so no dead row version keeps the old bytes. Idempotent.
    pub(crate) fn destroy(
        &self,
        org: OrganisationId,
        bucket: Bucket,
        kek: &[u8; 16],
    ) -> Result<(), postgres::Error> {
        self.forget(org, bucket, KeyId(::uuid::Uuid::from_bytes(*kek)));
        let mut conn = self.lock()?;
        let mut tx = conn.client.transaction()?;
        let (o, b, k) = (org.as_bytes().as_slice(), bucket.id(), kek.as_slice());
        tx.execute(
            "UPDATE bucket_keks SET wrapped = decode(repeat('00', length(wrapped)), 'hex')
             WHERE organisation = $1 AND bucket = $2 AND kek = $3 AND wrapped IS NOT NULL",
            &[&o, &b, &k],
        )?;
        tx.execute(
            "INSERT INTO bucket_keks (organisation, bucket, kek, state, destroyed_at)
             VALUES ($1, $2, $3, 'destroyed', now())
             ON CONFLICT (organisation, bucket, kek) DO UPDATE SET
                 state = 'destroyed', root_version = NULL, wrapped = NULL,
                 destroyed_at = COALESCE(bucket_keks.destroyed_at, excluded.destroyed_at)",
            &[&o, &b, &k],
        )?;
        tx.commit()?;
        // Outside a transaction block (VACUUM refuses to run inside one).
        conn.client.batch_execute("VACUUM bucket_keks")?;
        Ok(())
    }

    /// Runs `f` on the key database's connection (tests and maintenance).
    pub(crate) fn with_client<T>(
        &self,
        f: impl FnOnce(&mut Client) -> T,
    ) -> Result<T, postgres::Error> {
        Ok(f(&mut self.lock()?.client))
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
pub(crate) struct PgKeks<'a, 'c> {
    pub(crate) ctx: &'a TxCtx<'c>,
}

impl PgKeks<'_, '_> {
    fn current_ref(&self, bucket: Bucket) -> Result<Option<[u8; 16]>, Fault> {
        let c = self.ctx;
        c.opt(
            "SELECT kek FROM bucket_kek_refs WHERE organisation = $1 AND bucket = $2",
            &[&c.org_blob(), &bucket.id()],
        )?
        .map(|r| array(col(&r, 0, "kek id")?, "kek id"))
        .transpose()
    }

    fn pending(&self, bucket: Bucket, kek: &[u8; 16]) -> Result<bool, Fault> {
        let c = self.ctx;
        Ok(c.opt(
            "SELECT 1 FROM kek_pending_destruction
             WHERE organisation = $1 AND bucket = $2 AND kek = $3",
            &[&c.org_blob(), &bucket.id(), &kek.as_slice()],
        )?
        .is_some())
    }

    fn add_pending(&self, bucket: Bucket, kek: &[u8; 16]) -> Result<(), Fault> {
        let c = self.ctx;
        c.exec(
            "INSERT INTO kek_pending_destruction (organisation, bucket, kek) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&c.org_blob(), &bucket.id(), &kek.as_slice()],
        )?;
        c.cache.borrow_mut().kek_refs.remove(&bucket);
        c.destroyed.set(true);
        Ok(())
    }

    fn set_ref(&self, bucket: Bucket, kek: &[u8; 16]) -> Result<(), Fault> {
        let c = self.ctx;
        c.exec(
            "INSERT INTO bucket_kek_refs (organisation, bucket, kek) VALUES ($1, $2, $3)
             ON CONFLICT (organisation, bucket) DO UPDATE SET kek = excluded.kek",
            &[&c.org_blob(), &bucket.id(), &kek.as_slice()],
        )?;
        c.cache.borrow_mut().kek_refs.remove(&bucket);
        Ok(())
    }

    /// The bucket's KEK row: cached for the transaction after the first read (the
    /// transaction holds its organisation's lock; its own puts and destructions update the
    /// cache). The wrapped form only: unwrapping is the vault's.
    fn read(&self, bucket: Bucket) -> Result<Option<BucketKekRecord>, Fault> {
        if let Some(known) = self.ctx.cache.borrow().keks.get(&bucket) {
            return Ok(known.clone());
        }
        let record = self.read_uncached(bucket)?;
        self.ctx.cache.borrow_mut().keks.insert(bucket, record.clone());
        Ok(record)
    }

    /// The current KEK id of the bucket and whether its destruction is pending: as read
    /// with the blind-index candidates ([`crate::vault`]), or in one round trip.
    fn current(&self, bucket: Bucket) -> Result<Option<([u8; 16], bool)>, Fault> {
        if let Some(known) = self.ctx.cache.borrow().kek_refs.get(&bucket) {
            return Ok(*known);
        }
        let c = self.ctx;
        c.opt(
            "SELECT r.kek, EXISTS (SELECT 1 FROM kek_pending_destruction p
                 WHERE p.organisation = r.organisation AND p.bucket = r.bucket AND p.kek = r.kek)
             FROM bucket_kek_refs r WHERE r.organisation = $1 AND r.bucket = $2",
            &[&c.org_blob(), &bucket.id()],
        )?
        .map(|row| Ok((array(col(&row, 0, "kek id")?, "kek id")?, col(&row, 1, "kek id")?)))
        .transpose()
    }

    fn read_uncached(&self, bucket: Bucket) -> Result<Option<BucketKekRecord>, Fault> {
        let Some((kek, pending)) = self.current(bucket)? else {
            return Ok(None);
        };
        let kek_id = KeyId(uuid(&kek, "kek id")?);
        let record =
            |state| BucketKekRecord { organisation: self.ctx.org, bucket, kek: kek_id, state };
        if pending {
            self.ctx.keys.forget(self.ctx.org, bucket, kek_id);
            return Ok(Some(record(KekState::Destroyed)));
        }
        let row =
            self.ctx.keys.get_current(self.ctx.org, bucket, kek_id).map_err(|e| {
                Fault::Backend(format!("key database: {}", crate::db::describe(&e)))
            })?;
        match row {
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
                // Step 1 of the protocol: the key database first, committed on its own.
                let stored =
                    self.ctx.keys.put_active(self.ctx.org, bucket, record.kek, w).map_err(|e| {
                        Fault::Backend(format!("key database: {}", crate::db::describe(&e)))
                    })?;
                if !stored {
                    return Err(revived());
                }
            }
            KekState::Destroyed => self.add_pending(bucket, &kek)?,
        }
        self.set_ref(bucket, &kek)?;
        if let Some(old) = old.filter(|o| *o != kek) {
            // The KEK this one replaces (a rekey): destroyed after the data commit.
            self.add_pending(bucket, &old)?;
        }
        self.ctx.cache.borrow_mut().keks.insert(bucket, Some(record));
        Ok(())
    }
}

fn revived() -> Fault {
    Fault::Backend("bucket_kek: a destroyed KEK is never revived (M11)".into())
}

impl KekStore for PgKeks<'_, '_> {
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
        let rows = c
            .query("SELECT bucket FROM bucket_kek_refs WHERE organisation = $1", &[&c.org_blob()])
            .map_err(vault_err)?;
        let mut buckets = rows
            .iter()
            .map(|r| {
                col::<&str>(r, 0, "bucket id")
                    .ok()
                    .and_then(Bucket::from_id)
                    .ok_or(StoreError::Corrupt { what: "bucket id" })
            })
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
                self.ctx.keys.forget(organisation, bucket, kek);
                self.ctx.cache.borrow_mut().keks.insert(
                    bucket,
                    Some(BucketKekRecord { organisation, bucket, kek, state: KekState::Destroyed }),
                );
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// Applies every pending destruction recorded in the data database to the key database
/// (step 2 / 3 of the protocol); returns how many were applied. Idempotent.
pub(crate) fn apply_pending(data: &mut Client, keys: &KeyDb) -> Result<usize, PgError> {
    let rows = data.query(
        "SELECT organisation, bucket, kek FROM kek_pending_destruction
         WHERE applied_at IS NULL ORDER BY organisation, bucket, kek",
        &[],
    )?;
    let bad = |what: &str| PgError::KeyStore(format!("pending destruction: bad {what}"));
    let mut n = 0;
    for r in rows {
        let org: &[u8] = r.try_get(0)?;
        let bucket: &str = r.try_get(1)?;
        let kek: &[u8] = r.try_get(2)?;
        let o =
            OrganisationId::from_uuid(uuid(org, "organisation").map_err(|_| bad("organisation"))?);
        let b = Bucket::from_id(bucket).ok_or_else(|| bad("bucket id"))?;
        let k: [u8; 16] = array(kek, "kek id").map_err(|_| bad("kek id"))?;
        keys.destroy(o, b, &k).map_err(|e| PgError::KeyStore(crate::db::describe(&e)))?;
        // Kept, marked applied (schema version 6): the data database remembers every
        // destruction, which the KEKs kept in memory rely on (see the module docs).
        data.execute(
            "UPDATE kek_pending_destruction
             SET applied_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')
             WHERE organisation = $1 AND bucket = $2 AND kek = $3 AND applied_at IS NULL",
            &[&org, &bucket, &kek],
        )?;
        n += 1;
    }
    Ok(n)
}
