#!/usr/bin/env bash
# Our packaged egress-server beside the Go egress (livekit/egress v1.14.0), one after the other on one
# livekit-server, same publishers, requests and admission costs: 1, 5 and 20 concurrent track
# egresses, a 720p30 track composite and 10 audio-only track composites. Prints a table with the
# ratio ours / Go for StartEgress answer time, request -> ACTIVE, total and steady CPU, RSS of the
# whole process tree, idle RSS and (track egress) the longest hole in any file.
# Usage: [SCENARIOS=1,4] bench/vs-reference.sh [Go egress binary, e.g. /tmp/lk-egress/bin/egress]
#   SCENARIOS picks by number: 1, 5, 20 track egresses, track composite, 10 audio composites.
#   Without it only our server is measured. The reference is built by
#   ../shared/tools/reference-egress/build.sh (see its README); its bench media are reused.
go_egress=${1:-}
source "$(dirname "$0")/common.sh"
jar=egress-server/target/egress-server.jar
[ -f "$jar" ] && [ -d egress-server/target/lib ] || { echo "no $jar with its lib/ (mvn package)" >&2; exit 1; }
media=${LK_EGRESS_DIR:-/tmp/lk-egress}/media
if [ ! -f "$media/video720.ivf" ] || [ ! -f "$media/audio.ogg" ]; then
  media="$work/media"
  mkdir -p "$media"
  ffmpeg_bin=$("${jvm[@]}" io.egressjava.bench.BundledTool ffmpeg)
  echo "making 150 s of VP8 1280x720 30 fps 2 Mbps and Opus (setup, not measured)..."
  LD_LIBRARY_PATH=$(dirname "$ffmpeg_bin") "$ffmpeg_bin" -y -v error -f lavfi -i testsrc2=size=1280x720:rate=30 -t 150 \
    -c:v libvpx -b:v 2M -minrate 2M -maxrate 2M -g 30 -keyint_min 30 -deadline realtime -cpu-used 8 -f ivf "$media/video720.ivf"
  LD_LIBRARY_PATH=$(dirname "$ffmpeg_bin") "$ffmpeg_bin" -y -v error -f lavfi -i sine=frequency=440:sample_rate=48000 -t 150 \
    -ac 2 -c:a libopus -b:a 64k "$media/audio.ogg"
fi
scripts/netns.sh "${jvm[@]}" -Dscenarios="${SCENARIOS:-}" io.egressjava.bench.VsReferenceBench "$work/run" "$jar" "$media" ${go_egress:+"$go_egress"}
for s in ours go; do cp "$work/run/$s/server.log" "/tmp/vs-reference-$s-server.log" 2>/dev/null || true; done
