#!/bin/sh
# alerts.sh - every risk, every time (issue 11): calls in customers' own
# words, written for this test (not taken from the measuring sets), over
# the sample KB.  Each must raise the right alerts, most urgent first, with
# the customer's words, the guidance and the path; routine questions raise
# none; a question the KB does not cover says so (covered false).
. "$(dirname "$0")/../lib.sh"

db=$T/index
kb_index --quiet --db "$db" "$top/kb" || fail "index the sample KB"
export KB_DB="$db"
export KB_NOW=2026-11-23T10:00

s() { kb_search --json "$1" >"$T/r.json" 2>"$T/err"; }
kinds() { json "$T/r.json" '",".join(a["alert"] or a["kind"] for a in j["alerts"])'; }
has() { json "$T/r.json" "\"$1\" in [a[\"alert\"] for a in j[\"alerts\"]]"; }
risky() { json "$T/r.json" '[a["alert"] for a in j["alerts"] if a["alert"] in ("fraud", "scam", "vulnerable", "complaint", "third-party")]'; }
top() { json "$T/r.json" 'j["results"][0]["id"] if j["results"] else None'; }
covered() { json "$T/r.json" 'j["covered"]'; }

# alert NAME KIND TEXT: TEXT raises an alert of KIND.
alert() {
    s "$3"
    if [ "$(has "$2")" = True ]; then ok "$1: $2 alert"; else fail "$1: no $2 alert (got: $(kinds))"; fi
}

# --- scams, in words no trigger list holds as a phrase
alert "safe-account scam" scam \
    "a bloke phoned saying he was from the bank security team and said i must shift all my savings into a new safe account today"
expect_eq "safe-account scam: the scam alert comes first" "$(json "$T/r.json" 'j["alerts"][0]["alert"]')" scam
expect_eq "safe-account scam: the scam guidance is the first answer" "$(top)" app-scams
expect_eq "safe-account scam: the alert names its guidance" \
    "$(json "$T/r.json" 'j["alerts"][0]["guidance"]')" app-scams
expect_eq "safe-account scam: the alert's path starts at the fraud desk" \
    "$(json "$T/r.json" 'j["alerts"][0]["path"][0]["id"]')" fraud-disputes
expect_eq "safe-account scam: the escalation is the first alert's (callers of escalation do not break)" \
    "$(json "$T/r.json" 'j["escalation"]["path"][0]["id"]')" fraud-disputes
expect_eq "safe-account scam: the words that raised it are the customer's" \
    "$(json "$T/r.json" 'j["alerts"][0]["words"].lower() in "a bloke phoned saying he was from the bank security team and said i must shift all my savings into a new safe account today"')" True
alert "romance scam" scam \
    "i met a man online, we never met in person, he needs money for a flight to come see me"
alert "investment scam" scam \
    "a guy on instagram promised to double my money with crypto if i send him 2000 first"

# --- vulnerable customers
alert "bereavement (dad died)" vulnerable "my dad died last month and i need to know what happens to his account"
expect_eq "bereavement: the bereavement guidance first" "$(top)" bereavement
alert "bereavement (passed away)" vulnerable "my husband passed away on friday and the direct debits are still going out"
alert "financial difficulty" vulnerable "i lost my job and i cant pay what i owe, im really struggling"
alert "power of attorney with dementia" vulnerable \
    "my mum has dementia and i have power of attorney, can i look after her account for her"
expect_eq "power of attorney: the third-party alert too" "$(has third-party)" True

# --- theft in slang, frustration and a complaint
alert "nicked phone" fraud "someone nicked my phone on the bus"
expect_eq "nicked phone: no scam alert (a stolen phone is not a phone call)" "$(has scam)" False
expect_eq "nicked phone: the stolen phone answer first" "$(top)" lost-or-stolen-phone

s "this is the third time im calling about this and now someone has stolen my card"
expect_eq "third call and a stolen card: fraud first, frustration after" \
    "$(json "$T/r.json" '[a["alert"] for a in j["alerts"]][:2]')" "['fraud', 'frustration']"
expect_eq "third call and a stolen card: the frustration guidance is not the first answer" \
    "$(json "$T/r.json" 'j["results"][0]["category"] != "guidance"')" True

alert "complaint" complaint "i want to make a formal complaint, your app lost my payment and nobody cares"
expect_eq "complaint: frustration raised beside it" "$(has frustration)" True

# --- routine questions: no risk alert
for q in "how do i change my address" "what is the limit for contactless" \
    "my card got declined when i bought a mug" "can i add a second person to my account" \
    "how long does a transfer to another bank take" "i want to order a new card because mine is worn out"; do
    s "$q"
    expect_eq "routine \"$q\": no risk alert" "$(risky)" "[]"
    expect_eq "routine \"$q\": covered" "$(covered)" True
done

# --- not covered: said so, whatever comes first
for q in "will it rain tomorrow" "can i get a mortgage with you" "what time does the football start"; do
    s "$q"
    expect_eq "not covered \"$q\": covered false" "$(covered)" False
    expect_eq "not covered \"$q\": every confidence under 0.5" \
        "$(json "$T/r.json" 'all(r["confidence"] < 0.5 for r in j["results"])')" True
done

# --- the human output says it too
kb_search "will it rain tomorrow" >"$T/out" 2>&1
expect_match "human output: not covered is said" "$T/out" "[Nn]o confident answer"
kb_search "my dad died last month and i need to know what happens to his account" >"$T/out" 2>&1
expect_match "human output: the alert is shown with the customer's words" "$T/out" 'Alert .vulnerable.: the customer said "died'

finish
