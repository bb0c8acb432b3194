#!/bin/sh
# model.sh - the model kb-index learns from officers' marks (liblinear):
# an index without learned phrasings has none; with them it has one, and a
# wording the learned phrasings taught puts their article first where the
# phrasings alone (KB_INDEX_MODEL=0) do not; the model never makes a
# question "covered"; learned phrasings removed, the model goes and the
# answers are those of an index that never learned.
. "$(dirname "$0")/../lib.sh"

export NO_COLOR=1 KB_SEARCH_LOG="$T/searches.jsonl"
kb=$(fixture kb-small)
top3() { kb_search --db "$1" --json "$2" | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(" ".join(r["id"] for r in j["results"][:3]), j["covered"])'; }
# The metadata keys of an index are plain in its postlist table.
has_model() { grep -rqa "kb:model" "$1"; }
# first NAME GOT ID: GOT (top3's line) starts with ID.
first() { case $2 in "$3 "*) ok "$1" ;; *) fail "$1: got '$2', want $3 first" ;; esac; }

q='the plastic never turned up at the cash machine'
kb_index --quiet --db "$T/plain" "$kb" || fail "index the fixture"
check "no learned phrasings: no model" eval '! has_model "$T/plain"'
plain=$(top3 "$T/plain" "$q")

mkdir "$kb/_learned"
cp "$top/tests/fixtures/model/"*.txt "$kb/_learned/"
KB_INDEX_MODEL=0 kb_index --quiet --db "$T/phrases" "$kb" || fail "index with phrasings alone"
check "KB_INDEX_MODEL=0: no model" eval '! has_model "$T/phrases"'
kb_index --quiet --db "$T/model" "$kb" || fail "index with the model"
check "learned phrasings: a model in the index" has_model "$T/model"

phrases=$(top3 "$T/phrases" "$q")
model=$(top3 "$T/model" "$q")
first "phrasings alone: the cash machine's fees first" "$phrases" fees
first "the model: the learned wording's article first" "$model" card-delivery
expect_eq "the model does not change covered" "${phrases##* }" "${model##* }"
expect_eq "another question keeps its answers" \
    "$(top3 "$T/phrases" 'cash machine fees abroad')" "$(top3 "$T/model" 'cash machine fees abroad')"

# Incremental runs follow the learned files: removed, no model.
kb_index --quiet --db "$T/plain" "$kb" || fail "re-index with learned phrasings"
first "incremental: the model learned" "$(top3 "$T/plain" "$q")" card-delivery
rm -r "$kb/_learned"
kb_index --quiet --db "$T/plain" "$kb" || fail "re-index without them"
expect_eq "learned phrasings removed: the answers of an index that never learned" \
    "$plain" "$(top3 "$T/plain" "$q")"
finish
