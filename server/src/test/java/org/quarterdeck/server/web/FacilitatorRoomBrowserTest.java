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
import static org.quarterdeck.server.web.Browsers.waiting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;

/**
 * A facilitator's room in real browsers (headless Debian chromium, one profile per person): sign
 * in, two sessions created one after the other from the same page and both listed, the first
 * reopened from a second profile; phones join by the link built from the server's public URL; five
 * people on three teams (two teams of two); a phone that played the earlier session follows the new
 * link; the replay opens while the console stays live; a countdown; End asks first; the end view
 * shows the standings.
 */
class FacilitatorRoomBrowserTest {
  static final String PASSWORD = "room-test-password";

  static Application app;
  static String base;
  static String publicUrl;
  static Path accounts;
  @RegisterExtension static final Browsers browsers = new Browsers("room-failure-");

  @BeforeAll
  static void start() throws Exception {
    accounts = Files.createTempFile("qd-facilitators-", ".txt");
    FacilitatorAccounts.put(accounts, "alice", PASSWORD.toCharArray(), 1_000);
    app =
        ServerOptions.loopback()
            .adminToken("admin-" + System.nanoTime())
            .serverName("browser-test")
            .accounts(FacilitatorAccounts.load(accounts))
            .start();
    base = app.addresses().httpUrl();
    // What phones are told to open: another name than the facilitator's address bar shows.
    publicUrl = "http://localhost:" + app.addresses().http().getPort();
    app.publicUrl(publicUrl);
  }

  @AfterAll
  static void stop() throws IOException {
    if (app != null) {
      app.close();
    }
    Files.deleteIfExists(accounts);
  }

  static void signIn(WebDriver d) {
    d.get(base + "/facilitator");
    waiting(d).until(ExpectedConditions.elementToBeClickable(By.id("signin")));
    type(d, "signin-name", "alice");
    type(d, "signin-password", PASSWORD);
    d.findElement(By.id("signin")).click();
    waiting(d).until(ExpectedConditions.visibilityOfElementLocated(By.id("sessions-section")));
    assertTrue(d.findElement(By.id("room-link")).getText().equals(publicUrl + "/room/alice"));
  }

  /** Creates a session from the form; returns its join code once the console shows it. */
  static String create(WebDriver d, String title) {
    waiting(d).until(ExpectedConditions.visibilityOfElementLocated(By.id("create-form")));
    type(d, "session-title", title);
    // "-" keeps a team for people only, as on the command line.
    type(d, "bots", "adaptive, -, numbers");
    type(d, "teams", "3");
    type(d, "people-per-team", "2");
    type(d, "deadline", "900");
    d.findElement(By.id("create")).click();
    waiting(d).until(x -> x.findElement(By.id("title")).getText().startsWith(title));
    waiting(d).until(x -> x.findElement(By.id("join-code")).getText().matches("[A-Z0-9]{6,}"));
    return d.findElement(By.id("join-code")).getText();
  }

  static List<WebElement> listRows(WebDriver d, int count) {
    waiting(d)
        .until(x -> x.findElements(By.cssSelector("#session-list-table tbody tr")).size() == count);
    return d.findElements(By.cssSelector("#session-list-table tbody tr"));
  }

  static void openFromList(WebDriver d, String title) {
    for (WebElement row : listRows(d, 2)) {
      if (row.getText().startsWith(title)) {
        row.findElement(By.cssSelector(".open-session")).click();
        waiting(d).until(x -> x.findElement(By.id("title")).getText().startsWith(title));
        return;
      }
    }
    fail("no row for " + title);
  }

  /** A phone opens a join link, types a name, and waits for its seat. */
  static void join(WebDriver phone, String link, String code, String name, String title) {
    phone.get(link);
    waiting(phone).until(ExpectedConditions.visibilityOfElementLocated(By.id("join-form")));
    assertEquals(code, phone.findElement(By.id("code")).getAttribute("value"));
    type(phone, "name", name);
    phone.findElement(By.id("join")).click();
    waiting(phone).until(ExpectedConditions.visibilityOfElementLocated(By.id("game")));
    waiting(phone).until(x -> x.findElement(By.id("title")).getText().equals(title));
  }

  @Test
  @Timeout(300)
  void aFacilitatorRunsARoomOfPhones() throws Exception {
    room();
  }

  private void room() throws Exception {
    long started = System.nanoTime();
    WebDriver console = browsers.open(1000, 1400);
    signIn(console);
    waiting(console)
        .until(x -> x.findElement(By.id("session-list")).getText().contains("No sessions yet"));

    // Two sessions one after the other from the same page; both are listed.
    String morning = create(console, "Morning");
    console.findElement(By.id("new-session")).click();
    String afternoon = create(console, "Afternoon");
    assertFalse(morning.equals(afternoon));
    console.findElement(By.id("back-to-list")).click();
    List<WebElement> rows = listRows(console, 2);
    assertTrue(rows.get(0).getText().startsWith("Afternoon"), "newest first");
    assertTrue(rows.get(1).getText().contains(morning));
    openFromList(console, "Afternoon");
    String afternoonLink = console.findElement(By.id("join-link")).getAttribute("href");
    assertEquals(publicUrl + "/?code=" + afternoon, afternoonLink, "built from the public URL");
    assertTrue(
        js(console, "return document.getElementById('qr').getAttribute('src')")
            .toString()
            .contains(java.net.URLEncoder.encode(afternoonLink, "UTF-8")));
    waiting(console)
        .until(
            x ->
                (Boolean)
                    js(
                        x,
                        "const q = document.getElementById('qr'); return q.complete && q.naturalWidth > 0"));

    // A second profile (the tablet at the front) reopens the morning session.
    WebDriver tablet = browsers.open(1000, 1400);
    signIn(tablet);
    openFromList(tablet, "Morning");
    assertEquals(morning, tablet.findElement(By.id("join-code")).getText());
    String morningLink = tablet.findElement(By.id("join-link")).getAttribute("href");
    screenshot(tablet, "facilitator-reopened-on-tablet");
    browsers.quit(tablet);

    // Lin played the morning session; the afternoon link takes Lin to the new one.
    WebDriver lin = browsers.open(1000, 1400);
    join(lin, morningLink, morning, "Lin", "Morning");
    lin.get(afternoonLink);
    waiting(lin).until(ExpectedConditions.visibilityOfElementLocated(By.id("join-form")));
    assertTrue(lin.findElement(By.id("resume-old")).isDisplayed(), "the old seat is offered");
    join(lin, afternoonLink, afternoon, "Lin", "Afternoon");
    browsers.quit(lin);

    // Four more people: five on three teams, two teams of two.
    WebDriver last = null;
    for (String name : List.of("Ada", "Ben", "Cy", "Dee")) {
      WebDriver phone = browsers.open(1000, 1400);
      join(phone, afternoonLink, afternoon, name, "Afternoon");
      if (name.equals("Dee")) {
        last = phone;
        screenshot(phone, "player-joined-as-co-player");
      } else {
        browsers.quit(phone);
      }
    }
    waiting(console)
        .until(x -> x.findElements(By.cssSelector("#people-table tbody tr")).size() == 5);
    Map<String, Integer> perTeam = new TreeMap<>();
    for (WebElement row : console.findElements(By.cssSelector("#people-table tbody tr"))) {
      perTeam.merge(row.findElements(By.tagName("td")).get(1).getText(), 1, Integer::sum);
    }
    assertEquals(Map.of("1", 2, "2", 2, "3", 1), perTeam);
    assertEquals(
        2, console.findElements(By.cssSelector("#people-table .tag")).size(), "two co-players");

    // Start: the countdown runs.
    console.findElement(By.id("cmd-start")).click();
    waitPhase(console, "TURN_OPEN");
    waiting(console)
        .until(x -> x.findElement(By.id("countdown")).getText().matches("1[45]:\\d\\d left"));
    assertTrue(
        console.findElement(By.id("cmd-start")).getAttribute("disabled") != null,
        "Start is off once the game runs");

    // The replay opens in a tab of its own; the console stays connected and live.
    String replay = console.findElement(By.id("replay-link")).getAttribute("href");
    String consoleTab = console.getWindowHandle();
    console.switchTo().newWindow(WindowType.TAB);
    console.get(replay);
    waiting(console).until(x -> x.findElement(By.id("frame")).getText().length() > 0);
    console.switchTo().window(consoleTab);
    WebDriver dee = last;
    waiting(dee).until(ExpectedConditions.visibilityOfElementLocated(By.id("decision-form")));
    waiting(dee).until(ExpectedConditions.elementToBeClickable(By.id("submit"))).click();
    confirmIfAsked(dee); // the player page asks before sending a 0-hour plan
    waiting(dee).until(x -> "1:1".equals(js(x, "return document.body.dataset.accepted")));
    waiting(console)
        .until(
            x ->
                x.findElement(By.cssSelector("#people-table tr[data-person='Dee']"))
                    .getText()
                    .contains("submitted (version 1)"));
    assertTrue(console.findElement(By.id("conn")).getText().contains("online"));
    assertFalse(console.findElement(By.id("banner")).isDisplayed());
    screenshot(console, "facilitator-console-live");

    // An event of the deck, chosen by name with a preview, reaches the players.
    org.openqa.selenium.support.ui.Select deck =
        new org.openqa.selenium.support.ui.Select(console.findElement(By.id("inject-deck")));
    assertTrue(deck.getOptions().size() > 1, "the deck is listed");
    deck.selectByIndex(1);
    String event = deck.getFirstSelectedOption().getText();
    waiting(console).until(x -> !x.findElement(By.id("inject-preview")).getText().isEmpty());
    console.findElement(By.id("cmd-inject")).click();
    waiting(console)
        .until(x -> x.findElement(By.id("cmd-status")).getText().equals("Inject: done"));
    waiting(dee).until(x -> x.findElement(By.id("events")).getText().contains(event));

    // End asks first; cancelling changes nothing.
    console.findElement(By.id("cmd-end")).click();
    waiting(console)
        .until(x -> (Boolean) js(x, "return document.getElementById('confirm-dialog').open"));
    assertTrue(console.findElement(By.id("confirm-text")).getText().contains("End the game"));
    console.findElement(By.id("confirm-no")).click();
    waiting(console)
        .until(x -> !(Boolean) js(x, "return document.getElementById('confirm-dialog').open"));
    assertEquals("TURN_OPEN", js(console, "return document.body.dataset.phase"));
    console.findElement(By.id("cmd-end")).click();
    waiting(console).until(ExpectedConditions.elementToBeClickable(By.id("confirm-yes"))).click();
    waitPhase(console, "ENDED");
    waiting(console).until(ExpectedConditions.visibilityOfElementLocated(By.id("end-view")));
    waiting(console)
        .until(x -> x.findElements(By.cssSelector("#final-table tbody tr")).size() == 3);
    assertTrue(console.findElement(By.id("cmd-end")).getAttribute("disabled") != null);
    assertTrue(console.findElement(By.id("cmd-pause")).getAttribute("disabled") != null);
    waiting(dee).until(ExpectedConditions.visibilityOfElementLocated(By.id("end-section")));
    screenshot(console, "facilitator-end-view");
    // Dee leaves; the page forgets the seat and offers the join form again.
    dee.findElement(By.id("leave")).click();
    waiting(dee).until(ExpectedConditions.visibilityOfElementLocated(By.id("join-form")));
    assertEquals(null, js(dee, "return localStorage.getItem('quarterdeck.player.token')"));
    System.out.println(
        "facilitator room browser test took "
            + (System.nanoTime() - started) / 1_000_000_000L
            + " s");
  }
}
