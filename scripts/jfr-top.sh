#!/usr/bin/env bash
# Prints where a JFR recording's CPU samples fall: the top methods by own samples (top frame) and
# by samples anywhere on the stack, and the GC pauses. For the profiles in docs/performance.md:
#   SERVER_JAVA_OPTS='-Xms2g -Xmx2g -XX:StartFlightRecording=filename=/tmp/server.jfr,settings=profile' \
#     scripts/perf-table.sh --rows deadline --config pinned
#   scripts/jfr-top.sh /tmp/server.jfr 25
set -euo pipefail
file=$1
n=${2:-20}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
jfr print --events jdk.ExecutionSample "$file" >"$tmp"
total=$(grep -c 'jdk.ExecutionSample' "$tmp" || true)
echo "CPU samples: $total"
echo
echo "Top methods, own samples (the frame that was running):"
awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print }' "$tmp" |
  sort | uniq -c | sort -rn | head -"$n" | awk -v t="$total" '{ c = $1; $1 = ""; printf "%6.1f%%  %s\n", 100 * c / t, $0 }'
echo
echo "Top methods, samples with the method anywhere on the stack (once per sample):"
awk '/jdk.ExecutionSample/ { delete seen } /^[ \t]+[a-zA-Z_$][a-zA-Z0-9_$.]*\(.*line:/ {
       m = $0; sub(/^[ \t]+/, "", m); sub(/\(.*/, "", m); if (!(m in seen)) { seen[m] = 1; print m } }' "$tmp" |
  sort | uniq -c | sort -rn | grep -E 'quarterdeck' | head -"$n" |
  awk -v t="$total" '{ printf "%6.1f%%  %s\n", 100 * $1 / t, $2 }'
echo
echo "GC pauses:"
jfr print --events jdk.GarbageCollection "$file" |
  awk '/name = / { name = $3 } /sumOfPauses = / { v = $3; u = $4; ms = (u ~ /^s/ ? v * 1000 : (u ~ /^us/ ? v / 1000 : v)); n++; s += ms; if (ms > m) m = ms }
       END { printf "  %d collections, pauses total %.1f ms, longest %.1f ms\n", n, s, m }'
