package io.cfs.repl.model.entry;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Valid journal entries for property tests: every field over its whole range, sites of any script. */
public final class EntryArbitraries {
  private EntryArbitraries() {
  }

  public static Arbitrary<String> sites() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-').ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(JournalEntry.MAX_SITE_ID_LENGTH))
        .filter(s -> !s.isBlank());
  }

  /** Entries of any epoch (so both EntryCodec formats), payloads up to {@code maxPayloadBytes}. */
  public static Arbitrary<JournalEntry> entries(int maxPayloadBytes) {
    Arbitrary<JournalEntry> unstamped = Combinators.combine(sites(), Arbitraries.integers().greaterOrEqual(0),
        Arbitraries.longs().greaterOrEqual(1), Arbitraries.longs().greaterOrEqual(0), Arbitraries.of(Op.class),
        Arbitraries.longs(), Arbitraries.integers(), Arbitraries.bytes().array(byte[].class).ofMaxSize(maxPayloadBytes))
        .as(JournalEntry::of);
    Arbitrary<Long> epochs = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().greaterOrEqual(0));
    return Combinators.combine(unstamped, epochs).as(JournalEntry::withEpoch);
  }

  /** Entries as ingest clients write them: epoch 0. */
  public static Arbitrary<JournalEntry> unstampedEntries(int maxPayloadBytes) {
    return entries(maxPayloadBytes).map(e -> e.withEpoch(0));
  }
}
