# Sourced by the bench scripts: installs what is missing, builds the bench module and sets
#   cp      the bench classpath
#   work    a temporary directory removed on exit (kept with KEEP_WORK=1)
#   jvm     a java command line using the GPL FFmpeg build (libx264, as the reference)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh >/dev/null
mvn -B -ntp -q -DskipTests -pl bench -am install
cp_file=$(mktemp)
mvn -B -ntp -q -pl bench dependency:build-classpath -Dmdep.outputFile="$cp_file"
cp="bench/target/classes:$(cat "$cp_file")"
rm -f "$cp_file"
work=$(mktemp -d)
trap 'if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi' EXIT
jvm=(java -Djavacpp.platform.extension=-gpl -cp "$cp")
