#!/bin/sh
# relevance.sh - the ranking on the sample KB, as a regression guard: the
# figures of `make eval` (tests/relevance/) must stay at or above the
# floors below, and kb must beat the plain baseline.  The floors sit a
# little under the figures of the commit that set them, so a change that
# costs more than a query or two fails here and shows its misses.
. "$(dirname "$0")/../lib.sh"

if [ "${KB_SKIP_SLOW:-0}" = 1 ]; then
    skip "relevance" "KB_SKIP_SLOW=1 (ranking does not depend on the build)"
    finish
    exit $?
fi

make --no-print-directory -s -C "$top" BUILDDIR="$BUILDDIR" "$BUILDDIR/tests/kb-eval" >/dev/null ||
    fail "build kb-eval"
kb_index --quiet --db "$T/index" "$top/kb" || fail "index the sample KB"

# figure LINE NAME: the value after NAME in a "kb hit@1 ..." line.
figure() { echo "$1" | sed -n "s/.*$2 \([0-9.]*\).*/\1/p"; }
# at_least WHAT VALUE FLOOR
at_least() {
    if awk -v v="$2" -v f="$3" 'BEGIN { exit !(v + 0 >= f + 0) }'; then
        ok "$1: $2 (floor $3)"
    else
        fail "$1: $2, below the floor $3"
    fi
}

run_set() { # SET HIT1 HIT3 MRR
    before=$failures
    "$B/tests/kb-eval" --db "$T/index" "$top/tests/relevance/$1.tsv" >"$T/$1.out" 2>&1 ||
        fail "$1: kb-eval failed"
    kb=$(grep '^kb ' "$T/$1.out")
    base=$(grep '^baseline ' "$T/$1.out")
    at_least "$1 hit@1" "$(figure "$kb" hit@1)" "$2"
    at_least "$1 hit@3" "$(figure "$kb" hit@3)" "$3"
    at_least "$1 MRR@10" "$(figure "$kb" MRR@10)" "$4"
    if awk -v k="$(figure "$kb" MRR@10)" -v b="$(figure "$base" MRR@10)" 'BEGIN { exit !(k > b) }'; then
        ok "$1: kb's MRR@10 above the plain baseline's ($(figure "$base" MRR@10))"
    else
        fail "$1: kb's MRR@10 not above the plain baseline's"
    fi
    [ "$failures" = "$before" ] || grep '^MISS' "$T/$1.out" | sed 's/^/    # /'
}
run_set queries 0.91 0.985 0.95
run_set holdout 0.85 0.96 0.91

# The real-wording sets (make eval): without the corpora the written sets
# are still measured and the generated ones said to be skipped; with them
# the mapping is valid (every article, intent and label it names exists),
# and a test half is never listed.
rel="$top/tests/relevance"
"$B/tests/kb-eval" --db "$T/index" --real --corpora "$T/no-corpora" --dir "$rel" >"$T/real.out" 2>&1
expect_eq "kb-eval --real without corpora: exit 0" "$?" 0
expect_eq "kb-eval --real without corpora: says the CLINC150 and NLU++ sets are skipped" \
    "$(grep -c 'sets skipped' "$T/real.out")" 2
expect_eq "kb-eval --real without corpora: the written sets are measured" \
    "$(grep -cE '^kb +(written-none|risk|)-?(tune|test) +(flagged|recall) ' "$T/real.out")" 4
# Floors on the written sets (measured with no corpora, in seconds): the
# risk calls' alerts, typed and pasted, and the questions the KB does not
# cover being said so.  Today: risk 0.950 / 0.875 (long- the same), not
# covered 0.432 / 0.370.
real_floor() { # SET MEASURE FLOOR
    at_least "$1 $2" "$(figure "$(grep -E "^kb +$1 " "$T/real.out" | grep " $2 " | head -1)" "$2")" "$3"
}
real_floor risk-tune recall 0.93
real_floor risk-test recall 0.85
real_floor long-risk-tune recall 0.93
real_floor long-risk-test recall 0.85
real_floor written-none-tune flagged 0.40
real_floor written-none-test flagged 0.33
corpora=${KB_CORPORA:-$top/../shared/corpora}
if [ -f "$corpora/clinc150/data_full.json" ]; then
    "$B/tests/kb-eval" --db "$T/index" --real --corpora "$corpora" --dir "$rel" --dump nlupp-tune \
        >"$T/dump" 2>"$T/err"
    rc=$?
    if [ "$rc" = 0 ]; then
        ok "real-wording-map.tsv is valid against the index and the corpora"
    else
        fail "real-wording-map.tsv: kb-eval exit $rc"
        sed 's/^/    # /' "$T/err"
    fi
    # The sets measure kb and never feed it: no line of kb/ repeats one of
    # their sentences (case, punctuation and apostrophes aside).
    /usr/bin/python3 - "$corpora" "$top/kb" >"$T/leaks" <<'PY'
import glob, json, os, re, sys
def norm(t): return " ".join(re.findall(r"[a-z0-9]+", t.lower().replace("'", "")))
seen = set(norm(x[0]) for v in json.load(open(sys.argv[1] + "/clinc150/data_full.json")).values() for x in v)
for f in glob.glob(sys.argv[1] + "/nlupp-banking/fold*.json"):
    seen.update(norm(x.get("text", "")) for x in json.load(open(f)))
for f in sorted(glob.glob(sys.argv[2] + "/**/*", recursive=True)):
    if os.path.isfile(f):
        for i, l in enumerate(open(f, errors="replace"), 1):
            n = norm(l.strip().lstrip("-").strip().strip("\"'"))
            if len(n.split()) >= 3 and n in seen:
                print("%s:%d: %s" % (f, i, l.strip()))
PY
    expect_eq "no line of kb/ repeats a CLINC150 or NLU++ sentence" "$(wc -l <"$T/leaks")" 0
    sed 's/^/    # /' "$T/leaks"
    "$B/tests/kb-eval" --db "$T/index" --real --corpora "$corpora" --dir "$rel" --dump clinc-test \
        >"$T/dump" 2>"$T/err"
    expect_eq "kb-eval --dump refuses a test half" "$?" 2
else
    ok "real-wording map # SKIP no corpora at $corpora"
fi

# A query that is a customer's question word for word ranks that question's
# article first, though every word of it is common ("where is my card").
KB_DB=$T/index
export KB_DB
for pair in "where is my card=card-not-arrived" "i want to complain=complaints-procedure" \
    "how do i close my account=close-account"; do
    q=${pair%=*}
    want=${pair#*=}
    kb_search --json --limit 1 "$q" >"$T/r.json" 2>"$T/err"
    expect_eq "'$q' answers $want first" "$(json "$T/r.json" 'j["results"][0]["id"]')" "$want"
done
finish
