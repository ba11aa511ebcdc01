# tests/oracle/measures.jq - the Health Dashboard measures of a Graph export,
# computed the plain way (sorted lists, sums, minute-by-minute counts), to check
# drtriage's sketches and timelines against. Reads the export as raw lines
# (jq -n -R --arg by sbc|day -f measures.jq FILE): PowerShell quotes every field,
# and the generated file has no quote or line break inside a field.
# --arg by sbc: one object per SBC; --arg by day: per UTC day of the start time;
# --arg by all: one object for all calls.
def t: if . == "0001-01-01T00:00:00Z" or . == "" then null
       else .[0:19] + "Z" | strptime("%Y-%m-%dT%H:%M:%SZ") | mktime end;
def nearest_rank($p): (length * $p / 100 | ceil) as $r | sort | .[($r | if . < 1 then 1 else . end) - 1];
def peak_minute: group_by(.) | (map(length) | max) as $m
                 | {peak: $m, at: (map(select(length == $m)) | .[0][0] * 60 | todate)};
[inputs | sub("\r$"; "") | select(startswith("\"")) | .[1:-1] | split("\",\"")] as $rows
| ($rows[0] | to_entries | map({(.value): .key}) | add) as $col
| [$rows[1:][] | {sbc: .[$col.trunkFullyQualifiedDomainName], ok: (.[$col.successfulCall] == "True"),
                 duration: (.[$col.duration] | tonumber), invite: (.[$col.inviteDateTime] | t),
                 start: (.[$col.startDateTime] | t), failure: (.[$col.failureDateTime] | t),
                 end: (.[$col.endDateTime] | t)}]
| map(. + {key: (if $by == "sbc" then .sbc elif $by == "day" then (.start // .invite)
                   | (. / 86400 | floor) * 86400 | todate else "all" end)})
| group_by(.key)
| map((map(select(.ok)) | map(.duration)) as $talk
      | [.[] | select((.ok | not) and .failure != null) | .failure - (.invite // .start)] as $ttf
      | {key: .[0].key,
         acd_calls: ($talk | length),
         acd: ($talk | if length > 0 then add / length else null end),
         short_calls: ($talk | map(select(. < 10)) | length),
         to_failure_calls: ($ttf | length),
         to_failure_median: ($ttf | if length > 0 then nearest_rank(50) else null end),
         to_failure_p95: ($ttf | if length > 0 then nearest_rank(95) else null end)}
        + ([.[] | (.invite // .start) as $b
            | (.end // (if .ok then $b + .duration else .failure // $b end)) as $e
            | range(($b / 60 | floor); ($e / 60 | floor) + 1)] | peak_minute))
