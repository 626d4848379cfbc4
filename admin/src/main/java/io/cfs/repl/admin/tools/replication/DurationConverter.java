package io.cfs.repl.admin.tools.replication;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as HOCON writes them: 500ms, 1s, 2 minutes. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Duration d;
    try {
      d = ConfigFactory.parseString("d = " + value).getDuration("d");
    } catch (RuntimeException e) {
      throw new TypeConversionException("not a duration: " + value + " (e.g. 500ms, 1s, 2 minutes)");
    }
    if (d.isNegative() || d.isZero()) throw new TypeConversionException("must be > 0: " + value);
    return d;
  }
}
