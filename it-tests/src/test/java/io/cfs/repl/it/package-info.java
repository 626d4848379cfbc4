/**
 * Integration tests with real node processes: every site is its own JVM ({@code Cfs node --config}), started from
 * this module's test classpath, with real RocksDB data dirs and real TCP links.
 *
 * <h2>How a test reads</h2>
 * <pre>{@code
 * @ExtendWith(ItExtension.class)
 * class MyTest {
 *   @Test
 *   void scenario(ItContext it) {
 *     SiteCluster cluster = it.topology("site-a", "site-b").start();      // ports, proxies, configs, readiness
 *     History history = new History();
 *     Workload w = it.register(Workload.on(cluster, history, it.seed())   // seeded, printed, -Dit.seed=N reruns
 *         .site("site-a", 1_000).site("site-b", 100).shards(16).inodes(2_000).start());
 *     cluster.node("site-b").kill();                                       // kill(), stop(), pause(), resume()
 *     cluster.proxy("site-a", "site-b").cut();                             // per direction: cut, delay, throttle
 *     cluster.node("site-b").restart();                                    // same data dir and ports
 *     w.stop(Duration.ofSeconds(30));
 *     Checker.of(cluster, history).assertConverged();                      // prints what differs
 *   }
 * }
 * }</pre>
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.cfs.repl.it.harness}: {@code NodeProcess} (one node JVM: start, readiness, SIGTERM, kill -9,
 *       SIGSTOP / SIGCONT, restart), {@code Topology} / {@code SiteCluster} (sites, every site a peer of every other
 *       through a fault proxy per ordered pair), {@code ItExtension} (closes everything after each test, keeps
 *       target/it-logs/&lt;Test.method&gt;/ only when the test failed and prints its paths), lag and resource
 *       sampling for benchmarks.</li>
 *   <li>{@link io.cfs.repl.admin.tools.proxy.FaultProxy} (from the admin tools, which use it in {@code cfs bench}):
 *       a TCP proxy with switchable faults (cut with reset or blackhole, heal, delay, throttle, dropped
 *       connections).</li>
 *   <li>{@link io.cfs.repl.it.client}: the admin API and the ingest API as a metadata service uses them (the conflict
 *       stream included, {@code ConflictStream}; {@code AuditedConflict} reads a CONFLICT audit record back).</li>
 *   <li>{@link io.cfs.repl.it.workload}: the workload driver (its entries from the admin tools' generator) and the
 *       history of acknowledged entries, which the admin tools' convergence checker
 *       ({@link io.cfs.repl.admin.tools.check.Checker}, the one {@code cfs check} runs) compares the sites with;
 *       {@code ConflictHistoryCheck} places every acknowledged write against the sites' recorded conflicts.</li>
 * </ul>
 *
 * <h2>Suites</h2>
 * The default suite ({@code mvn test}) runs the {@code *Test} classes that are not tagged; {@code @Tag("soak")}
 * (1M-entry outage, slow peer) runs under {@code -Pfull}, {@code @Tag("bench")} (3 sites at 10K ops/s) under
 * {@code -Pbench} or {@code -Pfull}. System properties: {@code it.seed}, {@code it.keepData},
 * {@code it.outage.entries}, {@code it.bench.rate}, {@code it.bench.seconds}.
 *
 * <p>Sites have one node each: a site of several nodes (scenario 7, the SiteReplicator moving when its node dies)
 * needs a journal shared by the nodes of a site, which the product does not have yet.
 */
package io.cfs.repl.it;
