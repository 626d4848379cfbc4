package io.cfs.repl.admin.server.auth;

import static io.cfs.repl.admin.AdminTestSites.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.cfs.repl.admin.AdminTestSites;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The admin token never reaches a log line: a node started with it, asked with a wrong token and with the right one
 * (refused and accepted mutating calls), logs at DEBUG for its own classes, and no event's message, arguments or
 * stack trace holds either token.
 */
class TokensStayOutOfLogsTest {
  private static final String WRONG = "not-the-admin-secret-4711";

  @TempDir
  Path dir;

  @Test
  void neitherTheTokenNorAWrongOneIsLogged() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger ours = (Logger) LoggerFactory.getLogger("io.cfs.repl");
    Level before = ours.getLevel();
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    root.addAppender(events);
    ours.setLevel(Level.DEBUG);
    try (AdminTestSites sites = AdminTestSites.of(dir, "tok-a", "tok-b")) {
      sites.start("tok-a");
      assertThat(sites.post("tok-a", "/replication/peers/tok-b/pause", "", WRONG).statusCode()).isEqualTo(401);
      assertThat(sites.post("tok-a", "/replication/peers/tok-b/pause", "", TOKEN).statusCode()).isEqualTo(200);
      assertThat(sites.post("tok-a", "/replication/peers/tok-b/resume", "", TOKEN).statusCode()).isEqualTo(200);
      assertThat(sites.post("tok-a", "/replication/sync", "{\"force\": true}", TOKEN).statusCode()).isEqualTo(200);
    } finally {
      ours.setLevel(before);
      root.detachAppender(events);
    }

    List<ILoggingEvent> logged = List.copyOf(events.list);
    assertThat(logged).as("the node logged while it ran").hasSizeGreaterThan(10);
    for (ILoggingEvent e : logged) {
      String text = e.getFormattedMessage()
          + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))
          + e.getMDCPropertyMap();
      assertThat(text).as("a log line of %s", e.getLoggerName()).doesNotContain(TOKEN).doesNotContain(WRONG);
    }
  }
}
