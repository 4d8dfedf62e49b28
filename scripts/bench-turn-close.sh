#!/usr/bin/env bash
# Runs the JMH benchmark of the full turn close (resolve, reports, state hash, records, messages,
# next turn) per session size, with JMH's allocation profiler, and prints CPU time and bytes
# allocated per close. Extra arguments go to JMH, e.g.: scripts/bench-turn-close.sh -f 3 -p teams=2
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -ntp -pl server -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
fi
CP="$(cat server/target/test-classpath.txt):server/target/test-classes:server/target/classes"
OUT=server/target/jmh-turn-close.csv
LOG=server/target/jmh-turn-close.log
java -cp "$CP" org.openjdk.jmh.Main 'org.quarterdeck.server.session.TurnCloseBenchmark' \
  -prof gc -prof org.quarterdeck.server.bench.CpuTimeProfiler -rf csv -rff "$OUT" "$@" | tee "$LOG"
echo
echo "per fork (each benchmark method runs in JVMs of its own): mean CPU time per close of the"
echo "benchmark thread, and wall time / CPU time (well above 1: other processes held the cores,"
echo "and the CPU time of a thread that shares them grows too; compare forks near 1):"
awk '/^# Benchmark:/ { b = $3; sub(/.*\./, "", b) } /^# Parameters:/ { p = $0; sub(/# Parameters: /, "", p); gsub(/ /, "", p) }
  /^# Fork:/ { f = $3 } /^Iteration/ { w = $3 }
  /^ +cpu.worker.norm:/ { k = sprintf("%-22s %-12s fork %2d", b, p, f); c[k] += $2; t[k] += w; n[k]++ }
  END { for (k in c) printf "  %s  cpu %8.1f us  wall/cpu %5.2f\n", k, c[k] / n[k], t[k] / c[k] }' "$LOG" |
  sort
echo
echo "per turn close (JMH single-shot time per close on this machine's clock; CPU time of the"
echo "benchmark thread and of the whole JVM per close; bytes allocated per close). closeTurns:"
echo "whole games (every twelfth close also ends its session); closeTurnsBeforeTheEnd: turns 1-11:"
awk -F, 'NR > 1 { gsub(/"/, ""); n = split($1, parts, ":"); metric = n > 1 ? parts[2] : "time";
  b = parts[1]; sub(/.*\./, "", b); k = sprintf("%-22s teams=%3s", b, $8);
  if (metric == "time") t[k] = sprintf("wall %8.1f us", $5);
  if (metric == "cpu.worker.norm") w[k] = sprintf("cpu %8.1f us (+-%.1f)", $5, $6);
  if (metric == "cpu.process.norm") p[k] = sprintf("jvm cpu %8.1f us", $5);
  if (metric == "gc.alloc.rate.norm") a[k] = sprintf("%9.0f bytes (+-%.0f)", $5, $6) }
  END { for (k in t) printf "  %s %s  %s  %s  %s\n", k, w[k], a[k], p[k], t[k] }' "$OUT" |
  sort
