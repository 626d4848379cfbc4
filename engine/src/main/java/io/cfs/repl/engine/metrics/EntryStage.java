package io.cfs.repl.engine.metrics;

/**
 * The points an entry passes on its way from its writer to a peer's store, where {@link EntryAges} measures how old
 * it is (now minus its hlc). With the peer's apply lag they split the replication lag into its parts: the writer's
 * request, the origin's group commit, the link's tail, the wire, the peer's apply.
 */
public enum EntryStage {
  /** Decoded by the origin's ingest listener (tagged with the origin site). */
  INGESTED("ingested"),
  /** Durable in the origin's journal, as the ingest sees its append complete (the origin site). */
  DURABLE("durable"),
  /** Read from the journal and sent by the link to a peer (tagged with the peer). */
  SHIPPED("shipped"),
  /** Decoded by a peer from the link, before its apply (tagged there with the origin). */
  RECEIVED("received");

  private final String label;

  EntryStage(String label) {
    this.label = label;
  }

  /** Its name in JSON and metric tags: {@code ingested}, {@code durable}, {@code shipped}, {@code received}. */
  public String label() {
    return label;
  }
}
