package org.quarterdeck.server.web;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a newcomer does: runs {@code serve --demo}, opens the printed player page, joins and plays a
 * turn in a browser.
 */
class DemoNewcomerBrowserTest {
  private static final Pattern PLAYER_PAGE = Pattern.compile("Player page\\s+(http://\\S+)");

  @RegisterExtension static final Browsers browsers = new Browsers("demo-failure-");

  @TempDir Path data;

  @Test
  @Timeout(90)
  void aNewcomerJoinsTheDemoFromThePrintedAddressAndPlaysATurn() throws Exception {
    Browsers.requireChromium();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process server =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.quarterdeck.server.cli.Main",
                "serve",
                "--demo",
                "--http-port",
                "0",
                "--tcp-port",
                "0",
                "--data",
                data.toString())
            .redirectError(data.resolve("server.log").toFile())
            .start();
    WebDriver player = null;
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String page = null;
      String line;
      while (page == null && (line = out.readLine()) != null) {
        Matcher m = PLAYER_PAGE.matcher(line);
        if (m.find()) {
          page = m.group(1);
        }
      }
      assertNotNull(page, "serve --demo printed a player page address");

      player = browsers.open();
      player.get(page);
      Browsers.type(player, "name", "Newcomer");
      player.findElement(By.id("join")).click();
      Browsers.waiting(player).until(ExpectedConditions.visibilityOfElementLocated(By.id("game")));
      BrowserGameTest.play(player, 1, 30);
      // The demo's turn resolves after its 10-second last call.
      new WebDriverWait(player, Duration.ofSeconds(40))
          .until(x -> "1".equals(x.findElement(By.id("results-turn")).getAttribute("data-turn")));
      Browsers.screenshot(player, "demo-newcomer-results");
    } catch (Throwable t) {
      // the server runs in its own process: its log is the evidence of why the page stalled
      System.err.println("---- serve --demo log\n" + Files.readString(data.resolve("server.log")));
      throw t; // Browsers prints the page and its console
    } finally {
      server.destroy();
      server.waitFor();
    }
  }
}
