#!/bin/sh
# report-html.sh - kb-index --report over the search log as well: searches per
# day by interface, top queries, searches not covered grouped by similar
# wording, alerts, steps walked, articles never shown, learned phrasings;
# --html writes one self-contained page with inline SVG charts, checked in
# headless Chromium (it renders, its charts have data); the screenshot is
# kept as a test artifact in $BUILDDIR/test-artifacts/report.png.
. "$(dirname "$0")/../lib.sh"

kb=$(fixture kb-small)
cp "$top/tests/fixtures/learn/"*.md "$kb/guidance/"
db=$T/index
kb_index --quiet --db "$db" "$kb" || fail "index the fixture"
export KB_DB="$db" NO_COLOR=1 KB_SEARCH_LOG="$T/searches.jsonl" KB_FEEDBACK_LOG="$T/feedback.jsonl"

for q in "where is my card" "qqqzzz blorpx" "Blorpx  QQQZZZ!" "<b>blorpx</b> qqqzzz" \
    "I lost my husband"; do
    kb_search --json "$q" >/dev/null 2>&1
done
printf '%s\n' '{"op":"search","q":"where is my card"}' '{"op":"search","q":"fees abroad"}' \
    '{"op":"feedback","q":"fees abroad","article":"fees","helpful":false}' |
    kb_search --serve >"$T/serve.out" 2>&1
mkdir -p "$kb/_learned"
printf '+ plastic never showed up | 2 marks, last 2026-11-30\n- rejected words\n' \
    >"$kb/_learned/card-delivery.txt"

expect_code "--report --json over the search log" 0 kb_index --report --json "$kb"
cp "$T/out" "$T/r.json"
expect_eq "searches per day by interface" \
    "$(json "$T/r.json" '[sorted(d["interfaces"].items()) for d in j["by_day"]]')" \
    "[[('json', 5), ('serve', 2)]]"
expect_eq "top query first" \
    "$(json "$T/r.json" '(j["top_queries"][0]["query"], j["top_queries"][0]["count"])')" \
    "('where is my card', 2)"
expect_eq "searches not covered, grouped by similar wording, with examples" \
    "$(json "$T/r.json" '[(g["count"], len(g["examples"])) for g in j["not_covered_groups"] if "qqqzzz" in g["words"]]')" \
    "[(3, 3)]"
expect_eq "alerts by kind" "$(json "$T/r.json" 'j["alerts"]')" "{'vulnerable': 1}"
expect_eq "articles never shown include the anger guidance" \
    "$(json "$T/r.json" '"angry-caller" in j["never_shown"] and "card-delivery" not in j["never_shown"]')" \
    "True"
expect_eq "learned phrasings to review" \
    "$(json "$T/r.json" '[(a["id"], a["phrasings"]) for a in j["learned"]]')" \
    "[('card-delivery', 1)]"
expect_eq "not helpful from serve" "$(json "$T/r.json" '[a["id"] for a in j["not_helpful"]]')" \
    "['fees']"
expect_code "--report text" 0 kb_index --report "$kb"
expect_match "text: the search log's share" "$T/out" '^Search log: 7 searches, [0-9]+ with no answer'
expect_match "text: a group of similar searches" "$T/out" '^ +3  blorpx qqqzzz$'
expect_code "--report with the search log off" 0 kb_index --report --json --search-log off "$kb"
expect_eq "search log off: nothing from it" "$(json "$T/out" 'j["logged_searches"]')" "0"
expect_code "--html without --report" 2 kb_index --html "$T/x.html" "$kb"

# --- the HTML page ------------------------------------------------------------
expect_code "--report --html" 0 kb_index --report --html "$T/report.html" "$kb"
page=$T/report.html
expect_match "HTML: a page" "$page" '^<!DOCTYPE html>'
expect_match "HTML: the searches-per-day chart with a bar" "$page" \
    '<svg class="chart" id="by-day" data-points="1"'
expect_match "HTML: bars" "$page" '<rect class="bar"'
expect_no_match "HTML: no script, no external asset" "$page" '<script|src=|href=|url\('
expect_no_match "HTML: the query's markup is escaped" "$page" '<b>blorpx'
expect_match "HTML: shown escaped" "$page" '&lt;b&gt;blorpx&lt;/b&gt;'
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    skip "HTML rendered in headless Chromium" "chromium is not installed (scripts/deps.sh)"
else
    art=$top/$BUILDDIR/test-artifacts
    mkdir -p "$art"
    rm -f "$art/report.png"
    export HOME=$T/chromium-home
    flags="--headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=$T/chromium"
    # shellcheck disable=SC2086
    timeout 120 "$chromium" $flags --dump-dom "file://$page" >"$T/dom.html" 2>"$T/chromium.err"
    /usr/bin/python3 - "$T/dom.html" >"$T/dom.txt" <<'EOF'
import re, sys
dom = open(sys.argv[1]).read()
charts = re.findall(r'<svg class="chart" id="([a-z-]+)"[^>]*>(.*?)</svg>', dom, re.S)
for name, body in charts:
    print(name, len(re.findall(r'<rect class="bar"', body)))
EOF
    expect_match "Chromium: the page renders with its charts" "$T/dom.txt" '^by-day [1-9]'
    expect_match "Chromium: the not-covered chart has data" "$T/dom.txt" '^not-covered [1-9]'
    expect_match "Chromium: the alerts chart has data" "$T/dom.txt" '^alerts [1-9]'
    # shellcheck disable=SC2086
    timeout 120 "$chromium" $flags --window-size=1000,2400 --screenshot="$art/report.png" \
        "file://$page" >/dev/null 2>&1
    if [ -s "$art/report.png" ] && [ "$(head -c 4 "$art/report.png" | od -An -c | tr -d ' ')" = "211PNG" ]; then
        ok "Chromium: a screenshot kept in $BUILDDIR/test-artifacts/report.png"
    else
        fail "Chromium: no screenshot"
    fi
fi

finish
