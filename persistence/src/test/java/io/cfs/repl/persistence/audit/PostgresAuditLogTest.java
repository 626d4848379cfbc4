package io.cfs.repl.persistence.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.persistence.postgres.PostgresDatabase;
import io.cfs.repl.persistence.postgres.PostgresSettings;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The audit log rules on PostgreSQL, and what only a shared database does. NEEDS PostgreSQL on 127.0.0.1:5432 with
 * trust auth and a database "test" ({@code .ci/run} starts it). Each test uses a site of its own: the tables outlive
 * the runs.
 */
@Tag("postgres")
class PostgresAuditLogTest extends AuditLogContract {
  private static PostgresDatabase db;
  private final String site = "audit-test-" + UUID.randomUUID();

  @BeforeAll
  static void connect() {
    db = PostgresDatabase.open(PostgresSettings.defaults(), "pg-audit-test");
  }

  @AfterAll
  static void disconnect() {
    db.close();
  }

  @Override
  String site() {
    return site;
  }

  @Override
  AuditLog open() {
    return PostgresAuditLog.open(db, site);
  }

  @Override
  AuditLog openWithDeleteChunk(int chunk) {
    return PostgresAuditLog.open(db, site, chunk);
  }

  @Test
  void sitesSharingTheDatabaseSeeAndRemoveOnlyTheirOwnRecords() {
    String other = "audit-test-" + UUID.randomUUID();
    AuditLog mine = opened.add(open());
    AuditLog theirs = opened.add(PostgresAuditLog.open(db, other));
    mine.record(List.of(at(T0, AuditKind.LINK_UP)));
    theirs.record(List.of(AuditRecord.of(AuditKind.LINK_UP, T0, other, "theirs"),
        AuditRecord.of(AuditKind.LINK_DOWN, T0 + 1, other, "theirs")));
    assertThat(mine.query(AuditQuery.newest(10)).records()).extracting(AuditRecord::site).containsExactly(site);
    assertThat(mine.trimTo(0)).isEqualTo(1);
    assertThat(theirs.query(AuditQuery.newest(10)).records()).hasSize(2);
  }

  @Test
  void twoNodesOfASiteShareOneTrail() {
    AuditLog node1 = opened.add(open());
    AuditLog node2 = opened.add(open());
    node1.record(List.of(at(T0, AuditKind.LINK_UP)));
    node2.record(List.of(at(T0 + 1, AuditKind.LINK_DOWN)));
    assertThat(node1.query(AuditQuery.newest(10)).records()).extracting(AuditRecord::kind)
        .containsExactly(AuditKind.LINK_DOWN, AuditKind.LINK_UP);
  }

  @Test
  void aKindThisVersionDoesNotKnowIsLeftOut() throws Exception {
    AuditLog log = opened.add(open());
    log.record(List.of(at(T0, AuditKind.LINK_UP)));
    db.withConnection(c -> {
      try (PreparedStatement st = c.prepareStatement(
          "INSERT INTO cfs_audit (site, at_ms, kind, detail) VALUES (?, ?, 'A_FUTURE_KIND', 'from a newer node')")) {
        st.setString(1, site);
        st.setLong(2, T0 + 1);
        return st.executeUpdate();
      }
    });
    assertThat(log.query(AuditQuery.newest(10)).records()).extracting(AuditRecord::kind)
        .containsExactly(AuditKind.LINK_UP);
  }
}
