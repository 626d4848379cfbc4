package io.cfs.repl.engine.failover;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads {@code cfs-repl.failover} (documented in reference.conf) once, for a node or for the witness. */
public final class FailoverConfig {
  public static final String PATH = "cfs-repl.failover";

  private FailoverConfig() {
  }

  /** The settings of a mesh of {@code sites} (this one and its peers), in either mode. */
  public static FailoverSettings settings(Config root, Collection<String> sites) {
    Config c = root.getConfig(PATH);
    String mode = c.getString("mode");
    FailoverMode parsed = java.util.Arrays.stream(FailoverMode.values()).filter(m -> m.configName().equals(mode))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(
            PATH + ".mode must be active-active or active-passive, was " + mode));
    List<String> all = new ArrayList<>(sites);
    all.sort(null);
    String initial = c.getString("initial-primary");
    return new FailoverSettings(parsed, all, witness(c).map(w -> w.id()),
        initial.isBlank() ? Optional.empty() : Optional.of(initial), c.getDuration("heartbeat-interval"),
        c.getInt("degraded-after-missed"), c.getDuration("degraded-lag"), c.getDuration("lease-timeout"),
        c.getDuration("down-after"), c.getDuration("election-backoff.min"), c.getDuration("election-backoff.max"),
        c.getDuration("switchover-timeout"));
  }

  /** The configured witness and where it listens, if any. */
  public static Optional<WitnessAddress> witness(Config failover) {
    String id = failover.getString("witness.id");
    if (id.isBlank()) return Optional.empty();
    return Optional.of(new WitnessAddress(id, InetSocketAddress.createUnresolved(failover.getString("witness.host"),
        failover.getInt("witness.port"))));
  }

  /** The witness of a mesh: its id and its link listener. */
  public record WitnessAddress(String id, InetSocketAddress address) {
  }
}
