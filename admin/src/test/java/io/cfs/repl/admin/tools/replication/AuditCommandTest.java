package io.cfs.repl.admin.tools.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.admin.cli.Cfs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** How {@code cfs admin replication audit} reads its arguments, {@code --since} above all; no node involved. */
class AuditCommandTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final long NOW_MILLIS = NOW.toEpochMilli();
  private final TimeArgument time = new TimeArgument(Clock.fixed(NOW, ZoneOffset.UTC), ZoneId.of("Europe/Paris"));

  @Test
  void relativeTimesCountBackFromNow() {
    assertThat(time.parse("1 hour ago")).isEqualTo(NOW_MILLIS - 3_600_000);
    assertThat(time.parse("2 hours ago")).isEqualTo(NOW_MILLIS - 7_200_000);
    assertThat(time.parse("90 seconds ago")).isEqualTo(NOW_MILLIS - 90_000);
    assertThat(time.parse("1 second ago")).isEqualTo(NOW_MILLIS - 1_000);
    assertThat(time.parse("15 minutes ago")).isEqualTo(NOW_MILLIS - 900_000);
    assertThat(time.parse("  3 Days  Ago ")).isEqualTo(NOW_MILLIS - 3 * 86_400_000L);
    assertThat(time.parse("1day ago")).isEqualTo(NOW_MILLIS - 86_400_000L);
    assertThat(time.parse("now")).isEqualTo(NOW_MILLIS);
  }

  @Test
  void isoTimesWithAnOffsetLocalTimesAndDatesAndEpochMillis() {
    assertThat(time.parse("2025-06-01T10:00:00Z")).isEqualTo(NOW_MILLIS - 7_200_000);
    assertThat(time.parse("2025-06-01T12:00:00.250+02:00")).isEqualTo(NOW_MILLIS - 7_200_000 + 250);
    // no offset: this machine's zone (here Paris, UTC+2 in June)
    assertThat(time.parse("2025-06-01T14:00")).isEqualTo(NOW_MILLIS);
    assertThat(time.parse("2025-06-01")).isEqualTo(Instant.parse("2025-05-31T22:00:00Z").toEpochMilli());
    assertThat(time.parse("1748779200000")).isEqualTo(NOW_MILLIS);
    assertThat(time.parse("0")).isZero();
  }

  @Test
  void anythingElseIsRefusedNamingTheForms() {
    for (String bad : List.of("yesterday", "1 hour", "hour ago", "-5 minutes ago", "1 fortnight ago", "2025-13-01",
        "12:00", "", "99999999999999999999")) {
      assertThatThrownBy(() -> time.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a time");
    }
  }

  @Test
  void theCommandLineTakesEveryOption() {
    CommandLine cli = new CommandLine(new Cfs());
    ParseResult parsed = cli.parseArgs("admin", "replication", "audit", "--since", "1 hour ago", "--until",
        "2025-06-01T12:00:00Z", "--filter", "link_down,SHARD_STOPPED", "--filter", "link_up", "--site", "site-b",
        "--inode", "42", "--limit", "5", "--after", "1748779200000-7", "--json");
    ParseResult audit = parsed.subcommand().subcommand().subcommand();
    long since = audit.matchedOptionValue("--since", 0L);
    assertThat(since).isBetween(System.currentTimeMillis() - 3_660_000, System.currentTimeMillis() - 3_540_000);
    assertThat(audit.<Long>matchedOptionValue("--until", null)).isEqualTo(NOW_MILLIS);
    assertThat(audit.<List<String>>matchedOptionValue("--filter", null))
        .containsExactly("link_down", "SHARD_STOPPED", "link_up");
    assertThat(audit.<Long>matchedOptionValue("--inode", null)).isEqualTo(42);
    assertThat(audit.<Integer>matchedOptionValue("--limit", null)).isEqualTo(5);
  }

  @Test
  void aBadTimeIsAUsageErrorThatExitsTwo() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Cfs());
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("admin", "replication", "audit", "--since", "last tuesday", "--url", "http://127.0.0.1:1");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--since").contains("not a time: 'last tuesday'").contains("hour");
  }
}
