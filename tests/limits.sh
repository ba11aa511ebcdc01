#!/bin/sh
# Resource limits: inputs built to exhaust memory or time finish with bounded
# peak memory (build/measure's maxrss) and say in the report what they cut.
#   - 200,000 distinct SBC names / unknown codes: tables keep 10,000 keys
#     (DT_DEFAULT_KEY_CAP), the rest is one "other" row and a note;
#   - SBC names of 500 KB: keys are cut to 256 bytes;
#   - a stray quote before 200 MB: memory stays under --max-field + a few MiB,
#     for several --max-field values (generated on the fly through stdin);
#   - a million rejected rows, a row of a million fields, 50 MB of phrases
#     that defeat the lookup cache, 40 files each adding a note;
#   - times to failure in every minute of an hour on 2,000 SBCs: the sketches
#     keep DT_SKETCH_PAGE_CAP pages of seconds, the rest to the minute, noted;
#   - concurrency over four years of minutes: the timelines keep
#     DT_CONCURRENCY_CELLS SBC-minutes, the rest is left out, noted.
# Each is measured on one thread (-j1: the bounds above) and with workers
# (-j2: within WORKER_KIB more per worker: their chunks and counts in flight,
# docs/parallel.md). Peak memory is not checked under sanitizers (SANITIZE=1).
# Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

MEASURE=${MEASURE:-build/measure}
RSS_LIMIT_KIB=65536
WORKERS=2
WORKER_KIB=8192 # what a worker may add: its chunks in flight and their counts
sanitized=false
[ "${SANITIZE:-}" = 1 ] && sanitized=true

# measured DESC LIMIT_KIB CMD...: runs CMD under build/measure (stdout to
# /dev/null, stdin inherited) and checks its peak RSS.
measured() {
    desc=$1
    limit=$2
    shift 2
    rm -f "$WORK/rss"
    "$MEASURE" "$WORK/rss" -- "$@" 2>"$WORK/err"
    status=$?
    : >"$WORK/out"
    kib=$(sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p' "$WORK/rss")
    wall=$(sed -n 's/^wall_s=\([0-9.]*\).*/\1/p' "$WORK/rss")
    echo "limits: $desc: exit $status, ${wall}s, peak RSS ${kib} KiB"
    if $sanitized; then
        return 0
    fi
    if [ -n "$kib" ] && [ "$kib" -le "$limit" ]; then pass; else
        fail "$desc: peak RSS ${kib:-?} KiB, limit $limit KiB"
    fi
}

# measured_jobs DESC LIMIT_KIB DRTRIAGE ARGS...: measured at -j1 within
# LIMIT_KIB, and at -j$WORKERS within WORKER_KIB more per worker.
measured_jobs() {
    what=$1
    one_kib=$2
    drt=$3
    shift 3
    measured "$what (-j1)" "$one_kib" "$drt" -j1 "$@"
    measured "$what (-j$WORKERS)" $((one_kib + WORKERS * WORKER_KIB)) "$drt" -j"$WORKERS" "$@"
}

H='Final SIP code,Final Microsoft subcode,SBC FQDN,Final SIP Phrase'

# --- 200,000 distinct SBC names ---
awk -v h="$H" 'BEGIN { print h
    for (i = 0; i < 200000; i++) printf "403,560403,sbc%06d.contoso.com,Forbidden\n", i }' >"$WORK/sbcs.csv"
measured_jobs "200000 SBC names" "$RSS_LIMIT_KIB" "$DRTRIAGE" --format json "$WORK/sbcs.csv"
expect_status "200000 SBC names" 0
run "$DRTRIAGE" --format json "$WORK/sbcs.csv"
expect_accounting "200000 SBC names" "$WORK/out"
expect_json "SBC table capped with an other row" \
    '(.by_sbc | length) == 10001 and ([.by_sbc[] | select(.other)] | length) == 1
     and ([.by_sbc[] | select(.other)][0].calls == 190000)' "$WORK/out"
expect_json "SBC cap noted" \
    '.notes | any(test("^190000 calls .*beyond the first 10000 distinct .*SBC.*\"other\" row"))' \
    "$WORK/out"
run "$DRTRIAGE" --color=never --top 3 "$WORK/sbcs.csv"
expect_stdout "text report names the cap" "beyond the first 10000 distinct"

# --- time to failure in every minute on 2,000 SBCs: sketches capped ---
awk 'BEGIN { print "Invite time,Failure time,Success,Final SIP code,Final Microsoft subcode,SBC FQDN"
    for (i = 0; i < 2000; i++) for (m = 0; m < 60; m++)
        printf "2026-11-24T00:00:00Z,2026-11-24T00:%02d:%02dZ,No,503,560503,sbc%04d\n", m, i % 60, i }' \
    >"$WORK/minutes.csv"
measured_jobs "times to failure in 120000 SBC-minutes" "$RSS_LIMIT_KIB" "$DRTRIAGE" --format json "$WORK/minutes.csv"
run "$DRTRIAGE" --format json "$WORK/minutes.csv"
expect_json "sketches capped, said so" \
    '.notes | any(test("^the time to failure of [0-9]+ rows is to the minute only"))' "$WORK/out"
expect_json "percentiles still right to the minute" \
    '.totals.to_failure_median >= 1740 and .totals.to_failure_median < 1800' "$WORK/out"

# --- concurrency over four years of minutes on 20 SBCs: timelines capped ---
awk 'BEGIN { print "Invite time,End time,Duration (seconds),Success,Final SIP code,Final Microsoft subcode,SBC FQDN"
    for (y = 2023; y <= 2026; y++) for (i = 0; i < 20; i++)
        printf "%d-06-01T10:00:00Z,%d-06-01T10:05:00Z,300,Yes,0,540000,sbc%02d\n", y, y, i }' \
    >"$WORK/years.csv"
measured_jobs "concurrency over 4 years" "$RSS_LIMIT_KIB" "$DRTRIAGE" --format json --concurrency "$WORK/years.csv"
run "$DRTRIAGE" --format json --concurrency "$WORK/years.csv"
expect_json "timelines capped, said so" \
    '(.notes | any(test("calls are not in the concurrency peaks: the timelines reached their cap")))
     and .totals.concurrency.untracked > 0 and .by_sbc[0].concurrency.peak == 1' "$WORK/out"

# --- 200,000 distinct unknown codes ---
awk -v h="$H" 'BEGIN { print h
    for (i = 0; i < 200000; i++) printf "%d,%d,sbc1.contoso.com,\n", 400 + i % 100, 700000 + i }' >"$WORK/codes.csv"
measured_jobs "200000 unknown codes" "$RSS_LIMIT_KIB" "$DRTRIAGE" --format json "$WORK/codes.csv"
expect_status "200000 unknown codes" 0
run "$DRTRIAGE" --format json "$WORK/codes.csv"
expect_accounting "200000 unknown codes" "$WORK/out"
expect_json "code table capped with an other row" \
    '(.by_code | length) == 10001 and ([.by_code[] | select(.other)][0].failed == 190000)' "$WORK/out"
expect_json "code cap noted" \
    '.notes | any(test("^190000 failed calls .*beyond the first 10000 distinct .*\"other\" row"))' \
    "$WORK/out"
expect_json "the other row names its actions, which still count its calls" \
    '([.by_code[] | select(.other)][0].actions | map(.failed) | add) == 190000
     and all(.by_action[]; ([.codes[].failed] | add) == .failed)' "$WORK/out"

# --- 100 SBC names of 500 KB each (50 MB of distinct keys) ---
awk -v h="$H" 'BEGIN { print h; s = "s"; while (length(s) < 500000) s = s s
    for (i = 0; i < 100; i++) printf "403,560403,%s%d,Forbidden\n", s, i }' >"$WORK/long-sbcs.csv"
measured_jobs "500 KB SBC names" "$RSS_LIMIT_KIB" "$DRTRIAGE" --format json "$WORK/long-sbcs.csv"
run "$DRTRIAGE" --format json "$WORK/long-sbcs.csv"
expect_status "500 KB SBC names" 0
expect_json "long SBC names cut to 256 bytes" '.by_sbc[0].sbc | length == 256' "$WORK/out"

# --- a stray quote swallowing 200 MB: bounded by --max-field ---
mkfifo "$WORK/feed"
sizes="1 8 32"
$sanitized && sizes=1 # large fields are slow under ASan (its realloc copies, its quarantine keeps memory)
for mib in $sizes; do
    bytes=$((mib * 1048576))
    for j in 1 "$WORKERS"; do
        { printf '%s\n403,560403,"sbc1,x\n' "$H"; yes '404,560404,sbc1.contoso.com,Not Found' | head -c 200000000; } \
            >"$WORK/feed" 2>/dev/null &
        desc="stray quote, --max-field $mib MiB (-j$j)"
        # --max-field and 9 MiB: the program's own pages and buffers (8 MiB left
        # 0.1-0.2 MiB at 32 MiB, which the binary's growth used up)
        measured "$desc" $(((mib + 9) * 1024 + (j - 1) * WORKER_KIB)) \
            "$DRTRIAGE" -j"$j" --max-field "$bytes" --format json - <"$WORK/feed"
        wait
        expect_status "$desc" 2
        expect_stderr "$desc" "<stdin>:2: a field grows past --max-field $bytes bytes"
    done
done

# --- a million rejected rows ---
awk -v h="$H" 'BEGIN { print h; for (i = 0; i < 1000000; i++) print "4x3,560403,sbc1,x" }' >"$WORK/rejected.csv"
measured_jobs "1000000 rejected rows" "$RSS_LIMIT_KIB" "$DRTRIAGE" --format json "$WORK/rejected.csv"
run "$DRTRIAGE" --format json "$WORK/rejected.csv"
expect_status "1000000 rejected rows" 0
expect_json "1000000 rejected rows: counted, 10 listed" \
    '.totals.rejected == 1000000 and (.rejected_rows | length) == 10' "$WORK/out"

# --- one data row of a million fields ---
{ printf '%s\n403,560403,sbc1,' "$H"; head -c 1000000 /dev/zero | tr '\0' ','; printf '\n'; } >"$WORK/wide.csv"
measured_jobs "a row of 1000000 fields" "$RSS_LIMIT_KIB" "$DRTRIAGE" --format json "$WORK/wide.csv"
run "$DRTRIAGE" --format json "$WORK/wide.csv"
expect_json "a row of 1000000 fields is rejected" \
    '.totals.rejected == 1 and .rejected_rows[0].reason == "has 1000004 fields, the header has 4"' "$WORK/out"

# --- 100 phrases of 500 KB: too long for the lookup cache, still fast ---
awk 'BEGIN { print "Final SIP code,Final SIP Phrase"; s = "p"; while (length(s) < 500000) s = s s
    for (i = 0; i < 100; i++) printf "%d,%s%d\n", 400 + i, s, i }' >"$WORK/phrases.csv"
measured_jobs "50 MB of uncached phrases" "$RSS_LIMIT_KIB" "$DRTRIAGE" --format json "$WORK/phrases.csv"
expect_true "50 MB of uncached phrases in under 20 s" awk -v w="${wall:-99}" 'BEGIN { exit !(w < 20) }'

# --- notes are capped ---
printf 'Final SIP code,Final Microsoft subcode,Final SIP code\n403,560403,1\n' >"$WORK/dup.csv"
set --
i=0
while [ $i -lt 40 ]; do set -- "$@" "$WORK/dup.csv"; i=$((i + 1)); done
run "$DRTRIAGE" --format json "$@"
expect_status "40 inputs with a note each" 0
expect_json "notes capped at 32, the last says so" \
    '(.notes | length) == 32 and .notes[31] == "further notes omitted" and (.inputs | length) == 40' "$WORK/out"

$sanitized && echo "limits: peak memory not checked under sanitizers (SANITIZE=1)"
finish
