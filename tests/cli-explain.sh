#!/bin/sh
# `drtriage explain`: every argument form, text and JSON (checked with jq),
# fallbacks for undocumented codes, rules options and every exit code.
# Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

# Only the rules the tests give: no user rules from the environment.
unset DRTRIAGE_RULES
export XDG_CONFIG_HOME="$WORK/config"

# expect_lines DESC JQ-FILTER: every line of the last stdout is a JSON object
# for which FILTER holds.
expect_lines() {
    if jq -e -s "length > 0 and all(.[]; $2)" "$WORK/out" >/dev/null 2>"$WORK/jqerr"; then pass; else
        fail "$1: jq '$2' is false" "$(cat "$WORK/jqerr" "$WORK/out" | head -5)"
    fi
}

# --- help and usage errors: exit 2 ---
run "$DRTRIAGE" explain --help
expect_status "explain --help" 0
expect_stdout "--help shows a pair example" "drtriage explain 569002/504"
expect_stdout "--help shows a phrase example" 'drtriage explain "TLS negotiation failed"'
expect_stdout "--help names the exit codes" "Exit status:"

run "$DRTRIAGE" explain
expect_status "no arguments" 2
expect_stderr "no arguments" "nothing to explain"

run "$DRTRIAGE" explain 4x3
expect_status "malformed code" 2
expect_stderr "malformed code is named" "'4x3' is not a code"

run "$DRTRIAGE" explain 510532/4o3
expect_status "malformed pair" 2

run "$DRTRIAGE" explain ""
expect_status "empty phrase" 2

run "$DRTRIAGE" explain --format xml 403
expect_status "unknown format" 2
expect_stderr "unknown format" "unknown --format 'xml'"

run "$DRTRIAGE" explain --bogus 403
expect_status "unknown option" 2
expect_stderr "unknown option" "--bogus"

# --- origin per export family ---
run "$DRTRIAGE" explain 540487/487
expect_status "540487/487" 0
expect_stdout "540487 in every family: Microsoft" "microsoft: Microsoft code not starting with 560"
expect_stdout "540487 in ACS files: the SBC" "acs files     sbc: 540 rule for acs files: the SBC sent SIP 487"
run "$DRTRIAGE" explain --family acs --format json 540487/487
expect_status "--family acs" 0
expect_lines "--family acs: SBC, nothing beside" '.family == "acs" and all(.matches[]; .origin == "sbc" and .other_families == [])'
run "$DRTRIAGE" explain --format json 540487/487
expect_lines "default: the ACS origin beside" '.family == null and all(.matches[]; .origin == "microsoft" and .other_families == [{"family": "acs", "origin": "sbc", "origin_reason": "540 rule for acs files: the SBC sent SIP 487"}])'
run "$DRTRIAGE" explain --family acs --format json 540499
expect_lines "--family acs: undocumented 540xxx gets the ACS rule's action" '.matches[0].level == "origin-rule" and .matches[0].action.id == "sbc-response"'
run "$DRTRIAGE" explain --family teams 540487
expect_status "unknown family" 2
expect_stderr "unknown family" "unknown --family 'teams' (tac, graph, cqd or acs)"
run "$DRTRIAGE" explain --family any 540487
expect_status "family any is not a family to ask for" 2

# --- a pair: every documented phrase ---
run "$DRTRIAGE" explain 569002/504
expect_status "pair" 0
expect_stdout "pair: SIP code and RFC phrase" "504 Server Time-out"
expect_stdout "pair: origin and why" "microsoft: Microsoft code not starting with 560: a Microsoft service generated it"
expect_stdout "pair: owner and what it means" "sbc (SBC admin or vendor); a fault to fix"
expect_stdout "pair: full doc URL" "https://learn.microsoft.com/en-us/microsoftteams/direct-routing-plan#"
expect_stdout "pair: provenance" "Teams article SIP 504"
run "$DRTRIAGE" explain --format json 569002/504
expect_status "pair JSON" 0
expect_lines "pair JSON: one object" '.query == "569002/504" and .kind == "pair" and .matched'
expect_lines "pair JSON: every entry is 569002/504" '[.matches[] | .ms == 569002 and .sip == 504] | all'
expected=$(grep -A1 -F '[code 569002/504]' rules/codes-teams.rules | sed -n 's/^phrase = //p' | sort)
actual=$(jq -r '.matches[].phrases[0]' "$WORK/out" | sort)
if [ -n "$expected" ] && [ "$expected" = "$actual" ]; then pass; else
    fail "569002/504 shows all its phrases" "$(printf 'want:\n%s\ngot:\n%s' "$expected" "$actual")"
fi
expect_lines "pair JSON: actions with docs as URLs" \
    '[.matches[].action.docs[] | startswith("https://")] | all'
expect_lines "pair JSON: TLS entries go to the SBC certificate" \
    '[.matches[] | select(.phrases[0] | test("TLS negotiation")) | .action.id] | all(. == "tls-certificate")'
expect_lines "pair JSON: documented entries" '[.matches[] | .known and .level == "phrase" and (.rule | test(":[0-9]+$"))] | all'

# --- two arguments MS SIP are one pair; SIP then MS are two queries ---
run "$DRTRIAGE" explain --format json 510532 403
expect_status "two-argument pair" 0
expect_lines "two-argument pair" '.query == "510532/403" and (.matches | length) == 2'
run "$DRTRIAGE" explain --format json 403 510532
expect_true "SIP then MS: two queries" test "$(wc -l <"$WORK/out")" -eq 2
expect_true "SIP then MS: kinds" test "$(jq -r .kind "$WORK/out" | tr '\n' ' ')" = "sip ms "

# --- a Microsoft code, a SIP code ---
run "$DRTRIAGE" explain --format json 510532
expect_lines "Microsoft code" '.kind == "ms" and (.matches | length) == 2'
run "$DRTRIAGE" explain --format json 403
expect_lines "SIP code" '.kind == "sip" and (.matches | length) > 5 and ([.matches[].sip == 403] | all)'
expect_lines "SIP code: RFC phrase" '.matches[0].sip_phrase == "Forbidden"'

# --- undocumented: what drtriage would do ---
run "$DRTRIAGE" explain 560499
expect_status "560499 via the 560 rule" 0
expect_stdout "560499 not documented" "not documented by Microsoft"
expect_stdout "560499 origin" "sbc: 560 rule: the SBC sent SIP 499"
expect_stdout "560499 level" "origin-rule"
expect_stdout "560499 fallback action" "sbc-response"
expect_stdout "560499 stub" "[code 560499/499]"
expect_stdout "560499 stub comment" "# choose an action: drtriage rules list"
run "$DRTRIAGE" explain -f json 560499
expect_lines "560499 JSON" '.matches[0] | .level == "origin-rule" and (.known | not) and .origin == "sbc" and .action.id == "sbc-response" and .sip == 499'

# The stub pasted into a rules file passes the check and makes the code known.
jq -r '.matches[0].stub' "$WORK/out" >"$WORK/stub.rules"
run "$DRTRIAGE" rules check "$WORK/stub.rules"
expect_status "the stub passes rules check" 0
run "$DRTRIAGE" explain -f json --rules "$WORK/stub.rules" 560499
expect_lines "the stub makes 560499 known" '.matches[0].known and .matches[0].source == "local: seen in call records"'

run "$DRTRIAGE" explain 599
expect_status "SIP code by class" 0
expect_stdout "SIP code by class" "sip-class"

run "$DRTRIAGE" explain -f json 123456
expect_status "a code no rule gives an action" 1
expect_lines "a code no rule gives an action" '(.matched | not) and .matches[0].level == "none" and .matches[0].action.id == "unknown"'

# --- phrases ---
run "$DRTRIAGE" explain "TLS negotiation"
expect_status "phrase" 0
expect_stdout "phrase finds 569002" "569002/504"
expect_stdout "phrase finds 569003" "569003/504"
run "$DRTRIAGE" explain -f json "tls NEGOTIATION failed"
expect_lines "phrase is case-insensitive" '(.matches | length) >= 5 and ([.matches[].phrases | map(ascii_downcase) | any(contains("tls negotiation failed"))] | all)'
run "$DRTRIAGE" explain -f json "Payment required: try later"
expect_lines "phrase through a pattern" '[.matches[].ms] == [560402]'
run "$DRTRIAGE" explain -f json --phrase 0x80090326
expect_status "--phrase starting with a digit" 0
expect_lines "--phrase starting with a digit" '.kind == "phrase" and (.matches | length) >= 1'
run "$DRTRIAGE" explain "nothing documented says this"
expect_status "phrase that matches nothing" 1
expect_stdout "phrase that matches nothing" "no documented phrase or pattern matches"
run "$DRTRIAGE" explain "nothing documented says this" 560403
expect_status "one query matched" 0

# --- several queries in JSON: one valid object per line ---
run "$DRTRIAGE" explain --format json 569002/504 403 560499 "TLS negotiation" "zzz"
expect_status "several queries" 0
expect_true "several queries: five lines" test "$(wc -l <"$WORK/out")" -eq 5
expect_lines "several queries: each has the documented fields" \
    'has("query") and has("matches") and ([.matches[] | has("ms") and has("sip") and has("sip_phrase") and has("phrases") and has("origin") and has("origin_reason") and has("documented_origin") and has("action") and has("source") and has("note") and has("level") and has("known")] | all)'

# --- rules options ---
cat >"$WORK/site.rules" <<'RULES'
[action call-our-carrier]
title = Carrier rejects the call
owner = sbc
text = Open a ticket with the carrier.
doc = https://wiki.example.com/carrier

[code 599999/500]
phrase = Internal Server Error
action = call-our-carrier
origin = sbc
source = our runbook
RULES
run "$DRTRIAGE" explain -f json --rules "$WORK/site.rules" 599999/500
expect_status "--rules" 0
expect_lines "--rules entry explained" '.matches[0] | .action.id == "call-our-carrier" and .action.docs == ["https://wiki.example.com/carrier"] and .documented_origin == "sbc" and .origin == "microsoft"'
run "$DRTRIAGE" explain --rules "$WORK/site.rules" 599999/500
expect_stdout "--rules: documented origin differs" "documented    sbc"

mkdir -p "$WORK/config/drtriage/rules.d"
cp "$WORK/site.rules" "$WORK/config/drtriage/rules.d/"
run "$DRTRIAGE" explain -f json 599999/500
expect_lines "user rules are loaded" '.matches[0].known'
run "$DRTRIAGE" explain -f json --no-user-rules 599999/500
expect_lines "--no-user-rules" '.matches[0].known | not'
rm -r "$WORK/config/drtriage"

printf '[action x]\ntitle = y\n' >"$WORK/broken.rules"
run "$DRTRIAGE" explain --rules "$WORK/broken.rules" 403
expect_status "broken rules" 2
expect_stderr "broken rules name file:line" "broken.rules:1:"

run "$DRTRIAGE" explain --no-builtin-rules 403
expect_status "no rules at all" 2

# --- the summary first; an action id; codes as --code reads them ---
run "$DRTRIAGE" explain 403
expect_true "403: the summary leads, one line per action" \
    sh -c "sed -n 2p '$WORK/out' | grep -Eq '^  [a-z0-9-]+ +[0-9]+ entr(y|ies), [0-9]+ phrases? '"
run "$DRTRIAGE" explain --format json 403
expect_lines "403 JSON: the summary counts the entries" '([.summary[].entries] | add) == (.matches | length)'
run "$DRTRIAGE" explain tls-certificate
expect_status "an action id" 0
expect_stdout "an action: what it is" "tls-certificate: an action;"
expect_stdout "an action: its codes" "codes         569002/504"
run "$DRTRIAGE" explain --format json tls-certificate
expect_lines "an action in JSON" '.kind == "action" and .action.id == "tls-certificate" and ([.matches[].action.id == "tls-certificate"] | all) and (.matches | length) > 0'
run "$DRTRIAGE" explain -p tls-certificate
expect_status "-p: an action id as a phrase" 1
run "$DRTRIAGE" explain --format json '*/503'
expect_lines "'*/503' is SIP 503" '.kind == "sip" and ([.matches[].sip == 503] | all)'

# --- drtriage help [COMMAND] is COMMAND --help ---
for cmd in "" explain rules "rules check" "rules list"; do
    # shellcheck disable=SC2086 # split on purpose
    run "$DRTRIAGE" $cmd --help
    cp "$WORK/out" "$WORK/want"
    # shellcheck disable=SC2086
    run "$DRTRIAGE" help $cmd
    expect_status "help $cmd" 0
    expect_true "help $cmd is $cmd --help" cmp -s "$WORK/want" "$WORK/out"
done
run "$DRTRIAGE" help help
expect_status "help help" 0
expect_stdout "help help" "Usage: drtriage help"
run "$DRTRIAGE" help bogus
expect_status "help on no such command" 2
expect_stderr "help on no such command" "no command 'bogus'"

finish
