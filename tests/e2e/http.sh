#!/bin/sh
# http.sh - kb-search --http: the endpoints against --json and --serve,
# keys, CORS, TLS, hostile requests, load, re-indexing and SIGTERM
# (tests/tools/httptest.py), on the kb-small fixture.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
db=$T/index
kb_index --quiet --db "$db" "$kb" || fail "index the fixture"
export KB_NOW=2026-11-23T10:00
mkdir -p "$T/work"
if /usr/bin/python3 "$top/tests/tools/httptest.py" --bin "$B" --kb "$kb" --db "$db" \
    --work "$T/work" >"$T/http.out" 2>"$T/http.err"; then
    rc=0
else
    rc=$?
fi
cat "$T/http.out"
[ -s "$T/http.err" ] && sed 's/^/    # /' "$T/http.err" | tail -20
expect_eq "httptest.py exits 0" "$rc" "0"
if /usr/bin/python3 "$top/tests/tools/openapi.py" --check >"$T/oa" 2>&1; then
    ok "docs/openapi.json is generated from docs/kb-search.schema.json"
else
    fail "docs/openapi.json: $(cat "$T/oa")"
fi
finish
