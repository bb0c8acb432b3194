#!/bin/sh
# hostile.sh - hostile input to kb-index and kb-search (issue 6 section 4):
# huge articles and lines, deep nesting, invalid UTF-8 and NUL bytes, YAML
# bombs, symlink loops and escapes, unreadable files and folders, a
# read-only index, and request lines, numbers and types the server must
# refuse.  Each case checks a documented outcome (tests/RELIABILITY.md).
# Cases already in serve.sh (10 MB line, JSON 10,000 deep, limit/offset
# ranges and types, \u0000, invalid UTF-8 lines) are not repeated here.
. "$(dirname "$0")/../lib.sh"

# rss OUT ERR CMD...: run CMD, print "STATUS PEAK_RSS_KB".
cat >"$T/rss.py" <<'EOF'
import resource, subprocess, sys
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    rc = subprocess.run(sys.argv[3:], stdout=out, stderr=err).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
rss() { /usr/bin/python3 "$T/rss.py" "$T/out" "$T/err" "$@"; }
# new_kb NAME: a KB folder holding one good article (fees, without its
# escalation tier, which is not in the folder: lint-clean); prints its path.
new_kb() {
    mkdir -p "$T/$1"
    sed '/^escalation:/d' "$top/tests/fixtures/kb-small/policy/fees.md" >"$T/$1/fees.md"
    echo "$T/$1"
}
article() { printf -- '---\ntitle: %s\ncategory: policy\n---\n' "$1"; }
serve() { kb_search --db "$1" --serve; }

# --- a 100 MB article: refused by its size, never read ---------------------------
kb=$(new_kb big)
set -- $(rss "$B/kb-index" --db "$T/big.idx" "$kb")
base_rss=$2
article "Huge" >"$kb/huge.md"
truncate -s 100M "$kb/huge.md"   # sparse: the size is what counts
set -- $(rss "$B/kb-index" --db "$T/big.idx" --full "$kb")
expect_eq "100 MB article: exit 1 (content error)" "$1" 1
expect_match "100 MB article: size message with the file" "$T/err" \
    'huge\.md: error: file is 104857600 bytes, over the limit of [0-9]+ bytes; not indexed'
if [ "$2" -lt $((base_rss + 32768)) ]; then
    ok "100 MB article: not read into memory (peak RSS $2 KB, $base_rss KB without it)"
else
    fail "100 MB article: peak RSS $2 KB, $base_rss KB without it"
fi
kb_search --db "$T/big.idx" --json withdrawals >"$T/s.json"
expect_eq "100 MB article: the other articles are indexed" "$(json "$T/s.json" 'j["results"][0]["id"]')" "fees"

# --- a 1 MB single line: indexed, quickly -----------------------------------------
kb=$(new_kb long)
{ article "Long line"; /usr/bin/python3 -c 'print("longword " * 116509 + "finalword")'; } >"$kb/longline.md"
{ article "One token"; /usr/bin/python3 -c 'print("tokenstart " + "x" * 1048576 + " tokenend")'; } >"$kb/onetoken.md"
t0=$(date +%s)
expect_code "1 MB single line and 1 MB token: indexed" 0 kb_index --db "$T/long.idx" "$kb"
secs=$(( $(date +%s) - t0 ))
if [ $secs -lt 60 ]; then ok "1 MB lines indexed in ${secs} s"; else fail "1 MB lines took ${secs} s"; fi
kb_search --db "$T/long.idx" --json finalword >"$T/s.json"
expect_eq "1 MB line: its last word is found" "$(json "$T/s.json" 'j["results"][0]["id"]')" "longline"
kb_search --db "$T/long.idx" --json tokenend >"$T/s.json"
expect_eq "1 MB token: the words around it are found" "$(json "$T/s.json" 'j["results"][0]["id"]')" "onetoken"

# --- deep nesting in Markdown: indexed ---------------------------------------------
kb=$(new_kb nest)
{
    article "Nested"
    echo "nestedlead text"
    echo
    /usr/bin/python3 -c '
for i in range(1000):
    print("  " * i + "- level %d" % i)
print()
print("> " * 10000 + "quotedword")
print()
print("- " * 10000 + "listword")
print()
print("[" * 10000 + "bracketword" + "]" * 10000)
print()
print("*" * 10000 + "emphword" + "*" * 10000)
print()
print("<div>" * 5000 + "htmlword" + "</div>" * 5000)'
} >"$kb/nested.md"
expect_code "lists 1,000 deep, 10,000 block quotes, brackets, emphasis, HTML: indexed" 0 \
    timeout 120 $VG "$B/kb-index" --db "$T/nest.idx" "$kb"
kb_search --db "$T/nest.idx" --json nestedlead >"$T/s.json"
expect_eq "nested article found" "$(json "$T/s.json" 'j["results"][0]["id"]')" "nested"
printf '{"op":"show","article":"nested"}\n' | serve "$T/nest.idx" >"$T/s.json"
expect_eq "nested article shown" "$(json "$T/s.json" '(j["article"]["id"], "quotedword" in j["article"]["body"])')" "('nested', True)"
expect_code "nested article renders in the terminal" 0 kb_search --db "$T/nest.idx" --show nested

# --- invalid UTF-8 and NUL bytes in articles: rejected with file:line ---------------
kb=$(new_kb bytes)
{ article "Bad body"; printf 'line five\nline six \303\050 here\n'; } >"$kb/bad-body.md"
printf -- '---\ntitle: Bad \377 title\ncategory: policy\n---\nText.\n' >"$kb/bad-title.md"
{ article "Nul body"; printf 'line five\nline six has a \000 NUL\n'; } >"$kb/nul-body.md"
printf -- '---\ntitle: Nul\000 title\ncategory: policy\n---\nText.\n' >"$kb/nul-title.md"
printf '\377\376h\000e\000l\000l\000o\000\n' >"$kb/utf16.md"
expect_code "bad bytes: exit 1" 1 kb_index --db "$T/bytes.idx" "$kb"
expect_match "invalid UTF-8 in the body: file:line" "$T/err" 'bad-body\.md:6: error: invalid UTF-8'
expect_match "invalid UTF-8 in the front matter: file:line" "$T/err" 'bad-title\.md:2: error: invalid UTF-8'
expect_match "NUL in the body: file:line" "$T/err" 'nul-body\.md:6: error: NUL byte'
expect_match "NUL in the front matter: file:line" "$T/err" 'nul-title\.md:2: error: NUL byte'
expect_match "UTF-16 file: rejected with a line" "$T/err" 'utf16\.md:1: error: (invalid UTF-8|NUL byte)'
expect_match "the good article is indexed, the 5 others rejected" "$T/out" '1 articles \(1 added.*5 rejected'

# --- invalid UTF-8 and NUL bytes in queries ------------------------------------------
db=$T/bytes.idx
expect_code "CLI query with invalid UTF-8: usage error" 2 kb_search --db "$db" "$(printf 'fees \377 x')"
expect_match "says the query is not UTF-8" "$T/err" 'not valid UTF-8'
expect_code "CLI query with a lone continuation byte, --json: usage error" 2 kb_search --db "$db" --json "$(printf '\200')"
printf '{"id":1,"q":"fees\000x"}\n{"id":2,"op":"show","article":"fe\000es"}\n\000\n{"id":4,"q":"fees"}\n' >"$T/req"
serve "$db" <"$T/req" >"$T/resp"
expect_eq "serve: raw NUL bytes get error objects, the server goes on" \
    "$(/usr/bin/python3 -c 'import json,sys; print([json.loads(l).get("error",{}).get("code","ok") for l in open(sys.argv[1])])' "$T/resp")" \
    "['bad_json', 'bad_json', 'bad_json', 'ok']"

# --- YAML bombs and deep nesting in front matter: rejected --------------------------
kb=$(new_kb yaml)
{
    printf -- '---\ntitle: Bomb\ncategory: policy\n'
    printf 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev=a
    for n in b c d e f g h i; do
        printf '%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $n $n $prev $prev $prev $prev $prev $prev $prev $prev $prev
        prev=$n
    done
    printf -- 'tags: *i\n---\nBody.\n'
} >"$kb/bomb.md"
printf -- '---\ntitle: Alias\ncategory: &c policy\ntags: [*c]\n---\nBody.\n' >"$kb/alias.md"
/usr/bin/python3 -c 'print("---\ntitle: Flow\ncategory: policy\ntags: " + "[" * 10000 + "]" * 10000 + "\n---\nBody.")' >"$kb/flow.md"
/usr/bin/python3 -c 'print("---\ntitle: Block\ncategory: policy\nx:\n" + "".join("  " * i + "k:\n" for i in range(1, 2000)) + "---\nBody.")' >"$kb/block.md"
/usr/bin/python3 -c 'print("---\ntitle: Keys\ncategory: policy\n" + "".join("k%d: v\n" % i for i in range(100000)) + "---\nBody.")' >"$kb/keys.md"
t0=$(date +%s)
expect_code "YAML bombs: exit 1" 1 timeout 120 $VG "$B/kb-index" --db "$T/yaml.idx" "$kb"
expect_match "alias bomb rejected" "$T/err" 'bomb\.md:[0-9]+: error: front matter: YAML aliases are not allowed'
expect_match "any alias rejected" "$T/err" 'alias\.md:[0-9]+: error: front matter: YAML aliases'
expect_match "flow nesting 10,000 deep rejected" "$T/err" 'flow\.md:[0-9]+: error: front matter: nested too deeply'
expect_match "block nesting 2,000 deep rejected" "$T/err" 'block\.md:[0-9]+: error: front matter: nested too deeply'
if grep -q 'keys\.md' "$T/err"; then
    ok "100,000 unknown keys: rejected or warned ($(grep -m1 'keys\.md' "$T/err" | cut -c1-80))"
else
    fail "100,000 unknown keys: no message"
fi
echo "# YAML bombs handled in $(( $(date +%s) - t0 )) s"

# --- symlinks: loops warned, nothing followed out of the KB folder ---------------------
kb=$(new_kb links)
mkdir -p "$kb/sub" "$T/outside"
printf -- '---\ntitle: Secret\ncategory: policy\n---\nThe vault code is zanzibarsecret.\n' >"$T/outside/secret.md"
ln -s .. "$kb/sub/up"               # a loop through the parent
ln -s . "$kb/self"                  # a loop on itself
ln -s loop-b "$kb/loop-a.md"        # a cycle of two links
ln -s loop-a.md "$kb/loop-b"
ln -s "$T/outside" "$kb/out-dir"    # a folder outside
ln -s ../outside/secret.md "$kb/secret.md"   # a file outside
ln -s /etc/passwd "$kb/passwd.md"
ln -s ../fees.md "$kb/sub/inside.md"   # inside: followed (same id: rejected as a duplicate)
expect_code "symlinks: the run ends" 1 timeout 60 $VG "$B/kb-index" --db "$T/links.idx" "$kb"
expect_match "loop through the parent: warned" "$T/err" 'sub/up: warning: folder already visited \(symlink loop\)'
expect_match "self loop: warned" "$T/err" 'self: warning: folder already visited'
expect_match "link cycle: warned" "$T/err" 'loop-a\.md: warning: broken symlink or symlink loop'
expect_match "folder outside: not followed" "$T/err" 'out-dir: warning: symlink points outside the KB folder; not followed'
expect_match "file outside: not followed" "$T/err" 'secret\.md: warning: symlink points outside the KB folder'
expect_match "/etc/passwd: not followed" "$T/err" 'passwd\.md: warning: symlink points outside'
expect_match "link inside the folder: followed" "$T/err" "sub/inside\.md:[0-9]+: error: duplicate id 'fees'"
kb_search --db "$T/links.idx" --json zanzibarsecret >"$T/s.json"
expect_eq "the secret outside is not searchable" "$(json "$T/s.json" 'j["total"]')" "0"
kb_search --db "$T/links.idx" --json root bin bash nologin >"$T/s.json"
expect_eq "/etc/passwd is not searchable" "$(json "$T/s.json" 'j["total"]')" "0"
expect_code "the outside article cannot be shown" 1 kb_search --db "$T/links.idx" --show secret

# --- unreadable files and folders, a read-only index (as a user other than root) ----
if nobody_ready; then
    as_user() { nobody "$@"; }
    u=$T/user
    mkdir -p "$u"
    kb=$(new_kb user/kb)
    mkdir -p "$kb/team"
    printf -- '---\ntitle: Kept\ncategory: policy\n---\nThe kiwifruit rule.\n' >"$kb/kept.md"
    printf -- '---\ntitle: Team note\ncategory: policy\n---\nThe pomelo rule.\n' >"$kb/team/note.md"
    [ "$(id -u)" -eq 0 ] && chown -R 65534:65534 "$u"
    uidx=$u/index
    as_user "$B/kb-index" --db "$uidx" "$kb" >"$T/out" 2>"$T/err"
    expect_eq "as an ordinary user: first index" "$?" "0"
    # A new unreadable file: rejected with its path; the others indexed.
    printf -- '---\ntitle: Locked\ncategory: policy\n---\nThe quince rule.\n' >"$kb/locked.md"
    chmod 000 "$kb/locked.md" "$kb/kept.md"
    as_user "$B/kb-index" --db "$uidx" "$kb" >"$T/out" 2>"$T/err"
    expect_eq "unreadable files: exit 1" "$?" "1"
    expect_match "unreadable file named" "$T/err" 'locked\.md: error: cannot read: Permission denied'
    as_user "$B/kb-search" --db "$uidx" --json kiwifruit >"$T/s.json"
    expect_eq "an indexed file made unreadable keeps its last version" "$(json "$T/s.json" 'j["results"][0]["id"]')" "kept"
    chmod 644 "$kb/locked.md" "$kb/kept.md"
    # An unreadable folder hides its articles; they are not taken for deleted.
    chmod 000 "$kb/team"
    as_user "$B/kb-index" --db "$uidx" "$kb" >"$T/out" 2>"$T/err"
    expect_eq "unreadable folder: exit 1" "$?" "1"
    expect_match "unreadable folder named" "$T/err" 'team: error: cannot read folder: Permission denied'
    as_user "$B/kb-search" --db "$uidx" --json pomelo >"$T/s.json"
    expect_eq "articles in an unreadable folder are kept" "$(json "$T/s.json" 'j["results"][0]["id"]')" "note"
    as_user "$B/kb-index" --db "$uidx" --full "$kb" >"$T/out" 2>"$T/err"
    expect_eq "--full with an unreadable folder: refused, exit 3" "$?" "3"
    expect_match "--full says why" "$T/err" 'cannot be read .*left as it was'
    as_user "$B/kb-search" --db "$uidx" --json pomelo >"$T/s.json"
    expect_eq "and the index still has them" "$(json "$T/s.json" 'j["results"][0]["id"]')" "note"
    chmod 755 "$kb/team"
    # A read-only index directory: a clear failure, nothing changes.
    printf -- '---\ntitle: New\ncategory: policy\n---\nThe tamarind rule.\n' >"$kb/new.md"
    chmod -R a-w "$uidx"
    snap() { (cd "$uidx" && find . -exec stat -c '%n %s %Y %a' {} + | sort && cat XAPIANDB); }
    snap >"$T/before"
    for mode in "" --full; do
        as_user "$B/kb-index" --db "$uidx" $mode "$kb" >"$T/out" 2>"$T/err"
        expect_eq "read-only index ${mode:-incremental}: exit 3" "$?" "3"
        expect_match "read-only index ${mode:-incremental}: says why" "$T/err" "kb-index: cannot write in $uidx: Permission denied"
    done
    snap >"$T/after"
    if cmp -s "$T/before" "$T/after"; then ok "read-only index: nothing changed"; else
        fail "read-only index changed"; diff "$T/before" "$T/after" | head -5 | sed 's/^/    # /'; fi
    as_user "$B/kb-search" --db "$uidx" --json kiwifruit >"$T/s.json"
    expect_eq "read-only index: search still works" "$(json "$T/s.json" 'j["results"][0]["id"]')" "kept"
    chmod -R u+w "$uidx"
else
    skip "unreadable files and folders, read-only index" "$nobody_why"
fi

# --- requests: numbers, types and sizes not covered by serve.sh -----------------------
db=$T/bytes.idx
/usr/bin/python3 - "$T/req" <<'EOF'
import sys
reqs = [
    '{"id": 1e400, "q": "fees"}',                     # id out of range: echoed as null
    '{"id": 2, "q": "fees", "limit": -1e400}',
    '{"id": 3, "q": "fees", "offset": 4294967296}',
    '{"id": 4, "q": "fees", "limit": 9007199254740993}',
    '{"id": 5, "q": "fees", "limit": true}',
    '{"id": 6, "q": ["fees"]}',
    '{"id": 7, "op": 5}',
    '{"id": 8, "q": "fees", "tags": {"a": 1}}',
    '{"id": 9, "q": "fees", "category": ' + str(["c%d" % i for i in range(33)]).replace("'", '"') + '}',
    '{"id": 10, "op": "show", "article": 12}',
    '{"id": 11, "op": "feedback", "article": "fees", "helpful": 1}',
    '{"id": NaN, "q": "fees"}',
    '{"id": 13, "q": "fees", "limit": 5, "limit": 500}',  # duplicate key: the first counts
    '{"id": ' + "[" * 999 + "]" * 999 + ', "q": "fees"}',   # deep but allowed: echoed
    '{"id": 15, "q": "fees", "pad": "' + "x" * (65536 - 34) + '"}',  # exactly 64 KiB
    '{"id": 16, "q": "fees", "pad": "' + "x" * (65537 - 34) + '"}',  # one byte over
    '{"id": 17, "q": "fees", "limit": "1e2"}',
    '{"id": 18, "q": "fees", "offset": 1.5}',
    '{"id": 19, "q": "fees", "explain": "yes"}',
]
with open(sys.argv[1], "w") as f:
    f.write("\n".join(reqs) + "\n")
EOF
serve "$db" <"$T/req" >"$T/resp"
codes=$(/usr/bin/python3 -c '
import json, sys
sys.setrecursionlimit(10000)
for l in open(sys.argv[1]):
    j = json.loads(l)
    print(j["error"]["code"] if "error" in j else "ok", end=" ")' "$T/resp")
expect_eq "out-of-range numbers and wrong types: one answer each" \
    "$codes" "ok bad_request bad_request bad_request bad_request bad_request bad_request bad_request bad_request bad_request bad_request bad_json ok ok ok too_large bad_request bad_request bad_request "
sed -n 1p "$T/resp" >"$T/one.json"
expect_eq "an id of 1e400 is echoed as null" "$(json "$T/one.json" 'j["id"]')" "None"
sed -n 13p "$T/resp" >"$T/one.json"
expect_eq "a duplicate key: the first one counts" "$(json "$T/one.json" 'len(j["results"]) <= 5')" "True"

# A 100 MB request line: refused, and the server's memory stays small.
/usr/bin/python3 - "$B/kb-search" "$db" >"$T/big.out" <<'EOF'
import json, resource, subprocess, sys
p = subprocess.Popen([sys.argv[1], "--db", sys.argv[2], "--serve"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE)
chunk = b"a" * (1 << 20)
p.stdin.write(b'{"id": 1, "q": "')
for _ in range(100):
    p.stdin.write(chunk)
p.stdin.write(b'"}\n{"id": 2, "q": "fees"}\n')
p.stdin.close()
lines = p.stdout.read().splitlines()
p.wait()
codes = [json.loads(l).get("error", {}).get("code", "ok") for l in lines]
print(p.returncode, codes, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
set -- $(cat "$T/big.out")
expect_eq "100 MB request line: too_large, then the next request answered" "$1 $2 $3" "0 ['too_large', 'ok']"
if [ "$4" -lt 100000 ]; then ok "100 MB request line: server peak RSS $4 KB"; else
    fail "100 MB request line: server peak RSS $4 KB"; fi

finish
