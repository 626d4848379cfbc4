package io.cfs.repl.transport.kryo;

/**
 * Bytes that do not decode to a value of a {@link KryoCodec}: truncated, corrupt, of an unregistered or unexpected
 * class, or claiming more elements than they hold. A peer that sends them is broken or hostile; the link that carried
 * them fails. An {@link IllegalArgumentException}, as every refusal of the codec was before it had a type of its own.
 */
public final class KryoDecodingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public KryoDecodingException(String message) {
    super(message);
  }

  public KryoDecodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
