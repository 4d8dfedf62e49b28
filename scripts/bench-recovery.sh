#!/usr/bin/env bash
# Start-up recovery benchmark: writes (once) a data directory of 10,000 session logs holding
# 1,000,000 records, then recovers it as `serve` does and prints the time.
# Usage: scripts/bench-recovery.sh [--dir DIR] [--sessions N] [--records N] [--threads N] [--eager]
#          [--write-only]
# Prints when the server would serve (every log read and indexed) and when every session is rebuilt
# behind; --eager rebuilds every session before serving (the way before lazy start).
# A recovery changes the directory (passed deadlines resolve and append): --write-only writes it and
# stops, so that each run can recover a fresh copy of it.
# JAVA_OPTS adds JVM flags (e.g. -XX:StartFlightRecording=filename=recovery.jfr for a profile).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl server -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-recovery.classpath -Dmdep.includeScope=test >/dev/null
exec java ${JAVA_OPTS:-} \
  -cp "server/target/test-classes:server/target/classes:$(cat server/target/bench-recovery.classpath)" \
  org.quarterdeck.server.bench.recovery.RecoveryBenchmark "$@"
