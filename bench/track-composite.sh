#!/usr/bin/env bash
# CPU of a 720p30 track composite (VP8 + Opus from the SFU -> x264 + AAC MP4) against the ffmpeg CLI
# decoding the same media and encoding it with the same settings in the same run (goal <= 1.10x).
# Runs in a network namespace (WebRTC; scripts/netns.sh). Usage: bench/track-composite.sh [seconds, default 60]
seconds=${1:-60}
source "$(dirname "$0")/common.sh"
ffmpeg_bin=$("${jvm[@]}" io.egressjava.bench.BundledTool ffmpeg)
export LD_LIBRARY_PATH=$(dirname "$ffmpeg_bin")
length=$((seconds * 2 + 40))
echo "making ${length} s of VP8 1280x720 30 fps 2 Mbps and a tone (setup, not measured)..."
"$ffmpeg_bin" -y -v error -f lavfi -i "testsrc2=size=1280x720:rate=30" -t "$length" -vf "noise=alls=12:allf=t" \
  -c:v libvpx -b:v 2M -g 60 -deadline realtime -cpu-used 8 "$work/vp8.ivf"
"$ffmpeg_bin" -y -v error -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$length" -ac 2 -c:a libopus -b:a 48k "$work/tone.ogg"
unset LD_LIBRARY_PATH
mkdir -p "$work/run"
scripts/netns.sh "${jvm[@]}" io.egressjava.bench.TrackCompositeBench "$work" "$seconds" "$work/run"
