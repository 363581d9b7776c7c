#!/usr/bin/env bash
# What x264 settings cost in memory and CPU, and what they give in quality, for 720p30 at 3000 kbps
# (the default encoding): the bundled FFmpeg CLI (same libx264 as the handler) encodes the same
# 20 s of testsrc2 under each setting; prints peak RSS, CPU-seconds and PSNR against the source.
# The first row is x264's own choice (the Go egress's default: 1.5 threads per core, lookahead 10);
# the row marked "ours" is what VideoEncoder picks for this picture rate on this machine; the
# economy row is what room composites get by default (room_composite_encoding: economy).
# With "composite", the source is what a room composite encodes: four 640x360 tiles of grainy
# testsrc2, each through VP8 at 600 kbps (a 360p simulcast layer) and decoded, side by side.
# Usage: bench/x264-settings.sh [seconds, default 20] [composite]
seconds=${1:-20}
source "$(dirname "$0")/common.sh"
ffmpeg_bin=$("${jvm[@]}" io.egressjava.bench.BundledTool ffmpeg)
export LD_LIBRARY_PATH=$(dirname "$ffmpeg_bin")
src=(-f lavfi -i "testsrc2=size=1280x720:rate=30" -t "$seconds")
if [ "${2:-}" = composite ]; then
  for i in 1 2 3 4; do
    "$ffmpeg_bin" -y -v error -f lavfi -i "testsrc2=size=640x360:rate=30" -t "$seconds" \
      -vf "noise=alls=12:allf=t,hue=h=$((i * 90))" -c:v libvpx -b:v 600k -g 60 -deadline realtime -cpu-used 8 "$work/t$i.ivf"
  done
  "$ffmpeg_bin" -y -v error -i "$work/t1.ivf" -i "$work/t2.ivf" -i "$work/t3.ivf" -i "$work/t4.ivf" -filter_complex \
    "[0:v][1:v][2:v][3:v]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0,format=yuv420p" -c:v rawvideo "$work/composite.nut"
  src=(-i "$work/composite.nut")
fi
ours_threads=$(( $(nproc) * 3 / 2 )) # VideoEncoder.defaultThreads: 2 for 720p30, at most 1.5 per core
(( ours_threads > 2 )) && ours_threads=2
(( ours_threads < 1 )) && ours_threads=1
printf "%-34s %10s %8s %8s\n" setting "peak RSS" CPU-s "PSNR dB"
row() { # name, then x264 options
  local name=$1; shift
  /usr/bin/time -f "%M %U %S" -o "$work/time" "$ffmpeg_bin" -y -v error "${src[@]}" \
    -c:v libx264 -preset veryfast -b:v 3000k -maxrate 3000k -bufsize 6000k -bf 0 "$@" "$work/out.mp4"
  local psnr
  psnr=$("$ffmpeg_bin" -v info -i "$work/out.mp4" "${src[@]}" -lavfi "[0:v][1:v]psnr" -f null - 2>&1 \
    | grep -o "average:[0-9.]*" | cut -d: -f2)
  awk -v n="$name" -v p="$psnr" '{ printf "%-34s %7.0f MB %8.2f %8s\n", n, $1 / 1024, $2 + $3, p }' "$work/time"
}
row "x264 auto (Go egress default)"
row "threads 2, lookahead 10" -threads 2
row "threads 2, lookahead 5" -threads 2 -rc-lookahead 5
row "threads 1, lookahead 5" -threads 1 -rc-lookahead 5
row "ours: threads $ours_threads, lookahead 5" -threads "$ours_threads" -rc-lookahead 5
row "room_composite_encoding: economy" -threads "$ours_threads" -rc-lookahead 5 -x264-params me=dia:subme=1
row "superfast, for comparison" -threads "$ours_threads" -rc-lookahead 5 -preset superfast
