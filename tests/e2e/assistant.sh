#!/bin/sh
# assistant.sh - kb-assistant end to end, scripted through a pipe: every
# command with good and wrong arguments, the banners, the prompt context
# (as :filter shows it), the call record and its modes, the summary, the
# feedback log, the history, start-up errors, and plain output (no escape
# codes, no prompt) off a terminal.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
db=$T/index
# The indexer runs bare (not under valgrind): it is not what is tested here.
"$B/kb-index" --quiet --db "$db" "$kb" || fail "index the fixture"
# A Monday at 10:00: every tier is open.
export KB_NOW=2026-11-23T10:00
state=$XDG_STATE_HOME/kb
ESC=$(printf '\033')

# run NAME: feed $T/in to the assistant; stdout in $T/out, stderr in $T/err.
run() {
    kb_assistant --db "$db" <"$T/in" >"$T/out" 2>"$T/err"
    rc=$?
    expect_eq "$1: exit 0" "$rc" 0
}
# py EXPR: a Python expression over the call records (calls: list of files,
# each a list of events), printed.
py() {
    /usr/bin/python3 -c '
import json, glob, os, sys
files = sorted(glob.glob(os.path.join(sys.argv[1], "calls", "*.jsonl")), key=os.path.getmtime)
calls = [[json.loads(l) for l in open(f)] for f in files]
ev = lambda c, name: [e for e in c if e["event"] == name]
print(eval(sys.argv[2]))' "$state" "$1"
}

# --- options and start-up ------------------------------------------------------
expect_code "--help" 0 kb_assistant --help
expect_match "--help: usage line" "$T/out" '^Usage: kb-assistant \[--db PATH\] \[--search-log PATH\|off\] \[--help\] \[--version\]'
expect_match "--help: says how to build the index" "$T/out" 'kb-index --db PATH KB_DIR'
expect_code "--version" 0 kb_assistant --version
expect_match "--version: name and version" "$T/out" '^kb-assistant [0-9]+\.[0-9]+\.[0-9]+$'
expect_code "unknown option: usage error" 2 kb_assistant --frobnicate
expect_code "an argument: usage error" 2 kb_assistant card
expect_code "missing index: exit 3" 3 kb_assistant --db "$T/no-index" </dev/null
expect_match "missing index: says how to build it" "$T/err" '^kb-assistant: .*kb-index --db .*no-index KB_DIR'
mkdir -p "$T/broken" && echo junk >"$T/broken/iamglass"
expect_code "broken index: exit 3" 3 kb_assistant --db "$T/broken" </dev/null
expect_match "broken index: says how to rebuild it" "$T/err" 'kb-index --full --db .*broken KB_DIR'
expect_code "default index missing: exit 3" 3 kb_assistant </dev/null
expect_match "default index named" "$T/err" "$XDG_DATA_HOME/kb/index"

# --- a whole call: asking, opening, wrong arguments, esc, why, feedback -----------
# The calls folder exists with a loose mode: the assistant tightens it.
mkdir -p "$state/calls" && chmod 755 "$state/calls"
cat >"$T/in" <<'EOF'
:open 1
:more
card hasnt arived
:open 1
2
:open 9
:frob
:opne 2

   
:open
:s
:more
:open 5
:why 1
:esc
:esc 2
:good 1
:bad stolen-card
:good no-such-article
:note customer confirmed address
:summary
:quit
this line is never read
EOF
run "call"
cp "$T/out" "$T/call.out"; cp "$T/err" "$T/call.err"
expect_match "open before a question: told" "$T/call.err" '^No answers yet: ask a question first'
expect_match "more before a question: told" "$T/call.err" '^Ask a question first; :more'
expect_match "did you mean: only the word it changed" "$T/call.out" '^Did you mean: arived -> arrived \(showing answers for it\)$'
expect_match "a routing trigger with a word between: the team to call" "$T/call.out" '^   Why: The customer said "card not arrived": that goes to Card operations'
expect_match "card 1: title, category, id" "$T/call.out" '^1\. My new card has not arrived  \[product\] card-delivery$'
expect_match "card: snippet" "$T/call.out" '^   Cards arrive within 3-5 working days'
expect_match "card: escalation hint, open now" "$T/call.out" '^   Escalate: Card operations, open now, ext\. 4420$'
expect_match "three cards" "$T/call.out" '^3\. '
expect_match "footer: range and total" "$T/call.out" '^Answers 1-3 of [0-9]+\.'
expect_match "open 1: the article rendered" "$T/call.out" '^1\. Check the delivery address in the back office\.'
expect_match "open 1: its escalation path" "$T/call.out" '^  1\. Card operations  \[card-ops\]  OPEN NOW'
expect_match "a bare number opens" "$T/call.out" '^Freeze the card at once, then cancel it'
expect_match "open 9 with 3 answers: one clear line" "$T/call.err" '^There is no answer 9: the list shows 1-3( \(:more shows more\))?\.$'
expect_match "unknown command: suggests :help" "$T/call.err" "^Unknown command ':frob'; :help lists the commands\.$"
expect_match "open without N: says what it needs" "$T/call.err" '^:open needs N\|ID'
expect_match "ambiguous prefix: names the choices" "$T/call.err" "^':s' could be :steps, :summary"
expect_match "mistyped command: the likely one" "$T/call.err" "^Unknown command ':opne'; did you mean :open\?"
expect_eq "empty and blank lines: no message" "$(wc -l <"$T/call.err" | tr -d ' ')" 8
expect_match "more: numbering goes on" "$T/call.out" '^4\. A top-up failed  \[troubleshooting\] top-up-failed'
expect_match "open 5 after more" "$T/call.out" '^The fraud team handles stolen cards'
expect_match "why: the correction" "$T/call.out" '^  arrived +correction +corrected from .arived.'
expect_match "why: heading" "$T/call.out" '^1\. My new card has not arrived matched "card hasnt arived"'
expect_match "esc: the suggested path" "$T/call.out" '^Suggested escalation$'
expect_match "esc: contact" "$T/call.out" '^     Contact: ext\. 4420$'
expect_match "esc: hours" "$T/call.out" '^     Hours:   Mon-Fri 08:00-20:00; Sat 09:00-17:00$'
expect_match "esc: SLA" "$T/call.out" '^     SLA:     same working day$'
expect_match "esc: next tier" "$T/call.out" '^  2\. Duty manager  \[manager\]  OPEN NOW$'
expect_match "esc 2: that answer's path" "$T/call.out" '^Escalation for answer 2$'
expect_match "esc 2: fraud team" "$T/call.out" '^  1\. Fraud and disputes  \[fraud\]  OPEN NOW'
expect_match "good: thanked" "$T/call.out" '^Thanks: card-delivery marked helpful\.$'
expect_match "bad by article id" "$T/call.out" '^Thanks: stolen-card marked not helpful\.$'
expect_match "good with an unknown id: told" "$T/call.err" "^There is no article 'no-such-article'"
expect_match "note: acknowledged" "$T/call.out" '^Noted\.$'
expect_no_match "quit ends the loop" "$T/call.out" 'never read'
expect_no_match "piped: no escape codes on stdout" "$T/call.out" "$ESC"
expect_no_match "piped: no escape codes on stderr" "$T/call.err" "$ESC"
expect_no_match "piped: no prompt" "$T/call.out" '^kb.*> '

# The summary, ready to paste into the CRM: the customer's words, what was
# done, escalation, notes, outcome; none of the tool's own data.
sed -n '/^Call [0-9]/,/^Outcome/p' "$T/call.out" >"$T/summary.txt"
expect_match "summary: call id and start" "$T/summary.txt" '^Call [0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}-[0-9]+, started [0-9-]+ [0-9:]+'
expect_match "summary: the customer's issue, as typed" "$T/summary.txt" '^Customer.s issue: card hasnt arived$'
expect_match "summary: articles read, by title" "$T/summary.txt" '^  - Read: "My new card has not arrived", "Lost or stolen card", "Fraud and disputes"$'
expect_match "summary: escalation viewed" "$T/summary.txt" '^  - Card operations \(ext\. 4420\) open -> Duty manager \(ext\. 4000\) open$'
expect_match "summary: notes with the time" "$T/summary.txt" '^  - [0-9]{2}:[0-9]{2} customer confirmed address$'
expect_match "summary: outcome" "$T/summary.txt" '^Outcome: not resolved by the steps; escalation path viewed$'
expect_no_match "summary: no top answer, no reading of the query" "$T/summary.txt" 'top answer|read as|arrived"\)'
expect_no_match "summary: no feedback, no article ids, no scores" "$T/summary.txt" 'helpful|\[stolen-card\]|\[card-delivery\]|score'

# The call record.
f=$(ls "$state"/calls/*.jsonl 2>/dev/null | head -1)
expect_eq "one record file" "$(ls "$state"/calls | wc -l | tr -d ' ')" 1
expect_eq "record file mode 0600" "$(stat -c %a "$f")" 600
expect_eq "calls folder tightened to 0700" "$(stat -c %a "$state/calls")" 700
expect_eq "state folder 0700" "$(stat -c %a "$state")" 700
expect_eq "record: every line valid JSON with time and event" \
    "$(py 'all("time" in e and "event" in e for e in calls[0])')" True
expect_eq "record: events in order" "$(py '[e["event"] for e in calls[0]]')" \
    "['call_start', 'query', 'cards', 'open', 'open', 'cards', 'open', 'why', 'escalation', 'escalation', 'feedback', 'feedback', 'note', 'summary', 'call_end']"
expect_eq "record: query, correction, result ids" \
    "$(py '[(e["q"], e["corrected"], e["results"][0]) for e in ev(calls[0], "query")]')" \
    "[('card hasnt arived', 'card hasnt arrived', 'card-delivery')]"
expect_eq "record: cards shown" "$(py '[c["n"] for e in ev(calls[0], "cards") for c in e["cards"]]')" "[1, 2, 3, 4, 5]"
expect_eq "record: articles opened" "$(py '[(e["n"], e["id"]) for e in ev(calls[0], "open")]')" \
    "[(1, 'card-delivery'), (2, 'stolen-card'), (5, 'fraud')]"
expect_eq "record: escalations viewed" "$(py '[(e["from"], e["path"]["path"][0]["id"], e["path"]["path"][0]["open"]) for e in ev(calls[0], "escalation")]')" \
    "[('question', 'card-ops', True), ('answer', 'fraud', True)]"
expect_eq "record: feedback" "$(py '[(e["id"], e["helpful"], e["query"]) for e in ev(calls[0], "feedback")]')" \
    "[('card-delivery', True, 'card hasnt arived'), ('stolen-card', False, 'card hasnt arived')]"
expect_eq "record: note" "$(py 'ev(calls[0], "note")[0]["text"]')" "customer confirmed address"
expect_eq "record: summary text" "$(py '"Customer\x27s issue:" in ev(calls[0], "summary")[0]["text"]')" True
expect_eq "record: the summary event keeps every detail" \
    "$(py '(lambda d: (d["questions"][0].startswith("\"card hasnt arived\" (read as"), d["feedback"], d["opened"][1]))(ev(calls[0], "summary")[0]["detail"])')" \
    "(True, ['helpful: My new card has not arrived [card-delivery]', 'not helpful: Lost or stolen card [stolen-card]'], 'Lost or stolen card [stolen-card]')"
expect_eq "record: call end" "$(py 'ev(calls[0], "call_end")[0]["reason"]')" quit
expect_eq "record: timestamps are ISO UTC" "$(py 'all(e["time"].endswith("Z") and e["time"][10] == "T" for e in calls[0])')" True

# Feedback goes to the same log as kb-search --serve.
fb=$state/feedback.jsonl
expect_eq "feedback log: two lines" "$(wc -l <"$fb" | tr -d ' ')" 2
expect_eq "feedback log: fields" "$(json_lines() { /usr/bin/python3 -c 'import json,sys; print([(j["article"], j["helpful"], j["source"], j["query"]) for j in map(json.loads, open(sys.argv[1]))])' "$1"; }; json_lines "$fb")" \
    "[('card-delivery', True, 'assistant', 'card hasnt arived'), ('stolen-card', False, 'assistant', 'card hasnt arived')]"
expect_eq "feedback log mode 0600" "$(stat -c %a "$fb")" 600

# History: lines typed, not blank ones, 0600.
h=$state/history
expect_eq "history file mode 0600" "$(stat -c %a "$h")" 600
expect_match "history holds the question" "$h" '^card hasnt arived$'
expect_match "history holds commands" "$h" '^:open 9$'
expect_no_match "history skips blank lines" "$h" '^ *$'

# --- filters, the context, related, steps, banners, new call, help -------------
cat >"$T/in" <<'EOF'
:filter
:filter category=product tag=card
:filter
card
:filter category=nosuch
:filter colour=red
:filter tag
:clear
:clear
card
:related 1
:open 1
:related no-such-article
:related Not An Id!
card hasnt arived
:steps 1
done
what?
fixed
:steps 2
d

no
:steps 3
:steps 1
q
my card was stolen
this is ridiculous
:esc
:more extra
:history 3
:new
:help
:help steps
help
xylophone
:open 1
EOF
run "context"
expect_match "filter: none yet" "$T/out" '^No filters: questions search the whole knowledge base\.$'
expect_match "filter: the context shown" "$T/out" '^Filters: category=product tag=card  \(every question keeps to them until :clear\)$'
sed -n '/^Filters: category=product tag=card/,/^Answer/p' "$T/out" | grep -E '^[0-9]+\. ' >"$T/filtered"
expect_eq "filter applies to the question" "$(cat "$T/filtered")" "1. My new card has not arrived  [product] card-delivery"
expect_match "filter: unknown category refused" "$T/err" "^No category 'nosuch' in the index"
expect_match "filter: unknown key refused" "$T/err" "^Unknown filter 'colour'"
expect_match "filter: key without value refused" "$T/err" '^Write filters as category=NAME'
expect_match "clear" "$T/out" '^Filters cleared\.$'
expect_match "clear twice: nothing to clear" "$T/out" '^No filters to clear\.$'
expect_match "after clear: other categories again" "$T/out" '^[0-9]\. Lost or stolen card  \[security\] stolen-card$'
expect_match "related: heading" "$T/out" '^Articles like card-delivery:$'
expect_match "related: unknown article" "$T/err" "^There is no article 'no-such-article'\.$"
expect_match "related: not an id" "$T/err" "^'Not An Id!' is neither an answer number nor an article id"
expect_match "steps: header" "$T/out" '^Steps: My new card has not arrived - If it has been longer \(3 steps\)$'
expect_match "steps: step 1 shown" "$T/out" '^  1/3  Check the delivery address in the back office\.$'
expect_match "steps: unknown answer asks again" "$T/err" '^Answer done \(or Enter\), fixed, back or quit\.$'
expect_match "steps: fixed" "$T/out" '^Step 2 fixed it\. Resolved\.$'
expect_match "steps 2: the best section's steps" "$T/out" '^Steps: Lost or stolen card - Freeze the card \(2 steps\)$'
expect_match "steps: Enter is done; all done, not fixed" "$T/out" '^All 2 steps done and not fixed: :esc 2 shows who to escalate to\.$'
expect_match "steps on an article without steps" "$T/err" '^Card operations has no numbered steps; :open 3 to read it\.$'
expect_match "steps: quit stops" "$T/out" '^Stopped at step 1 of 3\.$'
expect_match "trigger: banner" "$T/out" '^ESCALATE$'
expect_match "trigger: why" "$T/out" '^   Why: The customer said "stolen": that goes to Fraud and disputes$'
expect_match "trigger: what to do" "$T/out" '^   Transfer to: Fraud and disputes, open now, ext\. 4410; hours 24/7; pick up'
expect_eq "trigger: banner above the cards" \
    "$(awk '/^ESCALATE$/ {b=NR} /^1\. Lost or stolen card/ && b {print (b < NR) ? "above" : "below"; exit}' "$T/out")" above
expect_match "cue: banner" "$T/out" '^CALM THE CALL FIRST$'
expect_match "cue: guidance to read" "$T/out" '^   Read first: Handling a frustrated caller \(:open (angry-caller|[0-9])\)$'
expect_match "cue: tier to offer" "$T/out" '^   Then offer: Duty manager, open now, ext\. 4000'
expect_match "esc after a cue: the duty manager" "$T/out" '^  1\. Duty manager  \[manager\]  OPEN NOW$'
expect_match "a command without arguments refuses them" "$T/err" '^:more takes no argument\.$'
expect_match "history: numbered lines" "$T/out" '^ +[0-9]+  :more extra$'
expect_match "new: a new call" "$T/out" '^New call [0-9-]+: filters, answers and notes start afresh\.$'
missing=
for c in open more related esc steps why filter clear good bad note summary new history help quit; do
    grep -Eq "^  :$c " "$T/out" || missing="$missing :$c"
done
expect_eq ":help lists every command (missing:${missing:- none})" "$missing" ""
expect_match ":help steps" "$T/out" '^:steps N\|ID \[S\]$'
expect_match "bare help works" "$T/out" '^Type the customer.s words to search'
expect_match "no answers: said" "$T/out" '^No answers\. '
expect_match "open on an empty list: told" "$T/err" '^The last question has no answers to number'
expect_eq "two calls recorded" "$(ls "$state"/calls | wc -l | tr -d ' ')" 3
expect_eq "record: steps outcomes" "$(py '[(e["outcome"], e["resolved_by"], e["done"]) for e in ev(calls[1], "steps_end")]')" \
    "[('fixed', 2, 2), ('not_fixed', None, 2), ('stopped', None, 0)]"
expect_eq "record: each step answer" "$(py '[(e["step"], e["answer"]) for e in ev(calls[1], "step")][:2]')" \
    "[(1, 'done'), (2, 'fixed')]"
expect_eq "record: the section walked" "$(py 'ev(calls[1], "steps_start")[0]["section"]')" "If it has been longer"
expect_eq "record: filters" "$(py '[(e["event"], e["categories"], e["tags"]) for e in calls[1] if e["event"] in ("filter", "clear")]')" \
    "[('filter', ['product'], ['card']), ('clear', [], [])]"
expect_eq "record: filter in the query" "$(py '[e["filters"] for e in ev(calls[1], "query")][0]')" \
    "{'categories': ['product'], 'tags': ['card']}"
expect_eq "record: banner kinds" "$(py '[e["banner"]["kind"] for e in ev(calls[1], "cards") if "banner" in e]')" "['trigger', 'trigger', 'cue']"
expect_eq "record: related" "$(py 'ev(calls[1], "related")[0]["id"]')" card-delivery
expect_eq "record: new call ends the first" "$(py 'calls[1][-1]["event"] + " " + calls[1][-1]["reason"]')" "call_end new"
expect_eq "record: end of input ends the second" "$(py 'calls[2][-1]["event"] + " " + calls[2][-1]["reason"]')" "call_end eof"
expect_eq "record: new call id differs" "$(py 'calls[1][0]["call"] != calls[2][0]["call"]')" True
expect_no_match "piped: no escape codes" "$T/out" "$ESC"

# The history file is bounded: 1,000 lines are kept at exit.
seq 1 1500 | sed 's/^/old question /' >>"$h"
printf 'card\n' >"$T/in"
run "history bound"
expect_eq "history cut to the last 1000 lines" "$(wc -l <"$h" | tr -d ' ')" 1000
expect_eq "the newest line kept" "$(tail -1 "$h")" card

# --- wrapping at the terminal width, UTF-8 safe --------------------------------
# An article with accented, typographic and CJK text (wide, no spaces).
kbu=$(fixture kb-small kb-utf8)
cp "$top/tests/fixtures/assistant/cafe-card.md" "$kbu/product/"
"$B/kb-index" --quiet --db "$T/index-utf8" "$kbu" || fail "index the UTF-8 fixture"
printf 'café karte\n:steps 1\nd\nd\n:esc 1\n:why 1\n:more\n' >"$T/in"
COLUMNS=40 kb_assistant --db "$T/index-utf8" <"$T/in" >"$T/out" 2>"$T/err"
expect_eq "UTF-8 at COLUMNS=40: exit 0" "$?" 0
expect_match "UTF-8: the card" "$T/out" 'cafe-card$'
expect_eq "COLUMNS=40: no line wider than 40 columns, valid UTF-8" "$(/usr/bin/python3 -c '
import sys, unicodedata
text = open(sys.argv[1], "rb").read().decode("utf-8")
cols = lambda l: sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
print([l for l in text.split("\n") if cols(l) > 40])' "$T/out" 2>&1)" "[]"

# --- hostile input: control characters, too long, not UTF-8 -------------------
{
    printf 'card \033[2J\033]0;pwned\007 arived\n'
    printf ':note \033[31mred\n'
    printf '%016400d\n' 0
    printf 'card \377\n'
    printf ':summary\n'
} >"$T/in"
run "hostile"
expect_no_match "control characters never reach the terminal (stdout)" "$T/out" "$ESC"
expect_no_match "control characters never reach the terminal (stderr)" "$T/err" "$ESC"
expect_match "too long: told" "$T/err" '^That is too long to search \(at most 16384 bytes\)'
expect_match "not UTF-8: told" "$T/err" '^That is not valid UTF-8 text'
expect_match "summary keeps the note, cleaned" "$T/out" '\?\[31mred$'

finish
