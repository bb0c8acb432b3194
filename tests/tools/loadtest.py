#!/usr/bin/python3
"""loadtest.py - two kb-search --serve processes answer queries while
kb-index re-indexes the same index in a loop.

    loadtest.py --bin BUILD --work DIR [--queries N] [--seconds S] [--max-seconds S]

Prints TAP-like lines; exits 1 if any check failed.  Python 3 standard
library only.

The KB is the sample KB (kb/) plus generated filler articles, so that a
--full run takes a noticeable time.  One thread per server writes a
request, reads the response line, checks it, and goes on: searches (the
officers' questions of tests/relevance/queries.tsv, with and without
filters), show, escalation and health.  Meanwhile kb-index runs without a
pause, alternating --full rebuilds and incremental runs after edits (filler
articles rewritten, one added, one deleted).  The run lasts until at least
N queries were answered and S seconds passed (at most --max-seconds); any
error response, lost line or failed index run fails the test.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time

import tap
from tap import fail, ok


def filler(n, mark):
    return ("---\nid: filler-%04d\ntitle: Filler note %d %s\ncategory: guidance\n"
            "tags: [filler]\nquestions: [what does filler note %d say]\n---\n"
            "Filler text %s about cards, payments, fees and the app, number %d.\n\n"
            "## More\nA second section, %s.\n" % (n, n, mark, n, mark, n, mark))


def load_queries(top):
    qs = []
    with open(os.path.join(top, "tests/relevance/queries.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            q = line.split("\t")[0].strip()
            if q:
                qs.append(q)
    return qs


class Driver(threading.Thread):
    """Sends requests to one server, one at a time, and checks each answer."""

    def __init__(self, name, binary, db, queries, ids, stop, seed):
        super().__init__(daemon=True)
        self.name = name
        self.p = subprocess.Popen([binary, "--db", db, "--serve"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.queries = queries
        self.ids = ids
        self.stop = stop
        self.rng = random.Random(seed)
        self.count = 0
        self.errors = []
        self.latencies = []

    def request(self, n):
        r = self.rng.random()
        if r < 0.80:
            req = {"id": n, "q": self.rng.choice(self.queries), "limit": 5}
            if r < 0.10:
                req["category"] = self.rng.choice(["troubleshooting", "policy", "product"])
        elif r < 0.90:
            req = {"id": n, "op": "show", "article": self.rng.choice(self.ids)}
        elif r < 0.97:
            req = {"id": n, "op": "escalation", "article": self.rng.choice(self.ids)}
        else:
            req = {"id": n, "op": "health"}
        return req

    def check(self, req, resp):
        if resp.get("id") != req["id"]:
            return "answer to %r came for request %r" % (resp.get("id"), req["id"])
        if "error" in resp:
            return "error for %s: %s" % (json.dumps(req), json.dumps(resp["error"]))
        op = req.get("op", "search")
        if op == "search" and not isinstance(resp.get("results"), list):
            return "search without results: %s" % json.dumps(resp)[:200]
        if op == "show" and resp.get("article", {}).get("id") != req["article"]:
            return "show of %s returned %s" % (req["article"], json.dumps(resp)[:200])
        if op == "health" and not resp.get("ok"):
            return "health not ok: %s" % json.dumps(resp)[:200]
        return None

    def run(self):
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                req = self.request(n)
                t0 = time.monotonic()
                self.p.stdin.write(json.dumps(req).encode() + b"\n")
                self.p.stdin.flush()
                line = self.p.stdout.readline()
                self.latencies.append(time.monotonic() - t0)
                if not line:
                    self.errors.append("server closed its output after %d answers" % self.count)
                    return
                self.count += 1
                problem = self.check(req, json.loads(line))
                if problem:
                    self.errors.append(problem)
                    if len(self.errors) > 20:
                        return
        except Exception as e:  # noqa: BLE001 - reported as a failure
            self.errors.append("driver: %r" % e)

    def ask(self, req):
        self.p.stdin.write(json.dumps(req).encode() + b"\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.close()
        rc = self.p.wait(timeout=60)
        return rc, self.p.stderr.read().decode(errors="replace")


class Indexer(threading.Thread):
    """Re-indexes in a loop: --full, then edits and an incremental run."""

    def __init__(self, binary, db, kb, n_filler, stop, seed):
        super().__init__(daemon=True)
        self.binary, self.db, self.kb = binary, db, kb
        self.stop = stop
        self.rng = random.Random(seed)
        self.live = list(range(n_filler))
        self.next = n_filler
        self.runs = {"full": 0, "incremental": 0}
        self.errors = []
        self.seconds = {"full": 0.0, "incremental": 0.0}
        self.last_added = None

    def path(self, n):
        return os.path.join(self.kb, "filler", "filler-%04d.md" % n)

    def write(self, n, mark):
        p = self.path(n)
        with open(p + ".new", "w") as f:
            f.write(filler(n, mark))
        os.rename(p + ".new", p)

    def edit(self, rnd):
        for n in self.rng.sample(self.live, min(40, len(self.live))):
            self.write(n, "round%d" % rnd)
        gone = self.rng.choice(self.live)
        self.live.remove(gone)
        os.unlink(self.path(gone))
        self.write(self.next, "round%d" % rnd)
        self.live.append(self.next)
        self.last_added = "filler-%04d" % self.next
        self.next += 1

    def run(self):
        rnd = 0
        while not self.stop.is_set():
            rnd += 1
            full = rnd % 2 == 1
            if not full:
                self.edit(rnd)
            kind = "full" if full else "incremental"
            t0 = time.monotonic()
            p = subprocess.run([self.binary, "--quiet", "--db", self.db] +
                               (["--full"] if full else []) + [self.kb],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.seconds[kind] += time.monotonic() - t0
            if p.returncode != 0:
                self.errors.append("kb-index %s exited %d: %s" % (
                    kind, p.returncode, p.stderr.decode(errors="replace")[:300]))
                return
            self.runs[kind] += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--top", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    ap.add_argument("--queries", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--max-seconds", type=float, default=120)
    ap.add_argument("--filler", type=int, default=800)
    args = ap.parse_args()
    bindir = os.path.join(args.work, "bin")
    os.makedirs(bindir, exist_ok=True)
    for prog in ("kb-index", "kb-search"):
        shutil.copy2(os.path.join(args.bin, prog), bindir)
    index_bin = os.path.join(bindir, "kb-index")
    search_bin = os.path.join(bindir, "kb-search")
    kb = os.path.join(args.work, "kb")
    db = os.path.join(args.work, "index")
    shutil.copytree(os.path.join(args.top, "kb"), kb)
    os.makedirs(os.path.join(kb, "filler"))
    for n in range(args.filler):
        with open(os.path.join(kb, "filler", "filler-%04d.md" % n), "w") as f:
            f.write(filler(n, "round0"))
    p = subprocess.run([index_bin, "--quiet", "--db", db, kb], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        fail("index the KB (exit %d)" % p.returncode, p.stderr.decode().splitlines())
        return 1
    queries = load_queries(os.path.abspath(args.top))
    ids = []
    for root, _, files in os.walk(os.path.join(args.top, "kb")):
        ids += [f[:-3] for f in files if f.endswith(".md")]
    ids.sort()
    ok("indexed %d sample and %d filler articles; %d queries to ask"
       % (len(ids), args.filler, len(queries)))

    stop = threading.Event()
    drivers = [Driver("server %d" % i, search_bin, db, queries, ids, stop, 100 + i)
               for i in (1, 2)]
    indexer = Indexer(index_bin, db, kb, args.filler, stop, 7)
    t0 = time.monotonic()
    for t in drivers + [indexer]:
        t.start()
    while True:
        time.sleep(0.2)
        el = time.monotonic() - t0
        total = sum(d.count for d in drivers)
        done = total >= args.queries and el >= args.seconds and min(indexer.runs.values()) >= 2
        broken = any(d.errors for d in drivers) or indexer.errors or not indexer.is_alive()
        if done or broken or el >= args.max_seconds:
            break
    stop.set()
    indexer.join(timeout=120)
    for d in drivers:
        d.join(timeout=30)
    elapsed = time.monotonic() - t0
    total = sum(d.count for d in drivers)
    runs = indexer.runs

    if indexer.errors:
        fail("kb-index runs in the loop succeed", indexer.errors)
    else:
        ok("kb-index ran %d times in %.0f s (%d --full, %.2f s each; %d incremental, %.2f s "
           "each)" % (runs["full"] + runs["incremental"], elapsed, runs["full"],
                      indexer.seconds["full"] / max(runs["full"], 1), runs["incremental"],
                      indexer.seconds["incremental"] / max(runs["incremental"], 1)))
    for d in drivers:
        if d.errors:
            fail("%s: no error response (%d answered)" % (d.name, d.count), d.errors)
    # Both servers see the last change without a restart.
    if indexer.last_added:
        for d in drivers:
            try:
                r = d.ask({"id": "last", "op": "show", "article": indexer.last_added})
                if r.get("article", {}).get("id") == indexer.last_added:
                    ok("%s sees the article added by the last run" % d.name)
                else:
                    fail("%s sees the article added by the last run" % d.name, [json.dumps(r)])
            except Exception as e:  # noqa: BLE001
                fail("%s answers after the load" % d.name, [repr(e)])
    for d in drivers:
        rc, err = d.close()
        if rc != 0:
            fail("%s exits 0 at EOF (got %d)" % (d.name, rc), err.splitlines())
    lat = sorted(x for d in drivers for x in d.latencies)
    p50 = lat[len(lat) // 2] * 1000 if lat else 0
    p99 = lat[int(len(lat) * 0.99)] * 1000 if lat else 0
    rate = total / elapsed if elapsed else 0
    summary = ("%d queries answered by 2 servers during %d index runs in %.1f s: %.0f "
               "queries/s, p50 %.2f ms, p99 %.2f ms, per server %s"
               % (total, runs["full"] + runs["incremental"], elapsed, rate, p50, p99,
                  "/".join(str(d.count) for d in drivers)))
    errors = sum(len(d.errors) for d in drivers)
    if total >= args.queries and not errors:
        ok(summary + ", no error response")
    else:
        fail(summary + ", %d error responses (want at least %d answers, none an error)"
             % (errors, args.queries))
    return 1 if tap.failures else 0


if __name__ == "__main__":
    sys.exit(main())
