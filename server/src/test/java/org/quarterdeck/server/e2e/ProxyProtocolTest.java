package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.net.ConnectionCaps;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.net.TrustedProxies;
import org.quarterdeck.server.testing.TestServer;

/**
 * Behind a proxy that sends the PROXY protocol (HAProxy's {@code send-proxy-v2}), the per-address
 * caps count the client the header names, not the proxy: a loopback "proxy" sends hand-written v2
 * headers for two clients, and one client's cap leaves the other alone. A trusted address that
 * sends no header is closed; the header is honoured only from trusted addresses.
 */
@Timeout(value = 60, unit = SECONDS)
class ProxyProtocolTest {
  /** Two connections per address; arrivals generous. */
  private static final ConnectionCaps CAPS = new ConnectionCaps(1000, 2, 1000, 1000, 4);

  private static TestServer server(String trusted) {
    return TestServer.with(NetLimits.defaults(), Storage.memory())
        .withPerimeter(
            Perimeter.defaults().withCaps(CAPS).withTrustedProxies(TrustedProxies.parse(trusted)));
  }

  /** A PROXY protocol v2 header: PROXY command, TCP over IPv4, from {@code a.b.c.d:port}. */
  static byte[] proxyV2(int a, int b, int c, int d, int port) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    out.write(0x21); // version 2, PROXY
    out.write(0x11); // AF_INET, STREAM
    out.write(0);
    out.write(12); // addresses: 4 + 4 + 2 + 2
    out.writeBytes(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}); // source
    out.writeBytes(new byte[] {127, 0, 0, 1}); // destination
    out.write(port >> 8);
    out.write(port & 0xff);
    out.write(0x1F);
    out.write(0x90); // destination port 8080
    return out.toByteArray();
  }

  /**
   * Connects over TCP, sends {@code header} (if any) and a Hello; true when a Welcome came back.
   */
  private static boolean welcomed(Socket socket, int port, byte[] header) throws IOException {
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
    // longer than the 10 s handshake timeout that closes a trusted connection without a header
    socket.setSoTimeout(30_000);
    try {
      OutputStream out = socket.getOutputStream();
      if (header != null) {
        out.write(header);
      }
      ClientMessage.newBuilder()
          .setRequestId(1)
          .setHello(Hello.newBuilder().addProtocolVersions(1))
          .build()
          .writeDelimitedTo(out);
      out.flush();
      InputStream in = socket.getInputStream();
      ServerMessage m = ServerMessage.parseDelimitedFrom(in);
      return m != null && m.hasWelcome();
    } catch (SocketException | com.google.protobuf.InvalidProtocolBufferException closed) {
      // refused: closed before or after the Hello was written (broken pipe, reset, EOF)
      return false;
    }
  }

  @Test
  void perAddressCapsCountTheClientTheProxyNames() throws Exception {
    try (TestServer running = server("127.0.0.1/32").start();
        Socket first = new Socket();
        Socket second = new Socket();
        Socket third = new Socket();
        Socket other = new Socket()) {
      int port = running.addresses().tcp().getPort();
      assertTrue(welcomed(first, port, proxyV2(198, 51, 100, 1, 40001)));
      assertTrue(welcomed(second, port, proxyV2(198, 51, 100, 1, 40002)));
      assertTrue(
          !welcomed(third, port, proxyV2(198, 51, 100, 1, 40003)),
          "a third connection for 198.51.100.1 is over its cap of 2");
      // all four come from 127.0.0.1: without the header they would share one cap of 2
      assertTrue(
          welcomed(other, port, proxyV2(198, 51, 100, 2, 40004)),
          "another client behind the same proxy still connects");
    }
  }

  @Test
  void theHttpListenerReadsTheHeaderToo() throws Exception {
    try (TestServer running = server("127.0.0.0/8").start();
        Socket socket = new Socket("127.0.0.1", running.addresses().http().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(proxyV2(203, 0, 113, 9, 5555));
      out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] head = socket.getInputStream().readNBytes(12);
      assertEquals("HTTP/1.1 200", new String(head, StandardCharsets.US_ASCII));
    }
  }

  @Test
  void aTrustedProxyThatSendsNoHeaderIsClosed() throws Exception {
    try (TestServer running = server("127.0.0.1").start();
        Socket socket = new Socket()) {
      assertTrue(!welcomed(socket, running.addresses().tcp().getPort(), null));
    }
  }

  @Test
  void anUntrustedAddressCannotNameAClient() throws Exception {
    // only 10.0.0.0/8 is trusted: from loopback the header is not read as one, and the bytes that
    // follow are no valid frame
    try (TestServer running = server("10.0.0.0/8").start();
        Socket socket = new Socket()) {
      assertTrue(
          !welcomed(socket, running.addresses().tcp().getPort(), proxyV2(198, 51, 100, 7, 1)));
    }
  }
}
