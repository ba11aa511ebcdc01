#!/bin/sh
# `make valgrind`: every golden case (tests/cases/*.csv with its .args, JSON
# and text), the samples, and archives (written by build/gen-archive: members,
# files to skip, nesting read ahead in a worker thread, a bomb, damage) run
# under valgrind; any memory error or leak
# (all kinds) fails the run. Exit statuses are those the cases expect.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all
    --errors-for-leak-kinds=all --track-origins=yes"

# vg DESC WANT_STATUS ARGS...: runs drtriage under valgrind.
vg() {
    desc=$1
    want=$2
    shift 2
    # shellcheck disable=SC2086 # VALGRIND is split on purpose
    run $VALGRIND "$DRTRIAGE" "$@"
    if [ "$status" -eq 99 ]; then
        fail "$desc: valgrind found errors" "$(cat "$WORK/err")"
    else
        expect_status "$desc" "$want"
    fi
}

for input in tests/cases/*.csv; do
    name=${input%.csv}
    args=""
    [ -f "$name.args" ] && args=$(cat "$name.args")
    want=0
    [ -f "$name.status" ] && want=$(cat "$name.status")
    eval "set -- $args" # the .args line is shell words, quotes allowed
    vg "${name##*/} (json)" "$want" --format json "$@" "$input"
    vg "${name##*/} (text)" "$want" --color=always "$@" "$input"
done
for input in samples/*.csv; do
    vg "${input##*/}" 0 --format json "$input"
done
vg "all samples (text)" 0 samples/*.csv
vg "all samples to a file" 0 --format json -o "$WORK/report.json" samples/*.csv
vg "stdin" 0 --format json - <samples/tac-directrouting.csv
vg "bad rows" 0 --format json tests/bad/text-after-quote.csv
vg "input error" 2 tests/bad/unterminated-quote-eof.csv
vg "usage error" 2 --fail-if 'failed>>3' samples/tac-directrouting.csv
vg "--fail-if breach" 1 --fail-if 'failed>0' samples/tac-directrouting.csv

GEN_ARCHIVE=${GEN_ARCHIVE:-build/gen-archive}
c=tests/cases/archive
"$GEN_ARCHIVE" zip "$WORK/a.zip" "DirectRouting.calls.2026-11-01.csv=$c/DirectRouting.calls.2026-11-01.csv" \
    "PSTN.calls.2026-11-01.csv=$c/PSTN.calls.2026-11-01.csv" "parameters.json=$c/parameters.json"
"$GEN_ARCHIVE" tar.gz "$WORK/n.tar.gz" "a.zip=$WORK/a.zip" "day2.csv=samples/tac-directrouting.csv"
"$GEN_ARCHIVE" gz "$WORK/bomb.gz" "calls.csv=repeat:100000000:Final SIP code
"
head -c 1500 "$WORK/a.zip" >"$WORK/cut.zip"
vg "zip" 0 --format json "$WORK/a.zip"
vg "nested, text" 0 --color=always "$WORK/n.tar.gz"
vg "zip from stdin" 0 --format json - <"$WORK/a.zip"
vg "bomb" 2 "$WORK/bomb.gz"
vg "cut short" 2 "$WORK/cut.zip"
vg "--strict stops inside a member" 2 --strict "$WORK/n.tar.gz"

finish
