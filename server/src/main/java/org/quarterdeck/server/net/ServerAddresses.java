package org.quarterdeck.server.net;

import java.net.InetSocketAddress;

/** Where a started server listens. */
public record ServerAddresses(InetSocketAddress http, InetSocketAddress tcp) {
  public String httpUrl() {
    return "http://" + hostPort(http);
  }

  public String webSocketUrl() {
    return "ws://" + hostPort(http) + "/ws";
  }

  public String tcpUrl() {
    return "tcp://" + hostPort(tcp);
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
