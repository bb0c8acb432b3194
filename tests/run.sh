#!/bin/sh
# run.sh - run every unit and end-to-end test against one build directory.
#
#   BUILDDIR=build tests/run.sh [PATTERN]
#
# Tests print TAP-like lines ("ok - ..." / "not ok - ..."); a test program
# that exits non-zero without saying why counts as one more failure.  Ends
# with "N passed, N failed"; exits 1 on any failure.  With VALGRIND=1 the
# end-to-end scripts run the programs under valgrind memcheck.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 3
BUILDDIR=${BUILDDIR:-build}
export BUILDDIR
pattern=${1:-}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() {
    name=$1
    shift
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $name exited with status $rc" >>"$log"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    secs=$(( $(date +%s) - start ))
    printf '%-40s %4d passed %3d failed  %3ds\n' "$name" "$p" "$f" "$secs"
    if [ "$f" -ne 0 ]; then
        grep -A12 '^not ok ' "$log" | head -60 | sed 's/^/    /'
    fi
}

for t in "$BUILDDIR"/tests/test_*; do
    [ -x "$t" ] || continue
    [ -n "${KB_TEST_ONLY:-}" ] && continue
    case "$t" in *.d|*.o) continue ;; esac
    n=$(basename "$t")
    [ -n "$pattern" ] && case "$n" in *"$pattern"*) ;; *) continue ;; esac
    run_one "unit/$n" "$t"
done
# KB_TEST_ONLY="a b": only the end-to-end scripts named a.sh, b.sh (and no
# unit tests).
only=${KB_TEST_ONLY:-}
for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    n=$(basename "$t" .sh)
    [ -n "$pattern" ] && case "$n" in *"$pattern"*) ;; *) continue ;; esac
    if [ -n "$only" ]; then
        case " $only " in *" $n "*) ;; *) continue ;; esac
    fi
    run_one "e2e/$n" sh "$t"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
