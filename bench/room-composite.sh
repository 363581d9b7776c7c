#!/usr/bin/env bash
# CPU of a 720p30 two-publisher room composite through Chrome (goal <= 2.0 cores; the reference
# reserves 4), split by process, plus our capture+encode next to the ffmpeg CLI capturing the same
# display and sink with the same settings. Runs in a network namespace (WebRTC; scripts/netns.sh).
# Usage: bench/room-composite.sh [seconds, default 60]
seconds=${1:-60}
source "$(dirname "$0")/common.sh"
ffmpeg_bin=$("${jvm[@]}" io.egressjava.bench.BundledTool ffmpeg)
export LD_LIBRARY_PATH=$(dirname "$ffmpeg_bin")
length=$((seconds * 3 + 60)) # Chrome, the peer, then the native renderer

echo "making ${length} s of VP8 1280x720 30 fps 2 Mbps per publisher and a tone (setup, not measured)..."
# textured, moving pictures (testsrc2 plus grain) so decoding and encoding cost what camera video costs
for c in red blue; do
  "$ffmpeg_bin" -y -v error -f lavfi -i "testsrc2=size=1280x720:rate=30" -t "$length" \
    -vf "noise=alls=12:allf=t,colorchannelmixer=rr=$([ $c = red ] && echo 1 || echo 0.4):bb=$([ $c = blue ] && echo 1 || echo 0.4)" \
    -c:v libvpx -b:v 2M -g 60 -deadline realtime -cpu-used 8 "$work/$c.ivf"
done
"$ffmpeg_bin" -y -v error -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$length" -ac 2 -c:a libopus -b:a 48k "$work/tone.ogg"
unset LD_LIBRARY_PATH

mkdir -p "$work/run"
scripts/netns.sh "${jvm[@]}" io.egressjava.bench.RoomCompositeBench "$work" "$seconds" "$work/run"
