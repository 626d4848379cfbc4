package io.cfs.repl.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.fuzz.Fuzz;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.scaladsl.Framing.FramingException;
import org.apache.pekko.util.ByteString;

/**
 * The length prefix in front of every frame body, split off by the link's framing stage ({@link LinkStages#framing},
 * Pekko's length-field framing): any byte stream, in chunks of any size, splits into bodies that frame back to the
 * same stream, or fails with Pekko's {@link FramingException} (which fails the link) within the time bound. The
 * stage runs on Pekko's threads, where the fuzz worker cannot count allocations; the examples show that a length
 * beyond max-frame-bytes fails the link at once, before any body is buffered.
 */
class LinkFramingFuzzTest {
  private static final LinkSettings SETTINGS = LinkTestSupport.settings("");
  private static ActorSystem<Void> system;

  @BeforeContainer
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "link-framing-fuzz");
  }

  @AfterContainer
  static void stop() {
    system.terminate();
  }

  @Property
  void splitsOrFailsAnyStream(@ForAll("mutatedStreams") byte[] stream, @ForAll @IntRange(min = 1, max = 64) int chunk) {
    List<ByteString> bodies = split(stream, chunk);
    if (bodies != null) {
      ByteString framed = ByteString.emptyByteString();
      for (ByteString body : bodies) framed = framed.concat(prefixed(body));
      assertThat(framed).isEqualTo(ByteString.fromArrayUnsafe(stream));
    }
  }

  /** Lengths of 2^31 - 1, 2^31 and 2^32 - 1 (negative as int32) and one past the limit: each fails the link. */
  @Example
  void refusesLengthsBeyondTheLimitBeforeTheirBodies() {
    for (int length : new int[] {0x7fffffff, 0x80000000, 0xffffffff, SETTINGS.maxFrameBytes() + FrameCodec.HEADER_BYTES
        + 1}) {
      byte[] stream = ByteBuffer.allocate(8).putInt(length).putInt(42).array();
      assertThat(split(stream, 8)).isNull();
    }
  }

  /** The bodies the stage emits, or null if it failed with a FramingException; anything else fails the test. */
  private static List<ByteString> split(byte[] stream, int chunk) {
    List<ByteString> chunks = new ArrayList<>();
    for (int at = 0; at < stream.length; at += chunk) {
      chunks.add(ByteString.fromArray(stream, at, Math.min(chunk, stream.length - at)));
    }
    // the framing's top (outgoing) side gets nothing; its bottom (incoming) side reads the chunks
    Flow<ByteString, ByteString, ?> incoming = LinkStages.framing(SETTINGS)
        .join(Flow.fromSinkAndSource(Sink.ignore(), Source.from(chunks)));
    try {
      return Source.<ByteString>empty().via(incoming).runWith(Sink.seq(), system).toCompletableFuture()
          .get(Fuzz.TIME_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof FramingException) return null;
      throw new AssertionError("the framing stage failed with " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the framing stage did not finish within " + Fuzz.TIME_LIMIT_MILLIS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static ByteString prefixed(ByteString body) {
    return ByteString.fromArrayUnsafe(ByteBuffer.allocate(4).putInt(body.size()).array()).concat(body);
  }

  @Provide
  Arbitrary<byte[]> mutatedStreams() {
    Arbitrary<byte[]> bodies = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> streams = bodies.list().ofMaxSize(4).map(list -> {
      ByteString framed = ByteString.emptyByteString();
      for (byte[] body : list) framed = framed.concat(prefixed(ByteString.fromArrayUnsafe(body)));
      return framed.toArray();
    });
    return Fuzz.mutants(streams);
  }
}
