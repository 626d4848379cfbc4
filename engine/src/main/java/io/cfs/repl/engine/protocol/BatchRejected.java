package io.cfs.repl.engine.protocol;

/**
 * Receiver to sender: the whole batch was refused and nothing of it was applied (wrong origin, too large,
 * undecodable entry). The receiver closes the connection after sending it.
 */
public record BatchRejected(long batchId, String reason) implements WireMessage {
}
