package io.cfs.repl.transport.link;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/** Shared setup of the loopback TCP tests. */
final class LinkTestSupport {
  static final String HOST = "127.0.0.1";

  private LinkTestSupport() {}

  /** Reference settings with short timeouts, plus overrides in HOCON under cfs-repl.transport. */
  static LinkSettings settings(String overrides) {
    return LinkSettings.create(ConfigFactory.parseString(
            "handshake-timeout = 1s, connect-timeout = 1s, idle-timeout = 10s, max-frame-bytes = 64 KiB\n"
                + overrides)
        .atPath("cfs-repl.transport")
        .withFallback(ConfigFactory.defaultReference()));
  }

  /** Binds a server on a free port and returns its address. */
  static InetSocketAddress bind(ActorSystem<?> system, LinkSettings settings, String site, LinkHandler handler,
      LinkMetrics metrics) {
    return bind(system, settings, LinkSecurity.PLAIN, site, handler, metrics);
  }

  /** Binds a server secured by {@code security} on a free port and returns its address. */
  static InetSocketAddress bind(ActorSystem<?> system, LinkSettings settings, LinkSecurity security, String site,
      LinkHandler handler, LinkMetrics metrics) {
    return await(SiteLinkServer.bind(system, settings, security, site, HOST, 0, handler, metrics)).localAddress();
  }

  static LinkHandler echo() {
    return hello -> Flow.create();
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new AssertionError("stage failed", e.getCause());
    }
  }

  /** The failure of a stage that must fail within the given time. */
  static Throwable failure(CompletionStage<?> stage, Duration within) {
    try {
      Object value = stage.toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("did not fail within " + within, e);
    }
  }

  static ByteString text(String s) {
    return ByteString.fromString(s);
  }
}
