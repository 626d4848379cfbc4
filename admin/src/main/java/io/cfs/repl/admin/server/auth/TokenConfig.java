package io.cfs.repl.admin.server.auth;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The bearer token of a listener's config block: its {@code token}, or the content of its {@code token-file}, never
 * both. A token file must be a secret's: one that its group or other users may read or write is refused at startup
 * with a message naming the file, as ssh refuses a private key others can read.
 */
public final class TokenConfig {
  private static final Set<PosixFilePermission> OPEN = EnumSet.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  private TokenConfig() {
  }

  /** @param block the config block holding {@code token} and {@code token-file}; {@code path} names it in errors */
  public static String read(Config block, String path) {
    String inline = block.getString("token");
    String file = block.getString("token-file");
    if (file.isEmpty()) return inline;
    if (!inline.isEmpty()) {
      throw new IllegalArgumentException(path + ".token and " + path + ".token-file are both set: set one of them");
    }
    Path tokenFile = Path.of(file);
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(tokenFile);
      if (permissions.stream().anyMatch(OPEN::contains)) {
        throw new IllegalArgumentException(path + ".token-file " + tokenFile + " is open to other users ("
            + PosixFilePermissions.toString(permissions) + "): a token file must be readable by its owner only"
            + " (chmod 600 " + tokenFile + ")");
      }
      String token = Files.readString(tokenFile).strip();
      if (token.isEmpty()) throw new IllegalArgumentException(path + ".token-file " + tokenFile + " is empty");
      return token;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(path + ".token-file " + tokenFile + " does not exist");
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalArgumentException(path + ".token-file " + tokenFile + " cannot be read: " + e, e);
    }
  }
}
