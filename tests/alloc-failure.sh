#!/bin/sh
# Allocation failure: every run where one allocation fails either writes the
# exact output of the run where none does (the failure was harmless) and
# exits 0, or exits 2 with a message on stderr and writes nothing (no -o
# file, no temporary file); never another status, a crash or a different
# report. build/failmalloc.so (tests/failmalloc.c, LD_PRELOAD) fails the Nth
# call of malloc, calloc, realloc, strdup or strndup; each command below runs
# once to count its calls, then once for every N. Only in the normal build:
# the sanitizers replace the allocator (SANITIZE=1 skips this script).
# Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

SHIM=${FAILMALLOC:-build/failmalloc.so}
if [ "${SANITIZE:-}" = 1 ]; then
    echo "alloc-failure: skipped under sanitizers (they replace malloc)"
    finish
    exit
fi
SHIM=$(cd "$(dirname "$SHIM")" && pwd)/${SHIM##*/}
mkdir -p "$WORK/o"

# with_shim N CMD...: CMD with the Nth allocation failing (0: none), counting
# the calls into $WORK/count.
with_shim() {
    n=$1
    shift
    FAILMALLOC_NTH=$n FAILMALLOC_COUNT="$WORK/count" LD_PRELOAD="$SHIM" "$@"
}

# check_every DESC CMD...: CMD writes its output to $WORK/o/out (-o) or to
# standard output; compares every failing run with the unfailed one (with
# STRIDE=K, every K-th allocation failing in turn).
check_every() {
    what=$1
    shift
    rm -f "$WORK/o/"* "$WORK/ref.out"
    with_shim 0 "$@" >"$WORK/ref.stdout" 2>"$WORK/ref.err"
    ref_status=$?
    [ -f "$WORK/o/out" ] && mv "$WORK/o/out" "$WORK/ref.out"
    total=$(cat "$WORK/count")
    expect_true "$what: unfailed run exits 0 (exit $ref_status)" test "$ref_status" -eq 0
    bad=0 harmless=0 refused=0 n=1
    while [ "$n" -le "$total" ]; do
        rm -f "$WORK/o/"*
        with_shim "$n" "$@" >"$WORK/stdout" 2>"$WORK/err"
        st=$?
        why=""
        if [ "$st" -eq 0 ]; then
            harmless=$((harmless + 1))
            cmp -s "$WORK/stdout" "$WORK/ref.stdout" || why="exit 0 with another standard output"
            cmp -s "$WORK/err" "$WORK/ref.err" || why="exit 0 with another standard error"
            if [ -f "$WORK/ref.out" ] && ! cmp -s "$WORK/o/out" "$WORK/ref.out"; then
                why="exit 0 with another report"
            fi
        elif [ "$st" -eq 2 ]; then
            refused=$((refused + 1))
            [ -s "$WORK/err" ] || why="exit 2 without a message"
            [ -n "$(ls "$WORK/o")" ] && why="exit 2 leaving $(ls "$WORK/o" | head -1)"
        else
            why="exit $st: $(head -c 200 "$WORK/err")"
        fi
        if [ -n "$why" ]; then
            bad=$((bad + 1))
            [ "$bad" -le 5 ] && fail "$what: allocation $n of $total failing: $why"
        fi
        n=$((n + ${STRIDE:-1}))
    done
    echo "alloc-failure: $what: $total allocations${STRIDE:+ (every ${STRIDE}th failing)}; $harmless failures harmless, $refused runs refused, $bad wrong"
    [ "$bad" -eq 0 ] && pass
}

check_every "JSON report with a note" "$DRTRIAGE" --format json -o "$WORK/o/out" \
    samples/tac-directrouting.csv tests/bad/duplicate-header.csv
check_every "text report with series, groups and samples" \
    "$DRTRIAGE" --color never -o "$WORK/o/out" --by day --samples 2 --group-by userPrincipalName \
    samples/graph-powershell.csv
# Read in chunks by worker threads (-j3, chunks of 2000 bytes): a failure in
# a worker, in its chunk's counts or in merging them is refused like any.
build/gen-export --family tac --rows 60 --seed 11 --tricky -o "$WORK/chunks.csv"
DRTRIAGE_CHUNK_BYTES=2000 check_every "report read by three workers" \
    "$DRTRIAGE" -j3 --format json -o "$WORK/o/out" --by day --samples 2 "$WORK/chunks.csv"
check_every "explain" "$DRTRIAGE" explain 560499 "TLS negotiation failed"

# The history store: reports and a trend from a store, and ingests into one;
# SQLite's allocations are most of them, so every fifth fails in turn.
STORE=$WORK/history.db
"$DRTRIAGE" ingest -q --db "$STORE" samples/tac-directrouting.csv
STRIDE=5 check_every "report from the store" "$DRTRIAGE" --db "$STORE" --format json \
    -o "$WORK/o/out"
STRIDE=5 check_every "trend with a gate" "$DRTRIAGE" trend --db "$STORE" --days 1 --baseline 1 \
    --fail-if 'new-codes>100' -o "$WORK/o/out"
STRIDE=5 check_every "history" "$DRTRIAGE" history --db "$STORE" --format json -o "$WORK/o/out"

# An ingest that fails records nothing: the store holds no export (or does not
# exist); one that succeeds holds what the unfailed ingest holds. Every 25th
# allocation of the ~6000 (SQLite's among them) fails in turn.
ingested() { # STORE: the exports and calls it holds, without the time of the ingest
    [ -f "$1" ] || { echo none; return; }
    "$DRTRIAGE" history --db "$1" --format json | jq -c '[.calls, [.ingests[] | del(.ingested)]]'
}
rm -f "$WORK/ingest.db"
with_shim 0 "$DRTRIAGE" ingest -q --db "$WORK/ingest.db" samples/tac-directrouting.csv
ref=$(ingested "$WORK/ingest.db")
total=$(cat "$WORK/count")
bad=0 n=1
while [ "$n" -le "$total" ]; do
    rm -f "$WORK/ingest.db"*
    with_shim "$n" "$DRTRIAGE" ingest -q --db "$WORK/ingest.db" samples/tac-directrouting.csv \
        2>"$WORK/err"
    st=$?
    got=$(ingested "$WORK/ingest.db")
    if { [ "$st" -eq 0 ] && [ "$got" != "$ref" ]; } ||
        { [ "$st" -eq 2 ] && [ "$got" != none ] && [ "$(echo "$got" | jq '.[1] | length')" != 0 ]; } ||
        { [ "$st" -ne 0 ] && [ "$st" -ne 2 ]; } || { [ "$st" -eq 2 ] && [ ! -s "$WORK/err" ]; }; then
        bad=$((bad + 1))
        [ "$bad" -le 5 ] && fail "ingest: allocation $n of $total failing: exit $st, store $got" \
            "$(head -c 300 "$WORK/err")"
    fi
    n=$((n + 25))
done
echo "alloc-failure: ingest: $total allocations, every 25th failed in turn, $bad wrong"
[ "$bad" -eq 0 ] && pass
finish
