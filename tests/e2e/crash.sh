#!/bin/sh
# crash.sh - kb-index killed with SIGKILL at 24 points (12 incremental runs,
# 12 --full runs: early, between the 1000-article commits, late, during the
# stub switch) over a KB of 2,500 articles; after each kill the index answers
# and holds the old or the new state of every article, and the next run
# completes.  The work is done by tests/tools/crashtest.py.  About 60-90 s;
# skipped when KB_SKIP_SLOW=1.
. "$(dirname "$0")/../lib.sh"

if [ "${KB_SKIP_SLOW:-0}" = 1 ]; then
    skip "crash safety under SIGKILL" "KB_SKIP_SLOW=1"
    finish
    exit $?
fi

# The articles are rewritten 26 times: on a busy ext4 disk that alone takes
# seconds a round, so they live in /dev/shm when there is one.  The index
# stays under $T, on the real disk.
kbdir=$T/kb
if [ -d /dev/shm ] && [ -w /dev/shm ] && shm=$(mktemp -d /dev/shm/kb-crash.XXXXXX 2>/dev/null); then
    trap 'rm -rf "$T" "$shm"' EXIT
    trap 'exit 129' HUP INT PIPE TERM   # so that the EXIT trap cleans /dev/shm
    kbdir=$shm/kb
fi
/usr/bin/python3 "$top/tests/tools/crashtest.py" --bin "$B" --work "$T" --kb "$kbdir" \
    --articles "${KB_CRASH_ARTICLES:-2500}" --rounds "${KB_CRASH_ROUNDS:-24}"
rc=$?
[ $rc -le 1 ] || fail "crashtest.py exited with status $rc"
[ $rc -eq 0 ] || failures=$((failures + 1))
finish
