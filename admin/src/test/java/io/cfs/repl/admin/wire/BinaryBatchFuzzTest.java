package io.cfs.repl.admin.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.fuzz.Fuzz;
import io.cfs.repl.model.entry.EntryArbitraries;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.TestEntries;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The binary ingest batch is what any client holding the ingest token posts: any body decodes to entries that
 * encode back to the same batch, or is refused with {@link IngestRejection} (MALFORMED, BAD_CRC, BATCH_TOO_LARGE),
 * allocating in proportion to the body whatever its count and length fields say.
 */
class BinaryBatchFuzzTest {
  // large enough that a count within it still must not size anything from the count alone
  private static final int MAX_ENTRIES = 100_000;
  private static final long CONSTANT_ALLOWANCE = 16 * 1024;

  @Property
  void decodesOrRefusesAnyBody(@ForAll("mutatedBatches") byte[] body) {
    List<JournalEntry> entries = decode(body);
    if (entries != null) {
      assertThat(BinaryBatch.decode(ByteBuffer.wrap(BinaryBatch.encode(entries)), MAX_ENTRIES)).isEqualTo(entries);
    }
  }

  @Property(tries = 1_000)
  void roundTripsBatches(@ForAll("batches") List<JournalEntry> entries) {
    assertThat(decode(BinaryBatch.encode(entries))).isEqualTo(entries);
  }

  /**
   * Found by the fuzzer: the entry list was sized from the batch's count before any entry was read, so a 9-byte
   * header claiming 100,000 entries (within max-entries-per-request) cost 400 KB.
   */
  @Example
  void refusesACountTheBodyCannotHoldWithoutSizingAListForIt() {
    for (int count : new int[] {MAX_ENTRIES, 0x7fffffff, 0x80000000, 0xffffffff}) {
      byte[] body = ByteBuffer.allocate(9).putInt(0x43465342).put((byte) 1).putInt(count).array();
      assertThat(Fuzz.run(() -> BinaryBatch.decode(ByteBuffer.wrap(body), MAX_ENTRIES)).failure())
          .isInstanceOf(IngestRejection.class);
      decode(body);
    }
  }

  @Example
  void refusesEntryLengthsFromTheExtremes() {
    byte[] valid = BinaryBatch.encode(List.of(TestEntries.entry("site-a", 1, 1)));
    for (int length : new int[] {0x7fffffff, 0x80000000, 0xffffffff}) {
      byte[] body = ByteBuffer.wrap(valid.clone()).putInt(BinaryBatch.HEADER_BYTES, length).array();
      assertThat(Fuzz.run(() -> BinaryBatch.decode(ByteBuffer.wrap(body), MAX_ENTRIES)).failure())
          .isInstanceOf(IngestRejection.class);
      decode(body);
    }
  }

  private static List<JournalEntry> decode(byte[] body) {
    return Fuzz.decodesOrRefuses(CONSTANT_ALLOWANCE + 8L * body.length,
        () -> BinaryBatch.decode(ByteBuffer.wrap(body), MAX_ENTRIES), IngestRejection.class);
  }

  @Provide
  Arbitrary<List<JournalEntry>> batches() {
    // ingest clients send format 1 (epoch 0); format 2 is read too, so both are fed
    return EntryArbitraries.entries(128).list().ofMaxSize(5);
  }

  @Provide
  Arbitrary<byte[]> mutatedBatches() {
    return Fuzz.mutants(batches().map(BinaryBatch::encode));
  }
}
