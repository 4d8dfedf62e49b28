package org.quarterdeck.server.net;

import com.google.protobuf.ByteString;
import org.quarterdeck.protocol.v1.ServerMessage;

/**
 * An outbound envelope with its protobuf bytes already made ({@code bytes} is exactly {@code
 * message.toByteString()}): the binary codecs write the bytes, the JSON codec prints the message. A
 * session serializes a team's TurnResolved once for the report history it keeps, and the team's
 * connections send those bytes.
 */
record EncodedEnvelope(ServerMessage message, ByteString bytes) {
  /** The envelope of an outbound message: a {@link ServerMessage} or an EncodedEnvelope. */
  static ServerMessage messageOf(Object outbound) {
    return outbound instanceof EncodedEnvelope e ? e.message() : (ServerMessage) outbound;
  }

  /** True for what the envelope codecs write. */
  static boolean isEnvelope(Object outbound) {
    return outbound instanceof ServerMessage || outbound instanceof EncodedEnvelope;
  }
}
