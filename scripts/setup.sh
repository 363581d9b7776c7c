#!/usr/bin/env bash
# Installs what egress-java's build and tests need on a fresh Debian machine of this kind (root,
# apt available). Idempotent: installs only what is missing; apt-get update runs only when needed.
set -euo pipefail

# JDK + Maven for the build; redis-server for the control-plane tests; libpulse0 for FFmpeg's avdevice;
# nginx with the RTMP module and srt-tools as real RTMP/SRT servers for the stream-output tests; time for bench/;
# Debian's chromium (Playwright never downloads a browser), Xvfb and PulseAudio for web/room-composite egress.
APT_PACKAGES=(openjdk-17-jdk-headless maven redis-server libpulse0 time nginx-light libnginx-mod-rtmp srt-tools
  chromium xvfb pulseaudio pulseaudio-utils fonts-dejavu-core iproute2 util-linux nftables)

# Go tools, built with `go install` from the Go module proxy into a cache kept between runs.
TOOLS_DIR="${EGRESS_TOOLS_DIR:-$HOME/.cache/egress-java}"
LIVEKIT_SERVER_VERSION=1.13.5   # no replace directives at this tag, so `go install pkg@version` works
GO_MIN_MINOR=26                 # livekit-server 1.13 needs Go >= 1.26

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
  missing+=(golang-go)
fi
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # tests start their own servers on 127.0.0.1: keep packages (nginx, redis) from starting system services
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${missing[@]}" || { rm -f /usr/sbin/policy-rc.d; exit 1; }
  rm -f /usr/sbin/policy-rc.d
fi

export PATH="$PATH:/usr/local/go/bin"
minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "${minor:-0}" -lt "$GO_MIN_MINOR" ]; then
  export GOTOOLCHAIN=go1.26.8   # fetched from the Go module proxy by the go command itself
fi

mkdir -p "$TOOLS_DIR/bin"
export GOMODCACHE="${GOMODCACHE:-$TOOLS_DIR/gomod}" GOCACHE="${GOCACHE:-$TOOLS_DIR/gocache}"

# go_tool NAME PACKAGE@VERSION: builds PACKAGE into $TOOLS_DIR/bin/NAME once per version (a stamp
# file records what was built; several tools name their command "server", hence the rename).
go_tool() {
  local name=$1 pkg=$2 stamp="$TOOLS_DIR/bin/.$1.version"
  if [ -x "$TOOLS_DIR/bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$pkg" ]; then
    return
  fi
  echo "setup: go install $pkg (first time takes a while)"
  local start tmp
  start=$(date +%s)
  tmp=$(mktemp -d)
  GOBIN="$tmp" go install "$pkg"
  mv "$tmp"/* "$TOOLS_DIR/bin/$name"
  rm -rf "$tmp"
  echo "$pkg" > "$stamp"
  echo "setup: $name built in $(( $(date +%s) - start )) s"
}

# livekit-server: no replace directives at this tag, so `go install pkg@version` works
go_tool livekit-server "github.com/livekit/livekit-server/cmd/server@v$LIVEKIT_SERVER_VERSION"
# storage-test servers: GCS emulator and a TCP fault-injection proxy
go_tool fake-gcs-server github.com/fsouza/fake-gcs-server@v1.52.2
go_tool toxiproxy-server github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0
# helm for the chart's lint/template test (deploy/helm)
go_tool helm helm.sh/helm/v4/cmd/helm@v4.3.2

# test publisher on the LiveKit Go SDK (test-fixtures/publisher); rebuilt when its sources change.
# (the lk CLI is not served by the Go module proxy here, so this takes its place)
publisher_src="$(cd "$(dirname "$0")/.." && pwd)/test-fixtures/publisher"
publisher_hash=$(cat "$publisher_src"/go.mod "$publisher_src"/go.sum "$publisher_src"/*.go | sha256sum | cut -c1-16)
if [ ! -x "$TOOLS_DIR/bin/lk-publisher" ] || [ "$(cat "$TOOLS_DIR/bin/.lk-publisher.version" 2>/dev/null)" != "$publisher_hash" ]; then
  echo "setup: building lk-publisher"
  (cd "$publisher_src" && go build -o "$TOOLS_DIR/bin/lk-publisher" .)
  echo "$publisher_hash" > "$TOOLS_DIR/bin/.lk-publisher.version"
fi

# Azure Blob emulator (npm), installed once under the tools directory
AZURITE_VERSION=3.37.0
if ! grep -q "\"version\": \"$AZURITE_VERSION\"" "$TOOLS_DIR/node/node_modules/azurite/package.json" 2>/dev/null; then
  echo "setup: npm install azurite@$AZURITE_VERSION"
  mkdir -p "$TOOLS_DIR/node"
  (cd "$TOOLS_DIR/node" && npm install --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION")
fi

# S3-compatible test server (s3proxy) as one jar from Maven Central, fetched once
S3PROXY_VERSION=4.1.0
if [ ! -f "$HOME/.m2/repository/org/gaul/s3proxy/$S3PROXY_VERSION/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar" ]; then
  mvn -B -q -ntp dependency:get -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" -Dtransitive=false
fi

# LiveKit's Python SDKs in a venv under the tools directory: the libwebrtc test publisher and the
# Egress API client (v2 StartEgress) of the end-to-end tests (test-fixtures/python); reinstalled
# when requirements.txt changes
PY_REQ="$(cd "$(dirname "$0")/.." && pwd)/test-fixtures/python/requirements.txt"
py_hash=$(sha256sum "$PY_REQ" | cut -c1-16)
if [ ! -x "$TOOLS_DIR/py/bin/python" ] || [ "$(cat "$TOOLS_DIR/py/.requirements" 2>/dev/null)" != "$py_hash" ]; then
  echo "setup: python venv with the LiveKit SDKs"
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
  fi
  rm -rf "$TOOLS_DIR/py"
  python3 -m venv "$TOOLS_DIR/py"
  "$TOOLS_DIR/py/bin/pip" install -q --disable-pip-version-check -r "$PY_REQ"
  echo "$py_hash" > "$TOOLS_DIR/py/.requirements"
fi
