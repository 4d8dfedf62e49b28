package org.quarterdeck.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.web.Browsers.confirmIfAsked;
import static org.quarterdeck.server.web.Browsers.screenshot;
import static org.quarterdeck.server.web.Browsers.type;
import static org.quarterdeck.server.web.Browsers.waitPhase;
import static org.quarterdeck.server.web.Browsers.waitText;
import static org.quarterdeck.server.web.Browsers.waiting;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.testing.TestServer;

/**
 * The pages in a real browser (headless Debian chromium): a facilitator creates a session, two
 * players join from separate profiles and play two turns, the facilitator pauses and resumes, a
 * player reloads and keeps the seat, and the replay shows both turns and exports CSV.
 */
class BrowserGameTest {
  @RegisterExtension static final TestServer server = TestServer.inMemory();
  @RegisterExtension static final Browsers browsers = new Browsers("failure-");
  static Application app;
  static String base;

  @BeforeAll
  static void start() {
    app = server.app();
    base = app.addresses().httpUrl();
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

  @Test
  @Timeout(110)
  void facilitatorAndTwoPlayersPlayTwoTurnsThenReplay() throws Exception {
    scenario();
  }

  private void scenario() throws Exception {
    long started = System.nanoTime();
    WebDriver fac = browsers.open();
    WebDriver p1 = browsers.open();
    WebDriver p2 = browsers.open();

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
