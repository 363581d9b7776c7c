#!/usr/bin/env bash
# Native-memory soak: N minutes of media (default 10) through encoders, MP4, HLS segments and JPEG,
# printing process RSS per media minute; flat RSS after warm-up means no native leak.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
scripts/setup.sh >/dev/null
mvn -B -ntp -q -DskipTests -pl bench -am install
cp_file=$(mktemp); mvn -B -ntp -q -pl bench dependency:build-classpath -Dmdep.outputFile="$cp_file"
cp="bench/target/classes:$(cat "$cp_file")"; rm -f "$cp_file"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
java -Xmx256m -cp "$cp" io.egressjava.bench.RssSoak "$minutes" "$work"
