package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.failover.FailoverMessage.Heartbeat;
import io.cfs.repl.engine.failover.FailoverMessage.VoteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The witness: a voter that holds no data and is never promoted. It keeps its votes durably like any voter, beats,
 * and echoes the primary (so it can complete the primary's lease majority). It holds nothing of any journal, so its
 * up-to-date check only refuses candidates that have not even learnt the latest epoch.
 */
public final class Witness implements FailoverMember {
  private final String self;
  private final FailoverSettings settings;
  private final Voter voter;

  private Witness(String self, FailoverSettings settings, ResolverState state, long now) {
    this.self = self;
    this.settings = settings;
    this.voter = new Voter(self, settings, state, now);
  }

  /** Starts (or restarts) the witness from its persisted events. */
  public static Witness start(String self, FailoverSettings settings, List<FailoverEvent> events, long now) {
    if (!settings.witness().map(self::equals).orElse(false)) {
      throw new IllegalArgumentException(self + " is not the configured witness");
    }
    return new Witness(self, settings, ResolverState.recover(self, settings, events), now);
  }

  @Override
  public List<Action> onMessage(String from, FailoverMessage message, long now) {
    if (from.equals(self) || !settings.isVoter(from)) return List.of();
    List<Action> out = new ArrayList<>();
    voter.observe(from, message.view(), now, out);
    if (message instanceof Heartbeat heartbeat) voter.onHeartbeat(from, heartbeat);
    else if (message instanceof VoteRequest request) voter.onVoteRequest(from, request, now, out);
    return out;
  }

  @Override
  public List<Action> onTick(long now) {
    List<Action> out = new ArrayList<>();
    voter.tick(now, out);
    return out;
  }

  @Override
  public ResolverState state() {
    return voter.state();
  }

  @Override
  public Map<String, PeerHealth> health() {
    return voter.health();
  }

  @Override
  public boolean acceptsWrites(long now) {
    return false;
  }
}
