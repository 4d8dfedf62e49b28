package org.quarterdeck.server.fuzz;

import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The targets of the network edge for the long on-demand run ({@code scripts/fuzz-network.sh}): the
 * same inputs as {@link FuzzTest}, each target under {@link TimedFuzz} (a crash or hang is counted
 * and the run goes on) and its leaked buffers counted on their own.
 */
final class NetworkFuzz {
  private NetworkFuzz() {}

  private record Input(byte[] bytes, int chunk) {
    @Override
    public String toString() {
      return "chunk " + chunk + ", bytes " + java.util.HexFormat.of().formatHex(bytes);
    }
  }

  private record Target<T>(Arbitrary<T> inputs, java.util.function.Consumer<T> run) {
    TimedFuzz.Figures run(String name, long seconds) throws InterruptedException {
      return TimedFuzz.run(name, inputs, run, seconds);
    }
  }

  /** Every network target by name, in the order a full run takes them. */
  static Map<String, Target<?>> targets() {
    Map<String, Target<?>> targets = new LinkedHashMap<>();
    targets.put("envelope-bytes", new Target<>(FuzzInputs.bytes(600), FuzzTargets::envelope));
    targets.put(
        "envelope-messages",
        new Target<>(
            Arbitraries.oneOf(FuzzInputs.mutatedEnvelopes(), FuzzInputs.mutatedJson()),
            FuzzTargets::envelope));
    targets.put("tcp-bytes", chunked(FuzzInputs.bytes(600), FuzzTargets::tcp));
    targets.put("tcp-frames", chunked(FuzzInputs.tcpStreams(), FuzzTargets::tcp));
    targets.put("websocket-bytes", chunked(FuzzInputs.bytes(600), FuzzTargets::webSocket));
    targets.put("websocket-frames", chunked(FuzzInputs.webSocketStreams(), FuzzTargets::webSocket));
    targets.put("http-targets", new Target<>(FuzzInputs.httpTargets(), FuzzTargets::httpTarget));
    return targets;
  }

  private static Target<Input> chunked(
      Arbitrary<byte[]> bytes, java.util.function.BiConsumer<byte[], Integer> feed) {
    return new Target<>(
        Combinators.combine(bytes, FuzzInputs.chunks()).as(Input::new),
        i -> feed.accept(i.bytes(), i.chunk()));
  }

  /** Runs one target; returns its crashes, hangs and leaked buffers added up. */
  static long run(String name, long seconds) throws InterruptedException {
    Target<?> target = targets().get(name);
    if (target == null) {
      throw new IllegalArgumentException(
          "unknown network target " + name + " (known: " + targets().keySet() + ")");
    }
    long leaksBefore = FuzzTargets.leaks();
    TimedFuzz.Figures figures = target.run(name, seconds);
    long leaks = FuzzTargets.leaks() - leaksBefore;
    System.out.println("fuzz " + name + ": " + leaks + " leaked buffers");
    return figures.crashes() + figures.hangs() + leaks;
  }
}
