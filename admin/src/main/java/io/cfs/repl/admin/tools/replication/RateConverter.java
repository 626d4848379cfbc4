package io.cfs.repl.admin.tools.replication;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Bytes per second as the node's config writes them: HOCON's size syntax (10MiB, 512 KiB, 1048576), or off (also 0)
 * for unlimited. A negative or unreadable rate is a usage error, so nothing is sent.
 */
final class RateConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    if (value.strip().equalsIgnoreCase("off")) return 0L;
    if (value.strip().startsWith("-")) throw new TypeConversionException("must not be negative: " + value);
    try {
      return ConfigFactory.parseString("r = \"" + value.replace("\"", "") + "\"").getBytes("r");
    } catch (ConfigException e) {
      throw new TypeConversionException("not a rate: " + value + " (bytes per second, e.g. 10MiB, 512KiB, 1048576,"
          + " or off)");
    }
  }
}
