#!/usr/bin/env bash
# A/V sync of a long Chrome room composite from the packaged server: two LiveKit Python SDK
# publishers (libwebrtc) flash and beep once a second (1 kHz and 440 Hz), the grid is recorded for
# N seconds, and each publisher's beep period and mean beep - flash over the first and last 30 s are
# reported (goal: period 1.000 +- 0.002 s, |mean| <= 40 ms). This is ShippedRoomCompositeNetnsIT's
# room composite with a longer grid part; the same assertions apply. Needs a prior `mvn install`.
# Usage: bench/room-composite-sync.sh [seconds, default 300]
set -euo pipefail
seconds=${1:-300}
cd "$(dirname "$0")/.."
mkdir -p target
scripts/netns.sh mvn -o -B -ntp verify -pl egress-server -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='ShippedRoomCompositeNetnsIT#gridThenSpeakerToEveryOutput' -Dfailsafe.failIfNoSpecifiedTests=false \
  -Denforcer.skip -Dshipped.grid.seconds="$seconds" \
  | tee target/room-composite-sync-bench.log | grep -E 'A/V sync|beeps, mean|Tests run:|FAIL'
