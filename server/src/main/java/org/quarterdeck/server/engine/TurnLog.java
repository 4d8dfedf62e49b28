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

  private int[] team;
  private int[] var;
  private int[] label;
  private int[] origin;
  private double[] amount;
  private int size;
  private List<String> custom;
  private final int teams;
  // built lazily for reports: entry indices grouped by team, in recording order
  private int[] order;
  private int[] start;

  TurnLog(int teams) {
    this.teams = teams;
    int capacity = StrictMath.max(64, teams * 56);
    team = new int[capacity];
    var = new int[capacity];
    label = new int[capacity];
    origin = new int[capacity];
    amount = new double[capacity];
  }

  void add(int t, int v, int labelId, int originTurn, double amt) {
    if (size == var.length) {
      int n = size * 2;
      team = Arrays.copyOf(team, n);
      var = Arrays.copyOf(var, n);
      label = Arrays.copyOf(label, n);
      origin = Arrays.copyOf(origin, n);
      amount = Arrays.copyOf(amount, n);
    }
    team[size] = t;
    var[size] = v;
    label[size] = labelId;
    origin[size] = originTurn;
    amount[size] = amt;
    size++;
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
      start[team[i] + 1]++;
    }
    for (int t = 0; t < teams; t++) {
      start[t + 1] += start[t];
    }
    int[] fill = Arrays.copyOf(start, teams);
    order = new int[size];
    for (int i = 0; i < size; i++) {
      order[fill[team[i]]++] = i;
    }
  }

  /** True if anything was recorded for this team and variable. */
  boolean touches(int t, Var v) {
    index();
    for (int k = start[t]; k < start[t + 1]; k++) {
      if (var[order[k]] == v.ordinal()) {
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
      int i = order[k];
      if (var[i] != v.ordinal() || amount[i] == 0.0) {
        continue;
      }
      int found = -1;
      for (int j = 0; j < keys.size(); j++) {
        if (keys.get(j)[0] == label[i] && keys.get(j)[1] == origin[i]) {
          found = j;
          break;
        }
      }
      if (found < 0) {
        keys.add(new int[] {label[i], origin[i]});
        sums.add(new double[] {amount[i]});
      } else {
        sums.get(found)[0] += amount[i];
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
