#!/usr/bin/env bash
# The long fuzz run of the network edge (issue 12): each target for SECONDS (default 600, i.e.
# 10 minutes per target) with Netty's leak detector at PARANOID, the fuzzing itself at nice 19
# (FUZZ_NICE) so that it takes only what the machine has spare; the build before it runs as called. Every input runs under a time
# limit (HANG_MS, default 5000 here: the run is meant to go at nice 19 on a busy machine), so a hang
# is counted, not waited for; a crash is counted and the run goes on. The compiled classes are
# copied aside first, so building in this tree meanwhile does not disturb the run, and two runs
# over different targets can go at once (one per core):
#   scripts/fuzz-network.sh [SECONDS] [TARGET...]
# Targets (default: all): envelope-bytes, envelope-messages, tcp-bytes, tcp-frames,
# websocket-bytes, websocket-frames, http-targets.
# Logs at WARN (every closed connection would otherwise be a line).
# Prints per target: inputs run, seconds, crashes, hangs, leaked buffers; exits 1 on any of them
# (the failing input is printed to stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(network)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# one build at a time in this tree: a second run started meanwhile waits for the first's copy
exec 9>"${TMPDIR:-/tmp}/quarterdeck-fuzz-build.lock"
flock 9
mvn -B -q -ntp -o -pl server -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/fuzz.classpath -Dmdep.includeScope=test >"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
cp -r server/target/classes "$work/classes"
cp -r server/target/test-classes "$work/test-classes"
cp -r protocol/target/classes "$work/protocol-classes"
cp server/target/fuzz.classpath "$work/classpath"
flock -u 9
nice -n "${FUZZ_NICE:-19}" java -DQUARTERDECK_LOG_LEVEL=WARN -Dio.netty.leakDetection.level=paranoid -Dfuzz.hang.ms="${HANG_MS:-5000}" \
  -cp "$work/test-classes:$work/classes:$work/protocol-classes:$(cat "$work/classpath")" \
  org.quarterdeck.server.fuzz.FuzzMain "$seconds" "${targets[@]}"
