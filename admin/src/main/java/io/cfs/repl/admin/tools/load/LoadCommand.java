package io.cfs.repl.admin.tools.load;

import io.cfs.repl.admin.cli.MachineLine;
import io.cfs.repl.admin.tools.bench.ProcessStats;
import io.cfs.repl.admin.tools.https.HttpClients;
import io.cfs.repl.admin.tools.workload.EntryFactory;
import io.cfs.repl.admin.tools.workload.HistoryFile;
import io.cfs.repl.admin.tools.workload.WorkloadSpec;
import io.cfs.repl.engine.metrics.LatencyHistogram;
import io.cfs.repl.model.entry.JournalEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A workload generator writing through a node's ingest listener, as a metadata service in another process would:
 * continues every shard from the node's heads, keeps a bounded number of batches unacknowledged, shows progress
 * every second and records every acknowledged entry in the history file.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Write entries through a node's ingest listener (binary WebSocket stream, or JSON POST).")
public final class LoadCommand implements Callable<Integer> {

  @Option(names = "--node", defaultValue = "http://127.0.0.1:9600", description = "the node's ingest URL")
  URI node;

  @Option(names = HttpClients.CACERT, paramLabel = "FILE",
      description = "PEM file of the CA an https node's certificate must chain to (default: the JDK's CAs)")
  Path cacert;

  @Option(names = "--site", required = true, description = "origin site of the entries: the node's site")
  String site;

  @Option(names = "--rate", defaultValue = "0", description = "offered entries/s, 0 = as fast as acknowledged")
  long rate;

  @Option(names = "--count", defaultValue = "100000", description = "entries to write")
  long count;

  @Option(names = "--shards", defaultValue = "16", description = "shards 0..S-1")
  int shards;

  @Option(names = "--inodes", defaultValue = "100000", description = "inode ids 1..I")
  long inodes;

  @Option(names = "--payload", defaultValue = "200", description = "payload bytes per entry")
  int payload;

  @Option(names = "--batch", defaultValue = "500", description = "entries per batch")
  int batch;

  @Option(names = "--in-flight", defaultValue = "8",
      description = "batches streamed and not yet acknowledged (JSON POSTs go one at a time)")
  int inFlight;

  @Option(names = "--history", description = "append every acknowledged entry to this file")
  Path history;

  @Option(names = "--json", description = "POST JSON batches instead of streaming binary ones")
  boolean json;

  @Option(names = "--token", defaultValue = "${env:CFS_INGEST_TOKEN:-}",
      description = "bearer token of the ingest listener (default: $CFS_INGEST_TOKEN)")
  String token;

  @Option(names = "--pacing-ms", defaultValue = "2",
      description = "with --rate: how often the entries due are sent, as one batch (up to --batch) per tick")
  long pacingMillis;

  @Option(names = "--seed", defaultValue = "42", description = "seed of the random choices")
  long seed;

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong lastAckNanos = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final LatencyHistogram latency = new LatencyHistogram();

  @Override
  public Integer call() throws Exception {
    if (batch < 1 || inFlight < 1 || count < 0 || rate < 0 || (rate > 0 && pacingMillis < 1)) {
      System.out.println("load: --batch and --in-flight must be at least 1, --count and --rate at least 0, and"
          + " --pacing-ms at least 1 with a --rate");
      return 2;
    }
    // POSTs are independent requests the node may take in any order, and a batch continues the seqs of the one
    // before it: only the stream keeps batches in order, so only the stream may have more than one in flight.
    int window = json ? 1 : inFlight;
    WorkloadSpec spec = new WorkloadSpec(site, rate, count, shards, inodes, payload, batch, window, seed);
    HttpClient http = HttpClients.builder(cacert).connectTimeout(Duration.ofSeconds(10)).build();
    Map<Integer, Long> heads = IngestClient.heads(http, node, token);
    EntryFactory factory = new EntryFactory(spec.entries(), shard -> heads.getOrDefault(shard, 0L));
    String mode = json ? "JSON POST" : "binary stream";
    System.out.printf("load: %,d entries to %s (%s), rate %s, %d shards, %d-byte payloads, batches of %d, %d in"
        + " flight, seed %d%n", count, node, mode, rate == 0 ? "flat out" : rate + "/s", shards, payload, batch,
        window, seed);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "load-progress");
      t.setDaemon(true);
      return t;
    });
    long start = System.nanoTime();
    try (IngestClient client = json ? new PostClient(http, node, token) : StreamClient.connect(http, node, token);
         HistoryFile file = history == null ? null : HistoryFile.append(history)) {
      ticker.scheduleAtFixedRate(progress(start), 1, 1, TimeUnit.SECONDS);
      write(client, factory, file, start, window);
    } finally {
      ticker.shutdownNow();
    }
    if (failure.get() != null) {
      System.out.println("load failed after " + acknowledged.get() + " acknowledged entries: "
          + failure.get().getMessage());
      return 1;
    }
    double seconds = (lastAckNanos.get() - start) / 1e9;
    System.out.println("---- load results ----");
    System.out.printf("acknowledged  %,d entries in %.2f s: %,.0f entries/s (%s)%n", acknowledged.get(), seconds,
        acknowledged.get() / seconds, mode);
    System.out.printf("ack latency   %s per batch of %d%n", latency.summaryMillis(), batch);
    // for a benchmark driving this process: what the load itself cost (it has exited when the bench reads it)
    MachineLine.print(System.out, "LOAD-STATS cpuNanos=%d peakRssBytes=%d", ProcessStats.cpuNanos(),
        ProcessStats.peakRssBytes());
    return 0;
  }

  /** Package-private for tests: paces and sends every entry, at most {@code maxInFlight} batches unanswered. */
  void write(IngestClient client, EntryFactory factory, HistoryFile file, long start, int maxInFlight)
      throws InterruptedException {
    Semaphore window = new Semaphore(maxInFlight);
    long issued = 0;
    long due = 0;
    while (issued < count && failure.get() == null) {
      if (issued >= due) {
        if (rate > 0) {
          // pacing a rate, not waiting for a result: once per tick, and only after what was due is sent, so that what
          // comes due while a batch is being sent waits for the next tick instead of going as a batch of its own
          TimeUnit.MILLISECONDS.sleep(pacingMillis);
        }
        // in microseconds: nanoseconds times a rate of millions a second overflow a long within hours
        due = rate == 0 ? count : Math.min(count, (System.nanoTime() - start) / 1_000 * rate / 1_000_000L);
        continue;
      }
      List<JournalEntry> entries = factory.next((int) Math.min(batch, due - issued));
      window.acquire();
      issued += entries.size();
      sent.addAndGet(entries.size());
      long sentAt = System.nanoTime();
      client.send(entries).whenComplete((answer, refused) -> {
        try {
          if (refused != null) {
            failure.compareAndSet(null, refused);
          } else {
            long now = System.nanoTime();
            latency.recordNanos(now - sentAt);
            factory.observe(answer.hlc()); // as a metadata service must: its next writes follow what the site saw
            if (file != null) file.record(entries);
            acknowledged.addAndGet(entries.size());
            lastAckNanos.set(now);
          }
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e); // the history file could not be written: stop, as for a refusal
        } finally {
          window.release(); // or the final wait for every answer never ends
        }
      });
    }
    window.acquire(maxInFlight); // every batch answered
  }

  private Runnable progress(long start) {
    AtomicLong previous = new AtomicLong();
    return () -> {
      long acked = acknowledged.get();
      // a bench driving this process reads "acked" from this line
      MachineLine.print(System.out, "  %5.1fs sent %,d acked %,d (%,d/s) ack p50 %.2f ms p99 %.2f ms",
          (System.nanoTime() - start) / 1e9, sent.get(), acked, acked - previous.getAndSet(acked),
          latency.percentileMicros(0.50) / 1000.0, latency.percentileMicros(0.99) / 1000.0);
    };
  }
}
