package io.cfs.repl.admin.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.fuzz.Fuzz;
import io.cfs.repl.model.entry.EntryArbitraries;
import io.cfs.repl.model.entry.JournalEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The JSON ingest batch: any body decodes to entries that encode back to an equal batch, or is refused with
 * {@link IngestRejection}, allocating in proportion to the body. Besides byte-level edits, values are swapped for
 * hostile JSON (out-of-range numbers, wrong types, deep nesting, broken base64 and surrogates).
 */
class JsonBatchFuzzTest {
  private static final int MAX_ENTRIES = 1_000;
  private static final long CONSTANT_ALLOWANCE = 64 * 1024;
  private static final Pattern VALUE = Pattern.compile("(?<=:)(-?\\d+|\"(?:[^\"\\\\]|\\\\.)*\"|null|\\[)");
  private static final List<String> HOSTILE = List.of("null", "\"\"", "\"x\"", "1.5", "-1", "0", "2147483648",
      "-2147483649", "9223372036854775808", "1e400", "-0", "[]", "{}", "true", "\"====\"", "\"\\ud800\"",
      "[".repeat(5_000) + "]".repeat(5_000), "{\"entries\":[]}", "\"WRITE\"", "\"write\"", "4294967296");

  @Property
  void decodesOrRefusesAnyBody(@ForAll("mutatedBatches") byte[] body) {
    List<JournalEntry> entries = decode(body);
    if (entries != null) {
      assertThat(JsonBatch.decode(JsonBatch.encode(entries), MAX_ENTRIES)).isEqualTo(entries);
    }
  }

  @Property(tries = 1_000)
  void roundTripsBatches(@ForAll("batches") List<JournalEntry> entries) {
    assertThat(decode(JsonBatch.encode(entries))).isEqualTo(entries);
  }

  /**
   * Found by the fuzzer: bytes that Jackson's encoding detection takes for UTF-32 failed with a CharConversionException,
   * which came out as an UncheckedIOException (an INTERNAL error, 500) instead of a MALFORMED refusal.
   */
  @Example
  void refusesBytesJacksonReadsAsInvalidUtf32() {
    byte[] body = {-128, 0, 0, 0, 116, 114, 105, 101, 115, 34, 58, 91, 93, 125};
    IngestRejection refused = (IngestRejection) Fuzz.run(() -> JsonBatch.decode(body, MAX_ENTRIES)).failure();
    assertThat(refused.error()).isEqualTo("MALFORMED");
  }

  @Example
  void refusesNestingDeeperThanJacksonAllows() {
    byte[] body = ("{\"entries\":" + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
    assertThat(Fuzz.run(() -> JsonBatch.decode(body, MAX_ENTRIES)).failure()).isInstanceOf(IngestRejection.class);
  }

  private static List<JournalEntry> decode(byte[] body) {
    return Fuzz.decodesOrRefuses(CONSTANT_ALLOWANCE + 64L * body.length, () -> JsonBatch.decode(body, MAX_ENTRIES),
        IngestRejection.class);
  }

  @Provide
  Arbitrary<List<JournalEntry>> batches() {
    return EntryArbitraries.unstampedEntries(96).list().ofMaxSize(4);
  }

  @Provide
  Arbitrary<byte[]> mutatedBatches() {
    Arbitrary<String> valid = batches().map(b -> new String(JsonBatch.encode(b), StandardCharsets.UTF_8));
    Arbitrary<String> hostile = Combinators.combine(valid, Arbitraries.integers().greaterOrEqual(0),
        Arbitraries.of(HOSTILE)).as(JsonBatchFuzzTest::replaceValue);
    return Fuzz.mutants(Arbitraries.oneOf(valid, hostile).map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  /** The JSON with its {@code index}-th value (modulo their number) replaced by {@code token}. */
  private static String replaceValue(String json, int index, String token) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = VALUE.matcher(json);
    while (m.find()) spans.add(new int[] {m.start(), m.end()});
    if (spans.isEmpty()) return json;
    int[] span = spans.get(index % spans.size());
    return json.substring(0, span[0]) + token + json.substring(span[1]);
  }
}
