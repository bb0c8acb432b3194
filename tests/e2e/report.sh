#!/bin/sh
# report.sh - kb-index --report: searches with no answer and answers marked
# not helpful, from real call records (a scripted kb-assistant session) and
# the feedback log (kb-assistant and kb-search --serve); dates, options,
# damaged records, links, FIFOs.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
db=$T/index
kb_index --quiet --db "$db" "$kb" || fail "index the fixture"
export KB_DB="$db" NO_COLOR=1
state=$XDG_STATE_HOME/kb

# --- nothing recorded yet ---------------------------------------------------
expect_code "no records: a report all the same" 0 kb_index --report
expect_match "no records: no search with no answer" "$T/out" '^Searches with no answer: 0 of 0$'
expect_code "no records: JSON" 0 kb_index --report --json
expect_eq "no records: JSON counts" \
    "$(json "$T/out" '(j["calls"], j["searches"], j["no_answer"], j["not_helpful"])')" \
    "(0, 0, [], [])"

# --- one call: two unanswered searches (one typed twice, differently), one
# answered; the first answer marked bad, then good, then bad from another
# query -----------------------------------------------------------------------
printf '%s\n' "card hasnt arived" ":bad 1" "qqqzzzx blorp" "QQQZZZX   Blorp" \
    "cash machine fee" ":good 1" "where is my card" ":bad 1" "xyzzy plugh" ":quit" |
    kb_assistant >"$T/call.out" 2>&1 || fail "scripted call"
expect_code "after a call" 0 kb_index --report --json
cp "$T/out" "$T/r1.json"
expect_eq "one call, six searches, three with no answer" \
    "$(json "$T/r1.json" '(j["files"], j["calls"], j["searches"], j["unanswered"])')" "(1, 1, 6, 3)"
expect_eq "the same words typed twice are one line, counted twice, first" \
    "$(json "$T/r1.json" '[(q["query"], q["count"]) for q in j["no_answer"]]')" \
    "[('qqqzzzx blorp', 2), ('xyzzy plugh', 1)]"
expect_eq "feedback counted per article" \
    "$(json "$T/r1.json" '[(a["id"], a["not_helpful"], a["helpful"]) for a in j["not_helpful"]]')" \
    "[('card-delivery', 2, 0)]"
expect_eq "the queries that found it not helpful, latest first" \
    "$(json "$T/r1.json" 'j["not_helpful"][0]["queries"]')" \
    "['where is my card', 'card hasnt arived']"
expect_eq "a helpful-only article is not listed" \
    "$(json "$T/r1.json" '[a["id"] for a in j["not_helpful"] if a["id"] == "fees"]')" "[]"

# Feedback from the JSON interface lands in the same log and the same report.
printf '%s\n' '{"op":"feedback","query":"atm charge","article":"fees","helpful":false}' |
    kb_search --serve >"$T/serve.out" 2>&1
expect_code "after serve feedback: text" 0 kb_index --report
expect_match "text: the unanswered share" "$T/out" '^Searches with no answer: 3 of 6 \(50%\)$'
expect_match "text: the repeated query with its count and time" "$T/out" \
    '^ +2  qqqzzzx blorp +last [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$'
expect_match "text: the article with its not-helpful share" "$T/out" '^ +2 of 2 +card-delivery$'
expect_match "text: an example query" "$T/out" '^ +"where is my card"$'
expect_match "text: serve feedback counted" "$T/out" '^ +1 of 2 +fees$'
expect_no_match "text: no escape codes with NO_COLOR" "$T/out" "$(printf '\033')"

# --- dates ------------------------------------------------------------------
expect_code "--since today" 0 kb_index --report --json --since "$(date -u +%Y-%m-%d)"
expect_eq "--since today: everything" "$(json "$T/out" 'j["searches"]')" "6"
expect_code "--since a future date" 0 kb_index --report --json --since 2099-01-01
expect_eq "--since the future: nothing" \
    "$(json "$T/out" '(j["since"], j["calls"], j["searches"], j["feedback"], j["not_helpful"])')" \
    "('2099-01-01', 0, 0, 0, [])"
expect_code "--since not a date" 2 kb_index --report --since yesterday
expect_match "--since not a date: says so" "$T/err" "not a date \(YYYY-MM-DD\): 'yesterday'"
expect_code "--since month 13" 2 kb_index --report --since 2026-13-01
expect_code "--since without --report" 2 kb_index --since 2026-01-01 "$kb"
expect_code "--report with a KB_DIR (its learned phrasings)" 0 kb_index --report "$kb"
expect_code "--report with two KB_DIRs" 2 kb_index --report "$kb" "$kb"
expect_code "--report with --full" 2 kb_index --report --full

# --- other locations, damaged and hostile records ------------------------------
mkdir -p "$T/calls"
cp "$state"/calls/*.jsonl "$T/calls/"
{
    echo 'not json at all'
    printf '{"time":"2026-11-22T10:00:00.000Z","event":"query","q":"bad \377 utf8","total":0}\n'
    echo '{"time":"2026-11-22T10:00:00.000Z","event":"query","q":"no total"}'
    echo '[1, 2, 3]'
    head -c 2000000 /dev/zero | tr '\0' 'x'
    echo
    printf '{"time":"2026-11-22T10:00:00.000Z","event":"query","q":"torn last li'
} >"$T/calls/damaged.jsonl"
echo '{"time":"2026-11-22T10:00:00.000Z","event":"query","q":"not a record","total":0}' \
    >"$T/elsewhere.jsonl"
ln -s "$T/elsewhere.jsonl" "$T/calls/link.jsonl"
echo 'ignored' >"$T/calls/notes.txt"
: >"$T/empty.jsonl"
expect_code "--calls and --feedback-log elsewhere" 0 \
    kb_index --report --json --calls "$T/calls" --feedback-log "$T/empty.jsonl"
expect_eq "damaged lines skipped and counted, the rest read" \
    "$(json "$T/out" '(j["files"], j["searches"], j["unanswered"], j["skipped"], j["feedback"])')" \
    "(2, 6, 3, 6, 0)"
expect_eq "a linked record is not followed" \
    "$(json "$T/out" '[q for q in j["no_answer"] if q["query"] == "not a record"]')" "[]"
expect_code "missing folder and log: an empty report" 0 \
    kb_index --report --json --calls "$T/none" --feedback-log "$T/none.jsonl"
expect_eq "missing: zero" "$(json "$T/out" '(j["files"], j["searches"])')" "(0, 0)"
expect_code "a folder as the feedback log" 3 kb_index --report --feedback-log "$T/calls"
expect_match "a folder as the log: says which" "$T/err" "not a regular file: $T/calls"
mkfifo "$T/fifo"
expect_code "a FIFO as the feedback log: refused, no hang" 3 \
    timeout 10 "$B/kb-index" --report --feedback-log "$T/fifo"
expect_code "a file as the calls folder" 3 kb_index --report --calls "$T/empty.jsonl"
expect_match "a file as the calls folder: says which" "$T/err" "cannot read $T/empty.jsonl"

# Control characters a person typed never reach the terminal.
printf '{"time":"2026-11-22T10:00:00.000Z","event":"query","q":"esc \\u001b[2J here","total":0}\n' \
    >"$T/calls/ctl.jsonl"
expect_code "a query with control characters" 0 kb_index --report --calls "$T/calls"
expect_no_match "control characters never reach the terminal" "$T/out" "$(printf '\033')"
expect_match "the rest of the query shown, the control character as '?'" "$T/out" 'esc \?\[2J here'
finish
