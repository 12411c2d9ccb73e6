package io.gatehouse.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium from the machine's Debian packages, driven by their chromedriver: Selenium
 * never downloads a driver or a browser (no Selenium Manager). Without both installed, the calling
 * test is skipped with the command that installs them.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM =
      Path.of(System.getProperty("gatehouse.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("gatehouse.chromedriver", "/usr/bin/chromedriver"));

  final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  static boolean installed() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /** Skips the calling test (JUnit assumption), saying how to install one, when none is here. */
  static void assumeInstalled() {
    Assumptions.assumeTrue(
        installed(),
        "no headless browser here (need "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + "): apt-get update && apt-get install -y chromium chromium-driver");
  }

  /** Starts a browser; call {@link #assumeInstalled()} first. */
  static Browser start() throws IOException {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    Path profile = Files.createTempDirectory("gatehouse-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return new Browser(driver, profile);
  }

  /** Everything the page keeps in web storage, as text. */
  String webStorage() {
    Object dump =
        driver.executeScript(
            "var out = [];"
                + "for (var i = 0; i < localStorage.length; i++) {"
                + "  out.push(localStorage.key(i) + '=' + localStorage.getItem(localStorage.key(i))); }"
                + "for (var j = 0; j < sessionStorage.length; j++) {"
                + "  out.push(sessionStorage.key(j) + '=' + sessionStorage.getItem(sessionStorage.key(j))); }"
                + "return out.join('\\n');");
    return String.valueOf(dump);
  }

  /** Saves a PNG of the viewport under {@code directory}. */
  void screenshot(Path directory, String name) {
    try {
      Files.createDirectories(directory);
      byte[] png = driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
      Files.write(directory.resolve(name + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // a leftover temp profile is harmless
      }
    }
  }
}
