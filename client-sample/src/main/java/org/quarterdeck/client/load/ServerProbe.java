package org.quarterdeck.client.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a local server's memory: heap in use after a full GC ({@code jcmd PID GC.run}, then {@code
 * GC.heap_info}) and resident set size ({@code /proc/PID/status} VmRSS), and its CPU time.
 */
final class ServerProbe {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  /** Heap used after a full GC and resident set size, in bytes; -1 when unknown. */
  record Memory(long heapUsedBytes, long rssBytes) {
    String describe(Texts t) {
      return t.say("memory", heapUsedBytes / 1048576.0, rssBytes / 1048576.0);
    }
  }

  /** utime and stime in /proc/PID/stat, counted from the field after the command name. */
  private static final int USER_TIME = 11;

  private static final int SYSTEM_TIME = 12;
  private static final long TICKS_PER_SECOND = 100;

  private final long pid;

  ServerProbe(long pid) {
    this.pid = pid;
  }

  boolean enabled() {
    return pid > 0;
  }

  Memory measure() {
    if (!enabled()) {
      return new Memory(-1, -1);
    }
    long heap = -1;
    try {
      jcmd("GC.run");
      String info = jcmd("GC.heap_info");
      heap = 0;
      for (String line : info.split("\n")) {
        if (line.contains("Metaspace") || line.contains("class space")) {
          break;
        }
        if (line.contains("region size")) {
          continue;
        }
        Matcher m = USED.matcher(line);
        while (m.find()) {
          heap += Long.parseLong(m.group(1)) * 1024;
        }
      }
    } catch (IOException | InterruptedException e) {
      heap = -1;
    }
    return new Memory(heap, rss());
  }

  long rss() {
    try {
      Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
      return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * The server process's CPU time so far (user + system, every thread: event loops, store, GC, JIT)
   * from {@code /proc/PID/stat}, in nanoseconds; -1 when unknown. The kernel counts it in ticks of
   * 1/100 s (USER_HZ), so a step of several seconds is needed for a figure per decision.
   */
  long cpuNanos() {
    if (!enabled()) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name, in parentheses, may hold spaces: count fields after its closing one
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long ticks = Long.parseLong(f[USER_TIME]) + Long.parseLong(f[SYSTEM_TIME]);
      return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** This process's (the generator's) CPU time so far, in nanoseconds; -1 when unknown. */
  static long ownCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + command + " failed: " + output);
    }
    return output;
  }
}
