#!/usr/bin/env python3
"""layers.py - the architecture as the linker sees it.

    tests/tools/layers.py BUILDDIR [--graph]

Run from the top of the tree.  Reads the object files of libkb (BUILDDIR/lib/*/*.o) and of the three
programs (BUILDDIR/{indexer,search,assistant}/*.o) with nm: which symbols
each object defines and which it needs.  From that it builds the graph of
files ("parse.o needs sections.o") and of folders ("lib/index needs
lib/schema"), and checks what docs/ARCHITECTURE.md promises:

  - no circle of files (a strongly connected component of more than one
    object);
  - no two folders that need each other, and no circle of folders;
  - every folder needs only folders of lower layers (LAYERS below, the
    same table as docs/ARCHITECTURE.md).

Prints one TAP-like line per check ("ok - ..." / "not ok - ...") and, with
--graph, the folder graph.  Exits 1 when a check fails.
"""
import os
import subprocess
import sys
from collections import defaultdict

# Lower numbers are lower layers.  A folder may need folders of a lower
# layer only (never its own layer's other folders, nor higher ones).
LAYERS = {
    "lib/base": 0,
    "lib/xapian": 1,
    "lib/schema": 2,
    "lib/log": 2,
    "lib/index": 3,
    "lib/query": 3,
    "lib/view": 4,
    "lib/serve": 5,
    "lib/report": 5,
    "indexer": 6,
    "search": 6,
    "assistant": 6,
}


def objects(build):
    out = []
    for top in ("lib", "indexer", "search", "assistant"):
        root = os.path.join(build, top)
        for dirpath, _, files in os.walk(root):
            for f in files:
                if not f.endswith(".o"):
                    continue
                o = os.path.join(dirpath, f)
                # Only objects of sources that exist: a file moved or
                # removed leaves its old object behind in BUILDDIR.
                src = os.path.relpath(o, build)[:-2]
                if os.path.exists(src + ".c") or os.path.exists(src + ".cc"):
                    out.append(o)
    return sorted(out)


def symbols(obj):
    res = subprocess.run(["nm", "--defined-only", obj], capture_output=True, text=True)
    defined = set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRVW" and parts[1].isupper():
            defined.add(parts[2])
    res = subprocess.run(["nm", "-u", obj], capture_output=True, text=True)
    needed = set(line.split()[-1] for line in res.stdout.splitlines() if line.strip())
    return defined, needed


def folder_of(build, obj):
    rel = os.path.relpath(obj, build)
    return os.path.dirname(rel)


def sccs(nodes, edges):
    """Tarjan's strongly connected components."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) < 2:
        print("usage: layers.py BUILDDIR [--graph]", file=sys.stderr)
        return 2
    build = sys.argv[1]
    objs = objects(build)
    if not objs:
        print("not ok - no object files under %s" % build)
        return 1
    owner = {}
    needs = {}
    for o in objs:
        d, n = symbols(o)
        for s in d:
            owner.setdefault(s, o)
        needs[o] = n
    edges = defaultdict(set)
    for o in objs:
        for s in needs[o]:
            t = owner.get(s)
            if t and t != o:
                edges[o].add(t)
    failed = 0

    def check(ok, what, detail=""):
        nonlocal failed
        if ok:
            print("ok - " + what)
        else:
            failed += 1
            print("not ok - " + what + (": " + detail if detail else ""))

    rel = lambda o: os.path.relpath(o, build)
    circles = [c for c in sccs(objs, edges) if len(c) > 1]
    check(not circles, "no circle of files (%d objects)" % len(objs),
          "; ".join(" <-> ".join(sorted(rel(x) for x in c)) for c in circles))

    fedges = defaultdict(set)
    why = {}
    for o in objs:
        for t in edges[o]:
            a, b = folder_of(build, o), folder_of(build, t)
            if a != b:
                fedges[a].add(b)
                why.setdefault((a, b), (rel(o), rel(t)))
    folders = sorted(set(folder_of(build, o) for o in objs))
    unknown = [f for f in folders if f not in LAYERS]
    check(not unknown, "every folder has a layer", ", ".join(unknown))
    mutual = sorted((a, b) for a in fedges for b in fedges[a] if a < b and a in fedges.get(b, ()))
    check(not mutual, "no two folders need each other",
          "; ".join("%s <-> %s (%s needs %s, %s needs %s)" %
                    (a, b, *why[(a, b)], *why[(b, a)]) for a, b in mutual))
    fcircles = [c for c in sccs(folders, fedges) if len(c) > 1]
    check(not fcircles, "no circle of folders", "; ".join(" ".join(sorted(c)) for c in fcircles))
    upward = sorted((a, b) for a in fedges for b in fedges[a]
                    if a in LAYERS and b in LAYERS and LAYERS[b] >= LAYERS[a])
    check(not upward, "every folder needs only lower layers",
          "; ".join("%s needs %s (%s needs %s)" % (a, b, *why[(a, b)]) for a, b in upward))
    if "--graph" in sys.argv:
        for a in sorted(fedges, key=lambda f: (LAYERS.get(f, 99), f)):
            print("# %-14s -> %s" % (a, " ".join(sorted(fedges[a], key=lambda f: (LAYERS.get(f, 99), f)))))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
