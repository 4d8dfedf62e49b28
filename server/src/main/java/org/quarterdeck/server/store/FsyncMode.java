package org.quarterdeck.server.store;

import java.util.Locale;

/** When the store calls {@code fsync}, and therefore what an acknowledged append survives. */
public enum FsyncMode {
  /**
   * One fsync per record before its acknowledgement. Nothing acknowledged is lost, even on power
   * loss; every append pays a full fsync.
   */
  ALWAYS,
  /**
   * Records are written as they arrive and one fsync per touched file covers a batch: the records
   * that arrived while the previous fsync ran (and, with a {@link StoreOptions#batchWindow()},
   * during that window). Acknowledgements wait for that fsync, so nothing acknowledged is lost,
   * even on power loss. The default.
   */
  BATCH,
  /**
   * Records are written to the operating system and acknowledged; the store never fsyncs except
   * when a log or the store is closed. A process crash loses nothing acknowledged; an OS crash or
   * power loss can lose everything written since the kernel last flushed (tens of seconds).
   */
  OFF;

  /** Parses a {@code --fsync} value: {@code always}, {@code batch} or {@code off}, any case. */
  public static FsyncMode parse(String value) {
    for (FsyncMode mode : values()) {
      if (mode.name().equalsIgnoreCase(value.trim())) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "unknown fsync mode '" + value + "': expected always, batch or off");
  }

  /** The spelling used on the command line. */
  public String flagValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
