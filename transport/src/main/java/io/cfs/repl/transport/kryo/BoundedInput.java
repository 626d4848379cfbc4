package io.cfs.repl.transport.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * The input of one whole encoded message, which refuses any length or element count larger than the bytes left:
 * every element of an array, string, collection or map takes at least one byte, so a larger count is corrupt or
 * hostile, and must be refused before Kryo allocates an array of that size (a varint of 2^31 - 1 in a 10-byte frame
 * would otherwise cost gigabytes). Kryo's own serializers allocate first and find the missing bytes after. A
 * serializer that reads a count itself checks it with {@link #requireCount} before sizing anything by it.
 */
public final class BoundedInput extends Input {
  BoundedInput(byte[] bytes) {
    super(bytes);
  }

  /**
   * The count, if the input has at least that many bytes left.
   *
   * @throws KryoException if it is negative or larger
   */
  public static int requireCount(Input input, int count) {
    if (count < 0 || count > input.limit() - input.position()) {
      throw new KryoException("a count of " + Integer.toUnsignedString(count) + " with "
          + (input.limit() - input.position()) + " bytes left");
    }
    return count;
  }

  @Override
  public byte[] readBytes(int length) {
    return super.readBytes(requireCount(this, length));
  }

  @Override
  public int[] readInts(int length) {
    return super.readInts(requireCount(this, length));
  }

  @Override
  public int[] readInts(int length, boolean optimizePositive) {
    return super.readInts(requireCount(this, length), optimizePositive);
  }

  @Override
  public long[] readLongs(int length) {
    return super.readLongs(requireCount(this, length));
  }

  @Override
  public long[] readLongs(int length, boolean optimizePositive) {
    return super.readLongs(requireCount(this, length), optimizePositive);
  }

  @Override
  public float[] readFloats(int length) {
    return super.readFloats(requireCount(this, length));
  }

  @Override
  public double[] readDoubles(int length) {
    return super.readDoubles(requireCount(this, length));
  }

  @Override
  public short[] readShorts(int length) {
    return super.readShorts(requireCount(this, length));
  }

  @Override
  public char[] readChars(int length) {
    return super.readChars(requireCount(this, length));
  }

  @Override
  public boolean[] readBooleans(int length) {
    return super.readBooleans(requireCount(this, length));
  }

  @Override
  public String readString() {
    requireUtf8CharCount();
    return super.readString();
  }

  @Override
  public StringBuilder readStringBuilder() {
    requireUtf8CharCount();
    return super.readStringBuilder();
  }

  /**
   * Kryo writes a string either as ASCII ended by a high bit (read byte by byte: no length to trust) or as a UTF-8
   * char count, flagged in the first byte, which sizes its char buffer: that count is peeked and checked.
   */
  private void requireUtf8CharCount() {
    if (position == limit || !readVarIntFlag()) return;
    int start = position;
    int charCountPlusOne = readVarIntFlag(true);
    position = start;
    // 0 is null, 1 the empty string; anything else, read as unsigned, is the char count plus one
    if (charCountPlusOne != 0 && charCountPlusOne != 1) requireCount(this, charCountPlusOne - 1);
  }
}
