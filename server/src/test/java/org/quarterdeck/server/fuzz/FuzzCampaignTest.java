package org.quarterdeck.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The long fuzz run, on demand ({@code scripts/fuzz-network.sh}, or {@code -Dfuzz.seconds=N}): each
 * target of {@link FuzzTest} for N seconds, over the same inputs, printing how many inputs ran,
 * crashes, hangs and leaked buffers. A failing input is printed in full and fails the run.
 */
@EnabledIfSystemProperty(named = "fuzz.seconds", matches = "\\d+")
class FuzzCampaignTest {
  private record Target(Arbitrary<?> inputs, Consumer<Object> run) {}

  @SuppressWarnings("unchecked")
  private static <T> Target target(Arbitrary<T> inputs, Consumer<T> run) {
    return new Target(inputs, o -> run.accept((T) o));
  }

  @Test
  void eachTargetForTheGivenTime() {
    long seconds = Long.parseLong(System.getProperty("fuzz.seconds"));
    String only = System.getProperty("fuzz.target", "");
    Map<String, Target> targets = new LinkedHashMap<>();
    targets.put("envelope-bytes", target(FuzzInputs.bytes(600), FuzzTargets::envelope));
    targets.put(
        "envelope-messages",
        target(
            net.jqwik.api.Arbitraries.oneOf(
                FuzzInputs.mutatedEnvelopes(), FuzzInputs.mutatedJson()),
            FuzzTargets::envelope));
    targets.put(
        "tcp-bytes",
        target(
            Combinators.combine(FuzzInputs.bytes(600), FuzzInputs.chunks()).as(Input::new),
            i -> FuzzTargets.tcp(i.bytes(), i.chunk())));
    targets.put(
        "tcp-frames",
        target(
            Combinators.combine(FuzzInputs.tcpStreams(), FuzzInputs.chunks()).as(Input::new),
            i -> FuzzTargets.tcp(i.bytes(), i.chunk())));
    targets.put(
        "websocket-bytes",
        target(
            Combinators.combine(FuzzInputs.bytes(600), FuzzInputs.chunks()).as(Input::new),
            i -> FuzzTargets.webSocket(i.bytes(), i.chunk())));
    targets.put(
        "websocket-frames",
        target(
            Combinators.combine(FuzzInputs.webSocketStreams(), FuzzInputs.chunks()).as(Input::new),
            i -> FuzzTargets.webSocket(i.bytes(), i.chunk())));
    targets.put("http-targets", target(FuzzInputs.httpTargets(), FuzzTargets::httpTarget));
    long leaksBefore = FuzzTargets.leaks();
    for (Map.Entry<String, Target> e : targets.entrySet()) {
      if (!only.isEmpty() && !e.getKey().startsWith(only)) {
        continue;
      }
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long inputs = 0;
      Iterator<?> stream = e.getValue().inputs().sampleStream().iterator();
      while (System.nanoTime() < end) {
        Object input = stream.next();
        try {
          e.getValue().run().accept(input);
        } catch (Throwable failure) {
          throw new AssertionError(e.getKey() + " failed on input " + describe(input), failure);
        }
        inputs++;
      }
      long leaks = FuzzTargets.leaks() - leaksBefore;
      System.out.printf(
          "fuzz %-18s %,12d inputs in %d s: 0 crashes, 0 hangs, %d leaked buffers%n",
          e.getKey(), inputs, seconds, leaks);
      assertEquals(0, leaks, e.getKey() + " leaked buffers");
      assertTrue(inputs > 0);
    }
  }

  /** The leak counter itself works: a buffer dropped unreleased is reported. */
  @Test
  void theLeakDetectorSeesADroppedBuffer() {
    long before = FuzzTargets.leaks();
    dropUnreleased();
    assertTrue(FuzzTargets.leaks() > before, "a dropped buffer is reported");
  }

  private static void dropUnreleased() {
    for (int i = 0; i < 10; i++) {
      ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(32);
      leaked.writeInt(i);
    }
  }

  private static String describe(Object input) {
    if (input instanceof Input i) {
      return "chunk " + i.chunk() + ", bytes " + java.util.HexFormat.of().formatHex(i.bytes());
    }
    if (input instanceof byte[] b) {
      return java.util.HexFormat.of().formatHex(b);
    }
    return String.valueOf(input);
  }

  /** Bytes fed in chunks of a size. */
  record Input(byte[] bytes, int chunk) {}
}
