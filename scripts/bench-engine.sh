#!/usr/bin/env bash
# Runs the engine's JMH benchmark (turn resolution, one thread) and prints player-turns per second:
# from JMH's score (wall time), and from the CPU time the benchmark thread used per turn (what a
# machine shared with other work still measures), with the bytes allocated per session turn.
# Extra arguments go to JMH, e.g.: scripts/bench-engine.sh -wi 2 -i 3 -w 1s -r 2s -p teams=2,10,60
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -ntp -pl server -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
fi
CP="$(cat server/target/test-classpath.txt):server/target/test-classes:server/target/classes"
OUT=server/target/jmh-engine.csv
java -cp "$CP" org.openjdk.jmh.Main 'org.quarterdeck.server.bench.TurnResolutionBenchmark' \
  -prof gc -prof org.quarterdeck.server.bench.CpuTimeProfiler -rf csv -rff "$OUT" "$@"
echo
echo "player-turns per second (JMH score x teams; then teams / CPU time per session turn):"
awk -F, 'NR > 1 { gsub(/"/, ""); n = split($1, parts, ":"); b = parts[1]; sub(/.*\./, "", b);
  key = sprintf("%-22s teams=%-5s", b, $8);
  if (n == 1) { order[++k] = key; wall[key] = sprintf("%12.0f (+-%.0f)", $5 * $8, $6 * $8) }
  else if (parts[2] == "cpu.worker.norm") cpu[key] = sprintf("%12.0f by CPU time", $8 / ($5 / 1e6))
  else if (parts[2] == "gc.alloc.rate.norm") alloc[key] = sprintf("%9.0f bytes/turn", $5) }
  END { for (i = 1; i <= k; i++) printf "  %s %s  %s  %s\n", order[i], wall[order[i]], cpu[order[i]], alloc[order[i]] }' "$OUT"
