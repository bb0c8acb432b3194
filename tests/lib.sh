# lib.sh - helpers for the end-to-end tests (sourced by tests/e2e/*.sh).
#
# BUILDDIR selects the build; with VALGRIND=1 the programs run under
# valgrind memcheck and any error or leak fails the script.
#
# The conventions (tests/run.sh enforces the first three; tests/RELIABILITY.md,
# "The tests' own honesty", says why):
#
# - Each check prints one line, "ok - WHAT" or "not ok - WHAT" (TAP-like),
#   through ok/fail or the helpers below.  A summary line after a loop is a
#   check of its own: count the loop's failures and say ok only when there
#   were none (never an unconditional ok after the loop).
# - A check that cannot run here calls `skip WHAT REASON`, which prints
#   "ok - WHAT # SKIP REASON".  run.sh counts it as skipped, never as
#   passed, and lists it with its reason.  ok refuses "# SKIP" text.
# - Every script ends with `finish`, which prints "# done: reached the end
#   of the script".  run.sh counts a script without that line as failed
#   ("did not reach its end"): an early `exit 0` would drop every check
#   after it.  A script that must stop early skips what is left (one skip
#   per dropped check or group), then `finish; exit $?`.
# - A check of absence (no match, no file, no error response) means nothing
#   if the command behind it did not run: check its exit status too
#   (expect_code), since a crash prints nothing either.  expect_no_match
#   fails when grep cannot read the file or the pattern is bad.
# - Permission checks mean nothing as root (root reads anything): run them
#   through `nobody CMD...` after `nobody_ready` succeeded, and skip them
#   when it did not.

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

ok() {
    case "$*" in
    *"# SKIP"*) fail "$* (a skip must be said with skip WHAT REASON, not ok)" ;;
    *) echo "ok - $*" ;;
    esac
}
fail() { echo "not ok - $*"; failures=$((failures + 1)); }
# skip WHAT REASON: WHAT was not checked here, because REASON.
skip() { echo "ok - $1 # SKIP ${2:-no reason given}"; }

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
        fail "$1: /$3/ not in $2"; head -c 600 "$2" 2>&1 | sed 's/^/    # /'; fi
}

# expect_no_match NAME FILE REGEX: FILE is readable and has no line matching
# REGEX.  A missing file or a bad pattern (grep's status 2) fails.
expect_no_match() {
    grep -Eq -- "$3" "$2" 2>"$T/grep.err"
    case $? in
    1) ok "$1" ;;
    0) fail "$1: /$3/ found in $2"; grep -E -- "$3" "$2" | head -3 | sed 's/^/    # /' ;;
    *) fail "$1: could not look for /$3/ in $2"; sed 's/^/    # /' "$T/grep.err" | head -3 ;;
    esac
}

# json FILE EXPR: evaluate a Python expression over the JSON document in FILE
# (bound to j), print the result.
json() { /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# fixture NAME [AS]: a fresh copy of the fixture KB NAME in $T/AS (default
# $T/NAME); prints its path.
fixture() { rm -rf "$T/${2:-$1}"; cp -r "$top/tests/fixtures/$1" "$T/${2:-$1}"; echo "$T/${2:-$1}"; }

# nobody_ready: can commands run as a user that file permissions apply to?
# As root, through setpriv (or runuser) to uid 65534, with $T opened to that
# user (711: it can reach the paths it is given, not list them) and $T/mem
# writable for memory checker reports.  Proved, not assumed: that user must
# fail to read a mode-000 file.  On failure, $nobody_why says why.
nobody_ready() {
    nobody_why=
    if [ "$(id -u)" -eq 0 ]; then
        if command -v setpriv >/dev/null 2>&1 &&
            setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
            nobody_how=setpriv
        elif command -v runuser >/dev/null 2>&1 && nobody_name=$(id -nu 65534 2>/dev/null) &&
            runuser -u "$nobody_name" -- true 2>/dev/null; then
            nobody_how=runuser
        else
            nobody_why="running as root, and neither setpriv nor runuser can switch to uid 65534"
            return 1
        fi
        chmod 711 "$T"
        chmod 1777 "$T/mem"
    else
        nobody_how=
    fi
    echo secret >"$T/nobody-probe"
    chmod 000 "$T/nobody-probe"
    if nobody cat "$T/nobody-probe" >/dev/null 2>&1; then
        nobody_why="file permissions are not enforced for uid $(nobody id -u) (it read a mode-000 file)"
        return 1
    fi
    return 0
}

# nobody CMD...: run CMD (a program, not a shell function) as that user.
nobody() {
    case ${nobody_how:-} in
    setpriv) setpriv --reuid=65534 --regid=65534 --clear-groups "$@" ;;
    runuser) runuser -u "$nobody_name" -- "$@" ;;
    *) "$@" ;;
    esac
}

# finish: the last line of every script.  Memory checker reports fail it;
# then the sentinel run.sh looks for; the status is 1 if any check failed.
finish() {
    reports=$(find "$T/mem" -type f -size +0 2>/dev/null)
    if [ -n "$reports" ]; then
        fail "memory checker reports: $(echo "$reports" | wc -l)"
        for r in $reports; do head -20 "$r" | sed 's/^/    # /'; done
    elif [ "${VALGRIND:-0}" = 1 ] || [ -n "${ASAN_OPTIONS:-}" ]; then
        ok "no memory checker reports"
    fi
    echo "# done: reached the end of the script"
    [ "$failures" -eq 0 ]
}
