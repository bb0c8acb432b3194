#!/bin/sh
# safety-config.sh - configuration that could run code or fail open, and
# the smaller edges (issue 15): state files that are not regular files,
# Xapian stub lines that start programs, opening hours that make no sense,
# oversized synonym groups, impossible dates, an offset past the end, a
# request line of exactly 64 KiB ending in CRLF.  Each case and its outcome
# is listed in tests/RELIABILITY.md, section 9.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
db=$T/db
kb_index --db "$db" --quiet "$kb" >/dev/null 2>&1 || fail "the fixture indexes"
fb='{"op":"feedback","q":"lost card","article":"fees","helpful":true}'

# --- state files that are not regular files ----------------------------------------
# serve_fb LOG: one feedback request and one health request to --serve with
# LOG as the feedback log; the output in $T/out.  A hang is exit 124.
serve_fb() {
    printf '%s\n{"op":"health"}\n' "$fb" | timeout 10 "$B/kb-search" --db "$db" --serve \
        --feedback-log "$1" >"$T/out" 2>"$T/err"
}
mkfifo "$T/fifo"
serve_fb "$T/fifo"
expect_eq "feedback log a FIFO (no reader): serve does not block" "$?" 0
expect_match "feedback log a FIFO: the error says what it is" "$T/out" \
    '"code":"index_error","message":"[^"]*fifo is a FIFO, not a regular file"'
expect_match "feedback log a FIFO: the next request is answered" "$T/out" '"articles":'
# With a reader attached, opening would succeed: it must be refused all the same.
(exec 3<"$T/fifo"; sleep 3) &
reader=$!
sleep 0.2
serve_fb "$T/fifo"
expect_eq "feedback log a FIFO with a reader: serve answers" "$?" 0
expect_match "feedback log a FIFO with a reader: refused" "$T/out" 'is a FIFO, not a regular file'
kill "$reader" 2>/dev/null; wait "$reader" 2>/dev/null
serve_fb /dev/null
expect_match "feedback log /dev/null: a clear error (not fsync's EINVAL)" "$T/out" \
    '/dev/null is a character device, not a regular file'
mkdir "$T/logdir"
serve_fb "$T/logdir"
expect_match "feedback log a folder: refused" "$T/out" 'logdir is a folder, not a regular file'
/usr/bin/python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/sock"
serve_fb "$T/sock"
expect_match "feedback log a socket: refused" "$T/out" 'sock is a socket, not a regular file'
serve_fb "$T/fb.jsonl"
expect_match "feedback log a regular file: written" "$T/fb.jsonl" '"article":"fees"'

# The assistant: history, call records and :good with the same kinds of file.
st=$XDG_STATE_HOME/kb
mkdir -p "$st"
mkfifo "$st/history"
printf 'lost card\n:quit\n' | timeout 10 "$B/kb-assistant" --db "$db" >"$T/out" 2>&1
expect_eq "history a FIFO: the assistant starts and ends" "$?" 0
expect_match "history a FIFO: warned, no history kept" "$T/out" \
    'warning: no history is kept: .*history is a FIFO, not a regular file'
expect_match "history a FIFO: the search is answered" "$T/out" 'fees|card'
rm -f "$st/history"
ln -s /dev/null "$st/history"
printf 'lost card\n:quit\n' | timeout 10 "$B/kb-assistant" --db "$db" >"$T/out" 2>&1
expect_eq "history a symlink to /dev/null: the assistant runs" "$?" 0
expect_match "history a symlink to /dev/null: warned" "$T/out" 'history is a symbolic link, not a regular file'
rm -f "$st/history"
KB_FEEDBACK_LOG=$T/fifo timeout 10 "$B/kb-assistant" --db "$db" >"$T/out" 2>&1 <<'EOF'
fees
:good 1
:quit
EOF
expect_eq "assistant :good with a FIFO feedback log: no hang" "$?" 0
expect_match "assistant :good with a FIFO feedback log: says why" "$T/out" 'is a FIFO, not a regular file'
rm -rf "$st/calls"
mkfifo "$st/calls"
printf 'fees\n:quit\n' | timeout 10 "$B/kb-assistant" --db "$db" >"$T/out" 2>&1
expect_eq "calls folder a FIFO: the assistant runs" "$?" 0
expect_match "calls folder a FIFO: the call is said not recorded" "$T/out" 'this call is not recorded'
rm -f "$st/calls"

finish
