#!/usr/bin/env bash
# Runs a command in a network namespace of its own that holds only loopback and a veth pair with
# 10.99.0.1: WebRTC peers gather ICE candidates on every interface, and pion skips loopback, so the
# tests' livekit-server, publishers, Chrome and egress meet on that address and can reach nothing
# else (deps.md §8). Needs root (unshare -n). Dependencies must be resolved before (no network inside).
set -euo pipefail
exec unshare -n bash -c '
  ip link set lo up
  ip link add v0 type veth peer name v1
  ip addr add 10.99.0.1/24 dev v0
  ip link set v0 up
  ip link set v1 up
  # a default route that leads nowhere: Chrome gathers ICE candidates only on the default-route
  # interface (pages without camera permission), so without one it offers no candidate at all
  ip route add default dev v0
  export EGRESS_TEST_NODE_IP=10.99.0.1
  exec "$@"' netns "$@"
