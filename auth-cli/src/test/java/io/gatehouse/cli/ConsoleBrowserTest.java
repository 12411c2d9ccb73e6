package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.admin.Json;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console of {@code gatehouse serve}, driven in a real headless Chromium (Debian's
 * chromium and chromium-driver; skipped with the install command where they are missing). Each step
 * is checked through the admin API as the CLI's remote mode sees it, and each page is saved as a
 * PNG: under {@code target/console-screenshots} by default, or where {@code
 * -Dgatehouse.screenshots=DIR} says (run once with {@code ../docs/console} to refresh the docs).
 * One browser and one server for the class, the steps in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  private static final Path CHROMIUM =
      Path.of(System.getProperty("gatehouse.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER =
      Path.of(System.getProperty("gatehouse.chromedriver", "/usr/bin/chromedriver"));
  private static final Path SHOTS =
      Path.of(System.getProperty("gatehouse.screenshots", "target/console-screenshots"));

  private static Path dir;
  private static Path profile;
  private static Cli cli;
  private static Cli.Running serve;
  private static ChromeDriver driver;
  private static WebDriverWait wait;
  private static HttpServer jwks;
  private static String admin;
  private static String readToken;

  private static final boolean BROWSER_INSTALLED =
      Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);

  @BeforeEach
  void needsABrowser() {
    // Per test, so that each one is reported as skipped with how to install the browser.
    Assumptions.assumeTrue(
        BROWSER_INSTALLED,
        "no headless browser here (need "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + "): apt-get update && apt-get install -y chromium chromium-driver");
  }

  @BeforeAll
  static void start() throws Exception {
    if (!BROWSER_INSTALLED) {
      return;
    }
    dir = Files.createTempDirectory("gatehouse-console-");
    cli = new Cli(dir);
    admin = cli.run("add-admintoken", "--ops", "manage", "--name", "console-admin").token();
    serve = cli.start("serve", "--port", "0");
    jwks = jwksServer();
    driver = chromium();
    wait = new WebDriverWait(driver, Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (jwks != null) {
        jwks.stop(0);
      }
      if (serve != null) {
        serve.close();
      }
      delete(profile);
      delete(dir);
    }
  }

  @Test
  @Order(1)
  void signInExchangesTheTokenForAnHttpOnlySession() throws Exception {
    driver.get(serve.uri("/_admin/").toString());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-token")));
    screenshot("sign-in");
    driver.findElement(By.id("signin-token")).sendKeys(admin);
    driver.findElement(By.cssSelector("#signin-form button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("page-tokens")));
    assertThat(driver.findElement(By.id("who-subject")).getText()).contains("manage");
    Cookie session = driver.manage().getCookieNamed("gatehouse_console");
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");
    assertThat(session.getPath()).isEqualTo("/_admin");
    assertTokenNowhereInTheBrowser(admin);
  }

  @Test
  @Order(2)
  void createAReadTokenShownOnceWithTheWarning() throws Exception {
    page("tokens");
    driver.findElement(By.id("token-name")).sendKeys("ci-reader");
    select("token-access", "READ");
    driver.findElement(By.id("token-expiry")).sendKeys("30d");
    driver.findElement(By.cssSelector("#token-form button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));
    readToken = driver.findElement(By.id("secret-value")).getText();
    assertThat(readToken).startsWith("ghk_");
    assertThat(driver.findElement(By.id("secret-dialog")).getText())
        .contains("Please copy this now and keep it secret. It will never be shown in full again.");
    screenshot("new-token");
    driver.findElement(By.id("secret-close")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("secret-dialog")));
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("token-table"), "ci-reader"));
    screenshot("tokens");
    assertTokenNowhereInTheBrowser(readToken);

    Map<String, Object> listed = tokenNamed("ci-reader");
    assertThat(listed).containsEntry("access", "READ").containsEntry("status", "active");
    assertThat(listed.get("expiresAt")).isNotNull();
    assertThat(driver.findElement(By.id("token-table")).getText())
        .contains((String) listed.get("masked"));
    assertThat(Cli.get(serve.uri("/api/hello"), "x-apikey", readToken).statusCode()).isEqualTo(200);
    assertThat(Cli.post(serve.uri("/api/items"), "{}", "x-apikey", readToken).statusCode())
        .isEqualTo(403);
  }

  @Test
  @Order(3)
  void readingARefusalsExplanation() throws Exception {
    page("check");
    select("check-method", "POST");
    WebElement path = driver.findElement(By.id("check-path"));
    path.clear();
    path.sendKeys("/api/items");
    driver.findElement(By.id("check-headers")).sendKeys("x-apikey: " + readToken);
    driver.findElement(By.cssSelector("#check-form button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("check-result")));
    assertThat(driver.findElement(By.id("check-verdict")).getText()).isEqualTo("REFUSED 403");
    String explain = driver.findElement(By.id("check-explain")).getText();
    assertThat(explain).contains("DENY 403 insufficient_access", "does not allow method POST");
    assertThat(explain).doesNotContain(readToken);
    screenshot("why-refused");

    HttpResponse<String> viaApi =
        adminApi(
            "POST",
            "/check",
            "{\"method\":\"POST\",\"path\":\"/api/items\",\"headers\":[\"x-apikey: "
                + readToken
                + "\"]}");
    assertThat(Json.parse(viaApi.body())).containsEntry("allowed", false);
    assertThat(viaApi.body()).contains("insufficient_access");
    driver.findElement(By.id("check-headers")).clear();
  }

  @Test
  @Order(3)
  void theTokenTableShowsTheUsesLeft() throws Exception {
    String id = (String) tokenNamed("ci-reader").get("id");
    assertThat(cli.run("limits", id, "--uses", "100", "--rate", "1000/1m").code()).isZero();
    // The running server has the limits once its answers carry the RateLimit fields (within 2 s).
    long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
    while (Cli.get(serve.uri("/api/hello"), "x-apikey", readToken)
            .headers()
            .firstValue("RateLimit")
            .isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    page("audit");
    page("tokens");
    By row = By.cssSelector("#token-table tr[data-token-id='" + id + "']");
    wait.until(
        ExpectedConditions.textMatches(
            row, java.util.regex.Pattern.compile("9\\d of 100 uses left")));
    assertThat(driver.findElement(row).getText()).contains("rate 1000/1m");
  }

  @Test
  @Order(4)
  void revokeTheReadToken() throws Exception {
    page("tokens");
    String id = (String) tokenNamed("ci-reader").get("id");
    By row = By.cssSelector("#token-table tr[data-token-id='" + id + "']");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row));
    driver.findElement(row).findElement(By.xpath(".//button[text()='Revoke']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
    driver.findElement(By.id("confirm-ok")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "revoked"));

    assertThat(tokenNamed("ci-reader")).containsEntry("status", "revoked");
    assertThat(
            Cli.await(
                401,
                Duration.ofSeconds(2),
                () -> Cli.get(serve.uri("/api/hello"), "x-apikey", readToken).statusCode()))
        .isLessThan(Duration.ofSeconds(2));
  }

  @Test
  @Order(5)
  void addAnAdminTokenWithOwnerAndPermissions() throws Exception {
    page("admin");
    driver.findElement(By.id("admin-name")).sendKeys("release-bot");
    driver.findElement(By.id("admin-owner")).sendKeys("team:release");
    driver.findElement(By.cssSelector("#admin-form input[value=tokens]")).click();
    driver.findElement(By.id("admin-extra")).sendKeys("deploy");
    driver.findElement(By.cssSelector("#admin-form button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));
    String created = driver.findElement(By.id("secret-value")).getText();
    assertThat(created).startsWith("gha_");
    driver.findElement(By.id("secret-close")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("admin-table"), "release-bot"));
    screenshot("admin-tokens");
    assertTokenNowhereInTheBrowser(created);

    Map<String, Object> listed = tokenNamed("release-bot");
    assertThat(listed).containsEntry("kind", "admin").containsEntry("owner", "team:release");
    assertThat(listed.get("permissions")).isEqualTo(List.of("deploy", "tokens"));
    assertThat(listed.get("previousValidUntil")).isNull();

    // rotate with a grace period: a new secret shown once, the old one valid for 24 h more
    By row = By.cssSelector("#admin-table tr[data-token-id='" + listed.get("id") + "']");
    driver.findElement(row).findElement(By.xpath(".//button[text()='Rotate']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-grace")));
    select("confirm-grace", "24h");
    driver.findElement(By.id("confirm-ok")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));
    String rotated = driver.findElement(By.id("secret-value")).getText();
    assertThat(rotated).startsWith("gha_").isNotEqualTo(created);
    driver.findElement(By.id("secret-close")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "old secret valid until"));
    assertTokenNowhereInTheBrowser(rotated);
    assertThat(tokenNamed("release-bot").get("previousValidUntil")).isNotNull();
  }

  @Test
  @Order(6)
  void setTheJwksUrlAfterATestFetch() throws Exception {
    String url = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json";
    page("jwks");
    driver.findElement(By.id("jwks-issuer")).sendKeys("https://login.example.test/");
    driver.findElement(By.id("jwks-url")).sendKeys(url);
    driver.findElement(By.id("jwks-audiences")).sendKeys("api");
    driver.findElement(By.id("jwks-test")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("jwks-health"), "UP"));
    assertThat(driver.findElement(By.id("jwks-report")).getText())
        .contains("console-key-1", "RS256", "2048 bits");
    driver.findElement(By.cssSelector("#jwks-form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("issuer-table"), url));
    screenshot("jwks");

    Map<String, Object> settings = Json.parse(adminApi("GET", "/settings", null).body());
    Map<String, Object> issuer = Json.objects(settings, "issuers").get(0);
    assertThat(issuer)
        .containsEntry("issuer", "https://login.example.test/")
        .containsEntry("jwks", url)
        .containsEntry("audiences", List.of("api"));

    // Issue 11 item 5: an audience is required; "any audience" is explicit, and warned about.
    driver.findElement(By.id("jwks-issuer")).clear();
    driver.findElement(By.id("jwks-issuer")).sendKeys("https://any.example.test/");
    driver.findElement(By.id("jwks-audiences")).clear();
    driver.findElement(By.cssSelector("#jwks-form button[type=submit]")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("jwks-form"), "Enter the audience"));
    driver.findElement(By.id("jwks-any-audience")).click();
    driver.findElement(By.cssSelector("#jwks-form button[type=submit]")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("issuer-table"), "Warning: accepts tokens minted for ANY audience"));
    assertThat(adminApi("GET", "/settings", null).body())
        .contains("\"anyAudience\":true", "\"warning\":");
    adminApi("POST", "/issuers/remove", "{\"issuer\":\"https://any.example.test/\"}");
  }

  @Test
  @Order(7)
  void generateAnHsSecretShownOnce() throws Exception {
    page("secrets");
    driver.findElement(By.id("secret-issuer")).sendKeys("internal-signer");
    driver.findElement(By.id("secret-audiences")).sendKeys("api");
    driver.findElement(By.cssSelector("#secret-form button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));
    String secret = driver.findElement(By.id("secret-value")).getText();
    assertThat(Base64.getUrlDecoder().decode(secret)).hasSize(32);
    driver.findElement(By.id("secret-close")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("secret-table"), "internal-signer"));
    screenshot("hs-secrets");
    assertTokenNowhereInTheBrowser(secret);
    String settings = adminApi("GET", "/settings", null).body();
    assertThat(settings)
        .contains("\"internal-signer\"", "\"secretBits\":256")
        .doesNotContain(secret);
  }

  @Test
  @Order(8)
  void addAndRemoveAllowlistEntriesWithAnExplainedBadOne() throws Exception {
    page("network");
    WebElement cidr = driver.findElement(By.id("allow-cidr"));
    cidr.sendKeys("10.0.0.01");
    driver.findElement(By.cssSelector("#allow-form button[type=submit]")).click();
    By error = By.cssSelector("[data-error-for=allow-cidr]");
    wait.until(ExpectedConditions.textMatches(error, java.util.regex.Pattern.compile(".+")));
    assertThat(driver.findElement(error).getText()).containsIgnoringCase("10.0.0.01");
    assertThat(cidr.getAttribute("aria-invalid")).isEqualTo("true");
    screenshot("allowlist-error");
    assertThat(allowlist()).isEmpty(); // nothing half-saved

    cidr.clear();
    cidr.sendKeys("127.0.0.0/8"); // this browser's own address first, so it keeps its access
    driver.findElement(By.cssSelector("#allow-form button[type=submit]")).click();
    wait.until(
        ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("#allow-list li[data-cidr='127.0.0.0/8']")));
    cidr.sendKeys("203.0.113.0/24");
    driver.findElement(By.cssSelector("#allow-form button[type=submit]")).click();
    By documentation = By.cssSelector("#allow-list li[data-cidr='203.0.113.0/24']");
    wait.until(ExpectedConditions.visibilityOfElementLocated(documentation));
    screenshot("allowlist");
    assertThat(allowlist()).containsExactly("127.0.0.0/8", "203.0.113.0/24");

    driver.findElement(documentation).findElement(By.tagName("button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
    driver.findElement(By.id("confirm-ok")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(documentation));
    assertThat(allowlist()).containsExactly("127.0.0.0/8");

    By loopback = By.cssSelector("#allow-list li[data-cidr='127.0.0.0/8']");
    driver.findElement(loopback).findElement(By.tagName("button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
    driver.findElement(By.id("confirm-ok")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(loopback));
    assertThat(allowlist()).isEmpty();
  }

  @Test
  @Order(9)
  void addAndRemoveDenylistEntriesWithAnExplainedBadOne() throws Exception {
    page("network");
    WebElement cidr = driver.findElement(By.id("deny-cidr"));
    cidr.sendKeys("localhost");
    driver.findElement(By.cssSelector("#deny-form button[type=submit]")).click();
    By error = By.cssSelector("[data-error-for=deny-cidr]");
    wait.until(ExpectedConditions.textMatches(error, java.util.regex.Pattern.compile(".+")));
    assertThat(driver.findElement(error).getText()).containsIgnoringCase("localhost");
    assertThat(denylist()).isEmpty(); // nothing half-saved

    cidr.clear();
    cidr.sendKeys("198.51.100.0/24"); // not this browser's address, so it keeps its access
    driver.findElement(By.cssSelector("#deny-form button[type=submit]")).click();
    By denied = By.cssSelector("#deny-list li[data-cidr='198.51.100.0/24']");
    wait.until(ExpectedConditions.visibilityOfElementLocated(denied));
    screenshot("denylist");
    assertThat(denylist()).containsExactly("198.51.100.0/24");

    driver.findElement(denied).findElement(By.tagName("button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
    driver.findElement(By.id("confirm-ok")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(denied));
    assertThat(denylist()).isEmpty();
  }

  @Test
  @Order(10)
  void theAuditTabShowsAChangeMadeInTheConsoleAndAVerifiedChain() throws Exception {
    page("network");
    WebElement cidr = driver.findElement(By.id("deny-cidr"));
    cidr.clear();
    cidr.sendKeys("203.0.113.0/24");
    driver.findElement(By.cssSelector("#deny-form button[type=submit]")).click();
    wait.until(
        ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("#deny-list li[data-cidr='203.0.113.0/24']")));

    page("audit");
    By verified = By.id("audit-verify");
    wait.until(
        ExpectedConditions.textMatches(
            verified, java.util.regex.Pattern.compile("audit chain verified: \\d+ entries")));
    WebElement newest =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#audit-table tbody tr:first-child")));
    List<String> cells =
        newest.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
    assertThat(cells.get(2)).isEqualTo("admin token " + admin.substring(4, 14));
    assertThat(cells.get(3)).isEqualTo("127.0.0.1");
    assertThat(cells.subList(4, 7)).containsExactly("deny", "203.0.113.0/24", "ok");
    screenshot("audit");
    assertTokenNowhereInTheBrowser(admin);
  }

  @Test
  @Order(11)
  void signOutEndsTheSession() throws Exception {
    Cookie session = driver.manage().getCookieNamed("gatehouse_console");
    driver.findElement(By.id("sign-out")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin")));
    HttpResponse<String> after =
        Cli.get(
            serve.uri("/_admin/api/tokens"), "Cookie", "gatehouse_console=" + session.getValue());
    assertThat(after.statusCode()).isEqualTo(401);
    assertTokenNowhereInTheBrowser(admin);
  }

  // ---- helpers ----

  private static void assertTokenNowhereInTheBrowser(String secret) {
    assertThat(driver.getPageSource()).doesNotContain(secret);
    assertThat(driver.getCurrentUrl()).doesNotContain(secret);
    Object storage =
        driver.executeScript(
            "var out = [];"
                + "for (var i = 0; i < localStorage.length; i++) { out.push(localStorage.key(i)); }"
                + "for (var j = 0; j < sessionStorage.length; j++) { out.push(sessionStorage.key(j)); }"
                + "return out.length + ':' + JSON.stringify(localStorage) + JSON.stringify(sessionStorage);");
    assertThat(String.valueOf(storage)).isEqualTo("0:{}{}");
    assertThat(String.valueOf(driver.executeScript("return document.cookie")))
        .doesNotContain(secret);
  }

  private static void page(String name) {
    driver.findElement(By.cssSelector(".tabs button[data-page='" + name + "']")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("page-" + name)));
  }

  private static void select(String id, String value) {
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id(id))).selectByValue(value);
  }

  private static HttpResponse<String> adminApi(String method, String path, String body)
      throws Exception {
    return Cli.send(
        java.net.http.HttpRequest.newBuilder(serve.uri("/_admin/api" + path))
            .method(
                method,
                body == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(body)),
        "Authorization",
        "Bearer " + admin,
        "Content-Type",
        "application/json");
  }

  private static Map<String, Object> tokenNamed(String name) throws Exception {
    HttpResponse<String> response = adminApi("GET", "/tokens", null);
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.objects(Json.parse(response.body()), "tokens").stream()
        .filter(token -> name.equals(token.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no token named " + name));
  }

  private static List<String> denylist() throws Exception {
    return Json.strings(Json.parse(adminApi("GET", "/settings", null).body()), "deny");
  }

  private static List<String> allowlist() throws Exception {
    return Json.strings(Json.parse(adminApi("GET", "/settings", null).body()), "allow");
  }

  private static void screenshot(String name) throws IOException {
    Files.createDirectories(SHOTS);
    Files.write(SHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
  }

  private static ChromeDriver chromium() throws IOException {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    profile = Files.createTempDirectory("gatehouse-chromium-");
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
        "--window-size=1280,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  private static HttpServer jwksServer() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    byte[] n = key.getModulus().toByteArray();
    String modulus = b64.encodeToString(n[0] == 0 ? Arrays.copyOfRange(n, 1, n.length) : n);
    byte[] body =
        ("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"console-key-1\",\"alg\":\"RS256\",\"use\":\"sig\","
                + "\"n\":\""
                + modulus
                + "\",\"e\":\"AQAB\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jwks.json",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return server;
  }

  private static void delete(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
