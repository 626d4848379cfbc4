package io.cfs.repl.persistence.lease;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The leases of one site's singletons, with fencing tokens. Invariants, whatever the backend:
 * <ul>
 *   <li>at most one owner holds a lease at a time: {@link #acquire} succeeds only while the lease is free, expired,
 *       or already the caller's; of two contenders racing for it, one wins;</li>
 *   <li>every successful {@link #acquire} hands out a new token, greater than every token handed out before for that
 *       lease (also across releases, expiries and restarts of the backend's storage);</li>
 *   <li>{@link #renew} and {@link #release} act only for the holding they name (owner and token): a holder whose
 *       lease was taken over cannot extend or free the new holder's;</li>
 *   <li>{@link #check} refuses a fence whose token is below the lease's current one, and writes that carry a fence
 *       are refused the same way in the storage transaction that makes them.</li>
 * </ul>
 * Expiry is measured on one clock for all contenders (the database's, or the process's for the in-memory store).
 */
public interface LeaseStore {

  /** The site whose leases these are. */
  String site();

  /** Takes {@code lease} for {@code owner} for {@code ttl}; the new fencing token, or empty if someone else holds it. */
  OptionalLong acquire(String lease, String owner, Duration ttl);

  /** Extends the holding for {@code ttl} from now; false if it is no longer {@code owner}'s holding {@code token}. */
  boolean renew(String lease, String owner, long token, Duration ttl);

  /** Frees the holding (the token stays, so the next holder's is greater); false if it was not held so. */
  boolean release(String lease, String owner, long token);

  /** The lease as it stands: its current token, and the owner while one holds it unexpired. */
  Optional<LeaseState> state(String lease);

  /** Throws {@link FencedException} if the lease's token is above the fence's (or the lease was never taken). */
  void check(Fence fence);

  /** One lease's row: the last token handed out, its owner (null once released) and when the holding expires. */
  record LeaseState(String lease, long token, String owner, boolean expired) {
    /** The owner while the holding lasts; empty when released or expired. */
    public Optional<String> holder() {
      return owner == null || expired ? Optional.empty() : Optional.of(owner);
    }
  }
}
