package org.quarterdeck.client.load;

import java.net.URI;
import java.util.Locale;

/**
 * How the generator's envelopes travel: the three ways into the server, each measured by the same
 * workloads so that their costs can be compared.
 */
enum Wire {
  /**
   * WebSocket binary frames carrying protobuf (what the Java client and the pages' fast path use).
   */
  WEBSOCKET_BINARY,
  /** WebSocket text frames carrying the canonical proto3 JSON mapping. */
  WEBSOCKET_JSON,
  /** Plain TCP, each envelope a varint32 length and that many protobuf bytes. */
  TCP;

  /** The wire for an address ({@code ws://} or {@code tcp://}) and the --json flag. */
  static Wire of(URI uri, boolean json) {
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "ws" -> json ? WEBSOCKET_JSON : WEBSOCKET_BINARY;
      case "tcp" -> {
        if (json) {
          throw new LoadOptions.Conflict("usage.jsonTcp");
        }
        yield TCP;
      }
      default -> throw new LoadOptions.Conflict("usage.address", uri);
    };
  }

  String label() {
    return switch (this) {
      case WEBSOCKET_BINARY -> "WebSocket binary";
      case WEBSOCKET_JSON -> "WebSocket JSON";
      case TCP -> "TCP";
    };
  }
}
