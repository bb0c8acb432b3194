#!/bin/sh
# run.sh - run every unit and end-to-end test against one build directory.
#
#   BUILDDIR=build tests/run.sh [PATTERN]
#
# Tests print TAP-like lines ("ok - ..." / "not ok - ..."); "ok - ... # SKIP
# REASON" is a check that did not run here, counted as skipped (not passed)
# and listed with its reason at the end.  Every test must prove it reached
# its end with a line "# done: reached the end ..." (finish in tests/lib.sh,
# HARNESS_DONE in tests/unit/harness.h); one that did not, that exited
# non-zero without a failed check, or that ran no check at all counts as one
# more failure.  Ends with "N passed, N failed, N skipped"; exits 1 on any
# failure.  With VALGRIND=1 the end-to-end scripts run the programs under
# valgrind memcheck.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 3
BUILDDIR=${BUILDDIR:-build}
export BUILDDIR
pattern=${1:-}
passed=0
failed=0
skipped=0
ran=0
log=$(mktemp)
skips=$(mktemp)
trap 'rm -f "$log" "$skips"' EXIT

run_one() {
    name=$1
    shift
    ran=$((ran + 1))
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    s=$(grep -c '^ok .*# SKIP' "$log")
    p=$(($(grep -c '^ok ' "$log") - s))
    f=$(grep -c '^not ok ' "$log")
    if ! grep -q '^# done: reached the end' "$log"; then
        f=$((f + 1))
        tail -6 "$log" | sed 's/^/    # /' >"$log.tail"
        echo "not ok - $name did not reach its end (exit status $rc); its last lines:" >>"$log"
        cat "$log.tail" >>"$log"
        rm -f "$log.tail"
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $name exited with status $rc" >>"$log"
    fi
    if [ $((p + f + s)) -eq 0 ]; then
        f=1
        echo "not ok - $name ran no check" >>"$log"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    secs=$(($(date +%s) - start))
    printf '%-40s %4d passed %3d failed %3d skipped %4ds\n' "$name" "$p" "$f" "$s" "$secs"
    if [ "$f" -ne 0 ]; then
        grep -A12 '^not ok ' "$log" | head -60 | sed 's/^/    /'
    fi
    grep '^ok .*# SKIP' "$log" | sed "s|^ok - \\(.*\\) # SKIP *\\(.*\\)|$name: \\1 -- \\2|" >>"$skips"
}

for t in "$BUILDDIR"/tests/test_*; do
    [ -x "$t" ] || continue
    [ -n "${KB_TEST_ONLY:-}" ] && continue
    case "$t" in *.d | *.o) continue ;; esac
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

# Running nothing is not a success.
if [ "$ran" -eq 0 ]; then
    echo "not ok - no test matched${pattern:+ '$pattern'}${only:+ (KB_TEST_ONLY='$only')} in $BUILDDIR"
    failed=$((failed + 1))
fi
if [ "$skipped" -gt 0 ]; then
    echo "Skipped ($skipped): not checked here, and why"
    sed 's/^/  skip: /' "$skips"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
