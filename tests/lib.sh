# tests/lib.sh - tiny assertion helpers shared by the shell test scripts.
# Each script sources this, calls the helpers, then `finish`, which prints the
# closing line "N passed, M failed" and sets the exit status.

passed=0
failed=0
DRTRIAGE=${DRTRIAGE:-build/drtriage}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/drtriage-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    printf 'FAIL: %s\n' "$1" >&2
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /' | head -20 >&2
    return 0
}

# run CMD...: runs a command, keeping its status, stdout and stderr.
run() {
    "$@" >"$WORK/out" 2>"$WORK/err"
    status=$?
}

# expect_status DESC CODE: the last `run` exited with CODE.
expect_status() {
    if [ "$status" -eq "$2" ]; then pass; else
        fail "$1: exit $status, expected $2" "$(cat "$WORK/err")"
    fi
}

# expect_stderr DESC TEXT: the last `run` wrote TEXT (fixed string) to stderr.
expect_stderr() {
    if grep -qF -- "$2" "$WORK/err"; then pass; else
        fail "$1: stderr lacks '$2'" "$(cat "$WORK/err")"
    fi
}

# expect_stdout DESC TEXT: the last `run` wrote TEXT (fixed string) to stdout.
expect_stdout() {
    if grep -qF -- "$2" "$WORK/out"; then pass; else
        fail "$1: stdout lacks '$2'" "$(head -c 2000 "$WORK/out")"
    fi
}

# expect_true DESC CMD...: CMD succeeds.
expect_true() {
    desc=$1
    shift
    if "$@"; then pass; else fail "$desc"; fi
}

# expect_json DESC FILTER FILE: jq -e FILTER holds for FILE.
expect_json() {
    if jq -e "$2" "$3" >/dev/null 2>"$WORK/jqerr"; then pass; else
        fail "$1: jq '$2' is false" "$(cat "$WORK/jqerr")"
    fi
}

# The accounting every report must satisfy: every row is a call row, rejected,
# excluded or a duplicate; a call row stands for its weight in calls, which is 1
# unless the input is a summarised export (weighted).
ACCOUNTING='.totals.rows == .totals.call_rows + .totals.rejected + .totals.excluded + .totals.duplicates
  and .totals.excluded == ([.totals.excluded_by_reason[]] | add)
  and .totals.undated <= .totals.excluded_by_reason.filters
  and .totals.calls == .totals.succeeded + .totals.failed
  and ([.by_origin[].failed] | add) == .totals.failed
  and ([.by_action[].failed] | add // 0) == .totals.failed
  and all(.by_action[]; ([.codes[].failed] | add // 0) == .failed)
  and ([.by_code[].failed] | add // 0) == .totals.failed
  and ([.by_sbc[].calls] | add // 0) == .totals.calls
  and ((.by_time | length) == 0 or ([.by_time[].calls] | add) + .undated_in_series == .totals.calls)
  and ((.by_group | length) == 0 or ([.by_group[].calls] | add) == .totals.calls)
  and ([.inputs[].rows] | add) == .totals.rows
  and ([.inputs[].rejected] | add) == .totals.rejected
  and ([.inputs[].call_rows] | add) == .totals.call_rows
  and ([.inputs[].calls] | add) == .totals.calls
  and ([.inputs[].excluded] | add) == .totals.excluded
  and ([.inputs[].duplicates] | add) == .totals.duplicates
  and all(.inputs[]; .rows == .call_rows + .rejected + .excluded + .duplicates
                     and (.weighted or .calls == .call_rows)
                     and .weighted == (.count_column != null))
  and (any(.inputs[]; .weighted) or (.totals.calls == .totals.call_rows
                                     and .totals.excluded_calls == .totals.excluded
                                     and .totals.duplicate_calls == .totals.duplicates))'

expect_accounting() {
    expect_json "$1: rows, calls, origins, actions, codes and SBCs add up" "$ACCOUNTING" "$2"
}

# split_export FILE N DIR: DIR/part-01.csv ... DIR/part-N.csv, each the header and a
# run of whole records (a record ends on a line where the quotes balance).
split_export() {
    mkdir -p "$3"
    awk -v n="$2" -v dir="$3" '
        function flush() { recs[++nrec] = rec; rec = "" }
        NR == 1 { header = $0; next }
        { rec = rec $0 "\n"; q += gsub(/"/, "\"") }
        q % 2 == 0 { flush(); q = 0 }
        END {
            for (k = 1; k <= n; k++) {
                f = sprintf("%s/part-%02d.csv", dir, k)
                printf "%s\n", header > f
                for (i = int((k - 1) * nrec / n) + 1; i <= int(k * nrec / n); i++)
                    printf "%s", recs[i] > f
                close(f)
            }
        }' "$1"
}

# norm_parts JSON: the report without what names its inputs: the inputs, the
# rejected rows' places, and the notes that name an input (part-NN.csv,
# whole.csv), to compare the report of an export with its parts' (split_export).
norm_parts() {
    jq -S 'del(.inputs) | .rejected_rows |= map(del(.path, .line))
           | .notes |= map(select(test("part-|whole") | not))' "$1"
}

# expect_spread NAME ONE REPORT: the reports a recipe spread over machines
# wrote (REPORT.json, REPORT.html) against the single-machine ones: one run
# over the same files (ONE.json, ONE.html), byte for byte, and the whole
# export ($WORK/whole.json), but for what names the files (norm_parts).
expect_spread() {
    for f in json html; do
        expect_true "$1: report.$f is one run's over the files" cmp -s "$2.$f" "$3.$f"
    done
    norm_parts "$WORK/whole.json" >"$WORK/whole.norm"
    norm_parts "$3.json" >"$WORK/report.norm"
    if cmp -s "$WORK/whole.norm" "$WORK/report.norm"; then pass; else
        fail "$1: the report is not the whole export's" \
            "$(diff "$WORK/whole.norm" "$WORK/report.norm" | head -20)"
    fi
}

finish() {
    printf '%s: %d passed, %d failed\n' "${0##*/}" "$passed" "$failed"
    [ "$failed" -eq 0 ]
}
