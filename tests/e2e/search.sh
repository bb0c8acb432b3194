#!/bin/sh
# search.sh - kb-search end to end: typos, synonyms, filters, phrases,
# exclusion, empty and stopword-only queries, escalation, exit codes.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
db=$T/index
kb_index --quiet --db "$db" "$kb" || fail "index the fixture"
export KB_DB="$db"
# A Monday at 10:00: card operations open.
export KB_NOW=2026-11-23T10:00

s() { kb_search --json "$@" >"$T/r.json" 2>"$T/err"; }
top() { json "$T/r.json" 'j["results"][0]["id"] if j["results"] else None'; }

# --- typos ---------------------------------------------------------------
s "card hasnt arived"
expect_eq "typo: right article first" "$(top)" "card-delivery"
expect_eq "typo: corrected query reported" "$(json "$T/r.json" 'j["corrected"]')" "card hasnt arrived"
s "where is my card"
expect_eq "no typo: corrected is null" "$(json "$T/r.json" 'j["corrected"]')" "None"
s "qqqzzzx"
expect_eq "unfixable word: no suggestion" "$(json "$T/r.json" 'j["corrected"]')" "None"
expect_eq "unfixable word: no results, still success" "$(json "$T/r.json" 'len(j["results"])')" "0"
s "2025 fees"
expect_eq "numbers are never corrected" "$(json "$T/r.json" 'j["corrected"]')" "None"
s "error E-1234"
expect_eq "error code matches exactly" "$(top)" "top-up-failed"
expect_eq "error code not corrected" "$(json "$T/r.json" 'j["corrected"]')" "None"
s "E-9999"
expect_eq "unknown code: not turned into E-1234" "$(json "$T/r.json" 'j["corrected"]')" "None"
# A correction that would grow the query past its 1024-byte limit is not
# offered: "did you mean" must be a query that can be run.
long=$(python3 -c 'w = ("card arrived at the shop " * 60)[:1024 - 7]; print(w + "x" * (1024 - 7 - len(w)) + " arived")')
s "$long"
expect_eq "1024-byte query: a correction past the limit is not offered" \
    "$(json "$T/r.json" 'j["corrected"]')" "None"
s "${long#card }"
expect_eq "1019-byte query: the same correction is offered" \
    "$(json "$T/r.json" 'len(j["corrected"])')" "1020"
s "fee"
expect_eq "short words are not corrected" "$(json "$T/r.json" 'j["corrected"]')" "None"
# Words with digits are codes or names, never typos, though the word without
# its digit is in the index ("delivery", "card").
s "delivery1"
expect_eq "a word with a digit is never corrected (delivery1)" "$(json "$T/r.json" 'j["corrected"]')" "None"
s "card2"
expect_eq "a word with a digit is never corrected (card2)" "$(json "$T/r.json" 'j["corrected"]')" "None"
s "card2 delivery1 arived"
expect_eq "beside a real typo, words with digits stay as typed" \
    "$(json "$T/r.json" 'j["corrected"]')" "card2 delivery1 arrived"

# --- synonyms --------------------------------------------------------------
s "add money failed"
expect_eq "synonym: add money finds the top-up article" "$(top)" "top-up-failed"
s "cashpoint fees"
expect_eq "synonym: cashpoint finds the ATM fees" "$(top)" "fees"
s "ad mony failed"
expect_eq "synonyms apply to corrected words" "$(top)" "top-up-failed"
kb_search --json --explain "add money failed" >"$T/r.json"
expect_eq "explain names the synonym" \
    "$(json "$T/r.json" 'any(m["kind"]=="synonym" for m in j["results"][0]["explain"])')" "True"
kb_search --json --explain "card hasnt arived" >"$T/r.json"
expect_eq "explain names the correction" \
    "$(json "$T/r.json" '[m["word"] for m in j["results"][0]["explain"] if m["kind"]=="correction"]')" "['arrived']"

# --- filters, phrases, exclusion ------------------------------------------------
s "card category:security"
expect_eq "inline category filter" "$(json "$T/r.json" 'sorted(set(r["category"] for r in j["results"]))')" "['security']"
s --category product card
expect_eq "--category filter" "$(json "$T/r.json" '[r["id"] for r in j["results"]]')" "['card-delivery']"
s --tag fraud card
expect_eq "--tag filter" "$(json "$T/r.json" '[r["id"] for r in j["results"]]')" "['stolen-card']"
s "card tag:card tag:delivery"
expect_eq "two tags: both required" "$(json "$T/r.json" '[r["id"] for r in j["results"]]')" "['card-delivery']"
s "category:escalation"
expect_eq "filter alone lists the category" "$(json "$T/r.json" 'len(j["results"])')" "4"
s '"free replacement"'
expect_eq "phrase found" "$(top)" "card-delivery"
s '"replacement free"'
expect_eq "words in the wrong order are not the phrase" "$(json "$T/r.json" 'len(j["results"])')" "0"
s "card -wallet"
expect_eq "exclusion drops the whole article" \
    "$(json "$T/r.json" '"stolen-card" in [r["id"] for r in j["results"]]')" "False"
expect_eq "exclusion keeps the others" \
    "$(json "$T/r.json" '"card-delivery" in [r["id"] for r in j["results"]]')" "True"

# --- results carry section, snippet, highlights ------------------------------------
s "delivery address back office"
expect_eq "best section named" "$(json "$T/r.json" 'j["results"][0]["section"]')" "If it has been longer"
expect_eq "highlights point into the snippet" \
    "$(json "$T/r.json" 'all(0<=a<b<=len(j["results"][0]["snippet"].encode()) for a,b in j["results"][0]["highlights"])')" "True"
expect_eq "a highlight covers a query word" \
    "$(json "$T/r.json" 'any(j["results"][0]["snippet"].encode()[a:b].decode().lower() in ("delivery","address","back","office") for a,b in j["results"][0]["highlights"])')" "True"
expect_eq "scores within 0..1" "$(json "$T/r.json" 'all(0<=r["score"]<=1 for r in j["results"])')" "True"
expect_eq "one hit per article" "$(json "$T/r.json" 'len(set(r["id"] for r in j["results"]))==len(j["results"])')" "True"
expect_eq "took_ms reported" "$(json "$T/r.json" 'j["took_ms"] >= 0')" "True"

# --- escalation ---------------------------------------------------------------
s "new card delivery"
expect_eq "escalation: top answer's path" "$(json "$T/r.json" '[t["id"] for t in j["escalation"]["path"]]')" "['card-ops', 'manager']"
expect_eq "escalation says why" "$(json "$T/r.json" 'j["escalation"]["kind"]')" "answer"
s "card hasnt arrived"
expect_eq "a routing trigger with a word between (card not arrived)" "$(json "$T/r.json" 'j["escalation"]["kind"]+" "+j["escalation"]["trigger"]')" "trigger card not arrived"
expect_eq "a routing trigger raises no alert" "$(json "$T/r.json" 'j["alerts"]')" "[]"
expect_eq "card ops open on Monday 10:00" "$(json "$T/r.json" 'j["escalation"]["path"][0]["open"]')" "True"
KB_NOW=2026-11-22T10:00 s "card hasnt arrived"
expect_eq "card ops closed on Sunday" "$(json "$T/r.json" 'j["escalation"]["path"][0]["open"]')" "False"
expect_eq "and says when it opens" "$(json "$T/r.json" 'j["escalation"]["path"][0]["opens"]')" "Mon 08:00"
expect_match "and points to the next open tier" "$T/r.json" 'Duty manager is open now'
s "my top up failed and i think my card was stolen"
expect_eq "trigger overrides the top answer" "$(json "$T/r.json" 'j["escalation"]["path"][0]["id"]')" "fraud"
expect_eq "trigger named" "$(json "$T/r.json" 'j["escalation"]["trigger"]')" "stolen"
s "i didnt make this payment"
expect_eq "contraction matches the trigger" "$(json "$T/r.json" 'j["escalation"]["trigger"]')" "did not make this payment"
s "this is the third time my card hasnt arrived"
expect_eq "frustration cue: duty manager path" "$(json "$T/r.json" 'j["escalation"]["path"][0]["id"]')" "manager"
expect_eq "frustration cue: de-escalation guidance" "$(json "$T/r.json" 'j["escalation"]["guidance"]')" "angry-caller"
s "pin"
expect_eq "no answer, no escalation" "$(json "$T/r.json" 'j["escalation"]')" "None"
expect_code "escalation of an article" 0 kb_search --escalation card-delivery --json
expect_eq "--escalation path" "$(json "$T/out" '[t["id"] for t in j["escalation"]["path"]]')" "['card-ops', 'manager']"

# --- empty, stopwords, limits, exit codes --------------------------------------------
expect_code "empty query: usage error" 2 kb_search ""
expect_match "empty query explained" "$T/err" 'no query'
expect_code "stopword-only query: success" 0 kb_search "how do i"
expect_match "stopword-only query explained" "$T/err" 'only common words'
expect_code "no results: success" 0 kb_search "xylophone"
expect_match "no results said" "$T/out" 'No answers'
expect_code "text over 16 KiB: usage error" 2 kb_search "$(head -c 16400 /dev/zero | tr '\0' a)"
expect_match "too long explained" "$T/err" 'longer than 16384'
expect_code "invalid UTF-8 query: usage error" 2 kb_search "$(printf 'card \377')"
expect_code "limit 0 refused" 2 kb_search -n 0 card
expect_code "limit 101 refused" 2 kb_search -n 101 card
expect_code "limit 100 fine" 0 kb_search -n 100 card
expect_code "missing index: exit 3" 3 kb_search --db "$T/nope" card
expect_match "says how to build it" "$T/err" 'kb-index --db'
# A real index the user may not read (root reads anything: as uid 65534).
if nobody_ready; then
    cp -r "$db" "$T/unreadable"
    chmod 000 "$T/unreadable"
    expect_code "unreadable index: exit 3" 3 nobody $VG "$B/kb-search" --db "$T/unreadable" card
    expect_match "unreadable index: says why" "$T/err" 'Permission denied|cannot'
    chmod 755 "$T/unreadable"
    expect_code "the same index readable: exit 0" 0 nobody $VG "$B/kb-search" --db "$T/unreadable" card
else
    skip "unreadable index: exit 3" "$nobody_why"
fi
expect_code "--show unknown id: exit 1" 1 kb_search --show no-such-article
expect_code "--show takes ids, not paths: exit 2" 2 kb_search --show ../../etc/passwd
expect_code "--show" 0 kb_search --show card-delivery
expect_match "--show renders the steps" "$T/out" 'Check the delivery address'
expect_no_match "--show plain output has no escape codes" "$T/out" "$(printf '\033')"
expect_code "--show --json" 0 kb_search --show card-delivery --json
expect_eq "--show --json has the body" "$(json "$T/out" '"## If it has been longer" in j["body"]')" "True"
expect_code "query with --show: usage" 2 kb_search --show card-delivery card
expect_code "--help" 0 kb_search --help
expect_code "--version" 0 kb_search --version
expect_code "unknown option" 2 kb_search --frobnicate card

# --- human output -------------------------------------------------------------
expect_code "human output" 0 kb_search "card hasnt arived"
cp "$T/out" "$T/h.txt"
expect_match "human: did you mean names the changed word" "$T/h.txt" '^Did you mean: arived -> arrived  \(showing results for it\)$'
expect_match "human: ranked title" "$T/h.txt" '^1\. My new card has not arrived'
expect_match "human: escalation line" "$T/h.txt" 'Card operations'
expect_no_match "human: no escape codes off a terminal" "$T/h.txt" "$(printf '\033')"

finish
