package org.quarterdeck.server.engine;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The outcome of a check: either the accepted value or a {@link Rejection}, never both.
 *
 * @param <T> the accepted value's type
 */
public final class Verdict<T> {
  private final T value;
  private final Rejection rejection;

  private Verdict(T value, Rejection rejection) {
    this.value = value;
    this.rejection = rejection;
  }

  static <T> Verdict<T> accept(T value) {
    return new Verdict<>(requireNonNull(value, "value"), null);
  }

  static <T> Verdict<T> reject(RejectionCode code, String field, String message) {
    return new Verdict<>(null, new Rejection(code, field, message));
  }

  /** True if accepted. */
  public boolean isAccepted() {
    return value != null;
  }

  /** The accepted value; throws if rejected. */
  public T value() {
    if (value == null) {
      throw new IllegalStateException("rejected: " + rejection);
    }
    return value;
  }

  /** The rejection, if rejected. */
  public Optional<Rejection> rejection() {
    return Optional.ofNullable(rejection);
  }

  @Override
  public String toString() {
    return value != null ? "accepted " + value : "rejected " + rejection;
  }
}
