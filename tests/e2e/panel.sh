#!/bin/sh
# panel.sh - the officer web panel (GET /) in headless Chromium, on the
# sample KB: type, type-ahead, the right card and the alert, steps, the
# article in place, helpful (the feedback log), Esc, not covered, and the
# alerts/covered/confidence fields (tests/tools/paneltest.py).  The
# screenshots are kept in $BUILDDIR/test-artifacts/panel/.
. "$(dirname "$0")/../lib.sh"

db=$T/index
kb_index --quiet --db "$db" "$top/kb" || fail "index the sample KB"
export KB_NOW=2026-11-23T10:00
shots=$B/test-artifacts/panel
rm -rf "$shots"
mkdir -p "$T/work" "$shots"
if /usr/bin/python3 "$top/tests/tools/paneltest.py" --bin "$B" --db "$db" --work "$T/work" \
    --shots "$shots" >"$T/panel.out" 2>"$T/panel.err"; then
    rc=0
else
    rc=$?
fi
cat "$T/panel.out"
[ -s "$T/panel.err" ] && sed 's/^/    # /' "$T/panel.err" | tail -20
expect_eq "paneltest.py exits 0" "$rc" "0"
if grep -q '# SKIP' "$T/panel.out"; then
    skip "screenshots kept" "chromium is not installed"
else
    n=$(find "$shots" -name 'panel-*.png' -size +2k | wc -l)
    expect_eq "screenshots kept in $BUILDDIR/test-artifacts/panel (400 px, 1000 px, alerts, not covered, pasted)" "$n" "6"
fi
finish
