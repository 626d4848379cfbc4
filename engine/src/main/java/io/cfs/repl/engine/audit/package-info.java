/**
 * The site's audit trail as the engine writes it: {@link io.cfs.repl.engine.audit.AuditSink} is what producers (links,
 * replicators, and later failover and conflicts) call without blocking; {@link io.cfs.repl.engine.audit.AuditTrail}
 * batches their records into the {@link io.cfs.repl.persistence.audit.AuditLog} on the storage executor, answers
 * queries there, and applies retention ({@code cfs-repl.audit}).
 */
package io.cfs.repl.engine.audit;
