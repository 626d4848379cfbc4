package io.cfs.repl.admin.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.AdminTestSites;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /ui} serves the page and its assets from the jar, and they load nothing from anywhere else. */
@Tag("integration")
class UiRoutesTest {
  /** An absolute or protocol-relative URL: anything the browser would fetch from another host. */
  private static final Pattern ELSEWHERE = Pattern.compile("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}",
      Pattern.CASE_INSENSITIVE);

  @Test
  void thePageAndItsAssetsComeFromTheJar(@TempDir Path dir) throws Exception {
    try (AdminTestSites sites = AdminTestSites.of(dir, "ui-a", "ui-b")) {
      sites.start("ui-a");
      assertServed(sites);
    }
  }

  private static void assertServed(AdminTestSites sites) throws Exception {
    HttpResponse<String> bare = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        sites.admin("ui-a").resolve("/ui")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.headers().firstValue("Location")).hasValue("ui/");

    HttpResponse<String> page = sites.get("ui-a", "/ui/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.body()).contains("<script src=\"app.js\"></script>").contains("href=\"app.css\"");
    HttpResponse<String> script = sites.get("ui-a", "/ui/app.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    assertThat(script.body()).contains("replication/events");
    HttpResponse<String> style = sites.get("ui-a", "/ui/app.css");
    assertThat(style.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");

    for (HttpResponse<String> asset : List.of(page, script, style)) {
      assertThat(ELSEWHERE.matcher(asset.body()).find()).as(asset.uri() + " names another host").isFalse();
    }
    assertThat(sites.get("ui-a", "/ui/missing.js").statusCode()).isEqualTo(404);
  }
}
