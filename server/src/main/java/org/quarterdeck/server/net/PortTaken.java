package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/** A listening port could not be bound (usually another process holds it). */
public final class PortTaken extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Which of the server's two ports. */
  public enum Port {
    HTTP,
    TCP
  }

  private final Port port;
  private final transient InetSocketAddress address;

  PortTaken(Port port, InetSocketAddress address, Throwable cause) {
    super(
        port
            + " port "
            + address.getPort()
            + " on "
            + address.getHostString()
            + " cannot be bound: "
            + (cause == null ? "unknown reason" : cause.getMessage()),
        cause);
    this.port = requireNonNull(port, "port");
    this.address = requireNonNull(address, "address");
  }

  public Port port() {
    return port;
  }

  public int portNumber() {
    return address.getPort();
  }
}
