#!/bin/sh
# assistant-outcomes.sh - outcomes of a call trustworthy enough to learn
# from: the last step asks whether it resolved the call, :steps walks any
# section, :good/:bad on an article the call never showed asks first,
# :resolved, the CRM summary (wrapped or not) and the call record's detail;
# the search log and the feedback lines the assistant writes.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
cp "$top/tests/fixtures/assistant/two-sections.md" "$kb/troubleshooting/"
cp "$top/tests/fixtures/learn/"*.md "$kb/guidance/"
db=$T/index
"$B/kb-index" --quiet --db "$db" "$kb" || fail "index the fixture"
export KB_NOW=2026-11-23T10:00 KB_OFFICER=officer-7
state=$XDG_STATE_HOME/kb

py() {
    /usr/bin/python3 -c '
import json, glob, os, sys
files = sorted(glob.glob(os.path.join(sys.argv[1], "calls", "*.jsonl")), key=os.path.getmtime)
calls = [[json.loads(l) for l in open(f)] for f in files]
ev = lambda c, name: [e for e in c if e["event"] == name]
lines = lambda p: [json.loads(l) for l in open(os.path.join(sys.argv[1], p))] if os.path.exists(os.path.join(sys.argv[1], p)) else []
print(eval(sys.argv[2]))' "$state" "$1"
}

cat >"$T/in" <<'EOF'
the shop refunded me but nothing came back
:steps 1
d
d
maybe
yes
:steps 1 2
q
:steps 1 longer
q
:steps 1 nosuch
:good 1
:good top-up-failed
no
:bad top-up-failed
yes
:resolved 1
:summary
:summary wrap 40
:summary wrap 5
:new
where is my card
:steps 1
d
d
d
no
my card 4111 1111 1111 1111 was stolen, call me on 07700 900123
:quit
EOF
kb_assistant --db "$db" <"$T/in" >"$T/out" 2>"$T/err"
expect_eq "a scripted call: exit 0" "$?" 0

# --- the last step: did that resolve it? ----------------------------------------
expect_match "the last step done: asked, a wrong answer asked again" "$T/err" '^Answer yes or no\.$'
expect_match "yes: resolved by the last step" "$T/out" '^Step 2 fixed it\. Resolved\.$'
expect_eq "record: the walk resolved and confirmed at the end" \
    "$(py '[(e["outcome"], e["resolved_by"], e["confirmed"]) for e in ev(calls[0], "steps_end")][0]')" \
    "('fixed', 2, True)"
expect_eq "record: a walk ended with no is not fixed" \
    "$(py '[(e["outcome"], e["resolved_by"], e["confirmed"]) for e in ev(calls[1], "steps_end")]')" \
    "[('not_fixed', None, False)]"
expect_eq "record: the question the steps answered" \
    "$(py 'ev(calls[0], "steps_end")[0]["q"]')" "the shop refunded me but nothing came back"

# --- any section --------------------------------------------------------------
expect_match "the other sections with steps are named" "$T/out" '^Also with steps: 2\. If it has been longer \(:steps 1 N walks one\)\.$'
expect_eq "record: the sections walked (best, by number, by words)" \
    "$(py '[e["section"] for e in ev(calls[0], "steps_start")]')" \
    "['If it has been under 10 working days', 'If it has been longer', 'If it has been longer']"
expect_match "a section that is not there: the ones that are" "$T/err" \
    '^Refund for a card payment not received has no section "nosuch" with steps; these have: 1\. If it has been under 10 working days \(2 steps\); 2\. If it has been longer \(3 steps\)\.$'

# --- feedback on an article never shown ---------------------------------------
expect_match "an answer shown: marked at once" "$T/out" '^Thanks: refund-card-payment marked helpful\.$'
expect_match "never shown, answered no: not marked" "$T/out" '^Not marked\.$'
expect_match "never shown, answered yes: marked" "$T/out" '^Thanks: top-up-failed marked not helpful\.$'
expect_eq "feedback log: shown or not, with query id, call and officer" \
    "$(py '[(f["article"], f["helpful"], f["shown"], f["source"], f["officer"], len(f["query_id"]), f["call"] == calls[0][0]["call"]) for f in lines("feedback.jsonl")]')" \
    "[('refund-card-payment', True, True, 'assistant', 'officer-7', 16, True), ('top-up-failed', False, False, 'assistant', 'officer-7', 16, True)]"
expect_eq "record: feedback says whether it was shown" \
    "$(py '[(e["id"], e["shown"]) for e in ev(calls[0], "feedback")]')" \
    "[('refund-card-payment', True), ('top-up-failed', False)]"

# --- :resolved and the outcome ------------------------------------------------
expect_match ":resolved 1: said" "$T/out" '^Call marked resolved by refund-card-payment\.$'
expect_eq "record: outcomes, by the steps and by the officer, with the question" \
    "$(py '[(e["outcome"], e["id"], e["by"], e["q"]) for e in ev(calls[0], "outcome")]')" \
    "[('resolved', 'refund-card-payment', 'steps', 'the shop refunded me but nothing came back'), ('resolved', 'refund-card-payment', 'officer', 'the shop refunded me but nothing came back')]"

# --- the CRM summary ----------------------------------------------------------
sed -n '/^Call [0-9]/,/^Outcome/p' "$T/out" | sed -n '1,/^Outcome/p' >"$T/plain.txt"
expect_match "summary: the customer's issue" "$T/plain.txt" "^Customer's issue: the shop refunded me but nothing came back$"
expect_match "summary: steps followed, one line each" "$T/plain.txt" \
    '^  - Followed the steps of "Refund for a card payment not received" \(If it has been under 10 working days\): step 2 of 2 resolved it$'
expect_match "summary: the outcome" "$T/plain.txt" '^Outcome: resolved, following "Refund for a card payment not received"$'
expect_no_match "summary: no ids, scores or feedback" "$T/plain.txt" 'refund-card-payment|score|helpful'
expect_eq "summary unwrapped: a line over 40 columns" \
    "$(awk 'length > 40 { n++ } END { print (n > 0) }' "$T/plain.txt")" 1
awk '/^Call [0-9]/ { n++ } n != 2 { next } o && !/^  / { exit } { print } /^Outcome/ { o = 1 }' \
    "$T/out" >"$T/wrapped.txt"
expect_eq "summary wrap 40: no line over 40 columns" \
    "$(awk 'length > 40 { n++ } END { print n + 0 }' "$T/wrapped.txt")" 0
expect_match "summary wrap 40: the outcome wrapped" "$T/wrapped.txt" '^  [a-z ]*not received"$'
expect_match "summary wrap 5: refused" "$T/err" '^:summary takes nothing, "wrap" \(at the screen.s width\) or "wrap N" \(20-1000 columns\)\.$'
expect_eq "record: the summary's width" "$(py '[e["wrap"] for e in ev(calls[0], "summary")]')" "[0, 40]"

# --- the search log -----------------------------------------------------------
expect_eq "search log: every question, from the assistant" \
    "$(py '[(s["interface"], s["query"]) for s in lines("searches.jsonl")]')" \
    "[('assistant', 'the shop refunded me but nothing came back'), ('assistant', 'where is my card'), ('assistant', 'my card <card> was stolen, call me on <phone>')]"
expect_eq "search log: the record's query ids" \
    "$(py '[s["query_id"] for s in lines("searches.jsonl")] == [e["query_id"] for c in calls for e in ev(c, "query")]')" True
expect_eq "search log: alerts and answers" \
    "$(py '(lines("searches.jsonl")[2]["alerts"], lines("searches.jsonl")[1]["results"][0])')" \
    "(['fraud'], 'card-delivery')"
expect_no_match "search log: no card or phone number" "$state/searches.jsonl" '4111|07700'
expect_eq "the call record keeps the words in full" \
    "$(py 'ev(calls[1], "query")[1]["q"]')" "my card 4111 1111 1111 1111 was stolen, call me on 07700 900123"
expect_eq "search log: 0600" "$(stat -c %a "$state/searches.jsonl")" 600

# --- turned off -----------------------------------------------------------------
printf 'where is my card\n' >"$T/in"
XDG_STATE_HOME=$T/off1 kb_assistant --db "$db" --search-log off <"$T/in" >"$T/out" 2>"$T/err"
expect_eq "--search-log off: exit 0" "$?" 0
expect_eq "--search-log off: no log" "$(ls "$T/off1/kb")" "calls
history"
XDG_STATE_HOME=$T/off2 KB_SEARCH_LOG=off kb_assistant --db "$db" <"$T/in" >"$T/out" 2>"$T/err"
expect_eq "KB_SEARCH_LOG=off: no log" "$(ls "$T/off2/kb")" "calls
history"
kb_assistant --db "$db" --search-log "$T/elsewhere/s.jsonl" <"$T/in" >"$T/out" 2>"$T/err"
expect_eq "--search-log PATH: written there" "$(wc -l <"$T/elsewhere/s.jsonl" | tr -d ' ')" 1
mkdir -p "$T/dir.jsonl"
kb_assistant --db "$db" --search-log "$T/dir.jsonl" <"$T/in" >"$T/out" 2>"$T/err"
expect_eq "a folder as the search log: the call goes on (exit 0)" "$?" 0
expect_match "a folder as the search log: a warning" "$T/err" 'warning: .*is a folder'
finish
