#!/bin/sh
# --rows keeps the report's promises (issue 8):
#   - memory is bounded however wide or long a row is: a data row past
#     16,384 fields or past the record cap (16 MiB, or twice --max-field) is
#     a rejected row with its own message, the other rows are written;
#   - exit 2 leaves no partial output: with -o never, on standard output
#     because the rows are held in a temporary file until the run succeeded;
#   - several inputs make one CSV only with one layout: the same columns, in
#     any order (written in the first input's order), else an error;
#   - to a terminal the cells are sanitised like the text report; to a file
#     or a pipe they are written as they were read.
# Peak memory is not checked under sanitizers (SANITIZE=1).
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

MEASURE=${MEASURE:-build/measure}
sanitized=false
[ "${SANITIZE:-}" = 1 ] && sanitized=true

H='CorrelationId,Final SIP code,Final Microsoft subcode,SBC FQDN'
good="$WORK/good.csv"
printf '%s\n' "$H" 'a,403,560403,sbc1' 'b,0,540000,sbc1' 'c,503,560503,sbc2' >"$good"

# --- wide and long rows ---
awk -v h="$H" 'BEGIN { print h; print "a,403,560403,sbc1"
    printf "w,403,560403,sbc1"; for (i = 4; i < 16400; i++) printf ",x"; print ""
    print "c,503,560503,sbc2" }' >"$WORK/wide.csv"
run "$DRTRIAGE" --rows origin=sbc "$WORK/wide.csv"
expect_status "a row past 16384 fields" 0
expect_true "its neighbours are written" test "$(wc -l <"$WORK/out")" -eq 3
expect_stdout "the too-wide row is not written" "c,503,560503,sbc2"
expect_stderr "the too-wide row is rejected with its own reason" \
    "wide.csv:3: field 16385 is past the most fields a row may have (16384)"
run "$DRTRIAGE" --format json "$WORK/wide.csv"
expect_json "a report counts it as rejected" '.totals.rejected == 1 and .totals.rows == 3' \
    "$WORK/out"

# 40 fields of 1 MiB: 40 MiB in one row, past the 16 MiB cap.
awk -v h="$H" 'BEGIN { print h; print "a,403,560403,sbc1"; s = "y"
    while (length(s) < 1048000) s = s s; printf "long,403,560403,sbc1"
    for (i = 0; i < 40; i++) printf ",%s", s; print ""; print "c,503,560503,sbc2" }' >"$WORK/long.csv"
rm -f "$WORK/rss"
"$MEASURE" "$WORK/rss" -- "$DRTRIAGE" --rows origin=sbc -o "$WORK/long-out.csv" "$WORK/long.csv" \
    2>"$WORK/err"
status=$?
expect_status "a 40 MiB row" 0
expect_stderr "it is rejected past the cap" "long.csv:3: field"
expect_stderr "the cap is named" "makes the row longer than one row may be (16 MiB"
expect_true "the others are written" test "$(wc -l <"$WORK/long-out.csv")" -eq 3
kib=$(sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p' "$WORK/rss")
echo "rows: a 40 MiB row under --rows: peak RSS ${kib} KiB"
$sanitized || expect_true "memory stays near the cap (peak ${kib} KiB)" test "${kib:-999999}" -lt 40960

# --- exit 2: nothing on standard output ---
awk -v h="$H" 'BEGIN { print h; for (i = 0; i < 5000; i++) print "r" i ",403,560403,sbc1"
    print "bad,4x3,560403,sbc1" }' >"$WORK/late-bad.csv"
run "$DRTRIAGE" --strict --rows origin=sbc "$WORK/late-bad.csv"
expect_status "--strict, a bad row late" 2
expect_true "--strict: nothing written to stdout" test ! -s "$WORK/out"
run "$DRTRIAGE" --rows origin=sbc "$good" "$WORK/no-such.csv"
expect_status "a missing second input" 2
expect_true "missing input: nothing written to stdout" test ! -s "$WORK/out"
run "$DRTRIAGE" --strict --rows origin=sbc "$WORK/wide.csv"
expect_status "--strict, a too-wide row" 2
expect_stderr "--strict names the too-wide row" "wide.csv:3: rejected row (--strict): field 16385"
expect_true "too-wide under --strict: nothing written" test ! -s "$WORK/out"
printf 'old\n' >"$WORK/kept.csv"
run "$DRTRIAGE" --strict --rows origin=sbc -o "$WORK/kept.csv" "$WORK/late-bad.csv"
expect_status "--strict with -o" 2
expect_true "-o: the old file is untouched" test "$(cat "$WORK/kept.csv")" = old

# --- several inputs ---
printf '%s\n' 'SBC FQDN,Final Microsoft subcode,CorrelationId,Final SIP code' \
    'sbc3,560486,d,486' 'sbc3,540000,e,0' >"$WORK/reordered.csv"
run "$DRTRIAGE" --rows result=failed "$good" "$WORK/reordered.csv"
expect_status "two inputs, one layout in two orders" 0
expect_true "one header line" test "$(grep -c '^CorrelationId,' "$WORK/out")" -eq 1
expect_stdout "rows of the second input in the first input's column order" "d,486,560486,sbc3"
printf '%s\n' 'CorrelationId,Final SIP code,Final Microsoft subcode,Trunk' 'f,403,560403,x' \
    >"$WORK/other.csv"
run "$DRTRIAGE" --rows result=failed "$good" "$WORK/other.csv"
expect_status "two layouts" 2
expect_stderr "the differing columns are named" \
    "other.csv:1: --rows writes one CSV, and this input's columns differ from the first input's (missing 'SBC FQDN'; not in the first: 'Trunk')"
expect_true "two layouts: nothing written" test ! -s "$WORK/out"
wide=$(i=1; while [ $i -le 40 ]; do printf 'Some rather long column name %s,' $i; i=$((i + 1)); done)
printf '%s\n' "${wide}Final SIP code,Final Microsoft subcode" "$(printf '%0.s,' $(seq 40))403,560403" \
    >"$WORK/wide.csv"
run "$DRTRIAGE" --rows result=failed "$WORK/wide.csv" "$good"
expect_status "two layouts, many columns" 2
expect_stderr "a list too long for the message ends in '...'" \
    "missing 'Some rather long column name 1', 'Some rather long column name 2', "
if grep -q "\.\.\.; not in the first: 'CorrelationId'" "$WORK/err"; then pass; else
    fail "the list is cut between names, with '...'" "$(cat "$WORK/err")"
fi

# --- terminal or not ---
printf '%s\n' "$H" "$(printf 'esc\033[31mred,403,560403,sbc\342\200\256x')" >"$WORK/hostile.csv"
run "$DRTRIAGE" --rows origin=sbc "$WORK/hostile.csv"
expect_true "to a pipe: the cells as they were" grep -q "$(printf '\033')\\[31m" "$WORK/out"
run script -qec "'$DRTRIAGE' --rows origin=sbc '$WORK/hostile.csv'" /dev/null
expect_status "to a terminal" 0
expect_true "to a terminal: no escape sequence" sh -c "! grep -q '$(printf '\033')\\[31m' '$WORK/out'"
expect_true "to a terminal: no bidi control" sh -c "! grep -q '$(printf '\342\200\256')' '$WORK/out'"
expect_stdout "to a terminal: the text stays" "escred,403,560403,sbcx"

finish
