package io.cfs.repl.it.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.it.harness.HeadlessChromium;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The live status page ({@code /ui}) of site A in a real headless Chromium, against real node JVMs of three sites
 * while a workload writes on A. Proves: the page shows each of A's links and its chart moves; pause without a token
 * or with a wrong one is refused by the route, the page shows the refusal and the link stays up; with the token the
 * link pauses (the status route says so, the page shows it and its lag in entries climbs), and resumes, and sync
 * goes through with the token the page kept; a cut of A's link to B shows on the page within 2 s; the page says
 * "disconnected" while A's node is down and picks the stream up again once the node is back.
 */
@ExtendWith(ItExtension.class)
@Timeout(300)
class StatusPageTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final String C = "site-c";
  private static final String TOKEN = "it-ui-token";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long CUT_SHOWN_WITHIN_MILLIS = 2_000;

  @Test
  void thePageFollowsTheLinksAndPausesOnlyWithTheToken(ItContext it) {
    SiteCluster cluster = it.topology(A, B, C).config("cfs-repl.admin.token = \"" + TOKEN + "\"").start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    Workload workload = it.register(Workload.on(cluster, new History(), it.seed())
        .site(A, 500).shards(8).inodes(1_000).start());
    HeadlessChromium browser = it.register(HeadlessChromium.start(it.logDir()));
    WebDriver page = browser.driver();
    page.get(cluster.admin(A).base().resolve("/ui").toString());

    // (1) every link of A, and a chart that moves while the workload writes
    for (String peer : new String[] {B, C}) {
      awaitPage("link to " + peer + " shown CONNECTED", () -> "CONNECTED".equals(link(page, peer)
          .getDomAttribute("data-state")));
    }
    assertThat(page.findElements(By.cssSelector("section.link")).stream().map(e -> e.getDomAttribute("data-peer")))
        .as("panels, in peer order").containsExactly(B, C);
    assertThat(page.findElement(By.id("site")).getText()).isEqualTo(A);
    assertThat(page.findElement(By.id("role")).getText()).isEqualTo("ACTIVE");
    assertThat(page.findElement(By.id("epoch")).getText()).isEqualTo("0");
    assertThat(link(page, B).findElement(By.cssSelector(".entries-per-second")).getText()).endsWith("entries/s");
    int pointsBefore = points(page, B);
    String drawnBefore = chart(page, B).findElement(By.cssSelector("path.lag-millis")).getDomAttribute("d");
    awaitPage("chart of " + B + " gaining points", () -> points(page, B) >= pointsBefore + 4
        && !chart(page, B).findElement(By.cssSelector("path.lag-millis")).getDomAttribute("d").equals(drawnBefore));

    // (2) pause: refused without a token and with a wrong one, done with the right one
    link(page, B).findElement(By.cssSelector("button.pause")).click();
    answerPrompt(page, "");
    awaitRefusal(page, "UNAUTHORIZED", "requires");
    assertThat(cluster.admin(A).status().requirePeer(B).state()).as("A->B after a pause without token")
        .isEqualTo("CONNECTED");
    link(page, B).findElement(By.cssSelector("button.pause")).click();
    answerPrompt(page, "not-" + TOKEN);
    awaitRefusal(page, "UNAUTHORIZED", "not valid");
    assertThat(cluster.admin(A).status().requirePeer(B).state()).as("A->B after a pause with a wrong token")
        .isEqualTo("CONNECTED");
    assertThat(link(page, B).getDomAttribute("data-paused")).isEqualTo("false");

    link(page, B).findElement(By.cssSelector("button.pause")).click();
    answerPrompt(page, TOKEN);
    cluster.awaitLink(A, B, WAIT, "paused", p -> p.state().equals("PAUSED"));
    awaitPage("link to " + B + " shown paused", () -> "PAUSED".equals(link(page, B).getDomAttribute("data-state"))
        && "paused".equals(link(page, B).getDomAttribute("data-link")));
    assertThat(message(page).getDomAttribute("data-kind")).isEqualTo("ok");
    long lagAtPause = lastLagEntries(page, B);
    awaitPage("lag in entries of the paused link climbing on the chart", () -> lastLagEntries(page, B)
        >= lagAtPause + 500);
    assertThat(link(page, C).getDomAttribute("data-state")).as("A->C while A->B is paused").isEqualTo("CONNECTED");
    browser.screenshot(it.logDir().resolve("status-page-paused.png")); // kept with the logs when the test fails

    link(page, B).findElement(By.cssSelector("button.resume")).click(); // the token is kept: no prompt
    cluster.awaitLink(A, B, WAIT, "resumed", p -> p.state().equals("CONNECTED"));
    awaitPage("link to " + B + " shown up again", () -> "up".equals(link(page, B).getDomAttribute("data-link")));
    assertThat(message(page).getText()).contains("resume " + B + ": done");
    page.findElement(By.id("sync")).click(); // with the kept token too
    awaitPage("sync answered", () -> message(page).getText().equals("sync: done"));

    // (3) a cut shows within 2 s
    long cutAt = System.nanoTime();
    cluster.proxy(A, B).cut();
    awaitPage("link to " + B + " shown down after the cut", () -> "down".equals(link(page, B)
        .getDomAttribute("data-link")));
    long shownAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
    System.out.println("[it] cut of " + A + "->" + B + " shown on the page after " + shownAfterMillis + " ms (state "
        + link(page, B).getDomAttribute("data-state") + ")");
    assertThat(shownAfterMillis).as("ms from the cut to the page showing the link down")
        .isLessThanOrEqualTo(CUT_SHOWN_WITHIN_MILLIS);
    assertThat(link(page, C).getDomAttribute("data-link")).as("A->C during the cut of A->B").isEqualTo("up");
    cluster.proxy(A, B).heal();
    awaitPage("link to " + B + " shown up after the heal", () -> "up".equals(link(page, B)
        .getDomAttribute("data-link")));

    // (4) the node goes away and comes back: the page says so, then follows the new node's stream
    workload.stop(Duration.ofSeconds(30));
    cluster.node(A).stop();
    awaitPage("page disconnected", () -> "disconnected".equals(page.findElement(By.id("connection"))
        .getDomAttribute("data-connection")));
    cluster.node(A).restart();
    awaitPage("page connected to the restarted node", () -> "connected".equals(page.findElement(By.id("connection"))
        .getDomAttribute("data-connection")) && "up".equals(link(page, B).getDomAttribute("data-link")));
  }

  private static WebElement link(WebDriver page, String peer) {
    return page.findElement(By.cssSelector("section.link[data-peer='" + peer + "']"));
  }

  private static WebElement chart(WebDriver page, String peer) {
    return link(page, peer).findElement(By.cssSelector("svg.chart"));
  }

  private static int points(WebDriver page, String peer) {
    return Integer.parseInt(chart(page, peer).getDomAttribute("data-points"));
  }

  private static long lastLagEntries(WebDriver page, String peer) {
    return Long.parseLong(chart(page, peer).getDomAttribute("data-last-lag-entries"));
  }

  private static WebElement message(WebDriver page) {
    return page.findElement(By.id("message"));
  }

  /** Types {@code token} into the page's token prompt and accepts it. */
  private static void answerPrompt(WebDriver page, String token) {
    Alert prompt = await("token prompt").atMost(WAIT).pollInSameThread().ignoreException(NoAlertPresentException.class)
        .until(() -> page.switchTo().alert(), a -> a != null);
    prompt.sendKeys(token);
    prompt.accept();
  }

  private static void awaitRefusal(WebDriver page, String error, String reason) {
    awaitPage("refusal shown", () -> "refused".equals(message(page).getDomAttribute("data-kind")));
    assertThat(message(page).getDomAttribute("data-status")).isEqualTo("401");
    assertThat(message(page).getText()).contains("pause " + B + " refused (401) " + error).contains(reason);
  }

  /** Polls the DOM from this thread (a WebDriver is not for concurrent use) every 25 ms. */
  private static void awaitPage(String what, java.util.concurrent.Callable<Boolean> condition) {
    await(what).atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25))
        .ignoreExceptions().until(condition);
  }
}
