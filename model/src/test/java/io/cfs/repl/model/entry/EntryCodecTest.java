package io.cfs.repl.model.entry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
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
  void anEntryOfEpochZeroIsWrittenInFormatOne() {
    JournalEntry e = TestEntries.entry("site-a", 0, 1);
    assertEquals(0, e.epoch());
    assertArrayEquals(formatOne(e), EntryCodec.encode(e));
  }

  /** Entries the journal stored before epochs existed (format 1) still read, as epoch 0. */
  @Test
  void formatOneDecodesAsEpochZero() {
    for (JournalEntry e : samples) {
      JournalEntry decoded = EntryCodec.decode(formatOne(e));
      assertEquals(0, decoded.epoch());
      assertTrue(e.sameContent(decoded));
    }
  }

  @Test
  void anEntryWithAnEpochIsWrittenInFormatTwoAndRoundTrips() {
    for (JournalEntry e : samples) {
      JournalEntry stamped = e.withEpoch(Long.MAX_VALUE - 3);
      byte[] bytes = EntryCodec.encode(stamped);
      assertEquals(EntryCodec.FORMAT_VERSION_WITH_EPOCH, bytes[0]);
      assertEquals(EntryCodec.encodedSize(e) + 8, bytes.length);
      assertEquals(EntryCodec.encodedSize(stamped), bytes.length);
      assertEquals(Long.MAX_VALUE - 3, ByteBuffer.wrap(bytes).getLong(bytes.length - 8), "the epoch comes last");
      JournalEntry decoded = EntryCodec.decode(bytes);
      assertEquals(stamped, decoded);
      assertEquals(Long.MAX_VALUE - 3, decoded.epoch());
    }
  }

  @Test
  void formatTwoIsFormatOneWithItsVersionByteAndTheEpochAfterTheCrc() {
    JournalEntry e = TestEntries.entry("site-a", 7, 9);
    byte[] one = EntryCodec.encode(e);
    byte[] two = EntryCodec.encode(e.withEpoch(5));
    assertEquals(2, two[0]);
    assertArrayEquals(Arrays.copyOfRange(one, 1, one.length), Arrays.copyOfRange(two, 1, one.length));
    assertEquals(5, ByteBuffer.wrap(two).getLong(one.length));
  }

  @Test
  void formatTwoCutShortOrWithANegativeEpochIsRejected() {
    byte[] good = EntryCodec.encode(TestEntries.entry("site-a", 7, 9).withEpoch(3));
    for (int length = 0; length < good.length; length++) {
      byte[] cut = Arrays.copyOf(good, length);
      assertThrows(InvalidEntryException.class, () -> EntryCodec.decode(cut), () -> "length " + cut.length);
    }
    byte[] negative = good.clone();
    negative[good.length - 8] |= (byte) 0x80;
    assertThrows(InvalidEntryException.class, () -> EntryCodec.decode(negative));
    byte[] unknownVersion = good.clone();
    unknownVersion[0] = 4;
    assertThrows(InvalidEntryException.class, () -> EntryCodec.decode(unknownVersion));
  }

  @Test
  void anEntryStampedWithWhatItsOriginSawIsWrittenInFormatThreeAndRoundTrips() {
    JournalEntry e = TestEntries.entry("site-a", 7, 9);
    JournalEntry seen = e.withSeen(Seen.of(Map.of("site-b", 4L, "sïte-c", 1L)));
    byte[] three = EntryCodec.encode(seen);
    assertEquals(EntryCodec.FORMAT_VERSION_WITH_SEEN, three[0]);
    assertEquals(EntryCodec.encodedSize(seen), three.length);
    byte[] two = EntryCodec.encode(e.withEpoch(0).withSeen(Seen.NONE));
    assertEquals(EntryCodec.FORMAT_VERSION, two[0], "nothing seen, no epoch: format 1 as ever");
    assertEquals(seen, EntryCodec.decode(three));
    assertTrue(e.sameContent(EntryCodec.decode(three)), "the vector is not content: the crc does not cover it");
    for (int length = 0; length < three.length; length++) {
      byte[] cut = Arrays.copyOf(three, length);
      assertThrows(InvalidEntryException.class, () -> EntryCodec.decode(cut), () -> "length " + cut.length);
    }
  }

  /** Format 1 written field by field, as the journal wrote entries before epochs existed. */
  private static byte[] formatOne(JournalEntry e) {
    byte[] site = e.originSite().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(44 + site.length + e.payload().length)
        .put((byte) 1).putShort((short) site.length).put(site).putInt(e.shard()).putLong(e.seq()).putLong(e.hlc())
        .put((byte) e.op().code()).putLong(e.inodeId()).putInt(e.schemaVersion()).putInt(e.payload().length)
        .put(e.payload()).putInt(e.crc())
        .array();
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
