#!/usr/bin/env bash
# Installs what egress-java needs on a fresh Debian machine of this kind (root, apt available).
# Idempotent: installs only what is missing, and runs apt-get update only when it must.
set -euo pipefail

# Build and unit tests: a JDK 17 and Maven. (Media, browser and server tests add their packages here.)
APT_PACKAGES=(openjdk-17-jdk-headless maven)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
