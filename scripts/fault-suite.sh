#!/usr/bin/env bash
# The fault matrix at the reliability issue's figures: handlers SIGKILLed at 60 s of recording,
# the service SIGKILLed (alone, and with its handlers) at 60 s and restarted. Each test prints a
# table row per egress: fault, egress type, outcome, media kept vs recorded, bytes stored.
# Needs the packaged server: run scripts/test.sh (or `mvn -o install -DskipTests`) first.
# The README's test command runs the same tests with shorter recordings (20 s and 10 s).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
mkdir -p target
scripts/netns.sh mvn -o -B -ntp verify -pl egress-server -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='*FaultNetnsIT' -Dfailsafe.failIfNoSpecifiedTests=false -Denforcer.skip -Dfault.kill.seconds="$seconds" \
  | tee target/fault-suite.log
grep -h '^| ' target/fault-suite.log || true
