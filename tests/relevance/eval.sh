#!/bin/sh
# eval.sh - make eval: relevance of kb's ranking beside the plain baseline
# (same index, no spelling, synonyms or boosts), on a fresh index of kb/
# (or of $KB_DIR: make eval KB_DIR=path/to/edited/kb).
#   tests/relevance/eval.sh [BUILDDIR] [QUERIES...]
# Default: the team's sets, queries.tsv (written by the team, officers' and
# customers' wording, used while tuning) and holdout.tsv (written blind from
# the topic list in customers' chat style, to check tuning did not overfit),
# then the real-wording sets (kb-eval --real): questions from CLINC150 and
# NLU++ mapped to articles by real-wording-map.tsv, questions the KB does
# not cover, and risk calls, each in a tuning and a test half.
# Environment:
#   KB_DIR=DIR         the KB folder scored (default kb); an editor's own
#                      check is kb-index --eval QUERIES KB_DIR [--compare]
#   KB_CORPORA=DIR     where the corpora are (default ../shared/corpora);
#                      without them the CLINC150 and NLU++ sets are skipped
#   KB_EVAL_MISSES=1   also list the misses of the real-wording tuning
#                      halves (never of the test halves)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
b=${1:-build}
[ $# -gt 0 ] && shift
real=0
[ $# -gt 0 ] || { set -- tests/relevance/queries.tsv tests/relevance/holdout.tsv; real=1; }
make --no-print-directory -s BUILDDIR="$b" "$b/tests/kb-eval" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kbdir=${KB_DIR:-kb}
echo "== KB: $kbdir"
"$b/kb-index" --quiet --db "$tmp/index" "$kbdir" || echo "   (kb-index exit $?: articles with errors are held back, as they would be live)"
for q in "$@"; do
    echo "== $q"
    "$b/tests/kb-eval" --db "$tmp/index" "$q"
done
[ "$real" = 1 ] || exit 0
corpora=${KB_CORPORA:-../shared/corpora}
echo "== real customers' wording (tests/relevance/real-wording-map.tsv; corpora: $corpora)"
echo "   flagged: kb said it has no confident answer (covered == 0); esc-warning: the"
echo "   escalation was set off by a trigger word or a frustration cue (kb before alerts)"
set -- --db "$tmp/index" --real --corpora "$corpora" --dir tests/relevance
[ "${KB_EVAL_MISSES:-0}" = 1 ] && set -- "$@" --misses
"$b/tests/kb-eval" "$@"
if [ -d "$corpora/clinc150" ]; then
    echo "== learning from officers' marks (tests/relevance/learn.sh): the tuning halves fed"
    echo "   as helpful marks through kb-search --serve, 5% for a wrong article; kb-index"
    echo "   --learn; re-index; the test halves, the team set and the holdout again:"
    echo "   learned phrasings alone (phrase-*, KB_INDEX_MODEL=0), then with the model"
    echo "   kb-index learns from them with liblinear (learn-*)"
    KB_INDEX_MODEL=0 tests/relevance/learn.sh "$b" 10 phrase-10
    KB_INDEX_MODEL=0 tests/relevance/learn.sh "$b" all phrase-all
    tests/relevance/learn.sh "$b" 10 learn-10
    tests/relevance/learn.sh "$b" all learn-all
fi
