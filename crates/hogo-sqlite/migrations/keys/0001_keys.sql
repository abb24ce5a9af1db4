-- hogo key file, schema version 1: bucket KEKs, wrapped by the root key.
--
-- Kept in a separate SQLite file (0600) that data backups do not contain. Rows are keyed
-- by (organisation, bucket, kek): a new KEK for a bucket is a new row, so a rolled-back
-- rekey never loses the KEK still in use; the data file's `bucket_kek_refs` says which
-- row is current. A destroyed KEK keeps a tombstone row (state 'destroyed', no material)
-- so that restoring an old data backup can never revive it.
CREATE TABLE bucket_keks (
    organisation BLOB NOT NULL,
    bucket       TEXT NOT NULL,
    kek          BLOB NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('active', 'destroyed')),
    root_version INTEGER,
    wrapped      BLOB,
    destroyed_at TEXT,
    PRIMARY KEY (organisation, bucket, kek),
    CHECK ((state = 'active') = (wrapped IS NOT NULL))
) STRICT;
