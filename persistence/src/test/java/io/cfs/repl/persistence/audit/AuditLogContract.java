package io.cfs.repl.persistence.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.persistence.ClosedAfterTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rules of {@link AuditLog}, run once per backend: durable and atomic recording with ids in recording order,
 * newest-first queries by time range and filters, paging that visits every match once, and retention by age and count
 * that says what it removed.
 */
abstract class AuditLogContract {
  static final long T0 = 1_700_000_000_000L;

  @RegisterExtension
  final ClosedAfterTest opened = new ClosedAfterTest();

  /** The site of this test's log (each test its own, where storage outlives the test). */
  abstract String site();

  /** Opens the log of {@link #site()}; a second call opens the same stored log again (after closing the first). */
  abstract AuditLog open();

  /** Opens a log whose retention deletes at most {@code chunk} records per write, to exercise the chunking. */
  abstract AuditLog openWithDeleteChunk(int chunk);

  AuditRecord at(long millis, AuditKind kind) {
    return AuditRecord.of(kind, millis, site(), kind + " at " + millis);
  }

  /** Every record {@code query} selects, following {@code next} page after page. */
  static List<AuditRecord> all(AuditLog log, AuditQuery query) {
    List<AuditRecord> found = new ArrayList<>();
    AuditQuery page = query;
    for (int pages = 0; pages < 10_000; pages++) {
      AuditPage answer = log.query(page);
      assertThat(answer.records()).hasSizeLessThanOrEqualTo(query.limit());
      found.addAll(answer.records());
      if (answer.next() == null) return found;
      page = page.withAfter(answer.next());
    }
    throw new AssertionError("paging did not end");
  }

  static List<Long> ids(List<AuditRecord> records) {
    return records.stream().map(AuditRecord::id).toList();
  }

  static final Comparator<AuditRecord> NEWEST_FIRST =
      Comparator.comparingLong(AuditRecord::atMillis).thenComparingLong(AuditRecord::id).reversed();

  @Test
  void recordAssignsIncreasingIdsAndQueriesAnswerNewestFirst() {
    AuditLog log = opened.add(open());
    List<AuditRecord> first = log.record(List.of(at(T0 + 10, AuditKind.LINK_UP), at(T0 + 30, AuditKind.LINK_DOWN)));
    List<AuditRecord> second = log.record(List.of(at(T0 + 20, AuditKind.LINK_UP)));
    assertThat(first.get(0).id()).isPositive();
    assertThat(first.get(1).id()).isGreaterThan(first.get(0).id());
    assertThat(second.get(0).id()).isGreaterThan(first.get(1).id());
    assertThat(first.get(0).withId(0)).isEqualTo(at(T0 + 10, AuditKind.LINK_UP));

    AuditPage page = log.query(AuditQuery.newest(10));
    assertThat(page.records()).extracting(AuditRecord::atMillis).containsExactly(T0 + 30, T0 + 20, T0 + 10);
    assertThat(page.records()).containsExactly(first.get(1), second.get(0), first.get(0));
    assertThat(page.next()).isNull();
    assertThat(log.record(List.of())).isEmpty();
  }

  @Test
  void everyFieldRoundTripsAndNullFieldsStayNull() {
    AuditLog log = opened.add(open());
    AuditRecord full = AuditRecord.of(AuditKind.SHARD_STOPPED, T0, site(), "gap on shard 7: é ✓ \uD83D\uDE00")
        .withPeer("peer-z").withInode(-42).withPosition(7, 251L)
        .withAttribute("expectedSeq", "1").withAttribute("address", "127.0.0.1:9500");
    AuditRecord bare = AuditRecord.of(AuditKind.LINK_PAUSED, T0 + 1, site(), "");
    AuditRecord shardOnly = AuditRecord.of(AuditKind.SHARD_STOPPED, T0 + 2, site(), "x").withPosition(0, null);
    AuditRecord longText = AuditRecord.of(AuditKind.LINK_DOWN, T0 + 3, site(), "y".repeat(5000));
    List<AuditRecord> stored = log.record(List.of(full, bare, shardOnly, longText));

    List<AuditRecord> read = log.query(AuditQuery.newest(10)).records();
    assertThat(read).containsExactlyInAnyOrderElementsOf(stored);
    AuditRecord readFull = read.stream().filter(r -> r.kind() == AuditKind.SHARD_STOPPED && r.inode() != null)
        .findFirst().orElseThrow();
    assertThat(readFull.attributes()).containsExactly(Map.entry("address", "127.0.0.1:9500"),
        Map.entry("expectedSeq", "1"));
    AuditRecord readBare = read.stream().filter(r -> r.kind() == AuditKind.LINK_PAUSED).findFirst().orElseThrow();
    assertThat(readBare.peer()).isNull();
    assertThat(readBare.inode()).isNull();
    assertThat(readBare.shard()).isNull();
    assertThat(readBare.seq()).isNull();
    assertThat(readBare.attributes()).isEmpty();
    assertThat(read.stream().filter(r -> r.kind() == AuditKind.LINK_DOWN).findFirst().orElseThrow().detail())
        .hasSize(AuditRecord.MAX_DETAIL_CHARS).endsWith("\u2026");
  }

  @Test
  void recordsSurviveAReopenAndIdsGoOnAboveThem() {
    AuditLog log = open();
    List<AuditRecord> before = log.record(List.of(at(T0, AuditKind.LINK_UP), at(T0 + 1, AuditKind.LINK_DOWN)));
    log.close();
    AuditLog again = opened.add(open());
    assertThat(again.query(AuditQuery.newest(10)).records()).containsExactlyElementsOf(
        before.stream().sorted(NEWEST_FIRST).toList());
    AuditRecord after = again.record(List.of(at(T0 - 5, AuditKind.LINK_UP))).get(0);
    assertThat(after.id()).isGreaterThan(before.get(1).id());
  }

  @Test
  void aCallWithARecordOfAnotherSiteWritesNothingOfIt() {
    AuditLog log = opened.add(open());
    List<AuditRecord> mixed = List.of(at(T0, AuditKind.LINK_UP), at(T0 + 1, AuditKind.LINK_DOWN),
        AuditRecord.of(AuditKind.LINK_UP, T0 + 2, "not-" + site(), "elsewhere"));
    assertThatThrownBy(() -> log.record(mixed)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not-" + site());
    assertThat(log.query(AuditQuery.newest(10)).records()).isEmpty();
  }

  @Test
  void theTimeRangeIncludesSinceAndExcludesUntil() {
    AuditLog log = opened.add(open());
    for (int i = 0; i < 10; i++) log.record(List.of(at(T0 + i * 100, AuditKind.LINK_UP)));
    List<AuditRecord> range = all(log, AuditQuery.newest(3).withSince(T0 + 200).withUntil(T0 + 600));
    assertThat(range).extracting(AuditRecord::atMillis).containsExactly(T0 + 500, T0 + 400, T0 + 300, T0 + 200);
    assertThat(log.query(AuditQuery.newest(10).withSince(T0 + 950)).records()).isEmpty();
    assertThat(log.query(AuditQuery.newest(10).withSince(T0 + 300).withUntil(T0 + 300)).records()).isEmpty();
    assertThat(log.query(AuditQuery.newest(10).withUntil(T0 + 1)).records()).extracting(AuditRecord::atMillis)
        .containsExactly(T0);
  }

  @Test
  void filtersSelectByKindBySiteOrPeerAndByInode() {
    AuditLog log = opened.add(open());
    List<AuditRecord> stored = log.record(List.of(
        at(T0, AuditKind.LINK_UP).withPeer("peer-b"),
        at(T0 + 1, AuditKind.LINK_DOWN).withPeer("peer-b"),
        at(T0 + 2, AuditKind.LINK_DOWN).withPeer("peer-c"),
        at(T0 + 3, AuditKind.OLD_EPOCH_RECONCILED).withPeer("peer-c").withInode(7),
        at(T0 + 4, AuditKind.OLD_EPOCH_RECONCILED).withInode(8),
        at(T0 + 5, AuditKind.PROMOTED)));
    UnaryOperator<AuditQuery> none = q -> q;
    record Case(String name, UnaryOperator<AuditQuery> filter, List<Integer> expected) { }
    List<Case> cases = List.of(
        new Case("no filter", none, List.of(5, 4, 3, 2, 1, 0)),
        new Case("one kind", q -> q.withKinds(Set.of(AuditKind.LINK_DOWN)), List.of(2, 1)),
        new Case("two kinds", q -> q.withKinds(Set.of(AuditKind.LINK_UP, AuditKind.PROMOTED)), List.of(5, 0)),
        new Case("peer", q -> q.withSite("peer-c"), List.of(3, 2)),
        new Case("own site", q -> q.withSite(site()), List.of(5, 4, 3, 2, 1, 0)),
        new Case("unknown site", q -> q.withSite("peer-z"), List.of()),
        new Case("inode", q -> q.withInode(7L), List.of(3)),
        new Case("kind and peer", q -> q.withKinds(Set.of(AuditKind.LINK_DOWN)).withSite("peer-b"), List.of(1)),
        new Case("kind and inode", q -> q.withKinds(Set.of(AuditKind.OLD_EPOCH_RECONCILED)).withInode(8L),
            List.of(4)),
        new Case("kind, peer and time", q -> q.withKinds(Set.of(AuditKind.LINK_DOWN, AuditKind.LINK_UP))
            .withSite("peer-b").withSince(T0 + 1), List.of(1)));
    for (Case c : cases) {
      List<AuditRecord> expected = c.expected().stream().map(stored::get).toList();
      assertThat(all(log, c.filter().apply(AuditQuery.newest(2)))).as(c.name()).containsExactlyElementsOf(expected);
      assertThat(all(log, c.filter().apply(AuditQuery.newest(100)))).as(c.name())
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void pagingVisitsEveryMatchOnceNewestFirstEvenWithinOneMillisecond() {
    AuditLog log = opened.add(open());
    List<AuditRecord> batch = new ArrayList<>();
    for (int i = 0; i < 57; i++) {
      batch.add(at(T0 + i / 5, i % 3 == 0 ? AuditKind.LINK_DOWN : AuditKind.LINK_UP)); // five per millisecond
    }
    List<AuditRecord> stored = log.record(batch);
    List<AuditRecord> expected = stored.stream().sorted(NEWEST_FIRST).toList();
    for (int limit : new int[] {1, 4, 5, 7, 57, 58, AuditQuery.MAX_LIMIT}) {
      assertThat(all(log, AuditQuery.newest(limit))).as("limit " + limit).containsExactlyElementsOf(expected);
    }
    AuditPage first = log.query(AuditQuery.newest(10));
    assertThat(first.records()).hasSize(10);
    assertThat(first.next()).isEqualTo(AuditCursor.of(first.records().get(9)));
    AuditPage last = log.query(AuditQuery.newest(57));
    assertThat(last.next()).as("nothing is left after the page").isNull();
    assertThat(all(log, AuditQuery.newest(6).withKinds(Set.of(AuditKind.LINK_DOWN))))
        .containsExactlyElementsOf(expected.stream().filter(r -> r.kind() == AuditKind.LINK_DOWN).toList());
  }

  @Test
  void aRecordAddedWhilePagingShowsInTheLaterPagesOnlyIfItSortsBelowTheCursor() {
    AuditLog log = opened.add(open());
    for (int i = 0; i < 6; i++) log.record(List.of(at(T0 + i, AuditKind.LINK_UP)));
    AuditPage first = log.query(AuditQuery.newest(3));
    log.record(List.of(at(T0 + 100, AuditKind.LINK_DOWN), at(T0 + 1, AuditKind.LINK_DOWN)));
    List<AuditRecord> rest = all(log, AuditQuery.newest(3).withAfter(first.next()));
    assertThat(rest).extracting(AuditRecord::atMillis).containsExactly(T0 + 2, T0 + 1, T0 + 1, T0);
    assertThat(rest.get(1).kind()).as("the late record at T0 + 1 has the greater id").isEqualTo(AuditKind.LINK_DOWN);
  }

  @Test
  void deleteOlderThanRemovesExactlyTheOlderRecordsAndCountsThem() {
    AuditLog log = opened.add(openWithDeleteChunk(7));
    List<AuditRecord> batch = new ArrayList<>();
    for (int i = 0; i < 40; i++) batch.add(at(T0 + i, AuditKind.LINK_UP));
    log.record(batch);
    assertThat(log.deleteOlderThan(T0)).isZero();
    assertThat(log.deleteOlderThan(T0 + 23)).isEqualTo(23);
    assertThat(log.deleteOlderThan(T0 + 23)).isZero();
    assertThat(all(log, AuditQuery.newest(100))).extracting(AuditRecord::atMillis)
        .containsExactlyElementsOf(range(T0 + 39, T0 + 23));
    assertThat(log.deleteOlderThan(Long.MAX_VALUE)).isEqualTo(17);
    assertThat(log.query(AuditQuery.newest(10)).records()).isEmpty();
  }

  @Test
  void trimToKeepsTheNewestRecordsAndCountsWhatItRemoved() {
    AuditLog log = opened.add(openWithDeleteChunk(7));
    List<AuditRecord> batch = new ArrayList<>();
    for (int i = 0; i < 40; i++) batch.add(at(T0 + i / 2, AuditKind.LINK_DOWN)); // two per millisecond
    List<AuditRecord> stored = log.record(batch);
    assertThat(log.trimTo(50)).isZero();
    assertThat(log.trimTo(25)).isEqualTo(15);
    assertThat(all(log, AuditQuery.newest(100)))
        .containsExactlyElementsOf(stored.stream().sorted(NEWEST_FIRST).limit(25).toList());
    assertThat(log.deleteOlderThan(T0 + 10)).isEqualTo(5);
    assertThat(log.trimTo(20)).as("counts what is left after other deletions").isZero();
    log.record(List.of(at(T0 - 1, AuditKind.LINK_UP), at(T0 + 100, AuditKind.LINK_UP)));
    assertThat(log.trimTo(20)).isEqualTo(2);
    assertThat(all(log, AuditQuery.newest(100))).hasSize(20).first()
        .satisfies(newest -> assertThat(newest.atMillis()).isEqualTo(T0 + 100));
    assertThat(log.trimTo(0)).isEqualTo(20);
    assertThat(log.query(AuditQuery.newest(10)).records()).isEmpty();
  }

  @Test
  void aClosedLogRefusesCalls() {
    AuditLog log = open();
    log.close();
    assertThatThrownBy(() -> log.query(AuditQuery.newest(1))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> log.record(List.of(at(T0, AuditKind.LINK_UP))))
        .isInstanceOf(IllegalStateException.class);
    log.close(); // idempotent
  }

  /** from, from - 1, ... down to and including to. */
  private static List<Long> range(long from, long to) {
    List<Long> values = new ArrayList<>();
    for (long v = from; v >= to; v--) values.add(v);
    return values;
  }
}
