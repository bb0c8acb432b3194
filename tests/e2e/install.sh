#!/bin/sh
# install.sh - make install puts the three programs and their man pages in
# place, and the man pages render cleanly.
. "$(dirname "$0")/../lib.sh"

cd "$top" || exit 3
# The sanitizer build must stay a sanitizer build if make relinks anything.
san=SANITIZE=
case "$BUILDDIR" in *asan*) san=SANITIZE=1 ;; esac
check "make install into a staging folder" make -s --no-print-directory BUILDDIR="$BUILDDIR" "$san" \
    install DESTDIR="$T/stage" PREFIX=/usr/local
for p in kb-index kb-search kb-assistant; do
    if [ -x "$T/stage/usr/local/bin/$p" ]; then ok "$p installed"; else fail "$p not installed"; fi
    f=$T/stage/usr/local/share/man/man1/$p.1
    if [ -f "$f" ]; then ok "$p.1 installed"; else fail "$p.1 not installed"; continue; fi
    if command -v man >/dev/null 2>&1; then
        MANWIDTH=80 man --warnings -l "$f" >"$T/man.txt" 2>"$T/man.err"
        if [ -s "$T/man.err" ]; then fail "$p.1 renders with warnings: $(head -2 "$T/man.err" | tr '\n' ' ')"
        else ok "$p.1 renders without warnings"; fi
        expect_match "$p.1 has a NAME section" "$T/man.txt" "^NAME"
        expect_match "$p.1 documents the exit status" "$T/man.txt" "^EXIT STATUS"
    else
        skip "$p.1 renders without warnings, has NAME and EXIT STATUS" "man is not installed"
    fi
    expect_code "installed $p --version" 0 "$T/stage/usr/local/bin/$p" --version
done
finish
