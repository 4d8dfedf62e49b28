package org.quarterdeck.server.net;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.session.FakeConnection;

/**
 * A relay to an owner, a real server on a loopback port: one that counts this node among its peers
 * reads the relay's PROXY header and answers its Hello, and the relay opens; one that does not yet
 * (it reads the nodes' addresses every second) reads the header as frames and answers them with
 * errors before the Hello, and the relay is refused, so that its client is told to try again
 * instead of being counted at the relaying node's address.
 */
class OwnerRelayTest {
  private final EventLoopGroup loops = IoTransport.best().newGroup(1);
  private Application owner;

  @AfterEach
  void stop() {
    if (owner != null) {
      owner.close();
    }
    loops.shutdownGracefully(0, 0, SECONDS);
  }

  @Test
  void aRelayOpensWhenTheOwnerReadsItsHeader() throws Exception {
    owner = owner(true);
    FakeConnection client = new FakeConnection("127.0.0.5:4000");
    OwnerRelay relay = open(client).get(10, SECONDS);
    assertTrue(relay.open());
    assertTrue(
        client.received().isEmpty(),
        "the relay's own Hello is not the client's: " + client.received());
    relay.close();
  }

  @Test
  void aRelayIsRefusedWhenTheOwnerReadsItsHeaderAsFrames() throws Exception {
    owner = owner(false);
    FakeConnection client = new FakeConnection("127.0.0.5:4000");
    ExecutionException refused =
        assertThrows(ExecutionException.class, () -> open(client).get(10, SECONDS));
    assertInstanceOf(java.io.IOException.class, refused.getCause());
    assertTrue(
        refused.getCause().getMessage().contains("did not read this node's PROXY header"),
        refused.getCause().getMessage());
    assertTrue(
        client.received().isEmpty(),
        "the owner's errors are not the client's: " + client.received());
  }

  /** A server whose TCP port treats loopback connections as a peer's ({@code peers}) or not. */
  private static Application owner(boolean peers) throws Exception {
    ServerOptions.Builder options = ServerOptions.loopback().serverName("owner");
    Perimeter perimeter = options.build().perimeter();
    return options
        .perimeter(perimeter.withTrustedProxies(TrustedProxies.none().withPeers(a -> peers)))
        .start();
  }

  private java.util.concurrent.CompletableFuture<OwnerRelay> open(Connection client) {
    URI tcp = URI.create(owner.addresses().tcpUrl());
    return OwnerRelay.open(
        loops,
        IoTransport.best(),
        "owner",
        new InetSocketAddress(tcp.getHost(), tcp.getPort()),
        client,
        Optional.empty(),
        30_000); // what is tested is the header, not how fast a cold owner answers on a busy
    // machine
  }
}
