package io.cfs.repl.engine.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.audit.AuditSettings;
import io.cfs.repl.persistence.RocksDbSettings;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditQuery;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.audit.RocksDbAuditLog;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy of the store's conflicts into the audit trail: each once, in order, across a restart of the copier. */
class ConflictAuditTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final ConflictSettings FAST = new ConflictSettings(Duration.ofMillis(50), Duration.ofSeconds(1), 3);
  private static final AuditSettings RETENTION = new AuditSettings(Duration.ofDays(30), 1_000_000,
      Duration.ofHours(1), 1000, 100);

  @TempDir
  Path dir;
  private RocksDbMetadataStore store;
  private RocksDbAuditLog audit;
  private final ExecutorService storage = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-storage"));

  @BeforeEach
  void open() {
    store = RocksDbMetadataStore.open(dir.resolve("store"), StoreSettings.defaults());
    audit = RocksDbAuditLog.open(dir.resolve("audit"), Conflicts.B,
        RocksDbSettings.create(ConfigFactory.defaultReference(), "cfs-repl.persistence.audit.rocksdb"));
  }

  @AfterEach
  void close() {
    storage.shutdownNow();
    audit.close();
    store.close();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyConflictIsCopiedOnceInOrderAndARestartedCopierGoesOnWhereTheTrailEnds() {
    Conflicts.make(store, 1, 7);
    ActorRef<ConflictAudit.Command> first = testKit.spawn(
        ConflictAudit.create(Conflicts.B, store, audit, storage, FAST, RETENTION));
    await().atMost(Duration.ofSeconds(10)).until(() -> conflictIds().size() == 7);
    testKit.stop(first);

    Conflicts.make(store, 8, 9);
    testKit.spawn(ConflictAudit.create(Conflicts.B, store, audit, storage, FAST, RETENTION));
    await().atMost(Duration.ofSeconds(10)).until(() -> conflictIds().size() >= 9);

    assertThat(conflictIds()).containsExactly(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
    AuditRecord seventh = records().stream().filter(r -> r.attributes().get(ConflictAudit.ATTRIBUTE_ID).equals("7"))
        .findFirst().orElseThrow();
    assertThat(seventh.site()).isEqualTo(Conflicts.B);
    assertThat(seventh.peer()).isEqualTo(Conflicts.A);
    assertThat(seventh.inode()).isEqualTo(7L);
    assertThat(seventh.seq()).isEqualTo(7L);
    assertThat(seventh.attributes()).containsEntry("winner", "71@site-b").containsEntry("local", "70@site-a")
        .containsEntry("localSeq", "7").containsEntry("concurrent", "true");
  }

  @Test
  void theStoresConflictRecordsAreCollectedAsTheTrailIs() {
    Conflicts.make(store, 1, 5);
    AuditSettings keepTwo = new AuditSettings(Duration.ofDays(30), 2, Duration.ofMillis(100), 1000, 100);
    testKit.spawn(ConflictAudit.create(Conflicts.B, store, audit, storage, FAST, keepTwo));
    await().atMost(Duration.ofSeconds(10)).until(() -> store.conflicts(0, 100).size() == 2);
    assertThat(store.conflicts(0, 100)).extracting(c -> c.id()).containsExactly(4L, 5L);
  }

  private List<AuditRecord> records() {
    return audit.query(AuditQuery.newest(1000).withKinds(Set.of(AuditKind.CONFLICT))).records();
  }

  private List<Long> conflictIds() {
    return records().stream().map(r -> Long.parseLong(r.attributes().get(ConflictAudit.ATTRIBUTE_ID))).toList();
  }
}
