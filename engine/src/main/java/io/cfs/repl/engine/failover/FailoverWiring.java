package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.control.ControlLinks;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a site's SplitBrainResolver works with, besides its decision core.
 *
 * @param site this site (or the witness)
 * @param settings the mesh's failover settings
 * @param links the control links to every other voter
 * @param permits where this site's write permits go (every node's gate); a no-op for the witness
 * @param listener the failover events (health, promotions, demotions), for logs, metrics and the audit trail
 * @param lag how far a peer is behind this site's journal (its link's lag), asked every second for health and while
 *     a planned switchover drains
 * @param held how many entries of an origin's journal this site's store holds, read on the storage executor
 * @param peers the site's peers as of now (they change when an operator reloads them; active-active only)
 */
public record FailoverWiring(String site, FailoverSettings settings, ControlLinks links,
                             Consumer<WritePermit> permits, FailoverListener listener,
                             Function<String, CompletionStage<LinkLag>> lag,
                             Function<String, CompletionStage<Long>> held, Supplier<Set<String>> peers) {
}
