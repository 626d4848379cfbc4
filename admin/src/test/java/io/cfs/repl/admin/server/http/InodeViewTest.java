package io.cfs.repl.admin.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import io.cfs.repl.persistence.store.StoredValue;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The inode view names the value's seq and both vectors with the value's own write in them, as the README says. */
class InodeViewTest {

  @Test
  void seenAndKnowledgeIncludeTheValuesOwnWrite() throws Exception {
    StoredValue v = new StoredValue(7, 3, new Version(1_000, "site-b"), Op.WRITE, false, 1, new byte[] {1, 2}, 12,
        Seen.of(Map.of("site-a", 4L)), Seen.of(Map.of("site-a", 9L, "site-c", 2L)));

    JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(InodeView.of(v)));

    assertThat(json.get("seq").asLong()).isEqualTo(12);
    assertThat(Json.MAPPER.convertValue(json.get("seen"), Map.class))
        .isEqualTo(Map.of("site-a", 4, "site-b", 12));
    assertThat(Json.MAPPER.convertValue(json.get("knowledge"), Map.class))
        .isEqualTo(Map.of("site-a", 9, "site-b", 12, "site-c", 2));
    assertThat(json.get("originSite").asText()).isEqualTo("site-b");
    assertThat(json.get("payloadBase64").asText()).isEqualTo("AQI=");
  }

  @Test
  void aRepairedValueWithoutSeqNamesNoWriteOfItsOwn() {
    StoredValue repaired = new StoredValue(7, 3, new Version(1_000, "site-b"), Op.WRITE, false, 1, new byte[0]);

    InodeView view = InodeView.of(repaired);

    assertThat(view.seq()).isZero();
    assertThat(view.seen()).isEmpty();
    assertThat(view.knowledge()).isEmpty();
  }
}
