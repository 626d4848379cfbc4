package io.cfs.repl.admin.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.cfs.repl.admin.server.http.AdminSettings;
import io.cfs.repl.admin.server.ingest.IngestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listener's token, from the config or from a file that only its owner may read. */
class TokenConfigTest {
  @TempDir
  Path dir;

  private Path tokenFile(String content, String permissions) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  private static IngestSettings ingest(String key, String value) {
    return IngestSettings.create(ConfigFactory.empty()
        .withValue(IngestSettings.PATH + "." + key, ConfigValueFactory.fromAnyRef(value))
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void anOwnerOnlyFileGivesTheTokenToBothListeners() throws Exception {
    Path file = tokenFile("s3cret-token\n", "rw-------");
    assertThat(ingest("token-file", file.toString()).token()).isEqualTo("s3cret-token");
    AdminSettings admin = AdminSettings.create(ConfigFactory.empty()
        .withValue(AdminSettings.PATH + ".token-file", ConfigValueFactory.fromAnyRef(file.toString()))
        .withFallback(ConfigFactory.defaultReference()).resolve());
    assertThat(admin.token()).isEqualTo("s3cret-token");
    assertThat(admin.toString()).doesNotContain("s3cret");
  }

  @Test
  void aFileOthersMayReadIsRefusedNamingIt() throws Exception {
    for (String open : new String[] {"rw-r--r--", "rw-r-----", "rw----rw-"}) {
      Path file = tokenFile("s3cret-token", open);
      assertThatThrownBy(() -> ingest("token-file", file.toString()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cfs-repl.ingest.token-file " + file).hasMessageContaining("chmod 600")
          .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void aMissingOrEmptyFileOrATokenSetTwiceIsRefused() throws Exception {
    assertThatThrownBy(() -> ingest("token-file", dir.resolve("nope").toString()))
        .hasMessageContaining(dir.resolve("nope") + " does not exist");
    Path empty = tokenFile("  \n", "rw-------");
    assertThatThrownBy(() -> ingest("token-file", empty.toString())).hasMessageContaining("is empty");
    Path file = tokenFile("s3cret-token", "rw-------");
    assertThatThrownBy(() -> IngestSettings.create(ConfigFactory.empty()
        .withValue(IngestSettings.PATH + ".token-file", ConfigValueFactory.fromAnyRef(file.toString()))
        .withValue(IngestSettings.PATH + ".token", ConfigValueFactory.fromAnyRef("inline"))
        .withFallback(ConfigFactory.defaultReference()).resolve()))
        .hasMessageContaining("both set");
  }
}
