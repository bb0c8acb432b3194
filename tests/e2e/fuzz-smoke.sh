#!/bin/sh
# fuzz-smoke.sh - the libFuzzer targets (tests/fuzz/) as a smoke test: build
# them (objects cached in build-fuzz/), run each over its regression inputs
# and seed corpus, then over the hostile inputs (tests/fuzz/hostile.sh), then
# fuzz each for FUZZ_SMOKE_SECONDS (default 10).  The long runs are
# `make fuzz` (tests/fuzz/run.sh).
#
# Without clang or libFuzzer every check is skipped.  With KB_SKIP_SLOW=1
# (the sanitizer and valgrind passes of make test) the hostile inputs and
# the fuzzing are skipped: the targets are sanitizer builds already, and
# the first pass ran them.  A crash found here is copied to
# build-fuzz/crashes/TARGET/ so it is not lost with the test's scratch
# folder.  Takes about a minute on 2 cores (the first build adds ~30 s).
. "$(dirname "$0")/../lib.sh"

cd "$top" || exit 3
targets="article serve query"
secs=${FUZZ_SMOKE_SECONDS:-10}
D=build-fuzz

skip_all() {
    for t in $targets; do
        skip "fuzz-$t: regression inputs and seeds" "$1"
        skip "fuzz-$t: hostile inputs" "$1"
        skip "fuzz-$t: fuzzing for ${secs}s" "$1"
    done
    finish
    exit $?
}

command -v clang >/dev/null 2>&1 && command -v clang++ >/dev/null 2>&1 ||
    skip_all "clang is not installed"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$T/probe.c"
clang -fsanitize=fuzzer,address "$T/probe.c" -o "$T/probe" >"$T/err" 2>&1 ||
    skip_all "libFuzzer is not available (libclang-rt-14-dev)"

if make --no-print-directory -f tests/fuzz/fuzz.mk -j"$(nproc 2>/dev/null || echo 2)" \
    FUZZ_DIR="$D" >"$T/build" 2>&1; then
    ok "fuzz targets build (clang, libFuzzer, ASan + UBSan)"
else
    fail "fuzz targets build"
    tail -15 "$T/build" | sed 's/^/    # /'
    finish
    exit 1
fi

# The scratch folders of the targets (the fixture index) go under $T.
export TMPDIR="$T" KB_FUZZ_TOP="$top"

# keep T: copy the inputs that made target T fail where run.sh keeps them.
keep() {
    mkdir -p "$D/crashes/$1"
    for f in "$T/crashes-$1"/*; do
        [ -f "$f" ] && cp "$f" "$D/crashes/$1/" && echo "    # kept $D/crashes/$1/$(basename "$f")"
    done
}

for t in $targets; do
    dirs="tests/fuzz/corpus/$t"
    [ -d "tests/fuzz/regressions/$t" ] && dirs="tests/fuzz/regressions/$t $dirs"
    n=$(find $dirs -type f | wc -l)
    mkdir -p "$T/crashes-$t"
    # shellcheck disable=SC2086
    if "$D/fuzz-$t" -runs=0 -timeout=20 -artifact_prefix="$T/crashes-$t/" $dirs \
        >"$T/log-$t" 2>&1; then
        ok "fuzz-$t: $n regression inputs and seeds run clean"
    else
        fail "fuzz-$t: regression inputs and seeds"
        grep -E 'ERROR|SUMMARY|fuzz check failed|Test unit written' "$T/log-$t" | head -5 |
            sed 's/^/    # /'
        keep "$t"
    fi
done

if [ "${KB_SKIP_SLOW:-0}" = 1 ]; then
    for t in $targets; do
        skip "fuzz-$t: hostile inputs" "KB_SKIP_SLOW=1"
        skip "fuzz-$t: fuzzing for ${secs}s" "KB_SKIP_SLOW=1"
    done
    finish
    exit $?
fi

# The hostile inputs of issue 6 section 4 (1 MB lines, 10,000-deep nesting,
# alias bombs, 10 MB requests...), through the same checks.
for t in $targets; do
    if FUZZ_DIR="$D" tests/fuzz/hostile.sh "$t" >"$T/hostile-$t" 2>&1 &&
        n=$(grep -c '^[asq][0-9]' "$T/hostile-$t") && [ "$n" -gt 0 ]; then
        ok "fuzz-$t: $n hostile inputs handled"
    else
        fail "fuzz-$t: hostile inputs"
        grep -B3 -E 'FAILED|fuzz check failed|ERROR: ' "$T/hostile-$t" | head -8 | sed 's/^/    # /'
    fi
done

for t in $targets; do
    mkdir -p "$T/new-$t"
    execs=
    dirs="tests/fuzz/corpus/$t"
    [ -d "tests/fuzz/regressions/$t" ] && dirs="$dirs tests/fuzz/regressions/$t"
    # shellcheck disable=SC2086
    # A fixed seed (KB_FUZZ_SEED, default 1) makes the run repeatable, so
    # a failure here can be reproduced; `make fuzz` explores at random.
    if "$D/fuzz-$t" "$T/new-$t" $dirs -max_total_time="$secs" -timeout=20 \
        -seed="${KB_FUZZ_SEED:-1}" \
        -dict="tests/fuzz/$t.dict" -print_final_stats=1 -artifact_prefix="$T/crashes-$t/" \
        >"$T/log-$t" 2>&1 &&
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/log-$t") &&
        [ "${execs:-0}" -gt 0 ]; then
        ok "fuzz-$t: fuzzing for ${secs}s, $execs executions, no crash"
    else
        fail "fuzz-$t: fuzzing for ${secs}s found a crash (or ran no input: ${execs:-no} executions)"
        grep -E 'ERROR|SUMMARY|fuzz check failed|Test unit written' "$T/log-$t" | head -5 |
            sed 's/^/    # /'
        keep "$t"
    fi
done
finish
