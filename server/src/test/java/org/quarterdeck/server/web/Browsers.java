package org.quarterdeck.server.web;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The headless Chromium windows of one browser test class (Debian's chromium and chromedriver),
 * with the small steps every such test takes. Registered as an extension: it fails the class early
 * without a browser, leaves a screenshot and the text of every open page when a test fails, and
 * quits the browsers and deletes their profiles after the class.
 */
final class Browsers implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final Duration WAIT = Duration.ofSeconds(20);

  private final String evidence;
  private final List<WebDriver> drivers = new ArrayList<>();
  private final List<Path> profiles = new ArrayList<>();

  /** {@code evidence} prefixes the screenshots written when a test fails. */
  Browsers(String evidence) {
    this.evidence = evidence;
  }

  /** Fails at once, with what to install, where the browser or its driver is missing. */
  static void requireChromium() {
    if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
      fail(
          "Browser tests need Debian's chromium and chromium-driver ("
              + CHROMIUM
              + ", "
              + CHROMEDRIVER
              + "): run .ci/browser-setup (apt-get install -y chromium chromium-driver)");
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    requireChromium();
    Files.createDirectories(SCREENSHOTS);
  }

  /** A 412 × 915 window (the size of the first browser tests, without phone emulation). */
  WebDriver open() throws IOException {
    return open(412, 915, false);
  }

  /** A browser whose viewport is {@code width} × {@code height}, a phone's emulated below 500. */
  WebDriver open(int width, int height) throws IOException {
    return open(width, height, width < 500);
  }

  private WebDriver open(int width, int height, boolean emulate) throws IOException {
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
    // the page's console, printed when a test fails
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    if (emulate) {
      // Headless windows are at least 500 px wide: a phone's viewport needs device emulation.
      options.setExperimentalOption(
          "mobileEmulation",
          Map.of("deviceMetrics", Map.of("width", width, "height", height, "pixelRatio", 1.0)));
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
  private static void trueViewport(WebDriver driver, int width, int height) {
    driver.get("about:blank");
    long innerWidth = ((Number) js(driver, "return window.innerWidth")).longValue();
    long innerHeight = ((Number) js(driver, "return window.innerHeight")).longValue();
    if (innerWidth != width || innerHeight != height) {
      Dimension window = driver.manage().window().getSize();
      driver
          .manage()
          .window()
          .setSize(
              new Dimension(
                  (int) (window.getWidth() + width - innerWidth),
                  (int) (window.getHeight() + height - innerHeight)));
    }
  }

  /** Closes one browser before the class ends (a person who leaves). */
  void quit(WebDriver d) {
    drivers.remove(d);
    d.quit();
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
    for (int i = 0; i < drivers.size(); i++) {
      try {
        screenshot(drivers.get(i), evidence + i);
        System.err.println(
            "---- page "
                + i
                + " "
                + drivers.get(i).getCurrentUrl()
                + "\n"
                + drivers.get(i).findElement(By.tagName("body")).getText());
      } catch (RuntimeException | IOException ignored) {
        // best effort: the page may be gone with the failure
      }
      printConsole(drivers.get(i));
    }
    throw t;
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    for (WebDriver d : drivers) {
      try {
        d.quit();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
    drivers.clear();
    for (Path p : profiles) {
      if (Files.exists(p)) {
        try (var walk = Files.walk(p)) {
          walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
    profiles.clear();
  }

  /**
   * Prints what the page wrote to its console (a WebSocket refused, a script error), best effort.
   */
  private static void printConsole(WebDriver d) {
    try {
      System.err.println("---- console of " + d.getCurrentUrl());
      for (LogEntry e : d.manage().logs().get(LogType.BROWSER)) {
        System.err.println(e.getLevel() + " " + e.getMessage());
      }
    } catch (RuntimeException e) {
      System.err.println("(no console: " + e + ")");
    }
  }

  static WebDriverWait waiting(WebDriver d) {
    return new WebDriverWait(d, WAIT, Duration.ofMillis(50));
  }

  static Object js(WebDriver d, String script, Object... args) {
    return ((JavascriptExecutor) d).executeScript(script, args);
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
    waiting(d).until(x -> phase.equals(js(x, "return document.body.dataset.phase")));
  }

  /**
   * A plan that books under half the free hours is confirmed in a dialog first: say yes. The dialog
   * opens while the click is handled, so it is open (or not) when the click returns.
   */
  static void confirmIfAsked(WebDriver d) {
    if (Boolean.TRUE.equals(js(d, "return document.getElementById('confirm').open"))) {
      d.findElement(By.id("confirm-yes")).click();
    }
  }
}
