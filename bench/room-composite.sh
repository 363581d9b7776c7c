#!/usr/bin/env bash
# CPU and memory of a 720p30 room composite (grid) of N publishers, rendered without a browser
# (room_composite_renderer: native) and through Chrome (goal <= 2.0 cores; the reference reserves
# 4), split by process, plus our capture+encode next to the ffmpeg CLI capturing the same display
# and sink with the same settings. Each publisher sends VP8 simulcast (1280x720 2 Mbps, 640x360,
# 320x180), as the JS SDK does by default; the first also a tone. The egress runs in the bench JVM
# with a handler process's JVM options, then once more as users run it: the packaged server asked by
# the Kotlin server SDK, its handler process measured. Runs in a network namespace (scripts/netns.sh).
# Usage: bench/room-composite.sh [seconds, default 60] [publishers, default 2]
seconds=${1:-60}
publishers=${2:-2}
source "$(dirname "$0")/common.sh"
ffmpeg_bin=$("${jvm[@]}" io.egressjava.bench.BundledTool ffmpeg)
export LD_LIBRARY_PATH=$(dirname "$ffmpeg_bin")
length=$((seconds * 3 + 60)) # Chrome, the peer, then the native renderer

# the media depend only on their length and the publisher count: kept between runs (BENCH_MEDIA)
media=${BENCH_MEDIA:-$HOME/.cache/egress-java-bench}/room-composite-${publishers}p-${length}s
mkdir -p "$media"
if [ ! -f "$media/done" ]; then
echo "making ${length} s of VP8 simulcast (720p 2 Mbps, 360p 600 kbps, 180p 150 kbps) for ${publishers} publishers and a tone (setup, not measured)..."
# textured, moving pictures (testsrc2 plus grain) so decoding and encoding cost what camera video
# costs; each publisher its own hue
for i in $(seq 1 "$publishers"); do
  for layer in 1280x720:2M 640x360:600k 320x180:150k; do
    size=${layer%%:*}
    "$ffmpeg_bin" -y -v error -f lavfi -i "testsrc2=size=${size}:rate=30" -t "$length" \
      -vf "noise=alls=12:allf=t,hue=h=$((i * 360 / publishers))" \
      -c:v libvpx -b:v "${layer##*:}" -g 60 -deadline realtime -cpu-used 8 "$media/p$i-$size.ivf"
  done
done
"$ffmpeg_bin" -y -v error -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$length" -ac 2 -c:a libopus -b:a 48k "$media/tone.ogg"
touch "$media/done"
fi
unset LD_LIBRARY_PATH

mkdir -p "$work/run"
# the in-process runs take the JVM options a handler process runs with (HandlerLauncher,
# JvmFootprint); the packaged server's run starts egress-server.jar (built with its lib/ above)
scripts/netns.sh "${jvm[@]}" -XX:+UseSerialGC -Xms32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
  -XX:TrimNativeHeapInterval=5000 io.egressjava.bench.RoomCompositeBench "$media" "$seconds" "$work/run" "$publishers" \
  egress-server/target/egress-server.jar
