#!/bin/sh
# assistant-faults.sh - the call goes on when the disk does not (issue 15):
# a file-size limit (ulimit -f) and a full disk neither kill kb-assistant
# nor leave a torn line in the call record, the warning names the real
# cause, a pasted megabyte is stored capped, and a FIFO or a folder where
# the history file goes never hangs the start.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
db=$T/index
"$B/kb-index" --quiet --db "$db" "$kb" || fail "index the fixture"
export KB_NOW=2026-11-23T10:00
calls=$XDG_STATE_HOME/kb/calls

# every_line_json FILE...: 0 when every line of every FILE is a JSON object.
every_line_json() {
    /usr/bin/python3 -c '
import json, sys
for p in sys.argv[1:]:
    for line in open(p, "rb"):
        o = json.loads(line.decode("utf-8"))
        assert isinstance(o, dict), p' "$@"
}

# --- a file-size limit --------------------------------------------------------------
printf 'card hasnt arrived\n:note %s\ncard delivery\n:good 1\n:quit\n' "$(head -c 3000 /dev/zero | tr '\0' x)" >"$T/lines"
( ulimit -f 2; exec $VG "$B/kb-assistant" --db "$db" <"$T/lines" >"$T/out" 2>"$T/err" )
expect_eq "ulimit -f: the assistant is not killed (exit 0)" "$?" 0
expect_match "ulimit -f: the answers are still shown" "$T/out" 'card-delivery'
expect_match "ulimit -f: the officer is warned" "$T/err" 'call record is not being written'
expect_match "ulimit -f: the warning names the cause" "$T/err" 'too large|No space|limit'
expect_no_match "ulimit -f: no stale errno in the warning" "$T/err" 'File exists'
rec=$(ls "$calls"/*.jsonl 2>/dev/null | head -1)
if [ -n "$rec" ] && every_line_json "$calls"/*.jsonl; then
    ok "ulimit -f: every line of the record is whole JSON ($(wc -l <"$rec") lines)"
else fail "ulimit -f: the record is missing or has a torn line"; fi
rm -rf "$calls"

# --- a full disk --------------------------------------------------------------------
if [ "$(id -u)" = 0 ] && mkdir -p "$T/small" && mount -t tmpfs -o size=64k tmpfs "$T/small" 2>/dev/null; then
    head -c 50000 /dev/zero >"$T/small/filler" 2>/dev/null
    printf 'card hasnt arrived\n:note %s\n:note second\ncard delivery\n:quit\n' "$(head -c 30000 /dev/zero | tr '\0' y)" >"$T/lines"
    XDG_STATE_HOME=$T/small $VG "$B/kb-assistant" --db "$db" <"$T/lines" >"$T/out" 2>"$T/err"
    expect_eq "full disk: the call goes on (exit 0)" "$?" 0
    expect_match "full disk: the answers are still shown" "$T/out" 'card-delivery'
    expect_match "full disk: the officer is warned" "$T/err" 'not being written'
    expect_match "full disk: the warning names the cause" "$T/err" 'No space left'
    expect_no_match "full disk: no stale errno" "$T/err" 'File exists'
    if every_line_json "$T/small/kb/calls"/*.jsonl 2>/dev/null; then
        ok "full disk: every line of the record is whole JSON"
    else fail "full disk: the record has a torn line"; fi
    umount "$T/small"
else
    skip "full disk: the call goes on" "mounting a small tmpfs needs root"
fi

# --- a pasted megabyte --------------------------------------------------------------
export XDG_STATE_HOME="$T/state-big"
calls=$XDG_STATE_HOME/kb/calls
big=$(head -c 1048576 /dev/zero | tr '\0' z)
printf '%s\n:note %s\n:quit\n' "$big" "$big" >"$T/lines"
$VG "$B/kb-assistant" --db "$db" <"$T/lines" >"$T/out" 2>"$T/err"
expect_eq "1 MB query and note: exit 0" "$?" 0
rec=$(ls "$calls"/*.jsonl | head -1)
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$rec")
if [ "$longest" -gt 0 ] && [ "$longest" -lt 40000 ]; then ok "1 MB: record lines capped (longest $longest bytes)"; else
    fail "1 MB: a record line of $longest bytes"; fi
expect_match "1 MB: the capped text ends in an ellipsis" "$rec" 'z…"'
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$XDG_STATE_HOME/kb/history")
if [ "$longest" -gt 0 ] && [ "$longest" -le 16384 ]; then ok "1 MB: history lines capped (longest $longest bytes)"; else
    fail "1 MB: a history line of $longest bytes"; fi
kb_index --report --calls "$calls" --feedback-log "$T/none.jsonl" --json >"$T/rep" 2>"$T/err"
expect_eq "1 MB: --report reads the record with nothing skipped" "$(json "$T/rep" 'j["skipped"]')" 0
rm -rf "$calls"

# --- a FIFO or a folder where the history goes ---------------------------------------
for what in fifo folder; do
    rm -rf "$XDG_STATE_HOME/kb/history"
    if [ $what = fifo ]; then mkfifo "$XDG_STATE_HOME/kb/history"; else mkdir "$XDG_STATE_HOME/kb/history"; fi
    printf 'card delivery\n:quit\n' >"$T/lines"
    timeout -k 5 20 $VG "$B/kb-assistant" --db "$db" <"$T/lines" >"$T/out" 2>"$T/err"
    expect_eq "history is a $what: the assistant starts and ends (exit 0, no hang)" "$?" 0
    expect_match "history is a $what: answers shown" "$T/out" 'card-delivery'
    expect_match "history is a $what: the officer is told" "$T/err" 'history'
done
rm -rf "$XDG_STATE_HOME/kb/history"
finish
