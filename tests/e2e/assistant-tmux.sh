#!/bin/sh
# assistant-tmux.sh - kb-assistant on a real terminal (tmux, 100x40): type
# a question with a typo, see the expected card and its escalation hint in
# colour, open it, see the article, the prompt with a filter, Tab
# completion, Ctrl-C, then quit.  Then a short screen, where the article
# goes through the pager (less) and q comes back to the prompt.  Skipped
# when tmux is not installed.
. "$(dirname "$0")/../lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
    skip "assistant on a terminal" "tmux is not installed"
    finish
    exit $?
fi

kb=$(fixture kb-small)
db=$T/index
# The indexer runs bare (not under valgrind): it is not what is tested here.
"$B/kb-index" --quiet --db "$db" "$kb" || fail "index the fixture"
# Our own tmux server, never the user's.
sock=$T/tmux.sock
tm() { tmux -S "$sock" "$@"; }
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$T"' EXIT
# A session that keeps the server up while the test ones come and go (the
# server exits with its last session, racing the next new-session).
tm new-session -d -s keep -x 80 -y 24 "sleep 600"

# screen: the pane as text (-e: with escape codes) in $T/screen.
screen() { tm capture-pane -p $1 -t kb >"$T/screen" 2>/dev/null; }
# wait_screen NAME REGEX: poll the pane for up to 10 s (valgrind is slow).
wait_screen() {
    i=0
    while [ $i -lt 100 ]; do
        screen
        if grep -Eq -- "$2" "$T/screen"; then ok "$1"; return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    fail "$1: /$2/ not on the screen"
    sed 's/^/    # /' "$T/screen" | tail -15
    return 1
}
type_line() { tm send-keys -t kb -l "$1"; tm send-keys -t kb Enter; }

# start ROWS PAGER: the assistant in a fresh session; its exit status is
# printed when it ends.
start() {
    tm kill-session -t kb 2>/dev/null
    tm new-session -d -s kb -x 100 -y "$1" \
        "env TERM=xterm-256color KB_NOW=2026-11-23T10:00 $2 $VG '$B/kb-assistant' --db '$db'; echo \"EXITED \$?\"; sleep 30"
}

start 40 PAGER=cat
wait_screen "the prompt" '^kb>'
expect_match "start-up names the call" "$T/screen" '^Call [0-9-]+, recorded in '
type_line "card hasnt arived"
wait_screen "the expected card" '^1\. My new card has not arrived  \[product\] card-delivery'
expect_match "did you mean: the changed word" "$T/screen" '^Did you mean: arived -> arrived'
expect_match "the escalation hint, open now" "$T/screen" '^   Escalate: Card operations, open now, ext\. 4420'
screen -e
expect_match "matched words in bold on a terminal" "$T/screen" "$(printf '\033')\\[1mCards?$(printf '\033')\\[0m"
type_line ":open 1"
wait_screen "the article is on the screen" '^1\. Check the delivery address in the back office\.'
expect_match "with its escalation path" "$T/screen" '1\. Card operations  \[card-ops\]  OPEN NOW'
type_line ":filter category=product"
wait_screen "the prompt shows the filter" '^kb \[category=product\]>'
type_line ":filter tag=card"
wait_screen "the prompt shows both filters" '^kb \[category=product tag=card\]>'
type_line ":clear"
wait_screen "clear: plain prompt again" '^Filters cleared\.'
tm send-keys -t kb -l ":op"
tm send-keys -t kb Tab
tm send-keys -t kb -l "card-del"
tm send-keys -t kb Tab
wait_screen "Tab completes the command and the article id" '^kb> :open card-delivery *$'
tm send-keys -t kb C-c
# (Typed ahead, keys could reach readline's buffer before the signal.)
wait_screen "Ctrl-C: a fresh prompt" '^kb> *$'
type_line ":note after Ctrl-C"
wait_screen "Ctrl-C dropped the line, the call goes on" '^Noted\.'
expect_eq "Ctrl-C: the dropped line did not run" \
    "$(awk '/^kb> :open card-delivery/ {getline; print; exit}' "$T/screen")" "kb> :note after Ctrl-C"
type_line ":quit"
wait_screen "quit: exit 0" '^EXITED 0'

# A short screen: the article goes through less; q comes back.
if command -v less >/dev/null 2>&1; then
    start 12 "PAGER='less -R'"
    wait_screen "short screen: the prompt" '^kb>'
    type_line "card hasnt arived"
    wait_screen "short screen: the cards" '^Answers 1-3 of'
    type_line "1"
    wait_screen "long article: in the pager" '^My new card has not arrived$'
    tm send-keys -t kb q
    wait_screen "q: back at the prompt" '^kb> *$'
    tm send-keys -t kb C-d
    wait_screen "Ctrl-D: exit 0" '^EXITED 0'
else
    skip "pager on a short screen" "less is not installed"
fi
# Ctrl-Z at the prompt and fg: the terminal is readline's again, the line
# kept and redrawn.
# (Not under valgrind, which does not stop the way a program does.)
if [ -n "$VG" ]; then
    skip "Ctrl-Z and fg" "under valgrind"
elif command -v bash >/dev/null 2>&1; then
    tm kill-session -t kb 2>/dev/null
    tm new-session -d -s kb -x 100 -y 30 "env PS1='$ ' bash --norc --noprofile -i"
    wait_screen "job control: the shell" '^\$'
    type_line "KB_NOW=2026-11-23T10:00 $VG '$B/kb-assistant' --db '$db'"
    wait_screen "job control: the prompt" '^kb>'
    tm send-keys -t kb -l "car"
    wait_screen "job control: typing" '^kb> car$'
    tm send-keys -t kb C-z
    wait_screen "Ctrl-Z stops it" 'Stopped'
    type_line "fg"
    wait_screen "fg: the prompt and the line redrawn" '^kb> car$'
    tm send-keys -t kb -l "d"
    tm send-keys -t kb Enter
    wait_screen "fg: typing goes on where it was" '^1\. My new card has not arrived'
    expect_no_match "fg: no double echo" "$T/screen" '^d$'
else
    skip "Ctrl-Z and fg" "bash is not installed"
fi
tm kill-server 2>/dev/null
finish
