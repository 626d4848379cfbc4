package io.cfs.repl.persistence.lease;

import io.cfs.repl.persistence.postgres.PostgresDatabase;
import io.cfs.repl.persistence.postgres.PostgresSettings;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.PostgresMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The lease rules on PostgreSQL, shared by the nodes of a site. NEEDS PostgreSQL on 127.0.0.1:5432 with trust auth
 * and a database "test" ({@code .ci/run} starts it). Each test uses a site of its own: the tables outlive the runs.
 */
@Tag("postgres")
class PostgresLeaseStoreTest extends LeaseStoreContract {
  private static PostgresDatabase db;
  private final String site = "lease-test-" + UUID.randomUUID();
  private final PostgresLeaseStore leases = new PostgresLeaseStore(db, site, java.time.Duration.ofSeconds(2));

  @BeforeAll
  static void connect() {
    db = PostgresDatabase.open(PostgresSettings.defaults(), "pg-lease-test");
  }

  @AfterAll
  static void disconnect() {
    db.close();
  }

  @Override
  LeaseStore leases() {
    return leases;
  }

  @Override
  MetadataStore fencedStore() {
    return PostgresMetadataStore.open(db, site, StoreSettings.defaults());
  }
}
