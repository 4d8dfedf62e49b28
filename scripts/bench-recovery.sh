#!/usr/bin/env bash
# Start-up recovery benchmark: writes (once) a data directory of 10,000 session logs holding about
# 1,000,000 records, copies it, then recovers the copy and prints the times (docs/performance.md,
# "Start-up recovery").
# Usage: scripts/bench-recovery.sh [--serve JAR] [--games live|ended] [--dir DIR] [--sessions N]
#          [--records N] [--threads N] [--eager] [--write-only] [--in-place]
# --games live (the default): games in play, each log cut in the middle of an open turn (a crash in
#   the middle of a workshop): every session is indexed at start and rebuilt behind.
# --games ended: games that ended, past their archive time: each log is kept as an archived summary.
# Without --serve, recovers in-process as `serve` does (RecoveryBenchmark) and prints when it would
# serve (every log read and indexed) and when every session is rebuilt behind, each with the
# process's CPU seconds; --eager rebuilds every session before serving (the way before lazy start).
# With --serve JAR (first argument), starts `java -jar JAR serve` on the copy and times process
# start → /readyz 200, with the server's CPU seconds from /proc, then stops it.
# A recovery appends to the logs, so each run recovers a fresh copy of the written directory
# (DIR-run) unless --in-place; --write-only writes the directory and stops.
# JAVA_OPTS adds JVM flags to RecoveryBenchmark, SERVER_JAVA_OPTS to the served jar (e.g.
# -XX:StartFlightRecording=filename=recovery.jfr,settings=profile). SKIP_BUILD=1 reuses the
# compiled classes.
set -euo pipefail
jar=
if [ "${1:-}" = --serve ]; then
  jar=$(realpath "$2") # before the cd: a path relative to where the script was started
  shift 2
fi
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -ntp -o -pl server -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-recovery.classpath -Dmdep.includeScope=test >/dev/null
fi
bench() {
  java ${JAVA_OPTS:-} \
    -cp "server/target/test-classes:server/target/classes:$(cat server/target/bench-recovery.classpath)" \
    org.quarterdeck.server.bench.recovery.RecoveryBenchmark "$@"
}
if [ -z "$jar" ]; then
  bench "$@"
  exit
fi

# --serve: the real server, from the process's start to /readyz answering 200
archive_after=60
for a in "$@"; do
  if [ "$a" = ended ]; then
    archive_after=0 # ended games past their archive time, whatever the directory's age
  fi
done
data=$(bench "$@" --prepare-only | tee /dev/stderr | sed -n 's/^prepared //p')
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
started=$(date +%s%N)
java ${SERVER_JAVA_OPTS:-} -jar "$jar" serve --data "$data" --bind 127.0.0.1 --http-port "$port" \
  --tcp-port 0 --archive-after-minutes "$archive_after" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
ready() { # one GET /readyz over bash's /dev/tcp: no process started per poll
  local status
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
  read -r _ status _ <&3 || status=0
  exec 3<&- 3>&-
  [ "$status" = 200 ]
}
until ready; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the server stopped before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.02
done
serving=$(date +%s%N)
read -r -a stat <"/proc/$pid/stat"
ticks=$(getconf CLK_TCK)
# fields 14 and 15 (utime, stime) count from 1; the command name has no spaces here ("(java)")
cpu=$(awk -v u="${stat[13]}" -v s="${stat[14]}" -v t="$ticks" 'BEGIN { printf "%.2f", (u + s) / t }')
printf 'serve: /readyz 200 after %.2f s from the process start, %s CPU s; load average %s\n' \
  "$(awk -v a="$started" -v b="$serving" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')" "$cpu" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
# the server's log (below) prints the same clock: where the time before serving went
printf 'process started at %s, /readyz answered 200 at %s\n' \
  "$(date -d "@${started:0:10}.${started:10:3}" +%T.%3N)" "$(date -d "@${serving:0:10}.${serving:10:3}" +%T.%3N)"
echo "CPU seconds by thread (digits stripped from the names), at that moment:"
for task in /proc/"$pid"/task/*; do
  # the name is between the parentheses; utime and stime are the 12th and 13th fields after it
  line=$(cat "$task/stat" 2>/dev/null) || continue
  name=${line#*(}
  name=${name%)*}
  rest=${line##*) }
  read -r -a f <<<"$rest"
  echo "${name//[0-9]/} ${f[11]} ${f[12]}"
done | awk -v t="$ticks" '{ n = $1; for (i = 2; i < NF - 1; i++) n = n " " $i; c[n] += ($(NF - 1) + $NF) / t }
  END { for (n in c) if (c[n] >= 0.01) printf "  %6.2f  %s\n", c[n], n }' | sort -rn | head -12
sleep 1
grep -E 'listening|recovering [0-9]|serving|quarantin' "$log" | head -20 || true
kill -TERM "$pid"
wait "$pid" || true
trap - EXIT
rm -f "$log"
