package io.cfs.repl.persistence.journal;

import io.cfs.repl.persistence.postgres.PostgresDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a {@link PostgresJournal}'s tails when another node of the site commits an append: a daemon thread LISTENs on
 * the site's channel on a connection of its own and calls {@code wake} on every notification, and at the latest every
 * poll interval (a notification sent while the connection was being re-established is otherwise lost).
 */
final class AppendListener {
  private static final Logger log = LoggerFactory.getLogger(AppendListener.class);

  private final PostgresDatabase db;
  private final String channel;
  private final Duration pollInterval;
  private final Runnable wake;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile Connection connection;

  AppendListener(PostgresDatabase db, String channel, Duration pollInterval, Runnable wake) {
    this.db = db;
    this.channel = channel;
    this.pollInterval = pollInterval;
    this.wake = wake;
    this.thread = new Thread(this::run, "cfs-journal-listener-" + channel);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    boolean failing = false;
    while (!stopping) {
      try (Connection c = db.dedicatedConnection()) {
        connection = c;
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + channel);
        }
        if (failing) log.info("Listening on {} again", channel);
        failing = false;
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!stopping) {
          pg.getNotifications((int) pollInterval.toMillis());
          wake.run();
        }
      } catch (SQLException e) {
        if (stopping) return;
        if (!failing) log.warn("Lost the append notifications of {} ({}); polling every {} ms until back", channel,
            e.getMessage(), pollInterval.toMillis());
        failing = true;
        wake.run();
        pause();
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(pollInterval.toMillis());
    } catch (InterruptedException e) {
      // stop() interrupts: the loop condition ends the thread
    }
  }

  void stop() {
    stopping = true;
    thread.interrupt();
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        log.debug("closing the listener connection of {}: {}", channel, e.getMessage());
      }
    }
    try {
      thread.join(pollInterval.toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
