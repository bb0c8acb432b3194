#!/usr/bin/python3
"""bench.py - kb against its peers, on the same machine, corpora and queries.

    tests/bench/bench.py full|quick

Run by tests/bench/run.sh (which builds the drivers first); see
tests/bench/README.md for what each figure means.  Writes
tests/bench/RESULTS.md (full) or tests/bench/RESULTS-quick.md (quick),
the raw figures as JSON under tests/bench/work/, and prints the tables and
the ratios.  Every step has a time limit; a step that fails or a program
that is not there yet gives "not available" in its cell, never a failed
run.

Environment:
  BUILDDIR        where kb was built (default build)
  BENCH_CORPORA   comma-separated subset of the corpora of the mode
  BENCH_SKIP      comma-separated steps to skip: omega, rg, fts5,
                  floor-build, kb-build (reuse the index), assistant
"""
import json
import math
import os
import platform
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(HERE, "work")
BIN = os.path.join(WORK, "bin")
BUILDDIR = os.environ.get("BUILDDIR", "build")
if not os.path.isabs(BUILDDIR):
    BUILDDIR = os.path.join(TOP, BUILDDIR)
KB_INDEX = os.path.join(BUILDDIR, "kb-index")
KB_SEARCH = os.path.join(BUILDDIR, "kb-search")
KB_ASSISTANT = os.path.join(BUILDDIR, "kb-assistant")
FLOOR = os.path.join(BUILDDIR, "tests", "bench-xapian-floor")
TLDR = "/work/shared/corpora/tldr-pages"
if not os.path.isdir(TLDR):
    TLDR = os.path.normpath(os.path.join(TOP, "..", "shared", "corpora", "tldr-pages"))
SKIP = set(s for s in os.environ.get("BENCH_SKIP", "").split(",") if s)
LIMIT = 10

# Per mode: the corpora, and how many queries each measure uses.
MODES = {
    "quick": {
        "corpora": ["sample", "tldr-7k"],
        "warm": 300, "json": 50, "quest": 50, "sqlite": 50, "rg": 20,
        "assistant": 10, "changed": 2,
    },
    "full": {
        "corpora": ["sample", "gen-10k", "tldr-7k", "gen-100k", "tldr-100k"],
        "warm": 400, "json": 100, "quest": 100, "sqlite": 100, "rg": 30,
        "assistant": 20, "changed": 3,
    },
}

CORPORA = {
    "sample": {"desc": "the sample KB (kb/)", "big": False},
    "gen-10k": {"desc": "generated KB, 10,000 articles (gen-kb.py, seed 7)", "big": False},
    "gen-100k": {"desc": "generated KB, 100,000 articles (gen-kb.py, seed 7)", "big": True},
    "tldr-7k": {"desc": "tldr-pages (7,400+ pages, with only a category added as front matter)",
                "big": False},
    "tldr-100k": {"desc": "tldr-pages scaled up to 100,000 files (gen-tldr.py)", "big": True},
}


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


class NA(Exception):
    """A measure that cannot be taken: the reason goes in the table."""


# ------------------------------------------------------------------
# Statistics

def pct(xs, p):
    """Nearest-rank percentile of XS."""
    s = sorted(xs)
    if not s:
        return None
    k = max(1, int(math.ceil(p / 100.0 * len(s))))
    return s[k - 1]


def summary(ms):
    return {"n": len(ms), "p50": pct(ms, 50), "p95": pct(ms, 95), "p99": pct(ms, 99),
            "mean": sum(ms) / len(ms) if ms else None, "max": max(ms) if ms else None}


# ------------------------------------------------------------------
# Running things

def run(cmd, timeout, cwd=None, env=None, stdin=subprocess.DEVNULL):
    """Run CMD; returns (rc, stdout, stderr, wall seconds).  Raises NA on a
    missing program or the time limit."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, cwd=cwd, env=env)
    except FileNotFoundError:
        raise NA("%s not found" % cmd[0])
    except subprocess.TimeoutExpired:
        raise NA("timed out after %d s" % timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace"), time.perf_counter() - t0


def timed_v(cmd, timeout, cwd=None):
    """CMD under /usr/bin/time -v: (rc, stdout, stderr, wall s, peak RSS MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        rc, out, err, wall = run(["/usr/bin/time", "-v", "-o", tf.name] + cmd, timeout, cwd=cwd)
        text = tf.read()
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if rc == 127 or (rc != 0 and "No such file" in err and not out):
        raise NA("%s not found" % cmd[0])
    return rc, out, err, wall, (int(m.group(1)) / 1024.0 if m else None)


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:160]
    return ""


def du_mb(path):
    try:
        out = subprocess.run(["du", "-sk", path], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, check=True).stdout.decode()
        return int(out.split()[0]) / 1024.0
    except (subprocess.CalledProcessError, ValueError, IndexError):
        return None


def parse_lines(text):
    """Driver output: rows of numbers, and "# key value" lines."""
    rows, meta = [], {}
    for line in text.splitlines():
        if line.startswith("# "):
            parts = line[2:].split()
            if len(parts) >= 2:
                meta.setdefault(parts[0], []).append(parts[1])
        elif line.strip():
            rows.append([float(x) for x in line.split("\t")])
    return rows, meta


def proctime(cmds, timeout=60):
    """Time each command line (a list of argv) as a whole process."""
    with tempfile.NamedTemporaryFile("w", suffix=".cmds", delete=False) as f:
        for argv in cmds:
            f.write("\t".join(argv) + "\n")
        name = f.name
    try:
        rc, out, err, _ = run([os.path.join(BIN, "proctime"), "--timeout", str(timeout), name],
                              timeout * len(cmds) + 60)
    finally:
        os.unlink(name)
    rows, _ = parse_lines(out)
    return rows


def measure(results, key, fn, *args):
    """results[key] = fn(*args), or {"na": reason}."""
    try:
        results[key] = fn(*args)
    except NA as e:
        results[key] = {"na": str(e)}
        log("  %s: not available (%s)" % (key, e))
    except Exception as e:  # a bug in a step must not lose the others
        results[key] = {"na": "error: %s" % e}
        log("  %s: error %r" % (key, e))


# ------------------------------------------------------------------
# Corpora and queries

def stamp_ok(path, want):
    try:
        with open(path) as f:
            return f.read() == want
    except OSError:
        return False


def script_sig(name):
    st = os.stat(os.path.join(HERE, name))
    with open(os.path.join(HERE, name), "rb") as f:
        return "%s:%d:%d" % (name, st.st_size, sum(f.read()) % 1000003)


def prepare_corpus(name):
    """The corpus folder (generated or copied under work/corpora/ if it is
    not there yet or its generator changed)."""
    base = os.path.join(WORK, "corpora")
    os.makedirs(base, exist_ok=True)
    path = os.path.join(base, name)
    stamp = path + ".stamp"
    if name == "sample":
        # Small: copied afresh each run so it follows kb/.
        shutil.rmtree(path, ignore_errors=True)
        shutil.copytree(os.path.join(TOP, "kb"), path)
        return path
    if name.startswith("gen-"):
        n = 10000 if name == "gen-10k" else 100000
        want = "%s n=%d seed=7\n" % (script_sig("gen-kb.py"), n)
        cmd = [sys.executable, os.path.join(HERE, "gen-kb.py"), "--articles", str(n),
               "--seed", "7", "--out", path]
    elif name == "tldr-7k":
        want = "copy of %s, category added\n" % TLDR
        cmd = None
    else:
        want = "%s files=100000, category added\n" % script_sig("gen-tldr.py")
        cmd = [sys.executable, os.path.join(HERE, "gen-tldr.py"), "--src", TLDR,
               "--out", path, "--files", "100000"]
    if stamp_ok(stamp, want) and os.path.isdir(path):
        return path
    log("generating corpus %s" % name)
    shutil.rmtree(path, ignore_errors=True)
    if os.path.exists(stamp):
        os.unlink(stamp)
    t0 = time.time()
    if cmd is None:
        shutil.copytree(TLDR, path)
    else:
        subprocess.run(cmd, check=True, timeout=3600)
    if name.startswith("tldr"):
        add_category(path)
    with open(stamp, "w") as f:
        f.write(want)
    log("  %s ready in %.0f s" % (name, time.time() - t0))
    return path


def add_category(path):
    """Give every Markdown file without front matter the one field the
    article format requires that a plain page lacks (DESIGN.md section 3):
    a category.  The id comes from the file name and the title from the
    first heading, as for any article; kb-index rejects what has none
    (the publish gate), so plain Markdown as is would index nothing."""
    for dirpath, _, filenames in os.walk(path):
        for n in filenames:
            if not n.endswith(".md"):
                continue
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                data = f.read()
            if not data.startswith(b"---"):
                with open(p, "wb") as f:
                    f.write(b"---\ncategory: product\n---\n" + data)


def corpus_files(path):
    files, size = [], 0
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for n in sorted(filenames):
            if n.endswith(".md"):
                p = os.path.join(dirpath, n)
                files.append(p)
                size += os.path.getsize(p)
    files.sort()
    return files, size


def prepare_queries(name, path, count):
    qdir = os.path.join(WORK, "queries")
    os.makedirs(qdir, exist_ok=True)
    out = os.path.join(qdir, name + ".txt")
    subprocess.run([sys.executable, os.path.join(HERE, "gen-queries.py"), "--corpus", path,
                    "--out", out, "--count", str(max(count, 300)), "--seed", "11"],
                   check=True, timeout=600)
    with open(out) as f:
        qs = [q.strip() for q in f if q.strip()]
    if count < len(qs):
        out = os.path.join(qdir, "%s-%d.txt" % (name, count))
        with open(out, "w") as f:
            f.write("\n".join(qs[:count]) + "\n")
        qs = qs[:count]
    return out, qs


def spread(qs, k):
    """K queries spread evenly over QS (deterministic)."""
    if k >= len(qs):
        return list(qs)
    return [qs[i * len(qs) // k] for i in range(k)]


# ------------------------------------------------------------------
# kb

def kb_build(db, kb_dir, timeout):
    shutil.rmtree(db, ignore_errors=True)
    os.makedirs(os.path.dirname(db), exist_ok=True)
    rc, out, err, wall, rss = timed_v([KB_INDEX, "--db", db, "--full", "--json", kb_dir], timeout)
    try:
        j = json.loads(out)
    except ValueError:
        raise NA("kb-index exited %d: %s" % (rc, first_line(err) or "no JSON"))
    if rc not in (0, 1) or not j.get("articles"):
        raise NA("kb-index exited %d: %s" % (rc, first_line(err)))
    if j.get("rejected", 0) > 0.05 * max(j.get("files") or 1, 1):
        raise NA("kb-index rejected %s of %s files: %s" % (j.get("rejected"), j.get("files"),
                                                          first_line(err)))
    return {"seconds": wall, "tool_seconds": j.get("seconds"), "articles": j.get("articles"),
            "sections": j.get("sections"), "rejected": j.get("rejected", 0),
            "files": j.get("files"), "rate": j["articles"] / wall, "rss_mb": rss,
            "size_mb": du_mb(db)}


def kb_index_json(db, kb_dir, timeout=600):
    t0 = time.perf_counter()
    rc, out, err, _ = run([KB_INDEX, "--db", db, "--json", kb_dir], timeout)
    wall = time.perf_counter() - t0
    try:
        j = json.loads(out)
    except ValueError:
        raise NA("kb-index exited %d: %s" % (rc, first_line(err)))
    return wall, j


def kb_nochange(db, kb_dir):
    walls, tool = [], []
    for _ in range(3):
        wall, j = kb_index_json(db, kb_dir)
        if j.get("updated") or j.get("added") or j.get("removed"):
            raise NA("the no-change run changed the index: %s" % j)
        walls.append(wall * 1e3)
        tool.append((j.get("seconds") or 0) * 1e3)
    return {"ms": sorted(walls)[1], "tool_ms": sorted(tool)[1], "runs": walls}


def kb_changed(db, kb_dir, files, k):
    """Append a sentence to one article, re-index, restore it (and its
    mtime), re-index again; K articles spread over the corpus.  Only the
    runs after an edit count.  A file kb does not index (rejected, e.g. a
    duplicate id) is passed over for the next one."""
    walls, tool = [], []
    step = max(1, len(files) // (k + 1))
    cands = [files[(i * step + step // 2) % len(files)] for i in range(1, 4 * k + 2)]
    for i, path in enumerate(cands):
        if len(walls) >= k:
            break
        with open(path, "rb") as f:
            orig = f.read()
        st = os.stat(path)
        try:
            with open(path, "ab") as f:
                f.write(b"\nBenchmark edit %d: the quokka walked past the zebra.\n" % i)
            wall, j = kb_index_json(db, kb_dir)
            if j.get("updated") == 1:
                walls.append(wall * 1e3)
                tool.append((j.get("seconds") or 0) * 1e3)
        finally:
            with open(path, "wb") as f:
                f.write(orig)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
            kb_index_json(db, kb_dir)
    if not walls:
        raise NA("no edited article was re-indexed as 1 updated")
    return {"ms": pct(walls, 50), "tool_ms": pct(tool, 50), "runs": walls}


def serve_check(db):
    """Start kb-search --serve, ask one search, expect one JSON line with
    "results" within 10 s."""
    if not os.access(KB_SEARCH, os.X_OK):
        raise NA("no %s" % KB_SEARCH)
    p = subprocess.Popen([KB_SEARCH, "--db", db, "--serve"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        p.stdin.write(b'{"id":1,"op":"search","q":"help","limit":10}\n')
        p.stdin.flush()
        r, _, _ = select.select([p.stdout], [], [], 10)
        line = p.stdout.readline() if r else b""
        try:
            j = json.loads(line)
        except ValueError:
            j = None
        if not isinstance(j, dict) or "results" not in j:
            p.kill()
            err = p.stderr.read().decode("utf-8", "replace") if p.poll() is not None else ""
            raise NA("kb-search --serve gave %s%s" % (
                repr(line[:60].decode("utf-8", "replace")) if line else "no answer",
                (": " + first_line(err)) if err else ""))
    except BrokenPipeError:
        raise NA("kb-search --serve exited at once")
    finally:
        try:
            p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def kb_serve(db, qfile, clients):
    serve_check(db)
    rc, out, err, _ = run([os.path.join(BIN, "serve-client"), "-c", str(clients), "-n", str(LIMIT),
                           "--warmup", "1", qfile, "--", KB_SEARCH, "--db", db, "--serve"], 1800)
    rows, meta = parse_lines(out)
    if rc != 0 or not rows:
        raise NA("serve-client exited %d: %s" % (rc, first_line(err)))
    s = summary([r[0] for r in rows])
    s["qps"] = float(meta["qps"][0])
    s["errors"] = int(meta["errors"][0])
    s["with_hits"] = sum(1 for r in rows if r[1] > 0) / len(rows)
    s["rss_mb"] = max(int(v) for v in meta["vmhwm_kb"]) / 1024.0
    took = [r[3] for r in rows if len(r) > 3 and r[3] >= 0]
    if took:
        s["took_p50"] = pct(took, 50)
        s["took_p99"] = pct(took, 99)
    return s


def kb_json(db, qs, k):
    if not os.access(KB_SEARCH, os.X_OK):
        raise NA("no %s" % KB_SEARCH)
    rc, out, err, _ = run([KB_SEARCH, "--db", db, "--json", "-n", str(LIMIT), "help"], 30)
    try:
        j = json.loads(out)
    except ValueError:
        j = None
    if not isinstance(j, dict) or "results" not in j:
        raise NA("kb-search --json exited %d with %s" % (rc, first_line(err) or "no JSON"))
    cmds = [[KB_SEARCH, "--db", db, "--json", "-n", str(LIMIT)] + q.split() for q in spread(qs, k)]
    rows = proctime(cmds)
    bad = sum(1 for r in rows if r[1] != 0)
    if bad == len(rows):
        raise NA("every kb-search --json run failed")
    s = summary([r[0] for r in rows])
    s["failed"] = bad
    return s


def kb_assistant(db, runs):
    if not os.access(KB_ASSISTANT, os.X_OK):
        raise NA("no %s" % KB_ASSISTANT)
    rc, out, err, _ = run([os.path.join(BIN, "ptyprompt"), "--runs", str(runs), "--timeout", "10",
                           "--", KB_ASSISTANT, "--db", db], 60 + 12 * runs)
    ms = [float(x) for x in out.split()]
    ok = [x for x in ms if x >= 0]
    if not ok:
        said = ""
        for line in err.splitlines():
            if "the program wrote:" in line:
                said = line.split("the program wrote:", 1)[1].strip()
        raise NA("no \"kb> \" prompt on a terminal within 10 s%s" % (
            ": " + said[:160] if said else ""))
    s = summary(ok)
    s["failed"] = len(ms) - len(ok)
    return s


def kb_assistant_pipe(db, runs):
    """Start-up and exit with stdin not a terminal and empty."""
    if not os.access(KB_ASSISTANT, os.X_OK):
        raise NA("no %s" % KB_ASSISTANT)
    rows = proctime([[KB_ASSISTANT, "--db", db]] * runs)
    if any(r[1] != 0 for r in rows):
        raise NA("kb-assistant < /dev/null exited %d" % int(rows[0][1]))
    return summary([r[0] for r in rows])


# ------------------------------------------------------------------
# The floor and the peers

def warm_driver(argv, timeout, name):
    """A driver that runs the whole query set in one warm process and prints
    "ms<TAB>hits" per query and "# vmhwm_kb N": its latency summary, one
    client's throughput, the share of queries with a hit and its RSS."""
    rc, out, err, _ = run(argv, timeout)
    rows, meta = parse_lines(out)
    if rc != 0 or not rows:
        raise NA("%s exited %d: %s" % (name, rc, first_line(err)))
    s = summary([r[0] for r in rows])
    s["qps"] = 1e3 / s["mean"] if s["mean"] else None
    s["with_hits"] = sum(1 for r in rows if r[1] > 0) / len(rows)
    s["rss_mb"] = int(meta["vmhwm_kb"][0]) / 1024.0
    return s


def floor_query(db, qfile, extra=()):
    if not os.access(FLOOR, os.X_OK):
        raise NA("no %s (make bench builds it)" % FLOOR)
    return warm_driver([FLOOR, "--db", db, "-n", str(LIMIT)] + list(extra) + [qfile], 1800,
                       "bench-xapian-floor")


def floor_build(db, kb_dir, nfiles, timeout):
    if not os.access(FLOOR, os.X_OK):
        raise NA("no %s" % FLOOR)
    shutil.rmtree(db, ignore_errors=True)
    rc, out, err, wall, rss = timed_v([FLOOR, "--build", db, kb_dir], timeout)
    if rc != 0:
        raise NA("bench-xapian-floor --build exited %d: %s" % (rc, first_line(err)))
    j = json.loads(out)
    return {"seconds": wall, "files": j["files"], "documents": j["documents"],
            "rate": nfiles / wall, "rss_mb": rss, "size_mb": du_mb(db)}


def fts5_build(db, kb_dir, nfiles, timeout):
    if os.path.exists(db):
        os.unlink(db)
    rc, out, err, wall, rss = timed_v([os.path.join(BIN, "fts5"), "build", db, kb_dir], timeout)
    if rc != 0:
        raise NA("fts5 build exited %d: %s" % (rc, first_line(err)))
    return {"seconds": wall, "rows": json.loads(out)["rows"], "rate": nfiles / wall,
            "rss_mb": rss, "size_mb": os.path.getsize(db) / 1048576.0}


def fts5_query(db, qfile):
    if not os.path.exists(db):
        raise NA("no FTS5 index")
    return warm_driver([os.path.join(BIN, "fts5"), "query", db, qfile, "-n", str(LIMIT)], 3600,
                       "fts5 query")


def fts5_proc(db, qs, k):
    if not os.path.exists(db):
        raise NA("no FTS5 index")
    if not shutil.which("sqlite3"):
        raise NA("sqlite3 not installed")
    cmds = []
    for q in spread(qs, k):
        rc, sql, err, _ = run([os.path.join(BIN, "fts5"), "sql", q, "-n", str(LIMIT)], 10)
        cmds.append(["sqlite3", "-readonly", db, sql.strip()])
    rows = proctime(cmds)
    if all(r[1] != 0 for r in rows):
        raise NA("every sqlite3 run failed")
    return summary([r[0] for r in rows])


def omega_build(db, kb_dir, nfiles, timeout):
    if not shutil.which("omindex"):
        raise NA("omindex not installed (xapian-omega)")
    shutil.rmtree(db, ignore_errors=True)
    rc, out, err, wall, rss = timed_v(["omindex", "--db", db, "--url", "/", "-M", "md:text/plain",
                                       "--overwrite", kb_dir], timeout)
    if rc != 0:
        raise NA("omindex exited %d: %s" % (rc, first_line(err)))
    return {"seconds": wall, "rate": nfiles / wall, "rss_mb": rss, "size_mb": du_mb(db)}


def quest_proc(db, qs, k):
    if not shutil.which("quest"):
        raise NA("quest not installed (xapian-tools)")
    if not os.path.isdir(db):
        raise NA("no omega index")
    rows = proctime([["quest", "-d", db, "-m", str(LIMIT), q] for q in spread(qs, k)])
    if all(r[1] != 0 for r in rows):
        raise NA("every quest run failed")
    return summary([r[0] for r in rows])


def rg_proc(kb_dir, qs, k):
    if not shutil.which("rg"):
        raise NA("rg not installed (ripgrep)")
    cmds = []
    for q in spread(qs, k):
        argv = ["rg", "-il", "-F", "--no-ignore"]
        for w in q.split():
            argv += ["-e", w]
        cmds.append(argv + [kb_dir])
    rows = proctime(cmds, timeout=120)
    return summary([r[0] for r in rows])


# ------------------------------------------------------------------
# One corpus

def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError):
        return None


def bench_corpus(name, mode):
    m = MODES[mode]
    big = CORPORA[name]["big"]
    limit_build = 3600 if big else 900
    res = {"name": name, "desc": CORPORA[name]["desc"], "load_start": loadavg()}
    log("corpus %s" % name)
    kb_dir = prepare_corpus(name)
    files, size = corpus_files(kb_dir)
    res["files"] = len(files)
    res["mb"] = size / 1048576.0
    qfile, qs = prepare_queries(name, kb_dir, m["warm"])
    res["queries"] = len(qs)
    res["query_words"] = sum(len(q.split()) for q in qs) / len(qs)
    dbdir = os.path.join(WORK, "db", name)
    os.makedirs(dbdir, exist_ok=True)
    kb_db = os.path.join(dbdir, "kb")
    kb = res["kb"] = {}
    floor = res["floor"] = {}
    fts = res["fts5"] = {}
    om = res["omega"] = {}
    rg = res["rg"] = {}

    log("  kb-index full build")
    if "kb-build" in SKIP and os.path.exists(os.path.join(kb_db, "XAPIANDB")):
        kb["build"] = {"na": "skipped (BENCH_SKIP=kb-build)"}
    else:
        measure(kb, "build", kb_build, kb_db, kb_dir, limit_build)
    have_kb = os.path.exists(os.path.join(kb_db, "XAPIANDB"))
    if have_kb:
        log("  kb-index no-change and one changed file")
        measure(kb, "nochange", kb_nochange, kb_db, kb_dir)
        measure(kb, "changed", kb_changed, kb_db, kb_dir, files, m["changed"])
    else:
        kb["nochange"] = kb["changed"] = {"na": "no kb index"}

    if "floor-build" not in SKIP:
        log("  raw Xapian build floor")
        measure(floor, "build", floor_build, os.path.join(dbdir, "floor"), kb_dir, len(files),
                limit_build)
    else:
        floor["build"] = {"na": "skipped"}
    # The query floor runs over kb's own index; without one, over its own.
    floor_db = kb_db if have_kb else os.path.join(dbdir, "floor")
    floor["on"] = "kb index" if have_kb else "floor's own index"
    log("  raw Xapian query floor")
    measure(floor, "query", floor_query, floor_db, qfile)
    measure(floor, "nosnippet", floor_query, floor_db, qfile, ["--no-snippet"])

    log("  kb-search --serve, --json, kb-assistant")
    if have_kb:
        measure(kb, "serve1", kb_serve, kb_db, qfile, 1)
        if "na" not in kb["serve1"]:
            measure(kb, "serve2", kb_serve, kb_db, qfile, 2)
        else:
            kb["serve2"] = kb["serve1"]
        measure(kb, "json", kb_json, kb_db, qs, m["json"])
        if "assistant" not in SKIP:
            measure(kb, "assistant", kb_assistant, kb_db, m["assistant"])
            if "na" not in kb["assistant"]:
                measure(kb, "assistant_pipe", kb_assistant_pipe, kb_db, m["assistant"])
            else:
                kb["assistant_pipe"] = kb["assistant"]
    for k in ("serve1", "serve2", "json", "assistant", "assistant_pipe"):
        kb.setdefault(k, {"na": "no kb index" if not have_kb else "skipped"})

    fts_db = os.path.join(dbdir, "fts5.sqlite")
    if "fts5" not in SKIP:
        log("  SQLite FTS5")
        measure(fts, "build", fts5_build, fts_db, kb_dir, len(files), limit_build)
        measure(fts, "query", fts5_query, fts_db, qfile)
        measure(fts, "proc", fts5_proc, fts_db, qs, m["sqlite"])
    if "omega" not in SKIP:
        log("  omindex and quest")
        om_db = os.path.join(dbdir, "omega")
        measure(om, "build", omega_build, om_db, kb_dir, len(files), limit_build)
        measure(om, "quest", quest_proc, om_db, qs, m["quest"])
    if "rg" not in SKIP:
        log("  rg")
        measure(rg, "proc", rg_proc, kb_dir, qs, m["rg"])
    res["load_end"] = loadavg()
    return res


# ------------------------------------------------------------------
# Tables

def get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def na_of(d, key):
    v = get(d, key)
    if isinstance(v, dict) and "na" in v:
        return v["na"]
    return None


def fmt(v, unit=""):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if abs(v) >= 1000:
        s = "{:,.0f}".format(v)
    elif abs(v) >= 100:
        s = "%.0f" % v
    elif abs(v) >= 10:
        s = "%.1f" % v
    elif abs(v) >= 1:
        s = "%.2f" % v
    else:
        s = "%.3f" % v
    return s + unit


def cell(d, key, field, scale=1.0):
    """A table cell: the figure, "n/a" with a footnote-ish reason, or "–"."""
    v = get(d, key)
    if v is None:
        return "–"
    if "na" in v:
        return "n/a"
    x = v.get(field)
    return fmt(x * scale if isinstance(x, (int, float)) else x)


def corpus_table(r):
    kb, fl, ft, om, rg = r["kb"], r["floor"], r["fts5"], r["omega"], r["rg"]
    b = get(kb, "build") or {}
    lines = []
    lines.append("### %s: %s" % (r["name"], r["desc"]))
    lines.append("")
    info = "%s files, %.1f MB of Markdown; %d queries (mean %.1f words)" % (
        "{:,}".format(r["files"]), r["mb"], r["queries"], r["query_words"])
    if "articles" in b:
        info += "; kb indexed %s articles as %s section documents" % (
            "{:,}".format(b["articles"]), "{:,}".format(b["sections"] or 0))
        if b.get("rejected"):
            info += " (%d files rejected, e.g. duplicate ids)" % b["rejected"]
    lines.append(info + ".")
    if r.get("load_start") is not None:
        lines.append("Load average (1 min) when this corpus started / ended: %.2f / %.2f "
                     "(other work on the machine shows here)." % (r["load_start"], r.get("load_end") or 0))
    lines.append("")
    lines.append("| figure | kb | raw Xapian floor | SQLite FTS5 | omindex / quest | rg |")
    lines.append("|---|---|---|---|---|---|")

    def row(label, *cells):
        lines.append("| %s | %s |" % (label, " | ".join(cells)))

    row("full build, s", cell(kb, "build", "seconds"), cell(fl, "build", "seconds"),
        cell(ft, "build", "seconds"), cell(om, "build", "seconds"), "–")
    row("build rate, articles (files) / s", cell(kb, "build", "rate"), cell(fl, "build", "rate"),
        cell(ft, "build", "rate"), cell(om, "build", "rate"), "–")
    row("build peak RSS, MB", cell(kb, "build", "rss_mb"), cell(fl, "build", "rss_mb"),
        cell(ft, "build", "rss_mb"), cell(om, "build", "rss_mb"), "–")
    row("index size on disk, MB", cell(kb, "build", "size_mb"), cell(fl, "build", "size_mb"),
        cell(ft, "build", "size_mb"), cell(om, "build", "size_mb"), "–")
    row("no-change re-index, ms", cell(kb, "nochange", "ms"), "–", "–", "–", "–")
    row("one changed file re-indexed, ms", cell(kb, "changed", "ms"), "–", "–", "–", "–")
    row("warm query p50, ms", cell(kb, "serve1", "p50"), cell(fl, "query", "p50"),
        cell(ft, "query", "p50"), "–", "–")
    row("warm query p95, ms", cell(kb, "serve1", "p95"), cell(fl, "query", "p95"),
        cell(ft, "query", "p95"), "–", "–")
    row("warm query p99, ms", cell(kb, "serve1", "p99"), cell(fl, "query", "p99"),
        cell(ft, "query", "p99"), "–", "–")
    row("warm throughput, 1 client, q/s", cell(kb, "serve1", "qps"), cell(fl, "query", "qps"),
        cell(ft, "query", "qps"), "–", "–")
    row("warm throughput, 2 clients, q/s", cell(kb, "serve2", "qps"), "–", "–", "–", "–")
    row("warm p50 / p99 with 2 clients, ms",
        "%s / %s" % (cell(kb, "serve2", "p50"), cell(kb, "serve2", "p99"))
        if "na" not in (get(kb, "serve2") or {"na": 1}) else cell(kb, "serve2", "p50"),
        "–", "–", "–", "–")
    row("queries with a hit, %", cell(kb, "serve1", "with_hits", 100), cell(fl, "query", "with_hits", 100),
        cell(ft, "query", "with_hits", 100), "–", "–")
    row("per-process query p50, ms", cell(kb, "json", "p50"), "–", cell(ft, "proc", "p50"),
        cell(om, "quest", "p50"), cell(rg, "proc", "p50"))
    row("per-process query p95, ms", cell(kb, "json", "p95"), "–", cell(ft, "proc", "p95"),
        cell(om, "quest", "p95"), cell(rg, "proc", "p95"))
    row("assistant start-up to prompt p50, ms", cell(kb, "assistant", "p50"), "–", "–", "–", "–")
    row("assistant start + exit, stdin empty, p50, ms", cell(kb, "assistant_pipe", "p50"),
        "–", "–", "–", "–")
    row("query process peak RSS, MB", cell(kb, "serve1", "rss_mb"), cell(fl, "query", "rss_mb"),
        cell(ft, "query", "rss_mb"), "–", "–")
    lines.append("")
    lines.append("Floor without snippets: p50 %s ms, p99 %s ms (queried: %s)." % (
        cell(fl, "nosnippet", "p50"), cell(fl, "nosnippet", "p99"), fl.get("on")))
    if get(kb, "serve1", "took_p50") is not None:
        lines.append("kb's own `took_ms` in the serve responses: p50 %s ms, p99 %s ms "
                     "(the rest of the round trip is JSON and the pipe)." % (
                         cell(kb, "serve1", "took_p50"), cell(kb, "serve1", "took_p99")))
    notes = []
    for who, d in (("kb", kb), ("floor", fl), ("FTS5", ft), ("omega", om), ("rg", rg)):
        for k, v in d.items():
            if isinstance(v, dict) and "na" in v:
                notes.append("%s %s: %s" % (who, k, v["na"]))
    if notes:
        lines.append("Not available: " + "; ".join(sorted(set(notes))) + ".")
    lines.append("")
    return lines


def targets(r):
    """(target, goal, measured, status) rows for one corpus."""
    kb, fl, ft, om = r["kb"], r["floor"], r["fts5"], r["omega"]
    out = []

    def add(label, ok, measured, miss):
        if ok is None:
            out.append((label, measured or "not available", "n/a"))
        else:
            out.append((label, measured, "met" if ok else "missed (%s)" % miss))

    def val(d, key, field):
        v = get(d, key)
        if not isinstance(v, dict) or "na" in v:
            return None
        return v.get(field)

    s50, s99, f50 = val(kb, "serve1", "p50"), val(kb, "serve1", "p99"), val(fl, "query", "p50")
    t50 = val(ft, "query", "p50")
    if s50 is not None and f50:
        x = s50 / f50
        add("serve p50 <= 1.2x the raw-Xapian floor", x <= 1.2,
            "%.2fx (%s vs %s ms)" % (x, fmt(s50), fmt(f50)), "%.0f%% over" % ((x / 1.2 - 1) * 100))
    else:
        add("serve p50 <= 1.2x the raw-Xapian floor", None, None, None)
    if r["name"] == "sample":
        if s50 is not None:
            add("serve p50 < 1 ms (issue 4, sample KB)", s50 < 1, fmt(s50, " ms"),
                "%s ms over" % fmt(s50 - 1))
        else:
            add("serve p50 < 1 ms (issue 4, sample KB)", None, None, None)
    if s99 is not None:
        add("serve p99 < 5 ms", s99 < 5, fmt(s99, " ms"), "%s ms over" % fmt(s99 - 5))
    else:
        add("serve p99 < 5 ms", None, None, None)
    if s50 is not None and t50:
        x = t50 / s50
        add("serve >= 5x faster than FTS5 (p50)", x >= 5, "%.1fx" % x, "%.1fx short" % (5 - x))
    else:
        add("serve >= 5x faster than FTS5 (p50)", None, None, None)
    rate = val(kb, "build", "rate")
    if rate is not None:
        add("build >= 2,000 articles/s", rate >= 2000, fmt(rate, "/s"), "%.0f%% short" % ((1 - rate / 2000) * 100))
    else:
        add("build >= 2,000 articles/s", None, None, None)
    kbs = val(kb, "build", "seconds")
    for label, d in (("omindex", om), ("the raw-Xapian build floor", fl)):
        ps = val(d, "build", "seconds")
        if kbs is not None and ps:
            add("build faster than %s" % label, kbs < ps, "%s vs %s s" % (fmt(kbs), fmt(ps)),
                "%.2fx slower" % (kbs / ps))
        else:
            add("build faster than %s" % label, None, None, None)
    rss = val(kb, "build", "rss_mb")
    if rss is not None:
        add("build peak RSS < 500 MB", rss < 500, fmt(rss, " MB"), "%s MB over" % fmt(rss - 500))
    else:
        add("build peak RSS < 500 MB", None, None, None)
    for label, key, lim in (("one changed file < 100 ms", "changed", 100),
                            ("no-change re-index < 1 s", "nochange", 1000)):
        v = val(kb, key, "ms")
        if v is not None:
            add(label, v < lim, fmt(v, " ms"), "%s ms over" % fmt(v - lim))
        else:
            add(label, None, None, None)
    for label, key, lim in (("whole-process --json < 20 ms (p50)", "json", 20),
                            ("assistant start-up < 50 ms (p50)", "assistant", 50)):
        v = val(kb, key, "p50")
        if v is not None:
            add(label, v < lim, fmt(v, " ms"), "%s ms over" % fmt(v - lim))
        else:
            add(label, None, None, None)
    v = val(kb, "serve1", "rss_mb")
    if v is not None:
        add("search RSS < 50 MB", v < 50, fmt(v, " MB"), "%s MB over" % fmt(v - 50))
    else:
        add("search RSS < 50 MB", None, None, None)
    return out


def ratios(r):
    kb, fl, ft, om, rg = r["kb"], r["floor"], r["fts5"], r["omega"], r["rg"]
    out = []

    def val(d, key, field):
        v = get(d, key)
        if not isinstance(v, dict) or "na" in v:
            return None
        return v.get(field)

    def ratio(label, a, b, how):
        if a is None or b is None or not b:
            out.append("%s: n/a" % label)
        else:
            out.append("%s: %.2fx %s" % (label, a / b, how))

    ratio("kb serve p50 / floor p50", val(kb, "serve1", "p50"), val(fl, "query", "p50"),
          "(kb's overhead over raw Xapian; 1.2x is the target)")
    ratio("kb serve p99 / floor p99", val(kb, "serve1", "p99"), val(fl, "query", "p99"), "")
    ratio("kb serve p50 / floor p50 without snippets", val(kb, "serve1", "p50"),
          val(fl, "nosnippet", "p50"), "(retrieval alone)")
    ratio("FTS5 warm p50 / kb serve p50", val(ft, "query", "p50"), val(kb, "serve1", "p50"),
          "(kb faster when > 1)")
    ratio("FTS5 warm p99 / kb serve p99", val(ft, "query", "p99"), val(kb, "serve1", "p99"),
          "(kb faster when > 1)")
    ratio("quest per process / kb-search --json (p50)", val(om, "quest", "p50"), val(kb, "json", "p50"),
          "(kb faster when > 1)")
    ratio("sqlite3 per process / kb-search --json (p50)", val(ft, "proc", "p50"),
          val(kb, "json", "p50"), "(kb faster when > 1)")
    ratio("rg per process / kb-search --json (p50)", val(rg, "proc", "p50"), val(kb, "json", "p50"),
          "(kb faster when > 1)")
    ratio("omindex build s / kb build s", val(om, "build", "seconds"), val(kb, "build", "seconds"),
          "(kb faster when > 1)")
    ratio("raw Xapian build s / kb build s", val(fl, "build", "seconds"), val(kb, "build", "seconds"),
          "(kb faster when > 1)")
    ratio("FTS5 build s / kb build s", val(ft, "build", "seconds"), val(kb, "build", "seconds"),
          "(kb faster when > 1)")
    return out


def machine():
    def cmd(argv):
        try:
            return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  timeout=10).stdout.decode().strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) / 1048576.0
    except OSError:
        mem = 0
    commit = cmd(["git", "-C", TOP, "rev-parse", "--short", "HEAD"])
    dirty = cmd(["git", "-C", TOP, "status", "--porcelain", "--untracked-files=no"])
    rgv = cmd(["rg", "--version"]).split("\n")[0]
    return {
        "nproc": os.cpu_count(), "cpu": cpu or platform.processor(), "mem_gb": mem,
        "kernel": platform.release(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "xapian": cmd(["pkg-config", "--modversion", "xapian-core"]),
        "sqlite": cmd(["pkg-config", "--modversion", "sqlite3"]),
        "omega": cmd(["omindex", "--version"]).replace("omindex - ", ""),
        "rg": rgv,
    }


def render(mode, mach, results, wall):
    L = []
    L.append("# kb benchmarks (%s run)" % mode)
    L.append("")
    L.append("Written by `tests/bench/run.sh %s` (`make bench%s`); what each figure means and "
             "how it is measured: [README.md](README.md)." % (mode, "" if mode == "full" else "-quick"))
    L.append("")
    L.append("- machine: %d cores, %s, %.1f GB memory, Linux %s" % (
        mach["nproc"], mach["cpu"], mach["mem_gb"], mach["kernel"]))
    L.append("- date: %s; commit %s; run took %.0f s" % (mach["date"], mach["commit"], wall))
    L.append("- peers: Xapian %s, SQLite %s, %s, %s" % (mach["xapian"], mach["sqlite"], mach["omega"],
                                                        mach["rg"]))
    L.append("- every engine answers the same OR queries, top %d; warm figures after one untimed "
             "pass over the query set; \"n/a\" cells say why under the table" % LIMIT)
    L.append("")
    for r in results:
        L.extend(corpus_table(r))
        L.append("| target | measured | status |")
        L.append("|---|---|---|")
        for t, m_, s in targets(r):
            L.append("| %s | %s | %s |" % (t, m_, s))
        L.append("")
    L.append("## Ratios")
    L.append("")
    for r in results:
        L.append("%s:" % r["name"])
        L.append("")
        for line in ratios(r):
            L.append("- " + line)
        L.append("")
    return "\n".join(L)


def snapshot():
    """Copy the programs under test to work/bin/snap/, so that one run
    measures one build even if build/ is rebuilt meanwhile."""
    global KB_INDEX, KB_SEARCH, KB_ASSISTANT, FLOOR
    snap = os.path.join(BIN, "snap")
    os.makedirs(snap, exist_ok=True)
    paths = []
    for p in (KB_INDEX, KB_SEARCH, KB_ASSISTANT, FLOOR):
        dst = os.path.join(snap, os.path.basename(p))
        if os.path.exists(dst):
            os.unlink(dst)
        if os.access(p, os.X_OK):
            shutil.copy2(p, dst)
            paths.append(dst)
        else:
            paths.append(p)
    KB_INDEX, KB_SEARCH, KB_ASSISTANT, FLOOR = paths


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in MODES:
        sys.exit("usage: bench.py full|quick")
    mode = sys.argv[1]
    snapshot()
    # kb-assistant records each call under $XDG_STATE_HOME/kb: keep the
    # benchmark's hundreds of calls out of the user's own.
    state = os.path.join(WORK, "state")
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(state)
    os.environ["XDG_STATE_HOME"] = state
    names = MODES[mode]["corpora"]
    only = [s for s in os.environ.get("BENCH_CORPORA", "").split(",") if s]
    if only:
        names = [n for n in names if n in only] or [n for n in only if n in CORPORA]
    t0 = time.time()
    mach = machine()
    results = []
    raw = os.path.join(WORK, "results-%s.json" % mode)
    for name in names:
        try:
            results.append(bench_corpus(name, mode))
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
            log("corpus %s failed: %s" % (name, e))
            continue
        with open(raw, "w") as f:
            json.dump({"machine": mach, "mode": mode, "results": results}, f, indent=1)
    wall = time.time() - t0
    text = render(mode, mach, results, wall)
    if only:
        # A subset must not replace the figures of a whole run.
        out = os.path.join(WORK, "RESULTS-%s-%s.md" % (mode, "-".join(names)))
    else:
        out = os.path.join(HERE, "RESULTS.md" if mode == "full" else "RESULTS-quick.md")
    with open(out, "w") as f:
        f.write(text + "\n")
    print(text)
    log("wrote %s and %s (%.0f s)" % (os.path.relpath(out, TOP), os.path.relpath(raw, TOP), wall))


if __name__ == "__main__":
    main()
