package io.cfs.repl.engine.protocol;

/**
 * Messages on a site link after the handshake, Kryo-encoded, one per frame. Every implementation is registered
 * with a fixed Kryo id in this module's reference.conf ({@code cfs-repl.kryo.registrations}).
 */
public sealed interface WireMessage permits ShipBatch, BatchAck, BatchRejected {
}
