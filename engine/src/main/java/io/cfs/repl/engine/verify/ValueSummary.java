package io.cfs.repl.engine.verify;

import io.cfs.repl.model.entry.Version;
import io.cfs.repl.persistence.store.StoredValue;
import java.util.zip.CRC32C;

/**
 * What verification compares of one inode's value, without its payload: two sites hold the same value when their
 * summaries are equal.
 *
 * @param payloadCrc CRC32C of the payload
 */
public record ValueSummary(long inodeId, Version version, boolean tombstone, int opCode, int schemaVersion,
                           int payloadCrc) {
  public static ValueSummary of(StoredValue v) {
    CRC32C crc = new CRC32C();
    crc.update(v.payload());
    return new ValueSummary(v.inodeId(), v.version(), v.tombstone(), v.op().code(), v.schemaVersion(),
        (int) crc.getValue());
  }
}
