#!/bin/sh
# -j: the report is the same byte for byte at any number of workers. Every
# golden case (tests/cases, archives included), every bad-input file and
# large generated exports (plain, gzipped, zipped) run at -j1 (no threads)
# and at -j2, -j3 and -j8 with small chunks (DRTRIAGE_CHUNK_BYTES, so that
# small files make many), and their standard output, standard error, exit
# status and -o files (the state too) are compared. The
# generated exports put quoted line breaks, CRLF pairs and stray quotes at
# chunk boundaries (chunks of 1 byte end at every line break the parity
# allows), carry BOM and #TYPE preludes, CR-only lines, rejected rows in
# every chunk and more distinct SBCs and codes than the tables keep.
# DRTRIAGE_CHUNK_STATS shows that workers did count chunks, so that the
# comparison is not one thread against itself. Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

GEN=${GEN:-build/gen-export}
GEN_ARCHIVE=${GEN_ARCHIVE:-build/gen-archive}
case $GEN_ARCHIVE in /*) ;; *) GEN_ARCHIVE=$PWD/$GEN_ARCHIVE ;; esac
JOBS="2 3 8"

# same DESC CHUNK_BYTES ARGS...: drtriage ARGS at -j1 and at each of JOBS with
# chunks of CHUNK_BYTES give the same stdout, stderr and exit status (each
# run reads standard input from $STDIN, default /dev/null).
same() {
    desc=$1
    bytes=$2
    shift 2
    "$DRTRIAGE" -j1 "$@" <"${STDIN:-/dev/null}" >"$WORK/ref.out" 2>"$WORK/ref.err"
    ref=$?
    for j in $JOBS; do
        DRTRIAGE_CHUNK_BYTES=$bytes "$DRTRIAGE" -j"$j" "$@" <"${STDIN:-/dev/null}" \
            >"$WORK/par.out" 2>"$WORK/par.err"
        st=$?
        if [ "$st" -ne "$ref" ]; then
            fail "$desc: -j$j chunks of $bytes: exit $st, -j1 $ref" "$(head -5 "$WORK/par.err")"
        elif ! cmp -s "$WORK/ref.out" "$WORK/par.out"; then
            fail "$desc: -j$j chunks of $bytes: output differs" \
                "$(diff "$WORK/ref.out" "$WORK/par.out" | head -10)"
        elif ! cmp -s "$WORK/ref.err" "$WORK/par.err"; then
            fail "$desc: -j$j chunks of $bytes: stderr differs" \
                "$(diff "$WORK/ref.err" "$WORK/par.err" | head -10)"
        else
            pass
        fi
    done
}

# by_workers DESC BYTES ARGS...: at -j3, workers counted some of the chunks;
# sets $by_reader to the number of chunks the reading thread read itself.
by_workers() {
    desc=$1
    bytes=$2
    shift 2
    DRTRIAGE_CHUNK_STATS=1 DRTRIAGE_CHUNK_BYTES=$bytes "$DRTRIAGE" -j3 "$@" >/dev/null \
        2>"$WORK/stats"
    stats='s/^drtriage: chunks [0-9]*, by workers \([0-9]*\), by the reader \([0-9]*\)$/\1 \2/p'
    set -- $(sed -n "$stats" "$WORK/stats") 0 0
    by_reader=$2
    if [ "$1" -gt 0 ]; then pass; else
        fail "$desc: no chunk counted by a worker" "$(tail -3 "$WORK/stats")"
    fi
}

# --- every golden case, JSON and text ---
for input in tests/cases/*.csv; do
    name=${input%.csv}
    args=""
    [ -f "$name.args" ] && args=$(cat "$name.args")
    eval "set -- $args"
    for bytes in 1 300; do
        same "${name##*/} (json)" "$bytes" --format json "$@" "$input"
    done
    same "${name##*/} (text)" 97 --color=never "$@" "$input"
done

# --- every bad input that is a file (their set-ups are tests/run-bad's) ---
tests/bad/make-special.sh "$WORK/special"
for exp in tests/bad/*.expect; do
    name=${exp##*/}
    name=${name%.expect}
    input=tests/bad/$name.csv
    [ -f "$input" ] || input=$WORK/special/$name.csv
    [ -f "$input" ] || continue
    args=""
    [ -f "tests/bad/$name.args" ] && args=$(cat "tests/bad/$name.args")
    # shellcheck disable=SC2086 # args are split on purpose
    same "bad/$name" 700 --format json $args "$input"
done

# --- generated exports ---
"$GEN" --family tac --rows 6000 --seed 21 --tricky -o "$WORK/tricky.csv"
"$GEN" --family tac --rows 6000 --seed 22 --quote-names 80 --quote-phrases -o "$WORK/quoted.csv"
"$GEN" --family graph --rows 5000 --seed 23 -o "$WORK/graph.csv"          # BOM, #TYPE, all quoted
"$GEN" --family graph --rows 5000 --seed 24 --culture en-GB -o "$WORK/graph-gb.csv"
"$GEN" --family acs --rows 6000 --seed 25 --culture en-US -o "$WORK/acs-us.csv" # BOM, LF
"$GEN" --family cqd --rows 6000 --seed 26 -o "$WORK/cqd.csv"
"$GEN" --family acs --rows 30000 --seed 27 --aggregated -o "$WORK/acs-count.csv"
# CR-only lines (line breaks inside quotes become CRs too)
tr -d '\n' <"$WORK/tricky.csv" >"$WORK/cr.csv"
# Rejected rows in every chunk: text after a closing quote, a stray quote in
# an unquoted field (quote parity then lies until the next one), a code that
# is no number, a row of the wrong length, a quoted field that spans lines.
awk 'NR > 1 && NR % 17 == 0 { sub(/,No,/, ",No\"x\",") }
     NR > 1 && NR % 23 == 0 { sub(/,Inbound,/, ",In\"bound,") }
     NR > 1 && NR % 31 == 0 { sub(/,Yes,/, ",Yes,4x3,") }
     NR > 1 && NR % 37 == 0 { $0 = $0 ",extra" }
     NR > 1 && NR % 41 == 0 { sub(/,dr_in,/, ",\"dr\r\nin\",") }
     { print }' "$WORK/tricky.csv" >"$WORK/rejects.csv"
# More distinct SBCs and unknown codes than the tables keep (10,000): the
# overflow rows and their samples come out the same.
awk 'BEGIN { print "CorrelationId,Start time,Final SIP code,Final Microsoft subcode,SBC FQDN"
             for (i = 0; i < 24000; i++)
                 printf "id-%d,2024-03-%02dT08:00:00Z,%d,%d,sbc%d.contoso.com\n",
                     i, 1 + i % 28, 400 + i % 199, 600000 + i, i % 12000 }' >"$WORK/many.csv"

for f in tricky quoted graph graph-gb acs-us cqd cr rejects; do
    for bytes in 1 4096; do
        same "$f" "$bytes" --format json "$WORK/$f.csv"
    done
    same "$f --by day --samples 3 --top 5" 2000 --color=never --by day --samples 3 --top 5 \
        "$WORK/$f.csv"
    by_workers "$f" 4096 --format json "$WORK/$f.csv"
done
# The stray quotes make some cuts fall inside records: the check of each cut
# caught them and the reading thread read those chunks itself.
expect_true "rejects: cuts inside records read again ($by_reader chunks)" test "$by_reader" -gt 1
same "acs count column" 1000 --format json "$WORK/acs-count.csv"
same "caps: SBCs and codes past the cap, samples" 50000 --format json --samples 2 \
    "$WORK/many.csv"
same "filters and their tallies" 3000 --format json --since 2024-03-05 --until 2024-03-20 \
    --sbc 'sbc-eu*' --origin sbc --where 'User country!=US' "$WORK/tricky.csv"
same "a filter that matches nothing" 3000 --format json --sbc 'nosuch*' "$WORK/tricky.csv"
same "group-by" 3000 --format json --group-by 'Call type,Call Direction' "$WORK/quoted.csv"
same "dates held until decided, --by hour" 2500 --format json --by hour "$WORK/graph-gb.csv"
same "--date-order" 2500 --format json --by day --date-order mdy "$WORK/acs-us.csv"
same "--strict stops at a late rejected row" 3000 --format json --strict "$WORK/rejects.csv"
same "--rows drill-down" 3000 --rows 'origin=sbc' "$WORK/tricky.csv"
same "--rows drill-down, held dates" 3000 --rows 'since=2024-03-10' "$WORK/graph-gb.csv"
awk -F, 'BEGIN { OFS = "," } { t = $1; $1 = $5; $5 = t; print }' "$WORK/many.csv" >"$WORK/swapped.csv"
same "--rows, a later input's columns in another order" 3000 --rows 'sip=486' \
    "$WORK/many.csv" "$WORK/swapped.csv"
same "--dedupe" 3000 --format json --dedupe "$WORK/tricky.csv" "$WORK/tricky.csv"
same "several inputs" 3000 --format json "$WORK/graph.csv" "$WORK/rejects.csv" "$WORK/cr.csv"
STDIN=$WORK/quoted.csv same "standard input" 3000 --format json -
STDIN=
by_workers "standard input" 3000 --format json - <"$WORK/quoted.csv"

same "--concurrency (read by one thread)" 3000 --format json --concurrency "$WORK/tricky.csv"

# --- archive members and compressed files ---
# The archive golden cases, built as tests/run-cases builds them, and
# generated exports packed: a .gz stream and the members of a zip.
mkdir -p "$WORK/archives"
for spec in tests/cases/*.archive; do
    [ -e "$spec" ] || continue
    last=""
    while read -r kind file members; do
        [ -n "$kind" ] || continue
        # shellcheck disable=SC2086 # members are split on purpose
        (cd tests/cases && eval "set -- $members" &&
            for m in "$@"; do shift; set -- "$@" "$(printf '%s' "$m" | sed "s|=@|=$WORK/archives/|")"; done &&
            "$GEN_ARCHIVE" "$kind" "$WORK/archives/$file" "$@") ||
            fail "${spec##*/}: cannot build $file"
        last=$file
    done <"$spec"
    name=${spec%.archive}
    args=""
    [ -f "$name.args" ] && args=$(cat "$name.args")
    eval "set -- $args"
    same "${name##*/} (json)" 300 --format json "$@" "$WORK/archives/$last"
done
gzip -c "$WORK/quoted.csv" >"$WORK/quoted.csv.gz"
"$GEN_ARCHIVE" zip "$WORK/two.zip" "a.csv=$WORK/rejects.csv" "b.csv=$WORK/graph-gb.csv"
same "a .gz stream" 4096 --format json --by day "$WORK/quoted.csv.gz"
by_workers "a .gz stream" 4096 --format json "$WORK/quoted.csv.gz"
same "zip members" 4096 --format json "$WORK/two.zip"
by_workers "zip members" 4096 --format json "$WORK/two.zip"

# --- every format, one pass ---
for f in tricky graph-gb; do
    for j in 1 3; do
        mkdir -p "$WORK/f$j"
        DRTRIAGE_CHUNK_BYTES=2000 "$DRTRIAGE" -j$j --by day -o "$WORK/f$j/r.json" \
            -o "$WORK/f$j/r.html" -o "$WORK/f$j/r.md" -o "$WORK/f$j/r.csv" -o "$WORK/f$j/r.prom" \
            -o "$WORK/f$j/r.txt" -o "$WORK/f$j/r.xlsx" -o "$WORK/f$j/r.state" "$WORK/$f.csv" \
            2>/dev/null
    done
    # the .prom file says when it was written
    for d in f1 f3; do
        grep -v '^drtriage_report_timestamp_seconds ' "$WORK/$d/r.prom" >"$WORK/$d/r.prom-values"
    done
    for ext in json html md csv prom-values txt state; do
        if cmp -s "$WORK/f1/r.$ext" "$WORK/f3/r.$ext"; then pass; else
            fail "$f: .$ext differs at -j3"
        fi
    done
    # an xlsx file carries the time it was written (docProps/core.xml); the rest must match
    unzip -q "$WORK/f1/r.xlsx" -d "$WORK/f1/x" && unzip -q "$WORK/f3/r.xlsx" -d "$WORK/f3/x"
    expect_true "$f: .xlsx parts" test -s "$WORK/f1/x/xl/workbook.xml"
    if diff -r -x core.xml "$WORK/f1/x" "$WORK/f3/x" >"$WORK/xdiff"; then pass; else
        fail "$f: .xlsx differs at -j3" "$(head -5 "$WORK/xdiff")"
    fi
    rm -rf "$WORK/f1" "$WORK/f3"
done

finish
