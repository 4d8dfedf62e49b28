#!/usr/bin/env bash
# Where the server's CPU goes in each deadline burst, per thread, from /proc (load-insensitive:
# CPU time, not wall time). Runs the deadline row of scripts/perf-table.sh (its flags and
# environment pass through), samples every thread of the server and of the generator every 50 ms
# (utime + stime from /proc/PID/task/TID/stat), and prints for each turn, thread group by thread
# group, the CPU milliseconds spent from 100 ms before the deadline to the last TurnResolved
# ("burst") and from then to 4 s after the deadline ("after": the next turn's submissions and the
# facilitators' new deadlines), for the server and for the load generator, thread group by group.
# The deadline row runs 11 turns (perf-table.sh); the JIT compilers still work in turn 11.
#
#   SKIP_BUILD=1 scripts/burst-cpu.sh --out /tmp/burst [--config shared] [--rows deadline]
#
# Each figure is followed by the kernel's part of it (stime: socket writes, fsyncs, epoll, page
# faults), which splits a group's CPU between its own code and the system calls it makes.
set -euo pipefail
cd "$(dirname "$0")/.."
out=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = --out ] && out=${args[$((i + 1))]}
done
[ -n "$out" ] || { echo "usage: burst-cpu.sh --out DIR [perf-table.sh flags]" >&2; exit 2; }
mkdir -p "$out"
samples="$out/thread-cpu.txt"
tick=$(getconf CLK_TCK)

sample() { # epoch-ms, process, thread name (digits folded to #), ticks, of which the kernel's; one line per thread
  while true; do
    # this run's own: the server writes under $out, the generator names the server's pid
    s=$(pgrep -f "quarterdeck-server.jar serve .*--data $out/" | head -1 || true)
    l=""
    [ -n "$s" ] && l=$(pgrep -f "^[^ ]*java .*quarterdeck-client.jar load --server-pid $s " | head -1 || true)
    [ -n "$s" ] && [ -n "$l" ] && break
    sleep 0.1
  done
  while kill -0 "$l" 2>/dev/null; do
    t=$(date +%s%3N)
    for p in "server:$s" "load:$l"; do
      awk -v t="$t" -v who="${p%%:*}" '{
          line = $0; name = line; sub(/^[^(]*\(/, "", name); sub(/\)[^)]*$/, "", name)
          if (name !~ /^C[12] /) gsub(/[0-9]+/, "#", name)
          gsub(/ /, "_", name)
          rest = line; sub(/^.*\) /, "", rest); split(rest, f, " ")
          print t, who, name, f[12] + f[13], f[13] }' /proc/"${p#*:}"/task/*/stat 2>/dev/null || true
    done
    sleep 0.05
  done >"$samples"
}

sample &
sampler=$!
scripts/perf-table.sh --rows deadline "$@" || true
wait "$sampler" || true

log=$(ls "$out"/load-deadline-*.log | head -1)
# turn, deadline epoch ms, ms from it to the last TurnResolved
grep -E 'ends at|latest deadline to last' "$log" |
  awk '/ends at/ { turn = $4; gsub(/[^0-9]/, "", turn); d = $NF; gsub(/Z$/, "", d)
                   cmd = "date -u -d " d " +%s%3N"; cmd | getline ms; close(cmd); dl[turn] = ms }
       /latest deadline/ { t = $3; gsub(/[^0-9]/, "", t); print t, dl[t], $(NF - 4) }' >"$out/turns.txt"

# Threads fold into groups by their kernel name (15 characters: "quarterdeck-store-writer" reads
# "quarterdeck-sto", so the store's writer, fsync and acknowledgement threads are one group).
awk -v tick="$tick" '
  function row(label, burst, after, kburst, kafter) {
    printf "  %-37s %6d | %6d    kernel %4d | %4d\n", label, burst, after, kburst, kafter
  }
  function group(name) {
    if (name ~ /^C[12]_Compiler/) return "JIT compilers (C1, C2)"
    if (name ~ /EventLoop|IoEv/) return "event loops"
    if (name ~ /^quarterdeck-sto/) return "store (writer, fsync, ack)"
    if (name ~ /^(GC_|G1_|VM_|Concurrent)/) return "GC and VM"
    return "other (main, pacer, timers)"
  }
  FNR == NR { turn[++n] = $1; dl[n] = $2; last[n] = $2 + $3; next }
  { t = $1; key = $2 "|" group($3); kern = key "|kernel"
    for (i = 1; i <= n; i++) {
      # ticks summed over the threads of a group at the last sample at or before each edge
      if (t <= dl[i] - 100) { a[i, key, t] += $4; a[i, kern, t] += $5; at[i] = t }
      if (t <= last[i]) { b[i, key, t] += $4; b[i, kern, t] += $5; bt[i] = t }
      if (t <= dl[i] + 4000) { c[i, key, t] += $4; c[i, kern, t] += $5; ct[i] = t }
      if (t > dl[i] + 3900) full[i] = 1
    }
    keys[key] = 1 }
  END {
    nk = 0
    for (k in keys) sorted[++nk] = k
    for (x = 1; x <= nk; x++) for (y = x + 1; y <= nk; y++) if (sorted[y] < sorted[x]) { z = sorted[x]; sorted[x] = sorted[y]; sorted[y] = z }
    for (i = 1; i <= n; i++) {
      printf "turn %d: deadline to last TurnResolved %d ms; CPU ms (burst | after), and in the kernel\n", turn[i], last[i] - dl[i]
      delete tb; delete ta; delete kb; delete ka
      for (x = 1; x <= nk; x++) {
        k = sorted[x]; split(k, w, "|"); kern = k "|kernel"
        burst = (b[i, k, bt[i]] - a[i, k, at[i]]) * 1000 / tick
        kburst = (b[i, kern, bt[i]] - a[i, kern, at[i]]) * 1000 / tick
        # a process that ended within 4 s of the last deadline has no "after" for it
        after = full[i] ? (c[i, k, ct[i]] - b[i, k, bt[i]]) * 1000 / tick : 0
        kafter = full[i] ? (c[i, kern, ct[i]] - b[i, kern, bt[i]]) * 1000 / tick : 0
        if (burst + after > 0) row(sprintf("%-6s %s", w[1], w[2]), burst, after, kburst, kafter)
        tb[w[1]] += burst; ta[w[1]] += after; kb[w[1]] += kburst; ka[w[1]] += kafter
      }
      row("server total", tb["server"], ta["server"], kb["server"], ka["server"])
      row("load (generator) total", tb["load"], ta["load"], kb["load"], ka["load"])
      row("both", tb["server"] + tb["load"], ta["server"] + ta["load"], kb["server"] + kb["load"], ka["server"] + ka["load"])
    }
  }' "$out/turns.txt" "$samples" | tee "$out/burst-cpu.txt"
