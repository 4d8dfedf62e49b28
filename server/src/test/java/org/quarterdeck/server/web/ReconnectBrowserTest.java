package org.quarterdeck.server.web;

import static java.util.concurrent.TimeUnit.SECONDS;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.net.ServerAddresses;
import org.quarterdeck.server.store.StoreOptions;
import org.quarterdeck.server.testing.TestServer;

/**
 * The player page follows a server that goes away: the server drains (Goodbye SERVER_SHUTDOWN, then
 * the close) and starts again on the same data directory and port; the page reconnects by itself,
 * resumes the seat with its stored token and plays the next turn without a reload (issue 17, item
 * 4: the pages follow it transparently).
 */
class ReconnectBrowserTest {
  @RegisterExtension static final Browsers browsers = new Browsers("reconnect-failure-");
  @TempDir Path data;

  private TestServer start(ServerAddresses at) throws Exception {
    ServerOptions.Builder options =
        at == null ? ServerOptions.loopback() : ServerOptions.on(at.http(), at.tcp());
    return TestServer.with(
            options
                .serverName("drained")
                .storage(Storage.files(data, StoreOptions.DEFAULTS))
                .build())
        .start();
  }

  @Test
  @Timeout(value = 110, unit = SECONDS)
  void thePlayerPageResumesItsSeatAfterTheServerDrainsAndComesBack() throws Exception {
    TestServer first = start(null);
    TestServer second = null;
    ServerAddresses addresses = first.addresses();
    WebDriver page = browsers.open();
    try {
      SessionCreated session;
      try (QuarterdeckClient facilitator = first.client()) {
        session =
            first.create(
                facilitator, SessionSettings.newBuilder().setTeams(2).addBotStrategies("").build());
      }
      page.get(addresses.httpUrl() + "/?code=" + session.getJoinCode());
      Browsers.type(page, "name", "Ada");
      page.findElement(By.id("join")).click();
      Browsers.waiting(page).until(ExpectedConditions.visibilityOfElementLocated(By.id("game")));
      Browsers.waitPhase(page, "LOBBY");
      Browsers.waitText(page, By.id("conn"), "online");

      first.close(); // drain: Goodbye SERVER_SHUTDOWN to the page, then the close
      first = null;
      Browsers.waitText(page, By.id("conn"), "connecting");

      second = start(addresses);
      Browsers.waiting(page)
          .withTimeout(Duration.ofSeconds(30))
          .until(ExpectedConditions.textToBePresentInElementLocated(By.id("conn"), "online"));
      // Only a page that resumed its seat on the new server hears the turn open.
      try (QuarterdeckClient facilitator = second.client()) {
        facilitator.resume(session.getFacilitatorToken()).get(10, SECONDS);
        facilitator
            .call(
                ClientMessage.newBuilder()
                    .setFacilitator(
                        FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())))
            .get(10, SECONDS);
      }
      BrowserGameTest.play(page, 1, 10);
    } finally {
      if (first != null) {
        first.close();
      }
      if (second != null) {
        second.close();
      }
    }
  }
}
