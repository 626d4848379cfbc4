package io.cfs.repl.transport.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.transport.kryo.KryoPekkoSerializerTest.Token;
import java.util.List;
import org.junit.jupiter.api.Test;

class KryoRegistrationsTest {
  record Point(int x, int y) {}

  private static final String TEST = KryoRegistrationsTest.class.getName();
  private static final String SERIALIZER_TEST = KryoPekkoSerializerTest.class.getName();

  @Test
  void codecFromConfigKnowsTheConfiguredClasses() {
    KryoCodec codec = KryoRegistrations.fromConfig(config("""
        "%s$Point" = 100
        "%s$Token" { id = 101, serializer = "%s$TokenSerializer" }
        """.formatted(TEST, SERIALIZER_TEST, SERIALIZER_TEST)));

    Object value = List.of(new Point(1, 2), new Token("t-7"));
    assertEquals(value, codec.decode(codec.encode(value)));
  }

  @Test
  void referenceConfigHasAnEmptyBlock() {
    KryoCodec codec = KryoRegistrations.fromConfig(ConfigFactory.defaultReference());
    assertEquals("built-ins only", codec.decode(codec.encode("built-ins only")));
  }

  @Test
  void unquotedClassNameIsExplained() {
    assertRefused("io.cfs.Point = 100", "must be quoted");
  }

  @Test
  void unknownClassIsNamedWithItsKey() {
    assertRefused("\"io.cfs.NoSuchClass\" = 100", "cfs-repl.kryo.registrations.\"io.cfs.NoSuchClass\": class");
  }

  @Test
  void serializerThatIsNotAKryoSerializerIsRefused() {
    assertRefused("\"%s$Point\" { id = 100, serializer = \"java.lang.String\" }".formatted(TEST),
        "is not a com.esotericsoftware.kryo.Serializer");
  }

  @Test
  void nonIntIdIsRefused() {
    assertRefused("\"%s$Point\" = \"hundred\"".formatted(TEST), "must be an int id");
  }

  @Test
  void reservedIdIsRefused() {
    assertRefused("\"%s$Point\" = 12".formatted(TEST), "reserved");
  }

  private static void assertRefused(String registrations, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KryoRegistrations.fromConfig(config(registrations)));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static com.typesafe.config.Config config(String registrations) {
    return ConfigFactory.parseString("cfs-repl.kryo.registrations {\n" + registrations + "\n}")
        .withFallback(ConfigFactory.defaultReference());
  }
}
