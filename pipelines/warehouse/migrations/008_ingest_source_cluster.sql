-- Which PostgreSQL cluster a watermark's change_xid counts in (pg_control_system()'s system_identifier, as text).
-- Transaction ids are a cluster's own sequence: a booking system restored onto another cluster keeps its rows' ids
-- while the new cluster numbers its transactions from where it stands, so a watermark of the old cluster would
-- skip the new one's changes (pipelines/ingest/source-cluster.ts). Watermarks saved before this migration have
-- none (''): the next ingest records its cluster once the copies are found not to be ahead of it.

ALTER TABLE ingest_positions ADD COLUMN IF NOT EXISTS source_cluster String DEFAULT '';
