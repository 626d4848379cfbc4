package io.cfs.repl.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.util.List;
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
  void aSiteOfSeveralNodesNeedsSharedStorage() {
    String seeds = "cluster.seed-nodes = [\"127.0.0.1:2551\", \"127.0.0.1:2552\"]";

    assertThatThrownBy(() -> NodeSettings.create(node(seeds)))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("cfs-repl.node.storage").hasMessageContaining("needs storage = postgres");
    assertThat(NodeSettings.create(node(seeds + "\nstorage = postgres")).seedNodes())
        .isEqualTo(List.of("127.0.0.1:2551", "127.0.0.1:2552"));
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
        "storage = postgres\ncluster.seed-nodes = [\"127.0.0.1:99999\"]")))
        .hasMessageContaining("cfs-repl.node.cluster.seed-nodes");
  }
}
