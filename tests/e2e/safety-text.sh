#!/bin/sh
# safety-text.sh - Unicode normalisation (issue 15, "Text handling"): the
# indexed text and the queries are brought to one form (NFKC, case folded,
# default-ignorable characters such as the soft hyphen removed;
# lib/base/normalize.h), so composed and decomposed accents, fullwidth
# letters, ligatures and invisible characters find the same articles; and
# spelling, synonyms, triggers, filters and snippet highlights still line
# up.  Each case and its outcome is in tests/RELIABILITY.md, section 9.
. "$(dirname "$0")/../lib.sh"

kb=$T/kb
mkdir -p "$kb/policy" "$kb/escalation"
# The articles are written by Python: sh's printf has no \x or \u.
/usr/bin/python3 - "$kb" <<'EOF'
import os, sys, unicodedata
kb = sys.argv[1]
def art(path, front, body):
    with open(os.path.join(kb, path), "w", encoding="utf-8") as f:
        f.write("---\n" + front + "\n---\n" + body + "\n")
NFD = lambda s: unicodedata.normalize("NFD", s)
art("policy/cafe-nfc.md",
    "id: cafe-nfc\ntitle: Caf\u00e9 payments\ncategory: policy\nquestions:\n  - card payment at a caf\u00e9",
    "A caf\u00e9 payment shows as pending for a day.\n\n## Refunds\nThe caf\u00e9 refunds within 5 days.")
art("policy/resume-nfd.md",
    "id: resume-nfd\ntitle: " + NFD("R\u00e9sum\u00e9 checks") + "\ncategory: policy\nquestions:\n  - checking a r\u00e9sum\u00e9\n"
    "tags: [" + NFD("d\u00e9j\u00e0-vu") + "]",
    NFD("Employers may ask for a r\u00e9sum\u00e9 check; the na\u00efve answer is wrong."))
art("policy/fullwidth.md",
    "id: fullwidth\ntitle: Kumquat rules\ncategory: policy\nquestions:\n  - what about kumquat",
    "The \uff50\uff4f\uff4d\uff45\uff4c\uff4f allowance is written in fullwidth letters.")
art("policy/shy.md",
    "id: shy\ntitle: Soft hyphens\ncategory: policy\nquestions:\n  - about hyphens",
    "Ask for a re\u00adplace\u00adment quincunx when the chip is dam\u00adaged.")
art("policy/strasse.md",
    "id: strasse\ntitle: Addresses in Germany\ncategory: policy\nquestions:\n  - german address",
    "Write the Stra\u00dfe in full; the \ufb01le is checked.")
art("policy/plain.md",
    "id: plain\ntitle: Replacement cards\ncategory: policy\nquestions:\n  - need a replacement card",
    "A replacement card arrives in 3 working days.")
art("escalation/desk.md",
    "id: desk\ntitle: Marmalade desk\ncategory: escalation\ncontact: ext. 1\nhours: 24/7\nsla: now\n"
    "triggers: [\"" + NFD("cr\u00e8me br\u00fbl\u00e9e") + "\", \"jam\u00adjar\"]",
    "The marmalade desk.")
with open(os.path.join(kb, "synonyms.txt"), "w", encoding="utf-8") as f:
    f.write(NFD("caf\u00e9") + ", coffee shop, espresso bar\n")
EOF
db=$T/db
expect_code "a KB in NFC, NFD, fullwidth, soft hyphens and ligatures: indexed" 0 \
    kb_index --db "$db" "$kb"
expect_code "and --check agrees" 0 kb_index --check "$kb"

# q ARGS...: the search's JSON into $T/q.json (the query from Python, so it
# can hold any character): q 'cafe\u0301' ...
q() {
    /usr/bin/python3 -c 'import sys; sys.stdout.write(sys.argv[1].encode().decode("unicode_escape"))' "$1" >"$T/qtext"
    shift
    kb_search --db "$db" --json "$@" "$(cat "$T/qtext")" >"$T/q.json"
}
first() { json "$T/q.json" 'j["results"][0]["id"] if j["results"] else "none"'; }
# has ID: is ID among the results?
has() { json "$T/q.json" '"'"$1"'" in [r["id"] for r in j["results"]]'; }
# Every highlight [s, e) is whole words of the snippet (Xapian merges
# adjacent matches into one), on UTF-8 boundaries.
hl_ok() {
    /usr/bin/python3 - "$T/q.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
bad = 0
n = 0
for r in j["results"]:
    b = r["snippet"].encode()
    for s, e in r["highlights"]:
        n += 1
        try:
            w = b[s:e].decode()
        except UnicodeDecodeError:
            bad += 1
            continue
        before = b[:s].decode(errors="replace")[-1:]
        after = b[e:].decode(errors="replace")[:1]
        if (not w or not all(c.isalnum() for c in w.replace(" ", ""))
                or before.isalnum() or after.isalnum()):
            bad += 1
print("ok" if n and not bad else "bad %d of %d" % (bad, n))
EOF
}
# hl_words [ID]: the highlighted words of result ID (default: the first), sorted.
hl_words() {
    /usr/bin/python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
r = [r for r in j["results"] if r["id"] == sys.argv[2] or not sys.argv[2]][0]
b = r["snippet"].encode()
print(" ".join(sorted(set(w for s, e in r["highlights"] for w in b[s:e].decode().lower().split()))))' "$T/q.json" "${1:-}"
}

q 'cafe\u0301 payment'
expect_eq "NFD query (cafe + U+0301) finds the NFC article" "$(first)" cafe-nfc
expect_eq "NFD query: highlights are whole words" "$(hl_ok)" ok
expect_match "NFD query: 'café' is highlighted (in the snippet's NFC)" "$T/q.json" '"snippet":"[^"]*caf\\u00e9|"snippet":"[^"]*café'
expect_eq "NFD query: the highlighted words" "$(hl_words)" "café payment"
q 'r\u00e9sum\u00e9 check'
expect_eq "NFC query finds the NFD article" "$(first)" resume-nfd
expect_eq "NFC query on the NFD article: highlights are whole words" "$(hl_ok)" ok
expect_eq "NFC query on the NFD article: highlighted words" "$(hl_words)" "check résumé"
q 'na\u00efve'
expect_eq "NFC 'naïve' finds the NFD 'naïve'" "$(first)" resume-nfd
q '\uff43\uff41\uff46\u00e9 \uff50\uff41\uff59\uff4d\uff45\uff4e\uff54'
expect_eq "fullwidth query 'ｃａｆé ｐａｙｍｅｎｔ' finds it" "$(first)" cafe-nfc
q 'pomelo allowance'
expect_eq "the fullwidth article text is found by 'pomelo'" "$(first)" fullwidth
expect_eq "fullwidth article: highlights are whole words" "$(hl_ok)" ok
q 'replacement quincunx'
expect_eq "soft hyphens in the article: 'replacement quincunx' finds it" "$(has shy)" True
expect_eq "soft hyphens in the article: the highlighted words" "$(hl_words shy)" "quincunx replacement"
q 'quin\u00adcunx'
expect_eq "a soft hyphen in the query: 'quin-cunx' finds it" "$(first)" shy
q 'quin\u200bcunx'
expect_eq "a zero-width space in the query: found" "$(first)" shy
q '\u202equincunx'
expect_eq "a bidi override in the query: found" "$(first)" shy
q 'STRASSE'
expect_eq "case folding: 'STRASSE' finds 'Straße'" "$(first)" strasse
q 'stra\u00dfe'
expect_eq "case folding: 'straße' finds it too" "$(first)" strasse
q 'file germany'
expect_eq "the ligature 'ﬁle' is found by 'file'" "$(first)" strasse
expect_eq "the ligature: 'file' is highlighted" "$(hl_words)" "file"
q '\u2460 replacement'
expect_eq "a circled one (NFKC: 1) does not break the query" "$(first)" plain
q 'category\uff1apolicy caf\u00e9'
expect_eq "a fullwidth colon: category：policy is a filter" "$(json "$T/q.json" 'j["categories"] if "categories" in j else [r["category"] for r in j["results"]][:1]')" "['policy']"
q '\uff02caf\u00e9 payment\uff02'
expect_eq "fullwidth quotes make a phrase" "$(first)" cafe-nfc
q 'r\u00e9sum\u00e9 tag:d\u00e9j\u00e0-vu'
expect_eq "tag:déjà-vu (NFC) filters the NFD tag" "$(first)" resume-nfd
kb_search --db "$db" --json --tag "$(/usr/bin/python3 -c 'print("D\u00c9J\u00c0-VU")')" check >"$T/q.json"
expect_eq "--tag DÉJÀ-VU (upper case) filters it too" "$(first)" resume-nfd

# Spelling, synonyms and triggers over the normalised words.
q 'cafe\u0301 paymnet'
expect_eq "spelling: a typo beside an NFD word is corrected" "$(json "$T/q.json" 'j["corrected"] is not None')" True
expect_eq "spelling: the corrected query finds it" "$(first)" cafe-nfc
q 'espresso bar refunds'
expect_eq "synonyms (an NFD group): 'espresso bar' finds the café article" "$(first)" cafe-nfc
kb_search --db "$db" --json --explain "$(/usr/bin/python3 -c 'print("\uff45\uff53\uff50\uff52\uff45\uff53\uff53\uff4f bar")')" >"$T/q.json"
expect_match "synonyms: a fullwidth 'ｅｓｐｒｅｓｓｏ bar' matches as a synonym" "$T/q.json" '"kind":"synonym"'
q 'cr\u00e8me br\u00fbl\u00e9e please'
expect_eq "trigger written in NFD, typed in NFC: escalates to the desk" \
    "$(json "$T/q.json" '(j["escalation"] or {}).get("kind"), (j["escalation"] or {}).get("path", [{}])[0].get("id")')" "('trigger', 'desk')"
q 'JAMJAR'
expect_eq "trigger written with a soft hyphen, typed 'JAMJAR': escalates" \
    "$(json "$T/q.json" '(j["escalation"] or {}).get("kind")')" trigger

# Limits are on what was typed: 341 x U+FDFA (1,023 bytes) grows to 6,138
# code points under NFKC and is still searched as typed; 5,461 of them
# (16,383 bytes) are a paste, condensed; 5,462 are too long.
q "$(/usr/bin/python3 -c 'print("\\ufdfa" * 341)')"
expect_eq "341 x U+FDFA (1,023 bytes, 18x under NFKC): answered" "$(json "$T/q.json" 'j["query"] != ""')" True
/usr/bin/python3 -c 'print("\ufdfa" * 5461)' >"$T/qtext"
expect_code "5,461 x U+FDFA (16,383 bytes): searched as a paste" 0 "$B/kb-search" --db "$db" "$(cat "$T/qtext")"
/usr/bin/python3 -c 'print("\ufdfa" * 5462)' >"$T/qtext"
expect_code "5,462 x U+FDFA (16,386 bytes): too long, as typed" 2 "$B/kb-search" --db "$db" "$(cat "$T/qtext")"

# Every result of some mixed queries: highlights whole words on UTF-8 boundaries.
for w in 'caf\u00e9' 'cafe\u0301 refunds' 'r\u00e9sum\u00e9' 'replacement' '\uff52\uff45\uff50\uff4c\uff41\uff43\uff45\uff4d\uff45\uff4e\uff54'; do
    q "$w"
    expect_eq "highlights of '$w' are whole words" "$(hl_ok)" ok
done
echo '{"id":1,"q":"cafe\u0301 payment"}' | kb_search --db "$db" --serve >"$T/q.json"
expect_eq "serve: the NFD query (as a JSON escape) finds it" "$(first)" cafe-nfc

finish
