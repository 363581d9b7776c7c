#!/usr/bin/env bash
# The whole test suite: installs what it needs, then builds every module and runs unit tests
# (Surefire) followed by integration tests (Failsafe, *IT).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -ntp verify "$@"
