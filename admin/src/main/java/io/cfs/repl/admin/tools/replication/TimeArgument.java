package io.cfs.repl.admin.tools.replication;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A point in time as an operator types it, to epoch millis: {@code "N second|minute|hour|day[s] ago"} (or
 * {@code now}), epoch millis, or ISO-8601: with an offset ({@code 2025-06-01T12:00:00Z},
 * {@code 2025-06-01T14:00+02:00}), or local to this machine's zone ({@code 2025-06-01T12:00}, {@code 2025-06-01} for
 * its midnight).
 */
final class TimeArgument implements ITypeConverter<Long> {
  static final String FORMS = "\"N second|minute|hour|day[s] ago\", \"now\", epoch millis, or ISO-8601"
      + " (2025-06-01T12:00:00Z, 2025-06-01T12:00 local, 2025-06-01)";
  private static final Pattern AGO = Pattern.compile("(\\d{1,9})\\s*(second|minute|hour|day)s?\\s+ago");
  private static final Pattern MILLIS = Pattern.compile("\\d{1,19}");

  private final Clock clock;
  private final ZoneId zone;

  /** picocli's: this machine's clock and zone. */
  TimeArgument() {
    this(Clock.systemUTC(), ZoneId.systemDefault());
  }

  TimeArgument(Clock clock, ZoneId zone) {
    this.clock = clock;
    this.zone = zone;
  }

  @Override
  public Long convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  long parse(String value) {
    String text = value.strip().toLowerCase(Locale.ROOT);
    if (text.equals("now")) return clock.millis();
    Matcher ago = AGO.matcher(text);
    if (ago.matches()) {
      ChronoUnit unit = ChronoUnit.valueOf(ago.group(2).toUpperCase(Locale.ROOT) + "S");
      return clock.millis() - Duration.of(Long.parseLong(ago.group(1)), unit).toMillis();
    }
    if (MILLIS.matcher(text).matches()) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a time: '" + value + "' (epoch millis out of range)");
      }
    }
    String iso = value.strip();
    try {
      return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
    } catch (DateTimeException offsetMissing) {
      try {
        return LocalDateTime.parse(iso).atZone(zone).toInstant().toEpochMilli();
      } catch (DateTimeException notADateTime) {
        try {
          return LocalDate.parse(iso).atStartOfDay(zone).toInstant().toEpochMilli();
        } catch (DateTimeException notADate) {
          throw new IllegalArgumentException("not a time: '" + value + "'; use " + FORMS);
        }
      }
    }
  }
}
