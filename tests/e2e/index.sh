#!/bin/sh
# index.sh - kb-index end to end: full build, incremental runs (touch, edit,
# add, delete), rejected articles, lint, exit codes.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
db=$T/index

# --- first run: a full build -------------------------------------------
expect_code "first run indexes the fixture" 0 kb_index --db "$db" --json "$kb"
cp "$T/out" "$T/first.json"
expect_eq "first run is a full build" "$(json "$T/first.json" 'j["full"]')" "True"
expect_eq "all 9 articles added" "$(json "$T/first.json" 'j["added"]')" "9"
expect_eq "9 articles in the index" "$(json "$T/first.json" 'j["articles"]')" "9"
expect_eq "nothing rejected" "$(json "$T/first.json" 'j["rejected"]')" "0"
expect_match "stub names the first generation" "$db/XAPIANDB" '^glass gen-000001/s0$'

# --- nothing changed ---------------------------------------------------
expect_code "second run" 0 kb_index --db "$db" --json "$kb"
expect_eq "second run is incremental" "$(json "$T/out" 'j["full"]')" "False"
expect_eq "second run: all unchanged" "$(json "$T/out" 'j["unchanged"]')" "9"
expect_eq "second run writes no sections" "$(json "$T/out" 'j["sections"]')" "0"

# --- touched: mtime moves, contents hash the same -------------------------
touch -d '2030-01-01' "$kb/policy/fees.md"
expect_code "run after touch" 0 kb_index --db "$db" --json "$kb"
expect_eq "touched file is unchanged" "$(json "$T/out" 'j["unchanged"]')" "9"
expect_eq "touched file is not re-indexed" "$(json "$T/out" '(j["updated"], j["sections"])')" "(0, 0)"

# --- edited ------------------------------------------------------------
printf '\n## Fees for students\nStudents pay nothing for the zebracrossing allowance.\n' >>"$kb/policy/fees.md"
expect_code "run after edit" 0 kb_index --db "$db" --json "$kb"
expect_eq "edited file updated" "$(json "$T/out" 'j["updated"]')" "1"
expect_eq "others unchanged" "$(json "$T/out" 'j["unchanged"]')" "8"
expect_code "new text is searchable" 0 kb_search --db "$db" --json zebracrossing
expect_eq "new text finds the edited article" "$(json "$T/out" 'j["results"][0]["id"]')" "fees"
expect_eq "and names the new section" "$(json "$T/out" 'j["results"][0]["section"]')" "Fees for students"

# --- added -------------------------------------------------------------
cat >"$kb/product/virtual-card.md" <<'EOF'
---
title: Virtual cards
category: product
questions: [how do I get a virtual card]
---
A virtual card is free; create it in the app under Cards.
EOF
expect_code "run after add" 0 kb_index --db "$db" --json "$kb"
expect_eq "added file counted" "$(json "$T/out" 'j["added"]')" "1"
expect_eq "10 articles now" "$(json "$T/out" 'j["articles"]')" "10"
expect_code "added article found, id from file name" 0 kb_search --db "$db" --json virtual card
expect_eq "added article is the top hit" "$(json "$T/out" 'j["results"][0]["id"]')" "virtual-card"

# --- deleted -----------------------------------------------------------
rm "$kb/product/virtual-card.md"
expect_code "run after delete" 0 kb_index --db "$db" --json "$kb"
expect_eq "deleted file removed" "$(json "$T/out" 'j["removed"]')" "1"
expect_eq "9 articles again" "$(json "$T/out" 'j["articles"]')" "9"
kb_search --db "$db" --json virtual card >"$T/s.json"
expect_eq "deleted article no longer found" \
    "$(json "$T/s.json" '[r["id"] for r in j["results"]].count("virtual-card")')" "0"
expect_code "show of the deleted article fails" 1 kb_search --db "$db" --show virtual-card

# --- rejected articles -------------------------------------------------
printf -- '---\ntitle: [unclosed\ncategory: policy\n---\nBody.\n' >"$kb/policy/broken.md"
expect_code "broken YAML: exit 1" 1 kb_index --db "$db" "$kb"
expect_match "message names file and line" "$T/err" 'kb-index: .*policy/broken\.md:[0-9]+: error: front matter'
expect_match "summary says one rejected" "$T/out" '1 rejected'
rm "$kb/policy/broken.md"

# An edit that breaks an article keeps its last good version searchable.
cp "$kb/security/stolen-card.md" "$T/stolen.bak"
printf '\377\376 not utf-8\n' >>"$kb/security/stolen-card.md"
expect_code "invalid UTF-8: exit 1" 1 kb_index --db "$db" "$kb"
expect_match "UTF-8 error has a line" "$T/err" 'stolen-card\.md:[0-9]+: error: invalid UTF-8'
expect_code "the last good version is still searchable" 0 kb_search --db "$db" --json stole my wallet
expect_eq "still found" "$(json "$T/out" 'j["results"][0]["id"]')" "stolen-card"
cp "$T/stolen.bak" "$kb/security/stolen-card.md"
expect_code "fixed file indexes again" 0 kb_index --db "$db" "$kb"

# Duplicate id: the second file is rejected, the first keeps the id.
sed 's/^title: .*/title: Copy of fees/' "$kb/policy/fees.md" | sed 's/^id: fees$/id: fees/' >"$kb/policy/zz-copy.md"
expect_code "duplicate id: exit 1" 1 kb_index --db "$db" "$kb"
expect_match "duplicate id named" "$T/err" "duplicate id 'fees'"
rm "$kb/policy/zz-copy.md"

# --- --full builds a new generation and swaps it in ------------------------
expect_code "--full" 0 kb_index --db "$db" --full --json "$kb"
expect_eq "--full is full" "$(json "$T/out" 'j["full"]')" "True"
expect_no_match "stub moved off the first generation" "$db/XAPIANDB" 'gen-000001'
n=$(ls -d "$db"/gen-* | wc -l)
if [ "$n" -ge 1 ] && [ "$n" -le 2 ]; then ok "at most two generations kept ($n)"; else fail "$n generations kept"; fi

# --- lint --------------------------------------------------------------
lint=$(fixture kb-lint)
KB_TODAY=2026-11-22 expect_code "lint finds errors: exit 1" 1 kb_index --check "$lint"
cp "$T/err" "$T/lint.err"
expect_match "lint: duplicate id, at its line, naming the file that keeps it" "$T/lint.err" "dup-b\.md:2: error: duplicate id 'same-id': [^ ]*dup-a\.md has it"
expect_match "lint: missing title" "$T/lint.err" 'no-title\.md:1: error: missing title'
expect_match "lint: missing category" "$T/lint.err" 'no-title\.md:1: error: missing category'
expect_match "lint: unknown category" "$T/lint.err" "stale\.md:3: error: unknown category 'wrongcat'"
expect_match "lint: unknown escalation id" "$T/lint.err" "bad-escalation\.md:5: error: unknown escalation id 'no-such-team'"
expect_match "lint: broken kb: link" "$T/lint.err" "bad-escalation\.md:[0-9]+: error: broken link: no article with id 'not-an-article'"
expect_match "lint: broken .md link" "$T/lint.err" "broken link: no article with id 'gone'"
expect_no_match "lint: external links are not checked" "$T/lint.err" "id 'x'"
expect_match "lint: escalation cycle" "$T/lint.err" 'error: escalation cycle: loop-a -> loop-b -> loop-a'
expect_match "lint: malformed hours" "$T/lint.err" "loop-b\.md:5: error: malformed hours"
expect_match "lint: review date passed: on the worklist with its date and file" "$T/out" '^  past 2020-01-01 .*stale\.md'
KB_TODAY=2026-11-22 kb_index --check --json "$lint" >"$T/lint.json"
expect_eq "lint --json: the review warning at its key's line" \
    "$(json "$T/lint.json" '[w["line"] for w in j["warnings"] if "review date 2020-01-01 has passed" in w["message"]]')" "[4]"
expect_match "lint: no questions (warning)" "$T/lint.err" 'stale\.md:1: warning: no questions'
expect_match "lint: unknown key (warning)" "$T/lint.err" "warning: unknown front-matter key 'mood'"
expect_match "lint: summary line" "$T/out" 'checked 7 articles'

clean=$(fixture kb-small clean)
expect_code "lint passes on the fixture" 0 kb_index --check "$clean"
printf -- '---\ntitle: No questions\ncategory: policy\n---\nText.\n' >"$clean/policy/quiet.md"
expect_code "warnings alone pass" 0 kb_index --check "$clean"
expect_code "--strict makes warnings fail" 1 kb_index --check --strict "$clean"
expect_code "lint --json" 0 kb_index --check --json "$clean"
expect_eq "lint --json lists the warning" "$(json "$T/out" 'len(j["warnings"])')" "1"
expect_code "the sample KB passes --check --strict" 0 kb_index --check --strict "$top/kb"

# --- usage and I/O errors ------------------------------------------------
expect_code "unknown option: exit 2" 2 kb_index --bogus
expect_code "two KB folders: exit 2" 2 kb_index a b
expect_code "--strict without --check: exit 2" 2 kb_index --strict "$kb"
expect_code "missing KB folder: exit 3" 3 kb_index --db "$T/x" "$T/no-such-kb"
expect_match "missing folder message" "$T/err" 'cannot read the KB folder'
mkdir -p "$T/notours" && echo hi >"$T/notours/precious.txt"
expect_code "foreign --db directory refused: exit 3" 3 kb_index --db "$T/notours" "$kb"
expect_match "foreign directory explained" "$T/err" 'not a kb index directory'
expect_eq "foreign directory untouched" "$(ls "$T/notours")" "precious.txt"
expect_code "--help" 0 kb_index --help
expect_match "--help shows usage" "$T/out" '^Usage: kb-index'
expect_code "--version" 0 kb_index --version

finish
