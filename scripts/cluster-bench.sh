#!/usr/bin/env bash
# On-demand cluster benchmarks through real node processes on one PostgreSQL (docs/cluster.md).
# Not a test: it prints figures.
#
#   scripts/cluster-bench.sh decisions DATABASE_URL [SESSIONS] [RATE] [SECONDS]
#       Two nodes; a load generator per node (`load --workload decisions`, 2 players a session,
#       half the sessions on each node) offers RATE decisions/s in total for SECONDS; prints each
#       generator's acknowledged rate and latency.
#   scripts/cluster-bench.sh takeover DATABASE_URL [SESSIONS] [RATE] [SECONDS]
#       Node A gets SESSIONS sessions played at RATE decisions/s for SECONDS (so about
#       RATE*SECONDS/SESSIONS decision records each, plus opening, seats and start) while node B
#       serves a tenth as many of its own (so its code is warm, as a survivor's is); A is killed
#       with SIGKILL; node B fences it, claims and rebuilds every session. Prints B's takeover line
#       (sessions, milliseconds, sessions/s).
#
# Each run creates its own database in the server DATABASE_URL points at (postgres://user@host:port/db).
# SERVER_JAVA_OPTS (both nodes), SERVER_JAVA_OPTS_a / _b (one node), LOAD_JAVA_OPTS; KEEP=1 keeps the
# logs; JFR_B=FILE dumps node b's flight recording (start one with SERVER_JAVA_OPTS_b). CP: the class path of server, protocol and client-sample with their dependencies (default: built
# by Maven: mvn -o -q -pl server -am test-compile dependency:build-classpath).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?decisions or takeover}
url=${2:?a postgres:// URL}
sessions=${3:-200}
rate=${4:-10000}
seconds=${5:-20}

if [ -z "${CP:-}" ]; then
  mvn -B -ntp -o -q -pl server -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/server/target/bench-cp.txt" >&2
  CP=server/target/classes:protocol/target/classes:$(cat server/target/bench-cp.txt)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/quarterdeck-cluster-bench.XXXXXX")
db="qd_bench_$$"
base=${url%/*}
psql -q "$url" -c "CREATE DATABASE $db" >/dev/null
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "logs in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_node NAME: starts a node, sets port_NAME and pid_NAME
start_node() {
  local name=$1 http tcp opts=SERVER_JAVA_OPTS_$1
  http=$(free_port)
  tcp=$(free_port)
  # shellcheck disable=SC2086
  java ${SERVER_JAVA_OPTS:-} ${!opts:-} -cp "$CP" org.quarterdeck.server.cli.Main serve --bind 127.0.0.1 \
    --http-port "$http" --tcp-port "$tcp" --data "$work/data-$name" --store "$base/$db" \
    --node-id "$name" --creations-per-address-per-hour 1000000 --max-anonymous-sessions 20000 \
    --requests-per-address 1000000 \
    >"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 300); do
    grep -q "is up" "$work/$name.log" 2>/dev/null && break
    sleep 0.2
  done
  grep -q "is up" "$work/$name.log" || { cat "$work/$name.log"; exit 1; }
  printf -v "port_$name" %s "$http"
  printf -v "pid_$name" %s "$pid"
}

# load PORT SESSIONS RATE SECONDS: the decisions workload against one node
load() {
  # shellcheck disable=SC2086
  java ${LOAD_JAVA_OPTS:-} -cp "$CP" org.quarterdeck.client.cli.Main load \
    --server "ws://127.0.0.1:$1/ws" --workload decisions --players $(($2 * 2)) --sessions "$2" \
    --rates "$3" --step-seconds "$4" --warmup-seconds 3 --ceiling-steps 0 --source-addresses 16
}

echo "$(nproc) cores, $(uname -srm), $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
case "$mode" in
  decisions)
    start_node a
    start_node b
    load "$port_a" $((sessions / 2)) $((rate / 2)) "$seconds" >"$work/load-a.txt" 2>&1 &
    la=$!
    load "$port_b" $((sessions / 2)) $((rate / 2)) "$seconds" >"$work/load-b.txt" 2>&1 &
    lb=$!
    wait "$la" "$lb" || true
    echo "--- node a"; cat "$work/load-a.txt"
    echo "--- node b"; cat "$work/load-b.txt"
    ;;
  takeover)
    start_node a
    start_node b
    # b serves sessions of its own meanwhile (a tenth), as a survivor does: its code is warm
    load "$port_b" $((sessions / 10 + 1)) $((rate / 10 + 1)) "$seconds" >"$work/load-b.txt" 2>&1 &
    lb=$!
    load "$port_a" "$sessions" "$rate" "$seconds" >"$work/load-a.txt" 2>&1 || true
    wait "$lb" || true
    tail -3 "$work/load-a.txt"
    psql -qAt "$base/$db" -c "SELECT 'node a: ' || count(DISTINCT r.session_id) || ' sessions, '
      || round(count(*)::numeric / greatest(1, count(DISTINCT r.session_id)), 1) || ' records each'
      FROM session_record r JOIN session_owner o USING (session_id) WHERE o.node_id = 'a'"
    # CPU seconds of node b (user + system) around the takeover: the machine is shared, so the
    # sessions per CPU-second say more than the wall clock
    cpu_b() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$pid_b/stat"; }
    cpu_before=$(cpu_b)
    kill -9 "$pid_a"
    killed=$(date +%s%N)
    for _ in $(seq 1 600); do
      grep -q "took over .* sessions in" "$work/b.log" && break
      sleep 0.1
    done
    echo "SIGKILL to takeover done: $(( ($(date +%s%N) - killed) / 1000000 )) ms (the lease TTL is 5 s)"
    echo "node b used $(echo "$(cpu_b) - $cpu_before" | bc -l | cut -c1-6) CPU seconds meanwhile"
    grep -E "fenced node|took over" "$work/b.log" | sed 's/^.*\] //' | tail -4
    if [ -n "${JFR_B:-}" ]; then jcmd "$pid_b" JFR.dump filename="$JFR_B" >/dev/null; fi
    ;;
  *) echo "decisions or takeover" >&2; exit 2 ;;
esac
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
