#!/bin/sh
# paste.sh - a pasted chat or email (issue 11, long input): up to 16 KiB is
# taken by kb-search (argument, --json, --serve) and kb-assistant (a
# multi-line paste, :paste); what is searched is the passage of the
# customer's part the KB answers best, said in "searched"; the alerts scan
# all of the customer's part and none of the bank's; nothing of the paste
# but what was searched is kept in the call record or the history.
. "$(dirname "$0")/../lib.sh"

db=$T/index
kb_index --quiet --db "$db" "$top/kb" || fail "index the sample KB"
export KB_DB="$db"
export KB_NOW=2026-11-23T10:00

s() { kb_search --json "$@" >"$T/r.json" 2>"$T/err"; }
field() { json "$T/r.json" "$1"; }
kinds() { json "$T/r.json" '",".join(a["alert"] for a in j["alerts"])'; }

# A chat: the bank's turns ask for details and mention scams; the
# customer's hold the problem, a name, an address and a card number.
cat >"$T/chat.txt" <<'EOF'
[10:02] Agent: Hello, you're through to the help desk, my name is Sam. How can I help you today?
[10:03] Customer: hi there, hope you're well
[10:03] Customer: I ordered a new debit card three weeks ago and it still hasn't come through the post
[10:04] Agent: I'm sorry to hear that. Before I look into this, can you confirm your full name, the first line of your address and your date of birth please?
[10:05] Customer: yes its Jamie Quixleigh, 14 Orchard Lane, born 3rd of March 1985, the old card number was 4929 1234 5678 9012
[10:05] Agent: Thank you Jamie, you're now verified. Let me have a look at this for you, it will take a couple of minutes. Please bear with me while I check the account and your recent card transactions.
[10:08] Agent: Thanks for your patience. Has anyone contacted you claiming to be from the bank, or asked you to move money to a safe account or share a security code?
[10:09] Customer: no nothing like that
[10:10] Agent: Great. I can see the card was dispatched on the 2nd. Is the address we hold still correct?
EOF
bytes=$(wc -c <"$T/chat.txt")
[ "$bytes" -gt 1024 ] && ok "the chat is a paste over 1,024 bytes ($bytes)" || fail "the chat is only $bytes bytes"

s "$(cat "$T/chat.txt")"
expect_eq "chat: searched, exit 0" "$?" 0
expect_match "chat: searched is the customer's problem" "$T/r.json" '"searched": *"[^"]*debit card[^"]*post'
expect_eq "chat: the right answer first" "$(field 'j["results"][0]["id"]')" "card-not-arrived"
expect_no_match "chat: the customer's name is not searched" "$T/r.json" '"searched": *"[^"]*Quixleigh'
expect_no_match "chat: the card number is not searched" "$T/r.json" '"searched": *"[^"]*4929'
expect_eq "chat: the bank's words (safe account, claiming to be from the bank) raise no fraud or scam alert" \
    "$(json "$T/r.json" '[a["alert"] for a in j["alerts"] if a["alert"] in ("scam", "fraud")]')" "[]"
expect_eq "chat: query echoes the paste as sent" "$(field 'len(j["query"]) > 1024')" "True"

# The same chat, the customer's turn turned into a scam: the alert comes
# from the customer's words, wherever they are in the paste.
sed 's/^\[10:09\] Customer: no nothing like that$/[10:09] Customer: yes actually someone rang yesterday saying they were from the bank and told me to move everything to a safe account/' \
    "$T/chat.txt" >"$T/scam.txt"
s "$(cat "$T/scam.txt")"
expect_eq "scam chat: the scam alert comes first" "$(field 'j["alerts"][0]["alert"]')" "scam"
expect_eq "scam chat: its words are the customer's" \
    "$(field 'j["alerts"][0]["words"] in "yes actually someone rang yesterday saying they were from the bank and told me to move everything to a safe account"')" "True"

# An email: a signature, then the bank's earlier reply quoted, with a fraud
# warning in it: none of that is the customer's.
cat >"$T/mail.txt" <<'EOF'
Subject: charged twice

Dear Sir or Madam,

I bought a pair of shoes online on Saturday and the payment has gone out of my account twice. Can you refund the second payment please? I only made one order.

I would be grateful for a reply as soon as you can.

Kind regards,
Jamie Quixleigh
14 Orchard Lane, Leeds LS1 4AB
Mobile: 07700 900123
Sent from my iPhone

-----Original Message-----
From: Customer Services <help@bank.example>
Sent: 02 December 2026 16:40
Subject: Your recent enquiry

Thank you for contacting us. We have received your message and one of our team will be in touch within two working days. Please never share your card number, PIN, passcode or security codes by email. If you think you have been the victim of fraud or a scam, call us straight away on the number on the back of your card. Someone may claim to be from the bank and tell you to move your money: we never do.
EOF
s "$(cat "$T/mail.txt")"
expect_eq "email: the right answer first" "$(field 'j["results"][0]["id"]')" "charged-twice"
expect_eq "email: the quoted reply's fraud warning raises no alert" "$(kinds)" ""
expect_no_match "email: the signature is not searched" "$T/r.json" '"searched": *"[^"]*(Orchard|07700)'

# A short chat (under 1,024 bytes) is read as a chat too: the bank's turn
# is not searched.
printf 'Agent: Hello, can you confirm your address and date of birth please?\nCustomer: my card payment was declined at the shop\n' >"$T/short.txt"
s "$(cat "$T/short.txt")"
expect_eq "short chat: searched is the customer's line" "$(field 'j["searched"]')" "my card payment was declined at the shop"
expect_eq "short chat: the right answer first" "$(field 'j["results"][0]["id"]')" "card-payment-declined"
s "lost card"
expect_eq "a typed query: searched is null" "$(field 'j["searched"]')" "None"

# Limits: 16,384 bytes taken, one more refused (too_large, exit 2).
/usr/bin/python3 - "$T" <<'EOF'
import sys
t = sys.argv[1]
line = "Customer: my card was stolen from my bag on the bus this morning\n"
text = (line * (16384 // len(line) + 1))[:16384]
open(t + "/max.txt", "w").write(text[:16383] + "x")
open(t + "/over.txt", "w").write(text + "xx")
EOF
s "$(cat "$T/max.txt")"
expect_eq "16,384 bytes: searched" "$(field 'j["results"][0]["id"] in ("lost-or-stolen-card", "stolen-card")')" "True"
expect_code "16,386 bytes: usage error" 2 kb_search "$(cat "$T/over.txt")"
expect_match "16,386 bytes: said" "$T/err" 'longer than 16384'

# --serve: the same answer as --json.
/usr/bin/python3 - "$T" <<'EOF' >"$T/req"
import json, sys
t = sys.argv[1]
print(json.dumps({"id": 1, "q": open(t + "/chat.txt").read()}))
print(json.dumps({"id": 2, "q": open(t + "/over.txt").read()}))
EOF
kb_search --serve <"$T/req" >"$T/serve.out" 2>"$T/err"
sed -n 1p "$T/serve.out" >"$T/r.json"
expect_eq "--serve: a pasted chat answered" "$(field 'j["results"][0]["id"]')" "card-not-arrived"
sed -n 2p "$T/serve.out" >"$T/r.json"
expect_eq "--serve: over 16 KiB: too_large" "$(field 'j["error"]["code"]')" "too_large"

# The assistant: :paste reads lines up to ".", searches the customer's
# part, says what it searched; the paste is kept out of the call record
# and the history.
export XDG_STATE_HOME="$T/state"
{ printf ':paste\n'; cat "$T/scam.txt"; printf '.\n:summary\n:quit\n'; } >"$T/in"
kb_assistant --db "$db" <"$T/in" >"$T/out" 2>"$T/aerr"
expect_eq "assistant: exit 0" "$?" 0
expect_match "assistant: says what it searched" "$T/out" "Searched the customer's words: .*debit card"
expect_match "assistant: the scam banner is shown" "$T/out" 'SCAM'
expect_match "assistant: the right card" "$T/out" 'card-not-arrived'
expect_match "assistant: the summary names the paste, not its text" "$T/out" 'pasted text \([0-9,]* bytes\), searched as'
rec=$(ls "$XDG_STATE_HOME"/kb/calls/*.jsonl | head -1)
expect_no_match "assistant: the call record holds no name from the paste" "$rec" 'Quixleigh'
expect_no_match "assistant: the call record holds no card number from the paste" "$rec" '4929'
expect_match "assistant: the call record says how much was pasted" "$rec" '"pasted_bytes":[0-9]'
expect_no_match "assistant: the history holds no line of the paste" "$XDG_STATE_HOME/kb/history" 'Quixleigh|Orchard'


# A short chat (under 1,024 bytes) is a paste too: what is searched is a
# sentence or two in a row, never with a detail between them (a date of
# birth on its own line), and the call record keeps only what was searched.
cat >"$T/short.txt" <<'EOF2'
Agent: Can you confirm your date of birth?
Customer: someone rang me saying they were the bank and told me to move my money and i did it
Customer: 12/04/1961.
Customer: can I get the money back?
EOF2
s "$(cat "$T/short.txt")"
expect_eq "short chat: searched as a paste" "$(field 'j["searched"] is not None')" "True"
expect_no_match "short chat: the date between two sentences is not searched" "$T/r.json" '"searched": *"[^"]*1961'
export XDG_STATE_HOME="$T/state2"
{ printf ':paste\n'; cat "$T/short.txt"; printf '.\n:quit\n'; } >"$T/in"
kb_assistant --db "$db" <"$T/in" >"$T/out" 2>"$T/aerr"
rec=$(ls "$XDG_STATE_HOME"/kb/calls/*.jsonl | head -1)
expect_no_match "short chat: the call record holds no date of birth" "$rec" '1961'
expect_match "short chat: the call record says it was a paste" "$rec" '"pasted_bytes":[0-9]'

finish
