package org.quarterdeck.server.net;

import java.net.InetSocketAddress;

/** Where a started server listens, and whether both listeners speak TLS. */
public record ServerAddresses(InetSocketAddress http, InetSocketAddress tcp, boolean tls) {
  public ServerAddresses(InetSocketAddress http, InetSocketAddress tcp) {
    this(http, tcp, false);
  }

  public String httpUrl() {
    return (tls ? "https://" : "http://") + hostPort(http);
  }

  public String webSocketUrl() {
    return (tls ? "wss://" : "ws://") + hostPort(http) + "/ws";
  }

  /** {@code tcp://} or, with TLS, {@code tcps://} (TLS around the same varint frames). */
  public String tcpUrl() {
    return (tls ? "tcps://" : "tcp://") + hostPort(tcp);
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
