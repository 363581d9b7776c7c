#!/usr/bin/env bash
# The voice-AI load on one node: N concurrent Opus track egresses (default 100) for S seconds
# (default 300) from the packaged server, publishers on LiveKit's Go SDK; every file checked packet
# for packet against what was published; request -> ACTIVE, CPU and RSS of the whole tree. Given the
# Go egress binary, the same runs on it first and ratios are printed.
# Usage: bench/opus-soak.sh [egresses, default 100] [seconds, default 300] [Go egress binary]
count=${1:-100}
seconds=${2:-300}
go_egress=${3:-}
source "$(dirname "$0")/common.sh"
jar=egress-server/target/egress-server.jar
[ -f "$jar" ] && [ -d egress-server/target/lib ] || { echo "no $jar with its lib/ (mvn package)" >&2; exit 1; }
ffmpeg_bin=$("${jvm[@]}" io.egressjava.bench.BundledTool ffmpeg)
length=$((seconds + 300))
echo "making ${length} s of Opus pink noise, 48 kbps (setup, not measured)..."
LD_LIBRARY_PATH=$(dirname "$ffmpeg_bin") "$ffmpeg_bin" -y -v error -f lavfi -i "anoisesrc=color=pink:amplitude=0.2:sample_rate=48000" \
  -t "$length" -ac 2 -c:a libopus -b:a 48k "$work/noise.ogg"
mkdir -p "$work/run"
scripts/netns.sh "${jvm[@]}" io.egressjava.bench.OpusSoakBench "$work/run" "$jar" "$work/noise.ogg" "$count" "$seconds" \
  ${go_egress:+"$go_egress"}
cp "$work/run/ours/server.log" "${SOAK_LOG:-/tmp/opus-soak-server.log}" 2>/dev/null || true
