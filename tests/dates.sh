#!/bin/sh
# Dates by culture, end to end, on exports made by build/gen-export --culture:
#   - every culture's file gives the report its ISO twin gives (same seed);
#   - an input whose deciding date is its last row gives the report, and the
#     --rows extract, that --date-order gives (the held rows are replayed
#     exactly), and the note names that row;
#   - an input ambiguous from end to end is read in its form's usual order,
#     the same as with --date-order, and the note says how to override it;
#   - two inputs of different orders in one run are each read in their own;
#   - holding rows back keeps memory bounded, and a TMPDIR that cannot hold
#     them is an error (exit 2), not a silent misreading.
# Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

GEN=${GEN:-build/gen-export}
MEASURE=${MEASURE:-build/measure}
ROWS=3000
TIMED="--by hour --since 2024-03-03 --until 2024-03-27 --samples 3"
GROUP="--group-by callType"

# report FILE ARGS...: the JSON report of FILE without what names or notes the
# inputs (their paths and how their dates were read differ by design).
report() {
    file=$1
    shift
    # shellcheck disable=SC2086
    "$DRTRIAGE" --format json $TIMED $GROUP "$@" "$file" >"$WORK/full.json" 2>"$WORK/err"
    status=$?
    jq 'del(.inputs, .notes)' "$WORK/full.json"
}

# same_report DESC A B ARGS_B...: A's report equals B's (with ARGS_B).
same_report() {
    desc=$1
    a=$2
    b=$3
    shift 3
    report "$a" >"$WORK/a.json"
    report "$b" "$@" >"$WORK/b.json"
    if cmp -s "$WORK/a.json" "$WORK/b.json" && [ -s "$WORK/a.json" ]; then pass; else
        fail "$desc" "$(diff "$WORK/a.json" "$WORK/b.json" | head -20)"
    fi
}

# same_reading DESC A B: as same_report, but A and B write their times in
# different forms, which the samples show as written: those are left out.
same_reading() {
    report "$2" | jq 'walk(if type == "object" and has("correlation") then del(.start) else . end)' \
        >"$WORK/a.json"
    report "$3" | jq 'walk(if type == "object" and has("correlation") then del(.start) else . end)' \
        >"$WORK/b.json"
    if cmp -s "$WORK/a.json" "$WORK/b.json" && [ -s "$WORK/a.json" ]; then pass; else
        fail "$1" "$(diff "$WORK/a.json" "$WORK/b.json" | head -20)"
    fi
}

# without_notes FILE: a text report up to its Notes section.
without_notes() {
    awk '/^Notes$/ { exit } { print }' "$1" | sed '${/^$/d;}'
}

"$GEN" --family graph --rows $ROWS --seed 7 -o "$WORK/iso.csv"
expected_order() {
    case $1 in
    en-US | invariant) echo mdy ;;
    ja-JP) echo ymd ;;
    *) echo dmy ;;
    esac
}

# --- each culture reads as its ISO twin ---
for culture in en-US en-GB fr-FR de-DE nl-NL ja-JP en-AU invariant; do
    "$GEN" --family graph --rows $ROWS --seed 7 --culture "$culture" -o "$WORK/$culture.csv"
    same_reading "graph $culture reads as its ISO twin" "$WORK/iso.csv" "$WORK/$culture.csv"
    expect_json "graph $culture: read $(expected_order "$culture") from the data" \
        ".inputs[0].date_order == \"$(expected_order "$culture")\"
         and .inputs[0].date_order_from == \"data\" and .inputs[0].date_conflicts == 0
         and .undated_in_series == 0 and .totals.undated == 0" "$WORK/full.json"
    expect_accounting "graph $culture" "$WORK/full.json"
done

GROUP="--group-by PstnParticipantCallType"
"$GEN" --family acs --rows $ROWS --seed 8 -o "$WORK/acs-en-US.csv"
for culture in en-GB de-DE nl-NL ja-JP en-AU invariant; do
    "$GEN" --family acs --rows $ROWS --seed 8 --culture "$culture" -o "$WORK/acs-$culture.csv"
    same_reading "acs $culture reads as en-US" "$WORK/acs-en-US.csv" "$WORK/acs-$culture.csv"
    expect_json "acs $culture: read $(expected_order "$culture")" \
        ".inputs[0].date_order == \"$(expected_order "$culture")\"" "$WORK/full.json"
done

GROUP="--group-by callType"

# --- the deciding date is the last row ---
# en-GB rows whose day is 12 or less, then the first row with a day above 12.
awk -F'","' 'NR == 1 || substr($6, 1, 2) + 0 <= 12' "$WORK/en-GB.csv" >"$WORK/late.csv"
awk -F'","' 'NR > 1 && substr($6, 1, 2) + 0 > 12 { print; exit }' "$WORK/en-GB.csv" \
    >>"$WORK/late.csv"
lines=$(wc -l <"$WORK/late.csv" | tr -d ' ')
expect_true "late.csv has its ambiguous rows ($lines lines)" test "$lines" -gt 500
same_report "decided by the last row = --date-order dmy" "$WORK/late.csv" "$WORK/late.csv" \
    --date-order dmy
report "$WORK/late.csv" >/dev/null
expect_json "the note names the last line" \
    ".inputs[0].date_order == \"dmy\" and .inputs[0].date_order_from == \"data\"
     and .inputs[0].date_order_line == $lines
     and (.notes | any(test(\"read day first: .* at line $lines is the first with a day above 12; the [0-9]+ ambiguous dates before it are read the same way\")))" \
    "$WORK/full.json"
for filter in 'since=2024-03-05T10:00:00Z,until=2024-03-09' 'since=2024-03-11,result=failed' \
    'since=2024-03-02'; do
    "$DRTRIAGE" --rows "$filter" "$WORK/late.csv" >"$WORK/rows-auto.csv"
    "$DRTRIAGE" --rows "$filter" --date-order dmy "$WORK/late.csv" >"$WORK/rows-given.csv"
    n=$(wc -l <"$WORK/rows-auto.csv" | tr -d ' ')
    if [ "$n" -gt 20 ] && cmp -s "$WORK/rows-auto.csv" "$WORK/rows-given.csv"; then pass; else
        fail "--rows $filter: held rows come out in their place ($n lines)" \
            "$(diff "$WORK/rows-auto.csv" "$WORK/rows-given.csv" | head -10)"
    fi
done
"$DRTRIAGE" --color=never $TIMED $GROUP "$WORK/late.csv" >"$WORK/auto.txt"
"$DRTRIAGE" --color=never $TIMED $GROUP --date-order dmy "$WORK/late.csv" >"$WORK/given.txt"
without_notes "$WORK/auto.txt" >"$WORK/auto-body.txt"
expect_true "text report: decided late = --date-order dmy, notes aside" \
    cmp -s "$WORK/auto-body.txt" "$WORK/given.txt"

# --- ambiguous from end to end ---
head -n $((lines - 1)) "$WORK/late.csv" >"$WORK/ambiguous.csv"
same_report "ambiguous to the end: read as --date-order dmy" "$WORK/ambiguous.csv" \
    "$WORK/ambiguous.csv" --date-order dmy
report "$WORK/ambiguous.csv" >/dev/null
expect_json "the note says what was assumed and how to override it" \
    '.inputs[0].date_order == "dmy" and .inputs[0].date_order_from == "assumed"
     and (.notes | any(test("dates in .*ambiguous.csv are ambiguous \\(every day and month 12 or less, e.g. .* at line 2\\): read day first, as en-GB and fr-FR exports write them; say --date-order mdy if this export was saved month first")))' \
    "$WORK/full.json"
report "$WORK/ambiguous.csv" --date-order mdy >"$WORK/mdy.json"
report "$WORK/ambiguous.csv" >"$WORK/dmy.json"
expect_true "--date-order mdy reads the same file otherwise" test -n "$(cmp "$WORK/mdy.json" "$WORK/dmy.json" 2>&1)"

# --- two inputs, two orders, one run ---
NO_STARTS='del(.inputs, .notes) | walk(if type == "object" and has("correlation") then del(.start) else . end)'
"$DRTRIAGE" --format json $TIMED "$WORK/en-US.csv" "$WORK/de-DE.csv" | jq "$NO_STARTS" \
    >"$WORK/two.json"
"$DRTRIAGE" --format json $TIMED "$WORK/iso.csv" "$WORK/iso.csv" | jq "$NO_STARTS" \
    >"$WORK/two-iso.json"
expect_true "en-US and de-DE in one run read as their ISO twins" \
    cmp -s "$WORK/two.json" "$WORK/two-iso.json"
run "$DRTRIAGE" --format json $TIMED "$WORK/en-US.csv" "$WORK/de-DE.csv"
expect_json "each input has its own order" \
    '[.inputs[].date_order] == ["mdy", "dmy"]' "$WORK/out"

# --- --date-order contradicted by the data ---
run "$DRTRIAGE" --format json --by day --date-order mdy "$WORK/en-GB.csv"
expect_status "--date-order mdy on an en-GB file" 0
expect_json "days above 12 cannot be month first: undated and counted" \
    '.inputs[0].date_conflicts > 0 and .inputs[0].date_conflicts == .undated_in_series
     and (.notes | any(test("cannot be read month first \\(--date-order mdy\\)")))' "$WORK/out"

run "$DRTRIAGE" --date-order ydm "$WORK/iso.csv"
expect_status "--date-order ydm" 2
expect_stderr "--date-order ydm" "--date-order 'ydm': expected dmy, mdy or ymd"

# --- holding rows back: bounded memory, a temporary file that must work ---
big=$WORK/big-ambiguous.csv
"$GEN" --family graph --rows 100000 --seed 9 --culture en-GB |
    awk -F'","' 'NR == 1 || substr($6, 1, 2) + 0 <= 12' >"$big"
if [ "${SANITIZE:-}" != 1 ]; then
    rm -f "$WORK/rss"
    "$MEASURE" "$WORK/rss" -- "$DRTRIAGE" --format json --by day "$big" 2>/dev/null
    kib=$(sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p' "$WORK/rss")
    echo "dates: $(wc -c <"$big" | tr -d ' ') bytes held to the end: peak RSS $kib KiB"
    if [ -n "$kib" ] && [ "$kib" -le 16384 ]; then pass; else
        fail "every row held: peak RSS ${kib:-?} KiB, limit 16384 KiB"
    fi
fi
run env TMPDIR=$WORK/no-such-dir "$DRTRIAGE" --by day "$WORK/ambiguous.csv"
expect_status "TMPDIR missing while rows must be held" 2
expect_stderr "TMPDIR missing" "cannot create the temporary file in $WORK/no-such-dir that holds rows until their dates can be read"
expect_true "no report on stdout" test ! -s "$WORK/out"
run env TMPDIR=$WORK/no-such-dir "$DRTRIAGE" --by day "$WORK/iso.csv"
expect_status "TMPDIR is not needed when no row is held" 0

finish
