#!/usr/bin/python3
"""shardbench.py - kb over 1, 2 and 4 shards, local and over loopback
xapian-tcpsrv, side by side.

    tests/bench/shardbench.py full|quick

Run by tests/bench/run.sh after bench.py and httpbench.py.  For each shard
count N: the full build (kb-index --full --shards N), serve p50/p99 with
the shards local (the index folder's own stub), then with shards 1..N-1
served by xapian-tcpsrv on 127.0.0.1 (shard 0 stays local: it holds the
spelling data and synonyms, see README "Scaling out"), and whether every
query of the bench set gets the same ranked ids (top 10) as one database.
Writes the section "## Shards" at the end of tests/bench/RESULTS.md (full:
the generated 100k KB) or RESULTS-quick.md (quick: the sample KB), raw
figures in tests/bench/work/results-shards-MODE.json.  BENCH_CORPORA picks
another corpus of bench.py (its results go to work/ then, not RESULTS).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the corpora, query sets and drivers of bench.py)

HERE, WORK, BIN = bench.HERE, bench.WORK, bench.BIN
SHARDS = (1, 2, 4)


def log(msg):
    bench.log("shards: " + msg)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_servers(db, n):
    """xapian-tcpsrv for shards 1..N-1 of DB; returns (processes, stub path)."""
    procs, lines = [], ["auto %s/shard-0" % db]
    for k in range(1, n):
        port = free_port()
        p = subprocess.Popen(["xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port",
                              str(port), "%s/shard-%d" % (db, k)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        procs.append(p)
        lines.append("remote 127.0.0.1:%d" % port)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.1)
    stub = db + ".remote"
    with open(stub, "w") as f:
        f.write("\n".join(lines) + "\n")
    return procs, stub


def stop_servers(procs):
    for p in procs:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def ranked_ids(db, qs):
    """The top-10 ids of every query of QS, from one kb-search --serve."""
    p = subprocess.Popen([bench.KB_SEARCH, "--db", db, "--serve"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = []
    try:
        for i, q in enumerate(qs):
            p.stdin.write(json.dumps({"id": i, "q": q, "limit": bench.LIMIT}) + "\n")
            p.stdin.flush()
            j = json.loads(p.stdout.readline())
            out.append(None if "error" in j or j.get("partial")
                       else [r["id"] for r in j["results"]])
    finally:
        p.stdin.close()
        p.wait(30)
    return out


def build(db, kb_dir, n, timeout):
    shutil.rmtree(db, ignore_errors=True)
    os.makedirs(os.path.dirname(db), exist_ok=True)
    t0 = time.perf_counter()
    rc, out, err, _ = bench.run([bench.KB_INDEX, "--db", db, "--full", "--json", "--shards",
                                 str(n), kb_dir], timeout)
    wall = time.perf_counter() - t0
    j = json.loads(out) if out.strip().startswith("{") else {}
    if rc not in (0, 1) or j.get("shards") != n:
        raise bench.NA("kb-index --shards %d exited %d: %s" % (n, rc, bench.first_line(err)))
    return {"seconds": wall, "articles": j["articles"], "rate": j["articles"] / wall,
            "size_mb": bench.du_mb(db)}


def serve(db, qfile):
    try:
        return bench.kb_serve(db, qfile, 1)
    except bench.NA as e:
        return {"na": str(e)}


def bench_corpus(name, mode):
    kb_dir = bench.prepare_corpus(name)
    count = bench.MODES[mode]["warm"] if mode == "full" else 100
    qfile, qs = bench.prepare_queries(name, kb_dir, count)
    big = bench.CORPORA[name]["big"]
    res = {"name": name, "desc": bench.CORPORA[name]["desc"], "queries": len(qs), "rows": []}
    base = None
    for n in SHARDS:
        db = os.path.join(WORK, "shards", name, "s%d" % n)
        row = {"shards": n}
        log("%s: building %d shard%s" % (name, n, "s" if n > 1 else ""))
        try:
            row["build"] = build(db, kb_dir, n, 7200 if big else 900)
        except bench.NA as e:
            row["build"] = {"na": str(e)}
            res["rows"].append(row)
            continue
        log("%s: %d local: serving" % (name, n))
        row["local"] = serve(db, qfile)
        ids = ranked_ids(db, qs)
        if base is None:
            base = ids
        row["same_local"] = sum(1 for a, b in zip(base, ids) if a is not None and a == b)
        if n > 1 and shutil.which("xapian-tcpsrv"):
            procs, stub = start_servers(db, n)
            try:
                log("%s: %d with %d over loopback xapian-tcpsrv: serving" % (name, n, n - 1))
                row["remote"] = serve(stub, qfile)
                ids = ranked_ids(stub, qs)
                row["same_remote"] = sum(1 for a, b in zip(base, ids)
                                         if a is not None and a == b)
            finally:
                stop_servers(procs)
        elif n > 1:
            row["remote"] = {"na": "xapian-tcpsrv is not installed"}
        res["rows"].append(row)
    return res


def f(v, fmt):
    return "n/a" if v is None else fmt % v


def render(mode, results, mach, wall):
    L = ["## Shards", "",
         "kb-index --shards N, then `kb-search --serve` (one client, top %d with snippets) "
         "with the shards local and with shards 1..N-1 on loopback xapian-tcpsrv (shard 0 "
         "local); same ids: queries whose ranked top-%d ids equal one database's. %s, %d "
         "cores, %s; %.0f s." % (bench.LIMIT, bench.LIMIT, mach["date"], mach["nproc"],
                                 mach["commit"], wall), ""]
    for r in results:
        L += ["### %s (%d queries)" % (r["desc"], r["queries"]), "",
              "| shards | build | local p50 / p99 | remote p50 / p99 | network hop p50 / p99 "
              "| same ids local | same ids remote |",
              "|---|---|---|---|---|---|---|"]
        for row in r["rows"]:
            b, lo, re_ = row.get("build", {}), row.get("local", {}), row.get("remote", {})
            build = b.get("na") or "%.1f s (%.0f art./s)" % (b["seconds"], b["rate"])
            local = lo.get("na") or "%s / %s ms" % (f(lo.get("p50"), "%.2f"),
                                                    f(lo.get("p99"), "%.2f"))
            if row["shards"] == 1:
                remote = hop = "(shard 0 is always local)"
            elif re_.get("na"):
                remote, hop = re_["na"], "n/a"
            else:
                remote = "%.2f / %.2f ms" % (re_["p50"], re_["p99"])
                hop = "+%.2f / +%.2f ms" % (re_["p50"] - lo.get("p50", 0),
                                            re_["p99"] - lo.get("p99", 0)) \
                    if lo.get("p50") is not None else "n/a"
            same_l = "%d / %d" % (row["same_local"], r["queries"]) if "same_local" in row else "n/a"
            same_r = "%d / %d" % (row["same_remote"], r["queries"]) if "same_remote" in row \
                else "n/a"
            L.append("| %d | %s | %s | %s | %s | %s | %s |" % (row["shards"], build, local,
                                                               remote, hop, same_l, same_r))
        L.append("")
    return "\n".join(L).rstrip("\n")


def replace_section(path, text):
    old = open(path).read() if os.path.exists(path) else ""
    i = old.find("\n## Shards\n")
    base = old[:i + 1] if i >= 0 else old
    with open(path, "w") as fp:
        fp.write(base.rstrip("\n") + "\n\n" + text + "\n")


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("full", "quick"):
        sys.exit("usage: shardbench.py full|quick")
    mode = sys.argv[1]
    names = ["gen-100k"] if mode == "full" else ["sample"]
    only = [s for s in os.environ.get("BENCH_CORPORA", "").split(",") if s]
    if only:
        names = [n for n in only if n in bench.CORPORA]
    t0 = time.time()
    mach = bench.machine()
    results = [bench_corpus(n, mode) for n in names]
    text = render(mode, results, mach, time.time() - t0)
    with open(os.path.join(WORK, "results-shards-%s.json" % mode), "w") as fp:
        json.dump({"machine": mach, "results": results}, fp, indent=1)
    out = os.path.join(HERE, "RESULTS.md" if mode == "full" else "RESULTS-quick.md")
    if only:
        out = os.path.join(WORK, "RESULTS-shards-%s-%s.md" % (mode, "-".join(names)))
        with open(out, "w") as fp:
            fp.write(text + "\n")
    else:
        replace_section(out, text)
    print(text)
    log("wrote %s" % os.path.relpath(out, bench.TOP))
    bad = [r["name"] for r in results for row in r["rows"]
           if row.get("same_local", r["queries"]) != r["queries"] or
           row.get("same_remote", r["queries"]) != r["queries"]]
    if bad:
        sys.exit("shardbench: ranked ids differ from one database on %s" % ", ".join(bad))


if __name__ == "__main__":
    main()
