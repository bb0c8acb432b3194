#!/bin/sh
# learn.sh - the learning loop of make eval: officers' marks in, learned
# phrasings out, the index measured again.
#
#   tests/relevance/learn.sh BUILDDIR MARKS LABEL [FOLD]
#
# A copy of kb/ is indexed; the tuning halves of the real-wording sets
# (CLINC150, NLU++) go to `kb-search --serve` as officers would send them
# (a search, then op "feedback" naming its query_id, "helpful": true, a
# call and an officer), MARKS per article at most ("all": every one), 5%
# of them for a wrong article; `kb-index --learn` turns them into learned
# phrasings, `kb-index` indexes them, and kb-eval measures the learned
# index, its lines labelled LABEL: the test halves (hit@1, hit@3, MRR@10,
# and the not-covered sets: learning must not make them "covered"), then
# the team's sets.  The sentences go from kb-eval to the server through a
# pipe and are never printed; the learned files live in a temporary copy.
#
# With FOLD (0-4), for tuning the learner on the tuning halves alone: the
# marks leave out that fifth of the tuning questions, and only it is
# measured (sets clinc-fold, nlupp-fold; the test halves are not touched).
#
# Environment: KB_CORPORA (as eval.sh), KB_INDEX_MODEL=0 (learned
# phrasings alone, no model: kb-index(1)), KB_LEARN_WRONG (share of wrong
# marks, default 0.05), KB_LEARN_SEED (default 1), KB_LEARN_KEEP=DIR keeps
# the learned copy of kb/ in DIR for review.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
b=$1 marks=$2 label=$3 fold=${4:-}
corpora=${KB_CORPORA:-../shared/corpora}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r kb "$tmp/kb"
rm -rf "$tmp/kb/_learned"
export HOME="$tmp/home" XDG_STATE_HOME="$tmp/state" KB_SEARCH_LOG="$tmp/searches.jsonl"
"$b/kb-index" --quiet --db "$tmp/index" "$tmp/kb"
set -- --db "$tmp/index" --real --corpora "$corpora" --dir tests/relevance
[ -n "$fold" ] && set -- "$@" --fold "$fold"
"$b/tests/kb-eval" "$@" --feed "$marks" --wrong "${KB_LEARN_WRONG:-0.05}" \
    --seed "${KB_LEARN_SEED:-1}" -- \
    "$b/kb-search" --db "$tmp/index" --serve --feedback-log "$tmp/feedback.jsonl"
"$b/kb-index" --learn --db "$tmp/index" --feedback-log "$tmp/feedback.jsonl" \
    --calls "$tmp/no-calls" --search-log "$tmp/searches.jsonl" "$tmp/kb" | sed 's/^/learn: /'
"$b/kb-index" --quiet --db "$tmp/index" "$tmp/kb"
if [ -n "$fold" ]; then
    "$b/tests/kb-eval" "$@" --learned "$label" ${KB_EVAL_MISSES:+--misses}
else
    "$b/tests/kb-eval" "$@" --learned "$label"
    for q in tests/relevance/queries.tsv tests/relevance/holdout.tsv; do
        printf '%-9s %-18s' "$label" "$(basename "$q" .tsv)"
        "$b/tests/kb-eval" --db "$tmp/index" --quiet --learned "$label" "$q" | sed "s/^$label *//"
    done
fi
if [ -n "${KB_LEARN_KEEP:-}" ]; then
    rm -rf "$KB_LEARN_KEEP"
    cp -r "$tmp/kb" "$KB_LEARN_KEEP"
fi
