#!/usr/bin/env bash
# No source file over 500 lines (our code, not generated or installed): a longer one is split by
# what it owns. Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
long=$(git ls-files '*.java' '*.py' '*.sh' '*.ts' '*.js' '*.go' | xargs wc -l | awk '$2 != "total" && $1 > 500 {print $1, $2}')
if [ -n "$long" ]; then
  echo "files over 500 lines:" >&2
  echo "$long" >&2
  exit 1
fi
