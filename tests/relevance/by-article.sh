#!/bin/sh
# by-article.sh - where the ranking goes wrong, by article, without the
# questions themselves: for the team set (queries.tsv) and the tuning
# halves of the real-wording sets, each expected article's misses at rank
# 1 and the articles that came first instead (counts only).  For editors
# and engineers deciding which articles need better questions or phrases;
# the sentences of the data sets stay out of sight (they are measured,
# never copied).
#   tests/relevance/by-article.sh [BUILDDIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
b=${1:-build}
make --no-print-directory -s BUILDDIR="$b" "$b/tests/kb-eval" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$b/kb-index" --quiet --db "$tmp/index" kb 2>/dev/null
{
    "$b/tests/kb-eval" --db "$tmp/index" tests/relevance/queries.tsv 2>/dev/null |
        awk -F'\t' '/^MISS/ { print "team\t" $0 }'
    "$b/tests/kb-eval" --db "$tmp/index" --real --dir tests/relevance --misses 2>/dev/null |
        awk '/^MISS (clinc|nlupp)-tune/ { print }'
} >"$tmp/misses"
# Normalise both formats to "want<TAB>got" and count.
/usr/bin/python3 - "$tmp/misses" <<'PY'
import re, sys, collections
miss = collections.Counter(); conf = collections.defaultdict(collections.Counter)
for line in open(sys.argv[1]):
    m = re.search(r"want (\S+)\s+got (\S+)", line)
    if not m:
        continue
    want, got = m.groups()
    miss[want] += 1
    conf[want][got] += 1
print("%-45s %5s  %s" % ("expected article", "miss@1", "ranked first instead (count)"))
for want, n in miss.most_common():
    print("%-45s %5d  %s" % (want[:45], n, ", ".join("%s %d" % kv for kv in conf[want].most_common(4))))
PY
