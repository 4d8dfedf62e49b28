package org.quarterdeck.server.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.quarterdeck.server.port.OwnerDirectory;
import org.quarterdeck.server.port.SessionKey;

/**
 * Exports on a cluster node: a session this node serves is exported here; one served by another
 * node is fetched from that node's own export route (with the caller's token, which the owner
 * checks) and passed back as it is.
 */
public final class RoutedExporter implements Exporter {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Exporter local;
  private final OwnerDirectory locator;
  private final HttpClient http;

  public RoutedExporter(Exporter local, OwnerDirectory locator) {
    this.local = requireNonNull(local, "local");
    this.locator = requireNonNull(locator, "locator");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  @Override
  public CompletableFuture<String> export(String sessionId, String token, boolean csv) {
    return locator
        .locate(SessionKey.sessionId(sessionId))
        .thenCompose(
            place ->
                switch (place.where()) {
                  case HERE -> local.export(sessionId, token, csv);
                  case MOVING ->
                      CompletableFuture.failedFuture(
                          new RejectedExecutionException("the session is moving to another node"));
                  case ELSEWHERE -> fetch(place.httpAddress(), sessionId, token, csv);
                });
  }

  private CompletableFuture<String> fetch(
      String owner, String sessionId, String token, boolean csv) {
    URI uri =
        URI.create(
            owner
                + "/sessions/"
                + URLEncoder.encode(sessionId, StandardCharsets.UTF_8)
                + "/export?format="
                + (csv ? "csv" : "json"));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .thenApply(
            response ->
                switch (response.statusCode()) {
                  case 200 -> response.body();
                  case 403, 401 -> throw new SecurityException(response.body().strip());
                  case 404 -> throw new IllegalArgumentException(response.body().strip());
                  case 503 -> throw new RejectedExecutionException("the session's node is busy");
                  default ->
                      throw new IllegalStateException(
                          "the session's node answered " + response.statusCode());
                });
  }
}
