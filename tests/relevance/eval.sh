#!/bin/sh
# eval.sh - make eval: relevance of kb's ranking on tests/relevance/queries.tsv,
# beside the plain baseline, on a fresh index of kb/.
#   tests/relevance/eval.sh [BUILDDIR] [QUERIES]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
b=${1:-build}
queries=${2:-tests/relevance/queries.tsv}
make --no-print-directory -s BUILDDIR="$b" "$b/tests/kb-eval" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$b/kb-index" --quiet --db "$tmp/index" kb
"$b/tests/kb-eval" --db "$tmp/index" "$queries"
