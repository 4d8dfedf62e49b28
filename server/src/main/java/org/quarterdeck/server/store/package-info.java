/**
 * The embedded event-log store: one append-only file per session, group-committed by one writer
 * thread per store.
 *
 * <p>Thread model. {@link org.quarterdeck.server.store.EventLog#append(byte[])} and {@link
 * org.quarterdeck.server.store.EventStore#create(String)} never block: they frame the record on the
 * calling thread, put it on a bounded lock-free queue and return a future. The store's writer
 * thread ({@code quarterdeck-store-writer}) writes and fsyncs; futures are completed on the store's
 * acknowledgement thread ({@code quarterdeck-store-ack}), never on the writer, so a slow callback
 * cannot stall the disk. Callers on a Netty event loop hop back with {@code
 * future.thenAcceptAsync(result -> ..., eventLoop)} (and {@code whenCompleteAsync} / {@code
 * exceptionallyAsync} likewise) and must not run blocking work in a non-async callback.
 *
 * <p>The blocking methods ({@link org.quarterdeck.server.store.EventStore#open}, {@code
 * sessionIds}, {@code read}, {@code recover} and {@code close}) are for start-up, shutdown and
 * tools, never for an event loop. The file format and the durability of each {@link
 * org.quarterdeck.server.store.FsyncMode} are described in {@code README.store.md}.
 */
package org.quarterdeck.server.store;
