package io.cfs.repl.admin.wire;

import static io.cfs.repl.admin.server.ingest.IngestTestNode.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The binary batch layout, byte by byte as documented, and what a reader says about bytes it cannot take. */
class BinaryBatchTest {

  @Test
  void headerIsMagicVersionAndCountThenLengthPrefixedEntries() {
    byte[] bytes = BinaryBatch.encode(entries(1, 1, 2));
    ByteBuffer in = ByteBuffer.wrap(bytes);
    assertThat(new byte[] {in.get(), in.get(), in.get(), in.get()}).isEqualTo("CFSB".getBytes());
    assertThat(in.get()).isEqualTo((byte) 1);
    assertThat(in.getInt()).isEqualTo(2);
    int first = in.getInt();
    assertThat(in.get(in.position())).as("entry format version").isEqualTo((byte) 1);
    in.position(in.position() + first);
    int second = in.getInt();
    in.position(in.position() + second);
    assertThat(in.hasRemaining()).isFalse();
    assertThat(BinaryBatch.decode(ByteBuffer.wrap(bytes), 10)).isEqualTo(entries(1, 1, 2));
  }

  /** The example of the README, byte for byte: a client in another language can test against it. */
  @Test
  void readmeExampleIsOneWriteOfInodeFive() {
    byte[] example = HexFormat.ofDelimiter(" ").parseHex("43 46 53 42 01 00 00 00 01 00 00 00 34 01 00 06 73 69 74"
        + " 65 2d 61 00 00 00 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 03 e8 03 00 00 00 00 00 00 00 05 00 00 00"
        + " 01 00 00 00 02 68 69 2e 89 07 8b");
    JournalEntry entry = JournalEntry.of("site-a", 1, 1, 1000, Op.WRITE, 5, 1, "hi".getBytes(StandardCharsets.UTF_8));
    assertThat(entry.crc()).isEqualTo(0x2e89078b);
    assertThat(BinaryBatch.encode(List.of(entry))).isEqualTo(example);
    assertThat(BinaryBatch.decode(ByteBuffer.wrap(example), 1)).containsExactly(entry);
  }

  @Test
  void anEmptyBatchIsNineBytes() {
    assertThat(BinaryBatch.encode(List.of())).hasSize(BinaryBatch.HEADER_BYTES);
    assertThat(BinaryBatch.decode(ByteBuffer.wrap(BinaryBatch.encode(List.of())), 10)).isEmpty();
  }

  @Test
  void countOverTheLimitIsRefusedBeforeDecodingNamingTheFirstEntry() {
    IngestRejection refused = refusal(BinaryBatch.encode(entries(4, 9, 20)), 5);
    assertThat(refused.error()).isEqualTo("BATCH_TOO_LARGE");
    assertThat(refused.shard()).isEqualTo(4);
    assertThat(refused.seq()).isEqualTo(9);
  }

  @Test
  void trailingBytesAndShortHeadersAreMalformed() {
    byte[] good = BinaryBatch.encode(entries(1, 1, 1));
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    assertThat(refusal(trailing, 10).error()).isEqualTo("MALFORMED");
    assertThat(refusal(new byte[] {'C', 'F', 'S', 'B', 1}, 10).error()).isEqualTo("MALFORMED");
    byte[] newerLayout = good.clone();
    newerLayout[4] = 2;
    assertThat(refusal(newerLayout, 10).getMessage()).contains("version 2");
  }

  @Test
  void anEntryCutByItsLengthIsMalformedAndNamed() {
    byte[] bytes = BinaryBatch.encode(entries(6, 3, 3));
    ByteBuffer.wrap(bytes).putInt(BinaryBatch.HEADER_BYTES, 30); // cuts the entry after its seq
    IngestRejection refused = refusal(bytes, 10);
    assertThat(refused.error()).isEqualTo("MALFORMED");
    assertThat(refused.shard()).isEqualTo(6);
    assertThat(refused.seq()).isEqualTo(3);
  }

  @Test
  void aBadCrcIsRefusedNamingTheEntry() {
    byte[] bytes = BinaryBatch.encode(entries(7, 12, 13));
    bytes[bytes.length - 5] ^= 0x01; // the last entry's last payload byte
    IngestRejection refused = refusal(bytes, 10);
    assertThat(refused.error()).isEqualTo("BAD_CRC");
    assertThat(refused.shard()).isEqualTo(7);
    assertThat(refused.seq()).isEqualTo(13);
  }

  @Test
  void bytesAfterAnEntryWithinItsLengthAreMalformedAndNamed() {
    JournalEntry entry = entries(2, 5, 5).get(0);
    byte[] encoded = io.cfs.repl.model.entry.EntryCodec.encode(entry);
    ByteBuffer batch = ByteBuffer.allocate(BinaryBatch.HEADER_BYTES + 4 + encoded.length + 3)
        .put(BinaryBatch.encode(List.of()), 0, 5).putInt(1).putInt(encoded.length + 3).put(encoded).put(new byte[3]);
    IngestRejection refused = refusal(batch.array(), 10);
    assertThat(refused.error()).isEqualTo("MALFORMED");
    assertThat(refused.getMessage()).contains("followed by 3 bytes");
    assertThat(refused.shard()).isEqualTo(2);
    assertThat(refused.seq()).isEqualTo(5);
  }

  private static IngestRejection refusal(byte[] bytes, int maxEntries) {
    return catchThrowableOfType(IngestRejection.class, () -> BinaryBatch.decode(ByteBuffer.wrap(bytes), maxEntries));
  }
}
