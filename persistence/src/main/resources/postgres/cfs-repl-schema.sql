-- cfs-repl tables on PostgreSQL. Every table is keyed by the site it belongs to, so several sites (and test runs)
-- can share one database; all nodes of one site share that site's rows. Created on open when missing.

-- The local replication journal: one row per entry, the value in EntryCodec's layout (CRC32C inside).
CREATE TABLE IF NOT EXISTS cfs_journal (
  site  text   NOT NULL,
  shard int    NOT NULL,
  seq   bigint NOT NULL,
  hlc   bigint NOT NULL,
  entry bytea  NOT NULL,
  PRIMARY KEY (site, shard, seq)
);

-- The epoch each entry was stamped with at append (0: written with no epoch), beside the entry as hlc is: the entry
-- bytes carry it too (EntryCodec format 2), this column lets a query select entries by epoch. Rows written before
-- epochs existed hold format 1 entries, of epoch 0. The column is added only when missing: ALTER TABLE locks the table
-- exclusively even when IF NOT EXISTS then finds the column, which would stall the site's appends and reads each
-- time a node starts.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'cfs_journal'::regclass AND attname = 'epoch'
                 AND NOT attisdropped) THEN
    ALTER TABLE cfs_journal ADD COLUMN IF NOT EXISTS epoch bigint NOT NULL DEFAULT 0;
  END IF;
END $$;

-- Per (site, shard) the highest seq held. Appends lock their shards' rows, so appends to one shard from any node of
-- the site commit one after another, in seq order.
CREATE TABLE IF NOT EXISTS cfs_journal_heads (
  site  text   NOT NULL,
  shard int    NOT NULL,
  head  bigint NOT NULL,
  PRIMARY KEY (site, shard)
);

-- Per (site, shard) the highest seq collected from cfs_journal (journal GC): the shard holds exactly collected + 1 ..
-- head. Written in the transaction that deletes the rows, so every node of the site reads a horizon and the rows
-- it covers as one; absent: nothing collected. A table of its own, not a column of cfs_journal_heads, so that a
-- collection never holds the head rows that appends lock.
CREATE TABLE IF NOT EXISTS cfs_journal_horizons (
  site      text   NOT NULL,
  shard     int    NOT NULL,
  collected bigint NOT NULL,
  PRIMARY KEY (site, shard)
);

-- The metadata store: the LWW winner of every inode, in StoreCodec's layout.
CREATE TABLE IF NOT EXISTS cfs_inodes (
  site  text   NOT NULL,
  inode bigint NOT NULL,
  value bytea  NOT NULL,
  PRIMARY KEY (site, inode)
);

-- The index of the tombstones a site's store wrote (by apply and repair), for their collection: per origin and shard
-- in seq order. Rows of tombstones since replaced by a newer write are dropped when collection meets them.
CREATE TABLE IF NOT EXISTS cfs_tombstones (
  site   text   NOT NULL,
  origin text   NOT NULL,
  shard  int    NOT NULL,
  seq    bigint NOT NULL,
  inode  bigint NOT NULL,
  PRIMARY KEY (site, origin, shard, seq, inode)
);

-- Per (site, origin, shard) the highest seq applied: a re-delivered batch is recognised by it.
CREATE TABLE IF NOT EXISTS cfs_watermarks (
  site   text   NOT NULL,
  origin text   NOT NULL,
  shard  int    NOT NULL,
  seq    bigint NOT NULL,
  PRIMARY KEY (site, origin, shard)
);

-- Per (site, origin) the incarnation of the origin's journal that the site's watermarks of that origin belong to.
-- Written under the site's apply lock as a link of the origin opens; removed, with the origin's watermarks, only by
-- an operator's forget-incarnation.
CREATE TABLE IF NOT EXISTS cfs_incarnations (
  site        text NOT NULL,
  origin      text NOT NULL,
  incarnation uuid NOT NULL,
  PRIMARY KEY (site, origin)
);

-- The incarnation of each site's journal: created once, by whichever node of the site opens the journal first, and
-- the same for every node after (a new id means a new journal whose seqs start over).
CREATE TABLE IF NOT EXISTS cfs_journal_incarnation (
  site        text   NOT NULL PRIMARY KEY,
  incarnation uuid   NOT NULL,
  created_ms  bigint NOT NULL
);

-- Write conflicts met by applies, in recording order: ids dense per site, taken under the site's apply lock, the
-- record in StoreCodec's layout; at_ms beside it for collection by age.
CREATE TABLE IF NOT EXISTS cfs_conflicts (
  site   text   NOT NULL,
  id     bigint NOT NULL,
  at_ms  bigint NOT NULL,
  record bytea  NOT NULL,
  PRIMARY KEY (site, id)
);

-- Per site the last conflict id taken (under the site's apply lock), so ids are never reused after a collection.
CREATE TABLE IF NOT EXISTS cfs_conflict_ids (
  site text   NOT NULL PRIMARY KEY,
  last bigint NOT NULL
);

-- Leases of the site's singletons (SiteReplicators, local applier): who holds each, until when (database clock), and
-- the fencing token, raised by every new holder. Writes of a singleton carry its token and are refused, in their own
-- transaction, once the token is below this one.
CREATE TABLE IF NOT EXISTS cfs_leases (
  site       text        NOT NULL,
  name       text        NOT NULL,
  owner      text,
  token      bigint      NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (site, name)
);

-- The site's audit trail (replication events: links, gaps, pauses, failover, conflicts), read newest first by
-- (at_ms, id) and filtered by kind; attributes are a few named values for tools. Kinds are stored by name.
CREATE TABLE IF NOT EXISTS cfs_audit (
  site       text      NOT NULL,
  id         bigserial NOT NULL,
  at_ms      bigint    NOT NULL,
  kind       text      NOT NULL,
  peer       text,
  inode      bigint,
  shard      int,
  seq        bigint,
  detail     text      NOT NULL,
  attributes jsonb     NOT NULL DEFAULT '{}',
  PRIMARY KEY (site, id)
);
CREATE INDEX IF NOT EXISTS cfs_audit_by_time ON cfs_audit (site, at_ms, id);
CREATE INDEX IF NOT EXISTS cfs_audit_by_kind ON cfs_audit (site, kind, at_ms, id);
CREATE INDEX IF NOT EXISTS cfs_audit_by_inode ON cfs_audit (site, inode, at_ms, id) WHERE inode IS NOT NULL;
