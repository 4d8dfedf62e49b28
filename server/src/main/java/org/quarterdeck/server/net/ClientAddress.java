package org.quarterdeck.server.net;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;

/**
 * The address a connection's limits count against: the client's own, or, behind a trusted proxy,
 * the one its PROXY header named ({@link ProxyHeaderReader}).
 */
public final class ClientAddress {
  static final AttributeKey<SocketAddress> PROXIED =
      AttributeKey.valueOf("quarterdeck.proxiedClient");

  private ClientAddress() {}

  public static SocketAddress of(Channel channel) {
    SocketAddress proxied = channel.attr(PROXIED).get();
    return proxied != null ? proxied : channel.remoteAddress();
  }
}
