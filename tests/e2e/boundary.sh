#!/bin/sh
# boundary.sh - the C/C++ boundary: public headers compile as C++ (and as
# strict C), libkb.so exports kb_* only (no Xapian symbols), and every
# public function is documented where it is declared.
. "$(dirname "$0")/../lib.sh"

cd "$top" || exit 3
{
    for h in include/kb/*.h; do echo "#include \"${h#include/}\""; done
    echo 'int main() { return kb_status_to_string(KB_STATUS_SUCCESS)[0] == 0; }'
} >"$T/all.cc"
cp "$T/all.cc" "$T/all.c"
cflags=$(pkg-config --cflags libcjson 2>/dev/null)
check "public headers compile as C++" c++ -std=c++17 -Wall -Wextra -Werror -Iinclude $cflags -fsyntax-only "$T/all.cc"
check "public headers compile as C11 on their own" cc -std=c11 -Wall -Wextra -Werror -Wpedantic -Iinclude $cflags -fsyntax-only "$T/all.c"

bad=
nh=0
for h in include/kb/*.h; do
    nh=$((nh + 1))
    printf '#include "%s"\n' "${h#include/}" >"$T/one.c"
    if ! cc -std=c11 -Iinclude $cflags -fsyntax-only "$T/one.c" 2>"$T/err"; then
        fail "$h is not self-contained"; head -3 "$T/err" | sed 's/^/    # /'
        bad="$bad $h"
    fi
done
if [ -z "$bad" ] && [ "$nh" -gt 1 ]; then ok "each header compiles alone ($nh headers)"; else
    fail "each header compiles alone ($nh headers;${bad:- none} failed)"; fi

# The checks of absence below need nm to have listed the symbols.
nm -D --defined-only "$B/libkb.so" >"$T/nm" 2>"$T/err"
expect_eq "nm lists libkb.so's symbols" "$?" 0
awk '{print $3}' "$T/nm" >"$T/syms"
expect_match "libkb.so exports the kb_ API" "$T/syms" '^kb_search_run$'
grep -v '^kb_' "$T/syms" >"$T/foreign" || true
if [ -s "$T/foreign" ]; then
    fail "libkb.so exports non-kb symbols: $(head -5 "$T/foreign" | tr '\n' ' ')"
else
    ok "libkb.so exports nothing but kb_* (no Xapian symbols)"
fi
if grep -qi xapian "$T/syms"; then fail "a Xapian symbol leaks from libkb.so"; else ok "no symbol mentions Xapian"; fi

# The programs link libkb statically; they must not export it either.
nm -D --defined-only "$B/kb-search" >"$T/nm" 2>"$T/err"
expect_eq "nm lists kb-search's symbols" "$?" 0
expect_eq "kb-search exports no kb_ symbols" "$(awk '{print $3}' "$T/nm" | grep -c '^kb_')" "0"

# C++ lives in the Xapian binding (lib/xapian/) and nowhere else, and the
# public headers show nothing of it.
find lib search indexer assistant include -name '*.cc' -o -name '*.cpp' -o -name '*.cxx' \
    -o -name '*.hh' -o -name '*.hpp' >"$T/cxx" || fail "find C++ files"
expect_match "the Xapian binding is C++" "$T/cxx" '^lib/xapian/'
expect_no_match "no C++ outside the Xapian binding" "$T/cxx" '^(lib/[^x]|lib/x[^a]|search|indexer|assistant|include)'
cat include/kb/*.h >"$T/public.h" || fail "read the public headers"
expect_no_match "no public header includes Xapian or the binding" "$T/public.h" '#include [<"](xapian|.*xapian/)'
expect_no_match "no public header declares the binding's types" "$T/public.h" '\bkb_x[a-z]+_t\b'
expect_no_match "no public header includes a private one" "$T/public.h" '#include "(base|xapian|schema|index|query|log|view|serve|report)/'

finish
