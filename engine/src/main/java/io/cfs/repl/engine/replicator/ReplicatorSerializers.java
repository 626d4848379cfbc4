package io.cfs.repl.engine.replicator;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.cfs.repl.transport.kryo.BoundedInput;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * Explicit, versioned Kryo layouts for what the replicator persists (events and snapshots). Each layout starts with
 * a version byte; a new layout gets a new version and the reader keeps accepting the old ones. Golden-bytes tests
 * pin every layout so a change that would break stored data fails the build.
 */
public final class ReplicatorSerializers {
  private static final int V1 = 1;
  /** The state's layout since the throttle: version 1 followed by whether an operator set one, and its value. */
  private static final int V2 = 2;
  /** The state's layout since snapshot resync: version 2's fields followed by the resync ({@link ResyncSerializers}). */
  private static final int V3 = 3;
  /** Since peers are reloaded: version 3's fields followed by whether the peer was removed. */
  private static final int V4 = 4;

  private ReplicatorSerializers() {
  }

  static void writeCursors(Output out, Map<Integer, Long> cursors) {
    out.writeVarInt(cursors.size(), true);
    cursors.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      out.writeVarInt(e.getKey(), true);
      out.writeVarLong(e.getValue(), true);
    });
  }

  static Map<Integer, Long> readCursors(Input in) {
    // checked before sizing the map: these classes are registered, so any peer can send them (then refused by type)
    int n = BoundedInput.requireCount(in, in.readVarInt(true));
    Map<Integer, Long> cursors = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      cursors.put(in.readVarInt(true), in.readVarLong(true));
    }
    return cursors;
  }

  static void writeStopped(Output out, StoppedShard s) {
    out.writeVarInt(s.shard(), true);
    out.writeVarLong(s.expectedSeq(), true);
    out.writeVarLong(s.receivedSeq(), true);
    out.writeLong(s.atMillis());
  }

  static StoppedShard readStopped(Input in) {
    return new StoppedShard(in.readVarInt(true), in.readVarLong(true), in.readVarLong(true), in.readLong());
  }

  static void expectVersion(Input in, String what) {
    readVersion(in, what, V1);
  }

  /** The layout version read, at most {@code newest}. */
  static int readVersion(Input in, String what, int newest) {
    int version = in.readByte();
    if (version < V1 || version > newest) throw new KryoException("unsupported " + what + " layout version " + version);
    return version;
  }

  public static final class CursorsAdvancedSerializer extends Serializer<ReplicatorEvent.CursorsAdvanced> {
    @Override
    public void write(Kryo kryo, Output out, ReplicatorEvent.CursorsAdvanced e) {
      out.writeByte(V1);
      writeCursors(out, e.cursors());
    }

    @Override
    public ReplicatorEvent.CursorsAdvanced read(Kryo kryo, Input in,
                                                Class<? extends ReplicatorEvent.CursorsAdvanced> type) {
      expectVersion(in, "CursorsAdvanced");
      return new ReplicatorEvent.CursorsAdvanced(readCursors(in));
    }
  }

  public static final class ShardStoppedSerializer extends Serializer<ReplicatorEvent.ShardStopped> {
    @Override
    public void write(Kryo kryo, Output out, ReplicatorEvent.ShardStopped e) {
      out.writeByte(V1);
      writeStopped(out, e.stopped());
    }

    @Override
    public ReplicatorEvent.ShardStopped read(Kryo kryo, Input in, Class<? extends ReplicatorEvent.ShardStopped> t) {
      expectVersion(in, "ShardStopped");
      return new ReplicatorEvent.ShardStopped(readStopped(in));
    }
  }

  /**
   * The layout of events that carry only when they happened (a pause, a resume, a peer removed or added back): version
   * 1, then the time.
   */
  abstract static class TimeOnlySerializer<E extends ReplicatorEvent> extends Serializer<E> {
    private final String what;
    private final ToLongFunction<E> at;
    private final LongFunction<E> create;

    TimeOnlySerializer(String what, ToLongFunction<E> at, LongFunction<E> create) {
      this.what = what;
      this.at = at;
      this.create = create;
    }

    @Override
    public void write(Kryo kryo, Output out, E e) {
      out.writeByte(V1);
      out.writeLong(at.applyAsLong(e));
    }

    @Override
    public E read(Kryo kryo, Input in, Class<? extends E> type) {
      expectVersion(in, what);
      return create.apply(in.readLong());
    }
  }

  public static final class LinkPausedSerializer extends TimeOnlySerializer<ReplicatorEvent.LinkPaused> {
    public LinkPausedSerializer() {
      super("LinkPaused", ReplicatorEvent.LinkPaused::atMillis, ReplicatorEvent.LinkPaused::new);
    }
  }

  public static final class LinkResumedSerializer extends TimeOnlySerializer<ReplicatorEvent.LinkResumed> {
    public LinkResumedSerializer() {
      super("LinkResumed", ReplicatorEvent.LinkResumed::atMillis, ReplicatorEvent.LinkResumed::new);
    }
  }

  public static final class PeerRemovedSerializer extends TimeOnlySerializer<ReplicatorEvent.PeerRemoved> {
    public PeerRemovedSerializer() {
      super("PeerRemoved", ReplicatorEvent.PeerRemoved::atMillis, ReplicatorEvent.PeerRemoved::new);
    }
  }

  public static final class PeerRejoinedSerializer extends TimeOnlySerializer<ReplicatorEvent.PeerRejoined> {
    public PeerRejoinedSerializer() {
      super("PeerRejoined", ReplicatorEvent.PeerRejoined::atMillis, ReplicatorEvent.PeerRejoined::new);
    }
  }

  public static final class ThrottleChangedSerializer extends Serializer<ReplicatorEvent.ThrottleChanged> {
    @Override
    public void write(Kryo kryo, Output out, ReplicatorEvent.ThrottleChanged e) {
      out.writeByte(V1);
      out.writeVarLong(e.bytesPerSecond(), true);
      out.writeLong(e.atMillis());
    }

    @Override
    public ReplicatorEvent.ThrottleChanged read(Kryo kryo, Input in,
                                                Class<? extends ReplicatorEvent.ThrottleChanged> t) {
      expectVersion(in, "ThrottleChanged");
      return new ReplicatorEvent.ThrottleChanged(in.readVarLong(true), in.readLong());
    }
  }

  public static final class StateSerializer extends Serializer<ReplicatorState> {
    @Override
    public void write(Kryo kryo, Output out, ReplicatorState s) {
      out.writeByte(V4);
      writeCursors(out, s.cursors());
      out.writeBoolean(s.paused());
      out.writeVarInt(s.stopped().size(), true);
      s.stopped().values().forEach(stopped -> writeStopped(out, stopped));
      out.writeBoolean(s.throttle() != null);
      if (s.throttle() != null) out.writeVarLong(s.throttle(), true);
      ResyncSerializers.writeResync(out, s.resync());
      out.writeBoolean(s.removed());
    }

    @Override
    public ReplicatorState read(Kryo kryo, Input in, Class<? extends ReplicatorState> type) {
      int version = readVersion(in, "ReplicatorState", V4);
      Map<Integer, Long> cursors = readCursors(in);
      boolean paused = in.readBoolean();
      int n = in.readVarInt(true);
      Map<Integer, StoppedShard> stopped = new HashMap<>();
      for (int i = 0; i < n; i++) {
        StoppedShard s = readStopped(in);
        stopped.put(s.shard(), s);
      }
      Long throttle = version >= V2 && in.readBoolean() ? in.readVarLong(true) : null;
      Resync resync = version >= V3 ? ResyncSerializers.readResync(in) : null;
      boolean removed = version >= V4 && in.readBoolean();
      return new ReplicatorState(cursors, paused, stopped, throttle, resync, removed);
    }
  }
}
