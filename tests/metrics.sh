#!/bin/sh
# The Health Dashboard's measures (ACD, short calls, time to failure, concurrency)
# against values computed by hand and by an independent computation
# (tests/oracle/measures.jq), and --concurrency, --max-concurrent. Run by
# `make check`.
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

# --- --max-concurrent and --concurrency ---
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

finish
