package org.quarterdeck.server.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Primitive record of every contribution made during one team's turn; turned into readable
 * {@link VariableChange}s only when a report is asked for, so resolving a turn stays cheap.
 * Label ids below {@link #CAUSES} are {@link Cause} ordinals, the rest scenario labels; negative
 * ids are custom labels held in {@code custom}.
 */
final class ContributionLog {
  static final int CAUSES = Cause.values().length;

  private int[] var = new int[48];
  private int[] label = new int[48];
  private int[] origin = new int[48];
  private double[] amount = new double[48];
  private int size;
  private List<String> custom;

  void add(int v, int labelId, int originTurn, double amt) {
    if (size == var.length) {
      int n = size * 2;
      var = Arrays.copyOf(var, n);
      label = Arrays.copyOf(label, n);
      origin = Arrays.copyOf(origin, n);
      amount = Arrays.copyOf(amount, n);
    }
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
    custom.add(text);
    return -custom.size();
  }

  /** Contributions to one variable, merged by (label, origin), largest magnitude first. */
  List<Contribution> contributionsTo(Var v, Rules rules) {
    List<int[]> keys = new ArrayList<>();
    List<double[]> sums = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (var[i] != v.ordinal() || amount[i] == 0.0) {
        continue;
      }
      int found = -1;
      for (int k = 0; k < keys.size(); k++) {
        if (keys.get(k)[0] == label[i] && keys.get(k)[1] == origin[i]) {
          found = k;
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
    for (int k = 0; k < keys.size(); k++) {
      int id = keys.get(k)[0];
      Cause cause = id >= 0 && id < CAUSES ? Cause.values()[id] : null;
      String text = id < 0 ? custom.get(-id - 1) : rules.label(id);
      out.add(new Contribution(text, cause, keys.get(k)[1], sums.get(k)[0]));
    }
    // stable sort: ties keep first-recorded order, which is deterministic
    out.sort((a, b) -> Double.compare(StrictMath.abs(b.amount()), StrictMath.abs(a.amount())));
    return out;
  }

  boolean touches(Var v) {
    for (int i = 0; i < size; i++) {
      if (var[i] == v.ordinal()) {
        return true;
      }
    }
    return false;
  }
}
