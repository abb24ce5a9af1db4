//! The storage backend the shipped CLI opens. Everything else is generic over
//! [`hogo::Store`], so the demo and the commands run on any store.

use anyhow::Result;

use crate::env::Paths;

/// The store the CLI uses.
pub(crate) type AppStore = hogo_sqlite::SqliteStore;

/// Opens (or creates) the database and its bucket-KEK store.
pub(crate) fn open(paths: &Paths) -> Result<AppStore> {
    if let Some(parent) = paths.kek_store.parent() {
        std::fs::create_dir_all(parent)?;
    }
    hogo_sqlite::SqliteStore::open(&paths.db, &paths.kek_store).map_err(|e| {
        anyhow::anyhow!(
            "{}: データベースを開けません / cannot open the database: {e}",
            paths.db.display()
        )
    })
}
