package org.quarterdeck.server.http;

import java.util.concurrent.CompletableFuture;

/**
 * Produces a session's export for the HTTP route. The future fails with {@link
 * IllegalArgumentException} (no such session) or {@link SecurityException} (wrong token).
 */
@FunctionalInterface
public interface Exporter {
  CompletableFuture<String> export(String sessionId, String facilitatorToken, boolean csv);

  static Exporter none() {
    return (id, token, csv) ->
        CompletableFuture.failedFuture(
            new IllegalArgumentException("this server keeps no sessions"));
  }
}
