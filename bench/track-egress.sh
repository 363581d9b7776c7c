#!/usr/bin/env bash
# N concurrent track egresses (default 20) of 720p VP8 2 Mbps tracks against the real livekit-server:
# CPU per egress of the egress JVM (goal <= 0.01 core) and request->ACTIVE latency (goal <= 0.5 s),
# with N ffmpeg CLI real-time remuxes of the same file as the peer. Runs in a network namespace.
# Usage: bench/track-egress.sh [egresses, default 20] [seconds, default 30]
count=${1:-20}
seconds=${2:-30}
source "$(dirname "$0")/common.sh"
ffmpeg_bin=$("${jvm[@]}" io.egressjava.bench.BundledTool ffmpeg)
export LD_LIBRARY_PATH=$(dirname "$ffmpeg_bin")
length=$((seconds * 2 + 60))
echo "making ${length} s of VP8 1280x720 30 fps 2 Mbps (setup, not measured)..."
"$ffmpeg_bin" -y -v error -f lavfi -i "testsrc2=size=1280x720:rate=30" -t "$length" -vf "noise=alls=12:allf=t" \
  -c:v libvpx -b:v 2M -minrate 2M -maxrate 2M -g 15 -deadline realtime -cpu-used 8 "$work/vp8.ivf"
unset LD_LIBRARY_PATH
mkdir -p "$work/run"
scripts/netns.sh "${jvm[@]}" io.egressjava.bench.TrackEgressBench "$work" "$count" "$seconds" "$work/run"
