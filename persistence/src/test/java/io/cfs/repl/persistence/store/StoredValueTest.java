package io.cfs.repl.persistence.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;
import org.junit.jupiter.api.Test;

class StoredValueTest {
  private static final Version VERSION = new Version(10, "site-a");

  @Test
  void aValueWithoutVersionOpOrPayloadIsRefusedNamingItsInode() {
    assertThatThrownBy(() -> new StoredValue(7, 1, null, Op.WRITE, false, 1, new byte[0], 3, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inode 7").hasMessageContaining("version");
    assertThatThrownBy(() -> new StoredValue(7, 1, VERSION, null, false, 1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("op");
    assertThatThrownBy(() -> new StoredValue(7, 1, VERSION, Op.WRITE, false, 1, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload");
  }
}
