#!/usr/bin/env bash
# The demo: installs what is missing, builds, then inside a network namespace of its own (WebRTC;
# scripts/netns.sh) starts redis-server, livekit-server --dev and the packaged egress-server on
# 127.0.0.1, publishes two synthetic participants, requests a room composite (MP4 + HLS + thumbnails)
# through the Kotlin SDK, stops it after ~15 s and prints where the outputs are with a probe of each.
# Usage: scripts/demo.sh [output dir, default ./demo-output]
# (scripts/demo.sh --plan [config.yaml] [request.json] only plans a request and prints its EgressInfo.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -ntp -q -DskipTests -pl examples -am install
cp_file=$(mktemp)
mvn -B -ntp -q -pl examples dependency:build-classpath -Dmdep.outputFile="$cp_file"
cp=$(cat "$cp_file"); rm -f "$cp_file"
if [ "${1:-}" = "--plan" ]; then
  shift
  exec java -cp "examples/target/classes:$cp" io.egressjava.examples.PlanDemo "$@"
fi
exec scripts/netns.sh java -cp "examples/target/classes:$cp" io.egressjava.examples.ServerDemo "${1:-demo-output}"
