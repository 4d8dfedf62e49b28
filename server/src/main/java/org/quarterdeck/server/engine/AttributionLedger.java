package org.quarterdeck.server.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Primitive record of every contribution made while resolving one turn, for all teams in one set of
 * arrays; turned into readable {@link Attribution}s only when a report is asked for, so resolving
 * stays cheap. Label ids below {@link #CAUSES} are {@link Cause} ordinals, the rest scenario labels
 * ({@code id - CAUSES}); negative ids are custom labels of injected events.
 */
final class AttributionLedger {
  static final int CAUSES = Cause.values().length;
  private static final Cause[] CAUSE_VALUES = Cause.values();

  /**
   * Entries are stored in chunks so no array gets large (large arrays are slow to allocate): 8,192
   * entries, two 64 KiB arrays, far below G1's humongous size (half a region, at least 512 KiB).
   */
  private static final int CHUNK_BITS = 13;

  static final int CHUNK = 1 << CHUNK_BITS;
  private static final int LABEL_BIAS = 1 << 17;

  /**
   * Entries a team usually records in a turn (about 50 in market-year, more with many delayed
   * effects); the first chunk starts at this size per team, so a small session does not allocate a
   * whole chunk (128 KiB) for a few hundred bytes of entries.
   */
  static final int ENTRIES_PER_TEAM = 64;

  // entry = team (24 bits) | var (6) | label + LABEL_BIAS (18) | origin turn (16)
  private long[][] meta;
  private double[][] amount;
  // the chunk being filled: its index, arrays, and the next free entry in it
  private int chunk;
  private long[] metaChunk;
  private double[] amountChunk;
  private int at;
  private List<String> custom;
  private final int teams;
  // built lazily for reports: entry indices grouped by team, in recording order
  private int[] order;
  private int[] start;

  /**
   * A ledger whose first chunk fits {@link #ENTRIES_PER_TEAM} entries per team (a whole chunk from
   * 128 teams on). Growing is rare then, and the JIT compiler keeps {@link #add} small: when a
   * 60-team turn filled three chunks of 1,024 entries, the growth was compiled into every caller
   * and made them too big to inline.
   */
  AttributionLedger(int teams) {
    this.teams = teams;
    int first = (int) StrictMath.min(CHUNK, (long) StrictMath.max(1, teams) * ENTRIES_PER_TEAM);
    meta = new long[first < CHUNK ? 1 : 4][];
    amount = new double[meta.length][];
    metaChunk = new long[first];
    amountChunk = new double[first];
    meta[0] = metaChunk;
    amount[0] = amountChunk;
  }

  /**
   * Records one contribution. Kept small so that the JIT compiler inlines it into every caller (a
   * 60-team turn records thousands): the rare growth is {@link #nextChunk()}.
   */
  void add(int t, int v, int labelId, int originTurn, double amt) {
    if (at == metaChunk.length) {
      nextChunk();
    }
    metaChunk[at] =
        ((long) t << 40)
            | ((long) v << 34)
            | ((long) (labelId + LABEL_BIAS) << 16)
            | (originTurn & 0xFFFFL);
    amountChunk[at++] = amt;
  }

  /** The chunk being filled is full: grow the first one up to a whole chunk, or start another. */
  private void nextChunk() {
    if (chunk == 0 && at < CHUNK) {
      // the first chunk was sized for a small session and is full: grow it up to a whole chunk
      int grown = StrictMath.min(CHUNK, at * 2);
      metaChunk = Arrays.copyOf(metaChunk, grown);
      amountChunk = Arrays.copyOf(amountChunk, grown);
    } else {
      chunk++;
      if (chunk == meta.length) {
        meta = Arrays.copyOf(meta, chunk * 2);
        amount = Arrays.copyOf(amount, chunk * 2);
      }
      metaChunk = new long[CHUNK];
      amountChunk = new double[CHUNK];
      at = 0;
    }
    meta[chunk] = metaChunk;
    amount[chunk] = amountChunk;
  }

  /** Entries recorded so far (every chunk before the one being filled is whole). */
  private int size() {
    return (chunk << CHUNK_BITS) + at;
  }

  private long meta(int i) {
    return meta[i >>> CHUNK_BITS][i & (CHUNK - 1)];
  }

  private double amount(int i) {
    return amount[i >>> CHUNK_BITS][i & (CHUNK - 1)];
  }

  private static int team(long m) {
    return (int) (m >>> 40);
  }

  private static int var(long m) {
    return (int) ((m >>> 34) & 0x3F);
  }

  private static int label(long m) {
    return (int) ((m >>> 16) & 0x3FFFF) - LABEL_BIAS;
  }

  private static int origin(long m) {
    return (int) (m & 0xFFFF);
  }

  int customLabel(String text) {
    if (custom == null) {
      custom = new ArrayList<>();
    }
    int existing = custom.indexOf(text);
    if (existing >= 0) {
      return -existing - 1;
    }
    custom.add(text);
    return -custom.size();
  }

  private void index() {
    if (order != null) {
      return;
    }
    int size = size();
    start = new int[teams + 1];
    for (int i = 0; i < size; i++) {
      start[team(meta(i)) + 1]++;
    }
    for (int t = 0; t < teams; t++) {
      start[t + 1] += start[t];
    }
    int[] fill = Arrays.copyOf(start, teams);
    order = new int[size];
    for (int i = 0; i < size; i++) {
      order[fill[team(meta(i))]++] = i;
    }
  }

  /**
   * Writes one team's changes to {@code out}: the same variables, contributions and order as {@link
   * #contributions} and the report built from it, but from a few primitive arrays instead of a list
   * of objects per variable (the turn close builds every team's report each turn).
   */
  void explain(int t, Rules rules, TeamState was, TeamState now, ReportWriter out) {
    index();
    int from = start[t];
    int n = start[t + 1] - from;
    // the team's entries grouped by variable, in recording order within each
    int[] varStart = new int[Var.COUNT + 1];
    for (int k = 0; k < n; k++) {
      varStart[var(meta(order[from + k])) + 1]++;
    }
    for (int v = 0; v < Var.COUNT; v++) {
      varStart[v + 1] += varStart[v];
    }
    int[] fill = Arrays.copyOf(varStart, Var.COUNT);
    int[] grouped = new int[n];
    for (int k = 0; k < n; k++) {
      int i = order[from + k];
      grouped[fill[var(meta(i))]++] = i;
    }
    long[] keys = new long[n];
    double[] sums = new double[n];
    for (int v = 0; v < Var.COUNT; v++) {
      int lo = varStart[v];
      int hi = varStart[v + 1];
      int merged = lo; // merged entries of this variable: [lo, merged)
      for (int j = lo; j < hi; j++) {
        long key = meta(grouped[j]) & 0x3FFFFFFFFL; // label and origin
        int found = -1;
        for (int u = lo; u < merged; u++) {
          if (keys[u] == key) {
            found = u;
            break;
          }
        }
        if (found < 0) {
          found = merged++;
          keys[found] = key;
          sums[found] = 0.0;
        }
        sums[found] += amount(grouped[j]);
      }
      int kept = lo; // without the contributions that cancelled out
      for (int u = lo; u < merged; u++) {
        if (sums[u] != 0.0) {
          keys[kept] = keys[u];
          sums[kept] = sums[u];
          kept++;
        }
      }
      // stable insertion sort, largest magnitude first: ties keep their recording order, as the
      // stable List.sort of contributions() does
      for (int i = lo + 1; i < kept; i++) {
        long key = keys[i];
        double sum = sums[i];
        int j = i - 1;
        while (j >= lo && Double.compare(StrictMath.abs(sum), StrictMath.abs(sums[j])) > 0) {
          keys[j + 1] = keys[j];
          sums[j + 1] = sums[j];
          j--;
        }
        keys[j + 1] = key;
        sums[j + 1] = sum;
      }
      double before = was.values[v];
      double after = now.values[v];
      if (before != after || kept > lo) {
        out.change(Var.ALL[v], before, after);
        for (int u = lo; u < kept; u++) {
          int id = label(keys[u]);
          out.contribution(
              id < 0 ? custom.get(-id - 1) : rules.label(id), origin(keys[u]), sums[u]);
        }
      }
    }
  }

  /**
   * Contributions to each of one team's variables (indexed by {@link Var} ordinal; null if none was
   * recorded), merged by (label, origin turn), largest magnitude first.
   */
  List<Attribution>[] contributions(int t, Rules rules) {
    index();
    @SuppressWarnings({"unchecked", "rawtypes"}) // arrays of generics need a raw creation
    List<Attribution>[] out = new List[Var.COUNT];
    // per variable: parallel lists of merge keys and sums, in recording order
    long[][] keys = new long[Var.COUNT][];
    double[][] sums = new double[Var.COUNT][];
    int[] counts = new int[Var.COUNT];
    for (int k = start[t]; k < start[t + 1]; k++) {
      long m = meta(order[k]);
      double amt = amount(order[k]);
      int v = var(m);
      long key = m & 0x3FFFFFFFFL; // label and origin
      if (keys[v] == null) {
        keys[v] = new long[8];
        sums[v] = new double[8];
      }
      int found = -1;
      for (int j = 0; j < counts[v]; j++) {
        if (keys[v][j] == key) {
          found = j;
          break;
        }
      }
      if (found < 0) {
        if (counts[v] == keys[v].length) {
          keys[v] = Arrays.copyOf(keys[v], counts[v] * 2);
          sums[v] = Arrays.copyOf(sums[v], counts[v] * 2);
        }
        found = counts[v]++;
        keys[v][found] = key;
      }
      sums[v][found] += amt;
    }
    for (int v = 0; v < Var.COUNT; v++) {
      if (keys[v] == null) {
        continue;
      }
      List<Attribution> list = new ArrayList<>(counts[v]);
      for (int j = 0; j < counts[v]; j++) {
        if (sums[v][j] == 0.0) {
          continue;
        }
        int id = label(keys[v][j]);
        Cause cause = id >= 0 && id < CAUSES ? CAUSE_VALUES[id] : null;
        String text = id < 0 ? custom.get(-id - 1) : rules.label(id);
        list.add(new Attribution(text, cause, origin(keys[v][j]), sums[v][j]));
      }
      // stable sort: ties keep their recording order, which is deterministic
      list.sort((a, b) -> Double.compare(StrictMath.abs(b.amount()), StrictMath.abs(a.amount())));
      out[v] = list;
    }
    return out;
  }
}
