/**
 * Epochs in the data path: the {@link io.cfs.repl.engine.epoch.WriteGate} every append asks (and the journal wrapper
 * that stamps the admitted epoch on the entries), the site's {@link io.cfs.repl.engine.epoch.EpochView} that batches
 * and acks carry and receivers check, and {@link io.cfs.repl.engine.epoch.SiteEpochs}, where a node holds both until
 * the SplitBrainResolver installs its own. Deciding roles and epochs is not here (see the resolver).
 */
package io.cfs.repl.engine.epoch;
