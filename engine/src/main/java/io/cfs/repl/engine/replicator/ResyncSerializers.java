package io.cfs.repl.engine.replicator;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.cfs.repl.persistence.store.OriginMarks;
import io.cfs.repl.transport.kryo.BoundedInput;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Explicit, versioned Kryo layouts of the resync events and of the resync in a state snapshot, as
 * {@link ReplicatorSerializers} does for the others (each layout starts with its version byte).
 */
public final class ResyncSerializers {
  private static final int V1 = 1;

  private ResyncSerializers() {
  }

  static void writeMarks(Output out, Map<String, OriginMarks> marks) {
    out.writeVarInt(marks.size(), true);
    new TreeMap<>(marks).forEach((site, m) -> {
      out.writeString(site);
      out.writeBoolean(m.incarnation().isPresent());
      m.incarnation().ifPresent(id -> {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
      });
      ReplicatorSerializers.writeCursors(out, m.watermarks());
    });
  }

  static Map<String, OriginMarks> readMarks(Input in) {
    int n = BoundedInput.requireCount(in, in.readVarInt(true));
    Map<String, OriginMarks> marks = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String site = in.readString();
      Optional<UUID> incarnation = in.readBoolean() ? Optional.of(new UUID(in.readLong(), in.readLong()))
          : Optional.empty();
      marks.put(site, new OriginMarks(incarnation, ReplicatorSerializers.readCursors(in)));
    }
    return marks;
  }

  /** A state's resync: present or not, then its reason, since, and run (present or not). */
  static void writeResync(Output out, Resync resync) {
    out.writeBoolean(resync != null);
    if (resync == null) return;
    out.writeString(resync.reason());
    out.writeLong(resync.sinceMillis());
    Resync.Run run = resync.run();
    out.writeBoolean(run != null);
    if (run == null) return;
    out.writeVarLong(run.id(), true);
    writeMarks(out, run.marks());
    out.writeBoolean(run.anyAcked());
    out.writeLong(run.lastInodeId());
    out.writeVarLong(run.values(), true);
    out.writeVarLong(run.bytes(), true);
    out.writeLong(run.startedMillis());
  }

  static Resync readResync(Input in) {
    if (!in.readBoolean()) return null;
    String reason = in.readString();
    long since = in.readLong();
    if (!in.readBoolean()) return new Resync(reason, since, null);
    return new Resync(reason, since, new Resync.Run(in.readVarLong(true), readMarks(in), in.readBoolean(),
        in.readLong(), in.readVarLong(true), in.readVarLong(true), in.readLong()));
  }

  public static final class NeededSerializer extends Serializer<ReplicatorEvent.ResyncNeeded> {
    @Override
    public void write(Kryo kryo, Output out, ReplicatorEvent.ResyncNeeded e) {
      out.writeByte(V1);
      out.writeString(e.reason());
      out.writeLong(e.atMillis());
    }

    @Override
    public ReplicatorEvent.ResyncNeeded read(Kryo kryo, Input in, Class<? extends ReplicatorEvent.ResyncNeeded> t) {
      ReplicatorSerializers.expectVersion(in, "ResyncNeeded");
      return new ReplicatorEvent.ResyncNeeded(in.readString(), in.readLong());
    }
  }

  public static final class StartedSerializer extends Serializer<ReplicatorEvent.ResyncStarted> {
    @Override
    public void write(Kryo kryo, Output out, ReplicatorEvent.ResyncStarted e) {
      out.writeByte(V1);
      out.writeVarLong(e.resyncId(), true);
      writeMarks(out, e.marks());
      out.writeLong(e.atMillis());
    }

    @Override
    public ReplicatorEvent.ResyncStarted read(Kryo kryo, Input in,
                                              Class<? extends ReplicatorEvent.ResyncStarted> t) {
      ReplicatorSerializers.expectVersion(in, "ResyncStarted");
      return new ReplicatorEvent.ResyncStarted(in.readVarLong(true), readMarks(in), in.readLong());
    }
  }

  public static final class ProgressedSerializer extends Serializer<ReplicatorEvent.ResyncProgressed> {
    @Override
    public void write(Kryo kryo, Output out, ReplicatorEvent.ResyncProgressed e) {
      out.writeByte(V1);
      out.writeVarLong(e.resyncId(), true);
      out.writeLong(e.lastInodeId());
      out.writeVarLong(e.values(), true);
      out.writeVarLong(e.bytes(), true);
    }

    @Override
    public ReplicatorEvent.ResyncProgressed read(Kryo kryo, Input in,
                                                 Class<? extends ReplicatorEvent.ResyncProgressed> t) {
      ReplicatorSerializers.expectVersion(in, "ResyncProgressed");
      return new ReplicatorEvent.ResyncProgressed(in.readVarLong(true), in.readLong(), in.readVarLong(true),
          in.readVarLong(true));
    }
  }

  public static final class FinishedSerializer extends Serializer<ReplicatorEvent.ResyncFinished> {
    @Override
    public void write(Kryo kryo, Output out, ReplicatorEvent.ResyncFinished e) {
      out.writeByte(V1);
      out.writeVarLong(e.resyncId(), true);
      ReplicatorSerializers.writeCursors(out, e.cursors());
      out.writeLong(e.atMillis());
    }

    @Override
    public ReplicatorEvent.ResyncFinished read(Kryo kryo, Input in,
                                               Class<? extends ReplicatorEvent.ResyncFinished> t) {
      ReplicatorSerializers.expectVersion(in, "ResyncFinished");
      return new ReplicatorEvent.ResyncFinished(in.readVarLong(true), ReplicatorSerializers.readCursors(in),
          in.readLong());
    }
  }
}
