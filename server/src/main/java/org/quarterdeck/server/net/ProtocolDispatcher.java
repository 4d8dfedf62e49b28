package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.Pong;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Welcome;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Languages;
import org.quarterdeck.server.port.SessionGateway;

/**
 * The one dispatcher: an exhaustive switch over the envelope's body. It serves the handshake and
 * liveness itself and hands everything that concerns a game to the {@link SessionGateway}.
 */
public final class ProtocolDispatcher implements Dispatcher {
  /** Protocol versions this server speaks, oldest first. */
  public static final List<Integer> SUPPORTED_VERSIONS = List.of(1);

  private final NetLimits limits;
  private final SessionGateway sessions;
  private final String serverName;
  private final java.util.function.Supplier<String> publicUrl;

  /** wire.proto's limits for text fields and lists. */
  static final int MAX_CLIENT_NAME_CHARS = 200;

  static final int MAX_OFFERED_VERSIONS = 64;

  public ProtocolDispatcher(NetLimits limits, SessionGateway sessions, String serverName) {
    this(limits, sessions, serverName, () -> "");
  }

  /**
   * @param publicUrl where people reach the server's pages (told to clients in Welcome so that
   *     pages build join links from it); "" when unknown
   */
  public ProtocolDispatcher(
      NetLimits limits,
      SessionGateway sessions,
      String serverName,
      java.util.function.Supplier<String> publicUrl) {
    this.publicUrl = requireNonNull(publicUrl, "publicUrl");
    this.limits = requireNonNull(limits, "limits");
    this.sessions = requireNonNull(sessions, "sessions");
    this.serverName = requireNonNull(serverName, "serverName");
  }

  @Override
  public void dispatch(Connection connection, ClientMessage message) {
    ClientMessage.BodyCase body = message.getBodyCase();
    if (body != ClientMessage.BodyCase.HELLO && !connection.handshakeDone()) {
      connection.sendError(
          message.getRequestId(), ErrorCode.UNAUTHENTICATED, "send Hello first; got " + body);
      return;
    }
    Runnable handler =
        switch (body) {
          case HELLO -> () -> hello(connection, message.getRequestId(), message.getHello());
          case PING ->
              () ->
                  connection.send(
                      ServerMessage.newBuilder()
                          .setRequestId(message.getRequestId())
                          .setPong(Pong.newBuilder().setNonce(message.getPing().getNonce()))
                          .build());
          case PONG -> () -> {}; // liveness only: reading it already reset the idle timer
          case CREATE_SESSION,
              JOIN_SESSION,
              RESUME,
              SPECTATE,
              LEAVE,
              SUBMIT_DECISION,
              FACILITATOR,
              ASSIGN_SEAT,
              GET_REPLAY,
              WHAT_IF,
              SIGN_IN,
              LIST_SESSIONS,
              OPEN_SESSION,
              ARCHIVE_SESSION ->
              () -> sessions.handle(connection, message);
          case BODY_NOT_SET ->
              () ->
                  connection.sendError(
                      message.getRequestId(),
                      ErrorCode.INVALID_ARGUMENT,
                      "the message has no body");
        };
    handler.run();
  }

  @Override
  public void disconnected(Connection connection) {
    sessions.disconnected(connection);
  }

  private void hello(Connection connection, long requestId, Hello hello) {
    if (connection.handshakeDone()) {
      connection.sendError(requestId, ErrorCode.WRONG_PHASE, "Hello was already answered");
      return;
    }
    if (hello.getClientName().length() > MAX_CLIENT_NAME_CHARS
        || hello.getProtocolVersionsCount() > MAX_OFFERED_VERSIONS) {
      connection.sendError(
          requestId,
          ErrorCode.INVALID_ARGUMENT,
          "hello.client_name is limited to "
              + MAX_CLIENT_NAME_CHARS
              + " characters and hello.protocol_versions to "
              + MAX_OFFERED_VERSIONS
              + " entries");
      return;
    }
    if (!Languages.wellFormed(hello.getLanguage())) {
      connection.sendError(
          requestId,
          ErrorCode.INVALID_ARGUMENT,
          "hello.language must be at most 35 characters of letters, digits and '-'");
      return;
    }
    List<Integer> offered =
        hello.getProtocolVersionsCount() == 0 ? List.of(1) : hello.getProtocolVersionsList();
    int chosen =
        offered.stream().filter(SUPPORTED_VERSIONS::contains).max(Integer::compare).orElse(0);
    if (chosen == 0) {
      connection.sendError(
          requestId,
          ErrorCode.UNSUPPORTED_VERSION,
          "this server speaks protocol versions "
              + SUPPORTED_VERSIONS
              + "; the client offered "
              + offered.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]")));
      return;
    }
    connection.useLanguage(Languages.of(hello.getLanguage()));
    connection.completeHandshake(chosen);
    connection.send(
        ServerMessage.newBuilder()
            .setRequestId(requestId)
            .setWelcome(
                Welcome.newBuilder()
                    .setProtocolVersion(chosen)
                    .setServerName(serverName)
                    .setMaxFrameBytes(limits.maxFrameBytes())
                    .setIdleTimeoutMs((int) limits.idleTimeout().toMillis())
                    .setPublicUrl(publicUrl.get()))
            .build());
  }
}
