package io.cfs.repl.model.entry;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.fuzz.Fuzz;
import java.nio.ByteBuffer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * EntryCodec reads entries that ingest clients send (inside a binary batch) and that the journal stored: any bytes
 * decode to an entry that re-encodes to an equal one, or are refused with {@link InvalidEntryException} (bad CRC
 * included), allocating in proportion to the input and never from a length field.
 */
class EntryCodecFuzzTest {
  // the decoder copies the site and the payload once, and builds a String and an exception message
  private static final long CONSTANT_ALLOWANCE = 16 * 1024;

  @Property
  void decodesOrRefusesAnyBytes(@ForAll("mutatedEntries") byte[] input) {
    JournalEntry decoded = decode(input);
    if (decoded != null) {
      assertThat(EntryCodec.decode(EntryCodec.encode(decoded))).isEqualTo(decoded);
    }
  }

  @Property(tries = 1_000)
  void roundTripsValidEntries(@ForAll("entries") JournalEntry entry) {
    assertThat(decode(EntryCodec.encode(entry))).isEqualTo(entry);
  }

  @Example
  void refusesPayloadLengthsFromTheExtremesWithoutAllocatingThem() {
    byte[] valid = EntryCodec.encode(TestEntries.entry("site-a", 1, 1));
    int payloadLengthAt = 36 + "site-a".length();
    for (int length : new int[] {0x7fffffff, 0x80000000, 0xffffffff, 0x7ffffff0}) {
      byte[] input = ByteBuffer.wrap(valid.clone()).putInt(payloadLengthAt, length).array();
      assertThat(Fuzz.run(() -> EntryCodec.decode(input)).failure()).isInstanceOf(InvalidEntryException.class);
      decode(input);
    }
  }

  @Example
  void refusesASiteLengthOfUint16MaxWithoutAllocatingIt() {
    byte[] input = ByteBuffer.wrap(EntryCodec.encode(TestEntries.entry("site-a", 1, 1))).putShort(1, (short) 0xffff)
        .array();
    assertThat(Fuzz.run(() -> EntryCodec.decode(input)).failure()).isInstanceOf(InvalidEntryException.class);
  }

  private static JournalEntry decode(byte[] input) {
    return Fuzz.decodesOrRefuses(CONSTANT_ALLOWANCE + 4L * input.length, () -> EntryCodec.decode(input),
        InvalidEntryException.class);
  }

  @Provide
  Arbitrary<JournalEntry> entries() {
    return EntryArbitraries.entries(512);
  }

  @Provide
  Arbitrary<byte[]> mutatedEntries() {
    return Fuzz.mutants(entries().map(EntryCodec::encode));
  }
}
