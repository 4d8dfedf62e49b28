package org.quarterdeck.server.engine;

/**
 * SplitMix64 generator (Steele, Lea & Flood 2014) seeded by mixing (session seed, turn, team,
 * stream). It is the only source of randomness in the engine; the same four inputs always give the
 * same sequence, on every JVM.
 */
public final class SeededRandom {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  /** Stream for the event deck drawn at the opening of a turn. */
  public static final int STREAM_DECK = 1;

  /** Stream for a team's own chance (attrition, incidents, monthly variation). */
  public static final int STREAM_TEAM = 2;

  /** Stream reserved for bots deciding a seat; the engine never reads it. */
  public static final int STREAM_BOT = 3;

  private long state;

  private SeededRandom(long state) {
    this.state = state;
  }

  /** A generator for one (seed, turn, team, stream); team -1 denotes the whole session. */
  public static SeededRandom of(long seed, int turn, int team, int stream) {
    long s = mix(seed + GOLDEN);
    s = mix(s ^ (turn * GOLDEN + 0x632BE59BD9B4E019L));
    s = mix(s ^ (team * 0xD1B54A32D192ED03L + 0x8CB92BA72F3D8DD7L));
    s = mix(s ^ (stream * 0xAEF17502108EF2D9L));
    return new SeededRandom(s);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Next 64 random bits. */
  public long nextLong() {
    state += GOLDEN;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive: " + bound);
    }
    return (int) ((nextLong() >>> 33) % bound);
  }

  /**
   * Approximately standard normal (Irwin–Hall sum of four uniforms, scaled to unit variance): no
   * transcendental functions, so bit-identical everywhere; bounded at ±3.46.
   */
  public double nextNormal() {
    double sum = nextDouble() + nextDouble() + nextDouble() + nextDouble();
    return (sum - 2.0) * 1.7320508075688772;
  }
}
