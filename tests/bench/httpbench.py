#!/usr/bin/python3
"""httpbench.py - kb-search --http under load, beside kb-search --serve.

    tests/bench/httpbench.py full|quick

Run by tests/bench/run.sh after bench.py (so `make bench` and `make
bench-quick` include it); it can also run on its own.  It replaces the
section "## HTTP" at the end of tests/bench/RESULTS.md (full) or
RESULTS-quick.md (quick), and keeps its raw figures in
work/results-http-MODE.json.

Per corpus (quick: the sample KB; full: the sample KB and gen-100k), on the
index bench.py builds (built here when missing) and its query set:

- --serve, 1 client: the round trip p50/p99 of tests/bench/serve-client
  (the figure HTTP is compared with);
- HTTP warm latency with 1, 8 and 32 keep-alive clients, timed as
  serve-client times --serve (tests/bench/http-client.c: one request at a
  time per connection, the whole query set, p50/p99 of the round trips);
- HTTP throughput and latency with 1, 8 and 32 connections under wrk
  (Debian's package, with a Lua script that walks the query set);
- throughput at 8 connections with --threads 1 and --threads 2 (does it
  grow with the second core?).

On the sample KB only: memory over 1,000,000 requests (full; 100,000 in
quick), VmRSS before and after, and open file descriptors before and after
10,000 connections opened and dropped.  wrk runs on the same two cores as
the server, so throughput figures are what both together reach.
Environment: BUILDDIR, BENCH_CORPORA (a subset), HTTP_SECONDS (per wrk run;
default 10 full, 4 quick), HTTP_SOAK (requests of the soak).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (the corpora, indexes and query sets of bench.py)

WORK = bench.WORK
BIN = bench.BIN
LUA = r"""
-- Walk the query set; each wrk thread starts at its own place.
local paths, i = {}, 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = math.random(#paths)
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def log(msg):
    print("httpbench: " + msg, file=sys.stderr, flush=True)


class Server:
    def __init__(self, db, threads=None):
        args = [bench.KB_SEARCH, "--db", db, "--http", "127.0.0.1:0",
                "--access-log", os.path.join(WORK, "http-access.log"),
                "--feedback-log", os.path.join(WORK, "http-feedback.jsonl")]
        if threads:
            args += ["--threads", str(threads)]
        self.p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        line = self.p.stderr.readline().decode()
        m = re.search(r"serving (http://127\.0\.0\.1:(\d+)/)", line)
        if not m:
            self.p.kill()
            raise bench.NA("kb-search --http did not start: %s" % line.strip())
        self.url, self.port = m.group(1), int(m.group(2))

    def rss_kb(self):
        with open("/proc/%d/status" % self.p.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.p.pid))

    def stop(self):
        self.p.terminate()
        try:
            return self.p.wait(30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return self.p.wait()


def paths_file(name, qfile):
    out = os.path.join(WORK, "queries", "%s.http-paths" % name)
    with open(qfile) as f, open(out, "w") as g:
        for q in f:
            q = q.strip()
            if q:
                g.write("/v1/search?limit=%d&q=%s\n" % (bench.LIMIT, quote(q)))
    lua = os.path.join(WORK, "queries.lua")
    with open(lua, "w") as f:
        f.write(LUA)
    return out, lua


def ms(text):
    """wrk's "512.00us", "1.20ms", "2.00s" in milliseconds."""
    m = re.match(r"([0-9.]+)(us|ms|s)$", text)
    if not m:
        return None
    return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]


def wrk(url, paths, lua, conns, seconds, threads=None):
    t = threads or min(conns, 2)
    cmd = ["wrk", "-t%d" % t, "-c%d" % conns, "-d%ds" % seconds, "--latency", "--timeout", "10s",
           "-s", lua, url, "--", paths]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    out = p.stdout
    if p.returncode != 0 or "Requests/sec" not in out:
        raise bench.NA("wrk exited %d: %s" % (p.returncode, (p.stderr or out).strip()[:120]))
    r = {"conns": conns, "seconds": seconds}
    for pct in ("50", "75", "90", "99"):
        m = re.search(r"^\s+%s%%\s+(\S+)" % pct, out, re.M)
        r["p" + pct] = ms(m.group(1)) if m else None
    r["qps"] = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    m = re.search(r"(\d+) requests in", out)
    r["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", out)
    r["socket_errors"] = m.group(1).strip() if m else ""
    return r


def client(port, qfile, clients):
    """tests/bench/http-client: the same method as serve-client."""
    p = subprocess.run([os.path.join(BIN, "http-client"), "-c", str(clients), "-n", str(bench.LIMIT),
                        "--warmup", "1", str(port), qfile], capture_output=True, text=True,
                       timeout=1800)
    rows, meta = bench.parse_lines(p.stdout)
    if p.returncode != 0 or not rows:
        raise bench.NA("http-client exited %d: %s" % (p.returncode, p.stderr.strip()[:120]))
    s = bench.summary([r[0] for r in rows])
    return {"p50": s["p50"], "p99": s["p99"], "qps": float(meta["qps"][0]),
            "errors": int(meta["errors"][0])}


def serve_one(db, qfile):
    s = bench.kb_serve(db, qfile, 1)
    return {"p50": s["p50"], "p99": s["p99"], "qps": s["qps"]}


def measure(fn, *args):
    try:
        return fn(*args)
    except (bench.NA, subprocess.TimeoutExpired, OSError) as e:
        return {"na": str(e)}


def bench_corpus(name, mode, secs):
    m = bench.MODES["full"]
    kb_dir = bench.prepare_corpus(name)
    qfile, qs = bench.prepare_queries(name, kb_dir, m["warm"])
    db = os.path.join(WORK, "db", name, "kb")
    if not os.path.exists(os.path.join(db, "XAPIANDB")):
        log("building the %s index" % name)
        os.makedirs(os.path.dirname(db), exist_ok=True)
        bench.kb_build(db, kb_dir, 3600)
    paths, lua = paths_file(name, qfile)
    res = {"name": name, "desc": bench.CORPORA[name]["desc"], "queries": len(qs),
           "load_start": bench.loadavg()}
    log("%s: --serve, 1 client" % name)
    res["serve1"] = measure(serve_one, db, qfile)
    srv = Server(db)
    try:
        for c in (1, 8, 32):
            log("%s: HTTP, %d clients (http-client)" % (name, c))
            res["client%d" % c] = measure(client, srv.port, qfile, c)
        wrk(srv.url, paths, lua, 2, 2)          # warm-up: every query once or more
        for c in (1, 8, 32):
            log("%s: HTTP, %d connections (wrk)" % (name, c))
            res["http%d" % c] = measure(wrk, srv.url, paths, lua, c, secs)
    finally:
        srv.stop()
    for threads in (1, 2):
        log("%s: HTTP, 8 connections, --threads %d" % (name, threads))
        srv = Server(db, threads)
        try:
            wrk(srv.url, paths, lua, 2, 2)
            res["threads%d" % threads] = measure(wrk, srv.url, paths, lua, 8, secs)
        finally:
            srv.stop()
    res["load_end"] = bench.loadavg()
    return res


def soak(n_requests):
    """Memory over N_REQUESTS and fds over 10,000 connections, sample KB."""
    name = "sample"
    kb_dir = bench.prepare_corpus(name)
    qfile, _ = bench.prepare_queries(name, kb_dir, bench.MODES["full"]["warm"])
    db = os.path.join(WORK, "db", name, "kb")
    paths, lua = paths_file(name, qfile)
    srv = Server(db)
    out = {"target": n_requests}
    try:
        warm = wrk(srv.url, paths, lua, 8, 3)
        out["rss_before_kb"] = srv.rss_kb()
        done, runs = 0, 0
        t0 = time.time()
        while done < n_requests and runs < 50:
            left = n_requests - done
            secs = max(2, min(120, int(left / max(warm["qps"], 1) * 1.05) + 1))
            r = wrk(srv.url, paths, lua, 8, secs)
            done += r["requests"]
            out["non2xx"] = out.get("non2xx", 0) + r["non2xx"]
            runs += 1
        out["requests"] = done + warm["requests"]
        out["seconds"] = time.time() - t0
        out["rss_after_kb"] = srv.rss_kb()
        out["fds_before"] = srv.fds()
        for i in range(10000):
            s = socket.socket()
            s.settimeout(5)
            try:
                s.connect(("127.0.0.1", srv.port))
                if i % 2:
                    s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
            except OSError:
                pass
            s.close()
        time.sleep(1.5)
        out["fds_after"] = srv.fds()
    finally:
        out["exit"] = srv.stop()
    return out


def fmt(v, unit=""):
    return bench.fmt(v, unit) if v is not None else "–"


def cell(d, key):
    if not isinstance(d, dict):
        return "–"
    if "na" in d:
        return "n/a"
    return fmt(d.get(key))


def render(mode, results, soaked, mach, wall):
    L = ["## HTTP", "",
         "Written by `tests/bench/httpbench.py %s` (run by `make bench%s` after bench.py); "
         "how it measures: its docstring." % (mode, "" if mode == "full" else "-quick"), "",
         "- date: %s; commit %s; run took %.0f s; %s" % (mach["date"], mach["commit"], wall,
                                                          mach["wrk"]),
         "- `kb-search --http` with its defaults (4 worker threads) and the access log on, to a "
         "file; wrk on the same 2 cores as the server (it takes CPU from it); top %d; "
         "warm: after one pass over the query set" % bench.LIMIT, ""]
    for r in results:
        L += ["### HTTP on %s: %s (%d queries)" % (r["name"], r["desc"], r["queries"]), ""]
        if r.get("load_start") is not None:
            L += ["Load average (1 min) when this corpus started / ended: %.2f / %.2f (other work "
                  "on the machine shows here)." % (r["load_start"], r.get("load_end") or 0), ""]
        L += ["| run | p50, ms | p99, ms | q/s | errors |", "|---|---|---|---|---|"]
        s = r["serve1"]
        L.append("| `--serve`, 1 client (serve-client) | %s | %s | %s | – |" % (
            cell(s, "p50"), cell(s, "p99"), cell(s, "qps")))
        for k in ("client1", "client8", "client32"):
            d = r.get(k, {})
            L.append("| HTTP, %s keep-alive client%s (http-client) | %s | %s | %s | %s |" % (
                k[6:], "" if k == "client1" else "s", cell(d, "p50"), cell(d, "p99"),
                cell(d, "qps"), "n/a" if "na" in d else d.get("errors", 0)))
        for k, label in (("http1", "HTTP, 1 keep-alive connection (wrk)"),
                         ("http8", "HTTP, 8 connections (wrk)"),
                         ("http32", "HTTP, 32 connections (wrk)"),
                         ("threads1", "HTTP, 8 connections, `--threads 1` (wrk)"),
                         ("threads2", "HTTP, 8 connections, `--threads 2` (wrk)")):
            d = r.get(k, {})
            err = "n/a" if "na" in d else "%d non-2xx%s" % (d.get("non2xx", 0), (
                ", " + d["socket_errors"]) if d.get("socket_errors") else "")
            L.append("| %s | %s | %s | %s | %s |" % (label, cell(d, "p50"), cell(d, "p99"),
                                                    cell(d, "qps"), err))
        L.append("")
        L += ["| target | measured | status |", "|---|---|---|"]
        for t in targets(r):
            L.append("| %s | %s | %s |" % t)
        notes = ["%s: %s" % (k, v["na"]) for k, v in r.items() if isinstance(v, dict) and "na" in v]
        if notes:
            L += ["", "Not available: " + "; ".join(notes) + "."]
        L.append("")
    if soaked:
        L += ["### Soak (sample KB)", ""]
        if "na" in soaked:
            L.append("Not available: %s." % soaked["na"])
        else:
            grow = soaked["rss_after_kb"] - soaked["rss_before_kb"]
            L += ["| figure | measured |", "|---|---|",
                  "| requests (8 keep-alive connections) | %s in %.0f s, %d non-2xx |" % (
                      "{:,}".format(soaked["requests"]), soaked["seconds"], soaked.get("non2xx", 0)),
                  "| VmRSS before / after, MB | %.1f / %.1f (%+.1f MB) |" % (
                      soaked["rss_before_kb"] / 1024, soaked["rss_after_kb"] / 1024, grow / 1024),
                  "| open files before / after 10,000 connections opened and dropped | %d / %d |" % (
                      soaked["fds_before"], soaked["fds_after"]),
                  "| exit status after SIGTERM | %s |" % soaked["exit"]]
        L.append("")
    return "\n".join(L)


def targets(r):
    out = []
    s, h1, h32 = r.get("serve1", {}), r.get("client1", {}), r.get("client32", {})
    if "na" not in s and "na" not in h1 and h1.get("p50") is not None:
        d = h1["p50"] - s["p50"]
        out.append(("HTTP p50 within 0.2 ms of `--serve`, 1 client", "%+.3f ms (%s vs %s)" % (
            d, fmt(h1["p50"]), fmt(s["p50"])), "met" if d <= 0.2 else "missed (%.3f ms over)" % (d - 0.2)))
    else:
        out.append(("HTTP p50 within 0.2 ms of `--serve`, 1 client", "not available", "n/a"))
    if r["name"] != "sample":
        if "na" not in h32 and h32.get("p99") is not None:
            out.append(("HTTP p99 < 10 ms at 32 clients", fmt(h32["p99"], " ms"),
                        "met" if h32["p99"] < 10 else "missed (%s ms over)" % fmt(h32["p99"] - 10)))
        else:
            out.append(("HTTP p99 < 10 ms at 32 clients", "not available", "n/a"))
    t1, t2 = r.get("threads1", {}), r.get("threads2", {})
    if "na" not in t1 and "na" not in t2 and t1.get("qps"):
        x = t2["qps"] / t1["qps"]
        out.append(("throughput grows with the second core (8 connections, 2 vs 1 threads)",
                    "%.2fx (%s vs %s q/s)" % (x, fmt(t2["qps"]), fmt(t1["qps"])),
                    "met" if x > 1.15 else "missed"))
    return out


def machine():
    def cmd(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            return "?"
    w = cmd(["wrk", "--version"]) or subprocess.run(["wrk", "--version"], capture_output=True,
                                                    text=True).stderr
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "commit": cmd(["git", "-C", bench.TOP, "rev-parse", "--short", "HEAD"]),
            "wrk": (w.splitlines() or ["wrk ?"])[0].split(" Copyright")[0]}


def replace_section(path, text):
    old = ""
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
    i = old.find("\n## HTTP\n")
    base = old[:i + 1] if i >= 0 else old
    with open(path, "w") as f:
        f.write(base.rstrip("\n") + "\n\n" + text + "\n")


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("full", "quick"):
        sys.exit("usage: httpbench.py full|quick")
    mode = sys.argv[1]
    if not shutil.which("wrk"):
        sys.exit("httpbench: wrk is not installed (scripts/deps.sh bench installs it)")
    os.makedirs(BIN, exist_ok=True)
    for drv in ("serve-client", "http-client"):
        exe, src = os.path.join(BIN, drv), os.path.join(HERE, drv + ".c")
        if not os.access(exe, os.X_OK) or os.path.getmtime(src) > os.path.getmtime(exe):
            subprocess.run(["cc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-o", exe, src,
                            "-lpthread"], check=True)
    os.makedirs(os.path.join(WORK, "queries"), exist_ok=True)
    secs = int(os.environ.get("HTTP_SECONDS", "10" if mode == "full" else "4"))
    names = ["sample", "gen-100k"] if mode == "full" else ["sample"]
    only = [s for s in os.environ.get("BENCH_CORPORA", "").split(",") if s]
    if only:
        names = [n for n in names if n in only]
    t0 = time.time()
    mach = machine()
    results = []
    for name in names:
        results.append(bench_corpus(name, mode, secs))
    n = int(os.environ.get("HTTP_SOAK", "1000000" if mode == "full" else "100000"))
    log("soak: %d requests, then 10,000 connections" % n)
    soaked = measure(soak, n) if "sample" in names else None
    text = render(mode, results, soaked, mach, time.time() - t0)
    with open(os.path.join(WORK, "results-http-%s.json" % mode), "w") as f:
        json.dump({"machine": mach, "results": results, "soak": soaked}, f, indent=1)
    out = os.path.join(HERE, "RESULTS.md" if mode == "full" else "RESULTS-quick.md")
    if only:
        out = os.path.join(WORK, "RESULTS-http-%s-%s.md" % (mode, "-".join(names)))
        with open(out, "w") as f:
            f.write(text + "\n")
    else:
        replace_section(out, text)
    print(text)
    log("wrote %s" % os.path.relpath(out, bench.TOP))


if __name__ == "__main__":
    main()
