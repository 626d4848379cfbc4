package io.cfs.repl.admin.server.metrics;

import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.metrics.EntryStage;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.tls.TlsMetrics;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import kamon.tag.TagSet;

/**
 * The node's {@link ReplicationMetrics} on Kamon: every event becomes {@code cfs_repl_*} instruments labelled with
 * this {@code site} and the {@code peer} (sending side) or {@code origin} (receiving side). Metric names and labels
 * are part of the operator surface and documented in the README; {@link MetricNames} holds them.
 *
 * <p>Instruments are looked up once per label set and cached; every method only increments, records or sets, so it
 * is safe on actor and stream threads.
 */
public final class KamonMetrics implements ReplicationMetrics {
  private final String site;
  /** The peers whose names label series; a reload of the peers replaces it. */
  private volatile Set<String> peers;
  private final KamonTlsMetrics tls;
  private final TagSet siteTags;
  private final Map<String, PeerInstruments> byPeer = new ConcurrentHashMap<>();
  private final Map<String, OriginInstruments> byOrigin = new ConcurrentHashMap<>();
  private final Map<String, Counter> appendRejected = new ConcurrentHashMap<>();
  private final Map<String, Counter> ingestRefused = new ConcurrentHashMap<>();
  private final Map<String, Counter> storageFull = new ConcurrentHashMap<>();
  private final Map<AuditKind, Counter> auditRecords = new ConcurrentHashMap<>();
  /** Per stage, per other site (this one's for the origin's own stages). */
  private final Map<EntryStage, Map<String, Histogram>> entryAges = new EnumMap<>(EntryStage.class);
  private final Counter auditDropped;
  private final Counter journalCollected;
  private final Histogram appendLatency;
  private final Counter appendedEntries;
  private final Histogram appendBatch;
  private final LinkMetrics inbound;

  /** Metrics of the node of {@code site}; {@code peers} bounds the label values taken from the network. */
  public KamonMetrics(String site, Set<String> peers) {
    this.site = site;
    this.peers = Set.copyOf(peers);
    this.siteTags = TagSet.of(MetricNames.SITE, site);
    this.tls = new KamonTlsMetrics(siteTags);
    this.appendLatency = Kamon.histogram(MetricNames.APPEND_LATENCY, MeasurementUnit.time().nanoseconds())
        .withTags(siteTags);
    this.appendedEntries = Kamon.counter(MetricNames.APPENDED_ENTRIES).withTags(siteTags);
    this.appendBatch = Kamon.histogram(MetricNames.APPEND_BATCH_ENTRIES).withTags(siteTags);
    this.inbound = new FrameCounters(siteTags, false, this::handshakeRejected);
    this.auditDropped = Kamon.counter(MetricNames.AUDIT_DROPPED).withTags(siteTags); // 0 from the start: alertable
    this.journalCollected = Kamon.counter(MetricNames.JOURNAL_COLLECTED).withTags(siteTags);
    for (EntryStage stage : EntryStage.values()) entryAges.put(stage, new ConcurrentHashMap<>());
  }

  @Override
  public void onEntriesAged(EntryStage stage, String where, long meanAgeNanos, int entries) {
    // the origin's own stages are this site's; a link's are labelled with the other site, as configured
    boolean link = stage == EntryStage.SHIPPED || stage == EntryStage.RECEIVED;
    entryAges.get(stage).computeIfAbsent(link ? label(where) : site, other -> {
      TagSet tags = siteTags.withTag(MetricNames.STAGE, stage.label());
      if (link) tags = tags.withTag(stage == EntryStage.SHIPPED ? MetricNames.PEER : MetricNames.ORIGIN, other);
      // in microseconds: a backlog's ages run past the hour a histogram of nanoseconds tracks
      return Kamon.histogram(MetricNames.ENTRY_AGE, MeasurementUnit.time().microseconds()).withTags(tags);
    }).record(meanAgeNanos / 1000, entries);
  }

  @Override
  public void onAppend(int entries, long latencyNanos) {
    appendLatency.record(latencyNanos);
    appendedEntries.increment(entries);
    appendBatch.record(entries);
  }

  @Override
  public void onAppendRejected(String reason) {
    appendRejected.computeIfAbsent(reason, r -> Kamon.counter(MetricNames.APPEND_REJECTED)
        .withTags(siteTags.withTag(MetricNames.REASON, r))).increment();
  }

  @Override
  public void onIngestRefused(String reason) {
    ingestRefused.computeIfAbsent(reason, r -> Kamon.counter(MetricNames.INGEST_REFUSED)
        .withTags(siteTags.withTag(MetricNames.REASON, r))).increment();
  }

  @Override
  public void onStorageFull(String storage) {
    storageFull.computeIfAbsent(storage, s -> Kamon.counter(MetricNames.STORAGE_FULL)
        .withTags(siteTags.withTag(MetricNames.STORAGE, s))).increment();
  }

  @Override
  public void onBatchShipped(String peer, int entries, long bytes) {
    PeerInstruments p = peer(peer);
    p.shippedEntries.increment(entries);
    p.shippedBytes.increment(bytes);
    p.batchEntries.record(entries);
  }

  @Override
  public void onBatchAcked(String peer, long entries, long latencyNanos) {
    PeerInstruments p = peer(peer);
    p.ackedEntries.increment(entries);
    p.ackLatency.record(latencyNanos);
  }

  @Override
  public void onBackpressure(String peer, long waitNanos) {
    if (waitNanos > 0) peer(peer).backpressure.increment(waitNanos);
  }

  @Override
  public void onLinkStateChanged(String peer, LinkState state) {
    Map<LinkState, Gauge> states = peer(peer).states;
    states.forEach((s, gauge) -> gauge.update(s == state ? 1 : 0));
  }

  @Override
  public void onLinkDown(String peer, String kind) {
    error(peer, kind);
  }

  @Override
  public void onGap(String peer, int shard) {
    error(peer, MetricNames.ERROR_GAP);
  }

  @Override
  public void onAuditRecorded(AuditKind kind, int records) {
    auditRecords.computeIfAbsent(kind, k -> Kamon.counter(MetricNames.AUDIT_RECORDS)
        .withTags(siteTags.withTag(MetricNames.KIND, k.name()))).increment(records);
  }

  @Override
  public void onAuditDropped(int records) {
    auditDropped.increment(records);
  }

  @Override
  public void onPeerHealth(String peer, String health) {
    int level = switch (health) {
      case "HEALTHY" -> 0;
      case "DEGRADED" -> 1;
      case "DOWN" -> 2;
      default -> -1; // UNKNOWN: not heard yet since the resolver started
    };
    Kamon.gauge(MetricNames.PEER_HEALTH).withTags(siteTags.withTag(MetricNames.PEER, peer)).update(level);
  }

  @Override
  public void onRole(String role, long epoch, long atMillis) {
    for (String r : new String[] {"PRIMARY", "SECONDARY", "ACTIVE"}) {
      Kamon.gauge(MetricNames.ROLE).withTags(siteTags.withTag(MetricNames.ROLE_TAG, r)).update(r.equals(role) ? 1 : 0);
    }
    Kamon.gauge(MetricNames.EPOCH).withTags(siteTags).update(epoch);
    if (role.equals("PRIMARY")) {
      Kamon.gauge(MetricNames.LAST_PROMOTION).withTags(siteTags).update(atMillis / 1000.0);
    }
  }

  @Override
  public void onJournalGcRound(String outcome, long removed) {
    Kamon.counter(MetricNames.JOURNAL_GC_ROUNDS).withTags(siteTags.withTag(MetricNames.OUTCOME, outcome)).increment();
    journalCollected.increment(removed);
  }

  @Override
  public void onTombstonesCollected(String origin, long removed) {
    Kamon.counter(MetricNames.TOMBSTONES_COLLECTED).withTags(siteTags.withTag(MetricNames.ORIGIN, label(origin)))
        .increment(removed);
  }

  @Override
  public void onJournalHeld(long entries, long bytes, long oldestAgeMillis) {
    Kamon.gauge(MetricNames.JOURNAL_ENTRIES).withTags(siteTags).update(entries);
    Kamon.gauge(MetricNames.JOURNAL_BYTES, MeasurementUnit.information().bytes()).withTags(siteTags).update(bytes);
    Kamon.gauge(MetricNames.JOURNAL_OLDEST_AGE, MeasurementUnit.time().milliseconds()).withTags(siteTags)
        .update(oldestAgeMillis);
  }

  @Override
  public void onJournalHorizon(String holder, Map<String, Long> behind) {
    behind.forEach((who, entries) -> {
      TagSet tags = siteTags.withTag(MetricNames.PEER, label(who));
      Kamon.gauge(MetricNames.JOURNAL_BEHIND).withTags(tags).update(entries);
      Kamon.gauge(MetricNames.JOURNAL_HOLDER).withTags(tags).update(who.equals(holder) ? 1 : 0);
    });
  }

  @Override
  public void onFenced(String singleton) {
    Kamon.counter(MetricNames.FENCED_WRITES).withTags(siteTags.withTag(MetricNames.SINGLETON, singleton)).increment();
  }

  @Override
  public void onLag(String peer, long entries, long millis) {
    PeerInstruments p = peer(peer);
    p.lagEntries.update(entries);
    p.lagMillis.update(millis);
  }

  @Override
  public void onPeersChanged(Set<String> now) {
    peers = Set.copyOf(now);
  }

  @Override
  public void onJournalCapRefusing(boolean refusing) {
    Kamon.gauge(MetricNames.JOURNAL_REFUSING).withTags(siteTags).update(refusing ? 1 : 0);
  }

  @Override
  public void onResync(String peer, String event, long values, long bytes) {
    TagSet tags = siteTags.withTag(MetricNames.PEER, peer);
    Kamon.counter(MetricNames.RESYNC_EVENTS).withTags(tags.withTag(MetricNames.EVENT, event)).increment();
    if (values > 0) Kamon.counter(MetricNames.RESYNC_VALUES).withTags(tags).increment(values);
    if (bytes > 0) {
      Kamon.counter(MetricNames.RESYNC_BYTES, MeasurementUnit.information().bytes()).withTags(tags).increment(bytes);
    }
  }

  @Override
  public void onThrottle(String peer, long bytesPerSecond) {
    Kamon.gauge(MetricNames.LINK_THROTTLE).withTags(siteTags.withTag(MetricNames.PEER, peer)).update(bytesPerSecond);
  }

  @Override
  public void onClockSkew(String peer, long offsetMillis) {
    Kamon.gauge(MetricNames.CLOCK_SKEW, MeasurementUnit.time().milliseconds())
        .withTags(siteTags.withTag(MetricNames.PEER, peer)).update(offsetMillis);
  }

  @Override
  public LinkMetrics link(String peer) {
    return peer(peer).frames;
  }

  @Override
  public void onBatchApplied(String origin, int entries, int applied, int skipped, int conflicts, long bytes,
                             long applyNanos) {
    OriginInstruments o = origin(origin);
    o.appliedEntries.increment(applied);
    o.skippedEntries.increment(skipped);
    o.conflicts.increment(conflicts);
    o.appliedBytes.increment(bytes);
    o.batchEntries.record(entries);
    o.applyTime.record(applyNanos);
  }

  @Override
  public void onStoreSynced(String origin, long syncNanos) {
    origin(origin).syncTime.record(syncNanos);
  }

  @Override
  public void onBatchRejected(String origin, String reason) {
    error(origin, MetricNames.ERROR_BATCH_REJECTED);
  }

  @Override
  public LinkMetrics inboundLinks() {
    return inbound;
  }

  @Override
  public TlsMetrics tls() {
    return tls;
  }

  private void handshakeRejected(Handshake hello, HandshakeRejectedException.Reason reason) {
    error(hello == null ? null : hello.fromSite(), rejectionKind(reason));
  }

  /** An incarnation mismatch needs an operator, unlike most refusals: it gets a kind of its own to alert on. */
  private static String rejectionKind(HandshakeRejectedException.Reason reason) {
    return reason == HandshakeRejectedException.Reason.INCARNATION_MISMATCH
        ? MetricNames.ERROR_INCARNATION_MISMATCH : MetricNames.ERROR_HANDSHAKE_REJECTED;
  }

  private void error(String peer, String kind) {
    Kamon.counter(MetricNames.ERRORS)
        .withTags(siteTags.withTag(MetricNames.PEER, label(peer)).withTag(MetricNames.KIND, kind))
        .increment();
  }

  /** A peer name as a label value: configured peers only, so a stranger's hello cannot mint series. */
  private String label(String peer) {
    return peer != null && (peers.contains(peer) || peer.equals(site)) ? peer : "unknown";
  }

  private PeerInstruments peer(String peer) {
    return byPeer.computeIfAbsent(label(peer), p -> new PeerInstruments(siteTags.withTag(MetricNames.PEER, p),
        (hello, reason) -> error(p, rejectionKind(reason))));
  }

  private OriginInstruments origin(String origin) {
    return byOrigin.computeIfAbsent(label(origin),
        o -> new OriginInstruments(siteTags.withTag(MetricNames.ORIGIN, o)));
  }

  /** The sending side's instruments for one peer. */
  private static final class PeerInstruments {
    final Counter shippedEntries;
    final Counter shippedBytes;
    final Histogram batchEntries;
    final Counter ackedEntries;
    final Histogram ackLatency;
    final Counter backpressure;
    final Gauge lagEntries;
    final Gauge lagMillis;
    final Map<LinkState, Gauge> states;
    final FrameCounters frames;

    PeerInstruments(TagSet tags, BiConsumer<Handshake, HandshakeRejectedException.Reason> rejected) {
      shippedEntries = Kamon.counter(MetricNames.SHIPPED_ENTRIES).withTags(tags);
      shippedBytes = Kamon.counter(MetricNames.SHIPPED_BYTES, MeasurementUnit.information().bytes()).withTags(tags);
      batchEntries = Kamon.histogram(MetricNames.SHIPPED_BATCH_ENTRIES).withTags(tags);
      ackedEntries = Kamon.counter(MetricNames.ACKED_ENTRIES).withTags(tags);
      ackLatency = Kamon.histogram(MetricNames.ACK_LATENCY, MeasurementUnit.time().nanoseconds()).withTags(tags);
      backpressure = Kamon.counter(MetricNames.BACKPRESSURE, MeasurementUnit.time().nanoseconds()).withTags(tags);
      lagEntries = Kamon.gauge(MetricNames.LAG_ENTRIES).withTags(tags);
      lagMillis = Kamon.gauge(MetricNames.LAG, MeasurementUnit.time().milliseconds()).withTags(tags);
      states = new ConcurrentHashMap<>();
      for (LinkState s : LinkState.values()) {
        states.put(s, Kamon.gauge(MetricNames.LINK_STATE).withTags(tags.withTag(MetricNames.STATE, s.name())));
      }
      frames = new FrameCounters(tags, true, rejected);
    }
  }

  /** The receiving side's instruments for one origin. */
  private static final class OriginInstruments {
    final Counter appliedEntries;
    final Counter skippedEntries;
    final Counter conflicts;
    final Counter appliedBytes;
    final Histogram batchEntries;
    final Histogram applyTime;
    final Histogram syncTime;

    OriginInstruments(TagSet tags) {
      appliedEntries = Kamon.counter(MetricNames.APPLIED_ENTRIES).withTags(tags);
      skippedEntries = Kamon.counter(MetricNames.SKIPPED_ENTRIES).withTags(tags);
      conflicts = Kamon.counter(MetricNames.CONFLICTS).withTags(tags);
      appliedBytes = Kamon.counter(MetricNames.APPLIED_BYTES, MeasurementUnit.information().bytes()).withTags(tags);
      batchEntries = Kamon.histogram(MetricNames.APPLIED_BATCH_ENTRIES).withTags(tags);
      applyTime = Kamon.histogram(MetricNames.APPLY_TIME, MeasurementUnit.time().nanoseconds()).withTags(tags);
      syncTime = Kamon.histogram(MetricNames.STORE_SYNC_TIME, MeasurementUnit.time().nanoseconds()).withTags(tags);
    }
  }

  /**
   * Batch frames of links, before and after compression, and the compression ratio they give (raw / wire, since
   * start): on a link to a peer the frames this site sends ({@code direction="sent"}, per peer); on the links peers
   * open to this site the frames it receives ({@code direction="received"}, all peers together). The small ack frames
   * going the other way are not counted.
   */
  private static final class FrameCounters implements LinkMetrics {
    private final Counter raw;
    private final Counter wire;
    private final Gauge ratio;
    private final LongAdder rawTotal = new LongAdder();
    private final LongAdder wireTotal = new LongAdder();
    private final BiConsumer<Handshake, HandshakeRejectedException.Reason> onRejected;
    private final boolean sending;

    FrameCounters(TagSet tags, boolean sending, BiConsumer<Handshake, HandshakeRejectedException.Reason> rejected) {
      this.sending = sending;
      TagSet directed = tags.withTag(MetricNames.DIRECTION, sending ? "sent" : "received");
      raw = Kamon.counter(MetricNames.FRAME_RAW_BYTES, MeasurementUnit.information().bytes()).withTags(directed);
      wire = Kamon.counter(MetricNames.FRAME_WIRE_BYTES, MeasurementUnit.information().bytes()).withTags(directed);
      ratio = Kamon.gauge(MetricNames.COMPRESSION_RATIO).withTags(directed);
      onRejected = rejected;
    }

    @Override
    public void onFrameSent(int rawBytes, int wireBytes) {
      if (sending) count(rawBytes, wireBytes);
    }

    @Override
    public void onFrameReceived(int rawBytes, int wireBytes) {
      if (!sending) count(rawBytes, wireBytes);
    }

    @Override
    public void onHandshakeRejected(Handshake hello, HandshakeRejectedException.Reason reason) {
      onRejected.accept(hello, reason);
    }

    private void count(int rawBytes, int wireBytes) {
      raw.increment(rawBytes);
      wire.increment(wireBytes);
      rawTotal.add(rawBytes);
      wireTotal.add(wireBytes);
      long w = wireTotal.sum();
      if (w > 0) ratio.update((double) rawTotal.sum() / w);
    }
  }
}
