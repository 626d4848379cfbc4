package io.cfs.repl.model.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JournalEntryTest {
  private final JournalEntry valid = TestEntries.entry("site-a", 3, 7);

  @Test
  void rejectsBadCrc() {
    BadCrcException e = assertThrows(BadCrcException.class, () -> new JournalEntry(valid.originSite(),
        valid.shard(), valid.seq(), valid.hlc(), valid.op(), valid.inodeId(), valid.schemaVersion(),
        valid.payload(), valid.crc() ^ 1));
    assertTrue(e.getMessage().contains("bad crc"), e.getMessage());
  }

  @Test
  void crcCoversThePayload() {
    byte[] changed = valid.payload().clone();
    changed[0] ^= 1;
    assertThrows(InvalidEntryException.class, () -> new JournalEntry(valid.originSite(), valid.shard(), valid.seq(),
        valid.hlc(), valid.op(), valid.inodeId(), valid.schemaVersion(), changed, valid.crc()));
  }

  @Test
  void rejectsNegativeShard() {
    assertThrows(InvalidEntryException.class, () -> JournalEntry.of("site-a", -1, 1, 0, Op.CREATE, 1, 1, new byte[0]));
  }

  @Test
  void rejectsSeqZero() {
    assertThrows(InvalidEntryException.class, () -> JournalEntry.of("site-a", 0, 0, 0, Op.CREATE, 1, 1, new byte[0]));
  }

  @Test
  void rejectsBlankOrOverlongSite() {
    assertThrows(InvalidEntryException.class, () -> JournalEntry.of(" ", 0, 1, 0, Op.CREATE, 1, 1, new byte[0]));
    assertThrows(InvalidEntryException.class, () -> JournalEntry.of(null, 0, 1, 0, Op.CREATE, 1, 1, new byte[0]));
    assertThrows(InvalidEntryException.class,
        () -> JournalEntry.of("s".repeat(JournalEntry.MAX_SITE_ID_LENGTH + 1), 0, 1, 0, Op.CREATE, 1, 1, new byte[0]));
  }

  @Test
  void rejectsNegativeHlc() {
    assertThrows(InvalidEntryException.class, () -> JournalEntry.of("site-a", 0, 1, -1, Op.CREATE, 1, 1, new byte[0]));
  }

  @Test
  void sameContentComparesPayloadBytes() {
    JournalEntry copy = TestEntries.entry("site-a", 3, 7);
    assertTrue(valid.sameContent(copy));
    assertEquals(valid, copy);
  }

  @Test
  void anEntryHasNoEpochUntilStamped() {
    assertEquals(0, valid.epoch());
    JournalEntry stamped = valid.withEpoch(4);
    assertEquals(4, stamped.epoch());
    assertEquals(valid.crc(), stamped.crc(), "the crc does not cover the epoch");
    assertSame(stamped, stamped.withEpoch(4));
    assertEquals(valid, stamped.withEpoch(0));
  }

  @Test
  void theEpochIsNotContentButIsPartOfTheValue() {
    JournalEntry stamped = valid.withEpoch(4);
    assertTrue(valid.sameContent(stamped));
    assertNotEquals(valid, stamped);
    assertEquals(valid.hashCode(), stamped.hashCode());
    assertTrue(stamped.toString().contains("epoch=4"), stamped.toString());
  }

  @Test
  void rejectsNegativeEpoch() {
    assertThrows(InvalidEntryException.class, () -> valid.withEpoch(-1));
  }
}
