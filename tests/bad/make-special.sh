#!/bin/sh
# Generates the bad inputs too big or too special to commit, into DIR:
#   make-special.sh DIR
# tests/run-bad calls it; each file has its NAME.expect beside this script.
set -eu
dir=$1
mkdir -p "$dir"
H='Final SIP code,Final Microsoft subcode,SBC FQDN,Final SIP Phrase'
R='403,560403,sbc1.contoso.com,Forbidden'

# A stray quote on line 3 swallows 100 MB of otherwise good rows: one field
# that would grow without end; --max-field (1 MiB) stops it early.
{ printf '%s\n%s\n404,560404,"sbc1.contoso.com,Not Found\n' "$H" "$R"
  yes "$R" | head -c 100000000; } >"$dir/huge-field.csv"

# The same without quotes: one 100 MB line with no delimiter.
{ printf '%s\n%s\n' "$H" "$R"
  yes x | tr -d '\n' | head -c 100000000; printf '\n'; } >"$dir/huge-line.csv"

# 10,000 columns: read; 20,000: more than a header may have.
awk 'BEGIN {
    printf "Final SIP code,Final Microsoft subcode"; for (i = 0; i < 9998; i++) printf ",c%d", i; print ""
    printf "403,560403"; for (i = 0; i < 9998; i++) printf ",v"; print "" }' >"$dir/cols-10000.csv"
awk 'BEGIN {
    printf "Final SIP code,Final Microsoft subcode"; for (i = 0; i < 19998; i++) printf ",c%d", i; print ""
    print "403,560403" }' >"$dir/cols-20000.csv"
# A header of a million delimiters (under --max-field): bounded, refused.
{ printf 'Final SIP code,Final Microsoft subcode'; head -c 1000000 /dev/zero | tr '\0' ','
  printf '\n403,560403\n'; } >"$dir/header-commas-1m.csv"
# A header line longer than --max-field, no line break at all.
{ printf 'Final SIP code,Final Microsoft subcode,'; head -c 2000000 /dev/zero | tr '\0' 'h'; } \
    >"$dir/header-line-too-long.csv"

# Header of exactly 65535 bytes then CRLF: the first 64 KiB input block ends
# between the CR and the LF. Line numbers must not depend on that.
pad=$((65535 - ${#H} - 1))
{ printf '%s,' "$H"; head -c "$pad" /dev/zero | tr '\0' 'p'; printf '\r\n'
  printf '%s,p\r\n4x3,560403,sbc1,x,p\r\n%s,p\r\n' "$R" "$R"; } >"$dir/crlf-split-at-block.csv"

# A PowerShell #TYPE line, then a header that ends past the first 64 KiB
# block: the #TYPE line must be counted once.
{ printf '#TYPE Microsoft.Graph.DirectRoutingLogRow\r\n%s,' "$H"
  head -c 70000 /dev/zero | tr '\0' 'q'; printf '\r\n%s,q\r\n4x3,560403,sbc1,x,q\r\n' "$R"; } \
    >"$dir/type-line-split.csv"

# Phrases and a header name on which a catastrophic pattern (^(a|a)*$, in
# rules-catastrophic-*.rules) gives up.
awk -v h="$H" 'BEGIN { print h; s = "a"; while (length(s) < 2000) s = s s
    for (i = 0; i < 200; i++) printf "403,560403,sbc1.contoso.com,%s%d!\n", s, i
    print "403,560403,sbc1.contoso.com,aaaa" }' >"$dir/rules-catastrophic-pattern.csv"
{ printf 'Final SIP code,Final Microsoft subcode,'; head -c 250 /dev/zero | tr '\0' a
  printf '!\n403,560403,x\n'; } >"$dir/rules-catastrophic-alias.csv"
