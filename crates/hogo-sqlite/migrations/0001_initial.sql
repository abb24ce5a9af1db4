-- hogo data file, schema version 1.
--
-- Conventions: every id (organisation, subject, record, data key, KEK, staff) is the
-- uuid's 16 raw bytes in a BLOB; times are RFC 3339 UTC text; every table is STRICT.
-- Every organisation-scoped table leads its primary key with `organisation`, and every
-- query the adapter runs names it. No table here holds key material that can open
-- data: bucket KEKs live in the separate key file (see `keys` in the crate docs); the
-- wrapped data keys below are useless without them.

-- ---- vault (hogo_vault::VaultStore) -------------------------------------------------

-- The wrapped blind-index root of each organisation (wrapped by the root key).
CREATE TABLE vault_index_roots (
    organisation BLOB NOT NULL PRIMARY KEY,
    version      INTEGER NOT NULL,
    bits         INTEGER NOT NULL,
    root_version INTEGER NOT NULL,
    wrapped      BLOB NOT NULL
) STRICT;

-- One wrapped data key per (organisation, subject, data class), wrapped by its bucket KEK.
CREATE TABLE vault_data_keys (
    organisation BLOB NOT NULL,
    id           BLOB NOT NULL,
    version      INTEGER NOT NULL,
    subject      BLOB NOT NULL,
    class        TEXT NOT NULL,
    bucket       TEXT NOT NULL,
    kek          BLOB NOT NULL,
    wrapped      BLOB NOT NULL,
    commitment   BLOB NOT NULL,
    PRIMARY KEY (organisation, id)
) STRICT;
CREATE UNIQUE INDEX vault_data_keys_owner ON vault_data_keys (organisation, subject, class);
CREATE INDEX vault_data_keys_bucket ON vault_data_keys (organisation, bucket);

-- Sealed records (envelopes). The rowid keeps insertion order for `records_under_key`.
CREATE TABLE vault_records (
    organisation BLOB NOT NULL,
    id           BLOB NOT NULL,
    subject      BLOB NOT NULL,
    class        TEXT NOT NULL,
    table_name   TEXT NOT NULL,
    field        TEXT NOT NULL,
    data_key     BLOB NOT NULL,
    envelope     BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX vault_records_id ON vault_records (organisation, id);
CREATE INDEX vault_records_data_key ON vault_records (organisation, data_key);

-- The truncated blind index: candidates by (organisation, field, key version, tag).
CREATE TABLE vault_index (
    organisation BLOB NOT NULL,
    field        TEXT NOT NULL,
    key_version  INTEGER NOT NULL,
    tag          INTEGER NOT NULL,
    record       BLOB NOT NULL,
    PRIMARY KEY (organisation, field, key_version, tag, record)
) STRICT, WITHOUT ROWID;
CREATE INDEX vault_index_record ON vault_index (organisation, record);

-- ---- bucket KEK bookkeeping (ids only, never material) --------------------------------

-- Which KEK (by id) is the current one of each bucket. The material is in the key file.
CREATE TABLE bucket_kek_refs (
    organisation BLOB NOT NULL,
    bucket       TEXT NOT NULL,
    kek          BLOB NOT NULL,
    PRIMARY KEY (organisation, bucket)
) STRICT;

-- KEKs destroyed (or superseded) by a committed transaction whose key-file step has not
-- run yet. Readers treat them as destroyed; `SqliteStore::open` applies them after a crash.
CREATE TABLE kek_pending_destruction (
    organisation BLOB NOT NULL,
    bucket       TEXT NOT NULL,
    kek          BLOB NOT NULL,
    PRIMARY KEY (organisation, bucket, kek)
) STRICT;

-- ---- ledger (hogo_ledger::LedgerStore) ------------------------------------------------

CREATE TABLE ledger_logs (
    organisation BLOB NOT NULL PRIMARY KEY,
    origin       TEXT NOT NULL,
    keys         TEXT NOT NULL -- JSON array of verifier keys
) STRICT;

-- The head row; `lock_head` runs under BEGIN IMMEDIATE, which holds the write lock.
CREATE TABLE ledger_heads (
    organisation BLOB NOT NULL PRIMARY KEY,
    size         INTEGER NOT NULL,
    last_hash    BLOB NOT NULL,
    frontier     BLOB NOT NULL -- concatenated 32-byte hashes, largest subtree first
) STRICT;

-- Entries: decoded columns (JSON), canonical bytes and leaf hash, stored apart so that
-- verification can check that all three agree.
CREATE TABLE ledger_entries (
    organisation BLOB NOT NULL,
    sequence     INTEGER NOT NULL,
    subject      BLOB,
    action       TEXT NOT NULL,
    entry        TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    hash         BLOB NOT NULL,
    PRIMARY KEY (organisation, sequence)
) STRICT, WITHOUT ROWID;
CREATE INDEX ledger_entries_subject ON ledger_entries (organisation, subject)
    WHERE subject IS NOT NULL;

CREATE TABLE ledger_nodes (
    organisation BLOB NOT NULL,
    level        INTEGER NOT NULL,
    idx          INTEGER NOT NULL,
    hash         BLOB NOT NULL,
    PRIMARY KEY (organisation, level, idx)
) STRICT, WITHOUT ROWID;

-- Erasable personal detail beside an entry (the entry commits to its salted digest only).
CREATE TABLE ledger_details (
    organisation BLOB NOT NULL,
    sequence     INTEGER NOT NULL,
    salt         BLOB NOT NULL,
    text         TEXT NOT NULL,
    PRIMARY KEY (organisation, sequence)
) STRICT, WITHOUT ROWID;

CREATE TABLE ledger_checkpoints (
    id           INTEGER PRIMARY KEY,
    organisation BLOB NOT NULL,
    size         INTEGER NOT NULL,
    note         TEXT NOT NULL
) STRICT;
CREATE INDEX ledger_checkpoints_org ON ledger_checkpoints (organisation, id);

CREATE TABLE ledger_auditor_checkpoints (
    organisation BLOB NOT NULL,
    auditor      TEXT NOT NULL,
    size         INTEGER NOT NULL,
    note         TEXT NOT NULL,
    PRIMARY KEY (organisation, auditor)
) STRICT;

-- ---- auth (hogo_auth::AuthStore) ------------------------------------------------------
-- Accounts are global to the database (one person may act for several organisations);
-- memberships, policies and sessions carry their organisation.

CREATE TABLE auth_accounts (
    id                   BLOB NOT NULL PRIMARY KEY,
    login                TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    home_organisation    BLOB NOT NULL,
    password_hash        TEXT NOT NULL,
    totp_secret          BLOB,
    last_totp_step       INTEGER,
    failed_attempts      INTEGER NOT NULL,
    locked_until         TEXT,
    must_change_password INTEGER NOT NULL,
    disabled             INTEGER NOT NULL,
    created_at           TEXT NOT NULL
) STRICT;

CREATE TABLE auth_memberships (
    organisation       BLOB NOT NULL,
    account            BLOB NOT NULL REFERENCES auth_accounts (id),
    role               TEXT NOT NULL,
    contracted_affairs TEXT NOT NULL, -- comma-separated affair ids
    PRIMARY KEY (organisation, account)
) STRICT;
CREATE INDEX auth_memberships_account ON auth_memberships (account);

CREATE TABLE auth_org_policies (
    organisation                  BLOB NOT NULL PRIMARY KEY,
    require_totp_for_number_roles INTEGER NOT NULL
) STRICT;

-- Sessions by token hash (never the token).
CREATE TABLE auth_sessions (
    token_hash          BLOB NOT NULL PRIMARY KEY,
    organisation        BLOB NOT NULL,
    account             BLOB NOT NULL,
    role                TEXT NOT NULL,
    contracted_affairs  TEXT NOT NULL,
    scope               TEXT NOT NULL,
    client              TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    last_seen_at        TEXT NOT NULL,
    idle_expires_at     TEXT NOT NULL,
    absolute_expires_at TEXT NOT NULL,
    revoked_at          TEXT,
    revoked_reason      TEXT
) STRICT;
CREATE INDEX auth_sessions_account ON auth_sessions (account);

-- ---- documents (hogo::docs::DocumentStore) ---------------------------------------------

CREATE TABLE documents (
    organisation BLOB NOT NULL,
    collection   TEXT NOT NULL,
    id           TEXT NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (organisation, collection, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX documents_collection ON documents (collection, organisation);
