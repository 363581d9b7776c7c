#!/usr/bin/env bash
# The fault matrix at the reliability issue's figures: handlers SIGKILLed at 60 s of recording,
# the service SIGKILLed (alone, and with its handlers) at 60 s and restarted, S3 answering 503 for
# 5 minutes in the middle of an MP4 and HLS recording; also (the same length as in the README's
# test command) UDP blackouts of 5 s and 30 s and 10 % loss for 60 s on the handler's media path,
# and the spool's disk filling up under two egresses. Each test prints a
# table row per egress: fault, egress type, outcome, media kept vs recorded, bytes stored.
# Needs the packaged server: run scripts/test.sh (or `mvn -o install -DskipTests`) first.
# The README's test command runs the same tests shorter (kills at 20 s and 10 s, a 30 s outage).
# Usage: scripts/fault-suite.sh [kill-at-seconds, 60] [outage-seconds, 300]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
outage="${2:-300}"
mkdir -p target
scripts/netns.sh mvn -o -B -ntp verify -pl egress-server -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='*FaultNetnsIT' -Dfailsafe.failIfNoSpecifiedTests=false -Denforcer.skip -Dfault.kill.seconds="$seconds" \
  -Dfault.outage.seconds="$outage" \
  | tee target/fault-suite.log
grep -h '^| ' target/fault-suite.log || true
