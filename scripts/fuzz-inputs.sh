#!/usr/bin/env bash
# On-demand fuzzing of the scenario parser and the session log reader (issue #12), longer than
# CI's bounded jqwik properties. Each target gets MINUTES (default 10), split evenly between
# arbitrary bytes and structurally valid inputs (mutated built-in scenarios; a recorded game's
# log with records dropped, repeated, swapped, bit-flipped, or the file cut or flipped). Every
# input runs under a 10 s limit, so a hang is counted, not waited for. The compiled classes are
# copied aside first, so building in this tree meanwhile does not disturb the run.
# Prints one line per sub-target: inputs, seconds, crashes, hangs; exits 1 on any crash or hang
# (the input is printed to stderr).
# Usage: scripts/fuzz-inputs.sh [MINUTES] [scenario|log|all]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
case "${2:-all}" in
  scenario) targets=(scenario) ;;
  log) targets=(log) ;;
  all) targets=(scenario log) ;;
  *) echo "usage: scripts/fuzz-inputs.sh [MINUTES] [scenario|log|all]" >&2; exit 2 ;;
esac
mvn -B -q -ntp -o -pl server -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/fuzz.classpath -Dmdep.includeScope=test >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r server/target/classes "$work/classes"
cp -r server/target/test-classes "$work/test-classes"
cp -r protocol/target/classes "$work/protocol-classes"
cp server/target/fuzz.classpath "$work/classpath"
java -cp "$work/test-classes:$work/classes:$work/protocol-classes:$(cat "$work/classpath")" \
  org.quarterdeck.server.fuzz.FuzzMain $((minutes * 60)) "${targets[@]}"
