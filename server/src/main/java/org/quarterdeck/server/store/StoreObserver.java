package org.quarterdeck.server.store;

/**
 * Hears how long the store's disk work takes, for metrics. Called on the store's writer and fsync
 * threads, so an implementation must be thread-safe and quick; the store stays a leaf by owning
 * this interface rather than knowing who listens.
 */
public interface StoreObserver {
  /** Observes nothing. */
  StoreObserver NONE =
      new StoreObserver() {
        @Override
        public void batchCommitted(int records, long nanos) {}

        @Override
        public void fsynced(long nanos) {}
      };

  /** A group-commit batch of {@code records} became durable; its fsyncs took {@code nanos}. */
  void batchCommitted(int records, long nanos);

  /** One log's fsync took {@code nanos}. */
  void fsynced(long nanos);
}
