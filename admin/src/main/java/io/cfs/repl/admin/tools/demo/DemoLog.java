package io.cfs.repl.admin.tools.demo;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The demo's node logs go to a file while it runs, so that the terminal shows only its progress and summary; closing
 * puts the console back (the demo's sites log through this JVM's one logging setup).
 */
final class DemoLog implements AutoCloseable {
  private final Logger root;
  private final List<Appender<ILoggingEvent>> replaced;
  private final FileAppender<ILoggingEvent> file;

  private DemoLog(Logger root, List<Appender<ILoggingEvent>> replaced, FileAppender<ILoggingEvent> file) {
    this.root = root;
    this.replaced = replaced;
    this.file = file;
  }

  /** From now on every log line goes to {@code path} instead of the console. */
  static DemoLog toFile(Path path) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> file = new FileAppender<>();
    file.setContext(context);
    file.setName("demo-file");
    file.setFile(path.toString());
    file.setEncoder(encoder);
    file.start();
    List<Appender<ILoggingEvent>> replaced = new ArrayList<>();
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      replaced.add(it.next());
    }
    root.addAppender(file);
    replaced.forEach(root::detachAppender);
    return new DemoLog(root, replaced, file);
  }

  @Override
  public void close() {
    replaced.forEach(root::addAppender);
    root.detachAppender(file);
    file.stop();
  }
}
