package io.cfs.repl.model.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.TestEntries;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The entry's Kryo layout: the epoch travels (layout 2), and layout 1, from before epochs, reads as epoch 0. */
class JournalEntrySerializerTest {
  private final Kryo kryo = new Kryo();
  private final JournalEntrySerializer serializer = new JournalEntrySerializer();

  private byte[] write(JournalEntry e) {
    Output out = new Output(256, -1);
    serializer.write(kryo, out, e);
    return out.toBytes();
  }

  private JournalEntry read(byte[] bytes) {
    return serializer.read(kryo, new Input(bytes), JournalEntry.class);
  }

  @Test
  void everyFieldAndTheEpochRoundTrip() {
    JournalEntry plain = JournalEntry.of("sïte-b", 77, Long.MAX_VALUE, 1_700_000_000_000_000_000L, Op.RENAME, -9,
        3, new byte[] {1, 2, 3});
    for (long epoch : new long[] {0, 1, 300, Long.MAX_VALUE}) {
      JournalEntry e = plain.withEpoch(epoch);
      byte[] bytes = write(e);
      assertEquals(JournalEntrySerializer.LAYOUT_VERSION, bytes[0]);
      assertEquals(e, read(bytes));
    }
  }

  @Test
  void theSeenVectorRoundTripsAndAFlawedOneIsRefused() {
    JournalEntry e = TestEntries.entry("site-a", 4, 12).withEpoch(5)
        .withSeen(Seen.of(Map.of("site-b", 7L, "site-c", 1L, "site-a", 3L)));
    assertEquals(Seen.of(Map.of("site-b", 7L, "site-c", 1L)), e.seen(), "its own earlier writes are implied");
    assertEquals(e, read(write(e)));

    Output out = new Output(256, -1);
    serializer.write(kryo, out, TestEntries.entry("site-a", 4, 12));
    byte[] noSeen = out.toBytes();
    byte[] tooMany = java.util.Arrays.copyOf(noSeen, noSeen.length);
    tooMany[tooMany.length - 1] = (byte) (Seen.MAX_SITES + 1);
    assertThrows(KryoException.class, () -> read(tooMany));
  }

  @Test
  void layoutOneFromBeforeEpochsReadsAsEpochZero() {
    JournalEntry e = TestEntries.entry("site-a", 4, 12);
    Output out = new Output(256, -1);
    out.writeByte(JournalEntrySerializer.LAYOUT_NO_EPOCH);
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

    JournalEntry decoded = read(out.toBytes());

    assertEquals(0, decoded.epoch());
    assertTrue(e.sameContent(decoded));
    assertEquals(e, decoded);
  }

  @Test
  void anUnknownLayoutIsRefused() {
    byte[] bytes = write(TestEntries.entry("site-a", 4, 12));
    bytes[0] = 4;
    assertThrows(KryoException.class, () -> read(bytes));
  }
}
