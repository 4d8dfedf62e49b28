package org.quarterdeck.server.fuzz;

import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.SubmitDecision;

/** The inputs of the fuzz targets: raw bytes, and messages that are valid or nearly so. */
final class FuzzInputs {
  private FuzzInputs() {}

  static Arbitrary<byte[]> bytes(int max) {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(max);
  }

  /** A ClientMessage of a few kinds with arbitrary field values. */
  static Arbitrary<ClientMessage> messages() {
    Arbitrary<Long> ids = Arbitraries.longs();
    Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40);
    Arbitrary<ClientMessage.Builder> bodies =
        Arbitraries.oneOf(
            Arbitraries.integers()
                .list()
                .ofMaxSize(4)
                .map(
                    v -> {
                      Hello.Builder h = Hello.newBuilder();
                      v.forEach(x -> h.addProtocolVersions(x));
                      return ClientMessage.newBuilder().setHello(h);
                    }),
            Arbitraries.longs()
                .map(n -> ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(n))),
            Combinators.combine(text, text, Arbitraries.integers())
                .as(
                    (c, n, t) ->
                        ClientMessage.newBuilder()
                            .setJoinSession(
                                JoinSession.newBuilder()
                                    .setJoinCode(c)
                                    .setDisplayName(n)
                                    .setPreferredTeam(t))),
            text.map(t -> ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(t))),
            Combinators.combine(Arbitraries.integers(), Arbitraries.integers())
                .as(
                    (turn, v) ->
                        ClientMessage.newBuilder()
                            .setSubmitDecision(
                                SubmitDecision.newBuilder().setTurn(turn).setVersion(v))),
            Arbitraries.just(ClientMessage.newBuilder()));
    return Combinators.combine(ids, bodies).as((id, b) -> b.setRequestId(id).build());
  }

  /** Valid envelope bytes with a few bytes changed or cut. */
  static Arbitrary<byte[]> mutatedEnvelopes() {
    return Combinators.combine(
            messages(),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 1000),
            Arbitraries.bytes())
        .as(
            (m, kind, at, b) -> {
              byte[] bytes = m.toByteArray();
              if (bytes.length == 0) {
                return bytes;
              }
              int i = at % bytes.length;
              switch (kind) {
                case 1 -> bytes[i] = b;
                case 2 -> bytes = java.util.Arrays.copyOf(bytes, i);
                case 3 -> bytes[i] ^= (byte) (1 << (at % 8));
                default -> {}
              }
              return bytes;
            });
  }

  /** The JSON mapping of a message, sometimes cut or with one character changed. */
  static Arbitrary<byte[]> mutatedJson() {
    return Combinators.combine(
            messages(),
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(0, 1000),
            Arbitraries.chars())
        .as(
            (m, kind, at, c) -> {
              String json;
              try {
                json = JsonFormat.printer().print(m);
              } catch (IOException e) {
                throw new AssertionError(e);
              }
              int i = at % Math.max(1, json.length());
              if (kind == 1 && !json.isEmpty()) {
                json = json.substring(0, i) + c + json.substring(i + 1);
              } else if (kind == 2) {
                json = json.substring(0, i);
              }
              return json.getBytes(StandardCharsets.UTF_8);
            });
  }

  /**
   * Varint-framed TCP input: frames of valid, mutated or random bodies, lengths sometimes lying.
   */
  static Arbitrary<byte[]> tcpStreams() {
    Arbitrary<byte[]> body = Arbitraries.oneOf(mutatedEnvelopes(), bytes(64));
    Arbitrary<byte[]> frame =
        Combinators.combine(
                body, Arbitraries.integers().between(-3, 3), Arbitraries.integers().between(0, 9))
            .as(
                (b, lie, huge) -> {
                  ByteArrayOutputStream out = new ByteArrayOutputStream();
                  long length = huge == 0 ? 1L << (7 * (1 + lie + 3)) : Math.max(0, b.length + lie);
                  writeVarint(out, length);
                  out.writeBytes(b);
                  return out.toByteArray();
                });
    return frame.list().ofMaxSize(6).map(FuzzInputs::concat);
  }

  /** WebSocket client frames (masked): any opcode, FIN or not, valid or random payloads. */
  static Arbitrary<byte[]> webSocketStreams() {
    Arbitrary<byte[]> payload = Arbitraries.oneOf(mutatedEnvelopes(), mutatedJson(), bytes(200));
    Arbitrary<byte[]> frame =
        Combinators.combine(
                payload,
                Arbitraries.of(1, 2, 1, 2, 0, 8, 9, 10, 3, 15),
                Arbitraries.of(true, true, false),
                Arbitraries.of(true, true, false),
                Arbitraries.integers().between(0, 20))
            .as(
                (p, opcode, fin, masked, lengthKind) -> {
                  ByteArrayOutputStream out = new ByteArrayOutputStream();
                  out.write((fin ? 0x80 : 0) | opcode);
                  int mask = masked ? 0x80 : 0;
                  long length = lengthKind == 0 ? 70_000 : lengthKind == 1 ? 1L << 40 : p.length;
                  if (length < 126) {
                    out.write(mask | (int) length);
                  } else if (length < 65_536) {
                    out.write(mask | 126);
                    out.write((int) (length >> 8));
                    out.write((int) length);
                  } else {
                    out.write(mask | 127);
                    for (int s = 56; s >= 0; s -= 8) {
                      out.write((int) (length >> s));
                    }
                  }
                  byte[] key = {0x12, 0x34, 0x56, 0x78};
                  if (masked) {
                    out.writeBytes(key);
                  }
                  for (int i = 0; i < p.length; i++) {
                    out.write(masked ? p[i] ^ key[i % 4] : p[i]);
                  }
                  return out.toByteArray();
                });
    return frame.list().ofMaxSize(5).map(FuzzInputs::concat);
  }

  /** Request targets: route-shaped paths with random segments, escapes and queries. */
  static Arbitrary<String> httpTargets() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("abcAZ09._-~/?&=#%+;:@!$'()*,\\").ofMaxLength(12),
            Arbitraries.strings().ofMaxLength(6),
            Arbitraries.of(
                "%",
                "%z", "%zz", "%2", "%2F", "%2e%2e", "%u2215", "%00", "%C0%AF", "%FF", "..", "//",
                "?", "&", "=", "#", "%25"));
    Arbitrary<String> prefix =
        Arbitraries.of(
            "/",
            "/assets/",
            "/assets/webjars/",
            "/qr?text=",
            "/qr?",
            "/sessions/",
            "/replay/",
            "/facilitator",
            "/healthz?",
            "/metrics",
            "/ws?",
            "/index.html",
            "*",
            "http://x/",
            "");
    return Combinators.combine(prefix, piece.list().ofMaxSize(6))
        .as((p, rest) -> p + String.join("", rest))
        .filter(t -> !t.isEmpty() && t.chars().noneMatch(c -> c == ' ' || c == '\r' || c == '\n'));
  }

  static Arbitrary<Integer> chunks() {
    return Arbitraries.of(1, 2, 3, 7, 16, 64, 1 << 20);
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
