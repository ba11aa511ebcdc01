#!/bin/sh
# Summarised exports, non-PSTN rows, overlapping inputs and --dedupe from the
# command line, on exports scripts/gen-export makes. Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

GEN=${GEN:-build/gen-export}

# --- summarised exports: the counts are the calls ---
"$GEN" --family cqd --aggregated --rows 20000 --seed 3 >"$WORK/cqd-agg.csv"
run "$DRTRIAGE" --format json "$WORK/cqd-agg.csv"
cp "$WORK/out" "$WORK/cqd-agg.json"
expect_status "summarised CQD" 0
expect_accounting "summarised CQD" "$WORK/cqd-agg.json"
expect_json "summarised CQD: the groups add up to the 20000 calls generated" \
    '.totals.calls == 20000 and .inputs[0].weighted and .inputs[0].count_column == "Total Call Count"
     and .totals.call_rows < 1000' "$WORK/cqd-agg.json"
expect_json "summarised CQD: its 2 rows of VoIP streams are excluded as non-PSTN" \
    '.totals.excluded_by_reason == {"filters": 0, "non_pstn": 2}
     and .totals.excluded_calls == (20000 / 3 | floor) + 1 + (20000 / 10 | floor) + 1
     and (.notes | any(test("^2 rows hold non-PSTN streams")))' "$WORK/cqd-agg.json"

# The same calls, one row each: every table the same but for the weights.
"$GEN" --family cqd --rows 20000 --seed 3 >"$WORK/cqd-rows.csv"
run "$DRTRIAGE" --format json "$WORK/cqd-rows.csv"
cp "$WORK/out" "$WORK/cqd-rows.json"
expect_json "summarised CQD: by_sbc and by_action have the calls of a plain export's rows" \
    '(.by_sbc | map(.calls) | add) == 20000 and (.by_action | length) > 5' "$WORK/cqd-agg.json"

"$GEN" --family acs --aggregated --rows 5000 --seed 4 >"$WORK/kql.csv"
run "$DRTRIAGE" --format json --fail-if 'failed>4000' "$WORK/kql.csv"
cp "$WORK/out" "$WORK/kql.json"
expect_status "summarize count(): a gate judges calls, not rows" 0
expect_json "summarize count(): count_ weights the rows" \
    '.totals.calls == 5000 and .inputs[0].count_column == "count_"' "$WORK/kql.json"
run "$DRTRIAGE" --format json --fail-if 'failed>100' "$WORK/kql.csv"
expect_status "summarize count(): failed>100 breaches on calls (there are far fewer rows)" 1

# A named count: --count-column.
sed '1s/count_/n/' "$WORK/kql.csv" >"$WORK/kql-n.csv"
run "$DRTRIAGE" --format json "$WORK/kql-n.csv"
expect_json "a count named n is not found by the rules" '.totals.calls == .totals.rows' "$WORK/out"
run "$DRTRIAGE" --format json --count-column n "$WORK/kql-n.csv"
expect_json "--count-column n weights the rows" \
    '.totals.calls == 5000 and .inputs[0].count_column == "n"' "$WORK/out"
run "$DRTRIAGE" --count-column calls "$WORK/kql-n.csv"
expect_status "--count-column naming no column" 2
expect_stderr "--count-column naming no column" "--count-column 'calls': no such column"

# --- overlapping nightly downloads ---
# One stream of calls at one pace (--days per call alike): the first 3 days,
# the same from its 401st call to day 5 (a later download), and all of days
# 1-5 (the same calls at the same times). --days stops at the period's end,
# so the counts are read from the files.
"$GEN" --rows 600 --days 3 --seed 9 >"$WORK/night1.csv"
"$GEN" --rows 600 --days 5 --seed 9 --skip 400 >"$WORK/night2.csv"
"$GEN" --rows 1000 --days 5 --seed 9 >"$WORK/union.csv"
n1=$(($(wc -l <"$WORK/night1.csv") - 1))
n2=$(($(wc -l <"$WORK/night2.csv") - 1))
nu=$(($(wc -l <"$WORK/union.csv") - 1))
overlap=$((n1 + n2 - nu))
expect_true "the downloads overlap: $n1 + $n2 calls, $nu distinct" test "$overlap" -gt 100
run "$DRTRIAGE" --format json "$WORK/night1.csv" "$WORK/night2.csv"
cp "$WORK/out" "$WORK/both.json"
expect_accounting "overlapping exports" "$WORK/both.json"
expect_json "overlapping exports: counted twice without --dedupe, and a note says so" \
    ".totals.calls == $((n1 + n2)) and .totals.duplicates == 0
     and (.notes | any(test(\"night1.csv and .*night2.csv overlap from 20[0-9-]*T.* to .*: calls in both are counted twice\")))" \
    "$WORK/both.json"
expect_json "each input keeps its time range" \
    '.inputs[0].first_start < .inputs[1].first_start and .inputs[1].first_start < .inputs[0].last_start' \
    "$WORK/both.json"
run "$DRTRIAGE" --format json --dedupe "$WORK/night1.csv" "$WORK/night2.csv"
cp "$WORK/out" "$WORK/dedupe.json"
expect_accounting "--dedupe" "$WORK/dedupe.json"
expect_json "--dedupe drops the $overlap calls of the overlap" \
    ".totals.rows == $((n1 + n2)) and .totals.calls == $nu and .totals.duplicates == $overlap
     and .inputs[1].duplicates == $overlap and .inputs[0].duplicates == 0" "$WORK/dedupe.json"
run "$DRTRIAGE" --format json "$WORK/union.csv"
cp "$WORK/out" "$WORK/union.json"
expect_true "--dedupe of the two downloads reports what one export of the whole window does" \
    sh -c "jq -S '{by_code, by_action, by_sbc, c: .totals.calls}' '$WORK/dedupe.json' >'$WORK/a' &&
           jq -S '{by_code, by_action, by_sbc, c: .totals.calls}' '$WORK/union.json' >'$WORK/b' &&
           cmp -s '$WORK/a' '$WORK/b'"

# Culture dates: the range is read in the input's order without holding rows
# back (no time filter), and equals the ISO twin's; overlapping en-GB exports
# are noted like ISO ones.
"$GEN" --family graph --culture en-GB --rows 300 --days 30 --seed 6 >"$WORK/gb1.csv"
"$GEN" --family graph --rows 300 --days 30 --seed 6 >"$WORK/iso1.csv"
"$GEN" --family graph --culture en-GB --rows 300 --days 40 --seed 6 --skip 100 >"$WORK/gb2.csv"
run "$DRTRIAGE" --format json "$WORK/gb1.csv"
cp "$WORK/out" "$WORK/gb1.json"
run "$DRTRIAGE" --format json "$WORK/iso1.csv"
cp "$WORK/out" "$WORK/iso1.json"
run "$DRTRIAGE" --format json --by day "$WORK/gb1.csv"
cp "$WORK/out" "$WORK/gb1-by.json"
expect_true "en-GB dates: the range read day first, as the ISO twin's and as with --by" \
    sh -c "a=\$(jq -c '.inputs[0] | [.first_start, .last_start, .date_order]' '$WORK/gb1.json') &&
           b=\$(jq -c '.inputs[0] | [.first_start, .last_start]' '$WORK/iso1.json') &&
           c=\$(jq -c '.inputs[0] | [.first_start, .last_start, .date_order]' '$WORK/gb1-by.json') &&
           [ \"\$a\" = \"\$c\" ] && [ \"\$a\" = \"\$(echo \"\$b\" | sed 's/]\$/,\"dmy\"]/')\" ]"
run "$DRTRIAGE" --format json "$WORK/gb1.csv" "$WORK/gb2.csv"
expect_json "overlapping en-GB exports are noted" \
    '(.notes | any(test("gb1.csv and .*gb2.csv overlap from")))' "$WORK/out"

# Rows repeated within one export; the same file twice; stdin.
"$GEN" --rows 2000 --seed 5 --repeat 10 >"$WORK/repeats.csv"
run "$DRTRIAGE" --format json --dedupe "$WORK/repeats.csv"
cp "$WORK/out" "$WORK/repeats.json"
distinct=$(sort -u "$WORK/repeats.csv" | wc -l)
expect_json "--dedupe: each repeated row dropped, each distinct one kept" \
    ".totals.calls == $distinct - 1 and .totals.duplicates == 2000 - (.totals.calls)" \
    "$WORK/repeats.json"
run "$DRTRIAGE" --format json --dedupe "$WORK/night1.csv" - <"$WORK/night1.csv"
expect_json "the same content from a file and stdin: noted, and dropped with --dedupe" \
    ".totals.calls == $n1 and .totals.duplicates == $n1
     and (.notes | any(test(\"<stdin> has the same content as .*night1.csv\")))" "$WORK/out"

# Rows --dedupe cannot check are kept and counted.
printf 'CorrelationId,Start time,Final SIP code,Final Microsoft subcode,Success\n' >"$WORK/ids.csv"
printf ',2024-03-01T08:00:00Z,0,540000,Yes\n,2024-03-01T08:00:00Z,0,540000,Yes\n' >>"$WORK/ids.csv"
printf 'a,,0,540000,Yes\na,,0,540000,Yes\nb,2024-03-01T08:00:00Z,0,540000,Yes\n' >>"$WORK/ids.csv"
printf 'B,2024-03-01T08:00:00Z,0,540000,Yes\n' >>"$WORK/ids.csv"
run "$DRTRIAGE" --format json --dedupe "$WORK/ids.csv"
expect_json "rows without a correlation id or start time are kept, and a note says so" \
    '.totals.calls == 5 and .totals.duplicates == 1
     and (.notes | any(test("4 rows without a correlation id or start time could not be checked")))' \
    "$WORK/out"
run "$DRTRIAGE" --format json --dedupe "$WORK/cqd-rows.csv"
expect_json "--dedupe on an export without correlation ids drops nothing and says why" \
    '.totals.duplicates == 0 and (.notes | any(test("no correlation id column")))' "$WORK/out"

# The temporary file: an unusable TMPDIR is an output error, no report.
run env TMPDIR=/nonexistent/dir "$DRTRIAGE" --dedupe -o "$WORK/none.txt" "$WORK/night1.csv"
expect_status "--dedupe with an unusable TMPDIR" 2
expect_stderr "--dedupe with an unusable TMPDIR" "--dedupe: cannot create its temporary file in /nonexistent/dir"
expect_true "--dedupe with an unusable TMPDIR writes no report" test ! -e "$WORK/none.txt"
mkdir "$WORK/tmp"
run env TMPDIR="$WORK/tmp" "$DRTRIAGE" --dedupe "$WORK/night1.csv" "$WORK/night2.csv"
expect_status "--dedupe in a TMPDIR of its own" 0
expect_true "--dedupe leaves nothing behind in TMPDIR" test -z "$(ls -A "$WORK/tmp")"

finish
