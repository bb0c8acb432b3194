#!/bin/sh
# install.sh - make install puts the three programs and their man pages in
# place, and the man pages render cleanly; it installs libkb (headers,
# libraries, kb.pc), and another C program builds against it with
# pkg-config alone and searches an index.
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

# libkb for other programs.
st=$T/stage/usr/local
for f in include/kb/search.h include/kb/article.h lib/libkb.a lib/libkb.so.0 lib/libkb.so lib/pkgconfig/kb.pc; do
    if [ -e "$st/$f" ]; then ok "$f installed"; else fail "$f not installed"; fi
done
ls "$st/include/kb" >"$T/headers"
expect_no_match "no private header installed" "$T/headers" 'xapian|util|strmap|internal'
cat >"$T/client.c" <<'EOF'
#include <kb/search.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    kb_search_t *s;
    char *msg = NULL;
    if (argc < 3 || kb_search_open(argv[1], &s, &msg) != KB_STATUS_SUCCESS)
        return 3;
    kb_request_t req = KB_REQUEST_INIT;
    req.q = argv[2];
    kb_results_t *r;
    if (kb_search_run(s, &req, &r) != KB_STATUS_SUCCESS)
        return 3;
    printf("%s\n", r->n ? r->hits[0].id : "none");
    kb_results_free(r);
    kb_search_close(s);
    return 0;
}
EOF
pc="pkg-config --define-variable=prefix=$st"
export PKG_CONFIG_PATH=$st/lib/pkgconfig
case "$BUILDDIR" in *asan* | *tsan*)
    skip "a C program builds and searches with the installed libkb" \
        "a sanitizer build's libkb.so needs the sanitizer runtime loaded first"
    finish
    exit $? ;;
esac
# shellcheck disable=SC2046
if cc -std=c11 -Wall -Wextra -Werror -o "$T/client" "$T/client.c" $($pc --cflags --libs kb) 2>"$T/cc.err"; then
    ok "a C program builds against the installed libkb with pkg-config"
    "$B/kb-index" --quiet --db "$T/idx" "$top/tests/fixtures/kb-small" 2>/dev/null
    LD_LIBRARY_PATH=$st/lib "$T/client" "$T/idx" "card hasnt arived" >"$T/client.out" 2>"$T/err"
    expect_eq "and searches through the shared library" "$? $(cat "$T/client.out")" "0 card-delivery"
else
    fail "a C program does not build against libkb: $(head -3 "$T/cc.err" | tr '\n' ' ')"
fi
finish

