package io.cfs.repl.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium driven by Selenium, from the OS packages {@code chromium} and {@code chromium-driver} (which
 * {@code .ci/run} installs when missing). Both executables are named explicitly, so Selenium Manager never looks for,
 * or downloads, a browser or a driver. {@code -Dit.chromium} and {@code -Dit.chromedriver} point elsewhere.
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final Path BROWSER = Path.of(System.getProperty("it.chromium", "/usr/bin/chromium"));
  private static final Path DRIVER = Path.of(System.getProperty("it.chromedriver", "/usr/bin/chromedriver"));

  private final ChromeDriverService service;
  private final ChromeDriver driver;

  private HeadlessChromium(ChromeDriverService service, ChromeDriver driver) {
    this.service = service;
    this.driver = driver;
  }

  /** Starts the browser; chromedriver's log goes to {@code logDir} (kept when the test fails). */
  public static HeadlessChromium start(Path logDir) {
    require(BROWSER, "chromium");
    require(DRIVER, "chromium-driver");
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + logDir, e);
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(logDir.resolve("chromedriver.log").toFile())
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    // no sandbox: CI runs as root in a container, where Chromium's sandbox cannot start
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,1000");
    // the test answers the page's token prompts itself: a prompt must not be dismissed behind its back
    options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new HeadlessChromium(service, driver);
  }

  private static void require(Path executable, String debianPackage) {
    if (!Files.isExecutable(executable)) {
      throw new IllegalStateException(executable + " is missing: install the OS package " + debianPackage
          + " (apt-get install chromium chromium-driver; .ci/run does it), or point -Dit.chromium /"
          + " -Dit.chromedriver at the executables");
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** What the page shows now, as a PNG file. */
  public void screenshot(Path file) {
    try {
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
