package org.quarterdeck.server.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private static InetSocketAddress at(String address) {
    return new InetSocketAddress(address, 1234);
  }

  @Test
  void blocksAndSingleAddressesMatchByPrefix() {
    TrustedProxies proxies =
        TrustedProxies.parse("10.0.0.0/8, 192.168.4.7, 172.16.0.0/12, ::1/128");
    assertTrue(proxies.trusts(at("10.200.3.4")));
    assertTrue(proxies.trusts(at("192.168.4.7")));
    assertFalse(proxies.trusts(at("192.168.4.8")));
    assertTrue(proxies.trusts(at("172.31.255.255")));
    assertFalse(proxies.trusts(at("172.32.0.1")), "outside the /12");
    assertTrue(proxies.trusts(at("::1")));
    assertFalse(proxies.trusts(at("127.0.0.1")));
    assertFalse(proxies.trusts(at("11.0.0.1")));
  }

  @Test
  void noneTrustsNobody() {
    assertFalse(TrustedProxies.none().trusts(at("127.0.0.1")));
    assertTrue(TrustedProxies.parse(" , ").isEmpty());
  }

  @Test
  void peersMayNameAClientButATrustedProxyMust() throws Exception {
    java.util.Set<java.net.InetAddress> nodes =
        java.util.Set.of(java.net.InetAddress.getByName("10.0.0.11"));
    TrustedProxies proxies = TrustedProxies.parse("10.0.0.5").withPeers(nodes::contains);
    assertTrue(proxies.peer(at("10.0.0.11")));
    assertFalse(proxies.trusts(at("10.0.0.11")), "a peer's header is not required");
    assertFalse(proxies.peer(at("10.0.0.12")));
    assertFalse(proxies.peer(at("10.0.0.5")), "the proxy's header stays required");
    assertTrue(proxies.trusts(at("10.0.0.5")));
    assertFalse(TrustedProxies.none().peer(at("10.0.0.11")));
  }

  @Test
  void namesAndBadPrefixesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("proxy.example"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/x"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("::1/129"));
  }
}
