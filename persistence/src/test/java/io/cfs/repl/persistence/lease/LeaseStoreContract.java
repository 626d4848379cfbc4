package io.cfs.repl.persistence.lease;

import static io.cfs.repl.model.entry.TestEntries.range;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.MetadataStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link LeaseStore}, run once per backend: one holder at a time, a greater token for every new holder,
 * holdings renewed and released only by themselves, and fenced store writes refused once a newer holder took over.
 */
abstract class LeaseStoreContract {
  static final Duration LONG = Duration.ofMinutes(5);
  static final Duration SHORT = Duration.ofMillis(300);
  static final String LEASE = "replicator-site-b";

  /** A lease store of a site of its own (the tables outlive runs on PostgreSQL). */
  abstract LeaseStore leases();

  /** A store of the same site as {@link #leases()} whose fenced applies are checked against it. */
  abstract MetadataStore fencedStore();

  @Test
  void aFreeLeaseIsTakenAndAHeldOneIsRefusedToOthers() {
    LeaseStore leases = leases();
    long token = leases.acquire(LEASE, "node-1", LONG).orElseThrow();
    assertTrue(token >= 1);
    assertEquals(OptionalLong.empty(), leases.acquire(LEASE, "node-2", LONG), "held by node-1");
    LeaseStore.LeaseState state = leases.state(LEASE).orElseThrow();
    assertEquals(token, state.token());
    assertEquals("node-1", state.holder().orElseThrow());
    assertTrue(leases.state("another-lease").isEmpty(), "leases are independent");
    assertTrue(leases.acquire("another-lease", "node-2", LONG).isPresent());
  }

  @Test
  void renewingExtendsOnlyTheHoldersOwnHolding() {
    LeaseStore leases = leases();
    long token = leases.acquire(LEASE, "node-1", SHORT).orElseThrow();
    assertFalse(leases.renew(LEASE, "node-2", token, LONG), "not node-2's");
    assertFalse(leases.renew(LEASE, "node-1", token + 1, LONG), "not this token");
    assertTrue(leases.renew(LEASE, "node-1", token, LONG));
    // renewed for minutes: well past the first ttl, node-2 is still refused
    await().pollDelay(SHORT.multipliedBy(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertEquals(OptionalLong.empty(), leases.acquire(LEASE, "node-2", LONG));
  }

  @Test
  void anExpiredLeaseIsTakenOverWithAGreaterTokenAndTheOldHolderCanNeitherRenewNorWrite() {
    LeaseStore leases = leases();
    long first = leases.acquire(LEASE, "node-1", SHORT).orElseThrow();
    long[] second = new long[1];
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      OptionalLong t = leases.acquire(LEASE, "node-2", LONG);
      t.ifPresent(v -> second[0] = v);
      return t.isPresent();
    });
    assertTrue(second[0] > first, second[0] + " > " + first);
    assertFalse(leases.renew(LEASE, "node-1", first, LONG), "the old holder's renewal");
    assertFalse(leases.release(LEASE, "node-1", first), "the old holder's release");
    assertEquals("node-2", leases.state(LEASE).orElseThrow().holder().orElseThrow());
    FencedException refused = assertThrows(FencedException.class,
        () -> leases.check(new Fence(leases.site(), LEASE, first)));
    assertEquals(second[0], refused.currentToken());
    leases.check(new Fence(leases.site(), LEASE, second[0]));
  }

  @Test
  void releaseFreesTheLeaseAndTheNextHolderGetsAGreaterToken() {
    LeaseStore leases = leases();
    long first = leases.acquire(LEASE, "node-1", LONG).orElseThrow();
    assertFalse(leases.release(LEASE, "node-2", first), "not node-2's to release");
    assertTrue(leases.release(LEASE, "node-1", first));
    assertTrue(leases.state(LEASE).orElseThrow().holder().isEmpty());
    long second = leases.acquire(LEASE, "node-2", LONG).orElseThrow();
    assertTrue(second > first);
    long third = leases.acquire(LEASE, "node-2", LONG).orElseThrow();
    assertTrue(third > second, "taking a lease again, even by its holder, is a new holding");
  }

  @Test
  void aLeaseNeverTakenFencesEveryWrite() {
    LeaseStore leases = leases();
    assertThrows(FencedException.class, () -> leases.check(new Fence(leases.site(), "never-taken", 1)));
  }

  @Test
  void ofContendersRacingForTheLeaseExactlyOneWins() throws Exception {
    LeaseStore leases = leases();
    int contenders = 8;
    ExecutorService pool = Executors.newFixedThreadPool(contenders);
    try {
      for (int round = 0; round < 5; round++) {
        String lease = LEASE + "-race-" + round;
        CyclicBarrier start = new CyclicBarrier(contenders);
        List<Future<OptionalLong>> attempts = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
          String owner = "node-" + i;
          attempts.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return leases.acquire(lease, owner, LONG);
          }));
        }
        int winners = 0;
        for (Future<OptionalLong> attempt : attempts) {
          if (attempt.get(30, TimeUnit.SECONDS).isPresent()) winners++;
        }
        assertEquals(1, winners, "winners of round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aStoreRefusesTheWritesOfAHolderWhoseLeaseWasTakenOverAndWritesNothingOfThem() {
    LeaseStore leases = leases();
    String site = leases.site();
    try (MetadataStore store = fencedStore()) {
      long first = leases.acquire(LEASE, "node-1", LONG).orElseThrow();
      Fence old = new Fence(site, LEASE, first);
      assertEquals(5, store.apply(site, range(site, 1, 1, 5), Durability.SYNC, old).applied());

      assertTrue(leases.release(LEASE, "node-1", first));
      long second = leases.acquire(LEASE, "node-2", LONG).orElseThrow();
      FencedException refused = assertThrows(FencedException.class,
          () -> store.apply(site, range(site, 1, 6, 9), Durability.SYNC, old));
      assertEquals(second, refused.currentToken());
      assertEquals(Map.of(1, 5L), store.watermarks(site), "nothing of the refused apply was written");

      assertEquals(4, store.apply(site, range(site, 1, 6, 9), Durability.SYNC, new Fence(site, LEASE, second))
          .applied());
      assertEquals(Map.of(1, 9L), store.watermarks(site));
    }
  }
}
