package io.cfs.repl.model.entry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SiteIdsTest {

  @Test
  void equalIdsDecodeToOneInstance() {
    byte[] framed = "xxsite-ayy".getBytes(StandardCharsets.UTF_8);
    String first = SiteIds.decode(framed, 2, 6);
    assertThat(first).isEqualTo("site-a");
    assertThat(SiteIds.decode("site-a".getBytes(StandardCharsets.UTF_8), 0, 6)).isSameAs(first);
    assertThat(SiteIds.canonical(new String("site-a"))).isSameAs(first);
    assertThat(new JournalEntry(new String("site-a"), 0, 1, 1, Op.WRITE, 1, 1, new byte[0],
        JournalEntry.computeCrc("site-a", 0, 1, 1, Op.WRITE, 1, 1, new byte[0])).originSite()).isSameAs(first);
  }

  @Test
  void manyIdsStayCorrectWhenTheTableOverflows() {
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 1000; i++) {
        String id = "ünïcode-site-" + i;
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        assertThat(SiteIds.decode(utf8, 0, utf8.length)).isEqualTo(id);
        assertThat(SiteIds.utf8(id)).isEqualTo(utf8);
        assertThat(SiteIds.canonical(id)).isEqualTo(id);
      }
    }
  }
}
