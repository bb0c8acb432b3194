#!/bin/sh
# threads.sh - kb-index's threads under ThreadSanitizer: full builds on two
# shards with parser and writer threads, then incremental runs, must run
# without a single data race report.  make test builds build-tsan/kb-index.
. "$(dirname "$0")/../lib.sh"

tsan=$top/build-tsan/kb-index
if [ "${KB_SKIP_SLOW:-0}" = 1 ]; then skip "ThreadSanitizer runs" "KB_SKIP_SLOW=1"; finish; exit $?; fi
if [ ! -x "$tsan" ]; then skip "ThreadSanitizer runs" "build-tsan/kb-index not built (make tsan)"; finish; exit $?; fi

# 2,400 small articles: enough for two shards, quick under TSan.
kb=$T/kb
/usr/bin/python3 - "$kb" <<'PY'
import os, sys
root = sys.argv[1]
words = "card payment transfer refund fee pending declined cash machine app balance top up".split()
for i in range(2400):
    d = os.path.join(root, "f%02d" % (i % 24))
    os.makedirs(d, exist_ok=True)
    w = [words[(i * 7 + k) % len(words)] for k in range(40)]
    with open(os.path.join(d, "a%04d.md" % i), "w") as f:
        f.write("---\ntitle: Article %d %s\ncategory: product\nquestions: [\"why %s\", \"how %s\"]\n---\n"
                "Lead %s.\n\n## Part one\n%s\n\n## Part two\n1. %s\n2. %s\n"
                % (i, w[0], w[1], w[2], " ".join(w[:10]), " ".join(w[10:25]), w[25], w[26]))
PY
export TSAN_OPTIONS="halt_on_error=0:exitcode=66:log_path=$T/mem/tsan"
export KB_INDEX_SHARDS=2 KB_INDEX_THREADS=2 KB_DICT=none
for run in 1 2; do
    expect_code "full build $run on 2 shards, 2 parser threads" 0 "$tsan" --full --quiet --db "$T/index" "$kb"
done
sed -i 's/^Lead /Lead changed /' "$kb"/f0*/a00*.md
expect_code "incremental run over 2 shards" 0 "$tsan" --quiet --db "$T/index" "$kb"
expect_eq "stub lists 2 shards" "$(wc -l <"$T/index/XAPIANDB")" "2"
if ls "$T/mem"/tsan* >/dev/null 2>&1; then
    fail "ThreadSanitizer reports: $(grep -h -m3 'WARNING: ThreadSanitizer' "$T/mem"/tsan* | head -3 | tr '\n' ' ')"
    rm -f "$T/mem"/tsan*
else
    ok "no ThreadSanitizer report"
fi
finish
