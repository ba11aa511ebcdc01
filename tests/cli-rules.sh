#!/bin/sh
# `drtriage rules check` (every problem with its file:line, exit codes) and
# `drtriage rules list` (the effective table as TSV, overrides with their file).
# Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

unset DRTRIAGE_RULES
export XDG_CONFIG_HOME="$WORK/config"

# expect_problem DESC FILE:LINE TEXT: stderr has a line starting with FILE:LINE:
# that contains TEXT.
expect_problem() {
    if grep -F -- "$2: " "$WORK/err" | grep -qF -- "$3"; then pass; else
        fail "$1: no '$2: ...$3...' problem" "$(cat "$WORK/err")"
    fi
}

# --- help and usage ---
for cmd in "rules --help" "rules check --help" "rules list --help"; do
    # shellcheck disable=SC2086 # split on purpose
    run "$DRTRIAGE" $cmd
    expect_status "$cmd" 0
    expect_stdout "$cmd" "Usage: drtriage rules"
done
run "$DRTRIAGE" rules check --help
expect_stdout "rules check --help names the exit codes" "Exit status:"
run "$DRTRIAGE" rules list --help
expect_stdout "rules list --help names the columns" "kind  key  action  owner  origin  phrase  source  file:line"

run "$DRTRIAGE" rules
expect_status "rules without a command" 2
run "$DRTRIAGE" rules frobnicate
expect_status "unknown rules command" 2
expect_stderr "unknown rules command" "unknown rules command 'frobnicate'"
run "$DRTRIAGE" rules check
expect_status "rules check without a file" 2
run "$DRTRIAGE" rules check --bogus x
expect_status "rules check with an unknown option" 2
run "$DRTRIAGE" rules list extra
expect_status "rules list with an operand" 2

# --- a clean file, using built-in actions ---
cat >"$WORK/good.rules" <<'RULES'
[action call-our-carrier]
title = Carrier rejects the call
owner = sbc
text = Open a ticket with the carrier.

[code 599999/500]
phrase = Internal Server Error
pattern = ^internal server error\b
action = call-our-carrier
source = our runbook

[code 599998/500]
action = tls-certificate
source = our runbook

[header ms]
tac = ^oursubcode$
RULES
run "$DRTRIAGE" rules check "$WORK/good.rules"
expect_status "clean file" 0
expect_stdout "clean file summary" "good.rules: ok (1 action, 2 codes, 1 header alias)"
expect_true "clean file: nothing on stderr" test ! -s "$WORK/err"

# The built-in rules themselves are clean.
run sh -c "for f in rules/*.rules; do \"$DRTRIAGE\" rules check --no-builtin-rules --rules rules/policy.rules --rules rules/actions.rules \"\$f\" || exit 1; done"
expect_status "built-in rules files check clean" 0

# --- every kind of problem, all reported at once with file:line ---
cat >"$WORK/bad.rules" <<'RULES'
[action my-fix]
title = Fix it
owner = boss
expected = maybe
text = Do it.

[action my-fix]
title = Again
owner = sbc
text = t

[code 599999/500]
phrase = Boom
pattern = ^boom(
action = no-such-action
source = here
colour = red
source = twice

[code 599999/500]
phrase = boom.
action = tls-certificate
source = again

[bogus section]
x = 1

[header ms]
tac = ^ok$
teams = ^x$
any = ^bad[$

[origin 570]
origin = carrier
sip-from-code = perhaps

[sip-class 4]
action = missing-too

[action half]
title = T
owner = sbc
RULES
run "$DRTRIAGE" rules check "$WORK/bad.rules"
expect_status "bad file" 2
B=$WORK/bad.rules
expect_problem "bad owner" "$B:3" "owner 'boss'"
expect_problem "bad yes/no" "$B:4" "expected must be yes or no"
expect_problem "action defined twice" "$B:7" "action 'my-fix' defined twice"
expect_problem "undefined action" "$B:12" "no [action no-such-action] is defined"
expect_problem "bad code pattern with offset" "$B:14" "pattern '^boom(': missing closing parenthesis at offset 6"
expect_problem "unknown key" "$B:17" "unknown key 'colour'"
expect_problem "key given twice" "$B:18" "key 'source' given twice"
expect_problem "duplicate code entry" "$B:20" "same first phrase as line 12"
expect_problem "unknown section" "$B:25" "unknown section [bogus]"
expect_problem "unknown family" "$B:30" "unknown family 'teams'"
expect_problem "bad header pattern with offset" "$B:31" "pattern '^bad[\$': missing terminating ] for character class at offset 6"
expect_problem "bad origin" "$B:34" "origin must be"
expect_problem "bad sip-from-code" "$B:35" "sip-from-code must be yes or no"
expect_problem "undefined class action" "$B:37" "no [action missing-too] is defined"
expect_problem "missing required key" "$B:40" "lacks required key 'text'"
expect_true "one line per problem, in line order" \
    test "$(cut -d: -f2 "$WORK/err" | tr '\n' ' ')" = "3 4 7 12 14 17 18 20 25 30 31 34 35 37 40 "
expect_true "no ok line for a bad file" test ! -s "$WORK/out"

# Several files: each checked on its own; any problem makes exit 2.
run "$DRTRIAGE" rules check "$WORK/good.rules" "$WORK/bad.rules"
expect_status "good and bad files" 2
expect_stdout "good file still reported ok" "good.rules: ok"
expect_problem "bad file still reported" "$B:3" "owner 'boss'"

# A file may use actions from --rules; not from another checked file.
printf '[code 599997/500]\naction = call-our-carrier\nsource = s\n' >"$WORK/uses.rules"
run "$DRTRIAGE" rules check "$WORK/uses.rules"
expect_status "reference to an action defined nowhere" 2
expect_problem "reference to an action defined nowhere" "$WORK/uses.rules:1" "no [action call-our-carrier]"
run "$DRTRIAGE" rules check --rules "$WORK/good.rules" "$WORK/uses.rules"
expect_status "reference to an action from --rules" 0

run "$DRTRIAGE" rules check "$WORK/missing.rules"
expect_status "missing file" 2
expect_stderr "missing file" "missing.rules"
run "$DRTRIAGE" rules check "$WORK"
expect_status "directory" 2
expect_stderr "directory" "is a directory"

# --- rules list ---
run "$DRTRIAGE" rules list
expect_status "rules list" 0
expect_true "header line" test "$(head -1 "$WORK/out")" = "$(printf 'kind\tkey\taction\towner\torigin\tphrase\tsource\tfile:line')"
expect_true "eight columns everywhere" test "$(awk -F'\t' 'NF != 8' "$WORK/out" | wc -l)" -eq 0
for kind in code action sip sip-class origin header skip; do
    expect_true "rules list has $kind rows" grep -q "^$kind	" "$WORK/out"
done
expect_stdout "a code row" "$(printf 'code\t569002/504\ttls-certificate\tsbc\tmicrosoft\t')"
expect_stdout "an origin row" "$(printf 'origin\t560\tsbc-response\tsbc\tsbc\tsip-from-code\t\t(built-in)/policy.rules:')"
expect_stdout "built-in file:line" "(built-in)/actions.rules:"
expect_true "kinds in blocks" test "$(cut -f1 "$WORK/out" | uniq | tr '\n' ' ')" = "kind code action sip sip-class origin header skip "
cp "$WORK/out" "$WORK/list1"
run "$DRTRIAGE" rules list
expect_true "rules list is deterministic" cmp -s "$WORK/out" "$WORK/list1"

# A user override wins, with its file:line; user rules and --rules both count.
cat >"$WORK/override.rules" <<'RULES'
[action tls-certificate]
title = Our certificate runbook
owner = network
text = Follow runbook VOICE-12.
RULES
run "$DRTRIAGE" rules list --rules "$WORK/override.rules" --rules "$WORK/good.rules"
expect_status "rules list --rules" 0
expect_stdout "override wins with its file" "$(printf 'action\ttls-certificate\ttls-certificate\tnetwork\t\tOur certificate runbook\t\t%s:1' "$WORK/override.rules")"
expect_stdout "code rows show the overriding owner" "$(printf 'code\t569002/504\ttls-certificate\tnetwork\t')"
expect_stdout "added code with its file" "$(printf 'code\t599999/500\tcall-our-carrier\tsbc\tmicrosoft\tInternal Server Error\tour runbook\t%s:6' "$WORK/good.rules")"
expect_stdout "added header alias" "$(printf 'header\tms/tac\t\t\t\t^oursubcode$\t\t%s:17' "$WORK/good.rules")"
expect_true "the built-in action row is gone" test "$(grep -c "^action	tls-certificate	" "$WORK/out")" -eq 1

mkdir -p "$WORK/config/drtriage/rules.d"
cp "$WORK/override.rules" "$WORK/config/drtriage/rules.d/"
run "$DRTRIAGE" rules list
expect_stdout "user rules.d override" "$WORK/config/drtriage/rules.d/override.rules:1"
run "$DRTRIAGE" rules list --no-user-rules
expect_stdout "--no-user-rules" "$(printf 'action\ttls-certificate\ttls-certificate\tsbc\t')"

run "$DRTRIAGE" rules list --no-user-rules --rules "$WORK/bad.rules"
expect_status "rules list with broken rules" 2
expect_stderr "rules list with broken rules" "bad.rules:3:"

# --- rules files are untrusted input ---
# A pattern that does not compile is an error for every command that loads
# the rules, naming the pattern's file:line.
printf '[code 599999/500]\nphrase = x\npattern = ^bad(\naction = tls-certificate\nsource = s\n' \
    >"$WORK/badpat.rules"
printf '[header ms]\ntac = ^bad[$\n' >"$WORK/badalias.rules"
printf 'Final SIP code,Final Microsoft subcode\n403,560403\n' >"$WORK/one.csv"
for cmd in "explain 403" "rules list" "report $WORK/one.csv"; do
    # shellcheck disable=SC2086 # split on purpose
    run "$DRTRIAGE" $cmd --no-user-rules --rules "$WORK/badpat.rules"
    expect_status "bad code pattern: $cmd" 2
    expect_stderr "bad code pattern: $cmd" "badpat.rules:3: [code 599999/500] pattern '^bad(': missing closing parenthesis at offset 5"
    # shellcheck disable=SC2086
    run "$DRTRIAGE" $cmd --no-user-rules --rules "$WORK/badalias.rules"
    expect_status "bad header pattern: $cmd" 2
    expect_stderr "bad header pattern: $cmd" "badalias.rules:2: [header ms] tac pattern '^bad[\$'"
done

# A pattern that backtracks catastrophically gives up within its budget: the
# phrase does not match it, and the report says so (no slow run).
printf '[code 560403/403]\npattern = ^(a|a)*$\naction = caller-cancelled\nsource = s\n\n[code 560403/403]\naction = tls-certificate\nsource = s\n' \
    >"$WORK/slow.rules"
awk 'BEGIN { print "Final SIP code,Final Microsoft subcode,Final SIP Phrase"; s = "a"
    while (length(s) < 2000) s = s s
    for (i = 0; i < 300; i++) printf "403,560403,%s%d!\n", s, i
    print "403,560403,aaaa" }' >"$WORK/slow.csv"
run "$DRTRIAGE" --format json --no-user-rules --rules "$WORK/slow.rules" "$WORK/slow.csv"
expect_status "catastrophic phrase pattern" 0
expect_json "catastrophic phrase pattern: noted with its file:line" \
    '.notes | any(contains("slow.rules:2: pattern '"'"'^(a|a)*$'"'"' of [code 560403/403] gave up") and contains("gave up 300 times"))' \
    "$WORK/out"
expect_json "catastrophic phrase pattern: the short phrase still matches it" \
    '([.by_action[] | select(.action == "caller-cancelled")][0].failed == 1) and ([.by_action[] | select(.action == "tls-certificate")][0].failed == 300)' \
    "$WORK/out"
printf '[header phrase]\nany = ^(a|a)*$\n' >"$WORK/slowalias.rules"
{ printf 'Final SIP code,Final Microsoft subcode,'; head -c 250 /dev/zero | tr '\0' a; printf '!\n403,560403,x\n'; } \
    >"$WORK/slowalias.csv"
run "$DRTRIAGE" --format json --no-user-rules --rules "$WORK/slowalias.rules" "$WORK/slowalias.csv"
expect_status "catastrophic header alias" 0
expect_json "catastrophic header alias: noted" \
    '.notes | any(contains("slowalias.rules:2: header pattern '"'"'^(a|a)*$'"'"' gave up on header"))' \
    "$WORK/out"

# A FIFO, a device or a directory as a rules file is refused at once.
mkfifo "$WORK/fifo.rules"
run timeout 10 "$DRTRIAGE" rules list --no-user-rules --rules "$WORK/fifo.rules"
expect_status "--rules FIFO" 2
expect_stderr "--rules FIFO" "rules '$WORK/fifo.rules' is not a regular file or a directory"
run timeout 10 "$DRTRIAGE" rules list --no-user-rules --rules /dev/zero
expect_status "--rules device" 2
expect_stderr "--rules device" "rules '/dev/zero' is not a regular file"
run env DRTRIAGE_RULES="$WORK/fifo.rules" timeout 10 "$DRTRIAGE" explain 403
expect_status "\$DRTRIAGE_RULES FIFO" 2
expect_stderr "\$DRTRIAGE_RULES FIFO" "is not a regular file or a directory"
mkdir -p "$WORK/fifodir/drtriage/rules.d"
mkfifo "$WORK/fifodir/drtriage/rules.d/site.rules"
run env XDG_CONFIG_HOME="$WORK/fifodir" timeout 10 "$DRTRIAGE" "$WORK/one.csv"
expect_status "FIFO in rules.d" 2
expect_stderr "FIFO in rules.d" "rules.d/site.rules' is not a regular file or a directory"
run timeout 10 "$DRTRIAGE" rules check --no-user-rules "$WORK/fifo.rules"
expect_status "rules check FIFO" 2
expect_stderr "rules check FIFO" "is not a regular file or a directory"

# A word over 255 bytes in a [values] list is reported at its own line.
{ printf '[values success]\ntrue = yes\n\nfalse = no '; head -c 300 /dev/zero | tr '\0' x; printf '\n'; } \
    >"$WORK/longword.rules"
run "$DRTRIAGE" rules check --no-user-rules "$WORK/longword.rules"
expect_status "long word in [values]" 2
expect_problem "long word in [values]" "$WORK/longword.rules:4" "is longer than 255 bytes"

# 100,000 sections of one code pair load (an index finds duplicates, not a
# comparison with every earlier section); a duplicate at the end is found.
awk 'BEGIN { for (i = 0; i < 100000; i++)
    printf "[code 560403/403]\nphrase = Phrase number %d\naction = tls-certificate\nsource = gen\n\n", i }' \
    >"$WORK/many.rules"
run "$DRTRIAGE" rules list --no-user-rules --rules "$WORK/many.rules"
expect_status "100000 sections" 0
expect_true "100000 sections: all listed" \
    test "$(grep -c "$(printf '^code\t560403/403\ttls-certificate\t.*\tgen\t')" "$WORK/out")" -eq 100000
printf '[code 560403/403]\nphrase = phrase NUMBER 77.\naction = tls-certificate\nsource = dup\n' \
    >>"$WORK/many.rules"
run "$DRTRIAGE" rules check --no-user-rules "$WORK/many.rules"
expect_status "100000 sections and a duplicate" 2
expect_problem "100000 sections and a duplicate" "$WORK/many.rules:500001" "same first phrase as line 386"

finish
