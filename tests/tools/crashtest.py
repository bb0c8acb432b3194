#!/usr/bin/python3
"""crashtest.py - kill kb-index with SIGKILL at many points and check that
the index always holds the old or the new state of every article.

    crashtest.py --bin BUILD --work DIR [--articles N] [--rounds N]

Prints TAP-like lines ("ok - ..." / "not ok - ..."); exits 1 if any check
failed.  Python 3 standard library only.

A KB of N small articles (more than one 1000-article commit batch) is
indexed.  Each round then rewrites every article with a new round marker
(in the title and in both sections), deletes a few articles and adds a few,
starts kb-index (incremental and --full rounds alternate) and kills it with
SIGKILL:

  * after a delay, a fraction of how long such a run takes here, spread so
    that kills land early (scanning, parsing, before the first commit), in
    the middle (between the 1000-article commits; inside the build of the
    new generation) and late (the last commit; the stub switch);
  * when strace is installed, also at exact system calls: SIGKILL injected
    on the Nth rename(2) (Xapian's version file at the creation and at each
    commit of a database, and the stub rename of --full), on the fsync(2)
    of the new stub, and on the first rmdir(2) of pruning the generation
    before the previous one.

Where each kill landed is read from what it left: how many articles are in
the new state (incremental), whether the stub moved and a new stub was left
half-written (--full).

After each kill one `kb-search --serve` process answers health, a search
and a `show` of every article id: every article must be in the state of
the last complete run or the new one (title and body from the same state),
missing only if it was deleted in this round, and the index must hold no
orphan or doubled section documents.  Then kb-index runs to the end (no
stale lock) and every article must be in the new state.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import tap
from tap import fail, ok

BATCH = 1000


def article_text(aid, mark):
    n = int(aid.split("-")[1])
    return (
        "---\n"
        "id: %s\n"
        "title: Article %d %s about cards\n"
        "category: policy\n"
        "tags: [t%d]\n"
        "questions: [how about article %d]\n"
        "---\n"
        "Body of %s, marker %s. Words about card fees, top up and transfers.\n"
        "\n"
        "## Details\n"
        "Second section of %s, marker %s.\n" % (aid, n, mark, n % 7, n, aid, mark, aid, mark)
    )


def path_of(kb, aid):
    n = int(aid.split("-")[1])
    return os.path.join(kb, "d%02d" % (n % 25), aid + ".md")


def write_article(kb, aid, mark):
    p = path_of(kb, aid)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    # A new file renamed over the old one: on ext4 rewriting in place is
    # slower still (truncated files are flushed on close).
    with open(p + ".new", "w") as f:
        f.write(article_text(aid, mark))
    os.rename(p + ".new", p)


class Server:
    """One kb-search --serve process driven through pipes."""

    def __init__(self, binary, db):
        self.p = subprocess.Popen([binary, "--db", db, "--serve"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def ask_many(self, reqs, chunk=64):
        out = []
        for i in range(0, len(reqs), chunk):
            part = reqs[i:i + chunk]
            self.p.stdin.write(b"".join(json.dumps(r).encode() + b"\n" for r in part))
            self.p.stdin.flush()
            for _ in part:
                line = self.p.stdout.readline()
                if not line:
                    raise RuntimeError("server closed its output: "
                                       + self.p.stderr.read().decode(errors="replace")[:300])
                out.append(json.loads(line))
        return out

    def close(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        rc = self.p.wait(timeout=30)
        err = self.p.stderr.read().decode(errors="replace")
        return rc, err


def marker_of(article):
    """The round marker in the title and in the body (must agree)."""
    t = [w for w in article.get("title", "").split() if w.startswith("mk")]
    b = {w.strip(".,") for w in article.get("body", "").split() if w.startswith("mk")}
    return (t[0] if t else None), b


def check_index(search_bin, db, expect, label, shape):
    """EXPECT: id -> set of acceptable markers (None = may be missing).
    Returns (ok, counts) where counts maps 'old'/'new'/'missing'."""
    problems = []
    counts = {}
    try:
        srv = Server(search_bin, db)
        ids = sorted(expect)
        reqs = [{"id": "health", "op": "health"},
                {"id": "search", "q": "card fees top up", "limit": 5}]
        reqs += [{"id": i, "op": "show", "article": i} for i in ids]
        resp = srv.ask_many(reqs)
        rc, err = srv.close()
    except Exception as e:  # noqa: BLE001 - any failure is a failed check
        fail("%s: the index opens and answers" % label, [repr(e)])
        return False, counts
    h, s = resp[0], resp[1]
    if "error" in h or not h.get("ok"):
        problems.append("health: %s" % json.dumps(h)[:200])
    if "error" in s or not s.get("results"):
        problems.append("search: %s" % json.dumps(s)[:200])
    if rc != 0:
        problems.append("server exit status %d: %s" % (rc, err[:200]))
    present = 0
    for r in resp[2:]:
        aid = r["id"]
        allowed = expect[aid]
        if "error" in r:
            if r["error"].get("code") == "not_found" and None in allowed:
                counts[allowed[None]] = counts.get(allowed[None], 0) + 1
                continue
            problems.append("%s: %s" % (aid, json.dumps(r["error"])))
            continue
        present += 1
        a = r.get("article", {})
        tmark, bmarks = marker_of(a)
        if a.get("id") != aid or len(bmarks) != 1 or tmark not in bmarks:
            problems.append("%s: mixed state: title %s, body %s" % (aid, tmark, sorted(bmarks)))
            continue
        if tmark not in allowed:
            problems.append("%s: marker %s, want one of %s" % (aid, tmark, sorted(
                m for m in allowed if m)))
            continue
        kind = allowed[tmark] if isinstance(allowed, dict) else "state"
        counts[kind] = counts.get(kind, 0) + 1
    if "error" not in h:
        if h.get("articles") != present:
            problems.append("health says %s articles, show finds %d" % (h.get("articles"), present))
        per, extra = shape
        if h.get("documents") != present * per + extra:
            problems.append("%s documents for %d articles (want %d each and %d more): orphans "
                            "or doubles" % (h.get("documents"), present, per, extra))
    if problems:
        fail(label, problems)
        return False, counts
    return True, counts


def gens(db):
    try:
        return sorted(n for n in os.listdir(db) if n.startswith("gen-"))
    except OSError:
        return []


def stub(db):
    try:
        with open(os.path.join(db, "XAPIANDB")) as f:
            return f.read().split()[-1]
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--kb", help="the KB folder (default WORK/kb); a tmpfs saves time")
    ap.add_argument("--articles", type=int, default=2500)
    ap.add_argument("--rounds", type=int, default=24)
    ap.add_argument("--seed", type=int, default=6)
    args = ap.parse_args()
    # Private copies: a rebuild of BUILD during the run must not swap the
    # programs under the test.
    bindir = os.path.join(args.work, "bin")
    os.makedirs(bindir, exist_ok=True)
    for prog in ("kb-index", "kb-search"):
        shutil.copy2(os.path.join(args.bin, prog), bindir)
    index_bin = os.path.join(bindir, "kb-index")
    search_bin = os.path.join(bindir, "kb-search")
    kb = args.kb or os.path.join(args.work, "kb")
    db = os.path.join(args.work, "index")
    rng = random.Random(args.seed)
    t_start = time.monotonic()
    env = dict(os.environ)

    def run_index(full, extra_prefix=()):
        cmd = list(extra_prefix) + [index_bin, "--quiet", "--db", db] + (["--full"] if full
                                                                           else []) + [kb]
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def complete(full):
        t0 = time.monotonic()
        p = run_index(full)
        out, err = p.communicate(timeout=300)
        return p.returncode, err.decode(errors="replace"), time.monotonic() - t0

    # --- the KB and its first index ----------------------------------------
    live = ["a-%04d" % i for i in range(args.articles)]
    state = {}
    for aid in live:
        write_article(kb, aid, "mk000")
        state[aid] = "mk000"
    rc, err, t_full = complete(True)
    if rc != 0:
        fail("first index of %d articles (exit %d)" % (len(live), rc), err.splitlines())
        return 1
    srv = Server(search_bin, db)
    h = srv.ask_many([{"op": "health"}])[0]
    srv.close()
    # Every article has the same shape, so the index holds PER documents an
    # article (sections, questions, the article) and EXTRA others.
    per = h["documents"] // max(h["articles"], 1)
    shape = (per, h["documents"] - per * h["articles"])
    ok("indexed %d articles (%d documents), --full in %.2f s"
       % (h["articles"], h["documents"], t_full))
    for aid in live:
        write_article(kb, aid, "mk001")
        state[aid] = "mk001"
    rc, err, t_incr = complete(False)
    if rc != 0:
        fail("incremental run over every article (exit %d)" % rc, err.splitlines())
        return 1
    ok("incremental run rewriting all %d articles (%d commits of %d) in %.2f s"
       % (len(live), (len(live) + BATCH - 1) // BATCH, BATCH, t_incr))
    durations = {False: t_incr, True: t_full}

    # --- the kill schedule ---------------------------------------------------
    have_strace = shutil.which("strace") is not None
    timed = {
        False: [0.03, 0.12, 0.22, 0.32, 0.42, 0.52, 0.62, 0.72, 0.85],
        True: [0.03, 0.18, 0.33, 0.48, 0.63, 0.8, 0.93],
    }
    exact = {
        False: [("rename", 1, "at the 1st commit's version rename"),
                ("rename", 2, "at the 2nd commit's version rename"),
                ("rename", 3, "at the last commit's version rename")],
        True: [("rename", 1, "at the creation of the new generation"),
               ("rename", 2, "at the new generation's commit"),
               ("fsync", 1, "at the fsync of the new stub"),
               ("rename", 3, "at the stub rename"),
               ("rmdir", 1, "after the switch, pruning the old generation")],
    }
    plan = {}
    for full in (False, True):
        steps = [("delay", f, None) for f in timed[full]]
        if have_strace:
            steps += [("strace",) + e for e in exact[full]]
        else:
            # Without strace: more timed kills, packed towards the end.
            steps += [("delay", f, None) for f in (0.88, 0.91, 0.95, 0.97, 0.99)[:len(exact[full])]]
        plan[full] = steps
    if not have_strace:
        ok("strace not installed: exact syscall kill points replaced by timed ones # SKIP")
    rounds = []
    for k in range(args.rounds):
        full = k % 2 == 1
        steps = plan[full]
        rounds.append((full, steps[(k // 2) % len(steps)]))

    # --- the rounds ------------------------------------------------------------
    survived = 0
    completed_early = 0
    where = {}
    next_new = args.articles
    for k, (full, step) in enumerate(rounds):
        rnd = k + 2
        t_round = time.monotonic()
        mark = "mk%03d" % rnd
        mode = "--full" if full else "incremental"
        old = dict(state)
        # Edits: every article rewritten, three deleted, three added.
        deleted = set(rng.sample(sorted(old), 3))
        added = ["n-%04d" % (next_new + i) for i in range(3)]
        next_new += 3
        for aid in deleted:
            os.unlink(path_of(kb, aid))
        for aid in sorted(old):
            if aid not in deleted:
                write_article(kb, aid, mark)
        for aid in added:
            write_article(kb, aid, mark)
        expect = {}
        for aid, m in old.items():
            expect[aid] = {m: "old", None: "gone"} if aid in deleted else {m: "old", mark: "new"}
        for aid in added:
            expect[aid] = {None: "not yet", mark: "new"}

        t_edit = time.monotonic()
        stub_before = stub(db)
        if step[0] == "delay":
            delay = durations[full] * step[1]
            how = "after %.3f s (%.0f%% of a run)" % (delay, step[1] * 100)
            p = run_index(full)
            time.sleep(delay)
            try:
                os.kill(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            _, call, nth, what = step
            how = "by strace, SIGKILL on %s #%d (%s)" % (call, nth, what)
            p = run_index(full, ["strace", "-f", "-qq", "-o", "/dev/null", "-e",
                                 "trace=" + call, "-e",
                                 "inject=%s:signal=KILL:when=%d" % (call, nth)])
        out, err = p.communicate(timeout=300)
        t_kill = time.monotonic()
        killed = p.returncode == -signal.SIGKILL or p.returncode == 128 + signal.SIGKILL
        label = "round %d (%s, killed %s)" % (rnd, mode, how)
        if not killed:
            if p.returncode != 0:
                fail("%s: kb-index exited %d before the kill" % (label, p.returncode),
                     err.decode(errors="replace").splitlines())
            else:
                completed_early += 1
        stub_after = stub(db)
        leftovers = [n for n in os.listdir(db) if n.startswith("XAPIANDB.tmp")]
        good, counts = check_index(search_bin, db, expect,
                                   "round %d: after the kill the index answers and every "
                                   "article is old or new" % rnd, shape)
        n_new = counts.get("new", 0)
        n_changed = len(old) - len(deleted) + len(added)
        if not killed:
            point = "run finished before the kill"
        elif full:
            if stub_after == stub_before:
                point = "before the stub switch"
                if leftovers:
                    point = "during the stub switch (new stub written, not renamed)"
            else:
                point = "after the stub switch"
                if len(gens(db)) > 2:
                    point += ", before pruning finished"
        else:
            if n_new == 0:
                point = "before the first commit"
            elif n_new < n_changed:
                point = "between batch commits"
            else:
                point = "after the last commit"
        if good:
            ok("%s: index answers, %d old, %d new, %d deleted ones gone, %d added ones not yet "
               "there; landed %s" % (label, counts.get("old", 0), n_new, counts.get("gone", 0),
                                    counts.get("not yet", 0), point))
            if killed:
                survived += 1
                where[(mode, point)] = where.get((mode, point), 0) + 1
        # The next run completes and brings everything up to date.
        t_check = time.monotonic()
        rc, err, secs = complete(full)
        if rc != 0:
            fail("round %d: the next %s run completes (exit %d)" % (rnd, mode, rc),
                 err.splitlines())
        else:
            durations[full] = 0.5 * durations[full] + 0.5 * secs
        state = {aid: mark for aid in list(old) + added if aid not in deleted}
        final = {aid: {mark: "new"} for aid in state}
        for aid in deleted:
            final[aid] = {None: "gone"}
        good2, _ = check_index(search_bin, db, final, "round %d: the next %s run completes "
                               "and every article is new" % (rnd, mode), shape)
        if rc == 0 and good2:
            ok("round %d: the next %s run completes in %.2f s; all %d articles new, %d deleted "
               "gone" % (rnd, mode, secs, len(state), len(deleted)))
        print("# round %d: %.2f s edits, %.2f s run to the kill, %.2f s checks, %.2f s next "
              "run, %.2f s checks" % (rnd, t_edit - t_round, t_kill - t_edit, t_check - t_kill,
                                      secs, time.monotonic() - t_check - secs), flush=True)
        n_gens = len(gens(db))
        tmp = [n for n in os.listdir(db) if n.startswith("XAPIANDB.tmp")]
        if n_gens > 3 or tmp:
            fail("round %d: index directory tidy: %d generations, %d stale stub files"
                 % (rnd, n_gens, len(tmp)), sorted(os.listdir(db)))

    kills = sum(1 for _ in rounds) - completed_early
    summary = ", ".join("%s %s: %d" % (m, p, n) for (m, p), n in sorted(where.items()))
    print("# kill points: " + summary, flush=True)
    if survived >= 20:
        ok("%d kill points survived out of %d kills (%d runs finished before the kill), %d "
           "rounds in %.0f s" % (survived, kills, completed_early, len(rounds),
                                 time.monotonic() - t_start))
    else:
        fail("only %d kill points survived (want at least 20; %d runs finished before the "
             "kill)" % (survived, completed_early))
    return 1 if tap.failures else 0


if __name__ == "__main__":
    sys.exit(main())
