#!/usr/bin/env bash
# CPU per decision on the decision path: a fresh server (serve --fsync batch, loopback, ports the
# kernel chooses, as scripts/perf-table.sh starts it) takes decisions at one fixed rate for two
# steps (the first warms up), and the generator prints, per step, the process CPU time of the
# server and of itself divided by the decisions accepted; meanwhile scripts/cpu-by-thread.sh splits
# the server's CPU in the second step by thread kind
# (event loops, store writer, fsync pool, acknowledgements, GC, JIT). CPU time is far less
# disturbed than latency by other work on a shared machine. See docs/performance.md, "CPU per
# decision".
#
#   scripts/decision-cpu.sh [--rate 5000] [--seconds 30] [--out DIR]
#
# Environment: SKIP_BUILD=1 reuses the jars; SERVER_JAVA_OPTS (default -Xms2g -Xmx2g
# -XX:+UseG1GC; add -XX:StartFlightRecording=filename=DIR/server.jfr,settings=profile for a
# profile, then scripts/jfr-top.sh), LOAD_JAVA_OPTS (default -Xms1g -Xmx2g), NICE, FSYNC (serve's
# --fsync, default batch; off shows what the disk costs per decision).
set -euo pipefail
cd "$(dirname "$0")/.."
export QUARTERDECK_LANG=en

rate=5000
seconds=30
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
out=${out:-$(mktemp -d "${TMPDIR:-/tmp}/quarterdeck-cpu.XXXXXX")}
mkdir -p "$out"
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseG1GC}
LOAD_JAVA_OPTS=${LOAD_JAVA_OPTS:--Xms1g -Xmx2g}
SERVER_JAR=server/target/quarterdeck-server.jar
CLIENT_JAR=client-sample/target/quarterdeck-client.jar
nice_cmd=()
[ -n "${NICE:-}" ] && nice_cmd=(nice -n "$NICE")
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$SERVER_JAR" ] || [ ! -f "$CLIENT_JAR" ]; then
  mvn -B -q -ntp -o -DskipTests package
fi

server_pid=""
stop() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; }
trap stop EXIT
rm -rf "$out/data"
# shellcheck disable=SC2086
"${nice_cmd[@]}" java $SERVER_JAVA_OPTS -Xlog:gc:file="$out/gc.log" -jar "$SERVER_JAR" serve \
  --bind 127.0.0.1 --http-port 0 --tcp-port 0 --data "$out/data" --fsync "${FSYNC:-batch}" \
  --creations-per-address-per-hour 1000000 --max-anonymous-sessions 20000 \
  --max-connections-per-address 2000 --requests-per-address 1000000 >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 900); do
  grep -q "^  TCP " "$out/server.log" && break
  sleep 0.2
done
ws_url=$(awk '$1 == "WebSocket" { print $2; exit }' "$out/server.log")
[ -n "$ws_url" ] || { cat "$out/server.log" >&2; exit 1; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/summary.txt"
# shellcheck disable=SC2086
"${nice_cmd[@]}" java $LOAD_JAVA_OPTS -jar "$CLIENT_JAR" load --server "$ws_url" \
  --server-pid "$server_pid" --workload decisions --players 800 --sessions 200 --rates "$rate,$rate" \
  --step-seconds "$seconds" --warmup-seconds 5 --ceiling-steps 0 --source-addresses 16 \
  --timeout-seconds 60 >"$out/load.log" 2>&1 &
load_pid=$!
# Two steps at the rate: the first warms the JIT compiler up (it still compiles through the first
# seconds at a new rate), the second is the figure. Split the second by thread.
until grep -qE '^server +[0-9]+/s' "$out/load.log" 2>/dev/null; do
  kill -0 "$load_pid" 2>/dev/null || break
  sleep 0.2
done
sleep 3
scripts/cpu-by-thread.sh "$server_pid" $((seconds - 6)) $((rate * (seconds - 6))) >"$out/threads.txt" || true
wait "$load_pid" || true
# the store's group commits over the whole run: records per batch and fsyncs (one per log per batch)
http_url=$(awk '$1 == "HTTP" { print $2; exit }' "$out/server.log")
curl -s "$http_url/metrics" | grep -E '^quarterdeck_store_(batch_records|fsync_seconds)_(count|sum)' >"$out/store.txt" || true
{
  grep -E '^(server|echo) +[0-9]+/s|CPU per decision' "$out/load.log" || cat "$out/load.log"
  echo "server threads over $((seconds - 6)) s of the step (us/decision at the offered rate):"
  cat "$out/threads.txt"
  awk '/batch_records_count/ { b = $2 } /batch_records_sum/ { r = $2 } /fsync_seconds_count/ { f = $2 }
       END { if (b > 0) printf "store over the run: %d records in %d batches (%.1f a batch), %d fsyncs (%.2f a record)\n", r, b, r / b, f, f / r }' "$out/store.txt"
  awk '/Pause Young/ { n++; sub(/ms$/, "", $NF); t = $NF + 0; if (t > m) m = t } END { printf "young pauses in the run: %d, longest %.1f ms\n", n, m }' "$out/gc.log"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$out/summary.txt"
