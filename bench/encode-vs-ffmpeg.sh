#!/usr/bin/env bash
# CPU-seconds of our FFmpeg graph vs the ffmpeg CLI (same FFmpeg build, same settings) encoding the
# same raw 720p30 video + tone: H.264 via libx264 veryfast 3000 kbps, key frame every 2 s, AAC
# 128 kbps 44.1 kHz, fragmented MP4. Usage: bench/encode-vs-ffmpeg.sh [seconds, default 20]
# GStreamer (gst-launch-1.0, x264enc veryfast, the reference egress's engine) joins as a third peer when installed.
seconds=${1:-20}
source "$(dirname "$0")/common.sh"

"${jvm[@]}" io.egressjava.bench.MakeRawInput "$seconds" "$work/in.yuv" "$work/in.pcm"
ffmpeg_bin=$("${jvm[@]}" io.egressjava.bench.BundledTool ffmpeg)

cpu() { # prints user+system CPU seconds of a command
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  awk '{printf "%.2f", $1 + $2}' "$work/time"
}

ours=$(cpu "${jvm[@]}" io.egressjava.bench.EncodeBench "$work/in.yuv" "$work/in.pcm" "$work/ours.mp4")
theirs=$(LD_LIBRARY_PATH=$(dirname "$ffmpeg_bin") cpu "$ffmpeg_bin" -y -nostats \
  -f rawvideo -pix_fmt yuv420p -s 1280x720 -r 30 -i "$work/in.yuv" \
  -f s16le -ar 48000 -ac 2 -i "$work/in.pcm" \
  -c:v libx264 -preset veryfast -b:v 3000k -g 60 -keyint_min 60 -x264-params scenecut=0 -bf 0 -profile:v main \
  -c:a aac -b:a 128k -ar 44100 -movflags frag_keyframe+empty_moov+default_base_moof "$work/ffmpeg.mp4")
echo "input: ${seconds} s of 1280x720 30 fps I420 + 48 kHz stereo tone"
echo "egress-java graph : ${ours} CPU-s  ($(stat -c %s "$work/ours.mp4") bytes)"
echo "ffmpeg CLI        : ${theirs} CPU-s  ($(stat -c %s "$work/ffmpeg.mp4") bytes)"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio ours/ffmpeg: %.2fx (goal <= 1.10x)\n", a / b }'
if command -v gst-launch-1.0 >/dev/null; then
  gst=$(cpu gst-launch-1.0 -q filesrc location="$work/in.yuv" blocksize=1382400 ! \
    rawvideoparse width=1280 height=720 format=i420 framerate=30/1 ! \
    x264enc speed-preset=veryfast bitrate=3000 key-int-max=60 bframes=0 ! h264parse ! mp4mux fragment-duration=2000 name=m ! \
    filesink location="$work/gst.mp4" filesrc location="$work/in.pcm" ! \
    rawaudioparse format=pcm pcm-format=s16le sample-rate=48000 num-channels=2 ! audioconvert ! audioresample ! \
    audio/x-raw,rate=44100 ! avenc_aac bitrate=128000 ! m.)
  echo "gst-launch-1.0    : ${gst} CPU-s  ($(stat -c %s "$work/gst.mp4") bytes)"
  awk -v a="$ours" -v b="$gst" 'BEGIN { printf "ratio ours/gstreamer: %.2fx (goal <= 1.0x)\n", a / b }'
else
  echo "gst-launch-1.0 not installed (apt-get install gstreamer1.0-tools gstreamer1.0-plugins-{base,good,bad,ugly} gstreamer1.0-libav)"
fi
