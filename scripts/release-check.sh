#!/usr/bin/env bash
# Builds the Maven Central bundle of a release (target/central-bundle-<version>.zip), without
# uploading it, and checks it: a copy of this checkout at version ${1:-0.1.0} (Central takes no snapshots in a
# bundle), then for every library module and the BOM: its POM, and for jars the jar, -sources and
# -javadoc, each with md5 and sha1 (and .asc when signed: pass -Dgpg.skip=false as $2 with a key).
# Usage: scripts/release-check.sh [version] [extra maven args]
set -euo pipefail
version=${1:-0.1.0}
shift || true
src="$(cd "$(dirname "$0")/.." && pwd)"
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
git -C "$src" ls-files -z | (cd "$src" && xargs -0 cp --parents -t "$copy")
find "$copy" -name pom.xml -exec sed -i "s/0\.1\.0-SNAPSHOT/$version/g" {} +
# deployed into a file repository (checksums made by the deploy plugin), then zipped: the bundle
# Central's portal takes (its maven-metadata files are not part of it)
(cd "$copy" && mvn -B -ntp -q -Prelease deploy -DskipTests -DaltDeploymentRepository="bundle::file://$copy/bundle-repo" "$@")
find "$copy/bundle-repo" -name 'maven-metadata*' -delete
bundle="$src/target/central-bundle-$version.zip"
mkdir -p "$src/target"
rm -f "$bundle"
(cd "$copy/bundle-repo" && zip -q -r "$bundle" .)
listing=$(unzip -Z1 "$bundle")
missing=0
check() { if grep -qx "$1" <<<"$listing"; then :; else echo "missing: $1"; missing=1; fi; }
for m in egress-api egress-core egress-psrpc egress-media-ffmpeg egress-webrtc egress-templates egress-source-room \
  egress-source-browser egress-sinks egress-storage egress-pipeline egress-embedded egress-server; do
  base="io/egressjava/$m/$version/$m-$version"
  for f in "$base.pom" "$base.jar" "$base-sources.jar" "$base-javadoc.jar"; do
    check "$f"; check "$f.md5"; check "$f.sha1"
  done
done
check "io/egressjava/egress-bom/$version/egress-bom-$version.pom"
check "io/egressjava/egress-parent/$version/egress-parent-$version.pom"
for excluded in egress-bench egress-examples egress-test-rig; do
  if grep -q "/$excluded/" <<<"$listing"; then echo "not for Central, yet in the bundle: $excluded"; missing=1; fi
done
signatures=$(grep -c '\.asc$' <<<"$listing" || true)
if [ "$signatures" -gt 0 ]; then # signed: every artifact is
  while read -r f; do check "$f.asc"; done < <(grep -E '\.(jar|pom)$' <<<"$listing")
fi
echo "bundle: $(du -h "$bundle" | cut -f1), $(wc -l <<<"$listing") files, $(grep -c '\.asc$' <<<"$listing" || true) signatures"
[ "$missing" = 0 ] && echo "release check passed" || { echo "release check FAILED"; exit 1; }
