#!/bin/sh
# run-all.sh - what `make test` runs after building: the whole suite on the
# normal build, again on the AddressSanitizer + UBSan build, then the
# end-to-end tests of kb-search and kb-assistant under valgrind memcheck.
# Ends with the checks skipped in each pass (and why), then one line
# "N passed, N failed, N skipped"; exits 1 on any failure.  A pass that
# cannot run (valgrind not installed) is itself one skip, never dropped.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 3
total_p=0
total_f=0
total_s=0

# pass TAG LABEL ENV...: run tests/run.sh with ENV; its skips are kept in
# $skips, tagged TAG.
pass() {
    tag=$1
    label=$2
    shift 2
    echo "== $label"
    env "$@" tests/run.sh >"$log" 2>&1
    sed '$d' "$log"
    last=$(tail -1 "$log")
    re='^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$'
    p=$(echo "$last" | sed -n "s/$re/\\1/p")
    f=$(echo "$last" | sed -n "s/$re/\\2/p")
    s=$(echo "$last" | sed -n "s/$re/\\3/p")
    if [ -z "$p" ]; then
        p=0 f=1 s=0
        echo "   ($label did not finish: $last)"
    fi
    sed -n 's/^  skip: /['"$tag"'] /p' "$log" >>"$skips"
    echo "   $label: $p passed, $f failed, $s skipped"
    total_p=$((total_p + p))
    total_f=$((total_f + f))
    total_s=$((total_s + s))
}

log=$(mktemp)
skips=$(mktemp)
trap 'rm -f "$log" "$skips"' EXIT
start=$(date +%s)
pass release "build/ (release)" BUILDDIR=build
# ASan's leak checker is on by default; UBSan stops at the first error.
pass asan "build-asan/ (AddressSanitizer + UBSan)" BUILDDIR=build-asan KB_SKIP_SLOW=1 \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if command -v valgrind >/dev/null 2>&1; then
    pass valgrind "valgrind memcheck (kb-search, kb-assistant)" BUILDDIR=build VALGRIND=1 KB_SKIP_SLOW=1 \
        KB_TEST_ONLY="search serve assistant"
else
    echo "== valgrind memcheck (kb-search, kb-assistant): SKIPPED, valgrind is not installed"
    echo "[valgrind] the valgrind memcheck pass (search, serve, assistant) -- valgrind is not installed" >>"$skips"
    total_s=$((total_s + 1))
fi
echo "== $(($(date +%s) - start)) s in all"
if [ "$total_s" -gt 0 ]; then
    echo "== skipped ($total_s): not checked in this run, and why"
    sed 's/^/   /' "$skips"
fi
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
