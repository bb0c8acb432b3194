#!/bin/sh
# eval.sh - make eval: relevance of kb's ranking beside the plain baseline
# (same index, no spelling, synonyms or boosts), on a fresh index of kb/.
#   tests/relevance/eval.sh [BUILDDIR] [QUERIES...]
# Default query sets: queries.tsv (written by the team, officers' and
# customers' wording, used while tuning) and holdout.tsv (written blind from
# the topic list in customers' chat style, to check tuning did not overfit).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
b=${1:-build}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- tests/relevance/queries.tsv tests/relevance/holdout.tsv
make --no-print-directory -s BUILDDIR="$b" "$b/tests/kb-eval" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$b/kb-index" --quiet --db "$tmp/index" kb
for q in "$@"; do
    echo "== $q"
    "$b/tests/kb-eval" --db "$tmp/index" "$q"
done
