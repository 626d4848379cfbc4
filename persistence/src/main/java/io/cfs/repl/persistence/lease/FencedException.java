package io.cfs.repl.persistence.lease;

/**
 * A write refused because its writer's fencing token is below the lease's current one: another node holds the lease
 * now. Nothing of the write was made. The writer must stop; retrying cannot succeed.
 */
public final class FencedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** SQLSTATE the PostgreSQL fence raises (the trigger on cursor events and the store's check). */
  public static final String SQL_STATE = "CFF01";

  private final Fence fence;
  private final long currentToken;

  public FencedException(Fence fence, long currentToken) {
    super("write by " + fence + " refused: the lease " + fence.lease() + " of " + fence.site()
        + (currentToken == 0 ? " was never taken" : " is now at token " + currentToken));
    this.fence = fence;
    this.currentToken = currentToken;
  }

  public Fence fence() {
    return fence;
  }

  /** The lease's token when the write was refused (0 if it was never taken). */
  public long currentToken() {
    return currentToken;
  }

  /** Whether {@code failure} or one of its causes is a fencing refusal (ours, or PostgreSQL's for cursor events). */
  public static boolean isFencing(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FencedException) return true;
      if (t instanceof java.sql.SQLException sql && SQL_STATE.equals(sql.getSQLState())) return true;
    }
    return false;
  }
}
