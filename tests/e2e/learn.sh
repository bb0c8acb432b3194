#!/bin/sh
# learn.sh - kb-index --learn: helpful marks sent through kb-search --serve
# (a search, then "feedback" naming its query_id) become learned phrasings
# in KB_DIR/_learned/ID.txt; one officer marking 500 times counts once;
# "not helpful" outweighs weak support; personal data and vulnerable-customer
# searches are never learned while fraud questions are; --dry-run writes
# nothing; a call resolved by an article teaches its words; an editor's "-" line is never learned again; the next kb-index
# searches what was learned; 100,000 log lines in under 10 s.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
cp "$top/tests/fixtures/learn/"*.md "$kb/guidance/"
db=$T/index
kb_index --quiet --db "$db" "$kb" || fail "index the fixture"
export KB_DB="$db" NO_COLOR=1 KB_SEARCH_LOG="$T/searches.jsonl" KB_FEEDBACK_LOG="$T/feedback.jsonl"
learn() { kb_index --learn --calls "$T/no-calls" "$@" "$kb"; }

# mark FILE: each line "OFFICER<TAB>ARTICLE<TAB>helpful|unhelpful<TAB>WORDS" is
# a search of WORDS, then a mark for ARTICLE naming its query_id.
mark() {
    /usr/bin/python3 - "$B/kb-search" "$db" "$1" <<'EOF'
import json, subprocess, sys
p = subprocess.Popen([sys.argv[1], "--db", sys.argv[2], "--serve"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, text=True)
def call(req):
    p.stdin.write(json.dumps(req) + "\n"); p.stdin.flush()
    return json.loads(p.stdout.readline())
for line in open(sys.argv[3]):
    officer, article, how, words = line.rstrip("\n").split("\t")
    qid = call({"op": "search", "q": words, "limit": 3}).get("query_id")
    r = call({"op": "feedback", "q": words, "article": article, "helpful": how == "helpful",
              "query_id": qid, "officer": officer, "call": "call-" + officer})
    assert r.get("ok"), r
p.stdin.close()
sys.exit(p.wait())
EOF
}

unknown='plastic never showed up at my flat'
kb_search --json "$unknown" >"$T/before.json" 2>/dev/null
before=$(json "$T/before.json" '(j["results"] or [{"id": "none"}])[0]["id"]')

tab=$(printf '\t')
{
    echo "officer-1${tab}card-delivery${tab}helpful${tab}$unknown"
    echo "officer-2${tab}card-delivery${tab}helpful${tab}Plastic never showed up at my flat!"
    echo "officer-3${tab}top-up-failed${tab}helpful${tab}landlord payment vanished"
    echo "officer-4${tab}top-up-failed${tab}unhelpful${tab}landlord payment vanished"
    echo "officer-5${tab}top-up-failed${tab}unhelpful${tab}landlord payment vanished"
    echo "officer-1${tab}stolen-card${tab}helpful${tab}my card 4111 1111 1111 1111 was swallowed"
    echo "officer-1${tab}fees${tab}helpful${tab}email me at jo.bloggs@example.com about fees"
    echo "officer-2${tab}fees${tab}helpful${tab}I lost my husband and cannot pay the fees"
    echo "officer-2${tab}fraud-alert${tab}helpful${tab}payments I didn't make on my statement"
    echo "officer-3${tab}fees${tab}helpful${tab}overdraft"
    i=0
    while [ $i -lt 500 ]; do
        echo "officer-9${tab}fees${tab}helpful${tab}cash withdrawal abroad cost"
        i=$((i + 1))
    done
} >"$T/marks.tsv"
check "510 searches and marks through kb-search --serve" mark "$T/marks.tsv"
# A mark for an article since removed from the KB (the server refuses new ones).
echo '{"time":"2026-11-20T10:00:00Z","query":"old product question","article":"retired-article","helpful":true,"source":"serve","officer":"officer-6"}' >>"$KB_FEEDBACK_LOG"

# --- --dry-run ----------------------------------------------------------------
expect_code "--dry-run" 0 learn --dry-run
expect_match "--dry-run: what would be added" "$T/out" "^  \+ card-delivery: $unknown  \(2 marks\)$"
expect_match "--dry-run: the summary says nothing was written" "$T/out" \
    '^kb-index: learned phrasings: 3 added, 0 kept, 0 dropped, 0 rejected .*dry run: nothing written'
check "--dry-run writes no learned file" test ! -e "$kb/_learned"

# --- learn ------------------------------------------------------------------
expect_code "--learn --json" 0 learn --json
cp "$T/out" "$T/learn.json"
expect_eq "added, kept, dropped, rejected" \
    "$(json "$T/learn.json" '(j["added"], j["kept"], j["dropped"], j["rejected"])')" "(3, 0, 0, 0)"
expect_eq "not learned: personal data, vulnerable customer, contradicted, single word, unknown" \
    "$(json "$T/learn.json" 'sorted((k, v) for k, v in j["not_learned"].items() if v)')" \
    "[('contradicted', 1), ('personal', 2), ('single_words', 1), ('unknown_articles', 1), ('vulnerable', 1)]"
expect_eq "the phrasings learned, for their articles" \
    "$(json "$T/learn.json" 'sorted((c["article"], c["text"], c["marks"]) for c in j["changes"])')" \
    "[('card-delivery', '$unknown', 2), ('fees', 'cash withdrawal abroad cost', 1), ('fraud-alert', \"payments i didn't make on my statement\", 1)]"
expect_match "the learned file: a + line with its note" "$kb/_learned/card-delivery.txt" \
    "^\+ $unknown \| 2 marks, last [0-9]{4}-[0-9]{2}-[0-9]{2}$"
expect_match "500 marks by one officer count as one" "$kb/_learned/fees.txt" \
    '^\+ cash withdrawal abroad cost \| 1 mark,'
check "no file for contradicted words" test ! -e "$kb/_learned/top-up-failed.txt"
sed -n 's/^[+-] \(.*\) | .*/\1/p' "$kb/_learned/"*.txt >"$T/all-learned"
expect_no_match "nothing personal learned" "$T/all-learned" '[0-9]|@|<|husband'
expect_no_match "nothing personal in the search log" "$T/searches.jsonl" '"query":"[^"]*(4111|jo\.bloggs)'
expect_code "--learn again: the same" 0 learn
expect_match "a second run keeps what it learned" "$T/out" \
    '^kb-index: learned phrasings: 0 added, 3 kept, 0 dropped, 0 rejected '

# --- the next kb-index searches them ------------------------------------------
kb_index --quiet --db "$db" "$kb" || fail "re-index with the learned phrasings"
kb_search --json "$unknown" >"$T/after.json" 2>/dev/null
expect_eq "learned words find their article (before: $before)" \
    "$(json "$T/after.json" 'j["results"][0]["id"]')" "card-delivery"
expect_code "--check accepts the _learned folder" 0 kb_index --check --strict "$kb"

# --- an editor rejects a line -------------------------------------------------
sed -i "s/^+ $unknown/- $unknown/" "$kb/_learned/card-delivery.txt"
expect_code "--learn after a rejection" 0 learn
expect_match "rejected words are not learned again" "$T/out" \
    '^kb-index: learned phrasings: 0 added, 2 kept, 0 dropped, 1 rejected '
expect_match "the editor's - line stays" "$kb/_learned/card-delivery.txt" "^- $unknown"
kb_index --quiet --db "$db" "$kb" || fail "re-index after the rejection"
kb_search --json "$unknown" >"$T/rej.json" 2>/dev/null
expect_eq "a rejected phrasing is no longer searched" \
    "$(json "$T/rej.json" '(j["results"] or [{"id": "none"}])[0]["id"]')" "$before"

# --- a call resolved by an article ---------------------------------------------
calls=$XDG_STATE_HOME/kb/calls
printf '%s\n' "wallet nicked outside the gym" ":resolved stolen-card" ":quit" |
    KB_OFFICER=officer-8 kb_assistant >"$T/call.out" 2>&1 || fail "a scripted call"
expect_code "--learn from the call records" 0 kb_index --learn --calls "$calls" --json "$kb"
expect_eq "a call resolved by an article teaches its words" \
    "$(json "$T/out" '[(c["article"], c["text"], c["what"]) for c in j["changes"] if c["what"] == "added"]')" \
    "[('stolen-card', 'wallet nicked outside the gym', 'added')]"
expect_match "the call's phrasing is in the learned file" "$kb/_learned/stolen-card.txt" \
    '^\+ wallet nicked outside the gym \| 1 mark'

# --- errors -------------------------------------------------------------------
expect_code "--learn with a bad date" 2 learn --since 2026-13-45
expect_code "--dry-run without --learn" 2 kb_index --dry-run "$kb"
expect_code "--learn with --report" 2 kb_index --learn --report "$kb"

# --- 100,000 log lines in under 10 s -----------------------------------------
/usr/bin/python3 - "$T/big.jsonl" <<'EOF'
import json, random, sys
random.seed(7)
words = "card account payment transfer fee statement pin app login limit abroad refund".split()
arts = ["card-delivery", "fees", "top-up-failed", "stolen-card", "angry-caller"]
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        q = " ".join(random.choice(words) for _ in range(random.randint(2, 6)))
        f.write(json.dumps({"time": "2026-11-%02dT10:00:00Z" % (1 + i % 28), "query": q,
                            "article": random.choice(arts), "helpful": random.random() > 0.1,
                            "source": "serve", "officer": "o%d" % (i % 50)}) + "\n")
EOF
start=$(date +%s.%N)
expect_code "--learn over 100,000 lines" 0 learn --dry-run --search-log off --feedback-log "$T/big.jsonl"
secs=$(echo "$(date +%s.%N) - $start" | bc)
expect_match "100,000 lines read" "$T/out" 'from 100000 log lines'
if [ "$(echo "$secs < 10" | bc)" = 1 ]; then ok "100,000 lines in ${secs} s (< 10 s)"; else
    fail "100,000 lines in ${secs} s (want < 10 s)"; fi

finish
