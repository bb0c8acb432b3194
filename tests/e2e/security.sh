#!/bin/sh
# security.sh - issue 6 section 5: no shell is ever run with user data, no
# user data reaches a format string, every lookup takes an article id and
# never a path, and history, call records and feedback logs are private
# (files 0600 in folders 0700).
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
db=$T/index
kb_index --quiet --db "$db" "$kb" || fail "index the fixture"
src="$top/search $top/indexer $top/assistant $top/include"

# --- no shell ----------------------------------------------------------------------
# Comments are stripped first so that prose may mention these calls.
strip() { /usr/bin/python3 -c '
import re, sys
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8", errors="replace").read()
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    for n, line in enumerate(text.split("\n"), 1):
        print("%s:%d:%s" % (path, n, line))' "$@"; }
files=$(find $src -name '*.c' -o -name '*.cc' -o -name '*.h' | sort)
strip $files >"$T/code"
# The checks of absence below mean something only if every source was read.
expect_eq "the sources are read, comments stripped (status, files)" \
    "$? $(cut -d: -f1 "$T/code" | sort -u | wc -l)" "0 $(echo "$files" | wc -l)"
expect_no_match "no system()" "$T/code" '(^|[^_a-zA-Z0-9.>])system[[:space:]]*\('
expect_no_match "no popen()" "$T/code" '(^|[^_a-zA-Z0-9])popen[[:space:]]*\('
expect_no_match "no wordexp()" "$T/code" '(^|[^_a-zA-Z0-9])wordexp[[:space:]]*\('
expect_no_match "no execl*() (only the argv forms)" "$T/code" '(^|[^_a-zA-Z0-9])execl[ep]?[[:space:]]*\('
expect_no_match "no shell named anywhere (\"sh\", /bin/sh, \"-c\")" "$T/code" '"(/bin/|/usr/bin/)?(ba|da)?sh"|"-c"'
grep -E '(^|[^_a-zA-Z0-9])(exec[vl][pe]*|posix_spawnp?)[[:space:]]*\(' "$T/code" | sed 's/:[[:space:]]*/: /' >"$T/execs"
if [ -s "$T/execs" ]; then
    if grep -v 'assistant/pager\.c' "$T/execs" | grep -q .; then
        fail "programs are started only by the pager"; sed 's/^/    # /' "$T/execs"
    else
        ok "programs are started only by the pager: $(wc -l <"$T/execs") exec call(s), execvp"
    fi
    expect_match "the pager uses execvp with an argv array" "$T/execs" 'execvp\(argv\[0\], argv\)'
else
    ok "no program is started at all"
fi

# --- format strings -----------------------------------------------------------------
expect_match "the build warns on format problems (-Wformat=2 -Wformat-security)" \
    "$top/Makefile" '^WARN :=.*-Wformat=2.*-Wformat-security|^WARN :=.*-Wformat-security.*-Wformat=2'
expect_match "and warnings are errors" "$top/Makefile" '^WARN :=.*-Werror'
# The flags really reject a non-literal format: compile one with them.
warn=$(sed -n 's/^WARN := //p' "$top/Makefile")
printf '#include <stdio.h>\nint main(int argc, char **argv) { (void)argc; printf(argv[1]); return 0; }\n' >"$T/fmt.c"
# (Refused for the right reason: the same file with a literal format compiles.)
printf '#include <stdio.h>\nint main(int argc, char **argv) { (void)argc; printf("%%s", argv[1]); return 0; }\n' >"$T/fmt-ok.c"
check "printf(\"%s\", user_data) compiles with the project's warnings" \
    ${CC:-cc} -std=c11 $warn -c "$T/fmt-ok.c" -o "$T/fmt-ok.o"
if ${CC:-cc} -std=c11 $warn -c "$T/fmt.c" -o "$T/fmt.o" 2>"$T/fmt.err"; then
    fail "printf(user_data) compiles with the project's warnings"
elif grep -q 'format' "$T/fmt.err"; then
    ok "printf(user_data) does not compile with the project's warnings"
else
    fail "printf(user_data) refused, but not for its format"; head -3 "$T/fmt.err" | sed 's/^/    # /'
fi
# Every printf-like function of ours is declared as such, so the checks reach
# its callers.
/usr/bin/python3 - $(find $src -name '*.h' -o -name '*.c' -o -name '*.cc' | sort) >"$T/variadic" <<'EOF'
import re, sys
text = "\n".join(open(p, encoding="utf-8", errors="replace").read() for p in sys.argv[1:])
names = set(re.findall(r"\b(\w+)\s*\([^;{)]*\bconst char \*\s*\w*fmt\w*\s*,\s*\.\.\.\)", text))
for n in sorted(names):
    attr = re.search(r"\b%s\s*\([^;{)]*\.\.\.\)[^;{]*__attribute__\s*\(\(\s*format\s*\(\s*printf" % n, text)
    print(n, "ok" if attr else "MISSING")
EOF
missing=$(grep MISSING "$T/variadic" | cut -d' ' -f1 | tr '\n' ' ')
if [ -z "$missing" ] && [ -s "$T/variadic" ]; then
    ok "every variadic fmt function carries format(printf): $(cut -d' ' -f1 "$T/variadic" | tr '\n' ' ')"
else
    fail "printf-like functions without a format attribute: $missing"
fi
# A query full of conversions comes back literally.
q='%n%s%x%p%d%%%1$s%999999999d'
kb_search --db "$db" --json "zzqqnothing $q" >"$T/s.json"
expect_eq "--json echoes %n%s%x literally" "$(json "$T/s.json" 'j["query"]')" "zzqqnothing $q"
kb_search --db "$db" --category nosuchcategory "fees $q" >"$T/out" 2>"$T/err"
if grep -qF -- "$q" "$T/out"; then ok "human output echoes %n%s%x literally"; else
    fail "human output does not echo the query literally"; sed 's/^/    # /' "$T/out" | head -3; fi
kb_search --db "$db" "fees $q" >/dev/null 2>&1
expect_eq "a matching query with conversions: exit 0" "$?" "0"
printf '{"id": "%%n", "q": "zzqqnothing %s"}\n{"id": 2, "op": "show", "article": "%%s%%n"}\n' "$q" | kb_search --db "$db" --serve >"$T/resp"
sed -n 1p "$T/resp" >"$T/one.json"
expect_eq "serve echoes id and query literally" "$(json "$T/one.json" '(j["id"], j["query"])')" "('%n', 'zzqqnothing $q')"
sed -n 2p "$T/resp" >"$T/one.json"
expect_eq "serve: %s%n as an article id is refused" "$(json "$T/one.json" 'j["error"]["code"]')" "bad_request"
expect_code "--show %s%n: usage error" 2 kb_search --db "$db" --show '%s%n%x'
expect_no_match "and the message has no conversion done" "$T/err" '\(null\)|0x[0-9a-f]{6,}'
printf -- '---\ntitle: Percent %%n%%s%%x\ncategory: policy\n---\nBody %%n%%s.\n' >"$kb/policy/pct%n%s.md"
printf -- '---\ntitle: [bad %%n%%s\n---\n' >"$kb/policy/bad%s%n.md"
kb_index --db "$db" "$kb" >"$T/out" 2>"$T/err"
expect_match "kb-index prints file names with %n%s literally" "$T/err" 'bad%s%n\.md:[0-9]+: error'
kb_search --db "$db" --json Percent >"$T/s.json"
expect_eq "a title with %n%s is stored literally" "$(json "$T/s.json" '[r["title"] for r in j["results"]][:1]')" "['Percent %n%s%x']"
rm -f "$kb/policy/pct%n%s.md" "$kb/policy/bad%s%n.md"

# --- ids, never paths ------------------------------------------------------------------
n_ids=0
n_bad=0
for id in ../etc/passwd /etc/passwd kb/x.md policy/fees.md fees.md ../../../../etc/shadow '.' '..' \
          'FEES' 'fees/' ' fees' "$kb/policy/fees.md" '~root'; do
    n_ids=$((n_ids + 1))
    kb_search --db "$db" --show "$id" >"$T/out" 2>"$T/err"
    rc=$?
    if [ $rc = 2 ] && ! grep -q 'root:' "$T/out"; then :; else
        fail "--show '$id' refused (exit $rc, want 2)"; n_bad=$((n_bad + 1)); continue; fi
    kb_search --db "$db" --escalation "$id" >"$T/out" 2>"$T/err"
    rc2=$?
    [ $rc2 = 2 ] || { fail "--escalation '$id' refused (exit $rc2, want 2)"; n_bad=$((n_bad + 1)); }
done
expect_eq "--show and --escalation refuse $n_ids paths and malformed ids (exit 2): failures" "$n_bad" 0
expect_match "the message says what an id is" "$T/err" 'invalid article id'
/usr/bin/python3 - "$T/req" <<'EOF'
import json, sys
ids = ["../etc/passwd", "/etc/passwd", "kb/x.md", "policy/fees.md", "fees.md", "..", "FEES", "fees/"]
with open(sys.argv[1], "w") as f:
    for op in ("show", "escalation", "feedback"):
        for i in ids:
            r = {"id": "%s %s" % (op, i), "op": op, "article": i}
            if op == "feedback":
                r["helpful"] = True
            f.write(json.dumps(r) + "\n")
EOF
kb_search --db "$db" --serve --feedback-log "$T/fb.jsonl" <"$T/req" >"$T/resp"
expect_eq "show, escalation, feedback: 24 paths refused with bad_request" \
    "$(/usr/bin/python3 -c 'import json,sys; print(sorted({json.loads(l).get("error",{}).get("code","ok") for l in open(sys.argv[1])}), sum(1 for _ in open(sys.argv[1])))' "$T/resp")" \
    "['bad_request'] 24"
if [ -s "$T/fb.jsonl" ]; then fail "refused feedback reached the log"; else ok "refused feedback never reaches the log"; fi
printf '{"op":"show","article":"fees"}\n' | kb_search --db "$db" --serve >"$T/one.json"
expect_eq "a good id still works" "$(json "$T/one.json" 'j["article"]["id"]')" "fees"

# --- private files: feedback log ----------------------------------------------------------
state=$T/state
( umask 000; printf '{"op":"feedback","q":"fees","article":"fees","helpful":true}\n' |
    XDG_STATE_HOME=$state kb_search --db "$db" --serve >"$T/resp" )
fb=$state/kb/feedback.jsonl
expect_eq "feedback (umask 000): log 0600" "$(stat -c %a "$fb" 2>/dev/null)" "600"
expect_eq "feedback (umask 000): folder 0700" "$(stat -c %a "$state/kb" 2>/dev/null)" "700"
chmod 644 "$fb"
chmod 755 "$state/kb"
printf '{"op":"feedback","q":"fees","article":"fees","helpful":false}\n' |
    XDG_STATE_HOME=$state kb_search --db "$db" --serve >"$T/resp"
expect_eq "feedback: a loose log is tightened to 0600" "$(stat -c %a "$fb")" "600"
expect_eq "feedback: two lines logged" "$(wc -l <"$fb")" "2"
rm -f "$fb"
ln -s "$T/elsewhere" "$fb"
printf '{"op":"feedback","q":"fees","article":"fees","helpful":true}\n' |
    XDG_STATE_HOME=$state kb_search --db "$db" --serve >"$T/one.json"
expect_eq "feedback: a symlinked log is refused" "$(json "$T/one.json" 'j["error"]["code"]')" "index_error"
if [ -e "$T/elsewhere" ]; then fail "feedback followed the symlink"; else ok "feedback does not follow the symlink"; fi

# --- private files: the assistant's history and call records ----------------------------------
if [ -x "$B/kb-assistant" ]; then
    ast=$T/astate
    ( umask 000; printf 'card\n:quit\n' | XDG_STATE_HOME=$ast timeout 60 $VG "$B/kb-assistant" --db "$db" >"$T/out" 2>"$T/err" )
    expect_eq "assistant (umask 000): exit 0" "$?" 0
    hist=$(find "$ast" -name 'history*' -type f 2>/dev/null | head -1)
    calls=$(find "$ast" -path '*calls*' -type f 2>/dev/null | head -1)
    if [ -z "$hist" ] && [ -z "$calls" ]; then
        fail "assistant history and call records 0600 in 0700: it wrote neither"
    else
        for f in $hist $calls; do
            expect_eq "assistant (umask 000): ${f#$ast/} is 0600" "$(stat -c %a "$f")" "600"
            d=$(dirname "$f")
            while [ "$d" != "$ast" ] && [ "$d" != / ]; do
                expect_eq "assistant (umask 000): folder ${d#$ast/} is 0700" "$(stat -c %a "$d")" "700"
                d=$(dirname "$d")
            done
        done
        [ -n "$hist" ] || fail "assistant wrote no history"
        [ -n "$calls" ] || fail "assistant wrote no call record"
        # Loose modes left by someone else are tightened on the next start.
        chmod 644 $hist $calls
        chmod 755 "$(dirname "$calls")"
        printf 'fees\n:quit\n' | XDG_STATE_HOME=$ast timeout 60 $VG "$B/kb-assistant" --db "$db" >/dev/null 2>&1
        expect_eq "assistant, second start: exit 0" "$?" 0
        expect_eq "assistant: a loose history is tightened to 0600" "$(stat -c %a "$hist")" "600"
        expect_eq "assistant: a loose calls folder is tightened to 0700" "$(stat -c %a "$(dirname "$calls")")" "700"
        newest=$(ls -t "$(dirname "$calls")"/* | head -1)
        expect_eq "assistant: the new call record is 0600" "$(stat -c %a "$newest")" "600"
    fi
    # Paths typed into the assistant are not articles either.
    # (Not showing the file must not come from a crash: exit 0, each refused.)
    printf ':open ../../etc/passwd\n:open /etc/passwd\n:esc /etc/passwd\n:quit\n' |
        XDG_STATE_HOME=$ast timeout 60 $VG "$B/kb-assistant" --db "$db" >"$T/out" 2>&1
    expect_eq "assistant: paths typed: exit 0" "$?" 0
    expect_eq "assistant: each of the 3 paths refused as not an id" \
        "$(grep -c "^'[./a-z]*passwd' is neither an answer number nor an article id" "$T/out")" 3
    expect_no_match "assistant: :open /etc/passwd shows no file" "$T/out" 'root:.*:0:0:'
else
    fail "kb-assistant is not built ($B/kb-assistant)"
fi

finish
