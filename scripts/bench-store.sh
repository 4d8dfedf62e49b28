#!/usr/bin/env bash
# Event-store benchmark: appends/s and acknowledgement latency per fsync mode and appender count.
# Usage: scripts/bench-store.sh [--dir DIR] [--seconds N] [--modes always,batch,batch2,off]
#        [--appenders 1,16,256] [--payload BYTES]
# DIR must be on the disk you care about (not a tmpfs); the default is /work/store-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl server -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-store.classpath -Dmdep.includeScope=test >/dev/null
# build-classpath runs in every module of the reactor; the server's file is the one we need.
exec java -cp "server/target/test-classes:server/target/classes:$(cat server/target/bench-store.classpath)" \
  org.quarterdeck.server.bench.store.StoreBenchmark "$@"
