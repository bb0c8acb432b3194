#!/bin/sh
# diskfull.sh - the disk fills up while kb-index writes: --full and an
# incremental run fail midway with a clear message and exit status 3, the
# previous index still opens and answers with its old content, and once
# space is freed indexing works again.
#
# Two ways to run out of space: a small tmpfs (mount needs root; skipped
# with a note otherwise) and a file-size limit (RLIMIT_FSIZE, what
# `ulimit -f` sets), which must fail the write with EFBIG rather than kill
# kb-index with SIGXFSZ.
. "$(dirname "$0")/../lib.sh"

# gen_kb DIR MARK [N]: N articles (default 600) with the marker MARK in
# every title and body, words enough to make an index of a few MB.
gen_kb() {
    /usr/bin/python3 - "$1" "$2" "${3:-600}" <<'EOF'
import os, random, sys
root, mark, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(6)
vocab = ["w%04d" % i for i in range(2000)]
os.makedirs(root, exist_ok=True)
for i in range(n):
    words = " ".join(rng.choice(vocab) for _ in range(60))
    p = os.path.join(root, "art-%04d.md" % i)
    with open(p + ".new", "w") as f:
        f.write("---\nid: art-%04d\ntitle: Article %d %s\ncategory: policy\n---\n"
                "Lead %s %s.\n\n## Part two\n%s %s\n" % (i, i, mark, mark, words, mark, words))
    os.rename(p + ".new", p)
EOF
}

# state DB MARK_OLD MARK_NEW N: every article art-0000..N-1 shown through one
# server; prints "OLD NEW MISSING OTHER" counts, then the health article count.
state() {
    /usr/bin/python3 - "$B/kb-search" "$1" "$2" "$3" "$4" <<'EOF'
import json, subprocess, sys
binary, db, old, new, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
reqs = [{"op": "health"}] + [{"op": "show", "article": "art-%04d" % i} for i in range(n)]
p = subprocess.run([binary, "--db", db, "--serve"], input="".join(json.dumps(r) + "\n" for r in reqs),
                   capture_output=True, text=True)
lines = p.stdout.splitlines()
counts = {"old": 0, "new": 0, "missing": 0, "other": 0}
for line in lines[1:]:
    j = json.loads(line)
    if "error" in j:
        counts["missing" if j["error"]["code"] == "not_found" else "other"] += 1
        continue
    t = j["article"]["title"]
    counts["old" if t.endswith(old) else "new" if t.endswith(new) else "other"] += 1
h = json.loads(lines[0]) if lines else {}
print(counts["old"], counts["new"], counts["missing"], counts["other"] + (n + 1 - len(lines)),
      h.get("articles", "error"))
EOF
}

# fill DIR LEAVE_KB: a file in DIR that leaves LEAVE_KB kilobytes free.
fill() {
    avail=$(df -Pk "$1" | awk 'NR == 2 {print $4}')
    fsize=$((avail - $2))
    [ $fsize -gt 0 ] && head -c "${fsize}K" /dev/zero >"$1/filler" 2>/dev/null
    true
}

gens() { ls -d "$1"/gen-* 2>/dev/null | wc -l; }

# --- a small tmpfs ------------------------------------------------------------------
mnt=$T/mnt
mkdir -p "$mnt"
if mount -t tmpfs -o size=48m kb-diskfull "$mnt" 2>/dev/null; then
    trap 'umount "$mnt" 2>/dev/null; rm -rf "$T"' EXIT
    trap 'exit 129' HUP INT PIPE TERM   # so that the EXIT trap unmounts
    echo "# disk full by a 48 MB tmpfs (mount works here)"
    kb=$T/kb
    db=$mnt/index
    gen_kb "$kb" oldmark
    expect_code "tmpfs: first index" 0 kb_index --quiet --db "$db" "$kb"
    size=$(du -sk "$db" | awk '{print $1}')
    stub=$(cat "$db/XAPIANDB")
    gen_kb "$kb" newmark 800   # every article changed, 200 more
    # Room for a third of the index: a new generation cannot fit.
    fill "$mnt" $((size / 3))
    echo "# the index takes $size KB; $((size / 3)) KB left free for --full, 64 KB for the incremental run"
    expect_code "tmpfs: --full on a full disk fails: exit 3" 3 kb_index --db "$db" --full "$kb"
    expect_match "tmpfs: --full says the disk is full" "$T/err" 'kb-index: .*No space left on device.*intact'
    expect_eq "tmpfs: the stub still names the old generation" "$(cat "$db/XAPIANDB")" "$stub"
    expect_eq "tmpfs: the half-built generation is removed" "$(gens "$db")" "1"
    expect_eq "tmpfs: after --full failed, every article old (old new missing other; health)" \
        "$(state "$db" oldmark newmark 800)" "600 0 200 0 600"
    # Almost no room: the incremental run fails inside its first commit.
    rm -f "$mnt/filler"
    fill "$mnt" 64
    expect_code "tmpfs: incremental run on a full disk fails: exit 3" 3 kb_index --db "$db" "$kb"
    expect_match "tmpfs: incremental says the disk is full" "$T/err" 'kb-index: .*No space left on device.*intact'
    expect_eq "tmpfs: after the incremental run failed, every article old" \
        "$(state "$db" oldmark newmark 800)" "600 0 200 0 600"
    kb_search --db "$db" --json oldmark >"$T/s.json"
    expect_eq "tmpfs: the old index answers searches" "$(json "$T/s.json" 'j["total"] > 0')" "True"
    rm -f "$mnt/filler"
    expect_code "tmpfs: space freed: incremental run works" 0 kb_index --quiet --db "$db" "$kb"
    expect_eq "tmpfs: every article new" "$(state "$db" oldmark newmark 800)" "0 800 0 0 800"
    expect_code "tmpfs: --full works again" 0 kb_index --quiet --db "$db" --full "$kb"
    expect_eq "tmpfs: two generations at most" "$(gens "$db")" "2"
    umount "$mnt"
else
    skip "disk full by a tmpfs" "mount is not permitted here; the file-size limit below is used"
fi

# --- a file-size limit (RLIMIT_FSIZE, as ulimit -f) ------------------------------------
# No write may reach past 64 KB; the index files are bigger than that.
limited() { /usr/bin/python3 -c '
import os, resource, sys
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
os.execv(sys.argv[1], sys.argv[1:])' "$B/kb-index" "$@"; }
kb=$T/kb2
db=$T/index2
gen_kb "$kb" oldmark 600
expect_code "limit: first index (no limit)" 0 kb_index --quiet --db "$db" "$kb"
stub=$(cat "$db/XAPIANDB")
gen_kb "$kb" newmark 600
expect_code "limit: --full past the file-size limit: exit 3, not killed by SIGXFSZ" 3 limited --db "$db" --full "$kb"
expect_match "limit: --full says the file is too large" "$T/err" 'kb-index: .*File too large.*intact'
expect_eq "limit: the stub still names the old generation" "$(cat "$db/XAPIANDB")" "$stub"
expect_code "limit: incremental past the file-size limit: exit 3" 3 limited --db "$db" "$kb"
expect_match "limit: incremental says the file is too large" "$T/err" 'kb-index: .*File too large.*intact'
expect_eq "limit: every article old" "$(state "$db" oldmark newmark 600)" "600 0 0 0 600"
expect_code "limit: without the limit indexing works" 0 kb_index --quiet --db "$db" "$kb"
expect_eq "limit: every article new" "$(state "$db" oldmark newmark 600)" "0 600 0 0 600"

finish
