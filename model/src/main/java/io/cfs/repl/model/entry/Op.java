package io.cfs.repl.model.entry;

/**
 * Metadata operations carried by a journal entry. The replicator never interprets the payload; it only needs to
 * know whether the operation leaves the inode's record present (a put) or removes it (a delete, kept as a
 * tombstone so that a late stale update cannot resurrect the inode).
 */
public enum Op {
  CREATE(false), UNLINK(true), RENAME(false), WRITE(false), TRUNCATE(false), SETATTR(false),
  LINK(false), SYMLINK(false), MKDIR(false), SETXATTR(false), REMOVEXATTR(false), RMDIR(true);

  /** values() copies the array on every call; decoding asks once per entry. */
  private static final Op[] BY_CODE = values();

  private final boolean delete;

  Op(boolean delete) {
    this.delete = delete;
  }

  public boolean isDelete() {
    return delete;
  }

  /** Stable wire code: the ordinal is never reordered; new operations are appended. */
  public int code() {
    return ordinal();
  }

  public static Op fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new InvalidEntryException("unknown op code " + code);
    }
    return BY_CODE[code];
  }
}
