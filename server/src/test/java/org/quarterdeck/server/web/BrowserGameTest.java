package org.quarterdeck.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.testing.TestServer;

/**
 * The pages in a real browser (headless Debian chromium): a facilitator creates a session, two
 * players join from separate profiles and play two turns, the facilitator pauses and resumes, a
 * player reloads and keeps the seat, and the replay shows both turns and exports CSV.
 */
class BrowserGameTest {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final Duration WAIT = Duration.ofSeconds(15);

  @RegisterExtension static final TestServer server = TestServer.inMemory();
  static Application app;
  static String base;
  static final List<WebDriver> drivers = new ArrayList<>();
  static final List<Path> profiles = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
      fail(
          "Browser tests need Debian's chromium and chromium-driver ("
              + CHROMIUM
              + ", "
              + CHROMEDRIVER
              + "): run .ci/browser-setup (apt-get install -y chromium chromium-driver)");
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    app = server.app();
    base = app.addresses().httpUrl();
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws IOException {
    for (WebDriver d : drivers) {
      try {
        d.quit();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
    for (Path p : profiles) {
      try (var walk = Files.walk(p)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  static WebDriver browser() throws IOException {
    return browser(412, 915, false);
  }

  /** A headless Chromium with a {@code width} × {@code height} viewport (a phone's emulated). */
  static WebDriver browser(int width, int height) throws IOException {
    return browser(width, height, width < 500);
  }

  /** A headless Chromium whose window (and so viewport) is {@code width} × {@code height}. */
  private static WebDriver browser(int width, int height, boolean emulate) throws IOException {
    Path profile = Files.createTempDirectory("qd-chrome-");
    profiles.add(profile);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=" + width + "," + height,
        "--hide-scrollbars",
        "--user-data-dir=" + profile.toAbsolutePath());
    if (emulate) {
      // Headless windows are at least 500 px wide: a phone's viewport needs device emulation.
      options.setExperimentalOption(
          "mobileEmulation",
          java.util.Map.of(
              "deviceMetrics",
              java.util.Map.of("width", width, "height", height, "pixelRatio", 1.0)));
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    WebDriver driver = new ChromeDriver(service, options);
    drivers.add(driver);
    if (!emulate) {
      trueViewport(driver, width, height);
    }
    return driver;
  }

  /**
   * Grows the window by what its chrome takes, so the page's viewport (not the window) is {@code
   * width} × {@code height}: a headless 1366×768 window otherwise shows a 1366×625 page.
   */
  static void trueViewport(WebDriver driver, int width, int height) {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    driver.get("about:blank");
    long innerWidth = ((Number) js.executeScript("return window.innerWidth")).longValue();
    long innerHeight = ((Number) js.executeScript("return window.innerHeight")).longValue();
    if (innerWidth != width || innerHeight != height) {
      org.openqa.selenium.Dimension window = driver.manage().window().getSize();
      driver
          .manage()
          .window()
          .setSize(
              new org.openqa.selenium.Dimension(
                  (int) (window.getWidth() + width - innerWidth),
                  (int) (window.getHeight() + height - innerHeight)));
    }
  }

  static WebDriverWait waiting(WebDriver d) {
    return new WebDriverWait(d, WAIT, Duration.ofMillis(50));
  }

  static void screenshot(WebDriver d, String name) throws IOException {
    File shot = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE);
    Files.createDirectories(SCREENSHOTS);
    Files.copy(
        shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  static void type(WebDriver d, String id, String text) {
    WebElement e = d.findElement(By.id(id));
    e.clear();
    e.sendKeys(text);
  }

  static void waitText(WebDriver d, By by, String text) {
    waiting(d).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  static void waitPhase(WebDriver d, String phase) {
    waiting(d)
        .until(
            x ->
                phase.equals(
                    ((JavascriptExecutor) x).executeScript("return document.body.dataset.phase")));
  }

  /** Waits for the turn's form, checks the budget guard, then submits a valid decision. */
  static void play(WebDriver d, int turn, int hours) {
    waitText(d, By.id("turn-heading"), "Turn " + turn + " ");
    waiting(d).until(ExpectedConditions.visibilityOfElementLocated(By.id("decision-form")));
    List<WebElement> acts = d.findElements(By.cssSelector("#acts input[data-act]"));
    assertFalse(acts.isEmpty(), "the turn lists acts");
    WebElement first = acts.get(0);
    first.clear();
    first.sendKeys("100000");
    waiting(d).until(x -> !x.findElement(By.id("submit")).isEnabled());
    assertTrue(d.findElement(By.id("budget")).getText().contains("over the budget"));
    first.clear();
    first.sendKeys(String.valueOf(hours));
    acts.get(acts.size() - 1).clear();
    acts.get(acts.size() - 1).sendKeys("5");
    waiting(d).until(ExpectedConditions.elementToBeClickable(By.id("submit"))).click();
    confirmIfAsked(d);
    // The last submission closes the turn at once, so check the accepted marker, not the text.
    waiting(d)
        .until(
            x ->
                (turn + ":1")
                    .equals(
                        ((JavascriptExecutor) x)
                            .executeScript("return document.body.dataset.accepted")));
  }

  /**
   * A plan that books under half the free hours is confirmed in a dialog first: say yes. The dialog
   * opens while the click is handled, so it is open (or not) when the click returns.
   */
  static void confirmIfAsked(WebDriver d) {
    if (Boolean.TRUE.equals(
        ((JavascriptExecutor) d).executeScript("return document.getElementById('confirm').open"))) {
      d.findElement(By.id("confirm-yes")).click();
    }
  }

  @Test
  @Timeout(110)
  void facilitatorAndTwoPlayersPlayTwoTurnsThenReplay() throws Exception {
    try {
      scenario();
    } catch (Throwable t) {
      // Leave evidence: a screenshot and the visible text of every page.
      for (int i = 0; i < drivers.size(); i++) {
        try {
          screenshot(drivers.get(i), "failure-" + i);
          System.err.println(
              "---- page "
                  + i
                  + " "
                  + drivers.get(i).getCurrentUrl()
                  + "\n"
                  + drivers.get(i).findElement(By.tagName("body")).getText());
        } catch (RuntimeException ignored) {
          // best effort
        }
      }
      throw t;
    }
  }

  private void scenario() throws Exception {
    long started = System.nanoTime();
    WebDriver fac = browser();
    WebDriver p1 = browser();
    WebDriver p2 = browser();

    // The facilitator creates a session in the page.
    fac.get(base + "/facilitator");
    waiting(fac).until(ExpectedConditions.elementToBeClickable(By.id("create")));
    type(fac, "session-title", "Browser test");
    type(fac, "teams", "2");
    type(fac, "deadline", "600");
    fac.findElement(By.id("create")).click();
    waiting(fac).until(x -> x.findElement(By.id("join-code")).getText().matches("[A-Z0-9]{6,}"));
    String code = fac.findElement(By.id("join-code")).getText();
    waiting(fac).until(x -> x.findElement(By.id("join-link")).getText().endsWith("?code=" + code));
    waiting(fac)
        .until(
            x ->
                (Boolean)
                    ((JavascriptExecutor) x)
                        .executeScript(
                            "const q = document.getElementById('qr'); return q.complete && q.naturalWidth > 0"));

    // Two players join from separate profiles through the link.
    for (var pair : List.of(new Object[] {p1, "Ada"}, new Object[] {p2, "Grace"})) {
      WebDriver p = (WebDriver) pair[0];
      p.get(base + "/?code=" + code);
      assertEquals(code, p.findElement(By.id("code")).getAttribute("value"));
      type(p, "name", (String) pair[1]);
      p.findElement(By.id("join")).click();
      waiting(p).until(ExpectedConditions.visibilityOfElementLocated(By.id("game")));
      waitPhase(p, "LOBBY");
    }
    waitText(fac, By.id("lobby"), "Ada");
    waitText(fac, By.id("lobby"), "Grace");
    screenshot(p1, "player-lobby");
    screenshot(fac, "facilitator-lobby");

    fac.findElement(By.id("cmd-start")).click();

    // Turn 1.
    play(p1, 1, 40);
    play(p2, 1, 30);
    for (WebDriver p : List.of(p1, p2)) {
      waiting(p)
          .until(x -> "1".equals(x.findElement(By.id("results-turn")).getAttribute("data-turn")));
    }
    screenshot(p1, "player-results");

    // Turn 2: pause and resume, and a reload that keeps the seat.
    waitText(p1, By.id("turn-heading"), "Turn 2 ");
    fac.findElement(By.id("cmd-pause")).click();
    waitPhase(p1, "PAUSED");
    waitText(p1, By.id("countdown"), "Paused");
    waitText(fac, By.id("phase"), "Paused");
    fac.findElement(By.id("cmd-resume")).click();
    waitPhase(p1, "TURN_OPEN");
    waitText(p1, By.id("countdown"), "left");
    // The facilitator ends the turn at a time of day, half an hour from now; players see it.
    String halfHourOn = java.time.LocalTime.now().plusMinutes(30).withNano(0).toString();
    ((JavascriptExecutor) fac)
        .executeScript("document.getElementById('until').value = arguments[0]", halfHourOn);
    fac.findElement(By.id("cmd-until")).click();
    waitText(fac, By.id("cmd-status"), "End the turn at " + halfHourOn + ": done");
    waiting(p1)
        .until(x -> x.findElement(By.id("countdown")).getText().matches("(29|30):\\d\\d left"));

    String team = p2.findElement(By.id("team-name")).getText();
    p2.navigate().refresh();
    waiting(p2).until(ExpectedConditions.visibilityOfElementLocated(By.id("game")));
    waitText(p2, By.id("team-name"), team);
    assertFalse(p2.findElement(By.id("join-section")).isDisplayed());

    play(p1, 2, 50);
    // An injected event re-sends the open turn; the player sees it, keeps the submitted version
    // and revises.
    type(fac, "inject-title", "Storm at sea");
    type(fac, "inject-text", "Half the crew is seasick.");
    fac.findElement(By.id("cmd-inject")).click();
    waitText(p1, By.id("events"), "Storm at sea");
    WebElement first = p1.findElement(By.cssSelector("#acts input[data-act]"));
    assertEquals("50", first.getAttribute("value"));
    first.clear();
    first.sendKeys("45");
    waiting(p1).until(ExpectedConditions.elementToBeClickable(By.id("submit"))).click();
    confirmIfAsked(p1);
    waiting(p1)
        .until(
            x ->
                "2:2"
                    .equals(
                        ((JavascriptExecutor) x)
                            .executeScript("return document.body.dataset.accepted")));
    play(p2, 2, 20);
    for (WebDriver p : List.of(p1, p2)) {
      waiting(p)
          .until(x -> "2".equals(x.findElement(By.id("results-turn")).getAttribute("data-turn")));
    }
    screenshot(p2, "player-after-reload");
    waiting(fac).until(x -> x.findElements(By.cssSelector("#grid-table tbody tr")).size() == 2);
    waiting(fac).until(x -> !x.findElements(By.cssSelector("#chart-morale .uplot")).isEmpty());
    screenshot(fac, "facilitator-dashboard");

    // The replay shows both turns and exports CSV.
    String replay = fac.findElement(By.id("replay-link")).getAttribute("href");
    assertTrue(replay.contains("/replay/"), replay);
    fac.get(replay);
    // the page reads #token= and takes it out of the address bar and history (issue 12)
    waiting(fac).until(x -> !x.getCurrentUrl().contains("token="));
    waiting(fac)
        .until(x -> !x.findElements(By.cssSelector(".turn-button[data-turn='2']")).isEmpty());
    assertFalse(fac.findElements(By.cssSelector(".turn-button[data-turn='1']")).isEmpty());
    fac.findElement(By.cssSelector(".turn-button[data-turn='1']")).click();
    waitText(fac, By.id("frame-turn"), "Turn 1");
    waiting(fac).until(x -> !x.findElements(By.cssSelector("#chart-results .uplot")).isEmpty());
    fac.findElement(By.id("export-csv")).click();
    waitText(fac, By.id("export-status"), "Exported CSV");
    int lines =
        Integer.parseInt(fac.findElement(By.id("export-status")).getAttribute("data-lines"));
    assertTrue(lines >= 3, "CSV has a header and rows, got " + lines);
    fac.findElement(By.id("whatif-run")).click();
    waitText(fac, By.id("whatif"), "With the leader bot");
    screenshot(fac, "replay");

    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    System.out.println("browser test took " + seconds + " s");
  }
}
