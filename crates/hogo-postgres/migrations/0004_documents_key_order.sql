-- hogo data database, schema version 4: one index on documents instead of two.
--
-- Version 2 kept the primary key (organisation, collection, id) and an index on
-- (collection, organisation, id): the same three columns twice, so every document write
-- (about six per collected number) paid two index insertions. The primary key now leads
-- with the collection, which serves both uses: single-document reads and prefix ranges
-- bound all three columns (equality, equality, id range), and the one cross-tenant read,
-- `SELECT DISTINCT organisation … WHERE collection = $1`, is a prefix of the key.
-- `ON CONFLICT (organisation, collection, id)` infers the key whatever its column order.
ALTER TABLE documents DROP CONSTRAINT documents_pkey;
ALTER TABLE documents ADD CONSTRAINT documents_pkey PRIMARY KEY (collection, organisation, id);
DROP INDEX documents_collection;
