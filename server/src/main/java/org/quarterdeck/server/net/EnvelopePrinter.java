package org.quarterdeck.server.net;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import org.quarterdeck.protocol.v1.ServerMessage;

/** Renders server envelopes in the canonical proto3 JSON mapping. */
final class EnvelopePrinter {
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private EnvelopePrinter() {}

  static String json(ServerMessage message) {
    try {
      return JSON.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail to print, and the protocol has none.
      throw new IllegalStateException("cannot print server message as JSON", e);
    }
  }
}
