#!/bin/sh
# The gate the README, --help and the man page recommend for a nightly job:
# it passes on every bundled sample and on a healthy generated day, and fails
# on the incident sample (an SBC certificate expiring at noon), naming that
# SBC; the older suggestion fails on every sample; the incident sample is
# still what its documented command makes; gate values agree with the
# report's own tables. Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

GEN=${GEN:-build/gen-export}
INCIDENT=samples/incidents/cert-expiry.csv
GATE1='calls<1'
GATE2='sbc=*:faults>30%'

# --- the recommendation is the same everywhere ---
expect_true "README recommends the gate" \
    grep -qF -- "--fail-if '$GATE1' --fail-if '$GATE2'" README.md
run "$DRTRIAGE" --help
expect_stdout "--help recommends the gate" "--fail-if '$GATE1' --fail-if '$GATE2'"
expect_true "the man page recommends the gate" \
    grep -qF -- "\\-\\-fail\\-if \\(aqcalls<1\\(aq \\-\\-fail\\-if \\(aqsbc=*:faults>30%\\(aq" docs/drtriage.1

# --- healthy: every sample, and a generated day ---
for f in samples/*.csv; do
    run "$DRTRIAGE" --quiet --fail-if "$GATE1" --fail-if "$GATE2" "$f"
    expect_status "the recommended gate passes on $f" 0
    expect_true "the recommended gate is silent on $f" test ! -s "$WORK/err"
done
"$GEN" --rows 6000 --days 1 --start 2026-11-24 --seed 11 -o "$WORK/day.csv"
run "$DRTRIAGE" --format json --fail-if "$GATE1" --fail-if "$GATE2" "$WORK/day.csv"
expect_status "the recommended gate passes on a healthy generated day" 0
expect_json "a healthy day: every SBC judged, none breached" \
    '.totals.calls > 5000 and ([.gates[] | select(.metric == "faults")] | length) == 5 and all(.gates[]; .judged and (.breached | not))' \
    "$WORK/out"

# --- the incident fails, naming the SBC ---
run "$DRTRIAGE" --quiet --format json --fail-if "$GATE1" --fail-if "$GATE2" "$INCIDENT"
expect_status "the recommended gate fails on the incident" 1
expect_stderr "the breach names the SBC" "--fail-if breached: sbc=*:faults>30%: sbc1.contoso.com: faults"
expect_json "the report says which SBC, and only that one" \
    '[.gates[] | select(.breached) | .sbc] == ["sbc1.contoso.com"]' "$WORK/out"
expect_json "the incident: TLS failures on sbc1 from noon" \
    '[.by_code[] | select(.ms == 569008 or .ms == 569002) | .failed] | add > 50' "$WORK/out"
"$GEN" --rows 1000 --days 1 --start 2026-11-24 --seed 7 --incident -o "$WORK/incident.csv"
expect_true "samples/README.md's command makes $INCIDENT byte for byte" cmp -s "$WORK/incident.csv" "$INCIDENT"
run "$DRTRIAGE" --format json --by hour --sbc sbc1.contoso.com --code 569008/504 "$INCIDENT"
expect_json "sbc1's certificate-expired failures start at noon" \
    '.by_time[0].start == "2026-11-24T12:00:00Z" and .totals.calls > 50' "$WORK/out"

# --- the old suggestion fails every sample: why it was replaced ---
for f in samples/*.csv; do
    run "$DRTRIAGE" --fail-if 'sbc>2%' --fail-if 'ner<95' "$f"
    expect_status "'sbc>2%' or 'ner<95' fails on $f" 1
done

# --- gate values agree with the report's own tables ---
TAC=samples/tac-directrouting.csv
run "$DRTRIAGE" --format json --min-calls 1 --fail-if 'faults>0' --fail-if 'sbc-faults>0' \
    --fail-if 'unknown-codes>0' --fail-if 'sbc=sbc-eu*:faults>0' "$TAC"
cp "$WORK/out" "$WORK/gates.json"
expect_json "faults = failed calls of actions that are not expected endings" \
    '.gates[0].value == ([.by_action[] | select(.expected | not) | .failed] | add)' "$WORK/gates.json"
expect_json "unknown-codes = failed calls of code rows that are not known" \
    '.gates[2].value == ([.by_code[] | select(.known | not) | .failed] | add)' "$WORK/gates.json"
run "$DRTRIAGE" --format json --origin sbc "$TAC"
expect_json "sbc-faults = SBC-origin failures that are not expected endings" \
    "([.by_action[] | select(.expected | not) | .failed] | add) == $(jq '.gates[1].value' "$WORK/gates.json")" "$WORK/out"
run "$DRTRIAGE" --format json --sbc 'sbc-eu*' "$TAC"
expect_json "a per-SBC gate counts that SBC's calls" \
    "([.by_action[] | select(.expected | not) | .failed] | add) == $(jq '.gates[3].value' "$WORK/gates.json") and .totals.calls == $(jq '.gates[3].denominator' "$WORK/gates.json")" "$WORK/out"

finish
