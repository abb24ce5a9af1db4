//! Opening, migrations and refusals.

use hogo_sqlite::{SqliteError, SqliteStore};

use crate::{open_in, org, run};

fn versions(path: &std::path::Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT version FROM schema_migrations ORDER BY version").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// M13: opening an existing store again runs no migration twice and keeps its data.
#[test]
fn opening_twice_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let o = org(1);
    let store = open_in(dir.path());
    run(&store, o, |tx| tx.docs.put(o, "c", "1", "{}")).unwrap();
    drop(store);
    let store = open_in(dir.path());
    assert_eq!(run(&store, o, |tx| tx.docs.list(o, "c")).unwrap(), vec!["{}"]);
    assert_eq!(versions(&dir.path().join("data.db")), vec![hogo_sqlite::db::schema_version()]);
    assert_eq!(versions(&dir.path().join("keys.db")), vec![1]);
    store.integrity_check().unwrap();
}

/// M13: a data file or key file written by a newer schema is refused, not altered.
#[test]
fn newer_schema_is_refused() {
    for file in ["data.db", "keys.db"] {
        let dir = tempfile::tempdir().unwrap();
        drop(open_in(dir.path()));
        rusqlite::Connection::open(dir.path().join(file))
            .unwrap()
            .execute(
                "INSERT INTO schema_migrations (version, description) VALUES (99, 'future')",
                [],
            )
            .unwrap();
        let err = SqliteStore::open(&dir.path().join("data.db"), &dir.path().join("keys.db"))
            .unwrap_err();
        assert!(matches!(err, SqliteError::TooNew { found: 99, .. }), "{file}: {err}");
    }
}

/// M13: the key file must be a file of its own, and one readable by others is refused.
#[test]
fn key_file_must_be_separate_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.db");
    assert!(matches!(SqliteStore::open(&data, &data), Err(SqliteError::KeyFile(_))));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let keys = dir.path().join("loose.db");
        std::fs::write(&keys, b"").unwrap();
        std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(SqliteStore::open(&data, &keys), Err(SqliteError::KeyFile(_))));
    }
}
