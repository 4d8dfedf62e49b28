#!/usr/bin/env bash
# Starts a fresh Quarterdeck server (--fsync batch, its own data directory) and the bare Netty
# WebSocket echo server on loopback, runs the load generator against them with the arguments
# given, then stops both servers. Example:
#   scripts/load-run.sh --workload decisions --players 800 --sessions 200 --rates 1000,5000,10000
# The generator gets --server, --echo (decisions workload) and --server-pid; pass the rest.
# Environment: HTTP_PORT (18080), ECHO_PORT (19090), SERVER_OPTS (extra serve flags),
# SERVER_JAVA_OPTS (default -Xms2g -Xmx2g: with a growable heap, the generator's memory probe,
# a full GC before setup, shrinks the server's heap and the first steps run in it; see
# docs/performance.md#why-the-5ks-figures-differ), LOAD_JAVA_OPTS, SKIP_BUILD=1 to reuse the jars.
set -euo pipefail
cd "$(dirname "$0")/.."
# The script waits for lines the server prints in the person's language: ask for English.
export QUARTERDECK_LANG=en

HTTP_PORT=${HTTP_PORT:-18080}
TCP_PORT=${TCP_PORT:-17777}
ECHO_PORT=${ECHO_PORT:-19090}
SERVER_JAR=server/target/quarterdeck-server.jar
CLIENT_JAR=client-sample/target/quarterdeck-client.jar

# 10k players need ~11k descriptors in the generator and in the server.
want=65536
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
  ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
fi
echo "ulimit -n $(ulimit -n)"

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$SERVER_JAR" ] || [ ! -f "$CLIENT_JAR" ]; then
  mvn -B -q -ntp -DskipTests package
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/quarterdeck-load.XXXXXX")
server_pid=""
echo_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$echo_pid" ] && kill "$echo_pid" 2>/dev/null && wait "$echo_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck disable=SC2086
java ${SERVER_JAVA_OPTS:--Xms2g -Xmx2g} -jar "$SERVER_JAR" serve --bind 127.0.0.1 --http-port "$HTTP_PORT" \
  --tcp-port "$TCP_PORT" --data "$work/data" --fsync batch \
  --creations-per-address-per-hour 1000000 --max-anonymous-sessions 20000 \
  --requests-per-address 1000000 ${SERVER_OPTS:-} \
  >"$work/server.log" 2>&1 &
server_pid=$!
# shellcheck disable=SC2086
java ${SERVER_JAVA_OPTS:-} -cp "$CLIENT_JAR" org.quarterdeck.client.load.echo.EchoServer \
  --port "$ECHO_PORT" >"$work/echo.log" 2>&1 &
echo_pid=$!

for _ in $(seq 1 100); do
  if grep -q "is up" "$work/server.log" && grep -q "echo server at" "$work/echo.log"; then
    break
  fi
  sleep 0.2
done
grep -q "is up" "$work/server.log" || { cat "$work/server.log"; exit 1; }
echo "server pid $server_pid, echo pid $echo_pid, $(nproc) cores, $(uname -srm), $(date -u +%FT%TZ)"

echo_args=()
case " $* " in
  *" decisions "*|*" --workload decisions "*) echo_args=(--echo "ws://127.0.0.1:$ECHO_PORT/ws") ;;
esac
case " $* " in
  *" --workload "*) ;;
  *) echo_args=(--echo "ws://127.0.0.1:$ECHO_PORT/ws") ;;
esac

# shellcheck disable=SC2086
java ${LOAD_JAVA_OPTS:-} -jar "$CLIENT_JAR" load \
  --server "ws://127.0.0.1:$HTTP_PORT/ws" "${echo_args[@]}" --server-pid "$server_pid" "$@" \
  || status=$?
status=${status:-0}
grep -E "WARN|ERROR" "$work/server.log" | tail -20 || true
exit $status
