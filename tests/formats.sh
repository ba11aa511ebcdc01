#!/bin/sh
# The report formats (docs/formats.md), read back by real readers: Chromium
# for HTML (tests/browser/check_html.py), openpyxl for xlsx, cmark-gfm for
# Markdown, Python's csv for CSV, promtool for Prometheus; every value is
# compared with the JSON report of the same run (tests/formats/verify.py).
#   - one run with every format's -o: consistent files
#   - a golden case per format, compared parsed (tests/formats/golden/)
#   - hostile text in every field (SBC names, phrases, group values, file
#     names, correlation ids) through every writer
#   - a failure half way (a full file system, a failing writer) leaves none
#     of the outputs written
#   - -o parsing: extensions, FORMAT:FILE, unknown extensions, xlsx on stdout
# `tests/formats.sh --update` rewrites the golden structures: review the diff.
# Run by `make check`; screenshots of the golden case go to build/.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

PYTHON=${PYTHON:-/usr/bin/python3} # Debian's, with python3-openpyxl
VERIFY="$PYTHON tests/formats/verify.py"
BROWSER="$PYTHON tests/browser/check_html.py"
GOLDEN=tests/formats/golden
SHOTS=${SHOTS:-build}
update=false
[ "${1:-}" = "--update" ] && update=true

# verify DESC ARGS...: verify.py (or check_html.py) passes.
verify() {
    desc=$1
    shift
    if "$@" >"$WORK/verify.out" 2>&1; then pass; else fail "$desc" "$(cat "$WORK/verify.out")"; fi
}

# golden DESC FORMAT FILE: the output's structure equals the golden one.
golden() {
    want="$GOLDEN/sample.$2.json"
    if [ "$2" = html ]; then
        $BROWSER "$WORK/six.json" "$3" --structure >"$WORK/structure.json" 2>"$WORK/structure.err"
    else
        $VERIFY structure "$2" "$3" >"$WORK/structure.json" 2>"$WORK/structure.err"
    fi
    if $update; then
        cp "$WORK/structure.json" "$want"
        pass
    elif cmp -s "$want" "$WORK/structure.json"; then pass; else
        fail "$1: structure differs from $want" \
            "$(diff -u "$want" "$WORK/structure.json" | head -30; cat "$WORK/structure.err")"
    fi
}

# --- one run, every format (--top all: the text and Markdown reports uncut) ---
run "$DRTRIAGE" --samples 2 --top all -o "$WORK/six.json" -o "$WORK/six.html" -o "$WORK/six.xlsx" \
    -o "$WORK/six.md" -o "$WORK/six.csv" -o "$WORK/six.prom" -o "$WORK/six.txt" samples/*.csv
expect_status "one run writes seven outputs" 0
expect_true "nothing on standard output" test ! -s "$WORK/out"
for f in json html xlsx md csv prom txt; do
    expect_true "six.$f written" test -s "$WORK/six.$f"
done
expect_accounting "six.json" "$WORK/six.json"
expect_json "an HTML output adds a time series (18 days: per day)" \
    '(.by_time | length) == 18 and all(.by_time[]; .start | endswith("T00:00:00Z"))' "$WORK/six.json"
verify "csv equals the JSON" $VERIFY csv "$WORK/six.json" "$WORK/six.csv" codes
verify "xlsx equals the JSON" $VERIFY xlsx "$WORK/six.json" "$WORK/six.xlsx"
verify "md equals the JSON" $VERIFY md "$WORK/six.json" "$WORK/six.md"
verify "prom equals the JSON" $VERIFY prom "$WORK/six.json" "$WORK/six.prom"
mkdir -p "$SHOTS"
verify "html in Chromium equals the JSON" $BROWSER "$WORK/six.json" "$WORK/six.html" \
    --screenshot "$SHOTS/report-sample.png" --dark "$SHOTS/report-sample-dark.png"
run "$DRTRIAGE" --samples 2 --top all --by day --color=never samples/*.csv
# the series an HTML output adds keeps its place; --by puts it after the summary
expect_true "txt has the series of the text report with --by day" \
    sh -c "[ -n \"\$(sed -n '/^By time  (per day, UTC)\$/,/^\$/p' '$WORK/six.txt')\" ] &&
           [ \"\$(sed -n '/^By time  (per day, UTC)\$/,/^\$/p' '$WORK/out')\" = \
             \"\$(sed -n '/^By time  (per day, UTC)\$/,/^\$/p' '$WORK/six.txt')\" ]"
expect_true "the text report shows the same series" grep -q '^By time  (per day, UTC)' "$WORK/six.txt"

# --- golden structures ---
for f in md csv prom xlsx html; do
    golden "golden $f" "$f" "$WORK/six.$f"
done

# --- CSV: every table, and for Excel (gates, measures and concurrency too) ---
# table_run ARGS...: the run behind the CSV tables, with ARGS before the input.
table_run() {
    run "$DRTRIAGE" --by hour --group-by 'Call type,SBC FQDN' --fail-if 'faults>1%' \
        --fail-if 'sbc=*:ner<99.5' --fail-if 'acd<300' --fail-if 'short-calls>0.5%' \
        --fail-if 'sbc=*:concurrency>50%' --max-concurrent sbc1.contoso.com=4 \
        --max-concurrent sbc2.contoso.com=40 "$@" samples/tac-directrouting.csv
}
table_run -o "$WORK/t.json"
expect_status "JSON for the CSV tables: gates breached" 1
expect_json "the CSV tables have gates, measures and peaks" \
    '(.gates | length) > 4 and .totals.acd_calls > 0 and ([.by_sbc[].concurrency.peak] | all(. > 0))' \
    "$WORK/t.json"
for table in actions codes sbc time group gates metrics time-metrics group-metrics group-time notes inputs; do
    for excel in "" --excel; do
        table_run --table "$table" $excel -o "$WORK/t.csv"
        expect_status "csv --table $table $excel" 1
        verify "csv --table $table $excel equals the JSON" \
            $VERIFY csv "$WORK/t.json" "$WORK/t.csv" "$table" $excel
    done
done
# the same run in every format: gates, measures, concurrency and series read back
table_run --top all -o "$WORK/g.json" -o "$WORK/g.xlsx" -o "$WORK/g.md" -o "$WORK/g.html" -o "$WORK/g.prom" \
    -o "$WORK/g.txt"
expect_status "gates and measures in every format" 1
verify "xlsx with gates and measures equals the JSON" $VERIFY xlsx "$WORK/g.json" "$WORK/g.xlsx"
verify "md with gates and measures equals the JSON" $VERIFY md "$WORK/g.json" "$WORK/g.md"
verify "prom with gates and measures equals the JSON" $VERIFY prom "$WORK/g.json" "$WORK/g.prom"
verify "html with gates and measures in Chromium equals the JSON" \
    $BROWSER "$WORK/g.json" "$WORK/g.html" --screenshot "$SHOTS/report-gates.png"
# a filter that matched nothing: every format says so and lists the SBCs there are
run "$DRTRIAGE" --sbc nosuch.example.com -o "$WORK/nm.json" -o "$WORK/nm.xlsx" -o "$WORK/nm.md" \
    -o "$WORK/nm.html" -o "$WORK/nm.prom" -o "$WORK/nm.txt" samples/tac-directrouting.csv
expect_status "a filter that matched nothing" 1
verify "no match: xlsx Notes equal the JSON" $VERIFY xlsx "$WORK/nm.json" "$WORK/nm.xlsx"
verify "no match: md equals the JSON" $VERIFY md "$WORK/nm.json" "$WORK/nm.md"
verify "no match: prom equals the JSON" $VERIFY prom "$WORK/nm.json" "$WORK/nm.prom"
verify "no match: html in Chromium equals the JSON" $BROWSER "$WORK/nm.json" "$WORK/nm.html"
NOMATCH="--sbc 'nosuch.example.com' matched no call; the SBCs in the input, most calls first:"
expect_true "no match: the text report says it" grep -qF -e "$NOMATCH" "$WORK/nm.txt"
expect_true "no match: the page says it as the text report does" grep -qF -e \
    "$(printf '%s' "$NOMATCH" | sed "s/'/\&#39;/g")" "$WORK/nm.html"
expect_true "no match: the page lists the SBCs there are" \
    grep -q '<li><span class="mono">sbc2.contoso.com</span>: 113 calls</li>' "$WORK/nm.html"
expect_true "no match: Markdown renders the sentence and the SBCs" sh -c \
    "cmark-gfm '$WORK/nm.md' | grep -qF \"matched no call; the SBCs in the input\" &&
     cmark-gfm '$WORK/nm.md' | grep -qF '<li>sbc2.contoso.com: 113 calls</li>'"
expect_true "no match: prom has the filter at 0 calls" \
    grep -qx "drtriage_filter_matched_calls{filter=\"--sbc 'nosuch.example.com'\"} 0" "$WORK/nm.prom"

# an archive with members that are not call records: the inputs table and sheet name them
GEN_ARCHIVE=${GEN_ARCHIVE:-build/gen-archive}
(cd tests/cases && "$OLDPWD/$GEN_ARCHIVE" zip "$WORK/export.zip" \
    DirectRouting.calls.2026-11-01.csv=archive/DirectRouting.calls.2026-11-01.csv \
    PSTN.calls.2026-11-01.csv=archive/PSTN.calls.2026-11-01.csv parameters.json=archive/parameters.json)
run "$DRTRIAGE" -o "$WORK/zip.json" -o "$WORK/zip.xlsx" -o "$WORK/zip.md" -o "$WORK/zip.prom" \
    "$WORK/export.zip"
expect_status "an archive with skipped members" 0
expect_json "the archive has skipped members" '(.skipped | length) == 2' "$WORK/zip.json"
verify "archive: xlsx Inputs and Notes equal the JSON" $VERIFY xlsx "$WORK/zip.json" "$WORK/zip.xlsx"
verify "archive: prom equals the JSON" $VERIFY prom "$WORK/zip.json" "$WORK/zip.prom"
run "$DRTRIAGE" --table inputs -o "$WORK/zip.csv" "$WORK/export.zip"
verify "archive: csv --table inputs equals the JSON" $VERIFY csv "$WORK/zip.json" "$WORK/zip.csv" inputs
expect_true "archive: Markdown notes name the skipped member" grep -qF 'parameters.json\: skipped\: export parameters' "$WORK/zip.md"

run "$DRTRIAGE" --format csv --table sbc samples/tac-directrouting.csv
expect_stdout "--format csv on standard output" "sbc,calls,succeeded,failed"
run "$DRTRIAGE" --table nope samples/tac-directrouting.csv
expect_status "--table nope" 2
expect_stderr "--table names its values" "expected actions, codes, sbc, time, group, gates, metrics"

# --- a short export: an hourly series; without HTML none ---
head -40 samples/tac-directrouting.csv >"$WORK/day.csv"
run "$DRTRIAGE" -o "$WORK/day.json" -o "$WORK/day.html" "$WORK/day.csv"
expect_json "an export of a few days is charted per hour" \
    '(.by_time | length) > 3 and ([.by_time[].start | .[11:13]] | unique | length) > 1' "$WORK/day.json"
verify "hourly page in Chromium" $BROWSER "$WORK/day.json" "$WORK/day.html"
run "$DRTRIAGE" -o "$WORK/nohtml.json" "$WORK/day.csv"
expect_json "without an HTML output no series" '.by_time == []' "$WORK/nohtml.json"
run "$DRTRIAGE" --by day -o "$WORK/byday.json" -o "$WORK/byday.html" "$WORK/day.csv"
expect_json "--by day is kept with HTML" 'all(.by_time[]; .start | endswith("T00:00:00Z"))' "$WORK/byday.json"

# --- Prometheus: SBC labels are capped, the rest summed as "other" ---
{
    echo 'Final SIP code,Final Microsoft subcode,SBC FQDN,Final SIP Phrase'
    i=1
    while [ $i -le 70 ]; do
        j=0
        while [ $j -le $((i % 5)) ]; do
            echo "0,560000,sbc$i.example.com,BYE"
            echo "503,560503,sbc$i.example.com,Service unavailable"
            j=$((j + 1))
        done
        i=$((i + 1))
    done
    echo '0,560000,other,BYE'
} >"$WORK/many.csv"
run "$DRTRIAGE" -o "$WORK/many.json" -o "$WORK/many.prom" "$WORK/many.csv"
expect_status "71 SBCs" 0
verify "prom: 50 SBC labels and other" $VERIFY prom "$WORK/many.json" "$WORK/many.prom" 50
expect_true "prom: exactly 51 sbc series" \
    test "$(grep -c '^drtriage_sbc_calls{' "$WORK/many.prom")" -eq 51

# --- hostile text in every field, through every writer ---
HOSTILE_NAME='<svg onload=window.__pwned=6>"><img src=x onerror=window.__pwned=7>.csv'
H="$WORK/$HOSTILE_NAME"
{
    echo 'CorrelationId,Start time,Final SIP code,Final Microsoft subcode,Final SIP Phrase,SBC FQDN,Callee Number'
    echo '"""><svg onload=window.__pwned=8>",2026-11-01T08:00:00Z,503,799999,"</script><script>window.__pwned=4</script>",<script>window.__pwned=1</script>,=HYPERLINK("http://evil.example")'
    echo 'javascript:window.__pwned=9,2026-11-01T09:00:00Z,503,799998,"[click](javascript:window.__pwned=5) <b>bold</b> | pipe *em* www.evil.example http://evil.example user@evil.example",""""><img src=x onerror=window.__pwned=2>",+1 555'
    printf '%s\n' "id-3,2026-11-01T10:00:00Z,503,799997,\"bidi $(printf '\342\200\256')gnp.exe$(printf '\342\201\246') &amp; \`code\`\",javascript:window.__pwned=3,-2+3"
    printf '%s\n' "id-4,2026-11-01T11:00:00Z,403,560403,\"@SUM(A1) ~~x~~\",sbc$(printf '\342\200\256')moc.osotnoc,\"$(printf '\t')=1+1\""
    echo 'id-5,2026-11-01T12:00:00Z,0,560000,BYE,"=cmd|'"'"' /C calc'"'"'!A0",@x'
} >"$H"
run "$DRTRIAGE" --samples 3 --group-by 'Callee Number' -o "$WORK/h.json" -o "$WORK/h.html" \
    -o "$WORK/h.xlsx" -o "$WORK/h.md" -o "$WORK/h.prom" -o "$WORK/h.csv" "$H"
expect_status "hostile input, every format" 0
expect_json "the hostile text reached the report" \
    '[.by_sbc[].sbc] | any(. == "<script>window.__pwned=1</script>")' "$WORK/h.json"
verify "hostile html: no script ran, no element injected" \
    $BROWSER "$WORK/h.json" "$WORK/h.html" --hostile
verify "hostile md: no link or HTML from input" $VERIFY md "$WORK/h.json" "$WORK/h.md"
verify "hostile xlsx: strings, no formulas" $VERIFY xlsx "$WORK/h.json" "$WORK/h.xlsx"
verify "hostile prom: promtool accepts it" $VERIFY prom "$WORK/h.json" "$WORK/h.prom"
for table in codes sbc group; do
    run "$DRTRIAGE" --samples 3 --group-by 'Callee Number' --table "$table" -o "$WORK/h-$table.csv" "$H"
    verify "hostile csv --table $table: formulas neutralised" \
        $VERIFY csv "$WORK/h.json" "$WORK/h-$table.csv" "$table"
done
expect_true "csv: a formula-like SBC name starts with an apostrophe" \
    grep -qF "\"'=cmd|' /C calc'!A0\"" "$WORK/h-sbc.csv"
# hostile SBC names in the gates' results and a hostile filter value, through every writer
run "$DRTRIAGE" --min-calls 1 --fail-if 'sbc=*:ner<=100' -o "$WORK/hg.json" -o "$WORK/hg.html" \
    -o "$WORK/hg.md" -o "$WORK/hg.prom" -o "$WORK/hg.xlsx" "$H"
expect_status "hostile SBC names in gates" 1
expect_json "the gates name the hostile SBCs" \
    '[.gates[].sbc] | any(. == "<script>window.__pwned=1</script>")' "$WORK/hg.json"
verify "hostile gates html: no script ran, no element injected" \
    $BROWSER "$WORK/hg.json" "$WORK/hg.html" --hostile
verify "hostile gates md" $VERIFY md "$WORK/hg.json" "$WORK/hg.md"
verify "hostile gates prom" $VERIFY prom "$WORK/hg.json" "$WORK/hg.prom"
verify "hostile gates xlsx" $VERIFY xlsx "$WORK/hg.json" "$WORK/hg.xlsx"
run "$DRTRIAGE" --sbc '"><svg onload=window.__pwned=10>' -o "$WORK/hf.json" -o "$WORK/hf.html" \
    -o "$WORK/hf.md" -o "$WORK/hf.prom" "$H"
expect_status "a hostile filter value that matched nothing" 1
verify "hostile filter html: no script ran, no element injected" \
    $BROWSER "$WORK/hf.json" "$WORK/hf.html" --hostile
verify "hostile filter md" $VERIFY md "$WORK/hf.json" "$WORK/hf.md"
verify "hostile filter prom" $VERIFY prom "$WORK/hf.json" "$WORK/hf.prom"
expect_true "html: no bidi control" sh -c "! grep -q \"$(printf '\342\200\256')\" '$WORK/h.html'"

# --- a failure half way leaves none of the outputs ---
printf 'old report\n' >"$WORK/keep.html"
printf 'old report\n' >"$WORK/keep.prom"
(
    trap '' XFSZ # the write fails with EFBIG instead of killing drtriage
    ulimit -f 40
    "$DRTRIAGE" -o "$WORK/full.json" -o "$WORK/keep.prom" -o "$WORK/keep.html" -o "$WORK/full.xlsx" \
        samples/*.csv >"$WORK/out" 2>"$WORK/err"
    echo $? >"$WORK/status"
)
status=$(cat "$WORK/status")
expect_status "a file larger than the file system allows" 2
expect_stderr "the failure is named" "File too large"
expect_true "no output written when one failed" test ! -e "$WORK/full.json" -a ! -e "$WORK/full.xlsx"
expect_true "existing outputs kept as they were" grep -qx 'old report' "$WORK/keep.prom"
expect_true "existing HTML kept as it was" grep -qx 'old report' "$WORK/keep.html"
expect_true "no temporary file left" sh -c "! ls '$WORK' | grep -q '\\.[A-Za-z0-9]\\{6\\}\$'"
run "$DRTRIAGE" -o "$WORK/dev.json" -o "$WORK/dev.html" -o json:/dev/full samples/tac-directrouting.csv
expect_status "a failing writer (/dev/full)" 2
expect_stderr "names /dev/full" "/dev/full"
expect_true "no file output when a writer failed" test ! -e "$WORK/dev.json" -a ! -e "$WORK/dev.html"

# --- -o and --format ---
run "$DRTRIAGE" -o "$WORK/report.pdf" samples/tac-directrouting.csv
expect_status "unknown extension" 2
expect_stderr "unknown extension lists the formats" "the formats are text, json, html, xlsx, md, csv, prom"
run "$DRTRIAGE" -o "md:$WORK/notes.log" -o "$WORK/plain" samples/tac-directrouting.csv
expect_status "FORMAT:FILE and a name without extension" 0
expect_true "md: prefix writes Markdown" grep -q '^# drtriage report' "$WORK/notes.log"
expect_true "no extension: --format's (text)" grep -q '^drtriage report' "$WORK/plain"
run "$DRTRIAGE" --format json -o "$WORK/plain.d/../plain2" samples/tac-directrouting.csv
expect_status "a missing directory" 2
run "$DRTRIAGE" --format json -o "$WORK/plain2" -o - samples/tac-directrouting.csv
expect_status "-o - adds standard output" 0
expect_true "--format sets standard output's format" sh -c "jq -e .totals '$WORK/out' >/dev/null"
expect_true "and a file without extension" sh -c "jq -e .totals '$WORK/plain2' >/dev/null"
run "$DRTRIAGE" --format xlsx samples/tac-directrouting.csv
expect_status "xlsx on standard output" 2
expect_stderr "xlsx needs a file" "the xlsx format needs a file: use -o FILE.xlsx"
run "$DRTRIAGE" -o "$WORK/a.csv" -o "$WORK/a.csv" samples/tac-directrouting.csv
expect_status "the same -o twice" 2
run "$DRTRIAGE" --rows origin=sbc -o "$WORK/rows.html" samples/tac-directrouting.csv
expect_status "--rows writes CSV only" 2

finish
