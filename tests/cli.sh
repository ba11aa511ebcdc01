#!/bin/sh
# Command-line behaviour: every exit code, the error messages users see, and
# the guarantees of -o (no partial files). Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

TAC=samples/tac-directrouting.csv
GEN=${GEN:-build/gen-export}

# --- help and usage ---
run "$DRTRIAGE" --help
expect_status "--help" 0
expect_stdout "--help names the exit codes" "Exit status:"
expect_stdout "--help lists the formats" "text, json"
for field in sip ms phrase success sbc; do
    expect_stdout "--help lists --FIELD-column for $field" "$field"
done

run "$DRTRIAGE" --version
expect_status "--version" 0
expect_stdout "--version prints the name" "drtriage "

run "$DRTRIAGE"
expect_status "no arguments" 2
expect_stderr "no arguments" "no input files"

run "$DRTRIAGE" --bogus "$TAC"
expect_status "unknown option" 2
expect_stderr "unknown option" "--bogus"

run "$DRTRIAGE" --format xml "$TAC"
expect_status "unknown format" 2
expect_stderr "unknown format" "unknown --format 'xml'"

run "$DRTRIAGE" --top many "$TAC"
expect_status "bad --top" 2
expect_stderr "bad --top" "--top 'many'"

run "$DRTRIAGE" --fail-if 'failed>>3' "$TAC"
expect_status "malformed --fail-if" 2
expect_stderr "malformed --fail-if quotes it" "failed>>3"

run "$DRTRIAGE" report --format json "$TAC"
expect_status "explicit report subcommand" 0
expect_json "report subcommand gives JSON" '.schema_version == 2' "$WORK/out"

# --- input errors: exit 2, message names the file ---
run "$DRTRIAGE" does-not-exist.csv
expect_status "missing file" 2
expect_stderr "missing file" "does-not-exist.csv: cannot open"

run "$DRTRIAGE" samples
expect_status "directory" 2
expect_stderr "directory" "samples: is a directory"

printf '\377\376C\000o\000d\000e\000\n\000' >"$WORK/utf16.csv"
run "$DRTRIAGE" "$WORK/utf16.csv"
expect_status "UTF-16 file" 2
expect_stderr "UTF-16 file says how to convert" "iconv -f UTF-16 -t UTF-8"

printf 'a,b,c\n1,2,3\n' >"$WORK/nocodes.csv"
run "$DRTRIAGE" "$WORK/nocodes.csv"
expect_status "no code columns" 2
expect_stderr "no code columns lists the headers" "headers found: 'a', 'b', 'c'"

: >"$WORK/empty.csv"
run "$DRTRIAGE" "$WORK/empty.csv"
expect_status "empty file" 2
expect_stderr "empty file" "empty file"

printf 'Final SIP code,Final Microsoft subcode\n403,"560403\n' >"$WORK/openquote.csv"
run "$DRTRIAGE" "$WORK/openquote.csv"
expect_status "unterminated quote" 2
expect_stderr "unterminated quote names file:line" "openquote.csv:2:"

run "$DRTRIAGE" --sip-column 'No Such Column' "$TAC"
expect_status "override names a missing column" 2
expect_stderr "override names a missing column" "--sip-column 'No Such Column': no such column"

# --- rejected rows: counted, reported, exit 0; --strict makes them errors ---
printf 'Final SIP code,Final Microsoft subcode,SBC FQDN\n403,560403,a\n4x3,560403,a\n404,511404\n' >"$WORK/bad.csv"
run "$DRTRIAGE" --format json "$WORK/bad.csv"
expect_status "rejected rows are not fatal" 0
expect_json "rejected rows counted" '.totals.rows == 3 and .totals.rejected == 2 and .totals.calls == 1' "$WORK/out"
expect_json "rejected rows listed with line" '[.rejected_rows[].line] == [3, 4]' "$WORK/out"
expect_stderr "rejected rows warned about" "2 of 3 rows rejected"
expect_stderr "first rejection named" "bad.csv:3: SIP code '4x3'"

run "$DRTRIAGE" --strict "$WORK/bad.csv"
expect_status "--strict" 2
expect_stderr "--strict names file:line" "bad.csv:3: rejected row (--strict)"

# --- --quiet: stderr only when the run fails; the report still lists rejected rows ---
run "$DRTRIAGE" --quiet --color never --fail-if 'ner<1' --min-calls 1000 "$WORK/bad.csv"
expect_status "--quiet, passing" 0
expect_true "--quiet: nothing on stderr (no rejection warning, no unjudged gate)" test ! -s "$WORK/err"
expect_stdout "--quiet: the report lists the rejected rows" "bad.csv:3: SIP code '4x3'"
run "$DRTRIAGE" -q --fail-if 'calls>0' "$WORK/bad.csv"
expect_status "--quiet, breached" 1
expect_stderr "--quiet: a breach is named" "--fail-if breached: calls>0: 1 call (limit 0)"
expect_stderr "--quiet: a failing run says everything" "2 of 3 rows rejected"
run "$DRTRIAGE" --quiet "$WORK/missing.csv"
expect_status "--quiet, error" 2
expect_stderr "--quiet: errors are said" "missing.csv: cannot open"
run "$DRTRIAGE" --quiet --rows 'result=failed' "$WORK/bad.csv"
expect_status "--quiet --rows" 0
expect_true "--quiet --rows: nothing on stderr" test ! -s "$WORK/err"

# --- standard input and several files ---
run sh -c "\"$DRTRIAGE\" --format json - <\"$TAC\""
expect_status "stdin" 0
expect_json "stdin read as <stdin>" '.inputs[0].path == "<stdin>" and .totals.rows == 400' "$WORK/out"

run sh -c "\"$DRTRIAGE\" - - <\"$TAC\""
expect_status "stdin twice" 2
expect_stderr "stdin twice" "standard input (-) can be read only once"

run env HOME=/nonexistent/home XDG_CONFIG_HOME= "$DRTRIAGE" --format json "$TAC"
expect_status "unreachable home: no user rules, no error" 0

run "$DRTRIAGE" --format json samples/*.csv
expect_status "all samples" 0
expect_json "all samples are one report" '(.inputs | length) == 5' "$WORK/out"
expect_json "families detected" '[.inputs[].family] == ["acs","cqd","graph","tac","tac"]' "$WORK/out"
expect_accounting "all samples" "$WORK/out"

# --- --fail-if: exit 1 and the breach named; min-calls guards ratios ---
run "$DRTRIAGE" --fail-if 'failed>0' "$TAC"
expect_status "breached count" 1
expect_stderr "breach named" "--fail-if breached: failed>0"

run "$DRTRIAGE" --fail-if 'failed>100%' --fail-if 'ner<1' "$TAC"
expect_status "conditions that hold" 0

run "$DRTRIAGE" --min-calls 100000 --fail-if 'failed>1%' "$TAC"
expect_status "ratio skipped below --min-calls" 0
expect_stderr "skip explained" "not judged"

run "$DRTRIAGE" --fail-if 'action:tls-certificate>0' --fail-if 'code:569002/504>0' "$TAC"
expect_status "action and code conditions" 1

run "$DRTRIAGE" --fail-if 'action:tls-certifcate>0' "$TAC"
expect_status "--fail-if on an action the rules lack" 2
expect_stderr "--fail-if on an action the rules lack" "no action 'tls-certifcate' in the rules"

# --- -o: atomic, nothing partial ---
run "$DRTRIAGE" --format json -o "$WORK/report.json" "$TAC"
expect_status "-o FILE" 0
expect_json "-o wrote a full report" '.totals.rows == 400' "$WORK/report.json"
expect_true "-o leaves no temporary file" test "$(ls "$WORK" | grep -c 'report.json.')" -eq 0

run "$DRTRIAGE" -o "$WORK/missing-dir/report.txt" "$TAC"
expect_status "-o into a missing directory" 2
expect_stderr "-o into a missing directory" "missing-dir/report.txt"
expect_true "nothing created in the missing directory" test ! -e "$WORK/missing-dir"

if [ -w /dev/full ]; then
    run "$DRTRIAGE" -o /dev/full "$TAC"
    expect_status "-o /dev/full" 2
    expect_stderr "-o /dev/full" "/dev/full"
fi

echo "old" >"$WORK/keep.txt"
run "$DRTRIAGE" -o "$WORK/keep.txt" does-not-exist.csv
expect_status "failed run keeps the old report" 2
expect_true "failed run keeps the old report" grep -qx old "$WORK/keep.txt"

# --- user rules on top of the built-in ones ---
cat >"$WORK/site.rules" <<'RULES'
[action call-our-carrier]
title = Carrier rejects the call
owner = sbc
text = Open a ticket with the carrier.

[code 599999/500]
phrase = Internal Server Error
action = call-our-carrier
source = our runbook
RULES
printf 'Final SIP code,Final Microsoft subcode,Final SIP Phrase\n500,599999,Internal Server Error\n' >"$WORK/unknown.csv"
run "$DRTRIAGE" --format json --rules "$WORK/site.rules" "$WORK/unknown.csv"
expect_status "--rules" 0
expect_json "--rules teaches a code" '.by_code[0].action == "call-our-carrier" and .by_code[0].known' "$WORK/out"

printf '[action x]\ntitle = y\n' >"$WORK/broken.rules"
run "$DRTRIAGE" --rules "$WORK/broken.rules" "$TAC"
expect_status "broken rules" 2
expect_stderr "broken rules name file:line" "broken.rules:1:"

# --- filters, slices and drill-down (bad values are usage errors) ---
run "$DRTRIAGE" --since yesterday "$TAC"
expect_status "invalid date" 2
expect_stderr "invalid date names the value" "--since: filter since='yesterday': expected a date"

run "$DRTRIAGE" --direction sideways "$TAC"
expect_status "invalid direction" 2
expect_stderr "invalid direction" "expected in or out"

run "$DRTRIAGE" --by month "$TAC"
expect_status "invalid --by" 2
expect_stderr "invalid --by" "--by 'month': expected hour, day or week"

run "$DRTRIAGE" --group-by 'No Such Column' "$TAC"
expect_status "unknown --group-by column" 2
expect_stderr "unknown --group-by column names it" "--group-by column 'No Such Column' is not in the header"
run "$DRTRIAGE" --group-by 'Country' "$TAC"
expect_status "--group-by a column that is not there" 2
expect_stderr "--group-by names the headers, closest first" "the headers, closest first: 'User country', 'External Country', "

run "$DRTRIAGE" --rows 'origin' "$TAC"
expect_status "malformed --rows filter" 2
expect_stderr "malformed --rows filter" "expected key=value"

run "$DRTRIAGE" --rows 'colour=red' "$TAC"
expect_status "unknown --rows key" 2
expect_stderr "unknown --rows key" "filter key 'colour' is unknown"

run "$DRTRIAGE" --rows 'origin=sbc' --fail-if 'failed>0' "$TAC"
expect_status "--rows with --fail-if" 2
expect_stderr "--rows with --fail-if" "--fail-if judges a report"

run "$DRTRIAGE" --samples 500 "$TAC"
expect_status "too many samples" 2

run "$DRTRIAGE" --rows 'action=tls-certificate' "$TAC"
expect_status "--rows" 0
expect_true "--rows starts with the header" sh -c "head -1 '$WORK/out' | grep -q '^CorrelationId,AAD ObjectId,UPN'"
want=$("$DRTRIAGE" --format json "$TAC" | jq '[.by_code[] | select(.action == "tls-certificate") | .failed] | add')
got=$("$DRTRIAGE" --format json "$WORK/out" | jq '.totals.rows')
expect_true "--rows writes one CSV row per matching call ($got, want $want)" test "$got" -eq "$want"

run "$DRTRIAGE" --rows 'origin=sbc,result=failed' -o "$WORK/rows.csv" "$TAC"
expect_status "--rows -o" 0
expect_true "--rows -o output parses with the same header" sh -c "\"$DRTRIAGE\" --format json '$WORK/rows.csv' | jq -e '.totals.failed == .totals.calls and .by_origin[0].failed == .totals.calls' >/dev/null"

run "$DRTRIAGE" --format json --sbc 'sbc-eu*' --origin microsoft "$TAC"
expect_status "filters" 0
expect_json "filters are stated" '.filters == "sbc=sbc-eu*, origin=microsoft"' "$WORK/out"
expect_json "filters exclude calls, counted" '.totals.excluded > 0 and .totals.failed == .by_origin[1].failed' "$WORK/out"
expect_json "only the filtered SBC remains" '[.by_sbc[].sbc] == ["sbc-eu.fabrikam.net"]' "$WORK/out"
expect_accounting "filters" "$WORK/out"

# --where on any column, with --rows: the rows written are those both keep
WQ=tests/cases/where-quoted.csv
run "$DRTRIAGE" --where 'External Country=DE' --rows 'result=failed' "$WQ"
expect_status "--where with --rows" 0
cp "$WORK/out" "$WORK/where-rows.csv"
run "$DRTRIAGE" --format json "$WORK/where-rows.csv"
expect_json "--where with --rows writes the failed calls to DE (quoted cells kept whole)" \
    '.totals.calls == 2 and .totals.failed == 2' "$WORK/out"
run "$DRTRIAGE" --rows 'where=External Country=DE' "$WQ"
expect_status "where in --rows" 2
expect_stderr "where in --rows is refused" "'where' is an option of its own"
run "$DRTRIAGE" --where 'Extrnal Country=DE' "$WQ"
expect_status "--where on a column that is not there" 2
expect_stderr "--where names the headers, closest first" \
    "--where column 'Extrnal Country' is not in the header; the headers, closest first: 'External Country', "
run "$DRTRIAGE" --where 'Duration (seconds)>ten' "$WQ"
expect_status "--where < > need a number" 2
expect_stderr "--where < > need a number" "compare numbers"

# --- a filter that matches nothing is never answered in silence ---
run "$DRTRIAGE" --rows 'action=tls' "$TAC"
expect_status "--rows on an action the rules lack" 2
expect_stderr "an unknown action id suggests the closest" "no action 'tls' in the rules; did you mean 'tls-certificate'?"
run "$DRTRIAGE" --fail-if 'action:tls-certifcate>0' "$TAC"
expect_status "--fail-if on an action the rules lack" 2
expect_stderr "--fail-if action suggests the closest" "did you mean 'tls-certificate'?"
run "$DRTRIAGE" --rows 'sbc=nosuch*' "$TAC"
expect_status "--rows that matches no call" 1
expect_stderr "--rows that matches no call says so" "no calls matched --rows 'sbc=nosuch*'; the SBCs in the input: sbc2.contoso.com (113)"
expect_true "--rows that matches no call still writes the header" sh -c "test \$(wc -l <'$WORK/out') -eq 1"
run "$DRTRIAGE" --format json --sbc sbc2 "$TAC"
expect_status "--sbc that matches no SBC" 1
expect_json "the report says nothing matched and lists the SBCs" \
    '.matched_nothing and .filter_matches[0].calls == 0 and .filter_matches[0].values[0].value == "sbc2.contoso.com" and (.filter_matches[0].values | length) == 5' "$WORK/out"
run "$DRTRIAGE" --quiet --sbc sbc2 "$TAC"
expect_status "--quiet --sbc that matches nothing" 1
expect_stderr "--quiet: a run failed by its filters says why" "no calls matched --sbc 'sbc2'"
printf 'Final SIP code,Final Microsoft subcode,SBC FQDN\n403,560403,sbc1\n' >"$WORK/nodirection.csv"
run "$DRTRIAGE" --direction in "$WORK/nodirection.csv"
expect_status "--direction on a file without direction or call type" 2
expect_stderr "--direction that cannot be judged names the columns" "nodirection.csv:1: --direction 'in' cannot be judged: the file has no call-type or direction column"
run "$DRTRIAGE" --sbc 'sbc1*' samples/acs-loganalytics.csv
expect_status "--sbc on an export without SBCs" 2
expect_stderr "--sbc on an export without SBCs" "--sbc 'sbc1*' cannot be judged: the file has no sbc column"

# --code reads codes as explain does: 403 is the SIP code, whatever the Microsoft code
want=$("$DRTRIAGE" --format json "$TAC" | jq '[.by_code[] | select(.sip == 403) | .failed] | add')
run "$DRTRIAGE" --format json --code 403 "$TAC"
expect_status "--code 403" 0
expect_json "--code 403 keeps the calls with SIP 403 ($want)" ".totals.calls == $want and $want > 0" "$WORK/out"
run "$DRTRIAGE" --format json --code '*/504' "$TAC"
expect_json "--code '*/504' is SIP 504 with any Microsoft code" '[.by_code[].sip] | unique == [504]' "$WORK/out"
run "$DRTRIAGE" --code '*/*' "$TAC"
expect_status "--code '*/*'" 2
expect_stderr "--code '*/*' is refused" "would match every code"

run "$DRTRIAGE" --format json --by hour --samples 3 "$TAC"
expect_status "--by hour --samples" 0
expect_json "samples are capped per code" '[.by_code[].samples | length] | max <= 3' "$WORK/out"
expect_json "samples carry correlation ids" '.by_action[0].samples[0].correlation | length > 10' "$WORK/out"
expect_accounting "--by hour" "$WORK/out"

# --- progress line: on a terminal's stderr after a second, never otherwise ---
"$GEN" --rows 4000 --seed 9 -o "$WORK/progress.csv"
slow_feed="(head -c 100000 '$WORK/progress.csv'; sleep 1.3; tail -c +100001 '$WORK/progress.csv')"
if command -v script >/dev/null 2>&1; then
    script -qc "sh -c \"$slow_feed | '$DRTRIAGE' - >/dev/null\"" "$WORK/typescript" >/dev/null 2>&1
    expect_true "progress line on a terminal" grep -q "rows/s" "$WORK/typescript"
fi
run sh -c "$slow_feed | '$DRTRIAGE' - >/dev/null"
expect_status "slow input" 0
expect_true "no progress line when stderr is not a terminal" test ! -s "$WORK/err"

# --- rules stubs for unknown codes round-trip; width follows $COLUMNS ---
run "$DRTRIAGE" --format json tests/cases/tac-join-levels.csv
jq -r '.by_code[] | select(.stub) | .stub' "$WORK/out" >"$WORK/stubs.rules"
expect_true "unknown codes come with stubs" grep -q '^\[code 560499/499\]' "$WORK/stubs.rules"
run "$DRTRIAGE" rules check "$WORK/stubs.rules"
expect_status "the stubs are valid rules" 0
run "$DRTRIAGE" --format json --rules "$WORK/stubs.rules" tests/cases/tac-join-levels.csv
expect_json "pasted stubs make the codes known" '[.by_code[] | select(.stub)] | length == 0' "$WORK/out"
run "$DRTRIAGE" --color=never tests/cases/tac-join-levels.csv
expect_stdout "text report lists the stubs" "Codes without a rule"

run env COLUMNS=80 "$DRTRIAGE" --color=never "$TAC"
expect_true "COLUMNS=80 keeps table lines within 80 columns" \
    sh -c "grep -v 'https://' '$WORK/out' | awk 'length > 80 { bad = 1 } END { exit bad }'"
run env COLUMNS=160 "$DRTRIAGE" --color=never "$TAC"
expect_true "COLUMNS=160 uses the width" sh -c "awk 'length > 100 { wide = 1 } END { exit !wide }' '$WORK/out'"

finish
