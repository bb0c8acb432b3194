#!/usr/bin/python3
"""gen-tldr.py - scale tldr-pages up to N files with unique ids.

    gen-tldr.py --src /work/shared/corpora/tldr-pages --out DIR [--files N]

Copies the pages of SRC (every *.md but LICENSE.md, in sorted order) again
and again, byte for byte, until N files (default 100,000) are written, as
DIR/cNN/<platform>/<name>.md where <name> is the page's file name made
kebab-case plus "-<platform>-NN" (copy number), so that every file name,
and so every article id kb derives from it, is unique.  Content is not
changed.  Deterministic.  The source is only read.
"""
import argparse
import os
import re
import shutil
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--files", type=int, default=100000)
    a = ap.parse_args()
    pages = []
    for dirpath, dirnames, filenames in os.walk(a.src):
        dirnames.sort()
        for n in sorted(filenames):
            if n.endswith(".md") and n != "LICENSE.md" and dirpath != a.src.rstrip("/"):
                pages.append(os.path.join(dirpath, n))
    pages.sort()
    if not pages:
        sys.exit("gen-tldr: no pages under %s" % a.src)
    seen = set()
    written = 0
    copy = 0
    while written < a.files:
        for p in pages:
            if written >= a.files:
                break
            platform = os.path.basename(os.path.dirname(p))
            stem = re.sub(r"[^a-z0-9]+", "-", os.path.basename(p)[:-3].lower()).strip("-") or "page"
            name = "%s-%s-%02d" % (stem, platform, copy)
            k = 2
            while name in seen:
                name = "%s-%s-%d-%02d" % (stem, platform, k, copy)
                k += 1
            seen.add(name)
            d = os.path.join(a.out, "c%02d" % copy, platform)
            if not os.path.isdir(d):
                os.makedirs(d)
            shutil.copyfile(p, os.path.join(d, name + ".md"))
            written += 1
        copy += 1
    print("gen-tldr: %d files in %s" % (written, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
