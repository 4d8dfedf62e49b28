package org.quarterdeck.server.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Transport;

/** A connection that records what the server sends to it (tests of other packages use it too). */
public final class FakeConnection implements Connection {
  private static final AtomicLong IDS = new AtomicLong(1_000_000);
  private final long id = IDS.incrementAndGet();
  private final String address;
  final List<ServerMessage> received = java.util.Collections.synchronizedList(new ArrayList<>());
  private final java.util.concurrent.LinkedBlockingQueue<ServerMessage> arrivals =
      new java.util.concurrent.LinkedBlockingQueue<>();
  Goodbye.Reason closedWith;

  private final String language;

  public FakeConnection(String address) {
    this(address, org.quarterdeck.server.port.Languages.DEFAULT);
  }

  /** A connection whose client reads {@code language} (a {@code Languages.of} result). */
  public FakeConnection(String address, String language) {
    this.address = address;
    this.language = language;
  }

  @Override
  public String language() {
    return language;
  }

  /** Everything sent to it so far, oldest first. */
  public List<ServerMessage> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public Transport transport() {
    return Transport.TCP;
  }

  @Override
  public void send(ServerMessage message) {
    received.add(message);
    arrivals.add(message);
  }

  private final java.util.concurrent.atomic.AtomicInteger sentWithBytes =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger sentWithOtherBytes =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Keeps the message, and counts whether the bytes sent with it are its own serialization. */
  @Override
  public void send(ServerMessage message, com.google.protobuf.ByteString encoded) {
    sentWithBytes.incrementAndGet();
    if (!encoded.equals(message.toByteString())) {
      sentWithOtherBytes.incrementAndGet();
    }
    send(message);
  }

  /** Messages sent with their bytes made ({@link Connection#send(ServerMessage, ByteString)}). */
  public int sentWithBytes() {
    return sentWithBytes.get();
  }

  /** Of those, how many came with bytes that are not the message's own serialization. */
  public int sentWithOtherBytes() {
    return sentWithOtherBytes.get();
  }

  /** Waits (for tests whose session runs on another thread) until the reply to a request. */
  ServerMessage awaitReply(long requestId) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      ServerMessage m = arrivals.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (m != null && m.getRequestId() == requestId) {
        return m;
      }
    }
    throw new AssertionError("no reply to request " + requestId);
  }

  @Override
  public void close(Goodbye.Reason reason, String message) {
    received.add(
        ServerMessage.newBuilder()
            .setGoodbye(Goodbye.newBuilder().setReason(reason).setMessage(message))
            .build());
    closedWith = reason;
  }

  @Override
  public boolean handshakeDone() {
    return true;
  }

  @Override
  public void completeHandshake(int protocolVersion) {}

  @Override
  public String remoteAddress() {
    return address;
  }

  ServerMessage last() {
    return received.get(received.size() - 1);
  }

  /** The reply to a request id. */
  ServerMessage reply(long requestId) {
    return List.copyOf(received).stream()
        .filter(m -> m.getRequestId() == requestId)
        .reduce((a, b) -> b)
        .orElseThrow(
            () -> new AssertionError("no reply to request " + requestId + " in " + received));
  }

  List<ServerMessage> all(Predicate<ServerMessage> which) {
    return List.copyOf(received).stream().filter(which).toList();
  }

  void clear() {
    received.clear();
    arrivals.clear();
  }
}
