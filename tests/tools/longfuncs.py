#!/usr/bin/env python3
"""longfuncs.py - C functions longer than a limit.

    tests/tools/longfuncs.py LIMIT FILE...

A function is a line at column 0 that ends a declarator ("...)" or "...,"
continued) followed by a line "{" at column 0, up to the next "}" at column
0.  Prints "FILE:LINE NAME LINES" for each function over LIMIT lines (the
body, braces included) and exits 1 if there is any.
"""
import re
import sys


def main():
    limit = int(sys.argv[1])
    bad = 0
    for path in sys.argv[2:]:
        lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
        i = 0
        while i < len(lines):
            if lines[i] == "{" and i > 0:
                j = i - 1
                while j > 0 and not re.match(r"^[A-Za-z_]", lines[j]):
                    j -= 1
                m = re.search(r"(\w+)\s*\(", lines[j])
                name = m.group(1) if m else "?"
                k = i + 1
                while k < len(lines) and lines[k] != "}":
                    k += 1
                n = k - i + 1
                if n > limit and not lines[j].startswith(("static const", "const ")):
                    print("%s:%d %s %d" % (path, j + 1, name, n))
                    bad += 1
                i = k
            i += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
