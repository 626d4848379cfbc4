package io.cfs.repl.model.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.cfs.repl.model.entry.InvalidEntryException;
import io.cfs.repl.model.entry.Seen;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Seen} vector on the wire: a var int count, then per site its id and its seq (unsigned var long). The count
 * is checked against {@link Seen#MAX_SITES} before anything is sized by it; a site named twice is refused.
 */
public final class SeenSerializer extends Serializer<Seen> {
  public SeenSerializer() {
    setImmutable(true);
  }

  @Override
  public void write(Kryo kryo, Output out, Seen seen) {
    writeSeen(out, seen);
  }

  @Override
  public Seen read(Kryo kryo, Input in, Class<? extends Seen> type) {
    return readSeen(in);
  }

  static void writeSeen(Output out, Seen seen) {
    Map<String, Long> components = seen.asMap();
    out.writeVarInt(components.size(), true);
    components.forEach((site, seq) -> {
      out.writeString(site);
      out.writeVarLong(seq, true);
    });
  }

  static Seen readSeen(Input in) {
    int count = in.readVarInt(true);
    if (count > Seen.MAX_SITES) throw new KryoException("seen vector of " + count + " sites");
    Map<String, Long> seen = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      String site = in.readString();
      if (site == null || seen.put(site, in.readVarLong(true)) != null) {
        throw new KryoException("seen vector with a missing or repeated site");
      }
    }
    try {
      return Seen.of(seen);
    } catch (InvalidEntryException e) {
      throw new KryoException("invalid seen vector: " + e.getMessage(), e);
    }
  }
}
