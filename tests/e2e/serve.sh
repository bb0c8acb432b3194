#!/bin/sh
# serve.sh - kb-search --serve and --json: every op, every error, the
# limits, the schema, feedback, and re-indexing while the server answers.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
db=$T/index
kb_index --quiet --db "$db" "$kb" || fail "index the fixture"
export KB_DB="$db" KB_NOW=2026-11-23T10:00
validate() { /usr/bin/python3 "$top/tests/tools/validate-json.py" "$@"; }
fb=$T/state/kb/feedback.jsonl

# --- one request per line, in order, each answered -------------------------
cat >"$T/req" <<'EOF'
{"id": 1, "op": "search", "q": "card hasnt arived", "limit": 3}
{"id": "two", "q": "add money failed", "category": "troubleshooting", "tags": ["top-up"], "explain": true}
{"id": [3], "op": "show", "article": "card-delivery"}
{"id": {"n": 4}, "op": "escalation", "article": "stolen-card"}
{"id": 5, "op": "feedback", "q": "card hasnt arived", "article": "card-delivery", "helpful": true}
{"id": 6, "op": "health"}
{"id": 7, "op": "search", "q": "pin", "offset": 1}
this is not json
{"id": 9, "op": "frobnicate"}
{"id": 10, "op": "search"}
{"id": 11, "q": 42}
{"id": 12, "q": "card", "limit": 0}
{"id": 13, "q": "card", "limit": 101}
{"id": 14, "q": "card", "limit": 2.5}
{"id": 15, "q": "card", "limit": "5"}
{"id": 16, "q": "card", "tags": [1, 2]}
{"id": 17, "op": "show", "article": "no-such-article"}
{"id": 18, "op": "show", "article": "../../etc/passwd"}
{"id": 19, "op": "feedback", "article": "card-delivery"}
{"id": 20, "op": "feedback", "article": "card-delivery", "helpful": "yes"}
[1, 2, 3]
{"id": 22, "q": "card"} trailing
{"id": 23, "q": ""}
{"id": 24, "q": "how do i"}
{"id": 25, "q": "card", "limit": 1e300}
{"id": 26, "q": "card", "offset": -1}
{"id": 27, "q": null}

{"id": 28, "op": "search", "q": "card"}
EOF
expect_code "serve answers until EOF" 0 kb_search --serve --feedback-log "$fb" <"$T/req"
cp "$T/out" "$T/resp"
expect_eq "one response per request (blank lines skipped)" "$(wc -l <"$T/resp")" "28"
if validate response "$T/resp" >"$T/v" 2>&1; then ok "every response matches the schema"; else
    fail "schema: $(head -3 "$T/v" | tr '\n' ' ')"; fi
grep -v '^$' "$T/req" | head -7 >"$T/good-req"
if validate request "$T/good-req" >"$T/v" 2>&1; then ok "the example requests match the schema"; else
    fail "request schema: $(head -3 "$T/v" | tr '\n' ' ')"; fi
line() { sed -n "${1}p" "$T/resp" >"$T/one.json"; json "$T/one.json" "$2"; }
expect_eq "search: id echoed" "$(line 1 'j["id"]')" "1"
expect_eq "search: corrected" "$(line 1 'j["corrected"]')" "card hasnt arrived"
expect_eq "search: top answer" "$(line 1 'j["results"][0]["id"]')" "card-delivery"
expect_eq "search: limit honoured" "$(line 1 'len(j["results"]) <= 3')" "True"
expect_eq "search with filters and explain" "$(line 2 '(j["id"], j["results"][0]["id"], len(j["results"][0]["explain"]) > 0)')" "('two', 'top-up-failed', True)"
expect_eq "show: article body" "$(line 3 '(j["id"], j["article"]["id"], "Order a free replacement" in j["article"]["body"])')" "([3], 'card-delivery', True)"
expect_eq "escalation op" "$(line 4 '(j["id"], j["escalation"]["path"][0]["id"])')" "({'n': 4}, 'fraud')"
expect_eq "feedback accepted" "$(line 5 'j["ok"]')" "True"
expect_eq "health" "$(line 6 '(j["ok"], j["articles"])')" "(True, 9)"
expect_eq "offset" "$(line 7 'all(r["rank"] >= 2 for r in j["results"])')" "True"
expect_eq "not JSON: bad_json, id null" "$(line 8 '(j["id"], j["error"]["code"])')" "(None, 'bad_json')"
expect_eq "unknown op: bad_request" "$(line 9 '(j["id"], j["error"]["code"])')" "(9, 'bad_request')"
expect_eq "search without q: bad_request" "$(line 10 'j["error"]["code"]')" "bad_request"
expect_eq "q of the wrong type" "$(line 11 'j["error"]["code"]')" "bad_request"
expect_eq "limit 0" "$(line 12 'j["error"]["code"]')" "bad_request"
expect_eq "limit 101" "$(line 13 'j["error"]["code"]')" "bad_request"
expect_eq "limit 2.5" "$(line 14 'j["error"]["code"]')" "bad_request"
expect_eq "limit as a string" "$(line 15 'j["error"]["code"]')" "bad_request"
expect_eq "tags of the wrong type" "$(line 16 'j["error"]["code"]')" "bad_request"
expect_eq "show unknown article: not_found" "$(line 17 'j["error"]["code"]')" "not_found"
expect_eq "show a path: bad_request" "$(line 18 'j["error"]["code"]')" "bad_request"
expect_eq "feedback without helpful" "$(line 19 'j["error"]["code"]')" "bad_request"
expect_eq "feedback helpful not a boolean" "$(line 20 'j["error"]["code"]')" "bad_request"
expect_eq "a JSON array is not a request" "$(line 21 'j["error"]["code"]')" "bad_request"
expect_eq "text after the object" "$(line 22 'j["error"]["code"]')" "bad_json"
expect_eq "empty q: empty results with a notice" "$(line 23 '(len(j["results"]), j["notice"] is not None)')" "(0, True)"
expect_eq "stopwords only: notice" "$(line 24 'j["notice"][:17]')" "only common words"
expect_eq "huge number" "$(line 25 'j["error"]["code"]')" "bad_request"
expect_eq "negative offset" "$(line 26 'j["error"]["code"]')" "bad_request"
expect_eq "q null" "$(line 27 'j["error"]["code"]')" "bad_request"
expect_eq "the server goes on after errors" "$(line 28 '(j["id"], len(j["results"]) > 0)')" "(28, True)"
expect_eq "errors say what is wrong" "$(line 13 'j["error"]["message"]')" '"limit" must be a whole number from 1 to 100'

# --- feedback log --------------------------------------------------------------
if [ -f "$fb" ]; then ok "feedback log written"; else fail "no feedback log at $fb"; fi
expect_eq "feedback log mode 0600" "$(stat -c %a "$fb" 2>/dev/null)" "600"
expect_eq "feedback folder mode 0700" "$(stat -c %a "$(dirname "$fb")" 2>/dev/null)" "700"
expect_eq "feedback line content" "$(json "$fb" '(j["query"], j["article"], j["helpful"], j["source"], len(j["time"]))')" "('card hasnt arived', 'card-delivery', True, 'serve', 20)"
KB_FEEDBACK_LOG=$T/custom.jsonl kb_search --serve <<'EOF' >/dev/null
{"op": "feedback", "article": "fees", "helpful": false}
EOF
expect_eq "feedback log location settable" "$(json "$T/custom.jsonl" 'j["helpful"]')" "False"
# A feedback query over 1,024 bytes is too large (as a search's would be),
# not a malformed request; 1,024 bytes exactly is accepted.
/usr/bin/python3 - "$T/fbreq" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i, n in ((1, 1025), (2, 1024), (3, 5000)):
        f.write(json.dumps({"id": i, "op": "feedback", "q": "x" * n, "article": "fees",
                            "helpful": True}) + "\n")
EOF
expect_code "feedback with long queries" 0 kb_search --serve --feedback-log "$T/long.jsonl" <"$T/fbreq"
expect_eq "feedback q of 1,025 and 5,000 bytes: too_large; 1,024 bytes: ok" \
    "$(/usr/bin/python3 -c 'import json,sys; print([json.loads(l).get("error",{}).get("code","ok") for l in open(sys.argv[1])])' "$T/out")" \
    "['too_large', 'ok', 'too_large']"
expect_eq "only the accepted feedback is logged" "$(wc -l <"$T/long.jsonl")" "1"

# --- limits ----------------------------------------------------------------------
/usr/bin/python3 - "$T" <<'EOF'
import sys
t = sys.argv[1]
with open(t + "/big", "w", encoding="latin-1") as f:
    f.write('{"id": 1, "q": "' + "a" * 70000 + '"}\n')
    f.write('{"id": 2, "q": "card"}\n')
    f.write('{"id": 3, "q": "' + "b" * 10_000_000 + '"}\n')
    f.write('{"id": 4, "q": "' + "card " * 3300 + '"}\n')
    f.write("[" * 10000 + "]" * 10000 + "\n")
    f.write('{"id": 6, "q": "card", "x": ' + "[" * 10000 + "]" * 10000 + "}\n")
    f.write('{"id": 7, "q": "card \\u0000 nul"}\n')
    f.write('{"id": 8, "q": "bad \xff utf8"}\n')
    f.write('{"id": 9, "q": "card"}')  # no final newline
EOF
expect_code "over-limit input does not stop the server" 0 kb_search --serve <"$T/big"
cp "$T/out" "$T/resp"
expect_eq "one response per line" "$(wc -l <"$T/resp")" "9"
expect_eq "70 KB line: too_large" "$(line 1 'j["error"]["code"]')" "too_large"
expect_eq "next request answered" "$(line 2 '(j["id"], len(j["results"]) > 0)')" "(2, True)"
expect_eq "10 MB line: too_large" "$(line 3 'j["error"]["code"]')" "too_large"
expect_eq "query over 16 KiB: too_large" "$(line 4 '(j["id"], j["error"]["code"])')" "(4, 'too_large')"
expect_eq "JSON nested 10,000 deep: bad_json" "$(line 5 'j["error"]["code"]')" "bad_json"
expect_eq "deep value inside a request: bad_json" "$(line 6 'j["error"]["code"]')" "bad_json"
expect_eq "NUL in the query: refused" "$(line 7 'j["error"]["code"]')" "bad_request"
expect_eq "invalid UTF-8 line: bad_json" "$(line 8 'j["error"]["code"]')" "bad_json"
expect_eq "last line without newline answered" "$(line 9 'j["id"]')" "9"
if validate response "$T/resp" >"$T/v" 2>&1; then ok "limit responses match the schema"; else
    fail "schema: $(head -3 "$T/v" | tr '\n' ' ')"; fi

# --- kb-search --json matches the schema too ------------------------------------
kb_search --json "card hasnt arived" >"$T/one"
if validate search_response "$T/one" >"$T/v" 2>&1; then ok "--json output matches the schema"; else
    fail "--json schema: $(head -3 "$T/v" | tr '\n' ' ')"; fi
kb_search --json --explain "this is the third time my card hasnt arrived" >"$T/one"
if validate search_response "$T/one" >"$T/v" 2>&1; then ok "--json with cue and explain matches"; else
    fail "--json schema: $(head -3 "$T/v" | tr '\n' ' ')"; fi

# --- re-indexing while the server answers ---------------------------------------
# A client writes queries into a FIFO while kb-index rebuilds (--full) and
# updates the index; every answer must be a result, and the new article
# must become visible without restarting the server.
mkfifo "$T/fifo"
kb_search --serve <"$T/fifo" >"$T/live" 2>"$T/live.err" &
srv=$!
exec 7>"$T/fifo"
i=0
while [ $i -lt 40 ]; do
    echo "{\"id\": $i, \"q\": \"card fees top up\"}" >&7
    case $i in
    5|15|25) kb_index --quiet --full --db "$db" "$kb" ;;
    10) printf -- '---\ntitle: Quokka policy\ncategory: policy\nquestions: [quokka]\n---\nQuokkas are welcome.\n' >"$kb/policy/quokka.md"
        kb_index --quiet --db "$db" "$kb" ;;
    esac
    i=$((i + 1))
done
echo '{"id": "last", "q": "quokka"}' >&7
exec 7>&-
wait $srv
expect_eq "the server during re-indexing: exit 0" "$?" 0
expect_eq "server answered every request during re-indexing" "$(wc -l <"$T/live")" "41"
expect_no_match "no error responses during re-indexing" "$T/live" '"error"'
tail -1 "$T/live" >"$T/one.json"
expect_eq "new content visible to the running server" "$(json "$T/one.json" 'j["results"][0]["id"]')" "quokka"

# --- a missing index -------------------------------------------------------------
expect_code "--serve without an index: exit 3" 3 kb_search --serve --db "$T/none" </dev/null
expect_match "says how to build it" "$T/err" 'kb-index'

finish
