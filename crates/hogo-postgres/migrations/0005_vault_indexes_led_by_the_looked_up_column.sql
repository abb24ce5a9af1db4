-- hogo data database, schema version 5: the vault's indexes lead with the column a
-- statement looks up, `organisation` comes after it.
--
-- Why. The adapter's prepared statements may run on generic plans (PostgreSQL's default
-- `plan_cache_mode = auto` picks one once it costs no more than the custom plans; it is
-- kept until the table is next analyzed). A generic plan cannot see the parameters, and
-- on a table without statistics (a new database, a new tenant's first calls, a bulk
-- import autovacuum has not analyzed yet) every index whose leading column the statement
-- binds is estimated at one row. In version 4 every vault table had, beside the index a
-- statement needs, another index led by `organisation`; on empty tables PostgreSQL 15
-- took that one and filtered the tenant's rows (`PREPARE` + `force_generic_plan` +
-- `EXPLAIN EXECUTE`, ties going to the most recently created index):
--
--   data key by id         Index Scan using vault_data_keys_bucket
--                            Index Cond: (organisation = $1)  Filter: (id = $2)
--   data key by owner      Index Scan using vault_data_keys_bucket
--                            Index Cond: (organisation = $1)
--                            Filter: ((subject = $2) AND (class = $3))
--   data keys in a bucket  Index Scan using vault_data_keys_pkey
--                            Index Cond: (organisation = $1)  Filter: (bucket = $2)
--                          (also after ANALYZE of a one-tenant, one-bucket table)
--   record by id, records by ids, record delete, and the candidates query's record and
--   data-key probes: Index Scan using vault_records_data_key / vault_data_keys_bucket
--                            Index Cond: (organisation = $1)  Filter: (id = …)
--   records by ids, filled and not analyzed: Bitmap Index Scan on vault_records_data_key
--                            Index Cond: (organisation = $1)  Filter: (id = ANY ($2))
--
-- Such a plan reads every row of the tenant per call until autovacuum analyzes the table,
-- which is why version 4's adapter forced a custom plan for every execution (≈ 300 µs of
-- planning per lookup by number).
--
-- The rule from this version on (it amends 0001's convention that "every
-- organisation-scoped table leads its primary key with `organisation`"): every index of
-- an organisation-scoped table holds `organisation` and every query names it, but an
-- index leads with the column its statements look up — `organisation` only where that is
-- what they look up (a tenant's checkpoints, a tenant's ledger range) — and a primary key
-- led by `organisation` stays only where each statement binding `organisation` on its
-- table either binds the key's next columns too or binds another index fully, which the
-- planner then costs below the key's `organisation` prefix even on an empty table
-- (`vault_index`, below). So the index a statement's generic plan enters binds the
-- statement's selective column whatever the statistics, and equality on every column
-- still bounds each probe to one tenant's rows (a tenant's read never walks another
-- tenant's entries). `tests/it/migrations.rs` checks the generic plans of the hot
-- statements on empty, unanalyzed and analyzed tables. `ON CONFLICT (organisation, id)`
-- infers a unique index on the same columns in any order: the adapter's statements are
-- unchanged.
--
-- Unchanged, and why:
-- - `vault_index` keeps its primary key (organisation, field, key_version, tag, record):
--   the candidates query binds its first four columns and reads `record` from the index;
--   its other statement (delete by record) binds the reordered `vault_index_record`
--   fully, which the planner prefers to the key's `organisation` prefix in every state
--   measured, whichever of the two was created last.
-- - `vault_records` keeps `seq` as its primary key (no statement binds it).
-- - `ledger_entries`, `ledger_nodes`, `ledger_details` and the tables keyed by the
--   organisation alone are read through their primary keys, whose leading columns every
--   statement binds (a ledger range: organisation, then a `sequence` range).
--   `ledger_entries_subject` is partial (`subject IS NOT NULL`): a statement without
--   `subject = …` cannot enter it, and the adapter has none with. `ledger_checkpoints`'s
--   one read is a tenant's checkpoints in id order: `(organisation, id)` is its index.
-- - `documents` has one index (version 4) that every statement binds from its start.
-- - the auth tables are read by token hash, account id, login, (organisation, account),
--   a tenant's memberships by organisation and an account's sessions by account: each
--   through an index led by what it looks up.

-- Data keys are read by id (the candidates query, `data_key`, delete), by owner
-- (subject, class) and by bucket. The primary key becomes (id, organisation): led by
-- `organisation` it stays enterable by the reads by owner and by bucket, and measured
-- with the two secondary indexes below, their generic plans on an empty table took the
-- key's `organisation` prefix and filtered whenever the key was the most recently created
-- index (ties go to it; which one that is depends on the database's history). A random
-- id bounds the probe as well as (organisation, id) did.
ALTER TABLE vault_data_keys DROP CONSTRAINT vault_data_keys_pkey;
ALTER TABLE vault_data_keys ADD CONSTRAINT vault_data_keys_pkey PRIMARY KEY (id, organisation);
-- One data key per (organisation, subject, class), looked up by subject and class.
DROP INDEX vault_data_keys_owner;
CREATE UNIQUE INDEX vault_data_keys_owner ON vault_data_keys (subject, class, organisation);
-- A bucket's keys of one tenant, `ORDER BY id`: (bucket, organisation) bounds the read to
-- the tenant's keys of that bucket, and `id` third gives their order, so no plan prefers
-- the primary key's order and filters (as version 4 did after ANALYZE).
DROP INDEX vault_data_keys_bucket;
CREATE INDEX vault_data_keys_bucket ON vault_data_keys (bucket, organisation, id);

-- Records are read by id (the candidates query, `record`, `records`, delete) and by data
-- key (`records_under_key`, a shred).
DROP INDEX vault_records_id;
CREATE UNIQUE INDEX vault_records_id ON vault_records (id, organisation);
DROP INDEX vault_records_data_key;
CREATE INDEX vault_records_data_key ON vault_records (data_key, organisation);

-- A record's index entries, deleted with the record.
DROP INDEX vault_index_record;
CREATE INDEX vault_index_record ON vault_index (record, organisation);
