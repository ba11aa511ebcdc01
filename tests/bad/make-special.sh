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

# ---- archives and compressed files, written by build/gen-archive ----
# Named with their real extensions: drtriage goes by the bytes either way.
gen=${GEN_ARCHIVE:-build/gen-archive}
cases=tests/cases/archive
DR=$cases/DirectRouting.calls.2026-11-01.csv
# Rows that are all a header line: each is read (and rejected) until the bound stops it.
ROW='Final SIP code,Final Microsoft subcode
'

# Decompression bombs: 200 MB in about 200 KB (gzip); 1 GB in about 40 KB
# (zstd); a 300 MB member next to the export in a zip; 300 MB passed over
# in a member nobody reads. Each stops once the expanded bytes pass 16 MiB
# and 100 times the bytes read.
"$gen" gz "$dir/bomb-gz.csv.gz" "calls.csv=repeat:200000000:$ROW"
"$gen" zst "$dir/bomb-zst-1g.csv.zst" "calls.csv=repeat:1000000000:$ROW"
"$gen" zip "$dir/bomb-zip-member.zip" "DirectRouting.calls.2026-11-01.csv=$DR" \
    "big.csv=repeat:300000000:$ROW"
"$gen" tar.gz "$dir/bomb-skipped-member.tar.gz" "big.bin=repeat:300000000:x" \
    "DirectRouting.calls.2026-11-01.csv=$DR"
# A zip of 100,000 members (stored: their count is the point).
printf 'Final SIP code\n403\n' >"$dir/tiny.txt"
"$gen" zip-store "$dir/zip-100000-members.zip" "many:100000:$dir/tiny.txt"
# Zips nested four deep: one level more than is opened.
cp "$DR" "$dir/level0"
for level in 1 2 3 4; do
    "$gen" zip "$dir/level$level" "inner$level=$dir/level$((level - 1))"
done
mv "$dir/level4" "$dir/nested-zip-4-deep.zip"
# Damaged: cut inside the export's data, bytes overwritten in it, a gzip
# stream without its end, the magic of a zip and then nothing of one.
"$gen" zip "$dir/whole.zip" "DirectRouting.calls.2026-11-01.csv=$DR"
head -c 600 "$dir/whole.zip" >"$dir/zip-truncated.zip"
cp "$dir/whole.zip" "$dir/zip-corrupt.zip"
printf 'XXXXXXXXXXXXXXXX' | dd of="$dir/zip-corrupt.zip" bs=1 seek=300 conv=notrunc 2>/dev/null
"$gen" gz "$dir/whole.gz" "DirectRouting.calls.2026-11-01.csv=$DR"
size=$(wc -c <"$dir/whole.gz")
head -c $((size - 10)) "$dir/whole.gz" >"$dir/gz-truncated.csv.gz"
printf 'PK\003\004 and nothing of a zip after its first four bytes\n' >"$dir/zip-magic-only.zip"
# Password-protected; UTF-16 inside; no members at all.
"$gen" zip-encrypted "$dir/zip-encrypted.zip" "DirectRouting.calls.2026-11-01.csv=$DR"
printf '\377\376F\000i\000n\000a\000l\000 \000S\000I\000P\000\n\000' >"$dir/utf16.txt"
"$gen" zip "$dir/zip-utf16-member.zip" "DirectRouting.calls.2026-11-01.csv=$dir/utf16.txt"
"$gen" zip "$dir/zip-empty.zip"
