#!/bin/sh
# editor.sh - the editor's workflow (issue 16), part 1: the publish gate
# (what --check calls an error is never published; files that are not
# articles are not indexed; the pre-commit hook), id safety, drafts,
# --preview and --new.  Part 2 (editor-lint.sh): lint, the review
# worklist, --eval and pins.
. "$(dirname "$0")/../lib.sh"

# title DB ID: the title of article ID in the index DB, or "none".
title() {
    kb_search --db "$1" --show "$2" --json >"$T/t.json" 2>/dev/null &&
        json "$T/t.json" 'j["title"]' || echo none
}
# ids DB QUERY...: the ids of the answers, space-separated.
ids() {
    db=$1; shift
    kb_search --db "$db" --json -n 10 "$@" >"$T/i.json" 2>/dev/null
    json "$T/i.json" '" ".join(h["id"] for h in j["results"])'
}
# check_errs KB: the error lines --check gives (prefix and folder aside).
check_errs() { kb_index --check "$1" 2>&1 >/dev/null | grep ': error: ' | sed "s|^kb-index: $1/||"; }

# --- the publish gate: a first index -----------------------------------------------
kb=$(fixture kb-small gate)
sed -i 's/^escalation: payments-ops/escalation: payments-team/' "$kb/policy/fees.md"
sed -i 's/^category: troubleshooting/category: trouble/' "$kb/troubleshooting/top-up-failed.md"
printf -- '---\ntitle: Only headings\ncategory: policy\nquestions: [headings only]\n---\n# Only headings\n## Nothing under it\n' \
    >"$kb/policy/headings.md"
cp "$top/README.md" "$kb/README.md"
mkdir -p "$kb/_drafts" "$kb/.git" "$kb/attic"
cp "$kb/security/stolen-card.md" "$kb/_drafts/stolen-draft.md"
sed -i 's/^id: stolen-card/id: drafted/' "$kb/_drafts/stolen-draft.md"
cp "$kb/_drafts/stolen-draft.md" "$kb/attic/old.md"
sed -i 's/^id: drafted/id: old-one/' "$kb/attic/old.md"
printf '# not articles\nattic/\n' >"$kb/.kbignore"
db=$T/gate.idx
expect_code "a first index with articles in error: exit 1" 1 kb_index --db "$db" "$kb"
cp "$T/err" "$T/gate.err"
expect_match "the summary counts them rejected (with what links to them)" "$T/out" '4 rejected'
for id in fees top-up-failed headings; do
    expect_eq "gate: $id (in error) is not published" "$(title "$db" $id)" none
done
expect_eq "gate: the others are" "$(title "$db" stolen-card)" "Lost or stolen card"
expect_eq "gate: but not what links to an article held back" "$(title "$db" card-delivery)" none
grep ': error: ' "$T/gate.err" | sed "s|^kb-index: $kb/||" | sort >"$T/ie"
check_errs "$kb" | sort >"$T/ce"
if cmp -s "$T/ie" "$T/ce" && [ -s "$T/ce" ]; then ok "gate: indexing says what --check says, at the same lines ($(wc -l <"$T/ce") errors)"; else
    fail "gate: indexing and --check differ"; diff "$T/ie" "$T/ce" | head -6 | sed 's/^/    # /'; fi
expect_match "gate: the unknown escalation id, at its line" "$T/gate.err" \
    "policy/fees\\.md:[0-9]+: error: unknown escalation id 'payments-team'"
expect_match "gate: a headings-only body" "$T/gate.err" "headings\\.md:1: error: no text"
expect_match "gate: what links to a held-back article says so" "$T/gate.err" \
    "card-delivery\\.md:[0-9]+: error: broken link: 'fees' is held back by its own errors"
expect_eq "gate: README.md is not an article" "$(title "$db" readme)" none
expect_eq "gate: nor what is under _drafts/" "$(title "$db" drafted)" none
expect_eq "gate: nor what .kbignore lists" "$(title "$db" old-one)" none
kb_index --check "$kb" >"$T/out" 2>&1
expect_match "--check says what it left out" "$T/out" '4 files or folders left out as no articles'

# --- the publish gate: an incremental run keeps the last good version ---------------
kb=$(fixture kb-small keep)
db=$T/keep.idx
kb_index --db "$db" --quiet "$kb" >/dev/null 2>&1
sed -i 's/^title: .*/title: Fees, edited/' "$kb/policy/fees.md"
echo 'See [the charges](kb:no-such-article).' >>"$kb/policy/fees.md"
expect_code "an edit with a broken link: exit 1" 1 kb_index --db "$db" "$kb"
expect_match "the broken link, at its line" "$T/err" "fees\\.md:[0-9]+: error: broken link: no article with id 'no-such-article'"
expect_match "the last good version stays, and it says so" "$T/err" 'fees\.md: warning: its last good version stays searchable'
expect_eq "officers still get the last good version" "$(title "$db" fees)" "Fees for cash withdrawals"
expect_code "the next run still holds it back" 1 kb_index --db "$db" "$kb"
sed -i '$d' "$kb/policy/fees.md"
expect_code "fixed: exit 0" 0 kb_index --db "$db" "$kb"
expect_eq "fixed: the edit is live" "$(title "$db" fees)" "Fees, edited"
sed -i 's/^category: policy/category: polcy/' "$kb/policy/fees.md"
sed -i 's/^title: .*/title: Fees, with a typo/' "$kb/policy/fees.md"
expect_code "--full with an unknown category: exit 1" 1 kb_index --db "$db" --full "$kb"
expect_eq "--full keeps the last good version too" "$(title "$db" fees)" "Fees, edited"

# --- the pre-commit hook -------------------------------------------------------------
if command -v git >/dev/null 2>&1; then
    repo=$T/repo
    mkdir -p "$repo" && cp -r "$top/tests/fixtures/kb-small" "$repo/kb"
    g() { git -C "$repo" -c user.email=e@x -c user.name=editor "$@"; }
    g init -q && g add kb && g commit -qm init
    cp "$top/scripts/pre-commit" "$repo/.git/hooks/pre-commit"
    export KB_INDEX="$B/kb-index"
    sed -i 's/^category: policy/category: polcy/' "$repo/kb/policy/fees.md"
    g add kb
    expect_code "pre-commit: a staged error stops the commit" 1 g commit -qm bad
    expect_match "pre-commit: says which file and line, as in the repository" "$T/err" \
        "kb-index: kb/policy/fees\\.md:[0-9]+: error: unknown category 'polcy'"
    sed -i 's/^category: polcy/category: policy/; s/^title: .*/title: Cash withdrawal fees/' \
        "$repo/kb/policy/fees.md"
    expect_code "pre-commit: fixed in the working tree only, still refused (the staged file counts)" 1 \
        g commit -qm still-bad
    g add kb
    expect_code "pre-commit: fixed and staged: the commit goes through" 0 g commit -qm good
    unset KB_INDEX
else
    skip "pre-commit hook" "no git"
fi

# --- id safety ---------------------------------------------------------------------
kb=$(fixture kb-small ids)
db=$T/ids.idx
kb_index --db "$db" --quiet "$kb" >/dev/null 2>&1
cp "$kb/policy/fees.md" "$kb/policy/a-copy.md"
sed -i 's/^title: .*/title: The copy/' "$kb/policy/a-copy.md"
expect_code "a copy that kept the id (sorting first), --full: exit 1" 1 kb_index --db "$db" --full "$kb"
expect_match "the copy is named, and the live article it would have replaced" "$T/err" \
    "a-copy\\.md:2: error: duplicate id 'fees': .*/policy/fees\\.md has it, so .*a-copy\\.md is not published"
expect_eq "the live article keeps its id" "$(title "$db" fees)" "Fees for cash withdrawals"
rm "$kb/policy/a-copy.md"
# A renamed file without id: its id (from the file name) changes.
sed -i '/^id: stolen-card/d' "$kb/security/stolen-card.md"
kb_index --db "$db" --quiet "$kb" >/dev/null 2>&1
mv "$kb/security/stolen-card.md" "$kb/security/lost-card.md"
expect_code "a renamed file breaks a link: exit 1" 1 kb_index --db "$db" "$kb"
expect_match "the rename is said, with the id that keeps the old one" "$T/err" \
    "lost-card\\.md: warning: renamed from .*/stolen-card\\.md, so its id \\(from the file name\\) changed from 'stolen-card' to 'lost-card'; add 'id: stolen-card' to keep it"
expect_match "with the articles that still name the old id" "$T/err" \
    "1 article still names 'stolen-card': .*card-delivery\\.md:24"
sed -i 's/^title:/id: stolen-card\ntitle:/' "$kb/security/lost-card.md"
expect_code "the old id back: exit 0" 0 kb_index --db "$db" "$kb"
sed -i 's/^id: fees/id: cash-fees/' "$kb/policy/fees.md"
expect_code "an edited id breaks a link: exit 1" 1 kb_index --db "$db" "$kb"
expect_match "the changed id is said, with who still names it" "$T/err" \
    "fees\\.md: warning: its id changed from 'fees' to 'cash-fees'; 1 article still names 'fees': .*card-delivery\\.md:24"

# --- drafts --------------------------------------------------------------------------
kb=$(fixture kb-small drafts)
db=$T/drafts.idx
sed -i 's/^category: policy/category: policy\nstatus: draft/' "$kb/policy/fees.md"
sed -i 's/^category: security/category: security\ndraft: true/' "$kb/security/stolen-card.md"
sed -i '/^See also/d' "$kb/product/card-delivery.md"
sed -i 's/^category: escalation/category: escalation\nstatus: archived/' "$kb/escalation/manager.md"
sed -i '/^next: manager/d' "$kb"/escalation/*.md
sed -i 's/^escalation: manager/escalation: fraud/' "$kb/guidance/angry-caller.md"
expect_code "drafts: indexed, exit 0" 0 kb_index --db "$db" "$kb"
expect_match "'draft: true' is read as a draft, and said" "$T/err" \
    "stolen-card\\.md:[0-9]+: warning: 'draft: true' is read as 'status: draft'"
expect_eq "officers do not find a draft" "$(ids "$db" cash withdrawal fees)" ""
expect_eq "the editor does (--drafts)" "$(ids "$db" --drafts cash withdrawal fees | cut -d' ' -f1)" fees
kb_search --db "$db" --drafts --json cash withdrawal fees >"$T/d.json"
expect_eq "JSON: its status" "$(json "$T/d.json" 'j["results"][0]["status"]')" draft
kb_search --db "$db" --drafts cash withdrawal fees >"$T/d.txt"
expect_match "the terminal marks it" "$T/d.txt" 'fees  \(draft\)'
kb_search --db "$db" --show fees >"$T/d.txt"
expect_match "--show says officers do not see it" "$T/d.txt" 'draft: not shown to officers'
echo '{"q": "cash withdrawal fees", "drafts": true}' | kb_search --db "$db" --serve >"$T/d.json"
expect_eq "serve: \"drafts\": true finds it" "$(json "$T/d.json" 'j["results"][0]["id"]')" fees
kb_search --db "$db" --json "speak to a manager" >"$T/d.json"
expect_eq "an archived tier's triggers do not fire" \
    "$(json "$T/d.json" '[a["alert"] for a in j["alerts"] if a.get("path") and a["path"][0]["id"] == "manager"]')" "[]"
sed -i 's/^escalation: fraud/escalation: manager/' "$kb/guidance/angry-caller.md"
expect_code "a published article escalating to an archived tier: exit 1" 1 kb_index --db "$db" "$kb"
expect_match "it is held back, and why" "$T/err" \
    "angry-caller\\.md:[0-9]+: error: escalation 'manager' is archived: officers cannot be sent there; publish it first"

# --- --preview -----------------------------------------------------------------------
kb=$(fixture kb-small preview)
db=$T/preview.idx
kb_index --db "$db" --quiet "$kb" >/dev/null 2>&1
kb_search --db "$db" --serve <<'EOF' >"$T/h0.json"
{"op":"health"}
EOF
sed -i 's/^title: .*/title: Withdrawal fees, new wording/' "$kb/policy/fees.md"
expect_code "--preview of a good article: exit 0" 0 kb_index --preview "$kb/policy/fees.md" --db "$db" "$kb"
cp "$T/out" "$T/p.txt"
expect_match "--preview: says it is publishable" "$T/p.txt" '^Publishable'
expect_match "--preview: the result card" "$T/p.txt" '^1\. Withdrawal fees, new wording  \[policy\] fees'
expect_match "--preview: the escalation path from the index" "$T/p.txt" 'Escalate to: Payments operations, ext\. 4430'
expect_match "--preview: the sections and their steps" "$T/p.txt" '^Sections: '
expect_eq "--preview indexes nothing" "$(title "$db" fees)" "Fees for cash withdrawals"
echo 'See [x](kb:nowhere).' >>"$kb/policy/fees.md"
expect_code "--preview of an article in error: exit 1" 1 kb_index --preview "$kb/policy/fees.md" --db "$db" "$kb"
expect_match "--preview: its error, as --check says it" "$T/out" "fees\\.md:[0-9]+: error: broken link: no article with id 'nowhere'"
expect_match "--preview: says kb-index would hold it back" "$T/out" '^Not publishable'
printf -- '---\ntitle: [broken\n---\nx\n' >"$T/broken.md"
expect_code "--preview of a file that is no article: exit 1" 1 kb_index --preview "$T/broken.md" --db "$db" "$kb"
expect_code "--preview of a missing file: exit 3" 3 kb_index --preview "$T/nothing.md" "$kb"
expect_code "--preview --json: usage error" 2 kb_index --preview "$kb/policy/fees.md" --json "$kb"

# --- --new ---------------------------------------------------------------------------
kb=$(fixture kb-small new)
expect_code "--new writes a draft" 0 kb_index --new card-replacement --category product "$kb"
f=$kb/product/card-replacement.md
expect_eq "--new: the file is there" "$(test -f "$f" && echo yes)" yes
expect_match "--new: every field explained" "$f" '^questions: +# how customers really ask'
expect_match "--new: a draft" "$f" '^status: draft'
expect_code "--new: the template passes --check --strict" 0 kb_index --check --strict "$kb"
kb_index --db "$T/new.idx" --quiet "$kb" >/dev/null 2>&1
expect_eq "--new: indexed, as a draft" "$(title "$T/new.idx" card-replacement)" "Card replacement"
expect_eq "--new: not found by their searches" "$(ids "$T/new.idx" card replacement | grep -c card-replacement)" 0
expect_code "--new: an existing file is never overwritten" 1 kb_index --new card-replacement --category product "$kb"
expect_code "--new: an id another article has: exit 1" 1 kb_index --new fees --category product "$kb"
expect_eq "--new: and nothing is written" "$(test -e "$kb/product/fees.md" && echo yes || echo no)" no
expect_code "--new: a bad id: exit 2" 2 kb_index --new "Card Replacement" --category product "$kb"
expect_code "--new: an unknown category: exit 2" 2 kb_index --new x-y --category cards "$kb"
expect_code "--new without --category: exit 2" 2 kb_index --new x-y "$kb"
expect_code "--new escalation: a tier template" 0 kb_index --new night-desk --category escalation "$kb"
expect_match "--new escalation: with contact, hours and sla" "$kb/escalation/night-desk.md" '^hours: '
expect_code "--new escalation: passes --check --strict" 0 kb_index --check --strict "$kb"

finish
