package io.cfs.repl.admin.tools.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of one listener, with faults that can be switched while connections run. The
 * it-tests harness puts one between every ordered pair of sites (A's link to B dials proxy A->B, which forwards to
 * B's listener), so a fault hits one direction of replication only; {@code cfs bench --peer-delay-ms} puts one in
 * front of each peer's link listener to move it away.
 *
 * <p>Faults:
 * <ul>
 *   <li>{@link #cut(CutMode) cut}: {@link CutMode#REFUSE} closes every open connection (RST) and resets new ones at
 *       once; {@link CutMode#BLACKHOLE} freezes open connections (nothing forwarded, sockets left open, as when
 *       packets are dropped) and holds new ones silent, so only the peers' own timeouts notice.</li>
 *   <li>{@link #heal()}: ends a cut; frozen connections resume with the bytes they had queued.</li>
 *   <li>{@link #delay(Duration)}: every chunk waits this long before it is forwarded, in each direction.</li>
 *   <li>{@link #throttle(long)}: at most this many bytes per second per direction over all connections.</li>
 *   <li>{@link #dropConnections(double)}: this fraction of new connections is reset right after accept.</li>
 *   <li>{@link #resetConnections()}: closes the open connections once, new ones are unaffected.</li>
 * </ul>
 *
 * <p>Each connection runs two pipes (client to server, server to client), each a reader thread and a writer thread
 * with a queue between them bounded by bytes: the queue carries the delay, the writer paces the throttle, and a full
 * queue stops the reader, so backpressure reaches the sender as in a real network. The bound is the bytes in flight
 * of one direction, so at a one-way delay d a direction carries at most {@value #MAX_QUEUED_BYTES} bytes per d:
 * 160 MiB/s at 50 ms, far above a replication link's 12.5 MB/s at 50K entries/s of 250 bytes (625 KB in flight).
 * A bound by chunks would not do: a read returns anything from one byte to {@value #CHUNK}, so 32 chunks capped a
 * direction at 10 MiB/s at 50 ms with full reads, and at much less with small ones.
 */
public final class FaultProxy implements AutoCloseable {
  private static final int CHUNK = 16 * 1024;
  private static final int MAX_QUEUED_BYTES = 8 * 1024 * 1024;

  /** How a cut treats connections. */
  public enum CutMode { REFUSE, BLACKHOLE }

  private final String name;
  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final Set<Socket> held = ConcurrentHashMap.newKeySet();
  private final Random random;
  private final RateLimiter upstreamRate = new RateLimiter();
  private final RateLimiter downstreamRate = new RateLimiter();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong bytesDown = new AtomicLong();

  private volatile CutMode cut;
  private volatile long delayNanos;
  private volatile double dropFraction;
  private volatile boolean closed;

  private FaultProxy(String name, InetSocketAddress target, ServerSocket server, long seed) {
    this.name = name;
    this.target = target;
    this.server = server;
    this.random = new Random(seed);
    this.acceptor = new Thread(this::acceptLoop, "proxy-" + name + "-accept");
    this.acceptor.setDaemon(true);
  }

  /** A proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
  public static FaultProxy start(String name, int targetPort, long seed) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    FaultProxy proxy = new FaultProxy(name, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort),
        server, seed);
    proxy.acceptor.start();
    return proxy;
  }

  public String name() {
    return name;
  }

  public int port() {
    return server.getLocalPort();
  }

  // ---- faults --------------------------------------------------------------------------------------------------

  /** Cuts the link: {@link CutMode#REFUSE}. */
  public void cut() {
    cut(CutMode.REFUSE);
  }

  public void cut(CutMode mode) {
    cut = mode;
    if (mode == CutMode.REFUSE) {
      connections.forEach(Connection::abort);
      held.forEach(FaultProxy::reset);
      held.clear();
    }
  }

  /** Ends a cut (delay, throttle and drop stay as set). Sockets held by a blackhole are reset. */
  public void heal() {
    cut = null;
    held.forEach(FaultProxy::reset);
    held.clear();
  }

  public void delay(Duration oneWay) {
    delayNanos = oneWay.toNanos();
  }

  /** At most {@code bytesPerSecond} per direction over all connections; 0 lifts the limit. */
  public void throttle(long bytesPerSecond) {
    upstreamRate.setRate(bytesPerSecond);
    downstreamRate.setRate(bytesPerSecond);
  }

  public void dropConnections(double fraction) {
    if (fraction < 0 || fraction > 1) throw new IllegalArgumentException("fraction must be in [0, 1]: " + fraction);
    dropFraction = fraction;
  }

  /** Resets every open connection once; new connections go through. */
  public void resetConnections() {
    connections.forEach(Connection::abort);
  }

  /** Lifts every fault. */
  public void clearFaults() {
    heal();
    delay(Duration.ZERO);
    throttle(0);
    dropConnections(0);
  }

  // ---- observation ---------------------------------------------------------------------------------------------

  public long connectionsAccepted() {
    return accepted.get();
  }

  public long connectionsDropped() {
    return dropped.get();
  }

  public int openConnections() {
    return connections.size();
  }

  /** Bytes forwarded from clients to the target. */
  public long bytesUpstream() {
    return bytesUp.get();
  }

  /** Bytes forwarded from the target back to clients. */
  public long bytesDownstream() {
    return bytesDown.get();
  }

  @Override
  public String toString() {
    return "proxy " + name + " :" + port() + "->" + target.getPort() + " [" + (cut == null ? "up" : "cut " + cut)
        + (delayNanos > 0 ? " delay " + TimeUnit.NANOSECONDS.toMillis(delayNanos) + "ms" : "")
        + (upstreamRate.rate > 0 ? " throttle " + upstreamRate.rate + "B/s" : "")
        + (dropFraction > 0 ? " drop " + dropFraction : "") + "; " + connections.size() + " open, " + accepted
        + " accepted, " + dropped + " dropped, " + bytesUp + "B up, " + bytesDown + "B down]";
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    connections.forEach(Connection::abort);
    held.forEach(FaultProxy::reset);
  }

  // ---- machinery -----------------------------------------------------------------------------------------------

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed) return;
        continue;
      }
      accepted.incrementAndGet();
      CutMode mode = cut;
      if (mode == CutMode.REFUSE) {
        reset(client);
      } else if (mode == CutMode.BLACKHOLE) {
        held.add(client);
      } else if (dropFraction > 0 && nextDouble() < dropFraction) {
        dropped.incrementAndGet();
        reset(client);
      } else {
        Thread t = new Thread(() -> open(client), "proxy-" + name + "-connect");
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private synchronized double nextDouble() {
    return random.nextDouble();
  }

  private void open(Socket client) {
    Socket upstream = new Socket();
    try {
      upstream.setTcpNoDelay(true);
      client.setTcpNoDelay(true);
      upstream.connect(target, 3_000);
      if (upstream.getLocalPort() == upstream.getPort()) {
        // TCP self-connect: with nothing listening on a loopback port of the ephemeral range, the kernel may pick
        // that very port as the source and connect the socket to itself, an echo; a real client would be refused
        throw new IOException("self-connected to " + target + ": nothing listens there");
      }
    } catch (IOException e) {
      reset(client); // the target is down: the client sees its connection refused, as without a proxy
      closeQuietly(upstream);
      return;
    }
    Connection c = new Connection(client, upstream);
    connections.add(c);
    if (cut == CutMode.REFUSE || closed) {
      c.abort();
      return;
    }
    c.start();
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0); // RST, as a refused or broken connection looks to the peer
    } catch (IOException e) {
      // closing anyway
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** A chunk of bytes and when it may be forwarded; an empty chunk marks the end of the stream. */
  private record Chunk(byte[] bytes, long dueNanos) {
  }

  /** The chunks of one pipe in order, at most {@link #MAX_QUEUED_BYTES} of them; one reader and one writer. */
  private static final class ChunkQueue {
    private final BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(MAX_QUEUED_BYTES);

    /** False when there was no room for the chunk within the timeout. */
    boolean offer(Chunk chunk, long timeout, TimeUnit unit) throws InterruptedException {
      if (!room.tryAcquire(chunk.bytes().length, timeout, unit)) return false;
      chunks.add(chunk);
      return true;
    }

    Chunk poll(long timeout, TimeUnit unit) throws InterruptedException {
      Chunk chunk = chunks.poll(timeout, unit);
      if (chunk != null) room.release(chunk.bytes().length);
      return chunk;
    }
  }

  /** One proxied connection: two pipes, aborted as a whole. */
  private final class Connection {
    private final Socket client;
    private final Socket upstream;
    private volatile boolean aborted;
    private int finished;

    Connection(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start() {
      pipe("up", client, upstream, upstreamRate, bytesUp);
      pipe("down", upstream, client, downstreamRate, bytesDown);
    }

    private void pipe(String direction, Socket from, Socket to, RateLimiter rate, AtomicLong counter) {
      ChunkQueue queue = new ChunkQueue();
      Thread reader = new Thread(() -> read(from, queue), "proxy-" + name + "-" + direction + "-read");
      Thread writer = new Thread(() -> write(queue, to, rate, counter), "proxy-" + name + "-" + direction + "-write");
      reader.setDaemon(true);
      writer.setDaemon(true);
      reader.start();
      writer.start();
    }

    private void read(Socket from, ChunkQueue queue) {
      byte[] buffer = new byte[CHUNK];
      try {
        InputStream in = from.getInputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (n > 0 && !enqueue(queue, new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos))) return;
        }
        enqueue(queue, new Chunk(new byte[0], System.nanoTime() + delayNanos));
      } catch (IOException e) {
        try {
          waitWhileFrozen(); // a reset behind a blackhole reaches the other side only once it heals
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
        abort();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abort();
      }
    }

    /** Blocks while the queue is full (backpressure); false once the connection is aborted. */
    private boolean enqueue(ChunkQueue queue, Chunk chunk) throws InterruptedException {
      while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
        if (aborted) return false;
      }
      return true;
    }

    private void write(ChunkQueue queue, Socket to, RateLimiter rate, AtomicLong counter) {
      try {
        OutputStream out = to.getOutputStream();
        while (!aborted) {
          Chunk chunk = queue.poll(100, TimeUnit.MILLISECONDS);
          if (chunk == null) continue;
          waitWhileFrozen();
          sleepUntil(chunk.dueNanos());
          if (chunk.bytes().length == 0) {
            to.shutdownOutput(); // pass the half-close on
            endOfStream();
            return;
          }
          int slice = rate.sliceBytes();
          for (int off = 0; off < chunk.bytes().length && !aborted; off += slice) {
            int len = Math.min(slice, chunk.bytes().length - off);
            sleepNanos(rate.reserve(len));
            waitWhileFrozen();
            out.write(chunk.bytes(), off, len);
            counter.addAndGet(len);
          }
          out.flush();
        }
      } catch (IOException e) {
        abort();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abort();
      }
    }

    private void waitWhileFrozen() throws InterruptedException {
      while (cut == CutMode.BLACKHOLE && !aborted) {
        Thread.sleep(10); // a frozen link: nothing moves until heal or abort
      }
    }

    private synchronized void endOfStream() {
      if (++finished == 2) {
        closeQuietly(client);
        closeQuietly(upstream);
        connections.remove(this);
      }
    }

    void abort() {
      aborted = true;
      reset(client);
      reset(upstream);
      connections.remove(this);
    }
  }

  private static void sleepUntil(long dueNanos) throws InterruptedException {
    sleepNanos(dueNanos - System.nanoTime());
  }

  private static void sleepNanos(long nanos) throws InterruptedException {
    if (nanos > 0) TimeUnit.NANOSECONDS.sleep(nanos); // injecting latency is the point here
  }

  /** Paces bytes to a rate shared by every connection of one direction; 0 means unlimited. */
  private static final class RateLimiter {
    private volatile long rate;
    private long nextFreeNanos;

    void setRate(long bytesPerSecond) {
      if (bytesPerSecond < 0) throw new IllegalArgumentException("rate must be >= 0: " + bytesPerSecond);
      synchronized (this) {
        rate = bytesPerSecond;
        nextFreeNanos = System.nanoTime();
      }
    }

    /** Slices small enough that a throttled stream moves about 20 times a second. */
    int sliceBytes() {
      long r = rate;
      return r == 0 ? Integer.MAX_VALUE : (int) Math.max(1, Math.min(CHUNK, r / 20));
    }

    /** Reserves {@code bytes} and returns how long to wait before sending them. */
    synchronized long reserve(int bytes) {
      if (rate == 0) return 0;
      long now = System.nanoTime();
      long start = Math.max(now, nextFreeNanos);
      nextFreeNanos = start + bytes * 1_000_000_000L / rate;
      return start - now;
    }
  }
}
