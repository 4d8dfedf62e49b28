package org.quarterdeck.server.engine;

/** The discrete Bass (1969) diffusion step the engine uses for change adoption. */
public final class Adoption {
  private Adoption() {}

  /**
   * New adopters in one turn: n = (p + q·A)·(1 − A), where A is the current adopted share.
   *
   * @param adopted share already working the new way, 0..1
   * @param p innovation coefficient (external influence: leading change, vision)
   * @param q imitation coefficient (internal influence: trust, morale)
   */
  public static double newAdopters(double adopted, double p, double q) {
    return (p + q * adopted) * (1.0 - adopted);
  }
}
