#!/bin/sh
# Archives and compressed files on the command line: standard input, several
# archives in one report, --rows and --strict through members, options that
# apply to every member, and the files an admin center download carries next
# to the export. Archives are written at test time by build/gen-archive.
# Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

GEN_ARCHIVE=${GEN_ARCHIVE:-build/gen-archive}
c=tests/cases/archive
DR=$c/DirectRouting.calls.2026-11-01.csv
DR25=$c/Export.directrouting.2025.csv
zip=$WORK/Calls.Export.1.zip
"$GEN_ARCHIVE" zip "$zip" "DirectRouting.calls.2026-11-01.csv=$DR" \
    "PSTN.calls.2026-11-01.csv=$c/PSTN.calls.2026-11-01.csv" "parameters.json=$c/parameters.json"
"$GEN_ARCHIVE" gz "$WORK/day2.csv.gz" "x=$DR25"

# --- standard input: the same report as the file, members named <stdin>:MEMBER ---
run "$DRTRIAGE" --format json "$zip"
expect_status "zip from a file" 0
jq -S 'del(.inputs[].path, .rejected_rows[].path, .skipped[].path, .notes)' "$WORK/out" >"$WORK/want.json"
run sh -c "cat '$zip' | '$DRTRIAGE' --format json -"
expect_status "zip from a pipe" 0
expect_json "members of stdin" '.inputs[0].path == "<stdin>:DirectRouting.calls.2026-11-01.csv"
    and .rejected_rows[0].path == "<stdin>:DirectRouting.calls.2026-11-01.csv"
    and [.skipped[].path] == ["<stdin>:PSTN.calls.2026-11-01.csv", "<stdin>:parameters.json"]' \
    "$WORK/out"
jq -S 'del(.inputs[].path, .rejected_rows[].path, .skipped[].path, .notes)' "$WORK/out" >"$WORK/got.json"
expect_true "zip: stdin report equals the file's" cmp -s "$WORK/want.json" "$WORK/got.json"
run sh -c "'$DRTRIAGE' --format json - <'$WORK/day2.csv.gz'"
expect_status "gz from stdin" 0
expect_json "a compressed stream from stdin is <stdin>" \
    '[.inputs[] | {path, family, rows}] == [{"path": "<stdin>", "family": "tac", "rows": 3}]' \
    "$WORK/out"
expect_true "gz from stdin: nothing to warn about" test ! -s "$WORK/err"

# --- several archives and a plain file make one report ---
run "$DRTRIAGE" --format json "$zip" "$WORK/day2.csv.gz" "$DR25"
expect_status "zip + gz + csv" 0
expect_accounting "zip + gz + csv" "$WORK/out"
expect_json "three inputs in order" \
    "[.inputs[].path] == [\"$zip:DirectRouting.calls.2026-11-01.csv\", \"$WORK/day2.csv.gz\", \"$DR25\"]
     and .totals.rows == 14 and (.skipped | length) == 2" "$WORK/out"
expect_stderr "warning names member and line" \
    "$zip:DirectRouting.calls.2026-11-01.csv:8: SIP code '4O4' is not a whole number"

# --- --strict and --rows go through members ---
run "$DRTRIAGE" --strict "$zip"
expect_status "--strict" 2
expect_stderr "--strict names member and line" \
    "$zip:DirectRouting.calls.2026-11-01.csv:8: rejected row (--strict)"
run "$DRTRIAGE" --rows 'origin=sbc' "$zip"
expect_status "--rows" 0
expect_true "--rows: header and the two SBC failures" test "$(wc -l <"$WORK/out")" -eq 3
expect_stdout "--rows: a row of the member" "560503,Service Unavailable"

# --- options apply to each member; a member lacking a --group-by column is an error ---
run "$DRTRIAGE" --format json --sip-column 'Final SIP code' --ms-column 'Final Microsoft subcode' "$zip"
expect_status "overrides: the PSTN.calls member is still skipped" 0
expect_json "overrides" '(.skipped | length) == 2 and .totals.rows == 8' "$WORK/out"
run "$DRTRIAGE" --group-by 'Call Direction' "$zip"
expect_status "--group-by a column the member lacks" 2
expect_stderr "--group-by names the member" \
    "$zip:DirectRouting.calls.2026-11-01.csv:1: --group-by column 'Call Direction' is not in the header"

# --- a Graph response saved as JSON: an input error on its own, skipped in an archive ---
printf '{"value":[{"finalSipCode":403,"callEndSubReason":560403}]}\n' >"$WORK/calls.json"
run "$DRTRIAGE" "$WORK/calls.json"
expect_status "a JSON file on its own" 2
expect_stderr "is named as JSON, with how to make the CSV" "calls.json:1: the file is JSON, not CSV"
"$GEN_ARCHIVE" zip "$WORK/json.zip" "DirectRouting.calls.2026-11-01.csv=$DR" "calls.json=$WORK/calls.json"
run "$DRTRIAGE" --format json "$WORK/json.zip"
expect_status "a JSON member beside the export" 0
expect_json "the JSON member is skipped as json" \
    '[.skipped[] | select(.path | endswith(":calls.json")) | .kind] == ["json"]' "$WORK/out"

# --- an Excel workbook (the export saved as .xlsx) is named as one, with the way to a CSV ---
"$DRTRIAGE" -o "$WORK/saved.xlsx" "$DR" >/dev/null 2>&1
run "$DRTRIAGE" "$WORK/saved.xlsx"
expect_status "an .xlsx workbook" 2
expect_stderr "is named as a workbook" "saved.xlsx: an Excel workbook (.xlsx) or other Office document, not CSV"
run sh -c "'$DRTRIAGE' - <'$WORK/saved.xlsx'"
expect_stderr "from standard input too" "<stdin>: an Excel workbook (.xlsx)"

# --- many files without call records: the message sums them up by kind, never cut off ---
printf 'Name,Value\nx,1\n' >"$WORK/other.csv"
set --
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    set -- "$@" "some/longer/folder/name/other-file-$i.csv=$WORK/other.csv"
done
"$GEN_ARCHIVE" zip "$WORK/others.zip" "$@" "notes.txt=$WORK/calls.json"
run "$DRTRIAGE" "$WORK/others.zip"
expect_status "an archive of 21 files without call records" 2
expect_stderr "counts them by kind" "no call records in any input: 20 inputs skipped (unrecognised), e.g."
expect_stderr "and names the other kind" "others.zip:notes.txt (JSON, not CSV text)"

# --- nothing but files without call records ---
"$GEN_ARCHIVE" zip "$WORK/cp.zip" "PSTN.calls.2026-11-01.csv=$c/PSTN.calls.2026-11-01.csv" \
    "parameters.json=$c/parameters.json"
run sh -c "'$DRTRIAGE' - <'$WORK/cp.zip'"
expect_status "a Calling Plans download" 2
expect_stderr "no call records, each file with its reason" \
    "no call records in any input: <stdin>:PSTN.calls.2026-11-01.csv (Calling Plans"
expect_true "no report" test ! -s "$WORK/out"
run "$DRTRIAGE" -o "$WORK/report.txt" "$WORK/cp.zip"
expect_status "-o with nothing to report" 2
expect_true "-o: no file left behind" test ! -e "$WORK/report.txt"

# --- bounds from standard input too ---
"$GEN_ARCHIVE" gz "$WORK/bomb.gz" "x=repeat:100000000:Final SIP code
"
run sh -c "'$DRTRIAGE' - <'$WORK/bomb.gz'"
expect_status "a bomb through stdin" 2
expect_stderr "a bomb through stdin" "<stdin>: expands to more than 100 times the size read"

# --- text report and --help ---
run "$DRTRIAGE" --color=never "$zip"
expect_stdout "text: the member as input" "tac        8         1  $zip:DirectRouting.calls.2026-11-01.csv"
expect_stdout "text: skipped in the notes" "$zip:PSTN.calls.2026-11-01.csv: skipped:"
run "$DRTRIAGE" --help
expect_stdout "--help names the archive formats" "A zip or tar archive, or a file compressed with gzip"

finish
