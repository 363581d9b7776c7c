#!/usr/bin/env bash
# Plans the embedded demo request (room composite to MP4 + HLS + RTMP + thumbnails) and prints
# what the egress would do and the EgressInfo it would report. Pass [config.yaml] [request.json]
# to plan your own. (Becomes the full server demo once egress-server runs recordings.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mvn -B -ntp -q -DskipTests -pl examples -am install
cp_file=$(mktemp)
mvn -B -ntp -q -pl examples dependency:build-classpath -Dmdep.outputFile="$cp_file"
cp=$(cat "$cp_file"); rm -f "$cp_file"
exec java -cp "examples/target/classes:$cp" io.egressjava.examples.PlanDemo "$@"
