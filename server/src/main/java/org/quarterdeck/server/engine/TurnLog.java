package org.quarterdeck.server.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Primitive record of every contribution made while resolving one turn, for all teams in one set
 * of arrays; turned into readable {@link Contribution}s only when a report is asked for, so
 * resolving stays cheap. Label ids below {@link #CAUSES} are {@link Cause} ordinals, the rest
 * scenario labels ({@code id - CAUSES}); negative ids are custom labels of injected events.
 */
final class TurnLog {
  static final int CAUSES = Cause.values().length;
  private static final Cause[] CAUSE_VALUES = Cause.values();

  /** Entries are stored in chunks so no array gets large (large arrays are slow to allocate). */
  private static final int CHUNK_BITS = 10;
  private static final int CHUNK = 1 << CHUNK_BITS;
  private static final int LABEL_BIAS = 1 << 17;

  // entry = team (24 bits) | var (6) | label + LABEL_BIAS (18) | origin turn (16)
  private long[][] meta = new long[8][];
  private double[][] amount = new double[8][];
  private int size;
  private List<String> custom;
  private final int teams;
  // built lazily for reports: entry indices grouped by team, in recording order
  private int[] order;
  private int[] start;

  TurnLog(int teams) {
    this.teams = teams;
  }

  void add(int t, int v, int labelId, int originTurn, double amt) {
    int chunk = size >>> CHUNK_BITS;
    int at = size & (CHUNK - 1);
    if (at == 0) {
      if (chunk == meta.length) {
        meta = Arrays.copyOf(meta, chunk * 2);
        amount = Arrays.copyOf(amount, chunk * 2);
      }
      meta[chunk] = new long[CHUNK];
      amount[chunk] = new double[CHUNK];
    }
    meta[chunk][at] = ((long) t << 40) | ((long) v << 34) | ((long) (labelId + LABEL_BIAS) << 16)
        | (originTurn & 0xFFFFL);
    amount[chunk][at] = amt;
    size++;
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

  /** True if anything was recorded for this team and variable. */
  boolean touches(int t, Var v) {
    index();
    for (int k = start[t]; k < start[t + 1]; k++) {
      if (var(meta(order[k])) == v.ordinal()) {
        return true;
      }
    }
    return false;
  }

  /** Contributions to one team's variable, merged by (label, origin), largest magnitude first. */
  List<Contribution> contributionsTo(int t, Var v, Rules rules) {
    index();
    List<int[]> keys = new ArrayList<>();
    List<double[]> sums = new ArrayList<>();
    for (int k = start[t]; k < start[t + 1]; k++) {
      long m = meta(order[k]);
      double amt = amount(order[k]);
      if (var(m) != v.ordinal() || amt == 0.0) {
        continue;
      }
      int found = -1;
      for (int j = 0; j < keys.size(); j++) {
        if (keys.get(j)[0] == label(m) && keys.get(j)[1] == origin(m)) {
          found = j;
          break;
        }
      }
      if (found < 0) {
        keys.add(new int[] {label(m), origin(m)});
        sums.add(new double[] {amt});
      } else {
        sums.get(found)[0] += amt;
      }
    }
    List<Contribution> out = new ArrayList<>(keys.size());
    for (int j = 0; j < keys.size(); j++) {
      int id = keys.get(j)[0];
      Cause cause = id >= 0 && id < CAUSES ? CAUSE_VALUES[id] : null;
      String text = id < 0 ? custom.get(-id - 1) : rules.label(id);
      out.add(new Contribution(text, cause, keys.get(j)[1], sums.get(j)[0]));
    }
    // stable sort: ties keep their recording order, which is deterministic
    out.sort((a, b) -> Double.compare(StrictMath.abs(b.amount()), StrictMath.abs(a.amount())));
    return out;
  }
}
