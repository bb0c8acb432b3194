#!/bin/sh
# shards.sh - scale-out end to end on loopback: kb-index --shards N, the
# same answers from one database and from N shards (local, then a mix of
# local and remote shards served by two xapian-tcpsrv), incremental runs and
# a changed N, 'remote :PROG' refused, and a shard that is down, that never
# answers, or that stalls in the middle of a search: a partial answer
# flagged in JSON within the documented timeout ($KB_REMOTE_TIMEOUT).
. "$(dirname "$0")/../lib.sh"

kb=$T/kb
cp -r "$top/kb" "$kb"
one=$T/one
db=$T/sharded
export KB_NOW=2026-11-23T10:00
"$B/kb-index" --quiet --db "$one" "$kb" || fail "index the sample KB as one database"
expect_code "kb-index --shards 3" 0 kb_index --json --db "$db" --shards 3 "$kb"
expect_eq "kb-index --json says 3 shards" "$(json "$T/out" 'j["shards"]')" 3
expect_eq "the stub lists 3 shards" "$(grep -c '^glass gen-[0-9]*/s[0-2]$' "$db/XAPIANDB")" 3
expect_eq "a stub per shard for xapian-tcpsrv" \
    "$(cat "$db/shard-0" "$db/shard-1" "$db/shard-2" | grep -c '^glass gen-[0-9]*/s[0-2]$')" 3
expect_code "--shards 0: usage error" 2 kb_index --db "$T/x" --shards 0 "$kb"
expect_code "--shards 33: usage error" 2 kb_index --db "$T/x" --shards 33 "$kb"

# The fixed query set: typos (spelling data), synonyms, filters, phrases,
# exclusions, a trigger with alerts, one that the KB does not cover.
cat >"$T/queries" <<'EOF'
lost card
my card was stolen
cant log in to the app
transfer limt
tranfser pending for days
fraud on my account
change my adress
category:security card
tag:fees abroad
"direct debit" -cancel
someone is pressuring me to move money right now
i want to complain
close my account
top up with apple pay
the weather in paris
EOF

# answers DB OUT: for each query, what must not depend on how the index is
# split: ranked ids, best sections, scores, confidence, corrections,
# covered, alerts, the escalation path.
answers() {
    : >"$2"
    while IFS= read -r q; do
        kb_search --db "$1" --json -n 10 "$q" >"$T/a.json" 2>"$T/a.err" || echo "ERROR $q" >>"$2"
        /usr/bin/python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(sys.argv[2], json.dumps([
    [(r["id"], r["section"], r["score"], r["confidence"]) for r in j["results"]],
    j["corrected"], j["total"], j.get("covered"), [a.get("kind") for a in j.get("alerts", [])],
    [p["id"] for p in (j["escalation"] or {}).get("path", [])], j.get("partial", False)]))
' "$T/a.json" "$q" >>"$2"
    done <"$T/queries"
}
same_answers() {
    answers "$2" "$T/got"
    if cmp -s "$T/want" "$T/got"; then ok "$1"; else
        fail "$1"; diff "$T/want" "$T/got" | head -6 | cut -c1-300 | sed 's/^/    # /'; fi
}
answers "$one" "$T/want"
expect_eq "the query set is answered by one database" \
    "$(grep -c '^ERROR' "$T/want"; grep -c '\[\[\["' "$T/want")" "$(printf '0\n14')"
same_answers "3 shards: the same ranked ids, sections, scores, corrections, alerts" "$db"
expect_match "a typo is corrected over shards (spelling data of the whole KB)" "$T/got" \
    '^transfer limt .*"transfer limit"'

# --show and --escalation find articles in any shard.
for id in lost-or-stolen-card fraud-disputes change-pin update-personal-details; do
    kb_search --db "$one" --show "$id" --json >"$T/s1" 2>&1
    kb_search --db "$db" --show "$id" --json >"$T/s2" 2>&1
    cmp -s "$T/s1" "$T/s2" || echo "$id" >>"$T/show-diff"
done
[ -e "$T/show-diff" ] && fail "--show differs over shards: $(cat "$T/show-diff")" ||
    ok "--show gives the same article from any shard"
printf '{"id": 1, "op": "health"}\n' | kb_search --db "$db" --serve >"$T/h.json"
expect_eq "health: 3 shards, not partial" "$(json "$T/h.json" '(j["shards"], j.get("partial"))')" "(3, None)"

# --- incremental runs, a changed N -------------------------------------------
sed -i 's/^title: .*/title: Lost, stolen or missing card/' "$kb/security/lost-or-stolen-card.md"
rm "$(grep -l "^id: cancel-card" "$kb"/*/*.md)"
sed 's/^id: .*/id: spare-card-copy/' "$kb/product/spare-cards.md" >"$kb/product/spare-card-copy.md"
"$B/kb-index" --quiet --db "$one" "$kb" || fail "update the single database"
expect_code "an incremental run on 3 shards" 0 kb_index --json --db "$db" "$kb"
expect_eq "incremental, 3 shards kept, 1 added 1 updated 1 removed" \
    "$(json "$T/out" '(j["full"], j["shards"], j["added"], j["updated"], j["removed"])')" \
    "(False, 3, 1, 1, 1)"
answers "$one" "$T/want"
same_answers "after an incremental run: the same answers as one database" "$db"
expect_code "--shards 2 rebuilds" 0 kb_index --json --db "$db" --shards 2 "$kb"
expect_eq "a full rebuild on 2 shards" "$(json "$T/out" '(j["full"], j["shards"])')" "(True, 2)"
[ -e "$db/shard-2" ] && fail "the stub of shard 2 is left behind" || ok "no stub of shard 2 left"
same_answers "2 shards: the same answers" "$db"
kb_index --json --db "$db" "$kb" >"$T/out" 2>&1
expect_eq "a later run keeps 2 shards" "$(json "$T/out" '(j["full"], j["shards"])')" "(False, 2)"
kb_index --json --db "$db" --full "$kb" >"$T/out" 2>&1
expect_eq "--full keeps 2 shards" "$(json "$T/out" '(j["full"], j["shards"])')" "(True, 2)"
expect_code "back to 3 shards for what follows" 0 kb_index --quiet --db "$db" --shards 3 "$kb"

# An index of shards written by an older kb-index (no kb:shard, another
# format): refused with the way out, and rebuilt by the next run.
if command -v xapian-metadata >/dev/null 2>&1; then
    cp -r "$db" "$T/old"
    for s in "$T"/old/gen-*/s*; do
        xapian-metadata set "$s" kb:shard "" && xapian-metadata set "$s" kb:format kb-index-1
    done
    expect_code "shards of an older format: refused" 3 kb_search --db "$T/old" card
    expect_match "... saying to rebuild" "$T/err" "another version of kb-index.*kb-index --full"
    kb_index --quiet --db "$T/old" "$kb" >/dev/null 2>&1
    expect_code "... and the next kb-index run rebuilds them" 0 kb_search --db "$T/old" card
else
    skip "shards of an older format" "xapian-metadata (xapian-tools) is not installed"
fi

# --- 'remote :PROG' is refused -----------------------------------------------
printf '#!/bin/sh\ntouch %s/ran\n' "$T" >"$T/prog.sh"
chmod +x "$T/prog.sh"
printf 'auto %s/shard-0\nremote :%s\n' "$db" "$T/prog.sh" >"$T/progstub"
expect_code "a stub with 'remote :PROG': refused" 3 kb_search --db "$T/progstub" card
expect_match "... saying it would start a program" "$T/err" "would start a program"
[ -e "$T/ran" ] && fail "the program ran" || ok "the program did not run"
printf 'auto %s/shard-0\nremote tcp 127.0.0.1 33333\n' "$db" >"$T/badstub"
expect_code "'remote tcp HOST PORT' (not Xapian's syntax): refused" 3 kb_search --db "$T/badstub" card
expect_match "... naming the right form" "$T/err" "not HOST:PORT"

# --- remote shards on two xapian-tcpsrv --------------------------------------
if ! command -v xapian-tcpsrv >/dev/null 2>&1; then
    for c in "remote shards: same answers" "a shard down" "a shard that never answers" \
        "a shard that stalls mid-search"; do
        skip "$c" "xapian-tcpsrv is not installed (scripts/deps.sh test)"
    done
    finish
    exit $?
fi
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
# serve K: xapian-tcpsrv on shard K in a session of its own (on SIGTERM it
# signals its whole process group); sets $port and $srv.
serve() {
    port=$(free_port)
    setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "$db/shard-$1" >/dev/null 2>&1 &
    srv=$!
    pids="$pids $srv"
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$port" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}
serve 1 || fail "xapian-tcpsrv serves shard 1"
p1=$port s1=$srv
serve 2 || fail "xapian-tcpsrv serves shard 2"
p2=$port s2=$srv
# Listed out of order: kb searches shard 0 first, the others by number.
printf 'remote 127.0.0.1:%s\nauto %s/shard-0\nremote 127.0.0.1:%s\n' "$p2" "$db" "$p1" >"$T/mixed"
answers "$one" "$T/want"
same_answers "local shard 0 + two remote shards: the same answers as one database" "$T/mixed"
printf '{"id": 1, "op": "health"}\n' | kb_search --db "$T/mixed" --serve >"$T/h.json"
expect_eq "health over the mix: 3 shards, not partial" \
    "$(json "$T/h.json" '(j["shards"], j.get("partial"))')" "(3, None)"
printf 'search lost card\nquit\n' | kb_assistant --db "$T/mixed" >"$T/as.out" 2>"$T/as.err"
expect_match "kb-assistant answers over the mix" "$T/as.out" "Lost, stolen or missing card"

# --- a shard down: refused connection, answered at once, partial ------------
kill "$s2"
wait "$s2" 2>/dev/null
export KB_REMOTE_TIMEOUT=1
start=$(date +%s%N)
kb_search --db "$T/mixed" --json -n 10 lost card >"$T/p.json" 2>"$T/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
expect_eq "shard 2 down: exit 0, partial, shard 2 named" \
    "$rc $(json "$T/p.json" '(j["partial"], [(m["name"], m["shard"]) for m in j["missing_shards"]])')" \
    "0 (True, [('remote 127.0.0.1:$p2', 2)])"
[ "$ms" -lt 1000 ] && ok "a refused connection costs no timeout (${ms} ms)" ||
    fail "a refused connection took ${ms} ms"
expect_eq "the partial answer is the other shards' (top answer still there)" \
    "$(json "$T/p.json" 'j["results"][0]["id"]')" "lost-or-stolen-card"
if /usr/bin/python3 "$top/tests/tools/validate-json.py" response "$T/p.json" >"$T/v" 2>&1; then
    ok "a partial answer matches the schema"; else fail "schema: $(head -3 "$T/v" | tr '\n' ' ')"; fi

printf 'search lost card\nquit\n' | kb_assistant --db "$T/mixed" >"$T/as.out" 2>"$T/as.err"
expect_match "kb-assistant says the answers are partial, naming the shard" "$T/as.out" \
    "Partial answers: 1 shard of the index did not answer \\(remote 127.0.0.1:$p2\\)"
hp=$(free_port)
setsid "$B/kb-search" --db "$T/mixed" --http "127.0.0.1:$hp" 2>"$T/http.err" &
hs=$!
pids="$pids $hs"
/usr/bin/python3 - "$hp" >"$T/http.out" 2>&1 <<'EOF'
import json, sys, time, urllib.request
base = "http://127.0.0.1:%s" % sys.argv[1]
for _ in range(50):
    try:
        s = json.load(urllib.request.urlopen(base + "/v1/search?q=lost+card", timeout=5))
        break
    except OSError:
        time.sleep(0.1)
h = json.load(urllib.request.urlopen(base + "/v1/health", timeout=5))
print(s.get("partial"), [m["shard"] for m in s.get("missing_shards", [])], s["results"][0]["id"],
      h.get("shards"), h.get("partial"))
EOF
expect_eq "HTTP: /v1/search partial, /v1/health 3 shards partial" "$(cat "$T/http.out")" \
    "True [2] lost-or-stolen-card 3 True"
kill "$hs" 2>/dev/null

# --- a shard that never answers: a listener that does not accept ------------
port=$(free_port)
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); time.sleep(120)' "$port" &
pids="$pids $!"
sleep 0.3
printf 'auto %s/shard-0\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$db" "$p1" "$port" >"$T/hung"
start=$(date +%s%N)
timeout 20 "$B/kb-search" --db "$T/hung" --json lost card >"$T/p.json" 2>"$T/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
expect_eq "a shard that never answers: exit 0, partial, named, a timeout error" \
    "$rc $(json "$T/p.json" '(j["partial"], j["missing_shards"][0]["shard"], "Timeout" in j["missing_shards"][0]["error"])')" \
    "0 (True, 2, True)"
[ "$ms" -ge 900 ] && [ "$ms" -lt 3000 ] && ok "... answered after the 1 s timeout (${ms} ms)" ||
    fail "... answered after ${ms} ms (KB_REMOTE_TIMEOUT=1)"

# --- a shard that stalls in the middle of a search --------------------------
serve 2 || fail "xapian-tcpsrv serves shard 2 again"
p2=$port
/usr/bin/python3 "$top/tests/tools/stallproxy.py" "$T/proxy-port" "$p2" "$T/stall" &
pids="$pids $!"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/proxy-port" ] && break; sleep 0.2; done
pp=$(cat "$T/proxy-port")
printf 'auto %s/shard-0\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$db" "$p1" "$pp" >"$T/stalling"
# One kb-search --serve: a search with every shard, then shard 2 stalls, then
# two more searches (the second finds the shard still left out, at once).
/usr/bin/python3 - "$B/kb-search" "$T/stalling" "$T/stall" >"$T/stall.out" 2>"$T/stall.err" <<'EOF'
import json, os, subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "--db", sys.argv[2], "--serve"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, text=True)
def ask(i):
    t = time.monotonic()
    p.stdin.write(json.dumps({"id": i, "q": "lost card", "limit": 10}) + "\n")
    p.stdin.flush()
    j = json.loads(p.stdout.readline())
    return j, time.monotonic() - t
a, _ = ask(1)
open(sys.argv[3], "w").close()
b, tb = ask(2)
c, tc = ask(3)
p.stdin.close()
p.wait(10)
print(json.dumps({"first": [a.get("partial", False), len(a["results"])],
                  "stalled": [b.get("partial", False), "error" in b, tb,
                              [m["shard"] for m in b.get("missing_shards", [])]],
                  "next": [c.get("partial", False), tc]}))
EOF
got=$(json "$T/stall.out" '(j["first"][0], j["stalled"][0], j["stalled"][1], j["stalled"][3], j["next"][0])' 2>&1)
expect_eq "stalled mid-search: answered partial, shard 2 named, no error" \
    "$got" "(False, True, False, [2], True)"
expect_eq "... within twice the timeout (the search, then the reopen), and at once after" \
    "$(json "$T/stall.out" '(j["stalled"][2] < 3.5, j["next"][1] < 0.5)' 2>&1)" "(True, True)"

# --- a server that closes an idle connection: reconnected to, no word ------
port=$(free_port)
setsid xapian-tcpsrv --quiet --idle-timeout 200 --interface 127.0.0.1 --port "$port" "$db/shard-1" >/dev/null 2>&1 &
pids="$pids $!"
sleep 0.5
printf 'auto %s/shard-0\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$db" "$port" "$p2" >"$T/idle"
/usr/bin/python3 - "$B/kb-search" "$T/idle" >"$T/idle.out" 2>&1 <<'EOF'
import json, subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "--db", sys.argv[2], "--serve"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, text=True)
got = []
for i in range(2):
    p.stdin.write(json.dumps({"id": i, "q": "lost card"}) + "\n")
    p.stdin.flush()
    j = json.loads(p.stdout.readline())
    got.append((j.get("partial", False), "error" in j, len(j.get("results", [])) > 0))
    time.sleep(0.8)
p.stdin.close()
p.wait(10)
print(got)
EOF
expect_eq "a shard server closing an idle connection: the next search reconnects, whole" \
    "$(cat "$T/idle.out")" "[(False, False, True), (False, False, True)]"

finish
