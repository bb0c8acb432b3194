#!/bin/sh
# run.sh - build the libFuzzer targets and fuzz each for a while.
#
#   tests/fuzz/run.sh SECONDS [TARGET...]      (make fuzz FUZZ_SECONDS=180)
#
# TARGETs: article (front matter + Markdown parser, renderer, steps), serve
# (the --serve request handler), query (query parser + kb_search_run); all
# three by default, one after the other, SECONDS each.
#
# Objects are cached in build-fuzz/ (tests/fuzz/fuzz.mk).  Each target
# starts from its checked-in seeds (tests/fuzz/corpus/TARGET/), its
# regression inputs (tests/fuzz/regressions/TARGET/) and what earlier runs
# found (build-fuzz/corpus/TARGET/, where new finds go: not in git).
# Crashing inputs land in build-fuzz/crashes/TARGET/, logs in
# build-fuzz/logs/.  Prints per target: executions, exec/s, coverage at
# start and end, new corpus units, crashes.  Exits 1 if any target crashed
# or failed to run, 2 on usage errors, 3 if it cannot build.
#
# Environment: FUZZ_DIR (default build-fuzz), FUZZ_JOBS (make -j, default
# the number of cores), FUZZ_FLAGS (more libFuzzer flags).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 3

usage() { echo "usage: $0 SECONDS [article|serve|query]..." >&2; exit 2; }
[ $# -ge 1 ] || usage
secs=$1
shift
case "$secs" in '' | *[!0-9]*) usage ;; esac
targets=${*:-article serve query}
for t in $targets; do
    case "$t" in article | serve | query) ;; *) usage ;; esac
done

D=${FUZZ_DIR:-build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

if ! command -v clang >/dev/null 2>&1 || ! command -v clang++ >/dev/null 2>&1; then
    echo "fuzz: clang is not installed (scripts/deps.sh test installs it)" >&2
    exit 3
fi
echo "fuzz: building the targets in $D/" >&2
# shellcheck disable=SC2086
if ! make --no-print-directory -f tests/fuzz/fuzz.mk -j"$jobs" FUZZ_DIR="$D" TARGETS="$targets"; then
    echo "fuzz: build failed (is libclang-rt-14-dev, libFuzzer, installed?)" >&2
    exit 3
fi

# Per target: the longest input worth trying.
max_len() {
    case "$1" in
    article) echo 16384 ;;
    serve) echo 8192 ;;
    query) echo 2048 ;;
    esac
}

mkdir -p "$D/logs"
# Scratch folders (the fixture index) go under the build folder, so a
# crashed run leaves nothing in /tmp.
export TMPDIR="$top/$D/tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
export KB_FUZZ_TOP="$top"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
summary="$D/logs/summary.txt"
start_all=$(date +%s)
printf '%-8s %6s %12s %9s %14s %9s %8s\n' target secs executions exec/s coverage new-units crashes >"$summary"
for t in $targets; do
    corpus="$D/corpus/$t"
    crashes="$D/crashes/$t"
    log="$D/logs/$t.log"
    mkdir -p "$corpus" "$crashes"
    seeds="tests/fuzz/corpus/$t"
    [ -d "tests/fuzz/regressions/$t" ] && seeds="$seeds tests/fuzz/regressions/$t"
    before=$(ls "$crashes" | wc -l)
    echo "fuzz: $t for ${secs}s (log: $log)" >&2
    t0=$(date +%s)
    # shellcheck disable=SC2086
    "$D/fuzz-$t" "$corpus" $seeds -max_total_time="$secs" -timeout=20 \
        -max_len="$(max_len "$t")" -dict="tests/fuzz/$t.dict" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$crashes/" ${FUZZ_FLAGS:-} >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - t0 ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    units=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
    cov0=$(sed -n 's/.*INITED cov: \([0-9]*\).*/\1/p' "$log" | head -1)
    cov1=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$log" | tail -1)
    found=$(( $(ls "$crashes" | wc -l) - before ))
    if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ]; then found="rc=$rc"; fi
    [ "$rc" -ne 0 ] && status=1
    printf '%-8s %6s %12s %9s %14s %9s %8s\n' "$t" "$took" "${execs:-?}" "${rate:-?}" \
        "${cov0:-?}->${cov1:-?}" "${units:-?}" "$found" >>"$summary"
    if [ "$rc" -ne 0 ]; then
        echo "fuzz: $t failed (exit $rc); see $log and $crashes/" >&2
        grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz check failed)|^artifact_prefix' "$log" | head -5 >&2
    fi
done
echo "total: $(( $(date +%s) - start_all ))s" >>"$summary"
cat "$summary"
exit "$status"
