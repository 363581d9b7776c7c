#!/usr/bin/env bash
# Native-memory soak: N minutes of media (default 10) through encoders, MP4, HLS segments and JPEG,
# printing process RSS per media minute; flat RSS after warm-up means no native leak.
minutes=${1:-10}
source "$(dirname "$0")/common.sh"
java -Xmx256m -cp "$cp" io.egressjava.bench.RssSoak "$minutes" "$work"
