#!/bin/sh
# run.sh - the benchmark suite: kb beside SQLite FTS5, Xapian omega, rg and
# the raw-Xapian floor, on the same machine, corpora and queries.
#
#   tests/bench/run.sh quick    the sample KB and tldr-pages (under a minute)
#   tests/bench/run.sh full     also 10k and 100k generated KBs and tldr
#                               scaled to 100k (tens of minutes the first time)
#
# `make bench` / `make bench-quick` install the peers (scripts/deps.sh bench)
# and build kb and build/tests/bench-xapian-floor first.  This script builds
# the small C drivers of tests/bench/ into tests/bench/work/bin/, then runs
# bench.py, which writes tests/bench/RESULTS.md (full) or RESULTS-quick.md
# (quick), then httpbench.py, which adds their section "## HTTP", then
# shardbench.py ("## Shards": 1, 2 and 4 shards, local and remote).
# Environment: BUILDDIR (default build), BENCH_CORPORA,
# BENCH_SKIP (see bench.py), CC.
set -eu
mode=${1:-quick}
case "$mode" in
full|quick) ;;
*) echo "usage: $0 full|quick" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
BUILDDIR=${BUILDDIR:-build}
export BUILDDIR
CC=${CC:-cc}
bin=$here/work/bin
mkdir -p "$bin"

# Debian's python3 (stdlib only), whatever else is first in PATH.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
missing=""
for t in "$py" /usr/bin/time pkg-config; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
pkg-config --exists sqlite3 2>/dev/null || missing="$missing libsqlite3-dev"
if [ -n "$missing" ]; then
    echo "run.sh: missing:$missing; run scripts/deps.sh bench (or make bench)" >&2
    exit 2
fi
for p in kb-index kb-search kb-assistant tests/bench-xapian-floor; do
    [ -x "$BUILDDIR/$p" ] || echo "run.sh: warning: no $BUILDDIR/$p (make bench builds it); its rows will say n/a" >&2
done

# The drivers, rebuilt when their source changes.
cflags="-std=gnu11 -O2 -g -Wall -Wextra"
build() {
    out=$bin/$1
    src=$here/$1.c
    shift
    if [ ! -x "$out" ] || [ "$src" -nt "$out" ] || [ "$here/bench-util.h" -nt "$out" ]; then
        echo "  CC      tests/bench/$(basename "$src")" >&2
        # shellcheck disable=SC2086
        $CC $cflags -o "$out" "$src" "$@"
    fi
}
build fts5 $(pkg-config --cflags --libs sqlite3)
build serve-client -lpthread
build http-client -lpthread
build proctime
build ptyprompt -lutil

"$py" "$here/bench.py" "$mode"
# kb-search --http beside --serve (wrk and http-client): the section
# "## HTTP" of the same RESULTS file.
if command -v wrk >/dev/null 2>&1; then
    "$py" "$here/httpbench.py" "$mode"
else
    echo "run.sh: wrk is not installed (scripts/deps.sh bench); no HTTP figures" >&2
fi
# 1, 2 and 4 shards, local and over loopback xapian-tcpsrv: the section
# "## Shards" (after "## HTTP", which httpbench.py rewrites from its start).
"$py" "$here/shardbench.py" "$mode"
