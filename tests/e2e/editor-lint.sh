#!/bin/sh
# editor-lint.sh - the editor's workflow (issue 16), part 2: lint for
# silent mistakes in plain words, the review worklist, --eval and
# --compare, and pinned answers.
. "$(dirname "$0")/../lib.sh"

# lint KB: --check --json of KB into $T/l.json, text into $T/l.err / $T/l.out.
lint() {
    kb_index --check "$1" >"$T/l.out" 2>"$T/l.err"
    kb_index --check --json "$1" >"$T/l.json" 2>/dev/null
}
# has LEVEL FILE LINE TEXT: the JSON lint has a LEVEL ("errors" or
# "warnings") at FILE:LINE whose message holds TEXT.
has() {
    /usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(any(x["path"].endswith("/" + sys.argv[3]) and x["line"] == int(sys.argv[4]) and
          sys.argv[5] in x["message"] for x in j[sys.argv[2]]))' "$T/l.json" "$@"
}

# --- silent mistakes, in plain words, at the key's line -----------------------------
kb=$(fixture kb-small lint)
f=$kb/policy/fees.md
# An over-indented question swallows the next one.
sed -i 's/^  - Why was I charged for taking cash out?/  - Why was I charged for taking cash out?\n    - Is there a fee for the ATM/' "$f"
# A misspelled key.
sed -i 's/^tags:/quesitons: [where are my fees]\ntags:/' "$kb/security/stolen-card.md"
# A title too long to read in a result line.
long=$(printf 'Very long title %.0s' 1 2 3 4 5 6 7 8 9 10)
sed -i "s/^title: .*/title: $long/" "$kb/guidance/angry-caller.md"
# The same customer question in two articles.
sed -i 's/^  - I lost my card/  - I lost my card\n  - where is my card?/' "$kb/security/stolen-card.md"
# A word in two synonym groups.
echo 'cashpoint, cash dispenser' >>"$kb/synonyms.txt"
lint "$kb"
expect_eq "the swallowed question: a warning at its line" "$(has warnings policy/fees.md 8 "this '- ' item is indented deeper than the line above, so YAML joins the two into one")" True
expect_eq "a misspelled key: did you mean" "$(has warnings security/stolen-card.md 5 "unknown front-matter key 'quesitons' (kept, not used): did you mean 'questions'?")" True
expect_eq "a long title: a warning at the title's line" "$(has warnings guidance/angry-caller.md 3 "characters long: keep it under 120 so it fits a result line")" True
qline=$(grep -n '^questions:' "$kb/security/stolen-card.md" | cut -d: -f1)
expect_eq "a question asked in two articles: at the later one's questions" "$(has warnings security/stolen-card.md "$qline" 'the customer question "where is my card?" is also asked in')" True
expect_eq "the other article and its wording are named" "$(has warnings security/stolen-card.md "$qline" 'product/card-delivery.md ("Where is my card?")')" True
expect_eq "a word in two synonym groups: at the later group's line" "$(has warnings synonyms.txt "$(wc -l <"$kb/synonyms.txt")" "'cashpoint' is also in the group at line")" True
expect_eq "these are warnings: --check exits 0" "$(json "$T/l.json" 'j["ok"]')" True
expect_code "and --strict refuses them" 1 kb_index --check --strict "$kb"

# YAML errors, translated, at the line to fix.
kb=$(fixture kb-small yaml)
yaml_case() {   # NAME FILE SED LINE TEXT
    cp "$top/tests/fixtures/kb-small/$2" "$kb/$2"
    sed -i "$3" "$kb/$2"
    lint "$kb"
    expect_eq "YAML: $1" "$(has errors "$2" "$4" "$5")" True
}
yaml_case "a colon in the title: quote it" policy/fees.md 's/^title: .*/title: Fees: cash withdrawals/' 3 \
    "the value of 'title' contains a colon followed by a space: put it in quotes: title: \"Fees: cash withdrawals\""
yaml_case "a tab for indentation" policy/fees.md 's/^  - Why/\t- Why/' 7 "indented with a tab: YAML needs spaces"
yaml_case "an apostrophe inside single quotes" policy/fees.md "s/^title: .*/title: 'It's a fee'/" 3 \
    "is in single quotes and holds an apostrophe, which ends it: write the apostrophe twice"
yaml_case "a quote closed too early" policy/fees.md 's/^title: .*/title: "Fees" for cash/' 3 \
    "starts with a quote and goes on after the closing quote"
yaml_case "an indented key" policy/fees.md 's/^category: policy/  category: policy/' 4 \
    "the key 'category' is indented"
yaml_case "a list not closed" policy/fees.md 's/^tags: .*/tags: [fees, atm/' 5 \
    "the list opened with '[' is not closed"
grep -q 'did not find expected' "$T/l.out" && fail "parser jargon leads a message" ||
    ok "the parser's own words come last, in brackets, never first"
# Errors of the checks at the line of their key, not at line 1.
kb=$(fixture kb-small lines)
sed -i 's/^escalation: .*/escalation: nobody/; s/^category: .*/category: polcy/; s/^review_by: .*/review_by: 2020-01-01/' \
    "$kb/policy/fees.md"
lint "$kb"
expect_eq "an unknown category at its line" "$(has errors policy/fees.md 4 "unknown category 'polcy'")" True
expect_eq "an unknown escalation id at its line" "$(has errors policy/fees.md 8 "unknown escalation id 'nobody'")" True
expect_eq "a past review date at its line" "$(has warnings policy/fees.md 10 'review date 2020-01-01 has passed')" True

# --- the review worklist -------------------------------------------------------------
kb=$(fixture kb-small reviews)
for f in "$kb"/*/*.md; do sed -i 's/^review_by: .*/review_by: 2026-01-15/' "$f"; done
sed -i 's/^review_by: .*/review_by: 2026-12-20/' "$kb/policy/fees.md"
sed -i 's/^review_by: .*/review_by: 2027-06-01/' "$kb/security/stolen-card.md"
sed -i '/^owner:/d' "$kb/guidance/angry-caller.md"
KB_TODAY=2026-12-03 kb_index --check "$kb" >"$T/w.out" 2>"$T/w.err"
expect_match "worklist: a heading with the counts" "$T/w.out" '^Reviews: 7 past, 1 due within 30 days$'
expect_eq "worklist: every past article has a line (no '... and N more')" "$(grep -c '^  past 2026-01-15' "$T/w.out")" 7
expect_match "worklist: file, date, how long ago and owner" "$T/w.out" \
    '^  past 2026-01-15 322 days ago +cards-team  .*/product/card-delivery\.md$'
expect_match "worklist: an article without owner says so" "$T/w.out" '\(no owner\)  .*angry-caller\.md'
expect_match "worklist: what is due soon" "$T/w.out" '^  due  2026-12-20 in 17 days +payments-team  .*fees\.md'
expect_no_match "worklist: what is not due is left out" "$T/w.out" 'stolen-card'
expect_no_match "the review warnings are not said twice" "$T/w.err" 'review date'
KB_TODAY=2026-12-03 kb_index --check --owner cards-team "$kb" >"$T/w.out" 2>/dev/null
expect_match "--owner: only theirs" "$T/w.out" '^Reviews \(owner cards-team\): 2 past, 0 due within 30 days$'
KB_TODAY=2026-12-03 kb_index --check --within 365 "$kb" >"$T/w.out" 2>/dev/null
expect_match "--within 365: further ahead" "$T/w.out" 'due  2027-06-01 in 180 days .*stolen-card\.md'
KB_TODAY=2026-12-03 kb_index --check --json "$kb" >"$T/w.json" 2>/dev/null
expect_eq "--json: every review, with file, date, owner and state" \
    "$(json "$T/w.json" '(len(j["reviews"]), sorted(set(r["state"] for r in j["reviews"])), j["reviews"][0]["owner"] is not None)')" \
    "(8, ['due', 'past'], True)"
expect_eq "--json: and every review warning too" "$(json "$T/w.json" 'sum("review date" in w["message"] for w in j["warnings"])')" 7
expect_code "--owner without --check: usage error" 2 kb_index --owner x "$kb"
expect_code "--within that is no number: usage error" 2 kb_index --check --within soon "$kb"

# --- --eval and --compare ------------------------------------------------------------
kb=$(fixture kb-small eval)
db=$T/eval.idx
kb_index --db "$db" --quiet "$kb" >/dev/null 2>&1
printf '# question<TAB>expected id\nwhere is my card\tcard-delivery\nsomeone stole my wallet\tstolen-card\nmy top up did not work\ttop-up-failed\ncan my partner get a card\tcard-delivery\nno tab on this line\n' >"$T/q.tsv"
expect_code "--eval: exit 0" 0 kb_index --eval "$T/q.tsv" "$kb"
expect_match "--eval: hit@1, hit@3 and MRR" "$T/out" '^  kb +hit@1 [01]\.[0-9]{3}  hit@3 [01]\.[0-9]{3}  MRR@10 [01]\.[0-9]{3}$'
expect_match "--eval: a bad line is named" "$T/err" 'q\.tsv:6: not .question<TAB>expected-id.; skipped'
# An edit: an article that takes the partner question.
mkdir -p "$kb/product"
printf -- '---\nid: joint-accounts\ntitle: Joint accounts and cards for partners\ncategory: product\nquestions:\n  - Can my partner get a card\n  - joint account for me and my partner\n---\nKestrel has no joint accounts; a partner can have a spare card on the account.\n' \
    >"$kb/product/joint-accounts.md"
expect_code "--eval --compare: exit 0" 0 kb_index --eval "$T/q.tsv" --compare --db "$db" "$kb"
expect_match "--compare: both figures" "$T/out" '^  live +hit@1'
expect_match "--compare: the first answer the edit changes" "$T/out" \
    '^  joint-accounts now takes "can my partner get a card" from card-delivery \(was right\)$'
expect_no_match "--compare: the unchanged ones are not listed" "$T/out" 'now takes "where is my card"'
expect_eq "--eval leaves the live index alone" "$(kb_search --db "$db" --show joint-accounts >/dev/null 2>&1; echo $?)" 1
kb_index --eval "$T/q.tsv" --compare --db "$db" --json "$kb" >"$T/e.json" 2>/dev/null
expect_eq "--eval --json: one result per question, changed flagged" \
    "$(json "$T/e.json" '(j["queries"], [r["changed"] for r in j["results"]], j["results"][3]["edited"]["top"])')" \
    "(4, [False, False, False, True], 'joint-accounts')"
expect_code "--compare without --eval: usage error" 2 kb_index --compare "$kb"
expect_code "--eval of a missing file: usage error" 2 kb_index --eval "$T/none.tsv" "$kb"
(cd "$top" && KB_DIR="$kb" tests/relevance/eval.sh "$BUILDDIR" "$T/q.tsv") >"$T/m.out" 2>&1
expect_match "make eval KB_DIR=...: scores that folder" "$T/m.out" "^== KB: $kb"

# --- pinned answers ------------------------------------------------------------------
kb=$(fixture kb-small pins)
db=$T/pins.idx
cat >"$kb/pins.txt" <<'EOF'
# customer phrase -> article id
where is my card -> stolen-card
card not arrived -> card-delivery
top up failed -> fees
nothing -> no-such-article
Where is my card? -> fees
the -> fees
just a line
EOF
lint "$kb"
expect_eq "pins lint: a pin to a missing article" "$(has errors pins.txt 5 "pin to 'no-such-article': no article has that id")" True
expect_eq "pins lint: a phrase pinned twice" "$(has errors pins.txt 6 'is pinned twice: line 2 pins the same words')" True
expect_eq "pins lint: a phrase with no word that counts" "$(has errors pins.txt 7 'has no word that counts')" True
expect_eq "pins lint: a line that is no pin" "$(has errors pins.txt 8 "not a pin: write 'customer phrase -> article-id'")" True
expect_code "indexing with bad pins: exit 1 (the good ones kept)" 1 kb_index --db "$db" "$kb"
kb_search --db "$db" --json where is my card >"$T/p.json"
expect_eq "a pinned phrase puts its article first, marked pinned" \
    "$(json "$T/p.json" '(j["results"][0]["id"], j["results"][0]["pinned"], j["results"][1]["pinned"], j["covered"])')" \
    "('stolen-card', True, False, True)"
kb_search --db "$db" --json "Where's my cards please" >"$T/p.json"
kb_search --db "$db" --json "hi, WHERE is my card?" >"$T/p2.json"
expect_eq "the same words however typed (case, plural, hi, please)" \
    "$(json "$T/p2.json" 'j["results"][0]["pinned"]')" True
kb_search --db "$db" --json "add money failed" >"$T/p.json"
expect_eq "synonyms: add money is top up" "$(json "$T/p.json" '(j["results"][0]["id"], j["results"][0]["pinned"])')" "('fees', True)"
kb_search --db "$db" --json "card not arived" >"$T/p.json"
expect_eq "spelling: a corrected query is pinned too" "$(json "$T/p.json" '(j["results"][0]["id"], j["results"][0]["pinned"])')" "('card-delivery', True)"
kb_search --db "$db" --json "card" >"$T/p.json"
expect_eq "other words are not pinned" "$(json "$T/p.json" 'any(r["pinned"] for r in j["results"])')" False
kb_search --db "$db" --explain where is my card >"$T/p.txt"
expect_match "--explain says it was pinned, by which line" "$T/p.txt" 'pinned to "where is my card" by pins.txt line 2'
expect_match "the terminal marks it" "$T/p.txt" '^1\. Lost or stolen card  \[security\] stolen-card  \(pinned\)'
kb_search --db "$db" --json where is my card category:product >"$T/p.json"
expect_eq "a filter that leaves the pinned article out wins" "$(json "$T/p.json" 'any(r["pinned"] for r in j["results"])')" False
/usr/bin/python3 "$top/tests/tools/validate-json.py" search_response "$T/p2.json" >"$T/v.out" 2>&1
expect_eq "a pinned result validates against the schema" "$?" 0
printf 'where is my card -> card-delivery\n' >"$kb/pins.txt"
expect_code "pins.txt edited alone: an incremental run takes it" 0 kb_index --db "$db" "$kb"
expect_eq "and the new pin answers" "$(kb_search --db "$db" --json where is my card | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')" card-delivery
sed -i 's/^category: product/category: product\nstatus: draft/' "$kb/product/card-delivery.md"
sed -i '/^See also/d' "$kb/product/card-delivery.md"
lint "$kb"
expect_eq "pins lint: a pin to a draft" "$(has errors pins.txt 1 "pin to 'card-delivery', which is a draft")" True
rm "$kb/pins.txt"
expect_code "pins.txt removed: exit 0" 0 kb_index --db "$db" "$kb"
kb_search --db "$db" --json --drafts where is my card >"$T/p.json"
expect_eq "and nothing is pinned any more" "$(json "$T/p.json" 'any(r["pinned"] for r in j["results"])')" False

finish
