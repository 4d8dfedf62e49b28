#!/usr/bin/env bash
# The long fuzz run of the network edge (issue 12): each target for SECONDS (default 600, i.e.
# 10 minutes per target; 7 targets) with Netty's leak detector at PARANOID.
#   scripts/fuzz-network.sh [SECONDS] [TARGET-PREFIX]
# Targets: envelope-bytes, envelope-messages, tcp-bytes, tcp-frames, websocket-bytes,
# websocket-frames, http-targets. Prints inputs run, crashes, hangs and leaked buffers per target.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-600}"
TARGET="${2:-}"
exec mvn -B -ntp -o -q -pl server -am test -Dtest=FuzzCampaignTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.seconds="$SECONDS_PER_TARGET" \
  -Dfuzz.target="$TARGET" -Dio.netty.leakDetection.level=paranoid \
  -Dsurefire.timeout=0
