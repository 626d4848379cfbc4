package io.cfs.repl.admin.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cfs.repl.model.entry.InvalidEntryException;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The JSON batch: body of {@code POST /journal/entries} with Content-Type application/json.
 * <pre>
 * {"entries":[{"originSite":"site-a","shard":1,"seq":1,"hlc":123,"op":"WRITE","inodeId":5,"schemaVersion":1,
 *              "payload":"&lt;base64&gt;","crc":-12345}]}
 * </pre>
 * Every field is required except {@code crc}: when present it is checked (as a signed or an unsigned 32-bit
 * number), when absent it is computed. Unknown fields and numbers in strings are refused, so a typo cannot turn
 * into a silently different entry.
 */
public final class JsonBatch {
  record Body(List<Entry> entries) {
  }

  record Entry(String originSite, Integer shard, Long seq, Long hlc, String op, Long inodeId, Integer schemaVersion,
               String payload, Long crc) {
    static Entry of(JournalEntry e) {
      return new Entry(e.originSite(), e.shard(), e.seq(), e.hlc(), e.op().name(), e.inodeId(), e.schemaVersion(),
          Base64.getEncoder().encodeToString(e.payload()), (long) e.crc());
    }
  }

  private JsonBatch() {
  }

  public static byte[] encode(List<JournalEntry> entries) {
    return IngestJson.write(new Body(entries.stream().map(Entry::of).toList()));
  }

  /** Decodes a whole batch, or throws an {@link IngestRejection} naming the first entry it cannot take. */
  public static List<JournalEntry> decode(byte[] json, int maxEntries) {
    Body body;
    try {
      body = IngestJson.MAPPER.readValue(json, Body.class);
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw IngestRejection.malformed("not a JSON batch: " + e.getOriginalMessage() + at, null, null);
    } catch (IOException e) {
      // reading from memory, so this is about the bytes: e.g. a first byte that makes Jackson read UTF-32
      throw IngestRejection.malformed("not a JSON batch: " + e.getMessage(), null, null);
    }
    if (body == null || body.entries() == null) {
      throw IngestRejection.malformed("a JSON batch is {\"entries\":[...]}", null, null);
    }
    List<Entry> in = body.entries();
    if (in.size() > maxEntries) {
      Entry first = in.get(0);
      throw IngestRejection.batchTooLarge(in.size(), maxEntries, first == null ? null : first.shard(),
          first == null ? null : first.seq());
    }
    List<JournalEntry> entries = new ArrayList<>(in.size());
    for (int i = 0; i < in.size(); i++) entries.add(toEntry(in.get(i), i));
    return entries;
  }

  private static JournalEntry toEntry(Entry e, int index) {
    if (e == null) throw IngestRejection.malformed("entry " + index + " is null", null, null);
    String missing = e.originSite() == null ? "originSite" : e.shard() == null ? "shard" : e.seq() == null ? "seq"
        : e.hlc() == null ? "hlc" : e.op() == null ? "op" : e.inodeId() == null ? "inodeId"
        : e.schemaVersion() == null ? "schemaVersion" : e.payload() == null ? "payload" : null;
    if (missing != null) {
      throw IngestRejection.malformed("entry " + index + " has no " + missing, e.shard(), e.seq());
    }
    JournalEntry entry;
    try {
      entry = JournalEntry.of(e.originSite(), e.shard(), e.seq(), e.hlc(), op(e.op()), e.inodeId(),
          e.schemaVersion(), Base64.getDecoder().decode(e.payload()));
    } catch (IllegalArgumentException invalid) { // InvalidEntryException, or bad base64
      throw IngestRejection.malformed("entry " + index + ": " + invalid.getMessage(), e.shard(), e.seq());
    }
    if (e.crc() != null) {
      long crc = e.crc();
      if (crc < Integer.MIN_VALUE || crc > 0xFFFF_FFFFL) {
        throw IngestRejection.malformed("entry " + index + ": crc " + crc + " is not a 32-bit number", e.shard(),
            e.seq());
      }
      if ((int) crc != entry.crc()) {
        throw IngestRejection.badCrc(e.shard(), e.seq(), String.format(
            "entry %d: bad crc for %s shard %d seq %d: expected %08x, got %08x", index, e.originSite(), e.shard(),
            e.seq(), entry.crc(), (int) crc));
      }
    }
    return entry;
  }

  private static Op op(String name) {
    try {
      return Op.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidEntryException("unknown op " + name);
    }
  }
}
