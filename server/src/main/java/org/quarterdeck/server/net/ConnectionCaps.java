package org.quarterdeck.server.net;

/**
 * How many connections the server holds, whatever their transport.
 *
 * @param total open connections at most (both listeners together); keep it under the process's
 *     file-descriptor limit minus what the event logs need
 * @param perAddress open connections at most from one client address (an IPv6 client's /64)
 * @param newPerSecond new connections a second allowed from one address, sustained
 * @param newBurst new connections allowed from one address in a burst (a room behind one NAT
 *     joining at once)
 * @param healthReserve extra HTTP connections admitted past a cap for health checks and metrics
 *     only: they may ask for nothing else and are closed after one answer
 */
public record ConnectionCaps(
    int total, int perAddress, int newPerSecond, int newBurst, int healthReserve) {

  /** Descriptors kept free for event logs, the store and the JVM when the default is derived. */
  static final int DESCRIPTORS_KEPT_FREE = 256;

  public ConnectionCaps {
    if (total < 1 || perAddress < 1 || newPerSecond < 1 || newBurst < 1 || healthReserve < 0) {
      throw new IllegalArgumentException("connection caps must be positive");
    }
  }

  /**
   * Total: 10,000 or the descriptor limit less {@value #DESCRIPTORS_KEPT_FREE}, whichever is
   * smaller; 512 per address (a workshop of 60 browsers behind one NAT holds about 120 to 360); 50
   * new a second per address with bursts of 500; 16 reserved for health checks.
   */
  public static ConnectionCaps defaults() {
    long fds = maxFileDescriptors();
    int total =
        fds <= 0 ? 10_000 : (int) Math.max(64, Math.min(10_000, fds - DESCRIPTORS_KEPT_FREE));
    return new ConnectionCaps(total, Math.min(512, total), 50, 500, 16);
  }

  public ConnectionCaps withTotal(int value) {
    return new ConnectionCaps(value, perAddress, newPerSecond, newBurst, healthReserve);
  }

  public ConnectionCaps withPerAddress(int value) {
    return new ConnectionCaps(total, value, newPerSecond, newBurst, healthReserve);
  }

  public ConnectionCaps withNewPerSecond(int perSecond, int burst) {
    return new ConnectionCaps(total, perAddress, perSecond, burst, healthReserve);
  }

  private static long maxFileDescriptors() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }
}
