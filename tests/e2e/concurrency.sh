#!/bin/sh
# concurrency.sh - two indexers never write at once: the second is refused
# with exit status 3 and a message, and the index is untouched.  Then (the
# slow part, skipped when KB_SKIP_SLOW=1): while kb-index re-indexes in a
# loop (--full and incremental runs with edits, alternating), two
# kb-search --serve processes answer at least 10,000 requests between them
# with no error response; tests/tools/loadtest.py does that (about 40 s).
. "$(dirname "$0")/../lib.sh"

# --- a second indexer while one holds the lock ---------------------------------------
kb=$(fixture kb-small)
db=$T/index
kb_index --quiet --db "$db" "$kb" || fail "index the fixture"
stub=$(cat "$db/XAPIANDB")
printf -- '---\ntitle: Late\ncategory: policy\n---\nThe lateword rule.\n' >"$kb/policy/late.md"
# Hold the indexer lock (flock on .lock, as kb-index does) while another runs.
/usr/bin/python3 - "$db/.lock" "$B/kb-index" "$db" "$kb" >"$T/locked" <<'PY'
import fcntl, subprocess, sys
with open(sys.argv[1], "r+") as f:
    fcntl.flock(f, fcntl.LOCK_EX)
    for mode in ([], ["--full"]):
        p = subprocess.run([sys.argv[2], "--db", sys.argv[3]] + mode + [sys.argv[4]],
                           capture_output=True, text=True)
        print(p.returncode, p.stderr.strip().replace("\n", " | "))
PY
expect_match "a second kb-index is refused: exit 3" "$T/locked" '^3 kb-index: another kb-index is updating .*; try again when it is done$'
expect_eq "a second kb-index --full too" "$(sed -n 2p "$T/locked" | cut -c1-2)" "3 "
expect_eq "the index is untouched" "$(cat "$db/XAPIANDB")" "$stub"
kb_search --db "$db" --json lateword >"$T/s.json"
expect_eq "nothing was written" "$(json "$T/s.json" 'j["total"]')" "0"
expect_code "once the lock is free, indexing works (no stale lock)" 0 kb_index --quiet --db "$db" "$kb"

if [ "${KB_SKIP_SLOW:-0}" = 1 ]; then
    skip "queries during re-indexing" "KB_SKIP_SLOW=1"
    finish
    exit $?
fi

/usr/bin/python3 "$top/tests/tools/loadtest.py" --bin "$B" --work "$T/load" --top "$top" \
    --queries "${KB_LOAD_QUERIES:-10000}" --seconds "${KB_LOAD_SECONDS:-30}"
rc=$?
[ $rc -le 1 ] || fail "loadtest.py exited with status $rc"
[ $rc -eq 0 ] || failures=$((failures + 1))
finish
