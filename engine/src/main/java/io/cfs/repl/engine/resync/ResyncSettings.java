package io.cfs.repl.engine.resync;

import com.typesafe.config.Config;

/**
 * Typed view of {@code cfs-repl.resync} (documented in this module's reference.conf), read once and validated.
 *
 * @param auto whether a link whose peer fell behind the journal's horizon starts a snapshot resync by itself; off, it
 *     waits in NEEDS_RESYNC for an operator's {@code cfs admin replication resync}
 * @param chunkMaxValues values per chunk at most (the receiver refuses a larger chunk)
 * @param chunkMaxBytes payload bytes per chunk: a chunk ends once it reaches this (so it may exceed it by one value)
 */
public record ResyncSettings(boolean auto, int chunkMaxValues, long chunkMaxBytes) {
  private static final String PREFIX = "cfs-repl.resync.";
  /** A value's encoding beyond its payload: inode, version, site, flags, vectors. */
  private static final long VALUE_OVERHEAD_BYTES = 512;

  public ResyncSettings {
    if (chunkMaxValues < 1) throw new IllegalArgumentException(PREFIX + "chunk-max-values must be >= 1");
    if (chunkMaxBytes < 1) throw new IllegalArgumentException(PREFIX + "chunk-max-bytes must be >= 1");
  }

  /** Read from {@code root}; refuses a chunk that could outgrow a frame of the site links. */
  public static ResyncSettings create(Config root) {
    ResyncSettings s = new ResyncSettings(root.getBoolean(PREFIX + "auto"), root.getInt(PREFIX + "chunk-max-values"),
        root.getBytes(PREFIX + "chunk-max-bytes"));
    long frame = root.getBytes("cfs-repl.transport.max-frame-bytes");
    long payload = root.getBytes("cfs-repl.persistence.journal.max-payload-bytes");
    long worst = s.chunkMaxBytes + payload + s.chunkMaxValues * VALUE_OVERHEAD_BYTES;
    if (worst > frame) {
      throw new IllegalArgumentException(PREFIX + "chunk-max-bytes (" + s.chunkMaxBytes + ") plus one largest payload ("
          + payload + ") and " + VALUE_OVERHEAD_BYTES + " bytes per value for chunk-max-values (" + s.chunkMaxValues
          + ") must fit cfs-repl.transport.max-frame-bytes (" + frame + "): " + worst);
    }
    return s;
  }
}
