package io.cfs.repl.transport.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KryoCodecTest {
  enum Op { CREATE, UNLINK, SETATTR }

  record Entry(long seq, Op op, byte[] payload) {}

  record Batch(String origin, List<Entry> entries, Map<String, Long> cursors, Set<Op> ops, long[] seqs,
      List<String> empty, Map<String, Integer> emptyMap, Set<String> emptySet) {}

  record Mutable(ArrayList<String> list, HashMap<String, Integer> map, TreeMap<Long, String> sorted) {}

  record Unregistered(String why) {}

  private static final Class<?> SUB_LIST = List.of(1, 2, 3).subList(0, 2).getClass();

  record Wrapper(Object inner) {}

  private final KryoCodec codec = KryoCodec.create(List.of(
      new KryoRegistration(Op.class, 100),
      new KryoRegistration(Entry.class, 101),
      new KryoRegistration(Batch.class, 102),
      new KryoRegistration(Mutable.class, 103),
      new KryoRegistration(Wrapper.class, 104)));

  @Test
  void recordsWithNestedImmutableCollectionsEnumsAndArraysRoundTrip() {
    Map<String, Long> manyCursors = new HashMap<>();
    IntStream.range(0, 20).forEach(i -> manyCursors.put("site-" + i, (long) i));
    Batch batch = new Batch("site-a",
        List.of(new Entry(1, Op.CREATE, new byte[] {1, 2, 3}), new Entry(2, Op.UNLINK, new byte[0]),
            new Entry(3, Op.SETATTR, new byte[] {-1})),
        Map.copyOf(manyCursors), Set.of(Op.CREATE, Op.UNLINK), new long[] {1, 2, 3},
        List.of(), Map.of(), Set.of());

    Batch back = (Batch) codec.decode(codec.encode(batch));

    assertEquals(batch.origin(), back.origin());
    assertEquals(batch.cursors(), back.cursors());
    assertEquals(batch.ops(), back.ops());
    assertArrayEquals(batch.seqs(), back.seqs());
    assertEquals(3, back.entries().size());
    for (int i = 0; i < 3; i++) {
      assertEquals(batch.entries().get(i).seq(), back.entries().get(i).seq());
      assertEquals(batch.entries().get(i).op(), back.entries().get(i).op());
      assertArrayEquals(batch.entries().get(i).payload(), back.entries().get(i).payload());
    }
    assertEquals(List.of(), back.empty());
    assertEquals(Map.of(), back.emptyMap());
    assertEquals(Set.of(), back.emptySet());
    // Rebuilt through the JDK factories, so still immutable.
    assertThrows(UnsupportedOperationException.class, () -> back.entries().add(null));
    assertThrows(UnsupportedOperationException.class, () -> back.cursors().put("x", 1L));
  }

  @Test
  void everyBuiltInClassRoundTrips() {
    List<Object> values = List.of(
        new byte[] {1, -1}, new int[] {1, 2}, new long[] {Long.MAX_VALUE}, new String[] {"a", "b"},
        new ArrayList<>(List.of(1)), new HashMap<>(Map.of("k", 1)), new TreeMap<>(Map.of(2, "b", 1, "a")),
        new LinkedHashMap<>(Map.of("k", 1)), new HashSet<>(Set.of(1)), new TreeSet<>(Set.of(2, 1)),
        new LinkedHashSet<>(List.of(3, 1, 2)),
        List.of(), List.of("a"), List.of("a", "b"), List.of("a", "b", "c"), List.copyOf(new ArrayList<>(List.of(1, 2))),
        IntStream.range(0, 5).boxed().toList(), List.of(1, 2, 3, 4).subList(1, 3), Set.of(), Set.of(1), Set.of(1, 2),
        Set.of(1, 2, 3), Map.of(), Map.of("k", 1), Map.of("k", 1, "l", 2), Map.copyOf(Map.of("k", 1)),
        Collections.emptyList(), Collections.emptySet(), Collections.emptyMap(), Collections.singletonList(1),
        Collections.singleton(1), Collections.singletonMap("k", 1),
        Instant.ofEpochSecond(1_700_000_000L, 123), Duration.ofMillis(1500), UUID.randomUUID(), Optional.of("x"),
        Optional.empty());
    for (Object value : values) {
      Object back = codec.decode(codec.encode(value));
      assertTrue(Objects.deepEquals(value, back), value.getClass().getName() + ": " + back);
      // A sub-list of List.of comes back as the List.of list of its elements.
      Class<?> expected = value.getClass() == SUB_LIST ? List.copyOf((List<?>) value).getClass() : value.getClass();
      assertEquals(expected, back.getClass());
    }
    assertEquals(BuiltInRegistrations.all().stream().map(KryoRegistration::type).collect(Collectors.toSet()),
        values.stream().map(Object::getClass).collect(Collectors.toSet()), "every built-in class is tested");
  }

  @Test
  void mutableCollectionsRoundTrip() {
    TreeMap<Long, String> sorted = new TreeMap<>(Map.of(3L, "c", 1L, "a"));
    Mutable value = new Mutable(new ArrayList<>(List.of("x", "y")), new HashMap<>(Map.of("k", 1)), sorted);

    Mutable back = (Mutable) codec.decode(codec.encodeToByteString(value));

    assertEquals(value, back);
    assertEquals(List.of(1L, 3L), new ArrayList<>(back.sorted().keySet()));
  }

  @Test
  void unregisteredClassIsRefusedWithAHint() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> codec.encode(new Unregistered("nobody registered me")));
    assertTrue(e.getMessage().contains(Unregistered.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("cfs-repl.kryo.registrations"), e.getMessage());
  }

  @Test
  void unregisteredClassInsideARegisteredOneIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> codec.encode(new Wrapper(new Unregistered("deep"))));
    assertTrue(e.getMessage().contains(Unregistered.class.getName()), e.getMessage());
  }

  @Test
  void idClashIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KryoCodec.create(List.of(
        new KryoRegistration(Entry.class, 100), new KryoRegistration(Batch.class, 100))));
    assertTrue(e.getMessage().contains("Kryo id 100 is registered twice")
        && e.getMessage().contains(Entry.class.getName()) && e.getMessage().contains(Batch.class.getName()),
        e.getMessage());
  }

  @Test
  void sameClassTwiceIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KryoCodec.create(List.of(
        new KryoRegistration(Entry.class, 100), new KryoRegistration(Entry.class, 101))));
    assertTrue(e.getMessage().contains(Entry.class.getName() + " is registered twice"), e.getMessage());
  }

  @Test
  void reservedIdIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KryoCodec.create(List.of(new KryoRegistration(Entry.class, 42))));
    assertTrue(e.getMessage().contains("reserved"), e.getMessage());
  }

  @Test
  void bytesOfAClassThisCodecDoesNotKnowAreRefused() {
    byte[] bytes = codec.encode(new Wrapper("hello"));
    KryoCodec other = KryoCodec.create(List.of(new KryoRegistration(Entry.class, 101)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.decode(bytes));
    assertTrue(e.getMessage().contains("unregistered class ID"), e.getMessage());
  }

  @Test
  void trailingBytesAreRefused() {
    byte[] bytes = codec.encode("hello");
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(IllegalArgumentException.class, () -> codec.decode(longer));
  }

  @Test
  void isSafeToShareBetweenThreads() {
    List<Integer> failures = IntStream.range(0, 5_000).parallel()
        .filter(i -> {
          Entry entry = new Entry(i, Op.values()[i % 3], new byte[i % 100]);
          Entry back = (Entry) codec.decode(codec.encode(entry));
          return back.seq() != i || back.op() != entry.op() || back.payload().length != i % 100;
        })
        .boxed().toList();
    assertEquals(List.of(), failures);
  }
}
