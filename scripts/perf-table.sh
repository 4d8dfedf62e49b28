#!/usr/bin/env bash
# Measures every row of the performance table (docs/performance.md) and prints it as markdown.
#
#   scripts/perf-table.sh [--quick] [--config shared|pinned|both] [--out DIR] [--rows LIST]
#
# Builds the jars once (SKIP_BUILD=1 reuses them), then for every row starts a fresh server as its
# own process (serve --fsync batch, loopback, ports chosen by the kernel, its own data directory),
# runs the load generator against it and stops it. Configurations:
#   shared  server, echo server and generator share every core (what the older figures used);
#   pinned  server and echo server on CPU 0, generator on CPU 1 (taskset), so the generator's CPU
#           no longer competes with the server's (needs at least 2 cores).
# Rows (--rows takes a comma list of these names; default all):
#   deadline  1,000 sessions whose deadlines expire at one instant, 11 turns (C2 compiles the close until about turn 8)
#   decisions open-loop decisions over WebSocket binary frames, --fsync batch, with the echo ceiling
#   json      the same over WebSocket JSON text frames
#   tcp       the same over plain TCP
#   play      whole games, 1,000 players submitting at the same instant every turn
#   hold      20,000 idle WebSocket players with heartbeats (5 min; 60 s with --quick)
#   close     the full turn close per session size (scripts/bench-turn-close.sh, JMH), once
#   recovery  start -> serving with 1,000,000 records (scripts/bench-recovery.sh), once
# Time: --quick took 11 min per configuration on a loaded 2-core machine; in full about 15 min per
# configuration (estimated), plus the build and the two JMH rows; every generator run is bounded by
# `timeout`.
# Environment: SERVER_JAVA_OPTS (default below), LOAD_JAVA_OPTS, ECHO_JAVA_OPTS, SKIP_BUILD=1,
# NICE (e.g. 19), RATES (the decisions ladder, default 1000,2500,5000,7500,10000,12500,15000),
# SERVER_JAVA (the server's java, e.g. a JDK 21+ for generational ZGC; default: java on PATH),
# LOAD_JAVA (the generator's java; default: java on PATH).
# FSYNC (serve's --fsync for every row, default batch) and SERVE_FLAGS (more serve flags for every
# row, e.g. '--max-open-logs 4096'): to see what the disk costs a row; the table names both.
# Not -e: one failed row must not stop the others (each row reports its own failure).
set -uo pipefail
cd "$(dirname "$0")/.."
# The script waits for lines the server prints in the person's language: ask for English.
export QUARTERDECK_LANG=en

quick=0
configs="both"
rows="deadline,decisions,json,tcp,play,hold,close,recovery"
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --config) configs="$2"; shift ;;
    --rows) rows="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n 2,26p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$configs" = both ] && configs="shared pinned"
out=${out:-$(mktemp -d "${TMPDIR:-/tmp}/quarterdeck-perf.XXXXXX")}
mkdir -p "$out"

# G1 (JDK 17's default) with a fixed heap, so that heap growth does not move figures between runs;
# the GC log shows the pauses behind the decision tail. With a JDK 21+ as SERVER_JAVA, try
# SERVER_JAVA_OPTS='-Xms2g -Xmx2g -XX:+UseZGC' (generational by default from JDK 23; JDK 21 and 22
# need -XX:+ZGenerational): see docs/performance.md#gc-settings-per-jdk.
SERVER_JAVA=${SERVER_JAVA:-java}
LOAD_JAVA=${LOAD_JAVA:-java}
SERVE_FLAGS=${SERVE_FLAGS:-}
FSYNC=${FSYNC:-batch}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseG1GC}
LOAD_JAVA_OPTS=${LOAD_JAVA_OPTS:--Xms1g -Xmx2g}
# The echo server has its own options, so that a recording or GC log asked for the server is the
# server's alone.
ECHO_JAVA_OPTS=${ECHO_JAVA_OPTS:--Xms1g -Xmx1g}
SERVER_JAR=server/target/quarterdeck-server.jar
CLIENT_JAR=client-sample/target/quarterdeck-client.jar
nice_cmd=()
[ -n "${NICE:-}" ] && nice_cmd=(nice -n "$NICE")

# 20,000 players need ~21,500 descriptors in the generator and in the server (20,000 players, 1,000
# facilitators, up to 256 open logs). Raising the hard limit needs CAP_SYS_RESOURCE; without it the
# hold row is cut to what the limit allows, and the table says so.
want=65536
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
  ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
fi
fds=$(ulimit -n)
[ "$fds" = unlimited ] && fds=1048576
hold_players=20000
if [ "$fds" -lt 21600 ]; then
  hold_players=$(( (fds - 1000 - 600) / 1000 * 1000 ))
  echo "ulimit -n is $fds: the hold row holds $hold_players players, not 20,000" >&2
fi

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$SERVER_JAR" ] || [ ! -f "$CLIENT_JAR" ]; then
  mvn -B -q -ntp -o -DskipTests package || exit 1
fi

if [ "$(nproc)" -lt 2 ] && [[ " $configs " == *" pinned "* ]]; then
  echo "pinned needs 2 cores; running shared only" >&2
  configs="shared"
fi

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
jdk=$("$SERVER_JAVA" -version 2>&1 | head -2 | tail -1)
load_jdk=$("$LOAD_JAVA" -version 2>&1 | head -2 | tail -1)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
started=$(date -u +%FT%TZ)

server_pid=""
echo_pid=""
stop_servers() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$echo_pid" ]; then kill "$echo_pid" 2>/dev/null || true; wait "$echo_pid" 2>/dev/null || true; fi
  server_pid=""
  echo_pid=""
}
trap stop_servers EXIT

# start_server LOGNAME CPUSET [serve flags...]: sets server_pid, ws_url, tcp_url, echo_url.
start_server() {
  local name=$1 cpus=$2
  shift 2
  local pin=()
  [ -n "$cpus" ] && pin=(taskset -c "$cpus")
  rm -rf "$out/data-$name"
  # shellcheck disable=SC2086
  "${pin[@]}" "${nice_cmd[@]}" "$SERVER_JAVA" $SERVER_JAVA_OPTS -Xlog:gc:file="$out/gc-$name.log" \
    -jar "$SERVER_JAR" serve --bind 127.0.0.1 --http-port 0 --tcp-port 0 \
    --data "$out/data-$name" --fsync "$FSYNC" \
    --creations-per-address-per-hour 1000000 --max-anonymous-sessions 20000 \
    --max-connections $((fds - 512)) --max-connections-per-address 2000 \
    --requests-per-address 1000000 $SERVE_FLAGS "$@" \
    >"$out/server-$name.log" 2>&1 &
  server_pid=$!
  # shellcheck disable=SC2086
  "${pin[@]}" "${nice_cmd[@]}" "$SERVER_JAVA" $ECHO_JAVA_OPTS -cp "$CLIENT_JAR" \
    org.quarterdeck.client.load.echo.EchoServer --port 0 >"$out/echo-$name.log" 2>&1 &
  echo_pid=$!
  for _ in $(seq 1 900); do # up to 3 minutes: a JVM starts slowly on a busy machine
    grep -q "^  TCP " "$out/server-$name.log" && grep -q "echo server at" "$out/echo-$name.log" && break
    sleep 0.2
  done
  ws_url=$(awk '$1 == "WebSocket" { print $2; exit }' "$out/server-$name.log")
  tcp_url=$(awk '$1 == "TCP" { print $2; exit }' "$out/server-$name.log")
  echo_url=$(grep -o 'ws://[^ ]*' "$out/echo-$name.log" | head -1)
  if [ -z "$ws_url" ] || [ -z "$tcp_url" ] || [ -z "$echo_url" ]; then
    cat "$out/server-$name.log" "$out/echo-$name.log" >&2
    return 1
  fi
}

# generate LOGNAME CPUSET LIMIT_SECONDS [load args...]: runs the generator, output to the log.
generate() {
  local name=$1 cpus=$2 limit=$3
  shift 3
  local pin=()
  [ -n "$cpus" ] && pin=(taskset -c "$cpus")
  # shellcheck disable=SC2086
  timeout --kill-after=10 "$limit" "${pin[@]}" "${nice_cmd[@]}" "$LOAD_JAVA" $LOAD_JAVA_OPTS \
    -jar "$CLIENT_JAR" load --server-pid "$server_pid" "$@" >"$out/load-$name.log" 2>&1 || true
}

table="$out/table.md"
{
  echo "# Quarterdeck performance table"
  echo
  echo "Started $started, finished FINISHED. Machine: $(nproc) cores ($cpu), $mem, $(uname -sr)."
  echo "Server JDK: $jdk; generator JDK: $load_jdk. Server JVM: \`$SERVER_JAVA_OPTS\`; generator JVM: \`$LOAD_JAVA_OPTS\`."
  echo "Mode: $([ $quick = 1 ] && echo quick || echo full). \`ulimit -n\` $fds. Logs: $out."
  echo
  echo "| config | measure | goal | figure | load avg before | command (generator; server: \`serve --fsync $FSYNC $SERVE_FLAGS\`) |"
  echo "|---|---|---|---|---|---|"
} >"$table"

row() { # config measure goal figure load command
  printf '| %s | %s | %s | %s | %s | `%s` |\n' "$@" >>"$table"
  printf '%-7s %-45s %s\n' "$1" "$2" "$4"
}

# Figures from a generator log.
step_p99() { # log name rate
  awk -v n="$2" -v r="$3" '$1 == n && $2 == r "/s" { for (i = 1; i <= NF; i++) if ($i == "p99") { print $(i + 1); exit } }' "$1"
}
step_flag() { # log name rate -> sustained or NOT sustained
  awk -v n="$2" -v r="$3" '$1 == n && $2 == r "/s" { print (/NOT SUSTAINED/ ? "not sustained" : "sustained"); exit }' "$1"
}
has() { [[ ",$rows," == *",$1,"* ]]; }

step=10
warm=5
hold=300
[ $quick = 1 ] && { step=5; warm=5; hold=60; }
rates=${RATES:-1000,2500,5000,7500,10000,12500,15000}

for config in $configs; do
  if [ "$config" = pinned ]; then scpu=0; gcpu=1; else scpu=""; gcpu=""; fi

  if has deadline; then
    la=$(loadavg)
    args=(--workload deadline --players 2000 --sessions 1000 --deadline-seconds 8 --deadline-turns 11
      --source-addresses 16 --timeout-seconds 60)
    start_server "deadline-$config" "$scpu" || echo "server did not start" >&2
    generate "deadline-$config" "$gcpu" 600 --server "$ws_url" "${args[@]}"
    stop_servers
    log="$out/load-deadline-$config.log"
    fig=$(grep -o 'last TurnResolved received: [0-9]*' "$log" | awk '{ v = v s $NF; s = " / " } END { print v }')
    errs=$(grep -o 'deadline: errors .*' "$log" | head -1)
    row "$config" "1,000 deadlines at one instant: deadline → last TurnResolved, turns 1–11 (ms)" "≤ 250 ms" \
      "${fig:-FAILED, see $log} (${errs:-no error line})" "$la" "load ${args[*]}"
  fi

  for wire in decisions json tcp; do
    has "$wire" || continue
    la=$(loadavg)
    start_server "$wire-$config" "$scpu" || echo "server did not start" >&2
    server=$ws_url
    extra=()
    [ "$wire" = json ] && extra=(--json)
    [ "$wire" = tcp ] && server=$tcp_url
    args=(--workload decisions --players 800 --sessions 200 --rates "$rates" --step-seconds "$step"
      --warmup-seconds "$warm" --ceiling-steps 10 --source-addresses 16 --timeout-seconds 60 "${extra[@]}")
    generate "$wire-$config" "$gcpu" 900 --server "$server" --echo "$echo_url" "${args[@]}"
    stop_servers
    log="$out/load-$wire-$config.log"
    label=$([ "$wire" = decisions ] && echo "WebSocket binary" || { [ "$wire" = json ] && echo "WebSocket JSON" || echo "TCP"; })
    p5=$(step_p99 "$log" server 5000)
    p10=$(step_p99 "$log" server 10000)
    ceil=$(grep -o 'server: highest sustained rate [0-9]*' "$log" | awk '{ print $NF }')
    row "$config" "decisions ($label), open loop: p99 at 5k/s" "≤ 10 ms" "${p5:-?} ms ($(step_flag "$log" server 5000))" "$la" "load ${args[*]}"
    row "$config" "decisions ($label): p99 at 10k/s" "≤ 10 ms" "${p10:-?} ms ($(step_flag "$log" server 10000))" "$la" "same run"
    row "$config" "decisions ($label): highest sustained rate (p99 ≤ 100 ms)" "≥ 15k/s" "${ceil:-?}/s" "$la" "same run"
    if [ "$wire" = decisions ]; then
      echo_ceil=$(grep -o 'echo: highest sustained rate [0-9]*' "$log" | awk '{ print $NF }')
      ratio=$(grep -o 'ratio: server [0-9]* / echo [0-9]* = [0-9.]*' "$log" | awk '{ print $NF }')
      row "$config" "decision rate ÷ echo ceiling (echo: ${echo_ceil:-?}/s)" "≥ 0.3" "${ratio:-?}" "$la" "same run"
    fi
    pauses=$(awk '/Pause Young/ { n++; sub(/ms$/, "", $NF); t = $NF + 0; if (t > m) m = t } END { printf "%d young pauses, max %.1f ms", n, m }' "$out/gc-$wire-$config.log")
    echo "  $config $wire: GC: $pauses" | tee -a "$out/notes.txt"
  done

  if has play; then
    la=$(loadavg)
    # two rounds in one generator on one server: the first 250 games meet fresh JVMs (the JIT
    # compiles during them), the next 250 the code the first ones compiled, as a server (and a
    # generator) that has run for a while has it
    args=(--workload play --players 1000 --sessions 250 --bot-teams 1 --rounds 2 --source-addresses 16 --timeout-seconds 120)
    start_server "play-$config" "$scpu" || echo "server did not start" >&2
    generate "play-$config" "$gcpu" 900 --server "$ws_url" "${args[@]}"
    stop_servers
    log="$out/load-play-$config.log"
    for round in 1 2; do
      p99=$(grep 'play: decisions' "$log" | sed -n "${round}p" | grep -o 'p99 [0-9.]*' | awk '{ print $2 }')
      ended=$(grep -o 'every game ended\|NOT every game ended' "$log" | sed -n "${round}p")
      what="first 250 games of a fresh server"
      [ "$round" = 2 ] && what="the next 250 games"
      row "$config" "whole games (250 × 4 people + 1 bot), $what: TurnOpened → DecisionAccepted p99" "≤ 100 ms" \
        "${p99:-?} ms (${ended:-FAILED})" "$la" "load ${args[*]}"
    done
  fi

  if has hold; then
    la=$(loadavg)
    # 64 source addresses: the server admits at most 500 new connections per address in a burst.
    args=(--workload hold --players "$hold_players" --sessions 1000 --hold-seconds "$hold" --heartbeat-seconds 15
      --source-addresses 64 --connect-concurrency 400 --timeout-seconds 180)
    start_server "hold-$config" "$scpu" || echo "server did not start" >&2
    generate "hold-$config" "$gcpu" $((hold + 600)) --server "$ws_url" "${args[@]}"
    stop_servers
    log="$out/load-hold-$config.log"
    held=$(grep -o 'held [0-9]* s .*' "$log" | head -1)
    per=$(grep -o 'heap per player connection.*: [0-9.]* KiB' "$log" | awk '{ print $(NF - 1) }')
    rss=$(grep -o 'RSS per connection.*: [0-9.]* KiB' "$log" | awk '{ print $(NF - 1) }')
    row "$config" "$hold_players idle WebSocket players (goal: 20,000; \`ulimit -n\` $fds), heartbeats every 15 s, $hold s" "0 errors, ≤ 8 KiB heap each" \
      "${held:-FAILED, see $log}; heap ${per:-?} KiB, RSS ${rss:-?} KiB per player" "$la" "load ${args[*]}"
  fi
done

# The two rows measured by JMH benchmarks others own: once, not per configuration (no generator).
if has close; then
  if [ -x scripts/bench-turn-close.sh ]; then
    la=$(loadavg)
    timeout 1800 "${nice_cmd[@]}" scripts/bench-turn-close.sh >"$out/turn-close.log" 2>&1 || true
    row "-" "full turn close per 2-seat session (CPU, allocation)" "≤ 0.1 ms, ≤ 40 KB" \
      "see the appendix (JMH output)" "$la" "scripts/bench-turn-close.sh"
  else
    row "-" "full turn close per 2-seat session (CPU, allocation)" "≤ 0.1 ms, ≤ 40 KB" \
      "NOT RUN: scripts/bench-turn-close.sh (engineperf's JMH benchmark) is not on this branch" "$(loadavg)" "scripts/bench-turn-close.sh"
  fi
fi
if has recovery; then
  if [ -x scripts/bench-recovery.sh ]; then
    la=$(loadavg)
    timeout 1800 "${nice_cmd[@]}" scripts/bench-recovery.sh >"$out/recovery.log" 2>&1 || true
    row "-" "start → serving with 1,000,000 records in 10,000 session logs" "≤ 5 s" \
      "see the appendix" "$la" "scripts/bench-recovery.sh"
  else
    row "-" "start → serving with 1,000,000 records in 10,000 session logs" "≤ 5 s" \
      "NOT RUN: placeholder for the recovery benchmark of the 'sessions' work (scripts/bench-recovery.sh)" "$(loadavg)" "scripts/bench-recovery.sh"
  fi
fi

sed -i "s/FINISHED/$(date -u +%FT%TZ) (load average at the end $(loadavg))/" "$table"
{
  if [ -f "$out/notes.txt" ]; then
    echo
    echo "GC (server, \`-Xlog:gc\`):"
    echo
    sed 's/^  /- /' "$out/notes.txt"
  fi
  for f in turn-close recovery; do
    if [ -f "$out/$f.log" ]; then
      echo
      echo "Output of the $f benchmark (last 30 lines):"
      echo
      echo '```'
      tail -30 "$out/$f.log"
      echo '```'
    fi
  done
} >>"$table"
echo
cat "$table"
