package io.cfs.repl.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The node's own settings: storage choice, sites of several nodes, peers with several addresses. */
class NodeSettingsTest {
  private static Config node(String hocon) {
    return ConfigFactory.parseString("cfs-repl.node { site-id = a, data-dir = /tmp/x\n" + hocon + "\n}")
        .withFallback(NodeConfig.base());
  }

  @Test
  void embeddedIsTheDefaultAndPeersMayListSeveralAddresses() {
    NodeSettings s = NodeSettings.create(node(
        "peers { b { addresses = [\"10.0.0.1:9500\", \"10.0.0.2:9501\"] }, c { host = h, port = 7 } }"));

    assertThat(s.storage()).isEqualTo(NodeSettings.Storage.EMBEDDED);
    assertThat(s.peers().get("b").addresses()).containsExactly(InetSocketAddress.createUnresolved("10.0.0.1", 9500),
        InetSocketAddress.createUnresolved("10.0.0.2", 9501));
    assertThat(s.peers().get("c").addresses()).containsExactly(InetSocketAddress.createUnresolved("h", 7));
  }

  @Test
  void aPeersThrottleIsBytesPerSecondInSizeSyntaxAndOffOrAbsentIsUnlimited() {
    NodeSettings s = NodeSettings.create(node("peers { b { host = h, port = 1, throttle = 10MiB }, "
        + "c { host = h, port = 2, throttle = 65536 }, d { host = h, port = 3, throttle = off }, "
        + "e { addresses = [\"h:4\"], throttle = \"512 KiB\" }, f { host = h, port = 5 } }"));

    assertThat(s.peers().get("b").throttleBytesPerSecond()).isEqualTo(10L << 20);
    assertThat(s.peers().get("c").throttleBytesPerSecond()).isEqualTo(65_536);
    assertThat(s.peers().get("d").throttleBytesPerSecond()).isZero();
    assertThat(s.peers().get("e").throttleBytesPerSecond()).isEqualTo(512L << 10);
    assertThat(s.peers().get("f").throttleBytesPerSecond()).isZero();
  }

  @Test
  void aNegativeOrUnreadableThrottleIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> NodeSettings.create(node("peers { b { host = h, port = 1, throttle = -5 } }")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("cfs-repl.node.peers.b.throttle").hasMessageContaining("negative");
    assertThatThrownBy(() -> NodeSettings.create(node("peers { b { host = h, port = 1, throttle = fast } }")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("cfs-repl.node.peers.b.throttle").hasMessageContaining("fast");
  }

  @Test
  void aSiteOfSeveralNodesNeedsSharedStorage() {
    String points = "cluster.contact-points = [\"127.0.0.1:8558\", \"127.0.0.1:8559\"]";

    assertThatThrownBy(() -> NodeSettings.create(node(points)))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("cfs-repl.node.storage").hasMessageContaining("needs storage = postgres");
    assertThat(NodeSettings.create(node(points + "\nstorage = postgres")).contactPoints()).containsExactly(
        InetSocketAddress.createUnresolved("127.0.0.1", 8558), InetSocketAddress.createUnresolved("127.0.0.1", 8559));
  }

  @Test
  void contactPointsBecomeClusterBootstrapDiscoveryOfTheSite() {
    Config effective = NodeConfig.effective(node(
        "storage = postgres\ncluster.contact-points = [\"10.0.0.1:8558\", \"10.0.0.2:8558\", \"10.0.0.3:8558\"]"));

    String discovery = "pekko.management.cluster.bootstrap.contact-point-discovery.";
    assertThat(effective.getString(discovery + "service-name")).isEqualTo("cfs-repl-a");
    assertThat(effective.getString(discovery + "discovery-method")).isEqualTo("config");
    assertThat(effective.getInt(discovery + "required-contact-point-nr")).isEqualTo(3);
    assertThat(effective.getBoolean(discovery + "contact-with-all-contact-points"))
        .as("a new cluster forms only after every contact point answered that it is in none").isTrue();
    assertThat(effective.getConfigList("pekko.discovery.config.services.cfs-repl-a.endpoints"))
        .extracting(c -> c.getString("host") + ":" + c.getInt("port"))
        .containsExactly("10.0.0.1:8558", "10.0.0.2:8558", "10.0.0.3:8558");
  }

  @Test
  void leaseTimingIsCheckedAtStartup() {
    io.cfs.repl.engine.lease.SiteLease.validate(NodeConfig.base());
    assertThatThrownBy(() -> io.cfs.repl.engine.lease.SiteLease.validate(ConfigFactory.parseString(
        "cfs-repl.lease { heartbeat-timeout = 4s, heartbeat-interval = 2s }").withFallback(NodeConfig.base())))
        .hasMessageContaining("cfs-repl.lease.heartbeat-interval").hasMessageContaining("less than half");
  }

  @Test
  void seedNodesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> NodeSettings.create(node("storage = postgres\ncluster.seed-nodes = [\"h:2551\"]")))
        .hasMessageContaining("cfs-repl.node.cluster.seed-nodes").hasMessageContaining("contact-points");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> NodeSettings.create(node("storage = rocks")))
        .hasMessageContaining("cfs-repl.node.storage").hasMessageContaining("rocks");
    assertThatThrownBy(() -> NodeSettings.create(node("peers { b { addresses = [\"no-port\"] } }")))
        .hasMessageContaining("cfs-repl.node.peers.b.addresses").hasMessageContaining("no-port");
    assertThatThrownBy(() -> NodeSettings.create(node("peers { b { addresses = [] } }")))
        .hasMessageContaining("is empty");
    assertThatThrownBy(() -> NodeSettings.create(node(
        "storage = postgres\ncluster.contact-points = [\"127.0.0.1:99999\"]")))
        .hasMessageContaining("cfs-repl.node.cluster.contact-points");
  }
}
