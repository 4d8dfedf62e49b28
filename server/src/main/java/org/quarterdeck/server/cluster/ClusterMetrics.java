package org.quarterdeck.server.cluster;

/** The cluster's lines of /metrics (Prometheus text format). */
final class ClusterMetrics {
  private ClusterMetrics() {}

  static String text(NodeLease lease, WriterStats stats) {
    StringBuilder out = new StringBuilder(1024);
    metric(
        out,
        "quarterdeck_cluster_lease_held",
        "1 while this node holds its lease.",
        "gauge",
        lease.held() ? 1 : 0);
    metric(
        out, "quarterdeck_cluster_lease_epoch", "This node's lease epoch.", "gauge", lease.epoch());
    metric(
        out,
        "quarterdeck_cluster_lease_renewals_total",
        "Lease renewals that succeeded.",
        "counter",
        lease.renewals());
    metric(
        out,
        "quarterdeck_cluster_lease_renewal_failures_total",
        "Lease renewals that failed.",
        "counter",
        lease.failedRenewals());
    metric(
        out,
        "quarterdeck_cluster_append_batches_total",
        "Append transactions committed.",
        "counter",
        stats.batches());
    metric(
        out,
        "quarterdeck_cluster_append_records_total",
        "Records committed.",
        "counter",
        stats.records());
    metric(
        out,
        "quarterdeck_cluster_append_last_batch_size",
        "Records in the last batch.",
        "gauge",
        stats.lastBatchSize());
    metric(
        out,
        "quarterdeck_cluster_commit_micros_total",
        "Microseconds spent in append transactions (divide by batches for the mean).",
        "counter",
        stats.commitMicros());
    metric(
        out,
        "quarterdeck_cluster_commit_micros_max",
        "Slowest append transaction.",
        "gauge",
        stats.maxCommitMicros());
    metric(
        out,
        "quarterdeck_cluster_append_retries_total",
        "Batches tried again after a database blip.",
        "counter",
        stats.retries());
    metric(
        out,
        "quarterdeck_cluster_append_failed_batches_total",
        "Batches that failed (their clients got UNAVAILABLE).",
        "counter",
        stats.failedBatches());
    metric(
        out,
        "quarterdeck_cluster_append_fenced_batches_total",
        "Batches refused because this node's epoch was fenced.",
        "counter",
        stats.fencedBatches());
    return out.toString();
  }

  static void metric(StringBuilder out, String name, String help, String type, long value) {
    out.append("# HELP ")
        .append(name)
        .append(' ')
        .append(help)
        .append('\n')
        .append("# TYPE ")
        .append(name)
        .append(' ')
        .append(type)
        .append('\n')
        .append(name)
        .append(' ')
        .append(value)
        .append('\n');
  }
}
