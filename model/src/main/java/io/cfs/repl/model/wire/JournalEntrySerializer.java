package io.cfs.repl.model.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.cfs.repl.model.entry.InvalidEntryException;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Seen;

/**
 * Compact explicit layout for entries on the wire: decoding goes through the {@link JournalEntry} constructor, so a
 * corrupted entry (bad CRC, negative seq) is refused at the receiver before anything is applied.
 *
 * <p>Layout 2 (written): a layout byte, then origin, shard, seq, hlc, op, inode, schema version, payload, crc, as
 * layout 1, then the epoch (unsigned var long). Layout 3 (written): layout 2, then the seen vector
 * ({@link SeenSerializer}). Layouts 1 (entries written before epochs: epoch 0) and 2 (no seen vector) are
 * still read.
 */
public final class JournalEntrySerializer extends Serializer<JournalEntry> {
  static final int LAYOUT_NO_EPOCH = 1;
  static final int LAYOUT_NO_SEEN = 2;
  static final int LAYOUT_VERSION = 3;

  public JournalEntrySerializer() {
    setImmutable(true);
  }

  @Override
  public void write(Kryo kryo, Output out, JournalEntry e) {
    out.writeByte(LAYOUT_VERSION);
    out.writeString(e.originSite());
    out.writeVarInt(e.shard(), true);
    out.writeVarLong(e.seq(), true);
    out.writeLong(e.hlc());
    out.writeVarInt(e.op().code(), true);
    out.writeLong(e.inodeId());
    out.writeVarInt(e.schemaVersion(), true);
    out.writeVarInt(e.payload().length, true);
    out.writeBytes(e.payload());
    out.writeInt(e.crc());
    out.writeVarLong(e.epoch(), true);
    SeenSerializer.writeSeen(out, e.seen());
  }

  @Override
  public JournalEntry read(Kryo kryo, Input in, Class<? extends JournalEntry> type) {
    int layout = in.readByte();
    if (layout != LAYOUT_VERSION && layout != LAYOUT_NO_SEEN && layout != LAYOUT_NO_EPOCH) {
      throw new KryoException("unsupported journal entry layout " + layout);
    }
    String origin = in.readString();
    int shard = in.readVarInt(true);
    long seq = in.readVarLong(true);
    long hlc = in.readLong();
    Op op = Op.fromCode(in.readVarInt(true));
    long inode = in.readLong();
    int schema = in.readVarInt(true);
    byte[] payload = in.readBytes(in.readVarInt(true));
    int crc = in.readInt();
    long epoch = layout == LAYOUT_NO_EPOCH ? 0 : in.readVarLong(true);
    try {
      return new JournalEntry(origin, shard, seq, hlc, op, inode, schema, payload, crc, epoch,
          layout == LAYOUT_VERSION ? SeenSerializer.readSeen(in) : Seen.NONE);
    } catch (InvalidEntryException e) {
      throw new KryoException("invalid journal entry: " + e.getMessage(), e);
    }
  }
}
