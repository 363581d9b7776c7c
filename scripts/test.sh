#!/usr/bin/env bash
# The whole test suite: installs what it needs, then builds every module and runs unit tests
# (Surefire) followed by integration tests (Failsafe, *IT); last, the tests with WebRTC peers
# (*NetnsIT) run offline inside a network namespace of their own (scripts/netns.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
python3 scripts/module-graph.py --check   # dependencies point down the layers (docs/modules.md)
scripts/file-sizes.sh                     # no source file over 500 lines
mvn -B -ntp install "$@"
scripts/netns.sh mvn -o -B -ntp verify -pl egress-webrtc,egress-sources/egress-source-room,egress-server,examples,examples-embedded -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='*NetnsIT' -Dfailsafe.failIfNoSpecifiedTests=false -Denforcer.skip "$@"
