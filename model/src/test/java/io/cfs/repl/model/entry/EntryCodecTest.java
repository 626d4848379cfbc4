package io.cfs.repl.model.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryCodecTest {
  private final List<JournalEntry> samples = List.of(
      TestEntries.entry("site-a", 0, 1),
      JournalEntry.of("sïte-ü", Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Op.RMDIR, -5, -1, new byte[0]),
      JournalEntry.of("b", 300, 42, 0, Op.SETXATTR, Long.MIN_VALUE, Integer.MAX_VALUE, new byte[70_000]));

  @Test
  void roundTripsEveryField() {
    for (JournalEntry e : samples) {
      byte[] bytes = EntryCodec.encode(e);
      assertEquals(EntryCodec.encodedSize(e), bytes.length);
      JournalEntry decoded = EntryCodec.decode(bytes);
      assertTrue(e.sameContent(decoded), () -> e + " decoded as " + decoded);
    }
  }

  @Test
  void decodesConsecutiveEntriesFromOneBuffer() {
    ByteBuffer buffer = ByteBuffer.allocate(samples.stream().mapToInt(EntryCodec::encodedSize).sum());
    samples.forEach(e -> EntryCodec.encode(e, buffer));
    buffer.flip();
    for (JournalEntry e : samples) {
      assertTrue(e.sameContent(EntryCodec.decode(buffer)));
    }
    assertEquals(0, buffer.remaining());
  }

  @Test
  void layoutStartsWithVersionThenSiteLength() {
    byte[] bytes = EntryCodec.encode(TestEntries.entry("site-a", 0, 1));
    assertEquals(EntryCodec.FORMAT_VERSION, bytes[0]);
    assertEquals(6, ByteBuffer.wrap(bytes).getShort(1));
    assertEquals(44 + 6 + TestEntries.entry("site-a", 0, 1).payload().length, bytes.length);
  }

  @Test
  void everyCorruptedByteIsRejected() {
    byte[] good = EntryCodec.encode(TestEntries.entry("site-a", 7, 9));
    for (int flip : new int[] {0x01, 0x80, 0xFF}) {
      for (int i = 0; i < good.length; i++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) flip;
        int at = i;
        assertThrows(InvalidEntryException.class, () -> EntryCodec.decode(bad), () -> "flip at " + at);
      }
    }
  }

  @Test
  void truncatedOrPaddedInputIsRejected() {
    byte[] good = EntryCodec.encode(TestEntries.entry("site-a", 7, 9));
    for (int length = 0; length < good.length; length++) {
      byte[] cut = Arrays.copyOf(good, length);
      assertThrows(InvalidEntryException.class, () -> EntryCodec.decode(cut), () -> "length " + cut.length);
    }
    assertThrows(InvalidEntryException.class, () -> EntryCodec.decode(Arrays.copyOf(good, good.length + 1)));
  }
}
