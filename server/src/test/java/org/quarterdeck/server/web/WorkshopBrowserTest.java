package org.quarterdeck.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quarterdeck.server.web.Browsers.confirmIfAsked;
import static org.quarterdeck.server.web.Browsers.js;
import static org.quarterdeck.server.web.Browsers.screenshot;
import static org.quarterdeck.server.web.Browsers.type;
import static org.quarterdeck.server.web.Browsers.waitPhase;
import static org.quarterdeck.server.web.Browsers.waitText;
import static org.quarterdeck.server.web.Browsers.waiting;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.PrintsPage;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.print.PageSize;
import org.openqa.selenium.print.PrintOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.session.SessionManager;

/**
 * A whole workshop game in real headless Chromium, once at phone size (390×844) and once at laptop
 * size (1366×768): two people play every turn (one in English, one in German) against a ghost team;
 * the test checks the moments that matter in a room (briefing, prefill, the 0-hour question, Enter,
 * the turn bar while scrolling, "n of m submitted", the last call, the results card after every
 * turn, the end screen before and after a reload), then the debrief: one printed A4 page per team,
 * the HTML export, no missing German text and no serious accessibility violation (axe-core).
 * Screenshots of every screen go to target/screenshots/.
 */
class WorkshopBrowserTest {
  private static final Pattern PDF_PAGE = Pattern.compile("/Type\\s*/Page(?![s\\w])");
  private static final int TEAMS = 3;
  // Long enough for a busy machine to revise in, short enough for twelve turns.
  private static final int LAST_CALL_SECONDS = 5;

  @RegisterExtension static final Browsers browsers = new Browsers("workshop-failure-");
  static Application app;
  static String base;
  static String axe;

  @BeforeAll
  static void start() throws Exception {
    app = ServerOptions.loopback().serverName("workshop-test").start();
    base = app.addresses().httpUrl();
    try (InputStream in = WorkshopBrowserTest.class.getResourceAsStream("/axe.min.js")) {
      if (in == null) {
        fail("axe.min.js is not on the test classpath (com.deque.html.axe-core:selenium)");
      }
      axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (app != null) {
      app.close();
    }
  }

  @Test
  @Timeout(420)
  void aWholeGameOnPhones() throws Exception {
    wholeGame("phone", 390, 844);
  }

  @Test
  @Timeout(420)
  void aWholeGameOnLaptops() throws Exception {
    wholeGame("laptop", 1366, 768);
  }

  /**
   * No sentence of the scenario shows in English on a German page: every act, event and dilemma
   * text and the story and lesson that the German side file words differently.
   */
  private static void noEnglishScenarioText(WebDriver d, String where) throws Exception {
    org.quarterdeck.server.scenario.LoadedScenario scenario =
        org.quarterdeck.server.scenario.ScenarioCatalog.builtIn("market-year");
    org.quarterdeck.server.scenario.ScenarioTranslation german = scenario.translations().get("de");
    String page = d.findElement(By.tagName("body")).getText();
    List<String> english = new java.util.ArrayList<>();
    org.quarterdeck.server.scenario.ScenarioTranslation.keysOf(scenario.scenario())
        .forEach(
            (key, text) -> {
              boolean sentence = !key.startsWith("labels.") && !key.equals("turn_name");
              if (sentence && !german.text(key).orElseThrow().equals(text) && page.contains(text)) {
                english.add(key + " = " + text);
              }
            });
    assertEquals(List.of(), english, where + ": English scenario text on a German page");
  }

  private static void wholeGame(String size, int width, int height) throws Exception {
    long started = System.nanoTime();
    SessionManager.Created session =
        app.sessions()
            .create(
                CreateSession.newBuilder()
                    .setBuiltinScenario("market-year")
                    .setSettings(
                        SessionSettings.newBuilder()
                            .setTitle("Workshop " + size)
                            .setTeams(TEAMS)
                            .setSeed(2026)
                            .setLastCallSeconds(LAST_CALL_SECONDS)
                            .addBotStrategies("")
                            .addBotStrategies("")
                            .addBotStrategies("numbers"))
                    .build())
            .get(10, TimeUnit.SECONDS);
    WebDriver ada = browsers.open(width, height);
    WebDriver bo = browsers.open(width, height);
    // The phone's viewport is set by device emulation; a laptop's by the window, less its chrome.
    for (WebDriver d : width < 500 ? List.<WebDriver>of() : List.of(ada, bo)) {
      JavascriptExecutor js = (JavascriptExecutor) d;
      assertEquals(
          List.of((long) width, (long) height),
          List.of(
              ((Number) js.executeScript("return window.innerWidth")).longValue(),
              ((Number) js.executeScript("return window.innerHeight")).longValue()),
          size + ": the page's viewport, not the window, is " + width + "×" + height);
    }

    // Join: Ada in English, Bo switches the page to German first.
    join(ada, session.joinCode(), "Ada");
    screenshot(ada, size + "-1-lobby-briefing");
    bo.get(base + "/?code=" + session.joinCode());
    new Select(bo.findElement(By.id("lang"))).selectByValue("de");
    waiting(bo).until(x -> "de".equals(js(x, "return document.documentElement.lang")));
    waitText(bo, By.id("join-heading"), "beitreten");
    screenshot(bo, size + "-0-join-de");
    join(bo, session.joinCode(), "Bo");

    // The briefing shows before turn 1, with the scenario's story in each one's language.
    for (WebDriver p : List.of(ada, bo)) {
      assertTrue(p.findElement(By.id("briefing")).isDisplayed(), "briefing in the lobby");
      assertFalse(p.findElement(By.id("briefing-story")).getText().isBlank());
    }
    assertTrue(ada.findElement(By.id("briefing-story")).getText().startsWith("Twelve months"));
    assertTrue(bo.findElement(By.id("briefing-story")).getText().startsWith("Zwölf Monate"));
    noEnglishScenarioText(bo, size + " German lobby");
    app.sessions().start(session.sessionId()).get(10, TimeUnit.SECONDS);

    Map<String, Long> lastHours = null;
    int turns = 0;
    for (int turn = 1; ; turn++) {
      if (!waitForTurnOrEnd(ada, turn)) {
        break;
      }
      turns = turn;
      waitHeading(bo, turn);
      if (turn == 1) {
        assertTrue(ada.findElement(By.id("briefing")).isDisplayed(), "briefing on turn 1");
        screenshot(ada, size + "-2-turn1-briefing");
        tap(ada, ada.findElement(By.id("briefing-close")));
        assertFalse(ada.findElement(By.id("briefing")).isDisplayed());
        checkFirstTurnGuards(ada, size);
        audit(ada, size + " player turn");
      } else {
        assertEquals(
            lastHours, hours(ada), "turn " + turn + " is prefilled with last turn's hours");
      }
      checkTurnBarWhileScrolling(ada);
      noDilemmaPreselected(ada);
      lastHours = plan(ada, turn);
      if (turn == 2) {
        screenshot(ada, size + "-3-turn-planned");
      }
      submit(ada, turn, 1);
      // Bo sees the room: one of two has submitted.
      waitText(bo, By.id("progress"), "1 von 2");
      if (turn == 1) {
        screenshot(bo, size + "-4-turn-de");
        assertTrue(bo.findElement(By.tagName("body")).getText().contains("Zahlen treiben"));
        noEnglishScenarioText(bo, size + " German turn 1");
      }
      noDilemmaPreselected(bo);
      answerDilemmas(bo);
      js(
          bo,
          "document.getElementById('clear-hours').click();"
              + "const b = document.querySelector('#acts input[data-act]'); b.value = '60';"
              + "b.dispatchEvent(new Event('input'));");
      bo.findElement(By.id("submit")).click();
      confirmIfAsked(bo);
      final int now = turn;
      waiting(bo).until(x -> (now + ":1").equals(js(x, "return document.body.dataset.accepted")));
      if (turn == 1) {
        // Everyone has submitted: the last call runs, and Ada can still revise.
        waitText(ada, By.id("countdown"), "Last call");
        waitText(ada, By.id("progress"), "2 of 2 submitted");
        WebElement plus = ada.findElement(By.cssSelector("#acts .act .step[aria-label*='more']"));
        tap(ada, plus);
        lastHours = hours(ada);
        submit(ada, turn, 2);
        screenshot(ada, size + "-5-last-call-revised");
      }
      // The results moment: the card is on screen and names the turn.
      waiting(ada).until(x -> String.valueOf(turnOfCard(x)).equals(String.valueOf(now)));
      if ("ENDED".equals(js(ada, "return document.body.dataset.phase"))) {
        continue; // the last turn's results give way to the end screen
      }
      assertInViewport(ada, "results-card", "the results card after turn " + turn);
      assertFalse(ada.findElement(By.id("card-body")).getText().isBlank());
      if (turn == 1 || turn == 3) {
        screenshot(ada, size + "-6-results-card-turn" + turn);
      }
    }
    assertEquals(12, turns, "the scenario has twelve turns");

    // The end: on top, by rank, bots marked; it survives a reload.
    for (WebDriver p : List.of(ada, bo)) {
      waiting(p).until(ExpectedConditions.visibilityOfElementLocated(By.id("end-section")));
      assertInViewport(p, "end-section", "the end screen");
    }
    assertEquals(TEAMS, ada.findElements(By.cssSelector("#end-standings tbody tr")).size());
    assertTrue(ada.findElement(By.id("end-standings")).getText().contains("(bot)"));
    assertRanked(ada);
    screenshot(ada, size + "-7-end");
    audit(ada, size + " player end");
    assertEquals(1, pages(ada, size + "-end"), "the player's end screen prints on one page");
    ada.navigate().refresh();
    waiting(ada).until(ExpectedConditions.visibilityOfElementLocated(By.id("end-section")));
    assertInViewport(ada, "end-section", "the end screen after a reload");
    assertEquals(TEAMS, ada.findElements(By.cssSelector("#end-standings tbody tr")).size());
    assertFalse(ada.findElement(By.id("turn-bar")).isDisplayed());
    screenshot(ada, size + "-8-end-after-reload");
    screenshot(bo, size + "-8-end-de");
    noMissingText(bo, "player (German)");
    noMissingText(ada, "player (English)");
    audit(bo, size + " player end (German)");

    // The debrief, as the facilitator opens it.
    ada.get(base + "/replay/" + session.sessionId() + "#token=" + session.facilitatorToken());
    waiting(ada).until(x -> "true".equals(js(x, "return document.body.dataset.loaded || ''")));
    waiting(ada).until(x -> x.findElements(By.cssSelector(".team-page")).size() == TEAMS);
    String debrief = ada.findElement(By.id("debrief")).getText();
    assertTrue(debrief.contains("(bot: numbers)"), "the ghost is named: " + debrief);
    assertFalse(ada.findElements(By.cssSelector("#chart-results .uplot")).isEmpty());
    assertTrue(ada.findElement(By.id("split")).getText().length() > 0);
    assertFalse(
        ada.findElement(By.id("split")).getText().contains("push "),
        "acts are named, not shown by id");
    screenshot(ada, size + "-9-debrief");
    js(ada, "document.getElementById('chart-results').scrollIntoView()");
    screenshot(ada, size + "-9-debrief-charts");
    js(ada, "document.querySelector('.team-page').scrollIntoView()");
    screenshot(ada, size + "-9-debrief-team-page");
    js(ada, "window.scrollTo(0, 0)");
    audit(ada, size + " debrief");
    assertEquals(
        1 + TEAMS,
        pages(ada, size + "-debrief"),
        "the debrief and one page per team; heights in print at A4 width (a page holds about"
            + " 1030 px): "
            + printHeights(ada));
    tap(ada, ada.findElement(By.id("export-html")));
    waitText(ada, By.id("export-status"), "Saved the debrief as HTML");
    tap(ada, ada.findElement(By.id("whatif-run")));
    waitText(ada, By.id("whatif"), "With the leader bot");
    noMissingText(ada, "debrief (English)");
    bo.get(base + "/replay/" + session.sessionId() + "#token=" + session.facilitatorToken());
    waiting(bo).until(x -> "true".equals(js(x, "return document.body.dataset.loaded || ''")));
    waitText(bo, By.id("debrief-heading"), "Nachbesprechung");
    screenshot(bo, size + "-9-debrief-de");
    noMissingText(bo, "debrief (German)");

    for (WebDriver d : List.of(ada, bo)) {
      browsers.quit(d);
    }
    System.out.println(
        "workshop game at "
            + size
            + " size took "
            + (System.nanoTime() - started) / 1_000_000_000L
            + " s");
  }

  /**
   * Scrolls an element to the middle of the screen, as a person would, then clicks it: WebDriver
   * scrolls only until an element touches the bottom edge, where the fixed turn bar covers it.
   */
  private static void tap(WebDriver d, WebElement e) {
    js(d, "arguments[0].scrollIntoView({block: 'center'})", e);
    e.click();
  }

  private static void join(WebDriver p, String code, String name) {
    if (!p.getCurrentUrl().contains("?code=")) {
      p.get(base + "/?code=" + code);
    }
    type(p, "name", name);
    p.findElement(By.id("join")).click();
    waiting(p).until(ExpectedConditions.visibilityOfElementLocated(By.id("game")));
    waitPhase(p, "LOBBY");
  }

  private static Object turnOfCard(WebDriver d) {
    return js(d, "return document.getElementById('results-card').dataset.turn || ''");
  }

  /** Waits until the turn's form is open (true) or the game has ended (false). */
  private static boolean waitForTurnOrEnd(WebDriver d, int turn) {
    waiting(d)
        .until(
            x ->
                "ENDED".equals(js(x, "return document.body.dataset.phase"))
                    || String.valueOf(turn)
                        .equals(x.findElement(By.id("turn-heading")).getAttribute("data-turn")));
    if ("ENDED".equals(js(d, "return document.body.dataset.phase"))) {
      return false;
    }
    waitHeading(d, turn);
    return true;
  }

  private static void waitHeading(WebDriver d, int turn) {
    waiting(d)
        .until(
            x ->
                String.valueOf(turn)
                        .equals(x.findElement(By.id("turn-heading")).getAttribute("data-turn"))
                    && x.findElement(By.id("decision-form")).isDisplayed());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Long> hours(WebDriver d) {
    return (Map<String, Long>)
        js(
            d,
            "const h = {};"
                + "for (const i of document.querySelectorAll('#acts input[data-act]')) h[i.dataset.act] = Number(i.value);"
                + "return h;");
  }

  /** Turn 1: a 0-hour plan asks first; "Go back" sends nothing; Enter in a box never submits. */
  private static void checkFirstTurnGuards(WebDriver ada, String size) throws IOException {
    tap(ada, ada.findElement(By.id("clear-hours")));
    ada.findElement(By.id("submit")).click();
    WebElement dialog = ada.findElement(By.id("confirm"));
    assertTrue(dialog.isDisplayed(), "a 0-hour plan asks first");
    assertTrue(ada.findElement(By.id("confirm-text")).getText().contains("0 hours"));
    screenshot(ada, size + "-2-zero-hours-asks");
    ada.findElement(By.id("confirm-no")).click();
    assertFalse(dialog.isDisplayed());
    assertEquals(
        null, js(ada, "return document.body.dataset.accepted || null"), "nothing was submitted");

    js(
        ada,
        "window.__submits = 0; document.getElementById('decision-form')"
            + ".addEventListener('submit', () => window.__submits++);");
    WebElement box = ada.findElement(By.cssSelector("#acts input[data-act]"));
    tap(ada, box);
    box.sendKeys("7", Keys.ENTER);
    assertEquals(0L, js(ada, "return window.__submits"), "Enter moved on instead of submitting");
    assertFalse(dialog.isDisplayed());
  }

  /** The turn bar (time, hours, the room, submit) stays in view wherever the page is scrolled. */
  private static void checkTurnBarWhileScrolling(WebDriver d) {
    for (String where :
        List.of("document.body.scrollHeight", "document.body.scrollHeight / 2", "0")) {
      js(d, "window.scrollTo(0, " + where + ")");
      assertInViewport(d, "turn-bar", "the turn bar scrolled to " + where);
      assertTrue(d.findElement(By.id("submit")).isDisplayed());
      assertFalse(d.findElement(By.id("budget")).getText().isBlank());
    }
  }

  private static void noDilemmaPreselected(WebDriver d) {
    assertEquals(
        0L,
        js(d, "return document.querySelectorAll('#dilemmas input:checked').length"),
        "no dilemma answer is chosen for the player");
  }

  private static void answerDilemmas(WebDriver d) {
    for (WebElement fieldset : d.findElements(By.cssSelector("#dilemmas fieldset"))) {
      tap(d, fieldset.findElement(By.cssSelector("input[type=radio]")));
    }
  }

  /** Ada's plan: steppers on two acts, a typed number on a third, varying by turn. */
  private static Map<String, Long> plan(WebDriver ada, int turn) {
    answerDilemmas(ada);
    tap(ada, ada.findElement(By.id("clear-hours")));
    List<WebElement> plus = ada.findElements(By.cssSelector("#acts .step[aria-label*='more']"));
    for (int i = 0; i < 6 + turn % 3; i++) {
      tap(ada, plus.get(0));
    }
    for (int i = 0; i < 4; i++) {
      tap(ada, plus.get(plus.size() - 1));
    }
    List<WebElement> boxes = ada.findElements(By.cssSelector("#acts input[data-act]"));
    WebElement middle = boxes.get(boxes.size() / 2);
    tap(ada, middle);
    middle.clear();
    middle.sendKeys(String.valueOf(20 + turn));
    return hours(ada);
  }

  private static void submit(WebDriver d, int turn, int version) {
    waiting(d).until(ExpectedConditions.elementToBeClickable(By.id("submit"))).click();
    confirmIfAsked(d);
    waiting(d)
        .until(x -> (turn + ":" + version).equals(js(x, "return document.body.dataset.accepted")));
  }

  private static void assertInViewport(WebDriver d, String id, String what) {
    @SuppressWarnings("unchecked")
    Map<String, Object> r =
        (Map<String, Object>)
            js(
                d,
                "const r = document.getElementById("
                    + "arguments[0]).getBoundingClientRect(); return {top: r.top, bottom: r.bottom, "
                    + "height: r.height, vh: window.innerHeight};",
                id);
    double top = ((Number) r.get("top")).doubleValue();
    double bottom = ((Number) r.get("bottom")).doubleValue();
    double vh = ((Number) r.get("vh")).doubleValue();
    assertTrue(
        ((Number) r.get("height")).doubleValue() > 0 && top >= -1 && top < vh && bottom > 0,
        what + " is in the viewport: " + r);
  }

  private static void assertRanked(WebDriver d) {
    List<WebElement> rows = d.findElements(By.cssSelector("#end-standings tbody tr"));
    double previous = Double.MAX_VALUE;
    for (int i = 0; i < rows.size(); i++) {
      List<WebElement> cells = rows.get(i).findElements(By.tagName("td"));
      assertEquals(String.valueOf(i + 1), cells.get(0).getText());
      double score = Double.parseDouble(cells.get(2).getText().replace(",", ""));
      assertTrue(score <= previous, "ranked by score");
      previous = score;
    }
  }

  /** Pages of the page printed to PDF on A4 by Chromium (kept next to the screenshots). */
  private static int pages(WebDriver d, String name) throws IOException {
    PrintOptions options = new PrintOptions();
    options.setPageSize(new PageSize(29.7, 21.0));
    byte[] bytes = Base64.getDecoder().decode(((PrintsPage) d).print(options).getContent());
    java.nio.file.Files.write(Browsers.SCREENSHOTS.resolve(name + ".pdf"), bytes);
    String pdf = new String(bytes, StandardCharsets.ISO_8859_1);
    Matcher m = PDF_PAGE.matcher(pdf);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** Each printed section's height with print styles at the width of an A4 page's content. */
  private static Object printHeights(WebDriver d) throws IOException {
    var chrome = (org.openqa.selenium.chromium.ChromiumDriver) d;
    chrome.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
    chrome.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", 703, "height", 1032, "deviceScaleFactor", 1, "mobile", false));
    try {
      screenshot(d, "debrief-print-preview");
      return js(
          d,
          "return [...document.querySelectorAll('section.print')].map((s) => "
              + "(s.dataset.team || s.id) + ': ' + Math.round(s.getBoundingClientRect().height))");
    } finally {
      chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
      chrome.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
    }
  }

  /** Every key the page asked for exists in its language, and both languages have the same keys. */
  private static void noMissingText(WebDriver d, String page) {
    assertEquals(List.of(), js(d, "return [...I18N.missing]"), page + ": missing texts");
    assertEquals(
        js(d, "return I18N.keys('en')"),
        js(d, "return I18N.keys('de')"),
        page + ": English and German bundles have the same keys");
  }

  /** axe-core in the page: no serious or critical violation. */
  @SuppressWarnings("unchecked")
  private static void audit(WebDriver d, String what) {
    if (Boolean.FALSE.equals(js(d, "return typeof axe !== 'undefined'"))) {
      js(d, axe);
    }
    d.manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(60));
    List<Map<String, Object>> violations =
        (List<Map<String, Object>>)
            ((JavascriptExecutor) d)
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, { resultTypes: ['violations'] }).then((r) => done("
                        + "r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,"
                        + " nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))),"
                        + " (e) => done([{ id: 'axe-error', impact: 'serious', help: String(e) }]));");
    List<Map<String, Object>> serious = new ArrayList<>();
    for (Map<String, Object> v : violations) {
      if ("serious".equals(v.get("impact")) || "critical".equals(v.get("impact"))) {
        serious.add(v);
      }
    }
    if (!violations.isEmpty()) {
      System.out.println("axe (" + what + "): " + violations);
    }
    assertEquals(List.of(), serious, what + ": serious accessibility violations");
  }
}
