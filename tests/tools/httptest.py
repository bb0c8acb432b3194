#!/usr/bin/python3
"""httptest.py - kb-search --http end to end: every endpoint against --json
and --serve, keys and scopes, CORS, TLS, each hostile request, 200
concurrent connections, slowloris, re-indexing during traffic, SIGTERM with
requests in flight, and file descriptors after 10,000 connections.

    httptest.py --bin BUILD --kb KB_DIR --work DIR [PART...]

PART is one of api keys cors tls hostile load (default: all).  Prints
TAP-like lines; exits 1 if any check failed.  Python 3 standard library
only; every server listens on 127.0.0.1 and every loop is bounded.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

import tap
from tap import fail, ok

A = None            # the parsed arguments
SCHEMA = None


def check(cond, msg, details=()):
    if cond:
        ok(msg)
    else:
        fail(msg, details)
    return cond


# ------------------------------------------------------------------
# Servers and requests

class Server:
    """kb-search --http on a free port of 127.0.0.1; its stderr (the access
    log) is collected in self.lines."""

    def __init__(self, *args, listen="127.0.0.1:0", db=None, env=None, expect_start=True):
        self.cmd = [os.path.join(A.bin, "kb-search"), "--db", db or A.db, "--http", listen,
                    "--feedback-log", A.feedback] + list(args)
        self.p = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env)
        self.lines = []
        self.port = None
        self.url = None
        first = self.p.stderr.readline().decode("utf-8", "replace")
        self.lines.append(first.rstrip("\n"))
        m = re.search(r"serving ((https?)://[^ ]*:(\d+)/)", first)
        if m:
            self.port = int(m.group(3))
            self.url = m.group(1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if expect_start and not self.port:
            self.p.wait(10)
            raise RuntimeError("server did not start: %s" % first.strip())

    def _read(self):
        for line in self.p.stderr:
            self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))

    def log(self):
        return "\n".join(self.lines)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
            rc = "hung (killed)"
        self.reader.join(5)
        return rc


def request(port, method, path, headers=None, body=None, context=None, timeout=10):
    """(status, headers dict with lower-case names, parsed JSON or text)."""
    if context:
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)
    else:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode("utf-8", "replace")
        return r.status, hdrs, parsed
    finally:
        c.close()


def raw(port, data, timeout=5, read=True):
    """Send DATA as is; the response bytes (up to the close or timeout)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        if not read:
            return out
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out:
                head, _, rest = out.partition(b"\r\n\r\n")
                m = re.search(rb"(?i)content-length: *(\d+)", head)
                if m and len(rest) >= int(m.group(1)):
                    break
        return out
    finally:
        s.close()


def status_of(resp):
    m = re.match(rb"HTTP/1\.[01] (\d+)", resp)
    return int(m.group(1)) if m else None


def body_of(resp):
    try:
        return json.loads(resp.partition(b"\r\n\r\n")[2])
    except ValueError:
        return None


def run_json(*args):
    p = subprocess.run([os.path.join(A.bin, "kb-search"), "--db", A.db] + list(args),
                       capture_output=True, timeout=30)
    return json.loads(p.stdout)


def serve(reqs):
    lines = "".join(json.dumps(r) + "\n" for r in reqs)
    p = subprocess.run([os.path.join(A.bin, "kb-search"), "--db", A.db, "--serve",
                        "--feedback-log", A.feedback], input=lines.encode(),
                       capture_output=True, timeout=30)
    return [json.loads(x) for x in p.stdout.decode().splitlines()]


def strip(o, *keys):
    return {k: v for k, v in o.items() if k not in keys}


def validate(defn, doc):
    """Errors of DOC against the schema's $defs/DEFN ([] when valid)."""
    if SCHEMA is None:
        return []
    import jsonschema
    d = dict(SCHEMA)
    d["$ref"] = "#/$defs/" + defn
    return [e.message[:200] for e in jsonschema.Draft202012Validator(d).iter_errors(doc)]


# ------------------------------------------------------------------
# The API: same answers as --json and --serve

def part_api():
    srv = Server()
    port = srv.port
    from urllib.parse import quote
    cases = [
        ("card hasnt arived", []),
        ("add money failed", ["--category", "troubleshooting", "--tag", "top-up", "--explain"]),
        ("pin", ["--offset", "1", "-n", "3"]),
        ("card", ["-n", "100"]),
        ("how do i", []),
    ]
    bad = []
    ids = set()
    for q, extra in cases:
        want = run_json("--json", *extra, q)
        qs = "q=" + quote(q)
        it = iter(extra)
        for a in it:
            if a in ("--category", "--tag", "--offset", "-n"):
                v = next(it)
                qs += "&%s=%s" % ({"--category": "category", "--tag": "tag", "--offset": "offset",
                                   "-n": "limit"}[a], quote(v))
            elif a == "--explain":
                qs += "&explain=true"
        st, h, got = request(port, "GET", "/v1/search?" + qs)
        if st != 200 or not isinstance(got, dict):
            bad.append("%s: status %s %s" % (q, st, got))
            continue
        ids.add(got.get("query_id"))
        if strip(got, "took_ms", "query_id") != strip(want, "took_ms", "query_id"):
            bad.append("%s: differs from --json" % q)
        errs = validate("search_response", got)
        if errs:
            bad.append("%s: schema: %s" % (q, errs[0]))
    check(not bad, "GET /v1/search answers exactly as kb-search --json (%d queries, filters, "
          "explain, offset, limit)" % len(cases), bad)
    check(len(ids) == len(cases) and None not in ids,
          "every HTTP search has its own query_id", sorted(map(str, ids)))

    # A pasted chat (over 1,024 bytes, more than a URI takes once encoded)
    # goes as a JSON body: the same answer as kb-search --json gives it.
    chat = ("Agent: Hello, how can I help you today?\n"
            "Customer: my card hasnt arrived and it was sent two weeks ago\n"
            + "Agent: Let me check your address and details for you, please hold on.\n" * 20)
    want = run_json("--json", "-n", "3", chat)
    st, _, got = request(port, "POST", "/v1/search", {"Content-Type": "application/json"},
                         json.dumps({"q": chat, "limit": 3}))
    check(st == 200 and isinstance(got, dict) and got.get("searched")
          and strip(got, "took_ms", "query_id") == strip(want, "took_ms", "query_id")
          and not validate("search_response", got),
          "POST /v1/search: a %d-byte pasted chat answers as kb-search --json (searched: %s)"
          % (len(chat), got.get("searched") if isinstance(got, dict) else got))

    # highlights_utf16 slice the same text in JavaScript's units as bytes do.
    st, _, got = request(port, "GET", "/v1/search?q=" + quote("café card pin") + "&limit=10")
    wrong = 0
    n = 0
    for r in got.get("results", []):
        b = r["snippet"].encode("utf-8")
        u = r["snippet"].encode("utf-16-le")
        for (bs, be), (us, ue) in zip(r["highlights"], r["highlights_utf16"]):
            n += 1
            if b[bs:be].decode("utf-8") != u[2 * us:2 * ue].decode("utf-16-le"):
                wrong += 1
        if len(r["highlights"]) != len(r["highlights_utf16"]):
            wrong += 1
    check(n > 0 and wrong == 0, "highlights_utf16 mark the same words as the byte offsets "
          "(%d highlights)" % n)

    want = serve([{"id": 1, "op": "show", "article": "card-delivery"},
                  {"id": 2, "op": "escalation", "article": "stolen-card"},
                  {"id": 3, "op": "health"},
                  {"id": 4, "op": "suggest", "q": "card"}])
    st1, _, show = request(port, "GET", "/v1/articles/card-delivery")
    st2, _, esc = request(port, "GET", "/v1/escalation/stolen-card")
    st3, _, health = request(port, "GET", "/v1/health")
    st4, _, sug = request(port, "GET", "/v1/suggest?q=card")
    check((st1, show) == (200, strip(want[0], "id")), "GET /v1/articles/ID answers as --serve show")
    check((st2, esc) == (200, strip(want[1], "id")),
          "GET /v1/escalation/ID answers as --serve escalation")
    check(st3 == 200 and strip(health, "built") == strip(want[2], "id", "built"),
          "GET /v1/health answers as --serve health")
    check(st4 == 200 and sug == strip(want[3], "id") and len(sug["suggestions"]) > 0 and
          not validate("suggest_response", sug),
          "GET /v1/suggest gives type-ahead suggestions, as the suggest op", [sug])
    steps = [s for s in show["article"]["sections"] if s["steps"]]
    check(steps and all(len(s["step_texts"]) == s["steps"] for s in steps),
          "articles carry the text of their steps (step_texts)")

    st, h, body = request(port, "HEAD", "/v1/health")
    check(st == 200 and body is None, "HEAD /v1/health: 200, no body")
    st, h, page = request(port, "GET", "/")
    check(st == 200 and h.get("content-type", "").startswith("text/html") and
          "<html" in page and "default-src 'none'" in h.get("content-security-policy", ""),
          "GET / serves the panel with a Content-Security-Policy")
    check(not re.search(r"ks_[0-9a-zA-Z]{8}", page), "the panel holds no key")
    st, h, doc = request(port, "GET", "/openapi.json")
    with open(os.path.join(A.top, "docs", "openapi.json")) as f:
        check(st == 200 and doc == json.load(f) and doc.get("openapi") == "3.1.0",
              "GET /openapi.json serves docs/openapi.json (OpenAPI 3.1.0)")

    # Feedback lands in the log, from the HTTP source.
    before = os.path.getsize(A.feedback) if os.path.exists(A.feedback) else 0
    st, _, got = request(port, "POST", "/v1/feedback", {"Content-Type": "application/json"},
                         json.dumps({"query_id": "h0-1", "q": "card hasnt arived",
                                     "article": "card-delivery", "helpful": True}))
    with open(A.feedback, "rb") as f:
        f.seek(before)
        lines = [json.loads(x) for x in f.read().splitlines()]
    check(st == 200 and got == {"ok": True} and len(lines) == 1 and
          (lines[0]["article"], lines[0]["helpful"], lines[0]["source"], lines[0]["query"]) ==
          ("card-delivery", True, "http", "card hasnt arived"),
          "POST /v1/feedback: 200 {\"ok\": true} and one line in the feedback log", [got, lines])
    rc = srv.stop()
    log = srv.log()
    check(rc == 0, "SIGTERM: the server exits 0 (%s)" % rc)
    check(re.search(r"^\S+Z 127\.0\.0\.1 - GET /v1/search 200 [0-9.]+ms$", log, re.M) and
          "hasnt" not in log and "arived" not in log,
          "access log: time, client, key name, method, path, status, ms; no query text",
          log.splitlines()[1:4])


# ------------------------------------------------------------------
# Keys and scopes, rate limits

KEYS = {"search": "ks_search_0123456789abcdef", "feedback": "ks_feedback_0123456789abcd",
        "admin": "ks_admin_0123456789abcdefgh", "slow": "ks_slow_0123456789abcdefghi"}


def write_keys(path, mode=0o600, text=None):
    if text is None:
        text = ("# kb keys\n"
                "%s search name=crm\n"
                "%s feedback name=bot\n"
                "\n"
                "%s search,feedback,admin name=ops\n"
                "%s search name=limited rate=3/min\n" % (
                    KEYS["search"], KEYS["feedback"], KEYS["admin"], KEYS["slow"]))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, text.encode())
    os.close(fd)
    os.chmod(path, mode)


def bearer(k):
    return {"Authorization": "Bearer " + KEYS[k]}


def part_keys():
    kf = os.path.join(A.work, "keys")
    write_keys(kf)
    srv = Server("--keys", kf)
    p = srv.port
    fb = {"Content-Type": "application/json"}
    body = json.dumps({"article": "card-delivery", "helpful": False})
    st, h, e = request(p, "GET", "/v1/search?q=card")
    check(st == 401 and e["error"]["code"] == "unauthorized" and
          h.get("www-authenticate", "").startswith("Bearer"),
          "no key: 401 unauthorized with WWW-Authenticate: Bearer")
    st, _, e = request(p, "GET", "/v1/search?q=card", {"Authorization": "Bearer " + "x" * 26})
    check(st == 401, "an unknown key: 401")
    st, _, e = request(p, "GET", "/v1/search?q=card",
                       {"Authorization": "Bearer " + KEYS["search"][:-1]})
    check(st == 401, "a key one character short: 401")
    st, _, e = request(p, "GET", "/v1/search?q=card", {"Authorization": "Basic " + KEYS["search"]})
    check(st == 401, "a key sent as Basic: 401")
    st, _, r = request(p, "GET", "/v1/search?q=card", bearer("search"))
    check(st == 200 and r["results"], "search key: search 200")
    for path in ("/v1/suggest?q=car", "/v1/articles/card-delivery", "/v1/escalation/stolen-card"):
        st, _, r = request(p, "GET", path, bearer("search"))
        check(st == 200, "search key: %s 200" % path.split("?")[0])
    st, _, e = request(p, "POST", "/v1/feedback", dict(fb, **bearer("search")), body)
    check(st == 403 and e["error"]["code"] == "forbidden", "search key: feedback 403 forbidden")
    st, _, e = request(p, "GET", "/v1/search?q=card", bearer("feedback"))
    check(st == 403, "feedback key: search 403")
    st, _, r = request(p, "POST", "/v1/feedback", dict(fb, **bearer("feedback")), body)
    check(st == 200 and r == {"ok": True}, "feedback key: feedback 200")
    st1, _, _ = request(p, "GET", "/v1/search?q=card", bearer("admin"))
    st2, _, _ = request(p, "POST", "/v1/feedback", dict(fb, **bearer("admin")), body)
    check((st1, st2) == (200, 200), "admin key: search and feedback 200")
    codes = [request(p, "GET", path)[0] for path in ("/v1/health", "/", "/openapi.json")]
    check(codes == [200, 200, 200], "/v1/health, / and /openapi.json need no key %s" % codes)
    st, _, _ = request(p, "OPTIONS", "/v1/search")
    check(st == 204, "OPTIONS (CORS preflight) needs no key")
    st, _, e = request(p, "GET", "/v1/nothing-here", bearer("admin"))
    check(st == 404, "an unknown /v1/ path: 404")
    got = [request(p, "GET", "/v1/search?q=card", bearer("slow")) for _ in range(4)]
    sts = [g[0] for g in got]
    check(sts == [200, 200, 200, 429] and got[3][1].get("retry-after", "0").isdigit() and
          int(got[3][1]["retry-after"]) >= 1 and got[3][2]["error"]["code"] == "rate_limited",
          "rate=3/min: the 4th request is 429 rate_limited with Retry-After %s" % sts)
    st, _, _ = request(p, "GET", "/v1/search?q=card", bearer("search"))
    check(st == 200, "one key's rate limit leaves the others alone")
    rc = srv.stop()
    log = srv.log()
    check(rc == 0 and not any(k in log for k in KEYS.values()) and
          re.search(r" crm GET /v1/search 200 ", log) and re.search(r" bot POST /v1/feedback 200 ",
                                                                     log) and
          re.search(r" limited GET /v1/search 429 ", log),
          "access log: key names, never the keys")

    # The keys file: mode, syntax, and exposure without keys.
    def start_fails(args, want, what, listen="127.0.0.1:0"):
        s = Server(*args, listen=listen, expect_start=False)
        rc = s.p.wait(10) if s.port is None else s.stop()
        msg = s.log()
        check(rc == 2 and want in msg and not any(k in msg for k in KEYS.values()),
              "%s: exit 2, \"%s\"" % (what, want), [rc, msg])

    write_keys(kf, 0o644)
    start_fails(["--keys", kf], "chmod 600", "a keys file readable by others")
    write_keys(kf, 0o600, "%s search,sudo\n" % KEYS["search"])
    start_fails(["--keys", kf], "keys:1: scopes", "an unknown scope")
    write_keys(kf, 0o600, "short search\n")
    start_fails(["--keys", kf], "16 to 256", "a key too short")
    write_keys(kf, 0o600, "%s search rate=fast\n" % KEYS["search"])
    start_fails(["--keys", kf], "rate=", "a bad rate")
    write_keys(kf, 0o600, "# nothing\n")
    start_fails(["--keys", kf], "holds no key", "a keys file without keys")
    start_fails([], "only a loopback address", "0.0.0.0 without --keys", "0.0.0.0:0")
    start_fails([], "only a loopback address", "[::] without --keys", "[::]:0")
    start_fails([], "bad port", "a bad port", "127.0.0.1:http")
    start_fails(["--tls-cert", kf], "both --tls-cert and --tls-key", "half a TLS pair")
    start_fails(["--cors", "crm.example.com/x"], "bad CORS origin", "a bad CORS origin")


# ------------------------------------------------------------------
# CORS

def part_cors():
    srv = Server("--cors", "https://crm.example.com", "--cors", "http://localhost:3000")
    p = srv.port
    pre = {"Origin": "https://crm.example.com", "Access-Control-Request-Method": "GET",
           "Access-Control-Request-Headers": "authorization"}
    st, h, _ = request(p, "OPTIONS", "/v1/search", pre)
    check(st == 204 and h.get("access-control-allow-origin") == "https://crm.example.com" and
          "GET" in h.get("access-control-allow-methods", "") and
          "Authorization" in h.get("access-control-allow-headers", ""),
          "preflight from a listed origin: 204 with Allow-Origin, -Methods, -Headers", [h])
    st, h, _ = request(p, "OPTIONS", "/v1/search", dict(pre, Origin="https://evil.example"))
    check(st == 204 and "access-control-allow-origin" not in h,
          "preflight from another origin: no Access-Control-Allow-Origin")
    st, h, _ = request(p, "GET", "/v1/search?q=card", {"Origin": "http://localhost:3000"})
    check(st == 200 and h.get("access-control-allow-origin") == "http://localhost:3000" and
          "Origin" in h.get("vary", ""), "GET from a listed origin: Allow-Origin echoes it, "
          "Vary: Origin")
    st, h, _ = request(p, "GET", "/v1/search?q=card", {"Origin": "https://evil.example"})
    check(st == 200 and "access-control-allow-origin" not in h,
          "GET from another origin: no Access-Control-Allow-Origin")
    st, h, _ = request(p, "GET", "/")
    check("frame-ancestors 'self' https://crm.example.com" in h.get("content-security-policy", ""),
          "the panel may be docked (framed) in the listed CRMs only")
    srv.stop()


# ------------------------------------------------------------------
# TLS

def part_tls():
    if not shutil.which("openssl"):
        print("ok - HTTPS with --tls-cert/--tls-key # SKIP openssl is not installed")
        return
    cert = os.path.join(A.work, "cert.pem")
    key = os.path.join(A.work, "key.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True, timeout=60)
    if p.returncode != 0:
        fail("openssl made a test certificate", [p.stderr.decode()[:200]])
        return
    srv = Server("--tls-cert", cert, "--tls-key", key)
    ctx = ssl.create_default_context(cafile=cert)
    st, _, r = request(srv.port, "GET", "/v1/search?q=card", context=ctx)
    check(srv.url.startswith("https://") and st == 200 and r["results"],
          "HTTPS (--tls-cert, --tls-key): a search answers over TLS")
    resp = raw(srv.port, b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", timeout=3)
    check(b"\"ok\":true" not in resp, "plain HTTP to the HTTPS port gets no answer")
    check(srv.stop() == 0, "the HTTPS server stops cleanly")


# ------------------------------------------------------------------
# Hostile requests: a JSON error each, never a crash

def part_hostile():
    srv = Server("--timeout", "2")
    p = srv.port
    fb = {"Content-Type": "application/json"}
    cases = [
        ("GET", "/v1/search?q=card&q=pin", None, {}, 400, "bad_request", "a repeated parameter"),
        ("GET", "/v1/search?q=card&colour=red", None, {}, 400, "bad_request", "an unknown parameter"),
        ("GET", "/v1/search?q=a%00b", None, {}, 400, "bad_request", "NUL in a parameter"),
        ("GET", "/v1/search?q=%ff%fe", None, {}, 400, "bad_request", "bad UTF-8 in a parameter"),
        ("GET", "/v1/search?q%00=x", None, {}, 400, "bad_request", "NUL in a parameter name"),
        ("GET", "/v1/search", None, {}, 400, "bad_request", "search without q"),
        ("GET", "/v1/search?q=card&limit=0", None, {}, 400, "bad_request", "limit=0"),
        ("GET", "/v1/search?q=card&limit=abc", None, {}, 400, "bad_request", "limit=abc"),
        ("GET", "/v1/search?q=card&limit=99999999999", None, {}, 400, "bad_request", "a huge limit"),
        ("GET", "/v1/search?q=card&explain=maybe", None, {}, 400, "bad_request", "explain=maybe"),
        ("GET", "/v1/search?" + "&".join("tag=t%d" % i for i in range(40)), None, {}, 400,
         "bad_request", "40 tag parameters"),
        ("GET", "/v1/search?" + "&".join("x%d=1" % i for i in range(70)), None, {}, 400,
         "bad_request", "70 parameters"),
        ("POST", "/v1/search", json.dumps({"q": "card " * 3300}), fb, 413, "too_large",
         "a query over 16 KiB (POST)"),
        ("GET", "/v1/search?q=" + "a" * 9000, None, {}, 414, "uri_too_long", "a 9 KB URI"),
        ("GET", "/v1/articles/..%2F..%2Fetc%2Fpasswd", None, {}, 400, "bad_request", "..%2F in an id"),
        ("GET", "/v1/articles/../../etc/passwd", None, {}, 400, "bad_request", "../ in a path"),
        ("GET", "/v1/articles/card%00delivery", None, {}, 400, "bad_request", "NUL in an id"),
        ("GET", "/v1/articles/%c3%28", None, {}, 400, "bad_request", "bad UTF-8 in an id"),
        ("GET", "/v1/articles/no-such-article", None, {}, 404, "not_found", "an unknown article"),
        ("GET", "/v1/articles/", None, {}, 404, "not_found", "no id"),
        ("GET", "/v1/escalation/" + "a" * 300, None, {}, 400, "bad_request", "a 300-byte id"),
        ("GET", "/nothing", None, {}, 404, "not_found", "an unknown path"),
        ("DELETE", "/v1/search?q=x", None, {}, 405, "method_not_allowed", "DELETE"),
        ("PUT", "/v1/feedback", "{}", fb, 405, "method_not_allowed", "PUT on feedback"),
        ("GET", "/v1/feedback", None, {}, 405, "method_not_allowed", "GET on feedback"),
        ("POST", "/v1/search?q=x", "{}", fb, 400, "bad_request", "POST on search with parameters"),
        ("POST", "/v1/search", "{\"limit\": 3}", fb, 400, "bad_request", "POST on search without q"),
        ("POST", "/v1/search", "{\"op\": \"feedback\", \"q\": \"x\"}", fb, 400, "bad_request",
         "another op in the search body"),
        ("BREW", "/v1/search?q=x", None, {}, 405, "method_not_allowed", "an unknown method"),
        ("POST", "/v1/feedback", "{\"article\": \"card-delivery\", \"helpful\": true}",
         {"Content-Type": "text/plain"}, 415, "bad_request", "feedback as text/plain"),
        ("POST", "/v1/feedback", "not json", fb, 400, "bad_json", "a body that is not JSON"),
        ("POST", "/v1/feedback", "[1,2]", fb, 400, "bad_request", "a JSON array body"),
        ("POST", "/v1/feedback", "{\"article\": \"card-delivery\"}", fb, 400, "bad_request",
         "feedback without helpful"),
        ("POST", "/v1/feedback", "{\"op\": \"search\", \"q\": \"x\"}", fb, 400, "bad_request",
         "another op in the feedback body"),
        ("POST", "/v1/feedback", "{\"article\": \"a\\u0000b\", \"helpful\": true}", fb, 400,
         "bad_request", "\\u0000 in the body"),
        ("POST", "/v1/feedback", b"{\"article\": \"\xff\", \"helpful\": true}", fb, 400,
         "bad_json", "bad UTF-8 in the body"),
        ("POST", "/v1/feedback", "{\"article\": \"card-delivery\", \"helpful\": true, "
         "\"query_id\": \"bad id!\"}", fb, 400, "bad_request", "a bad query_id"),
        ("POST", "/v1/feedback", "[" * 5000 + "]" * 5000, fb, 400, "bad_json", "JSON nested 5,000 deep"),
        ("POST", "/v1/feedback", "x" * 70000, fb, 413, "too_large", "a 70 KB body"),
        ("GET", "/v1/search?q=card", None, {"X-Big": "y" * 17000}, 431, "headers_too_large",
         "17 KB of headers"),
    ]
    bad = []
    for method, path, body, hdrs, want, code, what in cases:
        try:
            st, h, got = request(p, method, path, hdrs, body)
        except (OSError, http.client.HTTPException) as e:
            bad.append("%s: %s" % (what, e))
            continue
        if st != want or not isinstance(got, dict) or got.get("error", {}).get("code") != code:
            bad.append("%s: %s %s (want %s %s)" % (what, st, str(got)[:120], want, code))
        elif validate("http_error", got):
            bad.append("%s: not the schema's http_error" % what)
    check(not bad, "%d hostile requests: each the right status and a JSON error" % len(cases), bad)

    # Below the HTTP layer: libmicrohttpd's own answers, and no crash.
    resp = raw(p, b"POST /v1/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + (b"4000\r\n" + b"x" * 0x4000 + b"\r\n") * 6 +
               b"0\r\n\r\n")
    check(status_of(resp) == 413 and (body_of(resp) or {}).get("error", {}).get("code") ==
          "too_large", "a chunked 96 KB body: 413 too_large", [resp[:100]])
    resp = raw(p, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Huge: " + b"z" * 100000 + b"\r\n\r\n")
    check(status_of(resp) in (413, 414, 431) or resp == b"",
          "100 KB of headers: refused by libmicrohttpd (%s)" % status_of(resp))
    resp = raw(p, b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    check(status_of(resp) in (414, 431) or resp == b"",
          "a 100 KB request line: refused (%s)" % status_of(resp))
    resp = raw(p, b"\x00\x01\x02 garbage \xff\r\n\r\n")
    check(status_of(resp) in (400, None), "binary garbage: 400 or closed (%s)" % status_of(resp))
    resp = raw(p, b"GET /v1/health HTTP/1.1\r\n\r\n")
    check(status_of(resp) == 400, "HTTP/1.1 without Host: 400")
    resp = raw(p, b"GET /v1/search?q=card HTTP/1.0\r\n\r\n")
    check(status_of(resp) == 200, "HTTP/1.0: answered")
    # Keep-alive: two requests on one connection.
    c = http.client.HTTPConnection("127.0.0.1", p, timeout=5)
    c.request("GET", "/v1/search?q=card")
    r1 = c.getresponse()
    r1.read()
    c.request("GET", "/v1/search?q=pin")
    r2 = c.getresponse()
    r2.read()
    c.close()
    check((r1.status, r2.status) == (200, 200) and r1.getheader("Connection") != "close",
          "HTTP/1.1 keep-alive: two requests on one connection")
    st, _, h = request(p, "GET", "/v1/health")
    check(st == 200 and srv.p.poll() is None, "after all of it the server still answers")
    check(srv.stop() == 0, "and stops cleanly")


# ------------------------------------------------------------------
# Load: concurrency, slowloris, re-indexing, SIGTERM, file descriptors

def fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def hammer(port, n_conn, per_conn, path_of, results, stop=None):
    """N_CONN threads, each with one keep-alive connection and PER_CONN
    requests; RESULTS gets (status, body-or-error) per request."""
    lock = threading.Lock()
    ready = threading.Barrier(n_conn)

    def one(k):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            ready.wait(30)
            for i in range(per_conn):
                if stop and stop.is_set():
                    break
                c.request("GET", path_of(k, i))
                r = c.getresponse()
                data = r.read()
                with lock:
                    results.append((r.status, data))
            c.close()
        except Exception as e:  # noqa: BLE001 - every failure is a result
            with lock:
                results.append((None, repr(e)))

    ts = [threading.Thread(target=one, args=(k,)) for k in range(n_conn)]
    for t in ts:
        t.start()
    return ts


QUERIES = ["card hasnt arived", "pin", "add money failed", "stolen card", "fees abroad",
           "card", "top up", "lost my card"]


def part_load():
    from urllib.parse import quote
    srv = Server("--timeout", "2", "--threads", "4")
    p = srv.port
    pid = srv.p.pid
    res = []
    t0 = time.time()
    ts = hammer(p, 200, 5, lambda k, i: "/v1/search?q=" + quote(QUERIES[(k + i) % len(QUERIES)]),
                res)
    for t in ts:
        t.join(120)
    good = sum(1 for s, b in res if s == 200 and b"\"results\"" in b)
    check(good == 1000, "200 concurrent keep-alive connections x 5 searches: %d of 1000 answered "
          "200 (%.1f s)" % (good, time.time() - t0), [r for r in res if r[0] != 200][:3])

    # Slowloris: 150 connections trickle a header; others are still answered.
    slow = []
    for _ in range(150):
        s = socket.create_connection(("127.0.0.1", p), timeout=5)
        s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        slow.append(s)
    worst = 0
    for i in range(20):
        for s in slow:
            try:
                s.sendall(b"X-a: b\r\n" if i % 4 == 0 else b"")
            except OSError:
                pass
        t = time.time()
        st, _, _ = request(p, "GET", "/v1/search?q=card")
        worst = max(worst, time.time() - t)
        if st != 200:
            worst = 99
            break
        time.sleep(0.05)
    check(worst < 1.0, "150 slowloris connections open: other searches still answered (slowest "
          "%.0f ms)" % (worst * 1000))
    time.sleep(3.5)
    closed = 0
    for s in slow:
        try:
            s.settimeout(0.5)
            closed += s.recv(100) == b""
        except (ConnectionResetError, BrokenPipeError):
            closed += 1
        except socket.timeout:
            pass
        s.close()
    check(closed >= 140, "stalled connections are closed after the idle timeout (%d of 150)" %
          closed)

    # File descriptors after 10,000 connections opened and dropped.
    time.sleep(0.3)
    before = fds(pid)
    t0 = time.time()
    odd = []
    for i in range(10000):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", p))
            kind = i % 4
            if kind == 1:
                s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
            elif kind == 2:
                s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                s.recv(4096)
            elif kind == 3:
                s.sendall(b"POST /v1/feedback HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                          b"Content-Type: application/json\r\n\r\n{\"art")
        except OSError as e:
            odd.append("%d: %r" % (i, e))
        s.close()
    # Closed by the clients: the server must notice at once, not at the
    # idle timeout (2 s here): look within 1.5 s.
    after = fds(pid)
    for _ in range(15):
        if after <= before:
            break
        time.sleep(0.1)
        after = fds(pid)
    # A client opening connections faster than the server sees the dropped
    # ones close can meet the per-client limit: those are reset, as they
    # should be.  Nothing else may go wrong.
    reset = [x for x in odd if "ConnectionResetError" in x]
    other = [x for x in odd if x not in reset]
    check(after <= before and not other, "10,000 connections opened and dropped (%.1f s): open "
          "files %d before, %d after (%d reset at the per-client limit)" % (
              time.time() - t0, before, after, len(reset)), other[:5])
    st, _, _ = request(p, "GET", "/v1/health")
    check(st == 200, "the server answers after them")

    part_reindex(srv)
    part_sigterm(srv)


def part_reindex(srv):
    """kb-index --full and incremental runs while 8 clients search; searches
    see the new article."""
    from urllib.parse import quote
    p = srv.port
    stop = threading.Event()
    res = []
    ts = hammer(p, 8, 100000, lambda k, i: "/v1/search?q=" + quote(QUERIES[(k + i) % 8]), res,
                stop)
    kb_index = os.path.join(A.bin, "kb-index")
    extra = os.path.join(A.kb, "guidance", "zz-http-reindex.md")
    runs = []
    for i in range(4):
        if i == 2:
            with open(extra, "w") as f:
                f.write("---\nid: zz-http-reindex\ntitle: Zebra quokka procedure\ncategory: "
                        "guidance\n---\nThe zebra quokka procedure, written during traffic.\n")
        r = subprocess.run([kb_index, "--quiet", "--db", A.db] + (["--full"] if i % 2 == 0 else [])
                           + [A.kb], capture_output=True, timeout=120)
        runs.append(r.returncode)
        time.sleep(0.2)
    st, _, r = request(p, "GET", "/v1/search?q=zebra+quokka")
    stop.set()
    for t in ts:
        t.join(60)
    bad = [x for x in res if x[0] != 200]
    check(runs == [0, 0, 0, 0] and not bad and len(res) > 50,
          "re-indexing (--full and incremental) during traffic: %d searches, none failed" %
          len(res), [runs] + bad[:3])
    check(st == 200 and r["results"] and r["results"][0]["id"] == "zz-http-reindex",
          "the workers follow the new index (an article added during traffic is found)")
    os.unlink(extra)


def part_sigterm(srv):
    """SIGTERM with requests in flight: the one half sent is finished, and
    the server exits 0."""
    p = srv.port
    s = socket.create_connection(("127.0.0.1", p), timeout=10)
    body = json.dumps({"article": "card-delivery", "helpful": True, "q": "in flight"}).encode()
    s.sendall(b"POST /v1/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
    time.sleep(0.3)
    res = []
    stop = threading.Event()
    ts = hammer(p, 20, 100000, lambda k, i: "/v1/search?q=card", res, stop)
    time.sleep(0.3)
    srv.p.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    refused = False
    try:
        socket.create_connection(("127.0.0.1", p), timeout=2).close()
    except OSError:
        refused = True
    s.sendall(body[10:])
    resp = raw_recv(s)
    s.close()
    stop.set()
    for t in ts:
        t.join(30)
    rc = srv.stop()
    broken = [x for x in res if x[0] not in (200, None)]
    check(status_of(resp) == 200 and b"\"ok\":true" in resp,
          "SIGTERM: a request in flight (its body half sent) is finished: 200", [resp[:120]])
    check(refused, "SIGTERM: new connections are refused at once")
    check(rc == 0 and not broken, "SIGTERM with 20 clients busy: exit 0, every answer whole (%d "
          "answered)" % sum(1 for x in res if x[0] == 200), [rc] + broken[:3])


def raw_recv(s):
    out = b""
    s.settimeout(10)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
            head, sep, rest = out.partition(b"\r\n\r\n")
            m = re.search(rb"(?i)content-length: *(\d+)", head)
            if sep and m and len(rest) >= int(m.group(1)):
                break
    except OSError:
        pass
    return out


def main():
    global A, SCHEMA
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--kb", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("parts", nargs="*")
    A = ap.parse_args()
    A.top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    A.feedback = os.path.join(A.work, "feedback.jsonl")
    try:
        import jsonschema  # noqa: F401
        with open(os.path.join(A.top, "docs", "kb-search.schema.json")) as f:
            SCHEMA = json.load(f)
    except ImportError:
        print("ok - responses checked against the schema # SKIP python3-jsonschema missing")
    parts = A.parts or ["api", "keys", "cors", "tls", "hostile", "load"]
    for name in parts:
        t0 = time.time()
        try:
            globals()["part_" + name]()
        except Exception as e:  # noqa: BLE001 - a crash of the driver is a failure
            import traceback
            fail("part %s ran to its end" % name, traceback.format_exc().splitlines()[-6:])
        print("# part %s: %.1f s" % (name, time.time() - t0), flush=True)
    return 1 if tap.failures else 0


if __name__ == "__main__":
    sys.exit(main())
