package org.quarterdeck.server.net;

import com.google.protobuf.ByteString;
import org.quarterdeck.protocol.v1.ServerMessage;

/**
 * An outbound envelope with its protobuf bytes already made ({@code bytes} is exactly {@code
 * message.toByteString()}, possibly in pieces): the binary codecs copy the bytes, the JSON codec
 * prints the message. A session makes a team's TurnResolved bytes once, around the report bytes it
 * keeps for its history, and every connection of the team sends them.
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
