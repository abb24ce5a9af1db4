-- hogo key database, schema version 1: bucket KEKs, wrapped by the root key.
--
-- A SEPARATE database (its own connection string) that data backups do not contain.
-- Rows are keyed by (organisation, bucket, kek): a new KEK for a bucket is a new row, so a
-- rolled-back rekey never loses the KEK still in use; the data database's
-- `bucket_kek_refs` says which row is current. A destroyed KEK keeps a tombstone row
-- (state 'destroyed', no material) so that restoring an old data backup never revives it.
CREATE TABLE bucket_keks (
    organisation BYTEA NOT NULL,
    bucket       TEXT COLLATE "C" NOT NULL,
    kek          BYTEA NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('active', 'destroyed')),
    root_version BIGINT,
    wrapped      BYTEA,
    destroyed_at TIMESTAMPTZ,
    PRIMARY KEY (organisation, bucket, kek),
    CHECK ((state = 'active') = (wrapped IS NOT NULL))
);
