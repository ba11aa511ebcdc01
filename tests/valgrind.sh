#!/bin/sh
# `make valgrind`: every golden case (tests/cases/*.csv with its .args, JSON
# and text) and the samples run under valgrind; any memory error or leak
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

finish
