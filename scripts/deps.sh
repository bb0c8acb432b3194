#!/bin/sh
# deps.sh - install the Debian packages kb needs, only those that are missing.
#
#   scripts/deps.sh build     what building needs
#   scripts/deps.sh test      building plus what the tests use
#   scripts/deps.sh bench     building plus the peers the benchmarks compare with
#
# Runs apt-get as root (or through sudo); prints what it installs.
set -eu

build="g++ make pkg-config libxapian-dev libcmark-dev libcjson-dev libreadline-dev libyaml-dev libunistring-dev libmicrohttpd-dev liblinear-dev wbritish"
test="$build python3 python3-jsonschema python3-yaml tmux less strace valgrind clang libclang-rt-14-dev xapian-tools chromium fonts-dejavu-core openssl"
bench="$build python3 sqlite3 libsqlite3-dev xapian-omega xapian-tools ripgrep hyperfine linux-perf wrk"

case "${1:-build}" in
build) want=$build ;;
test) want=$test ;;
bench) want=$bench ;;
*) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$s" in
    *" installed") ;;
    *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "deps: these Debian packages are missing:$missing" >&2
    echo "deps: run as root, or install them with apt-get" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; update once, then install.
$sudo apt-get update -qq >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
