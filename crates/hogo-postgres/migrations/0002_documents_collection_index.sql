-- hogo data database, schema version 2: the `documents_collection` index gains `id`.
--
-- Version 1 indexed documents by (collection, organisation) for the one cross-tenant
-- read, `SELECT DISTINCT organisation … WHERE collection = $1`. Before ANALYZE has seen
-- a bulk import (autovacuum lags far behind one), the planner estimates one row for
-- (organisation, collection) and took that index for single-document reads and prefix
-- ranges, filtering every document of the collection: measured ≈ 9 000 rows read per
-- collected number at N = 2 000, growing with N. With `id` as its third column the index
-- answers those reads as exactly as the primary key, whichever of the two is chosen.
DROP INDEX documents_collection;
CREATE INDEX documents_collection ON documents (collection, organisation, id);
