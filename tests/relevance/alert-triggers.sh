#!/bin/sh
# alert-triggers.sh - which triggers fire on routine questions (false
# alarms) and how well each alert kind is recalled, in counts only: the
# questions of the data sets stay out of sight (they are measured, never
# copied into triggers).
#   tests/relevance/alert-triggers.sh [BUILDDIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
b=${1:-build}
make --no-print-directory -s BUILDDIR="$b" "$b/kb-search" "$b/kb-index" "$b/tests/kb-eval" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$b/kb-index" --quiet --db "$tmp/index" kb 2>/dev/null
"$b/tests/kb-eval" --db "$tmp/index" --real --dir tests/relevance --dump routine-tune >"$tmp/routine" 2>/dev/null
"$b/tests/kb-eval" --db "$tmp/index" --real --dir tests/relevance --dump risk-tune >"$tmp/risk" 2>/dev/null
/usr/bin/python3 - "$b/kb-search" "$tmp/index" "$tmp/routine" "$tmp/risk" <<'PY'
import collections, json, subprocess, sys
binary, db, routine, risk = sys.argv[1:5]
def run(lines):
    reqs = "".join(json.dumps({"q": l.split("\t")[0][:1024], "limit": 1}) + "\n" for l in lines)
    out = subprocess.run([binary, "--db", db, "--serve"], input=reqs, capture_output=True, text=True).stdout
    return [json.loads(x) for x in out.splitlines()]
rl = [l.rstrip("\n") for l in open(routine) if l.strip()]
fired = collections.Counter()
for res in run(rl):
    for a in res.get("alerts", []):
        if a["alert"] in ("fraud", "scam", "vulnerable", "complaint", "third-party"):
            fired[(a["alert"], a.get("trigger") or "(no trigger)")] += 1
print("False alarms on %d routine questions (tuning half), by trigger:" % len(rl))
for (kind, trig), n in fired.most_common():
    print("  %3d  %-12s %s" % (n, kind, trig))
kl = [l.rstrip("\n") for l in open(risk) if l.strip()]
need = collections.Counter(); got = collections.Counter()
for line, res in zip(kl, run(kl)):
    want = line.split("\t")[1]
    kinds = {a["alert"] for a in res.get("alerts", [])}
    for part in want.split(","):
        need[part] += 1
        if any(k in kinds for k in part.split("|")):
            got[part] += 1
print("Recall on %d risk calls (tuning half), by expected kind:" % len(kl))
for k, n in need.most_common():
    print("  %-28s %3d / %3d" % (k, got[k], n))
PY
