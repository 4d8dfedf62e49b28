/**
 * Sessions on PostgreSQL ({@code serve --store postgres://...}): the session logs as rows, written
 * in group-committed batches, and the node lease that fences every append. See docs/cluster.md.
 * Depends on {@code session} (it implements its journal interfaces), never the other way round.
 */
package org.quarterdeck.server.cluster;
