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
# standard output; compares every failing run with the unfailed one.
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
        n=$((n + 1))
    done
    echo "alloc-failure: $what: $total allocations; $harmless failures harmless, $refused runs refused, $bad wrong"
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
finish
