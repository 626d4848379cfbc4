package io.cfs.repl.engine.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import io.cfs.repl.transport.link.LinkHandler;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.link.SiteLinkServer;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlLinksTest {
  private static final ActorTestKit kit = ActorTestKit.create("ControlLinksTest");
  private final LinkSettings settings = LinkSettings.create(ConfigFactory.load());
  private final KryoCodec codec = KryoCodec.create(List.of());
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private final LinkHandler noData = hello -> {
    throw new HandshakeRejectedException(HandshakeRejectedException.Reason.UNKNOWN_SITE, "no data in this test");
  };
  private final List<Tcp.ServerBinding> bindings = new CopyOnWriteArrayList<>();
  private ControlLinks links;

  @AfterEach
  void close() {
    if (links != null) links.close();
    bindings.forEach(Tcp.ServerBinding::unbind);
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private InetSocketAddress serve(int port, Set<String> voters) throws Exception {
    ControlServer control = new ControlServer("site-b", voters, codec, String.class,
        (from, message) -> delivered.add(from + ":" + message));
    Tcp.ServerBinding binding = SiteLinkServer.bind(kit.system(), settings, LinkSecurity.PLAIN, "site-b", "127.0.0.1", port,
        new ChannelRouter(noData, control, noData, noData), LinkMetrics.NONE).toCompletableFuture().get(10, TimeUnit.SECONDS);
    bindings.add(binding);
    return binding.localAddress();
  }

  private ControlLinks linksTo(InetSocketAddress address) {
    return new ControlLinks(kit.system(), settings, LinkSecurity.PLAIN, "site-a", Map.of("site-b", List.of(address)), codec,
        Duration.ofMillis(50), Duration.ofMillis(200));
  }

  @Test
  void messagesReachTheVoterNamedByTheHandshake() throws Exception {
    links = linksTo(serve(0, Set.of("site-a")));
    links.send("site-b", "one");
    links.send("site-b", "two");

    await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 2);
    assertThat(delivered).containsExactly("site-a:one", "site-a:two");
  }

  @Test
  void aLinkToAVoterThatIsNotUpYetConnectsOnceItIs() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    links = linksTo(new InetSocketAddress("127.0.0.1", port));
    links.send("site-b", "lost while down");
    serve(port, Set.of("site-a"));

    // heartbeats repeat; one sent after the voter came up gets through
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
      links.send("site-b", "beat");
      return delivered.contains("site-a:beat");
    });
  }

  @Test
  void aSiteThatIsNotAVoterIsRefusedAndDeliversNothing() throws Exception {
    InetSocketAddress server = serve(0, Set.of("site-c"));
    links = linksTo(server);
    links.send("site-b", "intruder");

    // a later link from a voter is served: the refused one delivered nothing before it
    ControlLinks voter = new ControlLinks(kit.system(), settings, LinkSecurity.PLAIN, "site-c", Map.of("site-b", List.of(server)),
        codec, Duration.ofMillis(50), Duration.ofMillis(200));
    try {
      voter.send("site-b", "vote");
      await().atMost(Duration.ofSeconds(10)).until(() -> delivered.contains("site-c:vote"));
      assertThat(delivered).containsExactly("site-c:vote");
    } finally {
      voter.close();
    }
  }
}
