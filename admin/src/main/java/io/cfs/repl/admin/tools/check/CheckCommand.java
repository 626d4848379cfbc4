package io.cfs.repl.admin.tools.check;

import io.cfs.repl.admin.tools.check.Checker.Check;
import io.cfs.repl.admin.tools.https.HttpClients;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * After quiescence, checks that every acknowledged entry took effect on every site: each inode's value on each
 * node is the highest acknowledged version (a tombstone iff that write was a delete), and all digests agree.
 * The histories must hold every writer's acknowledged entries. Exit 0 only when everything agrees.
 *
 * <p>Of the {@link Checker}'s checks it runs the digests and the inodes only: the nodes may hold entries no history
 * recorded (a run without {@code --history}), so journal heads, watermarks and inode counts are not compared, and
 * it knows no ingest listener to read heads from.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Check that sites converged to what the history files acknowledged.")
public final class CheckCommand implements Callable<Integer> {
  private static final int MAX_REPORTED = 20;

  @Option(names = "--history", required = true, split = ",", description = "history file(s), one per writer")
  List<Path> histories;

  @Option(names = "--nodes", required = true, split = ",", description = "admin URLs of one node per site")
  List<URI> nodes;

  @Option(names = "--timeout", defaultValue = "120", description = "seconds to wait for quiescence")
  long timeoutSeconds;

  @Option(names = HttpClients.CACERT, paramLabel = "FILE",
      description = "PEM file of the CA an https node's certificate must chain to (default: the JDK's CAs)")
  Path cacert;

  /** One node per site, named by its admin URL: the sites' own names are not known to the command line. */
  private record Nodes(List<URI> nodes) implements Checker.Sites {
    @Override
    public List<String> sites() {
      return nodes.stream().map(URI::toString).toList();
    }

    @Override
    public List<String> peersOf(String site) {
      return List.of();
    }

    @Override
    public Optional<URI> adminUri(String site) {
      return Optional.of(URI.create(site));
    }

    @Override
    public Map<Integer, Long> journalHeads(String site) {
      throw new UnsupportedOperationException("cfs check does not read journal heads");
    }
  }

  @Override
  public Integer call() throws Exception {
    Expectations expected = Expectations.read(histories);
    System.out.printf("history: %,d acknowledged entries over %,d inodes; checking %d nodes%n", expected.entries(),
        expected.distinctInodes(), nodes.size());
    Checker.Report report = Checker.of(new Nodes(nodes), expected)
        .checks(EnumSet.of(Check.DIGESTS, Check.INODES))
        .quiescenceTimeout(Duration.ofSeconds(timeoutSeconds))
        .digestTimeout(Duration.ZERO)
        .stopUnlessQuiescent()
        .cacert(cacert)
        .reportTo(printedBelow -> { })
        .check();
    if (!report.quiescent()) {
      System.out.println("FAILED: links did not drain within " + timeoutSeconds + " s");
      return 1;
    }
    report.digests().forEach((node, digest) -> System.out.printf("  %s digest %s (%,d inodes)%n", node,
        digest.hash(), digest.inodes()));
    List<String> problems = report.differences();
    problems.stream().limit(MAX_REPORTED).forEach(p -> System.out.println("  DIFF " + p));
    if (problems.size() > MAX_REPORTED) System.out.printf("  ... and %,d more%n", problems.size() - MAX_REPORTED);
    System.out.println(problems.isEmpty() ? "OK: every acknowledged entry took effect on every site"
        : "FAILED: " + problems.size() + " differences");
    return problems.isEmpty() ? 0 : 1;
  }
}
