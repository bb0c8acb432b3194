# lib.sh - helpers for the end-to-end tests (sourced by tests/e2e/*.sh).
#
# Each check prints "ok - what" or "not ok - what" (TAP-like; tests/run.sh
# counts them).  BUILDDIR selects the build; with VALGRIND=1 the programs run
# under valgrind memcheck and any error or leak fails the check that ran them.

top=$(cd "$(dirname "$0")/../.." && pwd)
BUILDDIR=${BUILDDIR:-build}
case "$BUILDDIR" in /*) B=$BUILDDIR ;; *) B=$top/$BUILDDIR ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/kb-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
# Tests never touch the user's own index, logs or history.
export HOME="$T/home" XDG_DATA_HOME="$T/home/data" XDG_STATE_HOME="$T/home/state"
unset KB_DB KB_DIR KB_FEEDBACK_LOG NO_COLOR
export TZ=Europe/London
mkdir -p "$HOME"
failures=0

# Memory errors are caught even where a check ignores the exit status: each
# valgrind or sanitizer report goes to a file under $T/mem, and finish()
# fails the script if any report is there.
mkdir -p "$T/mem"
if [ "${VALGRIND:-0}" = 1 ]; then
    VG="valgrind -q --error-exitcode=97 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --suppressions=$top/tests/valgrind.supp --log-file=$T/mem/valgrind.%p"
else
    VG=""
fi
case "$BUILDDIR" in *asan*)
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$T/mem/asan"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$T/mem/ubsan" ;;
esac

kb_index() { $VG "$B/kb-index" "$@"; }
kb_search() { $VG "$B/kb-search" "$@"; }
kb_assistant() { $VG "$B/kb-assistant" "$@"; }

ok() { echo "ok - $*"; }
fail() { echo "not ok - $*"; failures=$((failures + 1)); }

# check NAME COMMAND...: passes when the command exits 0.
check() {
    name=$1; shift
    if "$@" >"$T/out" 2>"$T/err"; then ok "$name"; else fail "$name"; sed 's/^/    # /' "$T/err" | head -5; fi
}

# expect_code NAME CODE COMMAND...: the command's exit status is CODE.
expect_code() {
    name=$1; want=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else
        fail "$name (exit $got, want $want)"; sed 's/^/    # /' "$T/err" | head -5; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi
}

# expect_match NAME FILE REGEX (grep -E)
expect_match() {
    if grep -Eq -- "$3" "$2"; then ok "$1"; else
        fail "$1: /$3/ not in $2"; head -c 600 "$2" | sed 's/^/    # /'; fi
}

# expect_no_match NAME FILE REGEX
expect_no_match() {
    if grep -Eq -- "$3" "$2"; then fail "$1: /$3/ found in $2"; grep -E -- "$3" "$2" | head -3 | sed 's/^/    # /'; else ok "$1"; fi
}

# json FILE EXPR: evaluate a Python expression over the JSON document in FILE
# (bound to j), print the result.
json() { /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# fixture NAME [AS]: a fresh copy of the fixture KB NAME in $T/AS (default
# $T/NAME); prints its path.
fixture() { rm -rf "$T/${2:-$1}"; cp -r "$top/tests/fixtures/$1" "$T/${2:-$1}"; echo "$T/${2:-$1}"; }

finish() {
    reports=$(find "$T/mem" -type f -size +0 2>/dev/null)
    if [ -n "$reports" ]; then
        fail "memory checker reports: $(echo "$reports" | wc -l)"
        for r in $reports; do head -20 "$r" | sed 's/^/    # /'; done
    elif [ "${VALGRIND:-0}" = 1 ] || [ -n "${ASAN_OPTIONS:-}" ]; then
        ok "no memory checker reports"
    fi
    [ "$failures" -eq 0 ]
}
