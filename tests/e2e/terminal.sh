#!/bin/sh
# terminal.sh - text from articles, file names and queries never reaches a
# terminal raw (escape sequences are data: issue 15), JSON output is always
# valid UTF-8, and a one-shot program that cannot write its output says so
# and exits 3.
. "$(dirname "$0")/../lib.sh"

ESC=$(printf '\033')
C1=$(printf '\302\233')        # U+009B, the one-byte CSI
kb=$T/kb
mkdir -p "$kb/escalation" "$kb/product"
# Front matter carrying OSC 0 (window title), OSC 52 (clipboard write),
# CSI 2J (clear screen) and a C1 CSI, in the title, contact and sla.
printf -- '---\nid: evil-tier\ntitle: "Evil \\e]0;pwned\\a tier"\ncategory: escalation\ncontact: "ext. 1 \\e]52;c;aGk=\\a"\nhours: "24/7"\nsla: "now \\e[2J"\n---\nA tier.\n' >"$kb/escalation/evil-tier.md"
printf -- '---\nid: evil-card\ntitle: "Card \\e[2J \\u009b31m lost"\ncategory: product\nescalation: evil-tier\nquestions: ["my card is lost"]\n---\nSay \033]0;title\007 here \302\2332J now.\n\n## Steps\n\n1. Check the card \033[31m now.\n' >"$kb/product/evil-card.md"
kb_index --quiet --db "$T/index" "$kb" || fail "index the hostile KB"
export KB_DB="$T/index" NO_COLOR=1

raw() { # NAME FILE: no ESC and no C1 CSI in FILE
    if grep -q "$ESC" "$2" || grep -q "$C1" "$2"; then
        fail "$1: an escape sequence reached the output"; od -c "$2" | grep -m3 '033\|302 233' | sed 's/^/    # /'
    else ok "$1: escape sequences shown as data"; fi
}
kb_search "my card is lost" >"$T/out" 2>"$T/err"
expect_eq "search exits 0" "$?" 0
expect_match "the hostile article is found" "$T/out" 'evil-card'
raw "search output" "$T/out"
kb_search --show evil-card >"$T/out" 2>"$T/err"
expect_eq "--show exits 0" "$?" 0
expect_match "--show prints the title" "$T/out" 'Card \?\[2J \? ?31m lost'
raw "--show" "$T/out"
kb_search --escalation evil-card >"$T/out" 2>"$T/err"
expect_eq "--escalation exits 0" "$?" 0
expect_match "--escalation prints the contact" "$T/out" 'ext. 1'
raw "--escalation" "$T/out"
kb_search --explain "card lost" >"$T/out" 2>&1
raw "--explain" "$T/out"

# A file name with ESC reaches kb-index's diagnostics cleaned.
printf -- '---\ntitle: [broken\n---\nx\n' >"$kb/product/bad$(printf '\033')[2Jname.md"
kb_index --db "$T/index" "$kb" >"$T/out" 2>"$T/err"
expect_match "the broken file is reported" "$T/err" 'bad.*name\.md'
raw "kb-index diagnostics" "$T/err"
kb_index --check "$kb" >"$T/out" 2>"$T/err"
raw "kb-index --check" "$T/err"
rm -f "$kb/product/bad"*

# A file name that is not UTF-8 still gives valid UTF-8 JSON.
cp "$kb/product/evil-card.md" "$kb/product/$(printf 'caf\351').md"
sed -i 's/^id: evil-card$/id: cafe-latin1/' "$kb/product/$(printf 'caf\351').md"
kb_index --quiet --db "$T/index" "$kb" 2>"$T/err" || fail "index the Latin-1 file name"
kb_search --json --limit 10 "my card is lost" >"$T/out" 2>"$T/err"
if /usr/bin/python3 -c 'import json,sys; j=json.loads(open(sys.argv[1],"rb").read().decode("utf-8")); sys.exit(0 if any(r["id"]=="cafe-latin1" and "\ufffd" in r["path"] for r in j["results"]) else 1)' "$T/out"; then
    ok "--json: a Latin-1 file name is valid UTF-8 (U+FFFD) in path"
else
    fail "--json with a Latin-1 file name is not valid UTF-8, or the path is missing"; head -c 300 "$T/out" | sed 's/^/    # /'
fi
echo '{"op":"show","article":"cafe-latin1"}' | kb_search --serve >"$T/out" 2>"$T/err"
if /usr/bin/python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$T/out"; then
    ok "--serve show: valid UTF-8"; else fail "--serve show: not valid UTF-8"; fi
kb_index --check --json "$kb" >"$T/out" 2>"$T/err"
if /usr/bin/python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$T/out"; then
    ok "kb-index --check --json: valid UTF-8"; else fail "kb-index --check --json: not valid UTF-8"; fi

# C1 controls in queries reach --report cleaned.
mkdir -p "$T/calls"
printf '{"time":"2026-11-20T10:00:00Z","event":"call_start","call":"c1"}\n{"time":"2026-11-20T10:00:01Z","event":"query","q":"x \302\2332J \033]0;t\007 y","total":0,"results":[]}\n' >"$T/calls/c1.jsonl"
chmod 600 "$T/calls/c1.jsonl"
kb_index --report --calls "$T/calls" --feedback-log "$T/none.jsonl" >"$T/out" 2>"$T/err"
expect_eq "--report exits 0" "$?" 0
expect_match "--report lists the query" "$T/out" 'x \?'
raw "--report" "$T/out"

# Write errors: the answer was lost, so exit 3 and say so.
for args in "card" "--json card" "--show evil-card" "--escalation evil-card"; do
    # shellcheck disable=SC2086
    kb_search $args >/dev/full 2>"$T/err"
    expect_eq "kb-search $args to a full disk: exit 3" "$?" 3
    expect_match "kb-search $args to a full disk: says why" "$T/err" 'cannot write'
    # shellcheck disable=SC2086
    kb_search $args >&- 2>"$T/err"
    expect_eq "kb-search $args to a closed stdout: exit 3" "$?" 3
done
kb_index --check --json "$kb" >/dev/full 2>"$T/err"
expect_eq "kb-index --check --json to a full disk: exit 3" "$?" 3
finish
