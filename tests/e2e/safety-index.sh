#!/bin/sh
# safety-index.sh - losing or wedging indexed articles (issue 15): a run
# that would empty the index, ids that swap or move between files, --full
# and the last good version of a broken or unreadable article, SIGTERM and
# SIGINT during a run, and indexing agreeing with --check on what is an
# error.  Each case and its outcome is in tests/RELIABILITY.md, section 9.
. "$(dirname "$0")/../lib.sh"

# ids DB: the article ids the index at DB holds, sorted, on one line.
ids() {
    kb_search --db "$1" --json -n 100 "$2" 2>/dev/null |
        /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(r["id"] for r in json.load(sys.stdin)["results"])))'
}
# title DB ID: the title of article ID (or "none").
title() {
    kb_search --db "$1" --show "$2" --json 2>/dev/null |
        /usr/bin/python3 -c 'import json,sys
try: print(json.load(sys.stdin)["title"])
except Exception: print("none")'
}
# setid FILE ID: change the id in FILE's front matter.
setid() { sed -i "s/^id: .*/id: $2/" "$1"; }
# many DIR N: N small lint-clean articles a0001.md ... in DIR.
many() {
    mkdir -p "$1"
    /usr/bin/python3 - "$1" "$2" <<'EOF'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    with open(os.path.join(d, "a%04d.md" % i), "w") as f:
        f.write("---\nid: a%04d\ntitle: Article %d\ncategory: policy\nquestions:\n  - how about thing %d\n---\n"
                "Common filler words about manyarticles and thing number %d.\n\n## Details\nMore text %d.\n"
                % (i, i, i, i, i))
EOF
}

# under_way DB GENS PID: wait (at most 20 s) until the --full run PID has
# made its new generation directory in DB (it had GENS), or has ended.
under_way() {
    i=0
    while [ "$(ls "$1" | grep -c '^gen-')" -le "$2" ] && kill -0 "$3" 2>/dev/null && [ $i -lt 400 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

# --- a run that would remove all or most of the index: refused ---------------------
kb=$(fixture kb-small guard)
db=$T/guard.idx
kb_index --db "$db" --quiet "$kb" >/dev/null 2>&1
mv "$kb" "$T/guard-away"
mkdir "$kb"
expect_code "empty KB folder (incremental): refused" 3 kb_index --db "$db" "$kb"
expect_match "empty KB folder: says why and how to allow it" "$T/err" \
    'refusing to remove 9 of the 9 articles in the index: .*guard holds no articles \(an empty or mistyped folder, an unmounted share, a checkout in progress\?\); the index is left as it was \(kb-index --allow-removals removes them\)'
expect_code "empty KB folder (--full): refused" 3 kb_index --db "$db" --full "$kb"
kb_search --db "$db" --serve <<'EOF' >"$T/h.json"
{"op":"health"}
EOF
expect_eq "empty KB folder: the index still has its 9 articles" "$(json "$T/h.json" 'j["articles"]')" 9
expect_eq "empty KB folder: they answer" "$(title "$db" fees)" "Fees for cash withdrawals"
ls "$db" | grep -c '^gen-' >"$T/gens"
expect_eq "empty KB folder --full: no new generation left behind" "$(cat "$T/gens")" 1
echo "not an article" >"$kb/notes.txt"
expect_code "a folder holding only a .txt file: refused" 3 kb_index --db "$db" "$kb"
kb_index --db "$db" --json "$kb" >"$T/g.json" 2>/dev/null
expect_eq "refusal in --json: ok false, the reason in error" \
    "$(json "$T/g.json" '(j["ok"], "refusing to remove" in j["error"])')" "(False, True)"
expect_code "a mistyped folder: exit 3" 3 kb_index --db "$db" "$T/no-such-kb"
expect_code "another folder with 1 article, same index: refused" 3 kb_index --db "$db" "$(fixture kb-small other >/dev/null; rm -rf "$T/other"/*/; mkdir -p "$T/other/x"; cp "$T/guard-away/policy/fees.md" "$T/other/x/"; echo "$T/other")"
expect_match "another folder: says their files are not there" "$T/err" \
    'refusing to remove 9 of the 9 articles.*their files are not in .*other \(1 files are\)'
# A checkout in progress: more than half gone (of 20 or more).
many "$T/half" 20
kb_index --db "$T/half.idx" --quiet "$T/half" >/dev/null 2>&1
rm "$T"/half/a000[1-9].md "$T/half/a0010.md"
expect_code "10 of 20 articles gone (half): allowed" 0 kb_index --db "$T/half.idx" "$T/half"
rm "$T/half/a0011.md" "$T/half/a0012.md" "$T/half/a0013.md" "$T/half/a0014.md" "$T/half/a0015.md" "$T/half/a0016.md"
expect_code "6 of the 10 left gone (more than half of 10): refused" 3 kb_index --db "$T/half.idx" "$T/half"
k=$(fixture kb-small small)
kb_index --db "$T/small.idx" --quiet "$k" >/dev/null 2>&1
rm "$k"/*/[a-s]*.md
sed -i '/^escalation:/d' "$k/troubleshooting/top-up-failed.md"
expect_code "8 of 9 gone: under 10 indexed, only removing all is refused: allowed" 0 \
    kb_index --db "$T/small.idx" "$k"
rm "$k"/*/*.md
expect_code "the last one gone: refused" 3 kb_index --db "$T/small.idx" "$k"
many "$T/most" 30
kb_index --db "$T/most.idx" --quiet "$T/most" >/dev/null 2>&1
rm "$T"/most/a00[01]*.md
expect_code "19 of 30 articles gone: refused" 3 kb_index --db "$T/most.idx" "$T/most"
expect_match "19 of 30: the numbers" "$T/err" 'refusing to remove 19 of the 30 articles'
expect_code "19 of 30 with --allow-removals: done" 0 kb_index --db "$T/most.idx" --allow-removals "$T/most"
expect_match "19 of 30 with --allow-removals: 19 removed" "$T/out" '11 articles \(0 added, 0 updated, 19 removed'
expect_code "empty folder with --allow-empty: done" 0 kb_index --db "$db" --allow-empty "$kb"
expect_eq "empty folder with --allow-empty: the index is empty" "$(ids "$db" card fees)" ""
expect_code "--check with --allow-removals: usage error" 2 kb_index --check --allow-removals "$kb"

# --- ids that swap or move between files: settled in one run ------------------------
kb=$(fixture kb-small swap)
db=$T/swap.idx
kb_index --db "$db" --quiet "$kb" >/dev/null 2>&1
setid "$kb/policy/fees.md" card-delivery
setid "$kb/product/card-delivery.md" fees
sed -i 's/kb:fees/kb:card-delivery/' "$kb/product/card-delivery.md"
expect_code "two files swap ids: one incremental run, exit 0" 0 kb_index --db "$db" "$kb"
expect_eq "swap: fees is now the card-delivery file" "$(title "$db" fees)" "My new card has not arrived"
expect_eq "swap: card-delivery is now the fees file" "$(title "$db" card-delivery)" "Fees for cash withdrawals"
expect_code "swap: --check agrees (0 errors)" 0 kb_index --check "$kb"
expect_code "swap: the next run has nothing to do" 0 kb_index --db "$db" "$kb"
expect_match "swap: nothing rejected, nothing changed" "$T/out" '0 updated, 0 removed, 9 unchanged, 0 rejected'
# A rotation of three: a -> b -> c -> a.
setid "$kb/escalation/card-ops.md" rot-tmp
setid "$kb/escalation/fraud.md" card-ops
setid "$kb/escalation/payments-ops.md" fraud
setid "$kb/escalation/card-ops.md" payments-ops
expect_code "three files rotate ids: exit 0" 0 kb_index --db "$db" "$kb"
expect_eq "rotation: card-ops is the fraud file" "$(title "$db" card-ops)" "Fraud and disputes"
expect_eq "rotation: fraud is the payments file" "$(title "$db" fraud)" "Payments operations"
expect_eq "rotation: payments-ops is the card file" "$(title "$db" payments-ops)" "Card operations"
# An id moving to an earlier file (the later one takes a new id).
setid "$kb/troubleshooting/top-up-failed.md" top-up-failed-old
setid "$kb/guidance/angry-caller.md" top-up-failed
sed -i 's/^category: guidance/category: troubleshooting/' "$kb/guidance/angry-caller.md"
expect_code "an id moving to an earlier file: exit 0, no false duplicate" 0 kb_index --db "$db" "$kb"
expect_no_match "an id moving to an earlier file: no duplicate message" "$T/err" duplicate
expect_eq "the moved id names the earlier file" "$(title "$db" top-up-failed)" "Handling a frustrated caller"
expect_eq "the later file has its new id" "$(title "$db" top-up-failed-old)" "A top-up failed"
# An id taken by an earlier file while the later one keeps it: a duplicate,
# the file that kept it keeps it.
cp "$kb/policy/fees.md" "$kb/escalation/aaa-copy.md"
setid "$kb/escalation/aaa-copy.md" stolen-card
expect_code "an earlier file copying a kept id: exit 1" 1 kb_index --db "$db" "$kb"
expect_match "the copy is the duplicate" "$T/err" "aaa-copy\.md:[0-9]+: error: duplicate id 'stolen-card': .*/security/stolen-card\.md has it"
expect_eq "the original keeps its id" "$(title "$db" stolen-card)" "Lost or stolen card"
rm "$kb/escalation/aaa-copy.md"
# A swap and a newcomer wanting one of the swapped ids.
setid "$kb/policy/fees.md" fees
setid "$kb/product/card-delivery.md" card-delivery
sed -i 's/kb:card-delivery/kb:fees/' "$kb/product/card-delivery.md"
cp "$kb/policy/fees.md" "$kb/policy/aaa-new.md"
sed -i 's/^title: .*/title: Newcomer/' "$kb/policy/aaa-new.md"
kb_index --db "$db" "$kb" >"$T/out" 2>"$T/err"
expect_eq "swap back plus a newcomer claiming fees: exit 1 (the newcomer)" "$?" 1
expect_eq "the newcomer is the duplicate" "$(grep -c 'duplicate id' "$T/err")" 1
expect_match "the newcomer is named" "$T/err" "aaa-new\.md:[0-9]+: error: duplicate id 'fees': .*/policy/fees\.md has it"
expect_eq "the swap back settled: fees" "$(title "$db" fees)" "Fees for cash withdrawals"
expect_eq "the swap back settled: card-delivery" "$(title "$db" card-delivery)" "My new card has not arrived"
rm "$kb/policy/aaa-new.md"
# 600 swapped pairs in a KB of 1,200: more than one batch of 1,000 changes.
many "$T/pairs" 1200
kb_index --db "$T/pairs.idx" --quiet "$T/pairs" >/dev/null 2>&1
/usr/bin/python3 - "$T/pairs" <<'EOF'
import os, re, sys
d = sys.argv[1]
for i in range(1, 1201, 2):
    a, b = os.path.join(d, "a%04d.md" % i), os.path.join(d, "a%04d.md" % (i + 1))
    ta, tb = open(a).read(), open(b).read()
    open(a, "w").write(re.sub(r"^id: .*$", "id: a%04d" % (i + 1), ta, count=1, flags=re.M))
    open(b, "w").write(re.sub(r"^id: .*$", "id: a%04d" % i, tb, count=1, flags=re.M))
EOF
expect_code "600 swapped pairs (1,200 files): one run, exit 0" 0 kb_index --db "$T/pairs.idx" "$T/pairs"
expect_eq "600 swapped pairs: a0001 is article 2" "$(title "$T/pairs.idx" a0001)" "Article 2"
expect_eq "600 swapped pairs: a1200 is article 1199" "$(title "$T/pairs.idx" a1200)" "Article 1199"
kb_search --db "$T/pairs.idx" --json -n 100 manyarticles >"$T/p.json"
expect_eq "600 swapped pairs: 100 distinct ids in the first 100 answers" \
    "$(json "$T/p.json" 'len(set(r["id"] for r in j["results"]))')" 100
kb_search --db "$T/pairs.idx" --serve <<'EOF' >"$T/h.json"
{"op":"health"}
EOF
expect_eq "600 swapped pairs: still 1,200 articles" "$(json "$T/h.json" 'j["articles"]')" 1200

# --- --full keeps the last good version of a broken article --------------------------
kb=$(fixture kb-small keep)
db=$T/keep.idx
kb_index --db "$db" --quiet "$kb" >/dev/null 2>&1
printf -- '---\ntitle: [broken\n---\nbody\n' >"$kb/policy/fees.md"
expect_code "--full with broken front matter: exit 1" 1 kb_index --db "$db" --full "$kb"
expect_match "--full: the error has file and line" "$T/err" 'fees\.md:2: error: front matter: the list opened with'
expect_match "--full: says the last good version stays" "$T/err" 'fees\.md: warning: its last good version stays searchable'
expect_eq "--full: the last good version is found" "$(ids "$db" withdrawals allowance)" "fees"
expect_eq "--full: and shown" "$(title "$db" fees)" "Fees for cash withdrawals"
expect_code "--full again: still kept (exit 1)" 1 kb_index --db "$db" --full "$kb"
expect_eq "--full twice: still found" "$(ids "$db" withdrawals allowance)" "fees"
expect_code "incremental after --full: still kept" 1 kb_index --db "$db" "$kb"
expect_eq "incremental after --full: found" "$(title "$db" fees)" "Fees for cash withdrawals"
printf '\xff\xfe' >>"$kb/product/card-delivery.md"
expect_code "--full with invalid UTF-8 in another: exit 1" 1 kb_index --db "$db" --full "$kb"
expect_eq "--full: both broken articles keep their last good version" \
    "$(title "$db" fees)|$(title "$db" card-delivery)" "Fees for cash withdrawals|My new card has not arrived"
KB_INDEX_SHARDS=3 kb_index --db "$db" --full "$kb" >/dev/null 2>&1
expect_eq "--full on 3 shards: kept too" "$(title "$db" fees)|$(title "$db" card-delivery)" \
    "Fees for cash withdrawals|My new card has not arrived"
kb_search --db "$db" --json card hasnt arived >"$T/s.json"
expect_eq "a kept article keeps its spelling words (did you mean)" \
    "$(json "$T/s.json" 'j["corrected"] is not None')" True
printf -- '---\ntitle: [new and broken\n---\nbody\n' >"$kb/policy/brandnew.md"
kb_index --db "$db" --full "$kb" >/dev/null 2>&1
expect_eq "a new broken file has nothing to keep" "$(title "$db" brandnew)" none
rm "$kb/policy/brandnew.md"
# Its id taken meanwhile by another file: the live article keeps it (its
# last good version), the file that took it is the duplicate (issue 16).
cp "$T/keep/policy/../escalation/manager.md" "$T/mgr.md"
sed -i 's/^id: manager/id: fees/; s/^title: .*/title: Fees impostor/' "$kb/escalation/manager.md"
expect_code "--full, the broken file's id now in another file: exit 1" 1 kb_index --db "$db" --full "$kb"
expect_match "the file that took the live id is the duplicate, named" "$T/err" \
    "manager\.md:[0-9]+: error: duplicate id 'fees': .*/policy/fees\.md has it, so .*manager\.md is not published"
expect_eq "the live article keeps its last good version" "$(title "$db" fees)" "Fees for cash withdrawals"
cp "$T/mgr.md" "$kb/escalation/manager.md"
cp "$top/tests/fixtures/kb-small/policy/fees.md" "$kb/policy/fees.md"
cp "$top/tests/fixtures/kb-small/product/card-delivery.md" "$kb/product/card-delivery.md"
expect_code "fixed again: exit 0" 0 kb_index --db "$db" --full "$kb"
expect_eq "fixed: the new version" "$(title "$db" fees)" "Fees for cash withdrawals"

if nobody_ready; then
    u=$T/u
    mkdir -p "$u"
    cp -r "$top/tests/fixtures/kb-small" "$u/kb"
    many "$u/kb/bulk" 4000
    mkdir -p "$u/kb/zz"
    printf -- '---\nid: zzlate\ntitle: Late folder\ncategory: policy\nquestions:\n  - q\n---\nThe quince rule.\n' >"$u/kb/zz/late.md"
    chown -R 65534:65534 "$u"
    nobody "$B/kb-index" --db "$u/idx" --quiet "$u/kb" >/dev/null 2>&1
    chmod 000 "$u/kb/policy/fees.md"
    nobody "$B/kb-index" --db "$u/idx" --full "$u/kb" >"$T/out" 2>"$T/err"
    expect_eq "--full, a file made unreadable: exit 1" "$?" 1
    expect_match "--full, unreadable: named" "$T/err" 'fees\.md: error: cannot read: Permission denied'
    expect_eq "--full, unreadable: its last version is kept" "$(title "$u/idx" fees)" "Fees for cash withdrawals"
    chmod 644 "$u/kb/policy/fees.md"
    # A folder made unreadable while --full runs, after the scan.
    gens=$(ls "$u/idx" | grep -c '^gen-')
    KB_INDEX_THREADS=1 nobody "$B/kb-index" --db "$u/idx" --full "$u/kb" >"$T/out" 2>"$T/err" &
    pid=$!
    under_way "$u/idx" "$gens" "$pid"
    chmod 000 "$u/kb/zz"
    wait "$pid"
    rc=$?
    chmod 755 "$u/kb/zz"
    if grep -q 'late\.md: error: cannot read' "$T/err"; then
        expect_eq "folder unreadable mid --full: exit 1" "$rc" 1
        expect_eq "folder unreadable mid --full: its article is kept" "$(title "$u/idx" zzlate)" "Late folder"
        expect_eq "folder unreadable mid --full: the rest is there" "$(title "$u/idx" a4000)" "Article 4000"
    else
        skip "folder unreadable mid --full" "the folder was read before the chmod (exit $rc); timing"
    fi
else
    skip "--full with unreadable files and folders" "$nobody_why"
fi

# --- SIGTERM, SIGINT and SIGHUP during a run: a clean stop ---------------------------
many "$T/sig" 4000
sdb=$T/sig.idx
kb_index --db "$sdb" --quiet "$T/sig" >/dev/null 2>&1
gen0=$(cat "$sdb/XAPIANDB")
# stop SIGNAL ARGS...: start kb-index with ARGS, send SIGNAL when it is under
# way; $rc is its status, $T/err its messages.
stop() {
    sig=$1
    shift
    gens=$(ls "$sdb" | grep -c '^gen-')
    KB_INDEX_THREADS=1 "$B/kb-index" --db "$sdb" "$@" "$T/sig" >"$T/out" 2>"$T/err" &
    pid=$!
    if [ "${1:-}" = --full ]; then under_way "$sdb" "$gens" "$pid"; else sleep 0.3; fi
    kill "-$sig" "$pid"
    wait "$pid"
    rc=$?
}
stop TERM --full
if [ "$rc" = 0 ]; then
    skip "SIGTERM during --full" "the run ended before the signal"
else
    expect_eq "SIGTERM during --full: exit 143" "$rc" 143
    expect_match "SIGTERM during --full: says so" "$T/err" \
        'kb-index: SIGTERM received; stopped(: the new index was discarded;| before anything was written;) the index is as it was'
    expect_eq "SIGTERM during --full: the stub is unchanged" "$(cat "$sdb/XAPIANDB")" "$gen0"
    expect_eq "SIGTERM during --full: no half-built generation" "$(ls "$sdb" | grep -c '^gen-')" 1
fi
stop INT --full
[ "$rc" = 0 ] && skip "SIGINT during --full" "the run ended before the signal" ||
    expect_eq "SIGINT (Ctrl-C) during --full: exit 130" "$rc" 130
stop HUP --full
[ "$rc" = 0 ] && skip "SIGHUP during --full" "the run ended before the signal" ||
    expect_eq "SIGHUP during --full: exit 129" "$rc" 129
expect_code "after the stops: the lock is free, an incremental run works" 0 \
    kb_index --db "$sdb" "$T/sig"
sed -i 's/^title: Article \(.*\)$/title: Changed \1/' "$T"/sig/*.md
stop TERM
if [ "$rc" = 0 ]; then
    skip "SIGTERM during an incremental run" "the run ended before the signal"
else
    expect_eq "SIGTERM during an incremental run: exit 143" "$rc" 143
    expect_match "SIGTERM during an incremental run: says what stays" "$T/err" \
        'kb-index: SIGTERM received; stopped(: what was committed before the stop stays \(each article whole, old or new\)| before anything was written; the index is as it was)'
fi
kb_search --db "$sdb" --serve <<'EOF' >"$T/h.json"
{"op":"health"}
EOF
expect_eq "after the stopped incremental run: 4,000 articles" "$(json "$T/h.json" 'j["articles"]')" 4000
expect_code "the next incremental run finishes the work" 0 kb_index --db "$sdb" "$T/sig"
expect_eq "and every article is new" "$(title "$sdb" a0001)|$(title "$sdb" a4000)" "Changed 1|Changed 4000"

# --- indexing and --check agree on what is an error ----------------------------------
# errs KIND FILE: the error lines of FILE, kb-index's prefix and the
# duplicate wording aside, sorted.
errs() {
    grep ': error: ' "$1" | sed -e 's/^kb-index: //' \
        -e "s/:[0-9]*: error: duplicate id '\([^']*\)'.*/: error: duplicate id '\1'/" \
        -e "s/: error: duplicate id '\([^']*\)'.*/: error: duplicate id '\1'/" | sort
}
# agree NAME KB: a fresh index of KB and --check report the same errors.
agree() {
    rm -rf "$T/agree.idx"
    kb_index --db "$T/agree.idx" "$2" >/dev/null 2>"$T/ierr"
    irc=$?
    kb_index --check "$2" >/dev/null 2>"$T/cerr"
    crc=$?
    expect_eq "$1: exit codes agree (index $irc, --check $crc)" "$irc" "$crc"
    errs "$T/ierr" >"$T/ie"
    errs "$T/cerr" >"$T/ce"
    if cmp -s "$T/ie" "$T/ce" && [ -s "$T/ce" ]; then ok "$1: the same errors ($(wc -l <"$T/ce"))"; else
        fail "$1: index and --check disagree"; diff "$T/ie" "$T/ce" | head -8 | sed 's/^/    # /'; fi
}
case_kb() { k=$(fixture kb-small "agree-$1"); echo "$k"; }
k=$(case_kb title); sed -i '/^title:/d' "$k/policy/fees.md"; sed -i '/^# /d' "$k/policy/fees.md"
agree "missing title" "$k"
k=$(case_kb cat); sed -i '/^category:/d' "$k/policy/fees.md"
agree "missing category" "$k"
k=$(case_kb ucat); sed -i 's/^category: policy/category: polcy/' "$k/policy/fees.md"
agree "unknown category" "$k"
k=$(case_kb esc); sed -i 's/^escalation: .*/escalation: nobody-team/' "$k/policy/fees.md"
agree "unknown escalation id" "$k"
k=$(case_kb esc2); sed -i 's/^escalation: .*/escalation: stolen-card/' "$k/policy/fees.md"
agree "escalation to an article that is no tier" "$k"
k=$(case_kb link); echo 'See [this](kb:no-such-article) and [that](gone.md).' >>"$k/policy/fees.md"
agree "broken links" "$k"
k=$(case_kb tier); sed -i '/^contact:/d; /^sla:/d' "$k/escalation/fraud.md"; sed -i '/^hours:/d' "$k/escalation/card-ops.md"
agree "tiers without contact, sla, hours" "$k"
k=$(case_kb hours); sed -i 's/^hours: .*/hours: "Mon-Sun 07:00-31:00"/' "$k/escalation/fraud.md"
agree "malformed hours (07:00-31:00)" "$k"
k=$(case_kb next); sed -i 's/^next: .*/next: nowhere/' "$k/escalation/card-ops.md"
agree "unknown next tier" "$k"
k=$(case_kb cycle); sed -i 's/^next: .*/next: card-ops/' "$k/escalation/manager.md"
grep -q '^next:' "$k/escalation/manager.md" || sed -i 's/^category: escalation/category: escalation\nnext: card-ops/' "$k/escalation/manager.md"
agree "escalation cycle" "$k"
k=$(case_kb dup); cp "$k/policy/fees.md" "$k/policy/fees-copy.md"
agree "duplicate id" "$k"
expect_code "the sample KB: --check 0 errors" 0 kb_index --check "$top/kb"
expect_code "the sample KB: indexing exit 0" 0 kb_index --db "$T/sample.idx" --quiet "$top/kb"
# An incremental run: a tier removed, the unchanged articles escalating to
# it are reported, as --check reports them.
k=$(case_kb incr)
kb_index --db "$T/incr.idx" --quiet "$k" >/dev/null 2>&1
rm "$k/escalation/payments-ops.md"
kb_index --db "$T/incr.idx" "$k" >/dev/null 2>"$T/ierr"
expect_eq "a tier deleted: the incremental run exits 1" "$?" 1
kb_index --check "$k" >/dev/null 2>"$T/cerr"
# --check reads the folder as a first index would: there, the articles
# escalating to the deleted tier would be held back, and those linking to
# them too ("held back by its own errors").  The incremental run keeps
# their live versions: the direct errors are the same.
errs "$T/ierr" >"$T/ie"; errs "$T/cerr" | grep -v 'held back by its own errors' >"$T/ce"
if cmp -s "$T/ie" "$T/ce" && [ -s "$T/ce" ]; then ok "a tier deleted: unchanged articles reported as --check does"; else
    fail "a tier deleted: index and --check disagree"; diff "$T/ie" "$T/ce" | head -5 | sed 's/^/    # /'; fi
expect_code "a run with no change still reports them" 1 kb_index --db "$T/incr.idx" "$k"
cp "$top/tests/fixtures/kb-small/escalation/payments-ops.md" "$k/escalation/"
expect_code "the tier restored: exit 0" 0 kb_index --db "$T/incr.idx" "$k"
expect_code "and the next run too" 0 kb_index --db "$T/incr.idx" "$k"
expect_no_match "and nothing is reported" "$T/err" 'error'

finish
