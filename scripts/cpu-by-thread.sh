#!/usr/bin/env bash
# Prints where a running JVM's CPU time goes, by thread kind, over an interval: user + system time
# of every thread from /proc/PID/task/*/stat (kernel work included, which a JFR profile does not
# see: the store's writes and fsyncs, the event loops' sends), summed over threads whose names
# differ only by a number (the event loops, the fsync pool, GC workers). For the decision path in
# docs/performance.md ("CPU per decision"):
#   scripts/cpu-by-thread.sh PID 20 [DECISIONS]
# With DECISIONS (decisions accepted in the interval), also prints microseconds per decision.
set -euo pipefail
pid=$1
seconds=${2:-10}
decisions=${3:-0}
hz=$(getconf CLK_TCK)

snapshot() { # prints "tid name ticks" per thread
  for t in /proc/"$pid"/task/*; do
    [ -r "$t/stat" ] || continue
    stat=$(cat "$t/stat" 2>/dev/null) || continue
    name=${stat#*(}
    name=${name%)*}
    rest=${stat##*) }
    # shellcheck disable=SC2086
    set -- $rest
    echo "${t##*/} ${name// /_} $(( ${12} + ${13} ))"
  done
}

before=$(mktemp)
after=$(mktemp)
names=$(mktemp)
trap 'rm -f "$before" "$after" "$names"' EXIT
# the whole machine's busy time (every process and kernel thread: the file system's journal, the
# loopback network's soft interrupts), to compare with when nothing else runs
machine() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
m0=$(machine)
snapshot >"$before"
sleep "$seconds"
snapshot >"$after"
m1=$(machine)
# the kernel keeps 15 characters of a thread's name; a JVM's thread dump has them whole
if command -v jcmd >/dev/null; then
  jcmd "$pid" Thread.print 2>/dev/null |
    awk -F'"' '/ nid=0x/ { n = $2; gsub(/ /, "_", n); match($0, / nid=0x[0-9a-f]+/); print substr($0, RSTART + 7, RLENGTH - 7), n }' |
    while read -r hex name; do echo "$((16#$hex)) $name"; done >"$names" || true
fi
awk -v hz="$hz" -v s="$seconds" -v d="$decisions" -v machine=$((m1 - m0)) '
  FILENAME == ARGV[1] { whole[$1] = $2; next }
  FILENAME == ARGV[2] { was[$1] = $3; next }
  { kind = ($1 in whole) ? whole[$1] : $2; gsub(/[0-9]+/, "#", kind); used[kind] += $3 - (($1 in was) ? was[$1] : 0) }
  END {
    for (k in used) total += used[k]
    printf "CPU over %d s: %.2f s (%.2f cores); the whole machine: %.2f s (%.2f cores)", s, total / hz, total / hz / s, machine / hz, machine / hz / s
    if (d > 0) printf "; per decision: this process %.1f us, the machine %.1f us", 1e6 * total / hz / d, 1e6 * machine / hz / d
    printf "\n"
    for (k in used) if (used[k] > 0) {
      line = sprintf("%8.2f s  %5.1f%%", used[k] / hz, 100 * used[k] / total)
      if (d > 0) line = line sprintf("  %7.1f us/decision", 1e6 * used[k] / hz / d)
      print line "  " k
    }
  }' "$names" "$before" "$after" | { IFS= read -r header; echo "$header"; sort -rn; }
