#!/bin/sh
# run-all.sh - what `make test` runs after building: the whole suite on the
# normal build, again on the AddressSanitizer + UBSan build, then the
# end-to-end tests of kb-search and kb-assistant under valgrind memcheck.
# Ends with one line "N passed, N failed"; exits 1 on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 3
total_p=0
total_f=0

pass() {
    label=$1
    shift
    echo "== $label"
    env "$@" tests/run.sh >"$log" 2>&1
    cat "$log" | sed '$d'
    last=$(tail -1 "$log")
    p=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then p=0; f=1; echo "   ($label did not finish: $last)"; fi
    echo "   $label: $p passed, $f failed"
    total_p=$((total_p + p))
    total_f=$((total_f + f))
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
pass "build/ (release)" BUILDDIR=build
# ASan's leak checker is on by default; UBSan stops at the first error.
pass "build-asan/ (AddressSanitizer + UBSan)" BUILDDIR=build-asan KB_SKIP_SLOW=1 \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if command -v valgrind >/dev/null 2>&1; then
    pass "valgrind memcheck (kb-search, kb-assistant)" BUILDDIR=build VALGRIND=1 KB_SKIP_SLOW=1 \
        KB_TEST_ONLY="search serve assistant"
fi
echo "== $(( $(date +%s) - start )) s in all"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
