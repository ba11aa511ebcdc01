#!/bin/sh
# Output safety: text from the input (SBC names, phrases, codes quoted in
# rejection reasons, header names) may hold terminal escapes, quotes,
# backslashes, markup and invalid UTF-8. Every writer must neutralise it:
#   text  no ESC and no C0 control but \n (with --color=always: only the
#         writer's own SGR sequences), valid UTF-8;
#   json  valid JSON (jq) and valid UTF-8 (iconv), the text kept as escapes.
# Warnings and errors on stderr show what they quote escaped (\x1b, \u202e):
# no control, C1 or bidi character reaches the terminal; rules list turns C1
# controls into spaces; TERM=dumb means no colour. A signal during a run with
# -o leaves no temporary file and the previous report. A closed
# pipe (drtriage ... | head -1) ends drtriage quietly: SIGPIPE, no message.
# Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

ESC=$(printf '\033')
H='Final SIP code,Final Microsoft subcode,SBC FQDN,Final SIP Phrase'
{
    printf '%s\n' "$H"
    printf '403,560403,sbc\033[2J\033]0;owned\007.contoso.com,Forbidden\n'
    printf '503,799999,"sbc""quoted"".contoso.com","Phrase with ""quotes"" and \\\\backslash\\\\"\n'
    printf '503,799998,<script>alert(1)</script>,<script>alert(2)</script>\n'
    printf '503,799997,sbc\377\376.contoso.com,bad \300\257 utf-8 \355\240\200 \033[31mred\n'
    printf '504,799996,sbc\302\233 31m c1.contoso.com,"tab\there cr\rhere"\n'
    printf '4\0333,560403,sbc1,rejected because of \033[2J\n'
    printf '5\377,560403,sbc1,rejected with invalid utf-8\n'
} >"$WORK/hostile.csv"

# is_clean_text FILE: no byte < 0x20 but \n, no DEL, valid UTF-8.
is_clean_text() {
    LC_ALL=C tr -d '\000-\011\013-\037\177' <"$1" | cmp -s - "$1" &&
        iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1
}

# --- text, no colour ---
run "$DRTRIAGE" --color=never "$WORK/hostile.csv"
expect_status "text report of hostile input" 0
cp "$WORK/out" "$WORK/report.txt"
expect_true "text report: no control characters, valid UTF-8" is_clean_text "$WORK/report.txt"
expect_stdout "text report keeps the markup as text" "<script>alert(1)</script>"
expect_stdout "text report keeps quotes" 'sbc"quoted".contoso.com'
expect_stdout "text report shows invalid UTF-8 as ?" "sbc??.contoso.com"
expect_true "stderr warning: no control characters" is_clean_text "$WORK/err"
expect_stderr "stderr warning names the rejected row" "hostile.csv:7:"

# --- text with colour: only our SGR sequences ---
run "$DRTRIAGE" --color=always "$WORK/hostile.csv"
expect_status "colour text report of hostile input" 0
sed "s/$ESC\[[0-9;]*m//g" "$WORK/out" >"$WORK/uncoloured.txt"
expect_true "colour text report: no escape but SGR" is_clean_text "$WORK/uncoloured.txt"

# --- narrow and --top reports cut text: still clean UTF-8 ---
for top in 1 2; do
    run "$DRTRIAGE" --color=never --top "$top" "$WORK/hostile.csv"
    cp "$WORK/out" "$WORK/top.txt"
    expect_true "text report --top $top: clean" is_clean_text "$WORK/top.txt"
done

# --- JSON ---
run "$DRTRIAGE" --format json "$WORK/hostile.csv"
expect_status "JSON report of hostile input" 0
cp "$WORK/out" "$WORK/report.json"
expect_json "JSON report is valid" '.schema_version == 2' "$WORK/report.json"
expect_accounting "JSON report of hostile input" "$WORK/report.json"
expect_true "JSON report is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$WORK/report.json" -o /dev/null
expect_true "JSON report: no raw control characters" is_clean_text "$WORK/report.json"
expect_json "JSON keeps the escape as \\u001b" \
    '[.by_sbc[].sbc] | any(. == "sbc\u001b[2J\u001b]0;owned\u0007.contoso.com")' "$WORK/report.json"
expect_json "JSON keeps quotes and markup" \
    '[.by_sbc[].sbc] | any(. == "sbc\"quoted\".contoso.com") and any(. == "<script>alert(1)</script>")' \
    "$WORK/report.json"
expect_json "JSON replaces invalid UTF-8 with U+FFFD" \
    '[.by_sbc[].sbc] | any(. == "sbc\ufffd\ufffd.contoso.com")' "$WORK/report.json"
expect_json "JSON keeps phrases with backslashes" \
    '[.by_code[].phrase] | any(. == "Phrase with \"quotes\" and \\\\backslash\\\\")' "$WORK/report.json"
expect_json "JSON rejection reasons escaped" \
    '[.rejected_rows[].reason] | any(startswith("SIP code '"'"'4\u001b3'"'"'"))' "$WORK/report.json"

# --- a hostile header: the error message on stderr is clean ---
printf 'a\033[2J,b\377,<c>\n1,2,3\n' >"$WORK/hostile-header.csv"
run "$DRTRIAGE" "$WORK/hostile-header.csv"
expect_status "hostile header" 2
expect_true "hostile header: stderr has no control characters" is_clean_text "$WORK/err"
expect_stderr "hostile header: headers listed, escaped" "headers found: 'a\\x1b[2J', 'b\\xff', '<c>'"

# --- every message on stderr shows what it quotes escaped, never raw ---
# is_clean_message FILE: clean text without C1 controls (UTF-8 C2 80-9F) or
# bidi controls (E2 80 8E/8F, E2 80 AA-AE, E2 81 A6-A9).
is_clean_message() {
    is_clean_text "$1" &&
        ! LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1" &&
        ! LC_ALL=C grep -q "$(printf '\342\200[\216\217\252-\256]')" "$1" &&
        ! LC_ALL=C grep -q "$(printf '\342\201[\246-\251]')" "$1"
}
BAD=$(printf 'x\033]0;owned\007\342\200\256\302\233y\tz')
run "$DRTRIAGE" --top "$BAD" "$WORK/hostile.csv"
expect_status "usage error echoing an argument" 2
expect_true "usage error: clean stderr" is_clean_message "$WORK/err"
expect_stderr "usage error: the argument escaped" "--top 'x\\x1b]0;owned\\x07\\u202e\\u009by\\x09z'"
run "$DRTRIAGE" "$WORK/$BAD.csv"
expect_status "missing input with a hostile name" 2
expect_true "missing input: clean stderr" is_clean_message "$WORK/err"
expect_stderr "missing input: the path escaped" "x\\x1b]0;owned\\x07\\u202e\\u009by\\x09z.csv: cannot open"
run "$DRTRIAGE" --fail-if "action:$BAD>1" "$WORK/hostile.csv"
expect_status "--fail-if with a hostile action id" 2
expect_true "--fail-if: clean stderr" is_clean_message "$WORK/err"
printf '[action ok\033[31m]\ntitle = T\nowner = boss\342\200\256\ntext = t\n' >"$WORK/hostile.rules"
run "$DRTRIAGE" rules check "$WORK/hostile.rules"
expect_status "rules problems echoing rules text" 2
expect_true "rules check: clean stderr" is_clean_message "$WORK/err"
expect_stderr "rules check: the value escaped" "owner 'boss\\u202e'"
run "$DRTRIAGE" --no-user-rules --rules "$WORK/hostile.rules" "$WORK/hostile.csv"
expect_status "report with broken hostile rules" 2
expect_true "report with broken rules: clean stderr" is_clean_message "$WORK/err"
run "$DRTRIAGE" --fail-if 'failed>0' "$WORK/hostile.csv"
expect_status "a breach" 1
expect_true "warning and breach lines: clean stderr" is_clean_message "$WORK/err"
expect_stderr "the rejection warning quotes the cell escaped" "SIP code '4\\x1b3'"

# --- rules list: C0, DEL and C1 controls become spaces ---
printf '[action c1]\ntitle = a\302\205b\302\233c\233d\033e\177f\302\240g\nowner = sbc\ntext = t\n' \
    >"$WORK/c1.rules"
run "$DRTRIAGE" rules list --no-user-rules --rules "$WORK/c1.rules"
expect_status "rules list with controls" 0
grep '^action	c1	' "$WORK/out" >"$WORK/c1.tsv"
expect_true "rules list: C1 stripped" test "$(cut -f6 "$WORK/c1.tsv")" = "$(printf 'a b c d e f\302\240g')"

# --- TERM=dumb: no colour, even on a terminal ---
if script -qec true /dev/null >/dev/null 2>&1; then
    for term in xterm dumb; do
        TERM=$term script -qec "\"$DRTRIAGE\" samples/tac-directrouting.csv" /dev/null \
            >"$WORK/tty-$term.txt" 2>&1
    done
    expect_true "colour on a terminal (TERM=xterm)" grep -q "$ESC\[" "$WORK/tty-xterm.txt"
    expect_true "no colour with TERM=dumb" test "$(grep -c "$ESC" "$WORK/tty-dumb.txt")" -eq 0
else
    echo "output-safety: TERM=dumb not checked (no script(1) pseudo-terminal)"
fi

# --- signals: SIGTERM, SIGINT and SIGHUP at random points of a run with -o ---
# The temporary file goes, the previous report stays untouched (unless the
# signal came after the rename, when the run was ending), and the exit status
# is 128 + the signal; a run the signal missed wrote the whole report.
# The signals get their default action first: a shell starts background jobs
# with SIGINT ignored, and drtriage leaves ignored signals ignored.
build/gen-export --rows 200000 -o "$WORK/sig.csv"
mkdir -p "$WORK/sig"
"$DRTRIAGE" -o "$WORK/sig-reference.txt" "$WORK/sig.csv"
"$DRTRIAGE" --rows origin=sbc -o "$WORK/sig-reference.csv" "$WORK/sig.csv"
sigdefault=""
env --default-signal=INT,TERM,HUP true 2>/dev/null && sigdefault="env --default-signal=INT,TERM,HUP"
killed=0
i=0
for sig in TERM INT HUP TERM INT HUP TERM INT HUP TERM INT HUP TERM INT HUP TERM INT HUP; do
    i=$((i + 1))
    rm -f "$WORK/sig/"*
    delay=$(awk -v seed="$i" 'BEGIN { srand(seed); printf "%.3f", rand() * 0.6 }')
    # Odd runs write the report at the end, even runs (--rows) all along.
    mode="" reference="$WORK/sig-reference.txt" target=report.txt
    [ $((i % 2)) -eq 0 ] && mode="--rows origin=sbc" reference="$WORK/sig-reference.csv" \
        target=report.csv
    printf 'the previous report\n' >"$WORK/sig/$target"
    # shellcheck disable=SC2086 # split on purpose
    $sigdefault "$DRTRIAGE" $mode -o "$WORK/sig/$target" "$WORK/sig.csv" 2>"$WORK/sig-err" &
    pid=$!
    sleep "$delay"
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null # no "Terminated" from the shell
    st=$?
    left=$(ls "$WORK/sig" | grep -cvx "$target")
    if [ "$st" -eq 0 ]; then
        expect_true "$sig after ${delay}s missed the run: whole report written" \
            cmp -s "$WORK/sig/$target" "$reference"
    elif [ "$(kill -l "$((st - 128))" 2>/dev/null)" = "$sig" ]; then
        killed=$((killed + 1))
        # Killed before the rename: the previous report; after it (the run
        # was ending): the whole new one. Never a part.
        expect_true "$sig after ${delay}s: previous report untouched (or the whole new one)" \
            sh -c 'test "$(cat "$1")" = "the previous report" || cmp -s "$1" "$2"' sh \
            "$WORK/sig/$target" "$reference"
        expect_true "$sig after ${delay}s: nothing on stderr" test ! -s "$WORK/sig-err"
    else
        fail "$sig after ${delay}s: exit $st, expected $((128 + $(kill -l "$sig"))) or 0" \
            "$(cat "$WORK/sig-err")"
    fi
    expect_true "$sig after ${delay}s: no temporary file left" test "$left" -eq 0
done
echo "output-safety: $killed of $i runs killed mid-way"
expect_true "some runs were killed mid-way" test "$killed" -gt 0

# --- a closed pipe: quiet ---
# SIGPIPE must have its default action for this (a parent may have ignored it).
sigdefault=""
env --default-signal=PIPE true 2>/dev/null && sigdefault="env --default-signal=PIPE"
awk -v h="$H" 'BEGIN { print h
    for (i = 0; i < 20000; i++) printf "403,560403,sbc%05d.contoso.com,Forbidden\n", i }' >"$WORK/big.csv"
for format in text json; do
    run sh -c "$sigdefault \"$DRTRIAGE\" --format $format \"$WORK/big.csv\" samples/*.csv | head -1"
    expect_true "closed pipe ($format): no message on stderr" test ! -s "$WORK/err"
    expect_true "closed pipe ($format): first line written" test -s "$WORK/out"
done
run sh -c "$sigdefault \"$DRTRIAGE\" --format json \"$WORK/big.csv\" | (exec 0<&-; exit 0); echo \$? >/dev/null"
expect_true "closed pipe before any read: no message on stderr" test ! -s "$WORK/err"

finish
