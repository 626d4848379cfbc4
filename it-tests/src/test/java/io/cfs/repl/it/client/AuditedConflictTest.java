package io.cfs.repl.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A CONFLICT record's attributes, written as the conflict auditor writes them (toString), read back whole. */
class AuditedConflictTest {
  private static final Version LOCAL = new Version(1_700_000_000_000_000_123L, "site-a");
  private static final Version REMOTE = new Version(1_700_000_000_000_000_456L, "site-b");
  private static final Seen KNEW = Seen.of(Map.of("site-a", 7L, "site-c", 2L));
  private static final Seen SAW = Seen.of("site-b", 3L);

  private static AuditEntry record(Map<String, String> attributes) {
    return new AuditEntry(1, 2, "CONFLICT", "site-a", "site-b", 42L, 3, 3L, "detail", attributes);
  }

  private static Map<String, String> attributes() {
    Map<String, String> a = new HashMap<>();
    a.put("conflictId", "9");
    a.put("local", LOCAL.toString());
    a.put("localSeq", "7");
    a.put("localKnew", KNEW.toString());
    a.put("remote", REMOTE.toString());
    a.put("remoteSeq", "3");
    a.put("remoteSeen", SAW.toString());
    a.put("winner", REMOTE.toString());
    a.put("concurrent", "true");
    return a;
  }

  @Test
  void readsBackWhatTheAuditorWrites() {
    AuditedConflict c = AuditedConflict.of(record(attributes()));

    assertThat(c).isEqualTo(new AuditedConflict("site-a", 9, 42, 3, LOCAL, 7, KNEW, REMOTE, 3, SAW, REMOTE, true));
    assertThat(c.remoteWon()).isTrue();
    assertThat(c.lostUnseen("site-a", 7)).isTrue();
    assertThat(c.lostUnseen("site-c", 2)).isTrue();
    assertThat(c.lostUnseen("site-c", 3)).as("a write the loser did not know").isFalse();
    assertThat(c.lostUnseen("site-b", 3)).as("the winner's own").isFalse();
    assertThat(AuditedConflict.seen(Seen.NONE.toString())).isEqualTo(Seen.NONE);
  }

  @Test
  void aWinnerThatIsNeitherSideOrAMissingAttributeIsRefused() {
    Map<String, String> odd = attributes();
    odd.put("winner", "5@site-c");
    assertThatThrownBy(() -> AuditedConflict.of(record(odd))).hasMessageContaining("neither side");
    Map<String, String> missing = attributes();
    missing.remove("remoteSeen");
    assertThatThrownBy(() -> AuditedConflict.of(record(missing))).hasMessageContaining("malformed CONFLICT record");
  }
}
