#!/bin/sh
# States and drtriage merge on generated exports: an export split into 1, 3
# and 10 parts (records whole, quoted line breaks kept), each part's state
# made apart, the states merged in shuffled orders and groupings, standard
# input included, against the report of the whole file (JSON, but for what
# names the parts: docs/state.md) and, byte for byte in every format, the
# report of one run over the parts. Then what merge refuses: not a state,
# truncated, corrupt, empty, other rules, other options, other filters.
# Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

GEN=${GEN:-build/gen-export}
FORMATS="json txt md csv prom html"

# same_output A B: two outputs are the same but for the time they were made
# (the Prometheus format's report timestamp).
same_output() {
    grep -v '^drtriage_report_timestamp_seconds ' "$1" >"$WORK/a.cmp"
    grep -v '^drtriage_report_timestamp_seconds ' "$2" >"$WORK/b.cmp"
    cmp -s "$WORK/a.cmp" "$WORK/b.cmp"
}

# shuffled SEED FILE...: the files in an order SEED chooses.
shuffled() {
    seed=$1
    shift
    printf '%s\n' "$@" | awk -v seed="$seed" 'BEGIN { srand(seed) } { print rand() "\t" $0 }' |
        sort | cut -f2
}

# An export with quoted line breaks and display names, and rejected rows
# scattered through it (a short row, a code that is no number).
"$GEN" --rows 12000 --tricky --seed 5 --days 6 |
    awk 'NR > 1 && NR % 997 == 0 { print "bad,row"; } NR % 1511 == 0 { sub(/,0,5/, ",x,5") } { print }' \
        >"$WORK/whole.csv"

# check_split NAME ARGS...: the whole file's report against merged parts, with ARGS.
check_split() {
    name=$1
    shift
    run "$DRTRIAGE" "$@" -o "$WORK/whole.json" -o "$WORK/whole.html" "$WORK/whole.csv"
    [ "$status" -le 1 ] || fail "$name: the whole file" "$(cat "$WORK/err")"
    norm_parts "$WORK/whole.json" >"$WORK/whole.norm"
    for n in 1 3 10; do
        dir="$WORK/$name-$n"
        split_export "$WORK/whole.csv" "$n" "$dir"
        for part in "$dir"/part-*.csv; do
            "$DRTRIAGE" "$@" --quiet -o "${part%.csv}.state" "$part" || [ $? -eq 1 ] ||
                fail "$name: state of $part"
        done
        outs=""
        for f in $FORMATS; do outs="$outs -o $dir/parts.$f"; done
        # shellcheck disable=SC2086 # split on purpose
        "$DRTRIAGE" "$@" --quiet --color never $outs "$dir"/part-*.csv
        for seed in 1 2 3; do
            # shellcheck disable=SC2046 # the states, one word each
            run "$DRTRIAGE" merge --color never -o "$dir/m.json" -o "$dir/m.txt" -o "$dir/m.md" \
                -o "$dir/m.csv" -o "$dir/m.prom" -o "$dir/m.html" \
                $(shuffled "$seed" "$dir"/part-*.state)
            [ "$status" -le 1 ] || fail "$name, $n parts, order $seed: merge" "$(cat "$WORK/err")"
            norm_parts "$dir/m.json" >"$WORK/merged.norm"
            if cmp -s "$WORK/whole.norm" "$WORK/merged.norm"; then pass; else
                fail "$name, $n parts, order $seed: the merged report is not the whole file's" \
                    "$(diff "$WORK/whole.norm" "$WORK/merged.norm" | cut -c1-300 | head -20)"
            fi
            for f in $FORMATS; do
                if same_output "$dir/parts.$f" "$dir/m.$f"; then pass; else
                    fail "$name, $n parts, order $seed: merged $f is not one run's over the parts" \
                        "$(diff "$dir/parts.$f" "$dir/m.$f" | cut -c1-300 | head -10)"
                fi
            done
        done
        expect_accounting "$name, $n parts: merged" "$dir/m.json"
        # A tree: pairs merged into states, merged again, one of them from stdin.
        first=""
        i=0
        for s in $(shuffled 9 "$dir"/part-*.state); do
            i=$((i + 1))
            if [ $((i % 2)) -eq 1 ]; then first=$s; else
                "$DRTRIAGE" merge --quiet --format state "$first" "$s" >"$dir/pair-$i.state" ||
                    fail "$name, $n parts: pair $i"
                first=""
            fi
        done
        [ -n "${first:-}" ] && cp "$first" "$dir/pair-last.state"
        pairs=$(ls "$dir"/pair-*.state)
        top=$(printf '%s\n' $pairs | head -n 1)
        rest=$(printf '%s\n' $pairs | tail -n +2)
        # shellcheck disable=SC2086 # the states, one word each
        run "$DRTRIAGE" merge -o "$dir/tree.json" -o "$dir/tree.html" - $rest <"$top"
        [ "$status" -le 1 ] || fail "$name, $n parts: the tree" "$(cat "$WORK/err")"
        if cmp -s "$dir/m.json" "$dir/tree.json"; then pass; else
            fail "$name, $n parts: merged as a tree, not the same report" \
                "$(diff "$dir/m.json" "$dir/tree.json" | cut -c1-300 | head -10)"
        fi
    done
}

check_split plain
check_split tables --by day --samples 3 --group-by 'Call type'
check_split filtered --sbc 'sbc*' --where 'User country=US'
expect_json "the filters are the run's" '.filters != null and (.filter_matches | length) == 2' \
    "$WORK/filtered-3/m.json"
run "$DRTRIAGE" --sbc 'sbc*' --where 'User country=US' --fail-if 'faults>5%' "$WORK/whole.csv"
expect_status "the gate breaches on the whole file" 1
run "$DRTRIAGE" merge --fail-if 'faults>5%' "$WORK"/filtered-3/part-*.state
expect_status "a gate on merged states breaches as on the whole file" 1
expect_stderr "the gate is named" "--fail-if breached: "
run "$DRTRIAGE" merge --fail-if 'action:no-such>1' "$WORK"/plain-3/part-01.state
expect_status "a gate's action id is checked against the rules" 2
expect_stderr "the unknown action is named" "no action 'no-such'"

# Concurrency and --max-concurrent: states of the 3 parts merged give the
# whole file's peaks, and the limit is judged on them.
C="$WORK/plain-3"
for part in "$C"/part-*.csv; do
    "$DRTRIAGE" --quiet --concurrency -o "state:${part%.csv}.cstate" "$part" || [ $? -eq 1 ] ||
        fail "concurrency: state of $part"
done
"$DRTRIAGE" --quiet --max-concurrent sbc1.contoso.com=5 -f json "$WORK/whole.csv" |
    norm_parts /dev/stdin >"$WORK/whole-c.norm"
run "$DRTRIAGE" merge -f json --max-concurrent sbc1.contoso.com=5 "$C"/part-*.cstate
expect_status "states with --concurrency merge" 0
norm_parts "$WORK/out" >"$WORK/merged-c.norm"
expect_true "their peaks and limits are the whole file's" cmp -s "$WORK/whole-c.norm" \
    "$WORK/merged-c.norm"
expect_json "a peak is reported, and the limit" \
    '([.by_sbc[] | .concurrency.peak] | max > 0) and
     ([.by_sbc[] | select(.sbc == "sbc1.contoso.com") | .concurrency.limit] == [5])' "$WORK/out"
run "$DRTRIAGE" merge --max-concurrent sbc1.contoso.com=5 "$C"/part-*.state
expect_status "--max-concurrent on states without concurrency" 2
expect_stderr "it says why" "made without --concurrency"
run "$DRTRIAGE" merge "$C/part-01.state" "$C/part-02.cstate"
expect_status "a state with --concurrency and one without" 2
expect_stderr "it says why" "one with --concurrency, one without"

# Inputs skipped (a PSTN usage export, a JSON file) are named in the merged
# report as in the run over all the files.
A=tests/cases/archive
K=tests/cases/skip-files-unzipped.csv
head -n 1 "$K" >"$WORK/k-empty.csv"
"$DRTRIAGE" --quiet -o "$WORK/k1.state" "$K" "$A/PSTN.calls.2026-11-01.csv" || [ $? -eq 1 ] ||
    fail "skipped: the first state"
"$DRTRIAGE" --quiet -o "$WORK/k2.state" "$A/parameters.json" "$WORK/k-empty.csv" ||
    [ $? -eq 1 ] || fail "skipped: the second state"
"$DRTRIAGE" --quiet -f json "$K" "$A/PSTN.calls.2026-11-01.csv" "$A/parameters.json" \
    "$WORK/k-empty.csv" | jq -S '.skipped' >"$WORK/k-run.json"
run "$DRTRIAGE" merge -f json "$WORK/k2.state" "$WORK/k1.state"
jq -S '.skipped' "$WORK/out" >"$WORK/k-merged.json"
expect_true "the skipped inputs are the run's" cmp -s "$WORK/k-run.json" "$WORK/k-merged.json"
expect_json "both are named" '(.skipped | length) == 2' "$WORK/out"

# A state of no export but one with only a header, and one state alone.
head -n 1 "$WORK/whole.csv" >"$WORK/empty.csv"
"$DRTRIAGE" --quiet -o "$WORK/empty.state" "$WORK/empty.csv"
run "$DRTRIAGE" merge -f json "$WORK/empty.state" "$WORK"/plain-3/part-*.state
expect_status "a state of an empty export merges" 0
expect_json "it adds an input and no call" '(.inputs | length) == 4' "$WORK/out"
run "$DRTRIAGE" merge -f json "$WORK/plain-1/part-01.state"
jq -S . "$WORK/out" >"$WORK/one.json"
"$DRTRIAGE" --quiet -f json "$WORK/plain-1/part-01.csv" | jq -S . >"$WORK/run.json"
expect_true "one state alone is its run's report" cmp -s "$WORK/one.json" "$WORK/run.json"

# --- what merge refuses: exit 2, no report ---
S="$WORK/plain-3/part-01.state"
refused() { # DESC MESSAGE ARGS...
    desc=$1 says=$2
    shift 2
    rm -f "$WORK/r.json"
    run "$DRTRIAGE" merge -o "$WORK/r.json" "$@"
    expect_status "$desc" 2
    expect_stderr "$desc: says why" "$says"
    expect_true "$desc: no report" test ! -e "$WORK/r.json"
}
refused "an export is not a state" "not a drtriage state" "$WORK/whole.csv"
refused "an empty file" "not a drtriage state" /dev/null
refused "a missing file" "cannot open" "$WORK/missing.state"
refused "a directory" "is a directory" "$WORK"
size=$(wc -c <"$S")
head -c $((size - 1)) "$S" >"$WORK/cut.state"
refused "a truncated state" "truncated or corrupt state" "$WORK/cut.state"
head -c $((size / 2)) "$S" >"$WORK/half.state"
refused "half a state" "truncated or corrupt state" "$S" "$WORK/half.state"
cp "$S" "$WORK/flip.state"
printf 'Z' | dd of="$WORK/flip.state" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
refused "a byte changed" "its checksum does not match" "$WORK/flip.state"
printf 'DRTSTATE\002' >"$WORK/v2.state"
refused "another version" "a state of version 2; this drtriage reads version 1" "$WORK/v2.state"
printf '[action extra]\ntitle = Extra\nowner = sbc\ntext = more\n' >"$WORK/extra.rules"
refused "other rules" "made with other rules" --rules "$WORK/extra.rules" "$S"
# The digests it names are the ones --version shows for each set of rules.
made=$("$DRTRIAGE" --no-user-rules --version | sed -n 's/^rules .*, digest //p')
loaded=$("$DRTRIAGE" --no-user-rules --rules "$WORK/extra.rules" --version |
         sed -n 's/^rules .*, digest //p')
expect_true "--version shows a digest per set of rules" test -n "$made" -a "$made" != "$loaded"
expect_stderr "other rules: names both digests as --version shows them" \
    "digest $made; the rules loaded have $loaded"
refused "other --by" "different time series" "$S" "$WORK/tables-3/part-01.state"
refused "other filters" "different filters" "$S" "$WORK/filtered-3/part-01.state"
refused "stdin twice" "only once" - -
refused "no state" "no states" 
run "$DRTRIAGE" merge -f state "$S"
expect_status "a state is binary: not to a terminal, but to a pipe" 0
expect_true "merge -f state writes a state" sh -c "head -c 8 '$WORK/out' | grep -q DRTSTATE"

finish
