package io.cfs.repl.transport.link;

/** The peer sent a frame this end cannot read. It fails that one link; the peer is broken or hostile. */
public final class MalformedFrameException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedFrameException(String message) {
    super(message);
  }

  public MalformedFrameException(String message, Throwable cause) {
    super(message, cause);
  }
}
