#!/bin/sh
# The man page (docs/drtriage.1) against the --help texts: every long option of
# every command is defined in the man page (as a .TP tag), the man page names no
# option that no --help has, every exit status line of every --help is in EXIT
# STATUS under its command and no other code is, the required sections are there,
# and the page renders without warnings. Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

MAN=${DRTRIAGE_MAN:-docs/drtriage.1} # another page: for testing this test

# plain FILE: roff source as text: \- as -, no font changes, \(aq \(dq \& resolved.
plain() {
    sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f\[[A-Za-z]*\]//g' -e 's/\\&//g' \
        -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' "$1"
}

# long_options: the --options in standard input, one per line, sorted.
long_options() {
    grep -o -- '--[A-Za-z][A-Za-z0-9-]*' | sed 's/-*$//' | sort -u
}

if [ ! -r "$MAN" ]; then
    fail "$MAN is missing"
    finish
    exit
fi
plain "$MAN" >"$WORK/man.txt"

# Options the man page defines: the tag line after each .TP.
awk 'prev ~ /^\.TP( |$)/ { print } { prev = $0 }' "$WORK/man.txt" | long_options \
    >"$WORK/man-defined"
long_options <"$WORK/man.txt" >"$WORK/man-all"

# --- every command's --help ---
: >"$WORK/help-all"
for cmd in "" explain rules "rules check" "rules list" merge help ingest trend history; do
    name="drtriage${cmd:+ $cmd}"
    # shellcheck disable=SC2086 # split on purpose
    run "$DRTRIAGE" $cmd --help
    expect_status "$name --help" 0
    cp "$WORK/out" "$WORK/help"
    long_options <"$WORK/help" >"$WORK/help-options"
    cat "$WORK/help-options" >>"$WORK/help-all"

    # Every long option of the help is defined in the man page.
    while read -r opt; do
        if grep -qxF -- "$opt" "$WORK/man-defined"; then pass; else
            fail "$name --help has $opt, which $MAN does not define (no .TP tag names it)"
        fi
    done <"$WORK/help-options"

    # Every exit status line of the help is under the command in EXIT STATUS.
    grep -q '^Exit status:' "$WORK/help" || continue
    section="drtriage${cmd:+ $cmd}"
    [ -z "$cmd" ] && section="drtriage report"
    sed -n '/^Exit status:/,/^$/p' "$WORK/help" | grep '^  [0-9]  ' |
        sed 's/^  \([0-9]\)  /\1|/' >"$WORK/help-exit"
    awk -v s="$section" '
        /^\.SH/ { in_exit = ($0 ~ /EXIT STATUS/); next }
        !in_exit { next }
        /^\.SS/ { sub(/^\.SS */, ""); gsub(/"/, ""); sub_name = $0; next }
        /^\.TP/ { want_code = 1; next }
        want_code && /^\.B [0-9]+$/ { code = $2; want_code = 0; want_text = 1; next }
        want_text { if (sub_name == s) print code "|" $0; want_text = 0 }
    ' "$WORK/man.txt" >"$WORK/man-exit"
    while IFS= read -r line; do
        if grep -qxF -- "$line" "$WORK/man-exit"; then pass; else
            fail "$name --help exit status '${line%%|*}  ${line#*|}' is not under \"$section\" in $MAN's EXIT STATUS" \
                "$(cat "$WORK/man-exit")"
        fi
    done <"$WORK/help-exit"
    cut -d'|' -f1 "$WORK/man-exit" | while read -r code; do
        grep -q "^$code|" "$WORK/help-exit" ||
            printf '%s\n' "$code" >>"$WORK/extra-codes"
    done
    if [ -s "$WORK/extra-codes" ]; then
        fail "$MAN gives \"$section\" exit codes its --help does not: $(tr '\n' ' ' <"$WORK/extra-codes")"
        rm -f "$WORK/extra-codes"
    else
        pass
    fi
done

# --- no stale options in the man page ---
# --NAME-column is --FIELD-column for a FIELD the report's help lists.
"$DRTRIAGE" --help | sed -n '/--FIELD-column/,/^$/p' | tr '\n' ' ' |
    sed 's/.*one *of: *//' | tr ',' ' ' | tr -s ' ' '\n' | sed '/^$/d' >"$WORK/fields"
expect_true "the report --help lists the fields of --FIELD-column" test -s "$WORK/fields"
sort -u "$WORK/help-all" >"$WORK/help-union"
while read -r opt; do
    field=${opt#--}
    field=${field%-column}
    if grep -qxF -- "$opt" "$WORK/help-union"; then
        pass
    elif [ "$field" != "${opt#--}" ] && grep -qxF -- "$field" "$WORK/fields"; then
        pass
    else
        fail "$MAN names $opt, which no --help has (stale or misspelt option)"
    fi
done <"$WORK/man-all"

# The man page lists the same --FIELD-column fields as the help.
awk '/^\.BI --FIELD-column/ { on = 1; next } on && /^\.(TP|SS|SH)/ { on = 0 } on' \
    "$WORK/man.txt" >"$WORK/man-fields"
while read -r field; do
    if grep -qw -- "$field" "$WORK/man-fields"; then pass; else
        fail "$MAN does not list the field '$field' under --FIELD-column"
    fi
done <"$WORK/fields"

# --- the sections a man page needs ---
for sh in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS FILTERS '"EXIT STATUS"' ENVIRONMENT \
    FILES EXAMPLES '"SEE ALSO"'; do
    if grep -qxF ".SH $sh" "$WORK/man.txt"; then pass; else fail "$MAN lacks .SH $sh"; fi
done
for var in DRTRIAGE_RULES XDG_CONFIG_HOME HOME NO_COLOR; do
    if awk '/^\.SH ENVIRONMENT/ { on = 1; next } /^\.SH/ { on = 0 } on' "$WORK/man.txt" |
        grep -qxF ".B $var"; then pass; else
        fail "$MAN's ENVIRONMENT does not describe $var"
    fi
done

# --- it renders without warnings (groff comes from scripts/install-deps) ---
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww "$MAN" >"$WORK/rendered" 2>"$WORK/groff-err"
    rc=$?
    if [ "$rc" -eq 0 ] && [ ! -s "$WORK/groff-err" ]; then pass; else
        fail "groff -man -Tutf8 -ww $MAN: warnings or errors (exit $rc)" "$(cat "$WORK/groff-err")"
    fi
    bs=$(printf '\b')
    sed "s/.$bs//g" "$WORK/rendered" >"$WORK/rendered.txt" # no overstrike
    expect_true "$MAN renders to text" grep -q '^EXIT STATUS' "$WORK/rendered.txt"
else
    fail "groff is not installed: run scripts/install-deps (package groff-base)"
fi

finish
