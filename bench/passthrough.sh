#!/usr/bin/env bash
# CPU per stream of track-egress passthrough (encoded VP8 720p 2 Mbps → WebM, no transcoding),
# next to the ffmpeg CLI doing the same remux (-c copy) on the same input.
# Usage: bench/passthrough.sh [seconds, default 60]
seconds=${1:-60}
source "$(dirname "$0")/common.sh"
ffmpeg_bin=$("${jvm[@]}" io.egressjava.bench.BundledTool ffmpeg)
export LD_LIBRARY_PATH=$(dirname "$ffmpeg_bin")

echo "making ${seconds} s of VP8 1280x720 30 fps at 2 Mbps (setup, not measured)..."
"$ffmpeg_bin" -y -v error -f lavfi -i "testsrc2=size=1280x720:rate=30" -t "$seconds" \
  -c:v libvpx -b:v 2M -deadline realtime -cpu-used 8 -g 60 "$work/src.ivf"

"${jvm[@]}" io.egressjava.bench.PassthroughBench "$work/src.ivf" "$work/out.webm" "$seconds" 1280 720 5
/usr/bin/time -f "%U %S" -o "$work/time" "$ffmpeg_bin" -y -v error -i "$work/src.ivf" -c copy "$work/ffmpeg.webm"
awk -v s="$seconds" '{ cpu = $1 + $2; printf "ffmpeg CLI -c copy (whole process incl. start-up): %.3f CPU-s = %.4f cores per stream\n", cpu, cpu / s }' "$work/time"
