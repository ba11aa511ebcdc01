#!/bin/sh
# tests/store.sh - the history store end to end: drtriage ingest, report --db,
# history and --version on generated nightly exports (scripts/gen-history):
# repeated, consecutive, nested and partial-hour windows count each call once
# whatever the order, a store killed with SIGKILL mid-ingest is intact and as
# it was or as it would be, every report format, filter and gate works from
# the store, each key is classified with its export's family (an ACS export's
# report --db is its file's report), and a store of schema version 2
# (tests/store/v2.sql) is upgraded in place. Run by `make check` (needs
# sqlite3 for the integrity check and the older store).
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh
command -v sqlite3 >/dev/null || { fail "sqlite3 is missing (scripts/install-deps --test)"; finish; exit; }

CACHE=${HISTORY_CACHE:-build/history-cache}
hist() { DRTRIAGE=$DRTRIAGE scripts/gen-history --cache "$CACHE" --start 2026-10-01 "$@"; }
db() { printf '%s/%s.db' "$WORK" "$1"; }
# history JSON of a store, for jq
history_json() { "$DRTRIAGE" history --db "$1" --format json; }
# the parts of a report that must not depend on how the calls were stored
REPORT_CORE='{totals: (.totals | del(.rows, .call_rows)), by_origin, by_code, by_action, by_sbc, by_time}'
same_report() { # DESC A.json B.json
    jq -S "$REPORT_CORE" "$2" >"$WORK/core-a"
    jq -S "$REPORT_CORE" "$3" >"$WORK/core-b"
    if cmp -s "$WORK/core-a" "$WORK/core-b"; then pass; else
        fail "$1" "$(diff "$WORK/core-a" "$WORK/core-b" | head -20)"
    fi
}

hist -o "$WORK/d1" --days 21 --per-day 1000 --window 1
hist -o "$WORK/d7" --days 21 --per-day 1000 --window 7
expect_true "gen-history wrote 21 nightly files" test "$(ls "$WORK/d1" | wc -l)" -eq 21
day() { printf '%s/d1/DirectRouting-%s.csv' "$WORK" "$1"; }
week() { printf '%s/d7/DirectRouting-%s.csv' "$WORK" "$1"; }

# --- usage ---
run "$DRTRIAGE" ingest "$(day 2026-10-01)"
expect_status "ingest without --db" 2
expect_stderr "ingest without --db says so" "--db FILE is required"
run "$DRTRIAGE" ingest --db "$(db u)"
expect_status "ingest without exports" 2
run "$DRTRIAGE" history
expect_status "history without --db" 2
run "$DRTRIAGE" trend
expect_status "trend without --db" 2
run "$DRTRIAGE" history --db "$(db missing)"
expect_status "history of a missing store" 2
expect_stderr "a missing store is named" "no such store"
expect_true "reading never creates a store" test ! -e "$(db missing)"
run "$DRTRIAGE" ingest --db "$(db u)" "$WORK/no-such.csv"
expect_status "ingest of a missing export" 2
expect_stderr "the ingest names the missing export" "no-such.csv"
expect_stderr "and says nothing was recorded" "nothing was recorded"

# --- a summarised CQD export: its rows, the calls they stand for, a non-PSTN row ---
printf '%s\n' 'PSTN Call End Reason,PSTN Call End Sub Reason,PSTN Trunk FQDN,PSTN Event Info Time,Total Call Count' \
    '487,540487,sbc1,2020-02-06 20:57:53.1750000,3' '403,560403,sbc1,2020-02-07 20:57:53.1750000,2' \
    ',,,,50' '403,560403,sbc1,,7' >"$WORK/cqd-summary.csv"
run "$DRTRIAGE" ingest --db "$(db cqd)" "$WORK/cqd-summary.csv"
expect_status "ingest of a summarised export" 0
expect_stdout "its rows add up: call rows, rejected, the non-PSTN row" \
    "4 rows = 3 call rows + 0 rejected + 1 excluded (non-PSTN streams)"
expect_stdout "and the calls its rows stand for: stored, without a start time" \
    "12 calls = 5 stored + 7 without a start time (not stored)"

# --- one night, then the same again ---
run "$DRTRIAGE" ingest --db "$(db one)" "$(day 2026-10-01)"
expect_status "ingest creates the store" 0
expect_stdout "ingest accounts for every row" "rows = "
expect_stdout "ingest says what it did to the hours" "24 added"
history_json "$(db one)" >"$WORK/h1.json"
run "$DRTRIAGE" ingest --db "$(db one)" "$(day 2026-10-01)"
expect_status "ingesting the same export again" 0
expect_stdout "the same export again is recognised" "already ingested"
expect_stdout "and nothing changed" "nothing changed"
cp "$(day 2026-10-01)" "$WORK/renamed.csv"
run "$DRTRIAGE" ingest --db "$(db one)" "$WORK/renamed.csv"
expect_stdout "the same content under another name is recognised" "already ingested"
cat "$(day 2026-10-01)" | "$DRTRIAGE" ingest --db "$(db one)" - >"$WORK/out" 2>&1
expect_true "the same content from standard input is recognised" grep -q "already ingested" "$WORK/out"
history_json "$(db one)" >"$WORK/h2.json"
if [ "$(jq -S 'del(.ingests[].ingested)' "$WORK/h1.json")" = "$(jq -S 'del(.ingests[].ingested)' "$WORK/h2.json")" ]; then
    pass
else
    fail "repeated ingests changed the store"
fi

# --- archives: read through the same sources as a report; skipped members recorded ---
GEN_ARCHIVE=${GEN_ARCHIVE:-build/gen-archive}
zip=$WORK/Calls.Export.zip
"$GEN_ARCHIVE" zip "$zip" "DirectRouting-2026-10-01.csv=$(day 2026-10-01)" \
    "parameters.json=tests/cases/archive/parameters.json"
"$GEN_ARCHIVE" gz "$WORK/night.csv.gz" "x=$(day 2026-10-02)"
run "$DRTRIAGE" ingest --db "$(db arch)" "$zip" "$WORK/night.csv.gz"
expect_status "ingest of a zip and a gzipped export" 0
expect_stdout "the zip's member that holds no calls is counted" "1 input skipped"
expect_stderr "and named" "Calls.Export.zip:parameters.json: skipped"
history_json "$(db arch)" >"$WORK/arch.json"
expect_json "history records the skipped member, its kind and why" \
    ".ingests[0].skipped == [{\"path\": \"$zip:parameters.json\", \"kind\": \"parameters\",
      \"reason\": \"export parameters of the Teams admin center download, not call records\"}]
     and .ingests[1].skipped == []" "$WORK/arch.json"
run "$DRTRIAGE" history --db "$(db arch)"
expect_stdout "history's text names the skipped member" "skipped $zip:parameters.json: export parameters"
"$DRTRIAGE" ingest -q --db "$(db plain)" "$(day 2026-10-01)" "$(day 2026-10-02)"
"$DRTRIAGE" --db "$(db arch)" --format json >"$WORK/arch-report.json"
"$DRTRIAGE" --db "$(db plain)" --format json >"$WORK/plain-report.json"
same_report "an archived export stores what the plain file does" "$WORK/arch-report.json" \
    "$WORK/plain-report.json"
run "$DRTRIAGE" ingest --db "$(db arch)" "$zip"
expect_stdout "the same archive again is recognised" "already ingested"
run sh -c "'$DRTRIAGE' ingest --db '$(db arch)' - <'$WORK/night.csv.gz'"
expect_stdout "a compressed export from standard input is recognised" "already ingested"
run sh -c "'$DRTRIAGE' ingest --db '$(db plain)' - <'$WORK/night.csv.gz'"
expect_stdout "and so is its plain text ingested before" "already ingested"
run sh -c "'$DRTRIAGE' ingest --db '$(db arch)' - <'$zip'"
expect_status "the archive from standard input" 0
expect_stdout "its hours are all kept: nothing counted twice" "0 added, 0 replaced (more calls), 0 merged"
history_json "$(db arch)" >"$WORK/arch2.json"
calls=$(history_json "$(db plain)" | jq .calls)
expect_json "and the store's calls are unchanged" ".calls == $calls and .ingests[2].name == \"-\"" \
    "$WORK/arch2.json"

# --- consecutive 7-day windows, nested and repeated exports: each call once ---
"$DRTRIAGE" ingest -q --db "$(db days)" "$WORK"/d1/*.csv
run "$DRTRIAGE" ingest --db "$(db weeks)" "$WORK"/d7/*.csv
expect_status "ingest of 21 overlapping 7-day windows" 0
history_json "$(db weeks)" >"$WORK/weeks-history.json"
expect_json "overlapping windows keep the hours already stored" \
    '[.ingests[].hours.kept] | add > 0' "$WORK/weeks-history.json"
"$DRTRIAGE" --format json --by day "$WORK"/d1/*.csv >"$WORK/exports.json"
"$DRTRIAGE" --format json --by day --db "$(db weeks)" >"$WORK/weeks.json"
"$DRTRIAGE" --format json --by day --db "$(db days)" >"$WORK/days.json"
same_report "7-day windows: the store's report is the exports' report" "$WORK/exports.json" "$WORK/weeks.json"
same_report "1-day exports: the store's report is the exports' report" "$WORK/exports.json" "$WORK/days.json"
# every stored key is a row standing for its calls (a summarised row)
expect_accounting "report --db" "$WORK/weeks.json"
run "$DRTRIAGE" ingest --db "$(db weeks)" "$(day 2026-10-09)" "$(week 2026-10-12)"
expect_stdout "a day nested in a stored week keeps the hours" "0 added, 0 replaced (more calls), 0 merged"
"$DRTRIAGE" --format json --by day --db "$(db weeks)" >"$WORK/weeks2.json"
same_report "nested and repeated exports change nothing" "$WORK/exports.json" "$WORK/weeks2.json"

# the same windows the other way round
ls -r "$WORK"/d7/*.csv | xargs "$DRTRIAGE" ingest -q --db "$(db reversed)"
"$DRTRIAGE" --format json --by day --db "$(db reversed)" >"$WORK/reversed.json"
same_report "the order of the exports does not matter" "$WORK/exports.json" "$WORK/reversed.json"

# --- downloads that meet inside an hour ---
d=$(day 2026-10-05)
"$DRTRIAGE" --rows 'until=2026-10-05T10:30:00Z' "$d" >"$WORK/part-a.csv"
"$DRTRIAGE" --rows 'since=2026-10-05T10:30:00Z' "$d" >"$WORK/part-b.csv"
"$DRTRIAGE" --rows 'since=2026-10-05T10:10:00Z,until=2026-10-05T10:50:00Z' "$d" >"$WORK/part-c.csv"
run "$DRTRIAGE" ingest --db "$(db parts)" "$WORK/part-a.csv" "$WORK/part-b.csv" "$WORK/part-c.csv"
expect_stdout "two downloads meeting inside an hour add up there" "1 merged"
"$DRTRIAGE" --format json --by hour "$d" >"$WORK/day.json"
"$DRTRIAGE" --format json --by hour --db "$(db parts)" >"$WORK/parts.json"
same_report "parts of an hour: the day's calls once" "$WORK/day.json" "$WORK/parts.json"
"$DRTRIAGE" --rows 'until=2026-10-05T10:40:00Z' "$d" >"$WORK/part-e.csv"
"$DRTRIAGE" --rows 'since=2026-10-05T10:20:00Z' "$d" >"$WORK/part-f.csv"
run "$DRTRIAGE" ingest --db "$(db uncertain)" "$WORK/part-e.csv" "$WORK/part-f.csv"
expect_status "an ingest with an uncertain hour still succeeds" 0
expect_stderr "an hour two exports each cover only in part is warned about" "each cover a part of the hour"

# --- export families: each key keeps its export's family, whose origin rules apply ---
# In ACS exports a 540xxx code means the SBC generated the response; elsewhere Microsoft did.
build/gen-export --family acs --rows 1500 --days 3 --seed 21 --start 2026-10-20 -o "$WORK/acs.csv"
"$DRTRIAGE" --format json "$WORK/acs.csv" >"$WORK/acs-file.json"
expect_json "the ACS export has 540xxx faults the SBC generated" \
    '[.by_code[] | select(.ms > 540000 and .ms < 541000 and .origin == "sbc")] | length > 0' \
    "$WORK/acs-file.json"
"$DRTRIAGE" ingest -q --db "$(db acs)" "$WORK/acs.csv"
"$DRTRIAGE" --db "$(db acs)" --format json >"$WORK/acs-db.json"
same_report "ACS: report --db classifies as the file's report does" "$WORK/acs-file.json" \
    "$WORK/acs-db.json"
expect_json "ACS: report --db has the file's origins and actions" \
    "$(jq -c '{by_origin, by_action}' "$WORK/acs-file.json") == {by_origin, by_action}" \
    "$WORK/acs-db.json"
"$DRTRIAGE" --format json --since 2026-10-22 --until 2026-10-23 "$WORK/acs.csv" >"$WORK/acs-day.json"
"$DRTRIAGE" trend --db "$(db acs)" --days 1 --baseline 2 --format json >"$WORK/acs-trend.json"
expect_json "ACS: the trend's window is classified as the file's report of that day" \
    "$(jq -c '{by_origin, by_action, by_code}' "$WORK/acs-day.json") == {by_origin, by_action, by_code}" \
    "$WORK/acs-trend.json"
# one hour holding views of an ACS and a Teams admin center export, added up
build/gen-export --family tac --rows 1000 --days 1 --seed 22 --start 2026-10-20 -o "$WORK/tac.csv"
"$DRTRIAGE" --rows 'until=2026-10-20T10:30:00Z' "$WORK/acs.csv" >"$WORK/mix-acs.csv"
"$DRTRIAGE" --rows 'since=2026-10-20T10:30:00Z,until=2026-10-21T00:00:00Z' "$WORK/tac.csv" \
    >"$WORK/mix-tac.csv"
run "$DRTRIAGE" ingest --db "$(db mix)" "$WORK/mix-acs.csv" "$WORK/mix-tac.csv"
expect_stdout "an ACS and a TAC view of one hour are merged" "1 merged"
"$DRTRIAGE" --format json "$WORK/mix-acs.csv" "$WORK/mix-tac.csv" >"$WORK/mix-file.json"
"$DRTRIAGE" --db "$(db mix)" --format json >"$WORK/mix-db.json"
same_report "a merged hour keeps each export's family" "$WORK/mix-file.json" "$WORK/mix-db.json"
"$DRTRIAGE" history --db "$(db mix)" --prune 2026-10-20T10:00:00Z >/dev/null 2>&1
"$DRTRIAGE" --rows 'since=2026-10-20T10:00:00Z' "$WORK/mix-acs.csv" >"$WORK/mix-acs-late.csv"
"$DRTRIAGE" --format json "$WORK/mix-acs-late.csv" "$WORK/mix-tac.csv" >"$WORK/mix-file-pruned.json"
"$DRTRIAGE" --db "$(db mix)" --format json >"$WORK/mix-db-pruned.json"
expect_json "after --prune the hours left keep their families" \
    "$(jq -c '{calls: .totals.calls, by_origin, by_action, by_code}' "$WORK/mix-file-pruned.json") ==
     {calls: .totals.calls, by_origin, by_action, by_code}" "$WORK/mix-db-pruned.json"

# a store of schema version 2 (tests/store/v2.sql, written by the drtriage before version 3):
# upgraded in place, its keys take their hour's export family and keep their counts
V2=$(db v2)
sqlite3 "$V2" <tests/store/v2.sql
keys_v2=$(sqlite3 "$V2" 'SELECT count(*), sum(calls), sum(talk_seconds) FROM counts')
run "$DRTRIAGE" history --db "$V2" --format json
expect_status "a version 2 store opens" 0
expect_json "and is upgraded to the current schema" '.schema_version == 3' "$WORK/out"
expect_true "the upgraded store passes SQLite's integrity check" \
    test "$(sqlite3 "$V2" 'PRAGMA integrity_check')" = ok
expect_true "the upgraded store is compacted: the old table's pages are not left free" \
    test "$(sqlite3 "$V2" 'PRAGMA freelist_count')" -eq 0
expect_true "and has incremental auto-vacuum, which version 2 stores lacked" \
    test "$(sqlite3 "$V2" 'PRAGMA auto_vacuum')" -eq 2
expect_true "the upgrade keeps every key and its counts" \
    test "$(sqlite3 "$V2" 'SELECT count(*), sum(calls), sum(talk_seconds) FROM counts')" = "$keys_v2"
expect_true "each key takes the family of the export whose view its hour holds" \
    test "$(sqlite3 "$V2" "SELECT group_concat(pair, ' ') FROM (SELECT DISTINCT
        i.family || '=' || c.family AS pair FROM counts c JOIN hours h USING (hour)
        JOIN ingests i ON i.id = h.ingest ORDER BY pair)")" = "acs=4 tac=1"
"$DRTRIAGE" --format json tests/store/v2-tac.csv >"$WORK/v2-tac-file.json"
"$DRTRIAGE" --db "$V2" --format json --until 2026-11-03 >"$WORK/v2-tac-db.json"
same_report "the upgraded store reports the TAC export as before" "$WORK/v2-tac-file.json" \
    "$WORK/v2-tac-db.json"
"$DRTRIAGE" --format json tests/store/v2-acs.csv >"$WORK/v2-acs-file.json"
"$DRTRIAGE" --db "$V2" --format json --since 2026-11-03 >"$WORK/v2-acs-db.json"
same_report "and the ACS export with its family's origins" "$WORK/v2-acs-file.json" \
    "$WORK/v2-acs-db.json"
run "$DRTRIAGE" ingest --db "$V2" tests/store/v2-tac.csv
expect_stdout "the upgraded store knows its exports" "already ingested"

# --- report --db: formats, filters, gates, and what it cannot answer ---
W=$(db weeks)
run "$DRTRIAGE" --db "$W" --since 2026-10-03 --until 2026-10-10 --sbc 'sbc1*' --direction out \
    --format json
expect_status "report --db with filters" 0
cp "$WORK/out" "$WORK/filtered.json"
"$DRTRIAGE" --since 2026-10-03 --until 2026-10-10 --sbc 'sbc1*' --direction out --format json \
    "$WORK"/d1/*.csv >"$WORK/filtered-exports.json"
if [ "$(jq .totals.calls "$WORK/filtered.json")" = "$(jq .totals.calls "$WORK/filtered-exports.json")" ] &&
    [ "$(jq -S .by_code "$WORK/filtered.json")" = "$(jq -S .by_code "$WORK/filtered-exports.json")" ]; then
    pass
else
    fail "report --db with filters counts what the exports count"
fi
expect_json "filters left calls out" '.totals.excluded > 0' "$WORK/filtered.json"
expect_accounting "report --db with filters" "$WORK/filtered.json"
run "$DRTRIAGE" --db "$W" -o "$WORK/r.html" -o "$WORK/r.xlsx" -o "$WORK/r.md" -o "$WORK/r.csv" \
    -o "$WORK/r.prom" -o "$WORK/r.txt"
expect_status "report --db in every format" 0
for f in r.html r.xlsx r.md r.csv r.prom r.txt; do
    expect_true "report --db wrote $f" test -s "$WORK/$f"
done
run "$DRTRIAGE" --db "$W" --fail-if 'sbc>0.5%'
expect_status "a gate on the store's report breaches" 1
expect_stderr "the breach is named" "sbc>0.5%"
for bad in "--call-type dr_in" "--group-by UPN" "--samples 3" "--rows origin=sbc" "--strict" \
    "--date-order dmy" "--since 2026-10-03T10:30:00Z" "--concurrency" \
    "--max-concurrent sbc1.contoso.com=10"; do
    # shellcheck disable=SC2086 # split on purpose
    run "$DRTRIAGE" --db "$W" $bad
    expect_status "report --db $bad is a usage error" 2
done
run "$DRTRIAGE" --db "$W" --sbc 'no-such-sbc*'
expect_status "report --db whose filters match nothing" 1
expect_stderr "names the filter and the SBCs the store has" "the SBCs in the input: sbc"
run "$DRTRIAGE" --db "$W" "$(day 2026-10-01)"
expect_status "report --db with an export" 2
expect_stderr "report --db names what it refuses" "no FILE operands"

# --- history: what was ingested, gaps, pruning ---
hist -o "$WORK/gap" --days 10 --per-day 1000 --missing 2026-10-04 --missing 2026-10-05
"$DRTRIAGE" --rows 'until=2026-10-07T12:00:00Z' "$WORK/gap/DirectRouting-2026-10-07.csv" \
    >"$WORK/half.csv"
rm "$WORK/gap/DirectRouting-2026-10-07.csv"
"$DRTRIAGE" ingest -q --db "$(db gap)" "$WORK"/gap/*.csv
run "$DRTRIAGE" history --db "$(db gap)"
expect_status "history" 0
expect_stdout "history lists the exports" "DirectRouting-2026-10-01.csv"
expect_stdout "history lists missing days" "2026-10-04 to 2026-10-05 (2 days)"
history_json "$(db gap)" >"$WORK/gap.json"
expect_json "history JSON: 7 exports" '.ingests | length == 7' "$WORK/gap.json"
expect_json "history JSON: the missing days" \
    '.missing_days == [{"from": "2026-10-04", "to": "2026-10-05", "days": 2},
                       {"from": "2026-10-07", "to": "2026-10-07", "days": 1}]' "$WORK/gap.json"
expect_json "history JSON: every ingest's rows add up" \
    'all(.ingests[]; .rows == .calls + .rejected + .undated)' "$WORK/gap.json"
"$DRTRIAGE" ingest -q --db "$(db gap)" "$WORK/half.csv"
history_json "$(db gap)" >"$WORK/gap2.json"
expect_json "a half day is listed as partly covered" \
    '.partial_days == [{"from": "2026-10-07", "to": "2026-10-07", "hours": 12}]' "$WORK/gap2.json"
expect_json "and is no longer missing" '.missing_days | length == 1' "$WORK/gap2.json"
pages_before=$(sqlite3 "$(db gap)" 'PRAGMA page_count')
expect_true "a new store has incremental auto-vacuum" \
    test "$(sqlite3 "$(db gap)" 'PRAGMA auto_vacuum')" -eq 2
run "$DRTRIAGE" history --db "$(db gap)" --prune 2026-10-03
expect_status "history --prune" 0
expect_stderr "prune says what it deleted" "pruned 48 hours"
expect_true "prune gives the pages back: none left free, fewer in all" \
    test "$(sqlite3 "$(db gap)" 'PRAGMA freelist_count')" -eq 0 -a \
         "$(sqlite3 "$(db gap)" 'PRAGMA page_count')" -lt "$pages_before"
history_json "$(db gap)" >"$WORK/pruned.json"
expect_json "pruned hours are gone, the exports stay listed" \
    '.first_hour == "2026-10-03T00:00:00Z" and (.ingests | length) == 8' "$WORK/pruned.json"
for bad in 2026-13-01 10x 2026-10-03T10:30:00Z ''; do
    run "$DRTRIAGE" history --db "$(db gap)" --prune "$bad"
    expect_status "history --prune '$bad' is a usage error" 2
done
run "$DRTRIAGE" history --db "$(db gap)" --prune 100000d
expect_status "history --prune in days" 0

# --- schema versions ---
cp "$(db one)" "$(db newer)"
sqlite3 "$(db newer)" 'PRAGMA user_version = 99'
run "$DRTRIAGE" history --db "$(db newer)"
expect_status "a store from a newer drtriage is refused" 2
expect_stderr "with a clear message" "written by a newer drtriage"
sqlite3 "$(db foreign)" 'CREATE TABLE t (x)'
run "$DRTRIAGE" ingest --db "$(db foreign)" "$(day 2026-10-01)"
expect_status "another program's database is refused" 2
expect_stderr "and named as such" "not a drtriage store"

# --- SIGKILL at random points of an ingest ---
"$DRTRIAGE" ingest -q --db "$(db kill)" "$(day 2026-10-01)"
before=$(history_json "$(db kill)" | jq .calls)
cat "$WORK"/d1/*.csv >"$WORK/all-days.csv"
build/gen-export --family tac --start 2026-10-01 --rows 400000 --seed 7 -o "$WORK/big.csv"
"$DRTRIAGE" ingest -q --db "$(db kill-after)" "$(day 2026-10-01)"
started=$(date +%s%N)
"$DRTRIAGE" ingest -q --db "$(db kill-after)" "$WORK/big.csv"
span_ms=$((($(date +%s%N) - started) / 1000000 * 6 / 5 + 1)) # kills land anywhere in 1.2 ingests
after=$(history_json "$(db kill-after)" | jq .calls)
seen_before=0 seen_after=0 intact=0
for round in 1 2 3 4 5 6 7 8 9 10 11 12; do
    cp "$(db kill)" "$(db victim)"
    "$DRTRIAGE" ingest -q --db "$(db victim)" "$WORK/big.csv" &
    pid=$!
    sleep "$(od -An -N4 -tu4 /dev/urandom | awk -v span="$span_ms" '{ printf "%.3f", ($1 % span) / 1000 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    calls=$(history_json "$(db victim)" | jq .calls)
    if command -v sqlite3 >/dev/null 2>&1 &&
        [ "$(sqlite3 "$(db victim)" 'PRAGMA integrity_check')" = ok ]; then
        intact=$((intact + 1))
    fi
    if [ "$calls" = "$before" ]; then
        seen_before=$((seen_before + 1))
    elif [ "$calls" = "$after" ]; then
        seen_after=$((seen_after + 1))
    else
        fail "killed ingest, round $round: $calls calls stored, not $before (before) or $after (after)"
    fi
done
echo "store.sh: killed ingests left the store as before $seen_before times, as after $seen_after times" >&2
expect_true "every killed store passed SQLite's integrity check ($intact of 12)" test "$intact" -eq 12
expect_true "every killed store held all or nothing of the ingest ($seen_before before, $seen_after after)" \
    test $((seen_before + seen_after)) -eq 12

# --- trend: every format ---
T=$(db days)
run "$DRTRIAGE" trend --db "$T" --days 7 --baseline 14 -o "$WORK/t.html" -o "$WORK/t.xlsx" \
    -o "$WORK/t.md" -o "$WORK/t.prom" -o "$WORK/t.json" -o "$WORK/t.txt" -o "$WORK/t-changes.csv" \
    --table changes
expect_status "trend in every format" 0
expect_true "trend HTML has the trend section" grep -q 'id="trend"' "$WORK/t.html"
expect_true "trend HTML charts the days" grep -q 'NER per day' "$WORK/t.html"
expect_true "trend Markdown has the days" grep -q '^## Trend' "$WORK/t.md"
expect_true "trend Markdown has the changes" grep -q '^## Changes against the baseline' "$WORK/t.md"
expect_true "trend CSV --table changes" grep -q '^kind,significant,action,ms,sip' "$WORK/t-changes.csv"
expect_true "trend Prometheus gauges" grep -q '^drtriage_trend_new_codes ' "$WORK/t.prom"
expect_json "trend JSON: 21 days, 7 of them the window" \
    '(.trend.days | length) == 21 and ([.trend.days[] | select(.window)] | length) == 7' "$WORK/t.json"
expect_json "trend JSON: the window's report is the window's calls" \
    '.totals.calls == .trend.window.calls' "$WORK/t.json"
expect_accounting "trend" "$WORK/t.json"
if command -v python3 >/dev/null 2>&1 && python3 -c 'import openpyxl' 2>/dev/null; then
    sheets=$(python3 -c 'import sys, openpyxl; print(",".join(openpyxl.load_workbook(sys.argv[1]).sheetnames))' "$WORK/t.xlsx")
    expect_true "trend workbook has the trend sheets ($sheets)" \
        test "${sheets#*Trend by day,Changes}" != "$sheets"
fi
if command -v promtool >/dev/null 2>&1; then
    run promtool check metrics <"$WORK/t.prom"
    expect_status "promtool accepts the trend's metrics" 0
fi
run "$DRTRIAGE" trend --db "$T" --days 0
expect_status "trend --days 0" 2
run "$DRTRIAGE" trend --db "$T" --until 2026-10-10T05:00:00Z
expect_status "trend --until inside a day" 2
run "$DRTRIAGE" trend --db "$T" --fail-if 'ner-drop>5%'
expect_status "ner-drop is in points" 2
run "$DRTRIAGE" --db "$T" --fail-if 'new-codes>0'
expect_status "a trend gate on a report" 2
expect_stderr "a trend gate on a report says where it belongs" "judges a trend"
run "$DRTRIAGE" --db "$T" -j2
expect_status "report --db refuses -j" 2
expect_stderr "report --db names -j as an option of exports" "--db: --jobs applies to exports"
run "$DRTRIAGE" merge --fail-if 'missing-days>0' -
expect_status "a trend gate on a merge" 2
expect_stderr "a trend gate on a merge says where it belongs" "judges a trend"
run "$DRTRIAGE" trend --db "$T" --table changes --format csv
expect_status "trend --table changes" 0
expect_true "the changes table has its header" grep -q '^kind,significant,action' "$WORK/out"
run "$DRTRIAGE" trend --db "$T" --table nosuch
expect_stderr "trend's --table names the trend's tables" "trend or changes"

# --- --version ---
run "$DRTRIAGE" --version
expect_status "--version" 0
for want in "drtriage " "rules built-in, digest " "libcsv " "PCRE2 " "SQLite " "libxlsxwriter "; do
    expect_stdout "--version names $want" "$want"
done

finish
