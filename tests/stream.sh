#!/bin/sh
# Streaming: a report must not depend on how its input arrives. A ~20 MB
# tricky export (scripts/gen-export --tricky) is cut into pieces at random byte
# offsets, and the pieces, concatenated, are fed through standard input in
# chunks of random sizes (1 byte to 1 MiB, build/chunk-feed). For several
# seeds the JSON report must equal the one-shot report of the file, except
# for the paths (inputs[].path, rejected_rows[].path: "<stdin>"). Three bad
# rows are put in the middle so that rejections are compared too. The same
# export zipped, gzipped and in a tar.xz (build/gen-archive) must give the
# same report too, from a file and from chunked standard input. Run by
# `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

GEN=${GEN:-build/gen-export}
FEED=${FEED:-build/chunk-feed}
GEN_ARCHIVE=${GEN_ARCHIVE:-build/gen-archive}
SEEDS=${STREAM_SEEDS:-"1 2 3 4 5"}

"$GEN" --tricky --bytes 20000000 --seed 11 -o "$WORK/gen.csv"
# A few bad rows in the middle: rejected rows (and their line numbers) too
# must not depend on the chunking.
awk 'NR == 1000 { print "\"403\"x,bad quoting"; print "short,row" }
     NR == 30000 { print "4x3,560403" }
     { print }' "$WORK/gen.csv" >"$WORK/export.csv"
run "$DRTRIAGE" --format json "$WORK/export.csv"
expect_status "one-shot run" 0
jq -S 'del(.inputs[].path, .rejected_rows[].path)' "$WORK/out" >"$WORK/want.json"
expect_accounting "one-shot run" "$WORK/out"
expect_json "one-shot run read the whole export" \
    '.totals.rows > 50000 and .totals.rejected == 3 and (.rejected_rows | length) == 3' "$WORK/out"

for seed in $SEEDS; do
    rm -f "$WORK"/piece.*
    "$FEED" --split 7 --seed "$seed" "$WORK/export.csv" "$WORK/piece"
    run sh -c "\"$FEED\" --seed $seed \"$WORK\"/piece.* | \"$DRTRIAGE\" --format json -"
    expect_status "seed $seed: chunked stdin" 0
    expect_json "seed $seed: read as <stdin>" '.inputs[0].path == "<stdin>"' "$WORK/out"
    jq -S 'del(.inputs[].path, .rejected_rows[].path)' "$WORK/out" >"$WORK/got.json"
    if cmp -s "$WORK/want.json" "$WORK/got.json"; then pass; else
        fail "seed $seed: chunked stdin report differs" "$(diff "$WORK/want.json" "$WORK/got.json" | head -20)"
    fi
done

# The same with the text report, and with two files versus their concatenation
# through stdin (a single input: only the totals and tables must agree).
run "$DRTRIAGE" --color=never "$WORK/export.csv"
cp "$WORK/out" "$WORK/want.txt"
run sh -c "\"$FEED\" --seed 9 --max 4096 \"$WORK/export.csv\" | \"$DRTRIAGE\" --color=never -"
sed 's#<stdin>#PATH#' "$WORK/out" >"$WORK/got.txt"
sed "s#$WORK/export.csv#PATH#" "$WORK/want.txt" >"$WORK/want2.txt"
if cmp -s "$WORK/want2.txt" "$WORK/got.txt"; then pass; else
    fail "text report: chunked stdin differs" "$(diff "$WORK/want2.txt" "$WORK/got.txt" | head -20)"
fi

# Archives: decompression blocks must not change what is read either.
for kind in zip gz tar.xz; do
    "$GEN_ARCHIVE" "$kind" "$WORK/export.$kind" "export.csv=$WORK/export.csv"
    for how in file stdin; do
        if [ "$how" = file ]; then
            run "$DRTRIAGE" --format json "$WORK/export.$kind"
        else
            run sh -c "\"$FEED\" --seed 5 \"$WORK/export.$kind\" | \"$DRTRIAGE\" --format json -"
        fi
        expect_status "$kind from a $how" 0
        jq -S 'del(.inputs[].path, .rejected_rows[].path)' "$WORK/out" >"$WORK/got.json"
        if cmp -s "$WORK/want.json" "$WORK/got.json"; then pass; else
            fail "$kind from a $how: the report differs" \
                "$(diff "$WORK/want.json" "$WORK/got.json" | head -20)"
        fi
    done
done
expect_json "a tar member from stdin is named <stdin>:MEMBER" \
    '.inputs[0].path == "<stdin>:export.csv" and .rejected_rows[0].path == "<stdin>:export.csv"' \
    "$WORK/out"

finish
