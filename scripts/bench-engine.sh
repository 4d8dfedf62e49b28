#!/usr/bin/env bash
# Runs the engine's JMH benchmark (turn resolution, one thread) and prints player-turns per second.
# Extra arguments go to JMH, e.g.: scripts/bench-engine.sh -wi 2 -i 3 -w 1s -r 2s -p teams=1000
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl server -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
CP="$(cat server/target/test-classpath.txt):server/target/test-classes:server/target/classes"
OUT=server/target/jmh-engine.csv
java -cp "$CP" org.openjdk.jmh.Main 'org.quarterdeck.server.bench.TurnResolutionBenchmark' \
  -rf csv -rff "$OUT" "$@"
echo
echo "player-turns per second (JMH score x teams):"
awk -F, 'NR > 1 { gsub(/"/, ""); b = $1; sub(/.*\./, "", b);
  printf "  %-22s teams=%-5s %12.0f player-turns/s (+-%.0f)\n", b, $8, $5 * $8, $6 * $8 }' "$OUT"
