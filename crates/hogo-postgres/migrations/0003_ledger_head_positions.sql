-- hogo data database, schema version 3: the ledger head row keeps the next positions.
--
-- Appending an entry needs the next entry sequence and the next tree-node index of every
-- level the append writes. Version 2 read them per transaction from `ledger_entries` and
-- `ledger_nodes` (one backward index probe per level, ≈ log2(size) probes: the most
-- expensive read of a lookup's access-log entry). They now live in the head row, which
-- every append already reads `FOR UPDATE`, and every flush that writes entries, nodes or
-- the head writes them back (see `crate::buffer`):
--
-- - `next_sequence`: the next entry sequence (NULL: not known, read from the entries);
-- - `next_index[L + 1]`: the next node index of level L, for the levels 0 ..
--   array_length - 1 (NULL: not known); a level past the array's end is read from
--   `ledger_nodes` when an append first writes to it.
--
-- They only speed up what the tables say: an entry or node inserted at a position already
-- taken (a row written behind the adapter's back) still makes the flush, and so the whole
-- transaction, fail (`ON CONFLICT DO NOTHING` and a count of the rows inserted).
ALTER TABLE ledger_heads ADD COLUMN next_sequence BIGINT, ADD COLUMN next_index BIGINT[];

-- Backfill from the tables, for the levels a node can be at (a node of level L covers
-- 2^L leaves: none above log2(size)), plus one.
UPDATE ledger_heads h SET
    next_sequence = COALESCE((SELECT MAX(e.sequence) + 1 FROM ledger_entries e
                              WHERE e.organisation = h.organisation), 0),
    next_index = ARRAY(
        SELECT COALESCE((SELECT MAX(n.idx) + 1 FROM ledger_nodes n
                         WHERE n.organisation = h.organisation AND n.level = l), 0)
        FROM generate_series(0, GREATEST(
                 CASE WHEN h.size > 0 THEN floor(log(2, h.size::numeric))::int + 1 ELSE 0 END,
                 (SELECT COALESCE(MAX(n.level), 0) FROM ledger_nodes n
                  WHERE n.organisation = h.organisation))) AS l
        ORDER BY l);
