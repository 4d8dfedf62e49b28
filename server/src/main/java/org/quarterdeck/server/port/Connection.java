package org.quarterdeck.server.port;

import com.google.protobuf.ByteString;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.ServerMessage;

/** One client connection as the dispatcher and the sessions see it, whatever its transport. */
public interface Connection {
  /** A number unique to this connection for the life of the server (for logs). */
  long id();

  /** The transport the client came in on. */
  Transport transport();

  /** Sends an envelope; may be called from any thread. */
  void send(ServerMessage message);

  /**
   * Sends an envelope whose protobuf bytes the caller already has ({@code encoded} is exactly
   * {@code message.toByteString()}): a client that reads binary gets those bytes, not a second
   * serialization. May be called from any thread.
   */
  default void send(ServerMessage message, ByteString encoded) {
    send(message);
  }

  /** Sends a typed error answering {@code requestId}; may be called from any thread. */
  default void sendError(long requestId, ErrorCode code, String message) {
    send(Errors.reply(requestId, code, message));
  }

  /** Says goodbye with a reason and closes; may be called from any thread. */
  void close(Goodbye.Reason reason, String message);

  /** True once Hello has been answered with Welcome. */
  boolean handshakeDone();

  /** Records the protocol version agreed in the handshake. */
  void completeHandshake(int protocolVersion);

  /**
   * The language the client reads, a {@link Languages#of} result: English until Hello names
   * another. Texts for people are put into it on their way out.
   */
  default String language() {
    return Languages.DEFAULT;
  }

  /** Records the language Hello named (already a {@link Languages#of} result). */
  default void useLanguage(String language) {}

  /** The remote address, for logs. */
  String remoteAddress();
}
