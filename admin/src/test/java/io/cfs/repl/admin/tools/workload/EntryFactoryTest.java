package io.cfs.repl.admin.tools.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EntryFactoryTest {
  private static final Pattern RECORD = Pattern.compile("\\{\"ino\":(\\d+),\"op\":\"([A-Z]+)\",\"mode\":33188,"
      + "\"uid\":1000,\"gid\":1000,\"size\":(\\d+),\"mtime\":(\\d+),\"name\":\"f(\\d+)\"}");

  @Test
  void payloadsAreTheInodeRecordRepeatedToSize() {
    EntryFactory factory = new EntryFactory(new EntryShape("site-a", 8, 1, 1_000_000_000_000L, 300, 7), s -> 0);
    for (JournalEntry e : factory.next(500)) {
      String payload = new String(e.payload(), StandardCharsets.UTF_8);
      assertEquals(300, e.payload().length);
      Matcher m = RECORD.matcher(payload);
      assertTrue(m.lookingAt(), payload);
      assertEquals(e.inodeId(), Long.parseLong(m.group(1)));
      assertEquals(e.op().name(), m.group(2));
      assertTrue(Long.parseLong(m.group(3)) < 1 << 20);
      assertEquals(e.inodeId(), Long.parseLong(m.group(5)));
      String record = m.group();
      assertEquals(record.repeat(300 / record.length() + 1).substring(0, 300), payload);
    }
  }

  @Test
  void seqsAreDensePerShardFromTheJournalHeads() {
    EntryFactory factory = new EntryFactory(new EntryShape("site-a", 4, 1, 1000, 16, 3), s -> 10L * s);
    Map<Integer, Long> last = new HashMap<>();
    List<JournalEntry> entries = factory.next(1000);
    for (JournalEntry e : entries) {
      assertEquals(e.inodeId() % 4, e.shard());
      assertEquals(last.getOrDefault(e.shard(), 10L * e.shard()) + 1, e.seq());
      last.put(e.shard(), e.seq());
    }
  }
}
