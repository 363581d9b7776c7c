#!/usr/bin/env bash
# A/V sync of a long track composite: a browser publisher (LiveKit JS SDK in Chromium) flashes and
# beeps together once a second; the egress records it through livekit-server for N seconds and
# SyncAnalyzer reports beep - flash over the first and the last 30 s (goal: |mean| <= 40 ms both).
# This is AvSyncNetnsIT with a longer run; the same assertions apply. Needs a prior `mvn install`.
# Usage: bench/av-sync.sh [seconds, default 600]
set -euo pipefail
seconds=${1:-600}
cd "$(dirname "$0")/.."
scripts/netns.sh mvn -o -B -ntp verify -pl egress-server -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=AvSyncNetnsIT -Dfailsafe.failIfNoSpecifiedTests=false -Denforcer.skip -Davsync.seconds="$seconds" \
  | tee target/av-sync-bench.log | grep -E 'A/V sync|Tests run:|FAIL'
