#!/bin/sh
# assistant-crash.sh - the call record survives kill -9 mid-call: every
# event that happened before the kill is in the file, each line whole and
# valid JSON, and nothing after it (no call_end).  A second kill, in the
# middle of a steps walk, and the next start gets a record of its own.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
db=$T/index
# The indexer runs bare (not under valgrind): it is not what is tested here.
"$B/kb-index" --quiet --db "$db" "$kb" || fail "index the fixture"
export KB_NOW=2026-11-23T10:00
calls=$XDG_STATE_HOME/kb/calls

# wait_for FILE REGEX: poll up to 10 s (valgrind and ASan are slow).
wait_for() {
    i=0
    while [ $i -lt 200 ]; do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# session NAME WAIT_REGEX [SIGNAL]: start the assistant on a FIFO, type the
# lines of $T/lines, wait until the output shows WAIT_REGEX, then kill it
# with SIGNAL (default KILL).
session() {
    rm -f "$T/fifo" "$T/out"
    mkfifo "$T/fifo"
    (exec $VG "$B/kb-assistant" --db "$db" <"$T/fifo" >"$T/out" 2>"$T/err") &
    pid=$!
    exec 3>"$T/fifo"
    cat "$T/lines" >&3
    if wait_for "$T/out" "$2"; then ok "$1: the work before the kill is on screen"; else
        fail "$1: the assistant did not get there"; sed 's/^/    # /' "$T/err" | head -5; fi
    kill -"${3:-KILL}" $pid 2>/dev/null
    wait $pid 2>/dev/null
    rc=$?
    exec 3>&-
}

# check NAME PYTHON: evaluate PYTHON over the newest record (lines: the raw
# lines; ev: the events) and expect True.
check_record() {
    got=$(/usr/bin/python3 -c '
import json, glob, os, sys
f = sorted(glob.glob(sys.argv[1] + "/*.jsonl"), key=os.path.getmtime)[-1]
raw = open(f).read()
lines = raw.split("\n")
ok_json = raw.endswith("\n")
ev = []
for l in lines[:-1]:
    try:
        ev.append(json.loads(l))
    except ValueError:
        ok_json = False
names = [e.get("event") for e in ev]
print(eval(sys.argv[2]))' "$calls" "$2" 2>&1)
    expect_eq "$1" "$got" True
}

printf 'card hasnt arived\n:open 1\n:good 1\n:note customer on a train\n:esc\n:filter category=product\n' >"$T/lines"
session "killed after a few commands" '^Filters: category=product'
check_record "record: every line whole and valid JSON" 'ok_json'
check_record "record: every event before the kill, in order" \
    'names == ["call_start", "query", "cards", "open", "feedback", "note", "escalation", "filter"]'
check_record "record: the question and its answers" \
    'ev[1]["q"] == "card hasnt arived" and ev[1]["results"][0] == "card-delivery"'
check_record "record: the note" 'ev[5]["text"] == "customer on a train"'
check_record "record: no call_end after a kill" '"call_end" not in names'
expect_eq "record file mode 0600" "$(stat -c %a "$(ls -t "$calls"/*.jsonl | head -1)")" 600

# Killed in the middle of a steps walk: the steps answered so far are there.
printf 'card hasnt arived\n:steps 1\ndone\ndone\n' >"$T/lines"
session "killed during :steps" '^  3/3 '
check_record "steps: valid JSON" 'ok_json'
check_record "steps: the walk so far" \
    'names[-3:] == ["steps_start", "step", "step"] and [e["answer"] for e in ev if e["event"] == "step"] == ["done", "done"]'
expect_eq "each start is a new record" "$(ls "$calls" | wc -l | tr -d ' ')" 2

# SIGTERM (or a closed terminal, SIGHUP) ends the call properly.
printf 'card hasnt arived\n' >"$T/lines"
session "terminated" '^Answers 1-3' TERM
expect_eq "SIGTERM: exit 0" "$rc" 0
check_record "SIGTERM: the record ends with call_end" \
    'ok_json and names[-1] == "call_end" and ev[-1]["reason"] == "terminated"'

finish
