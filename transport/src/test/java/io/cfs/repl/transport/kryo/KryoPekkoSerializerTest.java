package io.cfs.repl.transport.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LogCapturingExtension.class)
class KryoPekkoSerializerTest {
  record Ping(String text, List<Integer> values, Token token, List<ActorRef<String>> watchers,
      ActorRef<String> replyTo) {}

  /** Has no no-arg constructor, so only its configured serializer can read it back. */
  record Token(String value) {
    Token {
      if (!value.startsWith("t-")) {
        throw new IllegalArgumentException("not a token: " + value);
      }
    }
  }

  public static final class TokenSerializer extends Serializer<Token> {
    public TokenSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Token token) {
      output.writeString(token.value().substring(2));
    }

    @Override
    public Token read(Kryo kryo, Input input, Class<? extends Token> type) {
      return new Token("t-" + input.readString());
    }
  }

  private static final String PREFIX = KryoPekkoSerializerTest.class.getName();
  private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("""
      pekko.actor {
        serializers.kryo = "io.cfs.repl.transport.kryo.KryoPekkoSerializer"
        serialization-bindings { "%1$s$Ping" = kryo }
      }
      cfs-repl.kryo.registrations {
        "%1$s$Ping" = 100
        "%1$s$Token" { id = 101, serializer = "%1$s$TokenSerializer" }
      }
      """.formatted(PREFIX)));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void messageWithActorRefsRoundTripsAndTheRefStillWorks() {
    TestProbe<String> replyTo = testKit.createTestProbe();
    TestProbe<String> watcher = testKit.createTestProbe();
    Ping ping = new Ping("hello", List.of(1, 2, 3), new Token("t-42"), List.of(watcher.getRef()), replyTo.getRef());
    Serialization serialization = SerializationExtension.get(testKit.system());

    org.apache.pekko.serialization.Serializer serializer = serialization.findSerializerFor(ping);
    assertInstanceOf(KryoPekkoSerializer.class, serializer);
    assertEquals(KryoPekkoSerializer.IDENTIFIER, serializer.identifier());
    byte[] bytes = serialization.serialize(ping).get();
    Ping back = (Ping) serialization.deserialize(bytes, serializer.identifier(), "").get();

    assertEquals(ping, back);
    back.replyTo().tell("pong");
    replyTo.expectMessage("pong");
    back.watchers().get(0).tell("seen");
    watcher.expectMessage("seen");
  }
}
