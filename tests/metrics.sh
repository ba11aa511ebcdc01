#!/bin/sh
# The Health Dashboard's measures (ACD, short calls, time to failure, concurrency)
# against values computed by hand and by an independent computation
# (tests/oracle/measures.jq), and the shape of the text report: the summary
# first, the tables asked for next, the 80-column rule, sparklines, --top,
# --stubs, --max-concurrent. Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

GEN=${GEN:-build/gen-export}
HAND=tests/cases/health-measures.csv
HAND_ARGS="--by hour --concurrency --max-concurrent sbc-a.contoso.com=3 --max-concurrent sbc-b.contoso.com=10"

# --- a small file, counted by hand (see the comments) ---
# sbc-a: answered 240 s, 6 s, 1800 s; failed after 1 s, 32 s, 3 s.
# sbc-b: answered 9 s, 600 s and one without a duration; failed after 20 s.
# Minutes: sbc-a has h1, h3, h4 in 10:01 (and h1, h3, h5 in 10:02); sbc-b
# h7 and h8 in 10:00; all SBCs together 4 in 10:00.
# shellcheck disable=SC2086 # split on purpose
run "$DRTRIAGE" --format json $HAND_ARGS "$HAND"
expect_status "hand-checked file" 0
cp "$WORK/out" "$WORK/hand.json"
expect_json "totals: ACD over 5 answered calls, 2 short; failures 1, 3, 20, 32 s" \
    '.totals | .acd_calls == 5 and .acd == 531 and .short_calls == 2 and
     .to_failure_calls == 4 and .to_failure_median == 3 and .to_failure_p95 == 32 and
     .concurrency.peak == 4 and .concurrency.at == "2026-11-24T10:00:00Z"' "$WORK/hand.json"
expect_json "sbc-a: ACD 682 s, median 3 s, p95 32 s, peak 3 at 10:01, at its limit" \
    '.by_sbc[] | select(.sbc == "sbc-a.contoso.com") | .acd_calls == 3 and .acd == 682 and
     .short_calls == 1 and .to_failure_median == 3 and .to_failure_p95 == 32 and
     .concurrency == {peak: 3, at: "2026-11-24T10:01:00Z", limit: 3, near_limit: true,
                      untracked: 0}' "$WORK/hand.json"
expect_json "sbc-b: ACD 304.5 s over 2 of 3 answered calls, peak 2 of 10" \
    '.by_sbc[] | select(.sbc == "sbc-b.contoso.com") | .succeeded == 3 and .acd_calls == 2 and
     .acd == 304.5 and .to_failure_median == 20 and .concurrency.peak == 2 and
     .concurrency.limit == 10 and (.concurrency.near_limit | not)' "$WORK/hand.json"
expect_json "10:00: 4 answered, ACD 603.75 s, 2 short; 09:00 partial, 11:00 not" \
    '.by_time | length == 3 and .[1].acd_calls == 4 and .[1].acd == 603.8 and
     .[1].short_calls == 2 and .[1].to_failure_p95 == 32 and .[0].partial and
     (.[1].partial | not) and (.[2].partial | not) and .[2].acd == null' "$WORK/hand.json"
# shellcheck disable=SC2086
run "$DRTRIAGE" --color=never $HAND_ARGS "$HAND"
expect_stdout "summary: durations" "  durations   ACD 8m51s, 40.0% under 10 s; failures after 3s median, 32s p95"
expect_stdout "summary: the SBC at its limit" "  peak        3 on sbc-a.contoso.com at Tue 2026-11-24 10:01, near its limit"
expect_stdout "concurrency table flags it" "  sbc-a.contoso.com     3  Tue 2026-11-24 10:01      3  100.0%  near the session limit"
expect_stdout "a partial hour is marked" "  Tue 2026-11-24 09:00 *      1"
expect_stdout "and the mark explained" "  * the inputs cover this hour only in part"

# --- the gates on the measures, on the same file ---
LIMITS="--max-concurrent sbc-a.contoso.com=3 --max-concurrent sbc-b.contoso.com=10"
# shellcheck disable=SC2086
run "$DRTRIAGE" --format json --min-calls 1 --fail-if 'acd<600' --fail-if 'acd<500' \
    --fail-if 'sbc=*:short-calls>40%' --fail-if 'short-calls>2' $LIMITS "$HAND"
expect_status "acd<600 breached by an ACD of 531 s" 1
expect_json "acd and short-calls gates: values, units, denominators" \
    '[.gates[] | [.expr, .sbc, .unit, .value, .denominator, .breached]] ==
     [["acd<600", null, "s", 531, 5, true], ["acd<500", null, "s", 531, 5, false],
      ["sbc=*:short-calls>40%", "sbc-a.contoso.com", "percent", 33.33, 3, false],
      ["sbc=*:short-calls>40%", "sbc-b.contoso.com", "percent", 50, 2, true],
      ["short-calls>2", null, "count", 2, 5, false]]' "$WORK/out"
expect_stderr "the verdict says the ACD" "breached: acd<600: ACD of answered calls 531.00 s over 5 answered calls with a duration (limit 600 s)"
run "$DRTRIAGE" --format json --fail-if 'acd<600' "$HAND"
expect_status "acd below --min-calls answered calls is not judged" 0
expect_json "not judged, said why" '.gates[0].judged == false' "$WORK/out"
# the concurrency gate measures concurrency without --concurrency, whatever --min-calls
# shellcheck disable=SC2086
run "$DRTRIAGE" --color=never --fail-if 'concurrency>=90%' $LIMITS "$HAND"
expect_status "concurrency>=90%: sbc-a is at its limit" 1
expect_stderr "the verdict names the SBC nearest its limit" \
    "breached: concurrency>=90%: sbc-a.contoso.com: peak concurrent calls: 100.00% of 3 sessions allowed by --max-concurrent (limit 90%)"
expect_stdout "the summary says so" "  gates       1 of 1 breached: concurrency>=90%"
expect_stdout "the gate measured concurrency" "  peak        3 on sbc-a.contoso.com at Tue 2026-11-24 10:01, near its limit"
# shellcheck disable=SC2086
run "$DRTRIAGE" --format json --fail-if 'sbc=sbc-b*:concurrency>=90%' $LIMITS "$HAND"
expect_status "sbc-b at 20% of its limit passes" 0
expect_json "sbc-b: 2 of 10 sessions" \
    '.gates[0] | .value == 20 and .denominator == 10 and .judged and (.breached | not)' "$WORK/out"
run "$DRTRIAGE" --format json --fail-if 'concurrency>=90%' "$HAND"
expect_status "no --max-concurrent: not judged" 0
expect_json "no --max-concurrent: said why" \
    '.gates[0].why == "concurrency>=90%: not judged: no sessions allowed by --max-concurrent"' "$WORK/out"
for bad in 'concurrency>90' 'acd>5%'; do
    run "$DRTRIAGE" --fail-if "$bad" "$HAND"
    expect_status "--fail-if '$bad'" 2
done
expect_stderr "acd is in seconds" "acd is not a percentage"

# --- a generated Graph export, measured again by tests/oracle/measures.jq ---
"$GEN" --family graph --rows 5000 --seed 11 -o "$WORK/graph.csv"
run "$DRTRIAGE" --format json --concurrency --by day "$WORK/graph.csv"
expect_status "generated export" 0
cp "$WORK/out" "$WORK/graph.json"
MEASURES='{acd_calls, acd, short_calls, to_failure_calls, to_failure_median, to_failure_p95}'
SAME='($a[0] | sort_by(.key)) as $x | ($b[0] | sort_by(.key)) as $y
  | ($x | length) == ($y | length) and ($x | length) > 0
  and all(range($x | length); ($x[.] | del(.acd)) == ($y[.] | del(.acd))
          and (($x[.].acd // 0) - ($y[.].acd // 0) | fabs) < 0.05)'
# compare DESC BY ROWS: drtriage's ROWS (a jq path, each with its key as .key)
# hold the measures the oracle computes grouped BY.
compare() {
    jq -n -R --arg by "$2" -f tests/oracle/measures.jq "$WORK/graph.csv" >"$WORK/oracle.json"
    jq "[$3]" "$WORK/graph.json" >"$WORK/drtriage.json"
    if [ "$2" != sbc ] && [ "$2" != all ]; then # the time series has no peaks
        jq 'map(del(.peak, .at))' "$WORK/oracle.json" >"$WORK/oracle.tmp" &&
            mv "$WORK/oracle.tmp" "$WORK/oracle.json"
    fi
    if jq -e -n --slurpfile a "$WORK/oracle.json" --slurpfile b "$WORK/drtriage.json" "$SAME" \
        >/dev/null; then pass; else
        fail "$1" "$(diff "$WORK/oracle.json" "$WORK/drtriage.json" | head -20)"
    fi
}
compare "per SBC: ACD, short calls, time to failure and peak as computed independently" sbc \
    ".by_sbc[] | {key: .sbc} + $MEASURES + {peak: .concurrency.peak, at: .concurrency.at}"
compare "per day: the same measures" day ".by_time[] | {key: .start} + $MEASURES"
compare "over all calls: the same, with the peak of all SBCs together" all \
    ".totals | {key: \"all\"} + $MEASURES + {peak: .concurrency.peak, at: .concurrency.at}"
expect_json "the generated export has realistic failures: quick and slow ones" \
    '.totals.to_failure_median < 15 and .totals.to_failure_p95 > 30' "$WORK/graph.json"

# culture dates (PowerShell 7, day first): the same measures as the ISO twin,
# with and without the per-input date order being tracked (--concurrency tracks it)
for args in "" "--concurrency"; do
    for culture in en-GB en-US; do
        "$GEN" --family graph --rows 2000 --seed 12 --culture "$culture" -o "$WORK/culture.csv"
        "$GEN" --family graph --rows 2000 --seed 12 -o "$WORK/iso.csv"
        # shellcheck disable=SC2086
        "$DRTRIAGE" --format json $args "$WORK/culture.csv" 2>/dev/null |
            jq "[.totals, .by_sbc[]] | map($MEASURES + {concurrency})" >"$WORK/culture.json"
        # shellcheck disable=SC2086
        "$DRTRIAGE" --format json $args "$WORK/iso.csv" |
            jq "[.totals, .by_sbc[]] | map($MEASURES + {concurrency})" >"$WORK/iso.json"
        expect_true "$culture dates ${args:+($args) }measure as their ISO twin" \
            cmp -s "$WORK/culture.json" "$WORK/iso.json"
    done
done

# ACS: ParticipantDuration counts
"$GEN" --family acs --rows 400 --seed 4 -o "$WORK/acs.csv"
run "$DRTRIAGE" --format json "$WORK/acs.csv"
expect_json "ACS durations from ParticipantDuration" \
    '.totals.acd_calls == .totals.succeeded and .totals.acd > 60' "$WORK/out"

# CQD has no durations: the measures are null-free zeros and the text says why
run "$DRTRIAGE" --color=never samples/cqd-powerbi.csv
expect_stdout "no durations said" "no ACD or time to failure: the inputs have no durations"

# --- options: --max-concurrent, --top, --stubs, --ascii ---
for bad in sbc1 sbc1= =5 sbc1=0 sbc1=x; do
    run "$DRTRIAGE" --max-concurrent "$bad" "$HAND"
    expect_status "--max-concurrent '$bad'" 2
    expect_stderr "--max-concurrent '$bad' says what it takes" "expected SBC=N"
done
run "$DRTRIAGE" --format json --max-concurrent nosuch.example.com=5 "$HAND"
expect_json "--max-concurrent turns concurrency on" '.by_sbc[0].concurrency.peak > 0' "$WORK/out"
expect_json "a limit naming no SBC is noted" \
    '.notes | any(. == "--max-concurrent nosuch.example.com: no calls through that SBC")' "$WORK/out"
run "$DRTRIAGE" --format json "$HAND"
expect_json "concurrency is off unless asked for" \
    '.totals.concurrency == null and .by_sbc[0].concurrency == null' "$WORK/out"

"$GEN" --rows 3000 --seed 21 -o "$WORK/tac.csv"
run "$DRTRIAGE" --color=never "$WORK/tac.csv"
expect_stdout "the default --top is 10 with what the rest holds" "  ... and "
n=$(sed -n '/^Failed calls by code/,/^$/p' "$WORK/out" | grep -c '^  [0-9]')
expect_true "10 code rows by default (have $n)" test "$n" -eq 10
run "$DRTRIAGE" --color=never --top all "$WORK/tac.csv"
expect_true "--top all cuts no table" sh -c "! grep -q '\.\.\. and ' '$WORK/out'"
run "$DRTRIAGE" --color=never --top 0 "$WORK/tac.csv"
expect_true "--top 0 is --top all" sh -c "! grep -q '\.\.\. and ' '$WORK/out'"
run "$DRTRIAGE" --top none "$WORK/tac.csv"
expect_status "bad --top" 2
expect_stderr "bad --top says all is allowed" "expected a whole number or all"

run "$DRTRIAGE" --color=never tests/cases/tac-join-levels.csv
expect_stdout "without --stubs: how many codes have no rule" "Codes without a rule  ("
expect_stdout "and how to see the stubs" "--stubs shows a rule for each"
expect_true "no stub without --stubs" sh -c "! grep -q '^  \[code ' '$WORK/out'"
run "$DRTRIAGE" --color=never --stubs tests/cases/tac-join-levels.csv
expect_stdout "--stubs shows them" "  [code 560499/499]"

run "$DRTRIAGE" --color=never --by day "$WORK/tac.csv"
expect_true "sparklines in Unicode blocks by default" grep -q '  trend       NER .*▁' "$WORK/out"
expect_true "days carry their weekday" grep -q '^  Fri 2024-03-01' "$WORK/out"
run "$DRTRIAGE" --color=never --ascii --by day "$WORK/tac.csv"
expect_true "--ascii: no byte above 0x7f in the report" \
    sh -c "! LC_ALL=C grep -q '[^ -~]' '$WORK/out'"
expect_true "--ascii: sparklines in ASCII" grep -q '  trend       NER [_.:=+*#-]' "$WORK/out"

# --- the report leads with the answer ---
for f in samples/*.csv "$WORK/tac.csv"; do
    for args in "" "--by day --concurrency"; do
        # shellcheck disable=SC2086
        run env COLUMNS=80 "$DRTRIAGE" --color=never $args "$f"
        n=$(sed -n '1,/^$/p' "$WORK/out" | grep -c .)
        expect_true "summary of $f ${args:+($args) }in at most 12 lines (has $n)" test "$n" -le 12
        expect_true "$f: the summary names NER, faults and what to do first" \
            sh -c "sed -n '1,/^\$/p' '$WORK/out' | grep -q '^  NER ' &&
                   sed -n '1,/^\$/p' '$WORK/out' | grep -q '^  faults ' &&
                   sed -n '1,/^\$/p' '$WORK/out' | grep -q '^  act first '"
    done
done
run "$DRTRIAGE" --color=never --by day --group-by 'Call type' "$WORK/tac.csv"
expect_true "the tables asked for follow the summary" \
    sh -c "awk '/^[A-Z]/ && NR > 1 { print; exit }' '$WORK/out' | grep -qx 'By time  (per day, UTC)'"
expect_true "then the groups, then each group over time, then what to do" \
    sh -c "grep -n '^By group  \|^By group over time\|^What to do first' '$WORK/out' |
           cut -d: -f2 | tr '\n' '|' | grep -q '^By group  (Call type)|By group over time  (Call type; per day, UTC)|What to do first'"

# colour: a low NER is highlighted, only when asked (or on a terminal)
run "$DRTRIAGE" --format json "$WORK/tac.csv"
expect_json "the generated export's NER is low" '.totals.ner < 95 and .totals.calls >= 100' "$WORK/out"
run "$DRTRIAGE" --color=always "$WORK/tac.csv"
expect_true "low NER in colour" grep -q "$(printf '\033\\[1;31m')[0-9.]*%" "$WORK/out"
run env NO_COLOR=1 "$DRTRIAGE" "$HAND"
expect_true "NO_COLOR: no escape" sh -c "! grep -q \"$(printf '\033')\" '$WORK/out'"

# --- the 80-column rule: ids whole, free text wrapped ---
cat >"$WORK/long.csv" <<'EOF'
Start time,Success,Final SIP code,Final Microsoft subcode,Final SIP Phrase,SBC FQDN
2026-11-24T10:00:00Z,No,504,569008,"Unable to deliver INVITE: Outgoing TLS negotiation failed. Remote certificate expired; HRESULT=0x80090328 SEC_E_CERT_EXPIRED",sbc-primary-01.emea-west.fabrikam.net
2026-11-24T10:05:00Z,No,403,510532,Get Inbound Direct Routing - RuntimeApi trunk config not found for customer,sbc-primary-01.emea-west.fabrikam.net
2026-11-24T10:06:00Z,No,499,560499,An odd reply from a carrier that nobody has documented yet,sbc-secondary-02.apac-e.fabrikam.net
2026-11-24T10:07:00Z,Yes,0,540000,BYE,sbc-secondary-02.apac-e.fabrikam.net
EOF
for width in 80 40; do
    run env COLUMNS=$width "$DRTRIAGE" --color=never --stubs "$WORK/long.csv"
    for id in tls-certificate-expired trunk-config 569008/504 510532/403 560499/499 \
        sbc-primary-01.emea-west.fabrikam.net sbc-secondary-02.apac-e.fabrikam.net; do
        expect_true "COLUMNS=$width: '$id' whole" grep -qF -- "$id" "$WORK/out"
    done
    expect_true "COLUMNS=$width: nothing cut" sh -c "! grep -qF '...' '$WORK/out'"
    expect_true "COLUMNS=$width: the phrase wrapped, not cut" grep -q 'SEC_E_CERT_EXPIRED' "$WORK/out"
    # advice and phrases (indented prose) keep to the width; wc -L counts columns
    expect_true "COLUMNS=$width: prose within $width columns" \
        sh -c "grep '^      [A-Za-z]' '$WORK/out' | grep -v 'docs: ' | wc -L | awk '{ exit \$1 > $width }'"
done
run env COLUMNS=80 "$DRTRIAGE" --color=never --by hour --concurrency "$WORK/long.csv"
expect_true "COLUMNS=80: every line within 80 columns but links and stubs" \
    sh -c "grep -v 'docs: \|^  phrase = ' '$WORK/out' | wc -L | awk '{ exit \$1 > 80 }'"

finish
