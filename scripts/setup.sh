#!/usr/bin/env bash
# Installs what egress-java's build and tests need on a fresh Debian machine of this kind (root,
# apt available). Idempotent: installs only what is missing; apt-get update runs only when needed.
set -euo pipefail

# JDK + Maven for the build; redis-server for the control-plane tests.
APT_PACKAGES=(openjdk-17-jdk-headless maven redis-server)

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
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export PATH="$PATH:/usr/local/go/bin"
minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "${minor:-0}" -lt "$GO_MIN_MINOR" ]; then
  export GOTOOLCHAIN=go1.26.8   # fetched from the Go module proxy by the go command itself
fi

mkdir -p "$TOOLS_DIR/bin"
export GOBIN="$TOOLS_DIR/bin" GOMODCACHE="${GOMODCACHE:-$TOOLS_DIR/gomod}" GOCACHE="${GOCACHE:-$TOOLS_DIR/gocache}"
if ! "$GOBIN/server" --version 2>/dev/null | grep -q "version $LIVEKIT_SERVER_VERSION"; then
  echo "setup: go install livekit-server v$LIVEKIT_SERVER_VERSION (first time takes a few minutes)"
  start=$(date +%s)
  go install "github.com/livekit/livekit-server/cmd/server@v$LIVEKIT_SERVER_VERSION"
  echo "setup: livekit-server built in $(( $(date +%s) - start )) s"
fi
