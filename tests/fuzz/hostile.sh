#!/bin/sh
# hostile.sh - the hostile inputs of issue 6 section 4 that reach the
# parser, the server and the query pipeline, run through the fuzz targets
# (so every property they check applies) with KB_FUZZ_VERBOSE=1, which makes
# them say what each input gave.  Prints one block per input: its size, the
# time it took (ASan build) and the outcome.  Exits 1 if a target crashed or
# a check failed.
#
#   tests/fuzz/hostile.sh [TARGET...]     (builds the targets first)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 3
D=${FUZZ_DIR:-build-fuzz}
targets=${*:-article serve query}
for t in $targets; do
    case "$t" in article | serve | query) ;; *) echo "usage: $0 [article|serve|query]..." >&2; exit 2 ;; esac
done
make --no-print-directory -s -f tests/fuzz/fuzz.mk -j"$(nproc 2>/dev/null || echo 2)" \
    FUZZ_DIR="$D" >/dev/null || exit 3

W=$(mktemp -d "${TMPDIR:-/tmp}/kb-hostile.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/article" "$W/serve" "$W/query"

/usr/bin/python3 - "$W" $targets <<'PY'
import sys
w = sys.argv[1]
wanted = sys.argv[2:]
def put(kind, name, data):
    if kind not in wanted:
        return
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    open(f"{w}/{kind}/{name}", "wb").write(data)

fm = "---\nid: hostile\ntitle: Hostile\n---\n"
# --- articles -----------------------------------------------------------
put("article", "a01-1mb-single-line-words", fm + "word " * 209716)
put("article", "a02-1mb-single-word", fm + "x" * (1 << 20))
put("article", "a03-nested-lists-10000", fm + "- " * 10000 + "deep\n")
put("article", "a04-nested-lists-indented-2000",
    fm + "".join("  " * i + "- item\n" for i in range(2000)))
put("article", "a05-nested-ordered-5000", fm + "1. " * 5000 + "deep\n")
put("article", "a06-nested-quotes-10000", fm + ">" * 10000 + " deep\n")
put("article", "a07-quotes-and-lists-5000", fm + "> - " * 5000 + "deep\n")
put("article", "a08-nested-emphasis-10000", fm + "*" * 10000 + "x" + "*" * 10000 + "\n")
put("article", "a09-nested-brackets-10000", fm + "[" * 10000 + "x" + "](a.md)" * 10000 + "\n")
put("article", "a10-invalid-utf8-body", fm.encode() + b"caf\xe9 \xff\xfe\n")
put("article", "a11-invalid-utf8-front-matter", b"---\nid: x\ntitle: caf\xe9\n---\nbody\n")
put("article", "a12-overlong-and-surrogate", fm.encode() + b"\xc0\xaf \xed\xa0\x80\n")
put("article", "a13-nul-bytes", fm.encode() + b"a\x00b\n")
put("article", "a14-nul-in-front-matter", b"---\nid: x\x00y\n---\nbody\n")
bomb = "---\nid: bomb\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
for i, (p, q) in enumerate(zip("bcdefghi", "abcdefgh")):
    bomb += f"{p}: &{p} [*{q},*{q},*{q},*{q},*{q},*{q},*{q},*{q},*{q}]\n"
put("article", "a15-yaml-alias-bomb", bomb + "---\nbody\n")
put("article", "a16-yaml-flow-nesting-10000", "---\ntags: " + "[" * 10000 + "]" * 10000 + "\n---\nbody\n")
put("article", "a17-yaml-block-nesting-1000",
    "---\n" + "".join(" " * i + "k:\n" for i in range(1000)) + "---\nbody\n")
put("article", "a18-yaml-1mb-scalar", "---\ntitle: " + "t" * (1 << 20) + "\n---\nbody\n")
put("article", "a19-100k-headings", fm + "## h\n" * 100000)
put("article", "a20-100k-links", fm + "[a](kb:x) " * 100000 + "\n")
put("article", "a21-100k-steps", fm + "## s\n" + "1. x\n" * 100000)
put("article", "a22-control-characters", fm + "".join(chr(c) for c in range(1, 32) if c != 10) + "\x7f\u0085\u009b[31m\n")
put("article", "a25-yaml-100k-keys", "---\nid: keys\n" + "".join("k%d: v\n" % i for i in range(100000)) + "---\nbody\n")
put("article", "a26-yaml-list-10k-items", "---\nid: list\ntags: [" + "a," * 10000 + "a]\n---\nbody\n")
put("article", "a23-over-8mb", "x" * (8 * 1024 * 1024 + 1))
put("article", "a24-8mb-at-the-limit", fm + ("word " * 16 + "\n") * (8 * 1024 * 1024 // 81 - 1))
# --- serve requests -----------------------------------------------------
put("serve", "s01-10mb-line", '{"id":1,"q":"' + "b" * 10_000_000 + '"}')
put("serve", "s02-64k-line-plus-one", '{"id":2,"q":"' + "c" * (65537 - 15) + '"}')
put("serve", "s03-64k-line-exactly", '{"id":3,"q":"' + "c" * (65536 - 15) + '"}')
put("serve", "s04-json-array-10000-deep", "[" * 10000 + "]" * 10000)
put("serve", "s05-json-object-10000-deep", '{"a":' * 10000 + "1" + "}" * 10000)
put("serve", "s06-deep-value-in-request", '{"id":6,"q":"card","x":' + "[" * 10000 + "]" * 10000 + "}")
put("serve", "s07-deep-id-999", '{"id":' + "[" * 999 + "]" * 999 + ',"q":"card"}')
put("serve", "s08-limit-1e309", '{"id":8,"q":"card","limit":1e309}')
put("serve", "s09-limit-minus-1e309", '{"id":9,"q":"card","limit":-1e309}')
put("serve", "s10-limit-2^32+1", '{"id":10,"q":"card","limit":4294967297}')
put("serve", "s11-limit-minus-zero", '{"id":11,"q":"card","limit":-0}')
put("serve", "s12-limit-denormal", '{"id":12,"q":"card","limit":5e-324}')
put("serve", "s13-offset-1e20", '{"id":13,"q":"card","offset":1e20}')
put("serve", "s14-id-1e309", '{"id":1e309,"q":"card"}')
put("serve", "s15-id-huge-integer", '{"id":123456789012345678901234567890,"q":"card"}')
put("serve", "s16-q-array", '{"id":16,"q":["card"]}')
put("serve", "s17-q-object", '{"id":17,"q":{"a":1}}')
put("serve", "s18-q-bool", '{"id":18,"q":true}')
put("serve", "s19-limit-string", '{"id":19,"q":"card","limit":"5"}')
put("serve", "s20-tags-number", '{"id":20,"q":"card","tags":5}')
put("serve", "s21-category-nested", '{"id":21,"q":"card","category":[["x"]]}')
put("serve", "s22-op-array", '{"id":22,"op":["show"]}')
put("serve", "s23-explain-1", '{"id":23,"q":"card","explain":1}')
put("serve", "s24-helpful-string", '{"id":24,"op":"feedback","article":"fees","helpful":"true"}')
put("serve", "s25-article-array", '{"id":25,"op":"show","article":["fees"]}')
put("serve", "s26-invalid-utf8-in-q", b'{"id":26,"q":"caf\xe9"}')
put("serve", "s27-nul-byte-raw", b'{"id":27,"q":"a\x00b"}')
put("serve", "s28-nul-escape", '{"id":28,"q":"a\\u0000b"}')
put("serve", "s29-lone-surrogate-escape", '{"id":29,"q":"\\ud800"}')
put("serve", "s30-overlong-utf8", b'{"id":30,"q":"\xc0\xaf"}')
put("serve", "s31-6000-keys", '{"id":31,' + ",".join(f'"k{i}":0' for i in range(6000)) + ',"q":"card"}')
put("serve", "s32-33-tags", '{"id":32,"q":"card","tags":[' + ",".join(['"t"'] * 33) + "]}")
put("serve", "s33-show-path", '{"id":33,"op":"show","article":"../../../etc/passwd"}')
put("serve", "s34-query-1025-bytes", '{"id":34,"q":"' + "d" * 1025 + '"}')
put("serve", "s35-control-chars-in-q", '{"id":35,"q":"card\\u001b[2J\\u0007"}')
# --- queries --------------------------------------------------------------
put("query", "q01-1mb", "card " * 209716)
put("query", "q02-1024-bytes", "e" * 1024)
put("query", "q03-1025-bytes", "e" * 1025)
put("query", "q04-1024-bytes-padded", " " * 5000 + "e" * 1024 + "\t" * 5000)
put("query", "q05-invalid-utf8", b"card \xff stolen")
put("query", "q06-nul-inside", b"card\x00stolen")
put("query", "q07-512-words", "a " * 512)
put("query", "q08-170-misspellings", " ".join("crdz%s" % chr(97 + i % 26) for i in range(170)))
put("query", "q09-170-phrases", '"card lost" ' * 85)
put("query", "q10-340-exclusions", "-card " * 170)
put("query", "q11-170-tag-filters", " ".join("tag:t%d" % i for i in range(120)))
put("query", "q12-quotes-only", '"' * 1024)
put("query", "q13-dashes-only", "-" * 1024)
put("query", "q14-one-1024-byte-word", "w" * 1020 + "card")
put("query", "q15-control-characters", "card\x1b[2J\x07\x7f stolen")
put("query", "q16-unicode-4-byte", "\U0001F680" * 256)
PY

status=0
for t in $targets; do
    [ -n "$(ls "$W/$t")" ] || continue
    echo "== $t"
    KB_FUZZ_VERBOSE=1 KB_FUZZ_TOP="$top" TMPDIR="$W" "$D/fuzz-$t" -rss_limit_mb=4096 \
        -timeout=60 "$W/$t"/* >"$W/$t.log" 2>&1
    rc=$?
    awk -v dir="$W/$t/" '
        /^Running: / { name = $2; sub(dir, "", name); print name; next }
        /^Executed / { printf "    took %s %s\n", $(NF-1), $NF; next }
        /^(article|serve|query):|^  / { print "    " $0; next }
        /fuzz check failed|ERROR: |SUMMARY/ { print "    " $0 }
    ' "$W/$t.log"
    if [ "$rc" -ne 0 ]; then
        echo "    $t FAILED (exit $rc)"
        status=1
    fi
done
exit "$status"
