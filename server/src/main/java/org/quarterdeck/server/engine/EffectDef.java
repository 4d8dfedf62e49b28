package org.quarterdeck.server.engine;

/**
 * A compiled effect: variable ordinal, amount, delay, saturation, label id, optional scaling
 * variable (-1 for none; {@code complement} scales by what is missing of it instead) and the
 * pending slot used when the effect is delayed (-1 if immediate).
 */
record EffectDef(
    int var,
    double amount,
    int delay,
    double saturation,
    int label,
    int scaleBy,
    boolean complement,
    int slot) {

  /** Amount after diminishing returns for {@code hours} effective hours. */
  double forHours(double hours) {
    double x = saturation > 0 ? hours / (1.0 + hours / saturation) : hours;
    return amount * x;
  }
}
