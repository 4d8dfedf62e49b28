#!/usr/bin/env bash
# On-demand cluster benchmarks through real node processes on one PostgreSQL (docs/cluster.md).
# Not a test: it prints figures.
#
#   scripts/cluster-bench.sh decisions DATABASE_URL [SESSIONS] [RATE] [SECONDS]
#       Acknowledged decisions per second through two node processes, first on the file store (each
#       node its own directory), then on PostgreSQL (both nodes on one database), in the same run:
#       one load generator process (NodesLoad: the client's `load --workload decisions` once per
#       node, over the plain TCP game port, 2 players a session of which one submits) offers RATE
#       decisions/s in total, half to each node, for SECONDS after a warm-up. Prints a table: each
#       store's acknowledged rate, p50 and p99, the CPU seconds the nodes, the generator and
#       PostgreSQL used, and PostgreSQL's rate as a fraction of the file store's.
#   scripts/cluster-bench.sh takeover DATABASE_URL [SESSIONS] [RATE] [SECONDS]
#       Node A gets SESSIONS sessions played at RATE decisions/s for SECONDS (so about
#       RATE*SECONDS/SESSIONS decision records each, plus opening, seats and start) while node B
#       serves a tenth as many of its own (so its code is warm, as a survivor's is); A is killed
#       with SIGKILL; node B fences it, claims, reads and serves every session and rebuilds them
#       behind. Prints B's two takeover lines (every session serving; every session rebuilt:
#       sessions, milliseconds, sessions/s) and B's CPU seconds to each.
#   scripts/cluster-bench.sh hold DATABASE_URL [PLAYERS] [SECONDS]
#       Idle WebSocket players held past one process's descriptor limit: two node processes on
#       one PostgreSQL, and one load generator process per node (`load --workload hold`, PLAYERS / 2
#       players and PLAYERS / 40 sessions each, heartbeats every 15 s) for SECONDS (default 300).
#       Prints each generator's held line and its heap and RSS per player connection (measured in
#       its node's process by --server-pid). For the table's 20,000-player row on a machine whose
#       descriptor hard limit (20,000 here) is below what one process needs.
#
# Each run creates its own database in the server DATABASE_URL points at (postgres://user@host:port/db).
# SERVER_JAVA_OPTS (both nodes), SERVER_JAVA_OPTS_a / _b (one node), LOAD_JAVA_OPTS; NODE_FLAGS (more
# serve flags for every node, e.g. "--db-writers 2"); KEEP=1 keeps the logs; JFR_B=FILE dumps node
# b's flight recording (start one with SERVER_JAVA_OPTS_b). CP: the class path of server (with its
# test classes), protocol and client-sample with their dependencies (default: built by Maven:
# mvn -o -q -pl server -am test-compile dependency:build-classpath).
set -euo pipefail
cd "$(dirname "$0")/.."
# The script waits for lines the server prints in the person's language: ask for English.
export QUARTERDECK_LANG=en
mode=${1:?decisions, takeover or hold}
url=${2:?a postgres:// URL}
sessions=${3:-200}
rate=${4:-10000}
seconds=${5:-20}

if [ -z "${CP:-}" ]; then
  mvn -B -ntp -o -q -pl server -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/server/target/bench-cp.txt" >&2
  CP=server/target/classes:server/target/test-classes:protocol/target/classes:$(cat server/target/bench-cp.txt)
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

# start_node NAME [STORE]: starts a node (STORE: "postgres", the default, or "file": its own
# directory), sets port_NAME, tcp_NAME and pid_NAME
start_node() {
  local name=$1 store=${2:-postgres} http tcp opts=SERVER_JAVA_OPTS_$1 storeflags=()
  http=$(free_port)
  tcp=$(free_port)
  if [ "$store" = postgres ]; then storeflags=(--store "$base/$db" --node-id "$name"); fi
  # shellcheck disable=SC2086
  java ${SERVER_JAVA_OPTS:-} ${!opts:-} -cp "$CP" org.quarterdeck.server.cli.Main serve --bind 127.0.0.1 \
    --http-port "$http" --tcp-port "$tcp" --data "$work/data-$name-$store" "${storeflags[@]}" \
    --creations-per-address-per-hour 1000000 --max-anonymous-sessions 20000 \
    --requests-per-address 1000000 ${NODE_FLAGS:-} \
    >"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 300); do
    grep -q "is up" "$work/$name.log" 2>/dev/null && break
    sleep 0.2
  done
  grep -q "is up" "$work/$name.log" || { cat "$work/$name.log"; exit 1; }
  printf -v "port_$name" %s "$http"
  printf -v "tcp_$name" %s "$tcp"
  printf -v "pid_$name" %s "$pid"
}

# cpu PID...: CPU seconds (user + system) the processes used so far
cpu() {
  local hz total=0 p
  hz=$(getconf CLK_TCK)
  for p in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total $hz" | awk '{printf "%.1f", $1 / $2}'
}

# PostgreSQL's CPU seconds so far: the postmaster, its processes and the ones that ended (read from
# /proc: run the script where PostgreSQL runs, as a user that may read its data directory)
pg_cpu() {
  local dir post hz
  dir=$(psql -qAt "$url" -c "SHOW data_directory")
  post=$(head -1 "$dir/postmaster.pid" 2>/dev/null || true)
  if [ -z "$post" ] || [ ! -r "/proc/$post/stat" ]; then echo 0; return; fi
  hz=$(getconf CLK_TCK)
  # shellcheck disable=SC2046
  awk -v hz="$hz" -v post="/proc/$post/stat" '{t += $14 + $15} FILENAME == post {t += $16 + $17}
    END {printf "%.1f", t / hz}' "/proc/$post/stat" $(pgrep -P "$post" | sed 's|.*|/proc/&/stat|') \
    2>/dev/null || echo 0
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
    # one store at a time, the same two nodes' worth of processes and the same offered load
    run_store() {
      local store=$1 before_nodes before_gen before_pg
      start_node a "$store"
      start_node b "$store"
      # shellcheck disable=SC2086
      java ${LOAD_JAVA_OPTS:-} -cp "$CP" org.quarterdeck.server.bench.NodesLoad \
        "tcp://127.0.0.1:$tcp_a,tcp://127.0.0.1:$tcp_b" --workload decisions \
        --players $((sessions)) --sessions $((sessions / 2)) --rates $((rate / 2)) \
        --step-seconds "$seconds" --warmup-seconds 5 --ceiling-steps 0 --source-addresses 16 \
        --threads 1 --timeout-seconds 60 >"$work/load-$store.txt" 2>&1 &
      local gen=$!
      pids+=("$gen")
      # the CPU of the measured step only: from the end of the warm-up to the step's report
      for _ in $(seq 1 600); do
        [ "$(grep -c "decisions/s per connection" "$work/load-$store.txt" 2>/dev/null)" -ge 2 ] && break
        kill -0 "$gen" 2>/dev/null || break
        sleep 0.2
      done
      # from 1 s into the step to 1 s before its end, while the generator surely runs (sampled
      # after its end, a finished generator read as 0 and its CPU came out negative)
      local window=$((seconds > 4 ? seconds - 2 : seconds))
      sleep 6
      before_nodes=$(cpu "$pid_a" "$pid_b")
      before_gen=$(cpu "$gen")
      before_pg=$(pg_cpu)
      sleep "$window"
      after_nodes=$(cpu "$pid_a" "$pid_b")
      after_gen=$(kill -0 "$gen" 2>/dev/null && cpu "$gen" || echo "")
      after_pg=$(pg_cpu)
      wait "$gen" || true
      kill "$pid_a" "$pid_b" 2>/dev/null || true
      wait "$pid_a" "$pid_b" 2>/dev/null || true
      # the step lines of both nodes: "[0]   server  5000/s  sent N  accepted N  4990/s  p50 x  p90 x  p99 x ..."
      awk -v store="$store" -v cn="$(echo "$after_nodes - $before_nodes" | bc -l)" \
        -v cg="$([ -n "$after_gen" ] && echo "$after_gen - $before_gen" | bc -l || echo -1)" \
        -v cp="$(echo "$after_pg - $before_pg" | bc -l)" -v s="$window" '
        $2 == "server" && $4 == "sent" {
          offered += $3 + 0; acked += $8 + 0
          for (i = 1; i <= NF; i++) { if ($i == "p50") p50 = ($(i+1) > p50 ? $(i+1) : p50);
                                      if ($i == "p99") p99 = ($(i+1) > p99 ? $(i+1) : p99) }
          if ($0 ~ /errors \{[^}]/) errs = errs " " $0
        }
        END {
          if (store == "file") cp = 0
          printf "%-10s %8d %8.0f %9.1f %9.1f %8.1f %8s %8.1f\n", store, offered, acked, p50, p99,
            cn / s, (cg < 0 ? "?" : sprintf("%.1f", cg / s)), cp / s > "/dev/stdout"
          if (errs != "") print "  errors:" errs > "/dev/stderr"
        }' "$work/load-$store.txt" | tee -a "$work/table.txt"
    }
    printf "%-10s %8s %8s %9s %9s %8s %8s %8s\n" store offered/s acked/s "p50 ms" "p99 ms" \
      "nodes" "gen" "postgres"
    printf "%-10s %8s %8s %9s %9s %26s\n" "" "" "" "(worst)" "(worst)" "(cores busy, CPU s / s)"
    run_store file
    run_store postgres
    awk '{r[$1] = $3} END {if (r["file"] > 0) printf "PostgreSQL / file store: %.2f\n", r["postgres"] / r["file"]}' \
      "$work/table.txt"
    if [ "${VERBOSE:-0}" = 1 ]; then cat "$work"/load-*.txt; fi
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
    # await_b PATTERN WHAT: waits (up to a minute) for node b's line, then says when it came
    await_b() {
      for _ in $(seq 1 600); do
        grep -q "$1" "$work/b.log" && break
        sleep 0.1
      done
      echo "SIGKILL to $2 on b: $(( ($(date +%s%N) - killed) / 1000000 )) ms;" \
        "node b used $(echo "$(cpu_b) - $cpu_before" | bc -l | cut -c1-6) CPU seconds until then"
    }
    await_b "took over .* sessions in" "every session serving (the lease TTL is 5 s)"
    await_b "rebuilt .* sessions taken over" "every session rebuilt"
    grep -E "fenced node|took over|rebuilt .* sessions taken over" "$work/b.log" | sed 's/^.*\] //' | tail -4
    if [ -n "${JFR_B:-}" ]; then jcmd "$pid_b" JFR.dump filename="$JFR_B" >/dev/null; fi
    ;;
  hold)
    players=${3:-20000}
    hold_seconds=${4:-300}
    ulimit -n "$(ulimit -Hn)"
    start_node a
    start_node b
    gens=()
    for n in a b; do
      port=port_$n
      pid=pid_$n
      # shellcheck disable=SC2086
      java ${LOAD_JAVA_OPTS:-} -cp "$CP" org.quarterdeck.client.cli.Main load \
        --server "ws://127.0.0.1:${!port}/ws" --server-pid "${!pid}" --workload hold \
        --players $((players / 2)) --sessions $((players / 40)) --hold-seconds "$hold_seconds" \
        --heartbeat-seconds 15 --source-addresses 64 --connect-concurrency 400 \
        --timeout-seconds 180 >"$work/load-hold-$n.txt" 2>&1 &
      gens+=($!)
      pids+=($!)
    done
    for g in "${gens[@]}"; do wait "$g" || true; done
    for n in a b; do
      echo "node $n:"
      grep -E "held [0-9]+ s|heap per player connection|RSS per connection|errors" "$work/load-hold-$n.txt" | sed 's/^/  /'
    done
    ;;
  *) echo "decisions, takeover or hold" >&2; exit 2 ;;
esac
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
