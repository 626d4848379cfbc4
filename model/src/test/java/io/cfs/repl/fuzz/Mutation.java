package io.cfs.repl.fuzz;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * One edit of an encoding, as a decoder under fuzzing meets it from a broken or hostile peer. Positions are taken
 * modulo the input's length, so any generated edit applies to any input and a shrunk one still reads as an edit of
 * the failing input; the records' {@code toString} is what jqwik reports for a failing case.
 */
public sealed interface Mutation {
  /** Values of length and count fields that have broken decoders: signed and unsigned extremes, off-by-ones. */
  int[] EXTREME_INTS = {0x7fffffff, 0x80000000, 0xffffffff, 0x7ffffffe, 0x80000001, 0, 1, 2, 0xff, 0x100, 0x7fff,
      0x8000, 0xffff, 0x10000, 0x00ffffff, 0x01000000, 0x3fffffff, 0x40000000};

  byte[] apply(byte[] input);

  /** Any edit, weighted towards the ones that reach length fields. */
  static Arbitrary<Mutation> any() {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, Integer.MAX_VALUE);
    Arbitrary<Integer> span = Arbitraries.integers().between(1, 64);
    return Arbitraries.frequencyOf(
        Tuple.of(3, Combinators.combine(at, Arbitraries.integers().between(1, 255)).as(FlipBits::new)),
        Tuple.of(2, Combinators.combine(at, Arbitraries.bytes()).as(SetByte::new)),
        Tuple.of(2, at.map(Truncate::new)),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64).map(Extend::new)),
        Tuple.of(3, Combinators.combine(at, extremeOrAnyInt()).as(OverwriteInt::new)),
        Tuple.of(2, Combinators.combine(at, extremeOrAnyInt()).as(OverwriteShort::new)),
        Tuple.of(2, Combinators.combine(at, extremeOrAnyInt()).as(SpliceVarInt::new)),
        Tuple.of(1, Combinators.combine(at, span, at).as(Duplicate::new)),
        Tuple.of(1, Combinators.combine(at, span).as(Delete::new)));
  }

  static Arbitrary<Integer> extremeOrAnyInt() {
    Integer[] extremes = Arrays.stream(EXTREME_INTS).boxed().toArray(Integer[]::new);
    return Arbitraries.oneOf(Arbitraries.of(extremes), Arbitraries.integers());
  }

  /** XORs one byte with a non-zero mask. */
  record FlipBits(int at, int mask) implements Mutation {
    @Override
    public byte[] apply(byte[] input) {
      if (input.length == 0) return input;
      byte[] out = input.clone();
      out[at % out.length] ^= (byte) mask;
      return out;
    }
  }

  record SetByte(int at, byte value) implements Mutation {
    @Override
    public byte[] apply(byte[] input) {
      if (input.length == 0) return input;
      byte[] out = input.clone();
      out[at % out.length] = value;
      return out;
    }
  }

  /** Keeps the first {@code keep mod (length + 1)} bytes. */
  record Truncate(int keep) implements Mutation {
    @Override
    public byte[] apply(byte[] input) {
      return Arrays.copyOf(input, keep % (input.length + 1));
    }
  }

  record Extend(byte[] tail) implements Mutation {
    @Override
    public byte[] apply(byte[] input) {
      byte[] out = Arrays.copyOf(input, input.length + tail.length);
      System.arraycopy(tail, 0, out, input.length, tail.length);
      return out;
    }

    @Override
    public String toString() {
      return "Extend[tail=" + Arrays.toString(tail) + "]";
    }
  }

  /** Writes a big-endian int32 (the layout of every fixed-size length field here); bytes past the end are dropped. */
  record OverwriteInt(int at, int value) implements Mutation {
    @Override
    public byte[] apply(byte[] input) {
      return overwrite(input, at, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8),
          (byte) value});
    }
  }

  /** Writes a big-endian uint16 (the layout of string lengths). */
  record OverwriteShort(int at, int value) implements Mutation {
    @Override
    public byte[] apply(byte[] input) {
      return overwrite(input, at, new byte[] {(byte) (value >>> 8), (byte) value});
    }
  }

  /** Replaces one byte with a Kryo-style unsigned varint (7 bits a byte, low first), the layout of Kryo lengths. */
  record SpliceVarInt(int at, int value) implements Mutation {
    @Override
    public byte[] apply(byte[] input) {
      byte[] varint = new byte[5];
      int n = 0;
      int v = value;
      while ((v & ~0x7f) != 0) {
        varint[n++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      varint[n++] = (byte) v;
      int pos = input.length == 0 ? 0 : at % input.length;
      int removed = input.length == 0 ? 0 : 1;
      byte[] out = new byte[input.length - removed + n];
      System.arraycopy(input, 0, out, 0, pos);
      System.arraycopy(varint, 0, out, pos, n);
      System.arraycopy(input, pos + removed, out, pos + n, input.length - pos - removed);
      return out;
    }
  }

  /** Inserts a copy of a section elsewhere: a repeated field, entry or element. */
  record Duplicate(int from, int length, int at) implements Mutation {
    @Override
    public byte[] apply(byte[] input) {
      if (input.length == 0) return input;
      int start = from % input.length;
      int n = Math.min(length, input.length - start);
      int pos = at % (input.length + 1);
      byte[] out = new byte[input.length + n];
      System.arraycopy(input, 0, out, 0, pos);
      System.arraycopy(input, start, out, pos, n);
      System.arraycopy(input, pos, out, pos + n, input.length - pos);
      return out;
    }
  }

  record Delete(int from, int length) implements Mutation {
    @Override
    public byte[] apply(byte[] input) {
      if (input.length == 0) return input;
      int start = from % input.length;
      int n = Math.min(length, input.length - start);
      byte[] out = new byte[input.length - n];
      System.arraycopy(input, 0, out, 0, start);
      System.arraycopy(input, start + n, out, start, input.length - start - n);
      return out;
    }
  }

  private static byte[] overwrite(byte[] input, int at, byte[] bytes) {
    if (input.length == 0) return input;
    byte[] out = input.clone();
    int pos = at % out.length;
    System.arraycopy(bytes, 0, out, pos, Math.min(bytes.length, out.length - pos));
    return out;
  }
}
