#!/bin/sh
# architecture.sh - the shape docs/ARCHITECTURE.md promises, checked on the
# build: dependencies point one way at link level (no circle of files, no
# two folders needing each other, each folder using only lower layers), no
# source file over 800 lines, a small public API.
. "$(dirname "$0")/../lib.sh"

cd "$top" || exit 3
/usr/bin/python3 tests/tools/layers.py "$B" >"$T/layers" 2>&1
rc=$?
sed "s/^/    # /" "$T/layers"
expect_eq "layers.py checks and passes" "$rc $(grep -c '^ok' "$T/layers")" "0 5"

find lib search indexer assistant include -name '*.[ch]' -o -name '*.cc' -o -name '*.hh' |
    xargs wc -l | grep -v ' total$' | awk '$1 > 800 { print }' >"$T/long" || fail "count lines"
if [ -s "$T/long" ]; then fail "source files over 800 lines: $(tr '\n' ' ' <"$T/long")"; else
    ok "no source file over 800 lines"; fi

nm -D --defined-only "$B/libkb.so" | awk '$2 == "T" { print $3 }' >"$T/exports" || fail "nm libkb.so"
n=$(wc -l <"$T/exports")
if [ "$n" -ge 30 ] && [ "$n" -le 90 ]; then ok "libkb.so exports $n functions (at most 90)"; else
    fail "libkb.so exports $n functions"; fi
expect_no_match "none of them the Xapian binding" "$T/exports" '^kb_x'
expect_no_match "nor a base helper" "$T/exports" '^kb_(buf|strlist|strv|strmap|utf8|file|mkdir|hash)'
# Every exported function is declared in a public header.
missing=""
for f in $(cat "$T/exports"); do
    grep -q "\\b$f(" include/kb/*.h || missing="$missing $f"
done
expect_eq "every export is declared in include/kb/" "$missing" ""

# The query pipeline's stages have no function longer than about 80 lines.
/usr/bin/python3 tests/tools/longfuncs.py 85 lib/query/*.c >"$T/funcs"
expect_eq "no function in lib/query over 85 lines" "$? $(cat "$T/funcs")" "0 "
finish
