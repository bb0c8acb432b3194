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

# --- Xapian stub lines that would start a program ----------------------------------
# The "program" leaves a mark when it runs.
printf '#!/bin/sh\ntouch "%s/ran"\n' "$T" >"$T/prog.sh"
chmod +x "$T/prog.sh"
gen=$(sed -n 's/^glass \(gen-[0-9]*\)\/s0$/\1/p' "$db/XAPIANDB")
shard=$db/$gen/s0
# refused NAME DB [CMD...]: kb-search on DB is refused (exit 3) with a
# message naming the program line, and the program never ran.
refused() {
    name=$1 where=$2
    rm -f "$T/ran"
    timeout 10 "$B/kb-search" --db "$where" card >"$T/out" 2>"$T/err"
    expect_eq "$name: kb-search refuses (exit 3)" "$?" 3
    expect_match "$name: the message names the line" "$T/err" \
        "refusing the index at .*:[0-9]+: 'remote :.*' would start a program"
    if [ -e "$T/ran" ]; then fail "$name: the program ran"; else ok "$name: the program did not run"; fi
}
mkdir "$T/evil"
printf 'remote :%s\n' "$T/prog.sh" >"$T/evil/XAPIANDB"
refused "XAPIANDB with 'remote :PROG'" "$T/evil"
printf '# shards\nglass %s\nremote :%s --flag\n' "$shard" "$T/prog.sh" >"$T/evil/XAPIANDB"
refused "program line after a good line and a comment" "$T/evil"
printf 'remote :%s\r\n' "$T/prog.sh" >"$T/evil/XAPIANDB"
refused "program line ending in CRLF" "$T/evil"
printf 'remote :%s\n' "$T/prog.sh" >"$T/stubfile"
refused "a stub file given as --db" "$T/stubfile"
mkdir -p "$T/evil2/sub"
printf 'remote :%s\n' "$T/prog.sh" >"$T/evil2/sub/inner"
printf 'auto sub/inner\n' >"$T/evil2/XAPIANDB"
refused "'auto' naming a stub with a program line (relative path)" "$T/evil2"
mkdir -p "$T/evil3/d"
printf 'remote :%s\n' "$T/prog.sh" >"$T/evil3/d/XAPIANDB"
printf 'auto %s/evil3/d\n' "$T" >"$T/evil3/XAPIANDB"
refused "'auto' naming a folder whose stub has a program line" "$T/evil3"
rm -f "$T/ran"
KB_DB=$T/evil timeout 10 "$B/kb-search" card >"$T/out" 2>"$T/err"
expect_eq "\$KB_DB naming such an index: refused (exit 3)" "$?" 3
[ -e "$T/ran" ] && fail "\$KB_DB: the program ran" || ok "\$KB_DB: the program did not run"
rm -f "$T/ran"
echo '{"op":"health"}' | timeout 10 "$B/kb-search" --db "$T/evil" --serve >"$T/out" 2>"$T/err"
expect_match "--serve on such an index: refused at start" "$T/err" "would start a program"
[ -e "$T/ran" ] && fail "--serve: the program ran" || ok "--serve: the program did not run"
rm -f "$T/ran"
printf 'card\n:quit\n' | KB_DB=$T/evil timeout 10 "$B/kb-assistant" >"$T/out" 2>&1
expect_match "kb-assistant on such an index: refused" "$T/out" "would start a program"
[ -e "$T/ran" ] && fail "kb-assistant: the program ran" || ok "kb-assistant: the program did not run"

# A server that is running when the stub is swapped for a hostile one.
cp -r "$db" "$T/live"
rm -f "$T/ran"
{
    echo '{"id":1,"q":"lost card"}'
    sleep 1
    printf 'remote :%s\n' "$T/prog.sh" >"$T/live/XAPIANDB.new"
    mv "$T/live/XAPIANDB.new" "$T/live/XAPIANDB"
    sleep 0.2
    echo '{"id":2,"q":"lost card"}'
    echo '{"id":3,"op":"health"}'
} | timeout 20 "$B/kb-search" --db "$T/live" --serve >"$T/out" 2>"$T/err"
expect_match "stub swapped under a running server: the first answer" "$T/out" '"id":1,"query"'
expect_match "stub swapped under a running server: then an error, not a program" "$T/out" \
    '"id":2,"error":\{"code":"index_error","message":"[^"]*would start a program'
[ -e "$T/ran" ] && fail "running server: the program ran" || ok "running server: the program did not run"

# Other lines Xapian would misread, loops and FIFOs: refused, no hang.
printf 'auto XAPIANDB\n' >"$T/evil/XAPIANDB"
expect_code "a stub naming itself: refused, no loop" 3 timeout 10 "$B/kb-search" --db "$T/evil" card
expect_match "a stub naming itself: the message says so" "$T/err" 'too deeply'
printf 'glass %s\nprogram /bin/sh\n' "$shard" >"$T/evil/XAPIANDB"
expect_code "an unknown stub line: refused" 3 timeout 10 "$B/kb-search" --db "$T/evil" card
expect_match "an unknown stub line: named" "$T/err" "XAPIANDB:2: unknown stub line 'program'"
rm -f "$T/evil/XAPIANDB"
mkfifo "$T/evil/XAPIANDB"
expect_code "a FIFO as the stub: refused, no hang" 3 timeout 10 "$B/kb-search" --db "$T/evil" card
expect_code "a FIFO as --db: refused, no hang" 3 timeout 10 "$B/kb-search" --db "$T/fifo" card
head -c 70000 /dev/zero | tr '\0' '#' >"$T/bigstub"
expect_code "a 70 KB stub file: refused" 3 timeout 10 "$B/kb-search" --db "$T/bigstub" card

# What is honoured: local lines, TCP remotes, and programs when allowed.
printf '# one shard\nglass %s\n' "$shard" >"$T/goodstub"
expect_code "a stub of local glass lines: searched" 0 "$B/kb-search" --db "$T/goodstub" card
printf 'auto %s\n' "$db" >"$T/autostub"
expect_code "an 'auto' line naming the index folder: searched" 0 "$B/kb-search" --db "$T/autostub" card
rm -f "$T/ran"
printf 'remote :%s\n' "$T/prog.sh" >"$T/stubfile"
timeout 10 "$B/kb-search" --db "$T/stubfile" --allow-remote-programs card >"$T/out" 2>"$T/err"
[ -e "$T/ran" ] && ok "--allow-remote-programs: the program line is honoured" ||
    fail "--allow-remote-programs: the program did not run"
if command -v xapian-progsrv >/dev/null 2>&1; then
    printf 'remote :xapian-progsrv %s\n' "$shard" >"$T/progstub"
    kb_search --db "$T/progstub" --allow-remote-programs --json lost card >"$T/s.json" 2>"$T/err"
    expect_eq "--allow-remote-programs with xapian-progsrv: answers" \
        "$(json "$T/s.json" 'len(j["results"]) > 0')" True
else
    skip "--allow-remote-programs with xapian-progsrv" "xapian-progsrv is not installed"
fi
if command -v xapian-tcpsrv >/dev/null 2>&1; then
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # In a session of its own: on SIGTERM it signals its whole process group.
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$shard" >/dev/null 2>&1 &
    srv=$!
    printf 'remote 127.0.0.1:%s\n' "$port" >"$T/tcpstub"
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        kb_search --db "$T/tcpstub" --json lost card >"$T/s.json" 2>"$T/err" && break
        sleep 0.3
    done
    expect_eq "a 'remote HOST:PORT' (TCP) line: honoured, answers" \
        "$(json "$T/s.json" 'len(j["results"]) > 0' 2>/dev/null)" True
    kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null
else
    skip "a 'remote HOST:PORT' (TCP) line" "xapian-tcpsrv is not installed"
fi

# kb-index never lets Xapian read the stub: a hostile one is replaced.
cp -r "$db" "$T/reidx"
printf 'remote :%s\n' "$T/prog.sh" >"$T/reidx/XAPIANDB"
rm -f "$T/ran"
expect_code "kb-index over an index whose stub has a program line: rebuilt" 0 \
    kb_index --db "$T/reidx" --quiet "$kb"
[ -e "$T/ran" ] && fail "kb-index: the program ran" || ok "kb-index: the program did not run"
expect_code "kb-index: the rebuilt index answers" 0 "$B/kb-search" --db "$T/reidx" card

# --- opening hours that make no sense: fail closed ---------------------------------
# hours_case NAME HOURS: card-ops given these hours (or none, for "-").
# Such a tier is a lint error, and the publish gate (issue 16) never
# publishes it: an incremental run keeps its last good hours; a first
# index publishes neither it nor the articles escalating to it.  (A tier
# stored with unreadable hours is still read fail-closed: unit/test_query.)
hours_case() {
    hk=$(fixture kb-small "hours-$1")
    kb_index --db "$T/hours-$1.idx" --quiet "$hk" >/dev/null 2>&1
    if [ "$2" = - ]; then
        sed -i '/^hours:/d' "$hk/escalation/card-ops.md"
    else
        sed -i "s|^hours:.*|hours: \"$2\"|" "$hk/escalation/card-ops.md"
    fi
    expect_code "hours '$2': the run holds the tier back" 1 kb_index --db "$T/hours-$1.idx" "$hk"
    expect_match "hours '$2': said at the tier's file, as --check says it" "$T/err" \
        "card-ops\.md:[0-9]+: error: (malformed hours '$2'|escalation tier without 'hours')"
    KB_NOW=2026-11-25T12:00 kb_search --db "$T/hours-$1.idx" --json --escalation card-delivery >"$T/h.json"
    expect_eq "hours '$2': officers keep the last good hours (open on a Wednesday noon)" \
        "$(json "$T/h.json" 'j["escalation"]["path"][0]["open"]')" True
    printf 'card not arrived\n:esc 1\n:quit\n' | KB_NOW=2026-11-25T12:00 \
        "$B/kb-assistant" --db "$T/hours-$1.idx" >"$T/h.txt" 2>&1
    expect_match "hours '$2': the assistant shows the last good hours" "$T/h.txt" \
        'Mon-Fri 08:00-20:00'
    expect_code "hours '$2': a first index exits 1" 1 kb_index --db "$T/hours-$1.new" "$hk"
    expect_code "hours '$2': a first index does not publish the tier" 1 \
        kb_search --db "$T/hours-$1.new" --show card-ops
    expect_code "hours '$2': nor an article that escalates to it" 1 \
        kb_search --db "$T/hours-$1.new" --show card-delivery
}
hours_case late "Mon-Sun 07:00-31:00"
hours_case banana "banana"
hours_case short "8:00"
hours_case empty "00:00-00:00"
hours_case monkey "Monkey-Fri 08:00-20:00"
hours_case none -
# Good hours are still read: open on a Wednesday noon.
KB_NOW=2026-11-25T12:00 kb_search --db "$db" --json --escalation card-delivery >"$T/h.json"
expect_eq "good hours: open is true on Wednesday noon" \
    "$(json "$T/h.json" 'j["escalation"]["path"][0]["open"]')" True
KB_NOW=2026-11-29T12:00 kb_search --db "$db" --json --escalation card-delivery >"$T/h.json"
expect_eq "good hours: open is false on Sunday noon" \
    "$(json "$T/h.json" 'j["escalation"]["path"][0]["open"]')" False

# --- synonym groups: capped, linear, with a clear message ---------------------------
# syn_kb NAME: kb-small with its synonyms file replaced by stdin.
syn_kb() { sk=$(fixture kb-small "syn-$1"); cat >"$sk/synonyms.txt"; echo "$sk"; }
sk=$( { echo "load money, add money, topup"; /usr/bin/python3 -c 'print(", ".join("w%dx" % i for i in range(100000)))'; } | syn_kb huge)
t0=$(date +%s)
expect_code "a synonym group of 100,000 words (1.4 MB line): exit 1, no hang" 1 \
    timeout 120 "$B/kb-index" --db "$T/syn-huge.idx" "$sk"
secs=$(( $(date +%s) - t0 ))
[ $secs -lt 30 ] && ok "a synonym group of 100,000 words: done in ${secs} s" ||
    fail "a synonym group of 100,000 words took ${secs} s"
expect_match "a synonym group of 100,000 words: the message names the line and the cap" "$T/err" \
    'synonyms\.txt:2: error: a synonym group of 100000 items; at most 64 .*split it'
kb_search --db "$T/syn-huge.idx" --json --explain load money >"$T/s.json"
expect_eq "the other groups still work (load money -> top-up-failed)" \
    "$(json "$T/s.json" 'j["results"][0]["id"]')" top-up-failed
expect_match "the other groups still work: matched as a synonym" "$T/s.json" '"kind":"synonym"'
expect_code "--check reports the same group" 1 timeout 120 "$B/kb-index" --check "$sk"
expect_match "--check: the same message" "$T/err" 'synonyms\.txt:2: error: a synonym group of 100000 items'
sk=$(/usr/bin/python3 -c 'print(", ".join("v%dx" % i for i in range(64)))' | syn_kb max)
expect_code "a group of exactly 64 items: accepted" 0 kb_index --db "$T/syn-max.idx" "$sk"
sk=$(/usr/bin/python3 -c 'print(", ".join("v%dx" % i for i in range(65)))' | syn_kb over)
expect_code "a group of 65 items: refused" 1 kb_index --db "$T/syn-over.idx" "$sk"
sk=$(fixture kb-small syn-yaml)
rm "$sk/synonyms.txt"
/usr/bin/python3 -c 'print("- [" + ", ".join("y%dx" % i for i in range(5000)) + "]")' >"$sk/synonyms.yaml"
expect_code "synonyms.yaml with a group of 5,000: refused" 1 timeout 60 "$B/kb-index" --db "$T/syn-yaml.idx" "$sk"
expect_match "synonyms.yaml: the message" "$T/err" 'synonyms\.yaml:1: error: a synonym group of 5000 items'
# Many groups of 64 in a 4 MB file: past the pairs cap, one message, quick.
sk=$(/usr/bin/python3 -c '
for g in range(1000): print(", ".join("g%dw%d" % (g, i) for i in range(64)))' | syn_kb many)
t0=$(date +%s)
expect_code "1,000 groups of 64 (4 M pairs): exit 1" 1 timeout 120 "$B/kb-index" --db "$T/syn-many.idx" "$sk"
secs=$(( $(date +%s) - t0 ))
[ $secs -lt 30 ] && ok "1,000 groups of 64: done in ${secs} s" || fail "1,000 groups of 64 took ${secs} s"
expect_eq "past the pairs cap: one message" "$(grep -c 'pairs in all' "$T/err")" 1
expect_match "past the pairs cap: where it stopped" "$T/err" \
    'synonyms\.txt:249: error: synonyms past 1000000 pairs in all \(after 248 groups\)'

# --- smaller ones: impossible dates, an offset past the end, 64 KiB + CRLF ----------
for d in 2026-02-31 2026-02-29 2026-04-31 2026-13-01 2026-00-10 2026-1-1 1899-12-31 \
    2026-11-31 '2026-12-01 ' 2026-12-0x; do
    expect_code "--report --since '$d': refused" 2 "$B/kb-index" --report --since "$d" \
        --calls "$T/nocalls" --feedback-log "$T/nolog"
done
expect_match "--report --since: the message says why" "$T/err" "not a date \(YYYY-MM-DD\): '2026-12-0x'"
for d in 2028-02-29 2000-02-29 2026-12-31; do
    expect_code "--report --since $d: accepted" 0 "$B/kb-index" --report --since "$d" \
        --calls "$T/nocalls" --feedback-log "$T/nolog"
done
pk=$(fixture kb-small dates)
printf -- '---\ntitle: Odd dates\ncategory: policy\nupdated: 2026-02-31\nreview_by: 2027-02-29\n---\nodddates text\n' >"$pk/policy/odd.md"
kb_index --check "$pk" >"$T/out" 2>"$T/err"
expect_match "front matter 'updated: 2026-02-31': said not a date" "$T/err" "odd\.md:4: .*'updated' is not a date"
expect_match "front matter 'review_by: 2027-02-29': said not a date" "$T/err" "odd\.md:5: .*'review_by' is not a date"

# Offsets: past the end the total is the real number (the answers worth
# showing, as at offset 0), not the offset, and the notice says so.
kb_search --db "$db" --json -n 100 card >"$T/p0.json"
n=$(json "$T/p0.json" 'len(j["results"])')
all=$(json "$T/p0.json" 'j["total"]')
for off in "$n" 50 10000; do
    kb_search --db "$db" --json --offset "$off" card >"$T/p.json"
    expect_eq "offset $off past the end ($all answers): total is $all, not the offset" \
        "$(json "$T/p.json" 'j["total"]')" "$all"
    expect_eq "offset $off past the end: the notice says so" "$(json "$T/p.json" 'j["notice"]')" \
        "offset $off is past the last answer: $all answers in all"
done
kb_search --db "$db" --offset 50 card >"$T/out" 2>"$T/err"
expect_match "offset past the end, terminal: said on stderr" "$T/err" \
    "kb-search: offset 50 is past the last answer: $all answers in all"
kb_search --db "$db" --json --offset 1 card >"$T/p.json"
expect_eq "an offset inside the results: no notice" "$(json "$T/p.json" 'j["notice"]')" None
echo '{"id":1,"q":"card","offset":9999}' | kb_search --db "$db" --serve >"$T/p.json"
expect_eq "serve: offset past the end, real total" "$(json "$T/p.json" 'j["total"]')" "$all"
kb_search --db "$db" --json --offset 50 zzqqxxblorpvv >"$T/p.json"
expect_eq "offset past the end of no answers: total 0, no notice" \
    "$(json "$T/p.json" '(j["total"], j["notice"])')" "(0, None)"

# Request lines at the limit, with LF and with CRLF.
cat >"$T/lines.py" <<'EOF'
import sys
def req(i, size):
    head = '{"id": %d, "q": "fees", "pad": "' % i
    return head + "x" * (size - len(head) - 2) + '"}'
with open(sys.argv[1], "wb") as f:
    for i, (size, end) in enumerate([(65536, b"\r\n"), (65536, b"\n"), (65537, b"\r\n"),
                                     (65535, b"\r\n"), (65537, b"\n"), (65536, b"\r\r\n")], 1):
        line = req(i, size).encode()
        assert len(line) == size
        f.write(line + end)
EOF
/usr/bin/python3 "$T/lines.py" "$T/lines"
kb_search --db "$db" --serve <"$T/lines" >"$T/resp"
codes=$(/usr/bin/python3 -c '
import json, sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    print(j["error"]["code"] if "error" in j else "ok", end=" ")' "$T/resp")
expect_eq "64 KiB + CRLF ok, + LF ok, 64 KiB+1 + CRLF too_large, 64 KiB-1 + CRLF ok, 64 KiB+1 + LF too_large, 64 KiB + CR CR LF too_large" \
    "$codes" "ok ok too_large ok too_large too_large "

finish
