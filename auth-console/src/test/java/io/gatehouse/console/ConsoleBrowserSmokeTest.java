package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Sign-in and sign-out in a real headless Chromium against the test app: the session lives in an
 * HttpOnly cookie, and the admin token is nowhere in the page, web storage or the URL. (The whole
 * console against {@code gatehouse serve} is driven by auth-cli's ConsoleBrowserTest.)
 */
class ConsoleBrowserSmokeTest {
  private static ConsoleApp app;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    if (Browser.installed()) {
      browser = Browser.start();
      app = new ConsoleApp();
    }
  }

  @BeforeEach
  void needsABrowser() {
    Browser.assumeInstalled(); // per test: reported as skipped, with how to install one
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void signInKeepsTheTokenOutOfThePageStorageAndUrlThenSignOut() {
    String token = app.adminToken("default", "manage");
    var driver = browser.driver;
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
    driver.get(app.uri("/_admin/").toString());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-token")));

    driver.findElement(By.id("signin-token")).sendKeys("gha_wrong");
    driver.findElement(By.cssSelector("#signin-form button[type=submit]")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("[data-error-for=signin-token]"), "sign-in refused"));

    driver.findElement(By.id("signin-token")).sendKeys(token);
    driver.findElement(By.cssSelector("#signin-form button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
    assertThat(driver.findElement(By.id("who-subject")).getText()).contains("signed in as");
    assertThat(driver.findElement(By.id("signin-token")).getAttribute("value")).isEmpty();

    Cookie session = driver.manage().getCookieNamed(ConsoleSessions.COOKIE);
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getPath()).isEqualTo("/_admin");
    assertThat(session.getSameSite()).isEqualTo("Strict");
    assertThat(driver.executeScript("return document.cookie"))
        .asString()
        .doesNotContain(ConsoleSessions.COOKIE);
    assertThat(driver.getPageSource()).doesNotContain(token);
    assertThat(browser.webStorage()).isEmpty();
    assertThat(driver.getCurrentUrl()).doesNotContain(token);

    driver.navigate().refresh(); // the session survives a reload without any stored token
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));

    driver.findElement(By.id("sign-out")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin")));
    assertThat(app.console.sessions().activeSessions()).isZero();
  }
}
