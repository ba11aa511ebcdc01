#!/bin/sh
# tests/cron.sh - docs/cron.md as written: its nightly script, crontab line and
# systemd units are extracted from the page (the blocks after the "cron.md:"
# markers), installed under a temporary directory, and run over 60 generated
# nights with one missing night (it arrives late, as the admin center's zip)
# and an incident. Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

DOC=docs/cron.md
CACHE=${HISTORY_CACHE:-build/history-cache}
BIN=$WORK/bin
STATE=$WORK/state
mkdir -p "$BIN" "$STATE/incoming" "$WORK/units"
drtriage_dir=$(cd "$(dirname "$DRTRIAGE")" && pwd)
PATH=$drtriage_dir:$PATH
export PATH

# block MARKER: the fenced block after "<!-- cron.md: MARKER -->", with the
# installation paths made this test's own.
block() {
    awk -v marker="<!-- cron.md: $1 -->" '
        $0 == marker { want = 1; next }
        want && /^```/ { if (inside) exit; inside = 1; next }
        inside { print }
    ' "$DOC" | sed -e "s|/usr/local/bin|$BIN|g" -e "s|/var/lib/drtriage|$STATE|g"
}

block "nightly script" >"$BIN/drtriage-nightly"
chmod 755 "$BIN/drtriage-nightly"
expect_true "cron.md has the nightly script" grep -q "drtriage trend" "$BIN/drtriage-nightly"
block crontab >"$WORK/crontab"
block service >"$WORK/units/drtriage-nightly.service"
block timer >"$WORK/units/drtriage-nightly.timer"
expect_true "cron.md has the crontab" test -s "$WORK/crontab"
expect_true "cron.md has the service" grep -q '^ExecStart=' "$WORK/units/drtriage-nightly.service"
expect_true "cron.md has the timer" grep -q '^OnCalendar=' "$WORK/units/drtriage-nightly.timer"
if command -v sh >/dev/null && sh -n "$BIN/drtriage-nightly"; then pass; else
    fail "the nightly script is not valid sh"
fi

# --- 60 nights: one missing, an incident from 2026-11-14 ---
START=2026-10-01 MISSING=2026-10-20 INCIDENT=2026-11-14
DRTRIAGE=$DRTRIAGE scripts/gen-history --cache "$CACHE" -o "$WORK/exports" --start "$START" \
    --days 60 --per-day 1000 --missing "$MISSING" \
    --incident "$INCIDENT:sbc2.contoso.com:569009:504:80" \
    --incident "$INCIDENT:sbc1.contoso.com:569123:504:20"

night_status=""
n=0
while [ "$n" -lt 60 ]; do
    day=$(date -u -d "$START + $n days" +%F)
    today=$(date -u -d "$day + 1 day" +%F)
    export_file=$WORK/exports/DirectRouting-$day.csv
    [ -f "$export_file" ] && cp "$export_file" "$STATE/incoming/"
    DRTRIAGE_TODAY=$today "$BIN/drtriage-nightly" >"$WORK/night.out" 2>"$WORK/night-$n.err"
    status=$?
    night_status="$night_status $status"
    cp "$STATE/reports/trend.json" "$WORK/trend-$n.json" 2>/dev/null
    n=$((n + 1))
done
status_of() { echo "$night_status" | awk -v n="$1" '{ print $(n + 1) }'; }

quiet=true
for n in $(seq 0 18) $(seq 26 43); do
    [ "$(status_of "$n")" = 0 ] || { quiet=false; fail "night $n: status $(status_of "$n"), expected 0" \
        "$(cat "$WORK/night-$n.err")"; }
done
$quiet && pass
expect_true "no night wrote to stdout (cron mails only breaches)" test ! -s "$WORK/night.out"
quiet_err=true
for n in $(seq 0 18) $(seq 26 43); do
    [ -s "$WORK/night-$n.err" ] && { quiet_err=false; fail "night $n wrote to stderr" "$(cat "$WORK/night-$n.err")"; }
done
$quiet_err && pass
expect_true "the missing night breaches (status 1)" test "$(status_of 19)" = 1
expect_true "it is named: missing-days" grep -q "breached: missing-days>0" "$WORK/night-19.err"
expect_true "the day stays missing while it is in the window" test "$(status_of 25)" = 1
expect_true "the incident's first night breaches" test "$(status_of 44)" = 1
expect_true "the incident's first night names the new code" \
    grep -q "breached: new-codes>0" "$WORK/night-44.err"
expect_true "the incident's first night names the TLS rise" \
    grep -q "breached: action:tls-certificate-rise>50%" "$WORK/night-44.err"
expect_json "night 44: the new code found on the day it started" \
    '.trend.changes | map(select(.significant and .kind == "new-code"))[0] |
     .ms == 569123 and .since == "2026-11-14"' "$WORK/trend-44.json"
expect_json "night 47: the TLS rise since the day it started" \
    '.trend.changes | map(select(.significant and .action == "tls-certificate" and .kind == "action"))[0] |
     .since == "2026-11-14" and .ongoing' "$WORK/trend-47.json"
expect_true "the manager's page is written" grep -q "<svg" "$STATE/reports/trend.html"
expect_true "every export was moved to ingested/" test "$(ls "$STATE/ingested" | wc -l)" -eq 59
expect_true "incoming/ is empty" test -z "$(ls "$STATE/incoming")"
"$DRTRIAGE" history --db "$STATE/history.db" --format json >"$WORK/history.json"
expect_json "history lists the missing day" \
    '.missing_days == [{"from": "2026-10-20", "to": "2026-10-20", "days": 1}]' "$WORK/history.json"

# --- the missing export arrives late, as the admin center's zip: the gap closes ---
DRTRIAGE=$DRTRIAGE scripts/gen-history --cache "$CACHE" -o "$WORK/all" --start "$START" \
    --days 60 --per-day 1000
"${GEN_ARCHIVE:-build/gen-archive}" zip "$STATE/incoming/Calls.Export.$MISSING.zip" \
    "DirectRouting-$MISSING.csv=$WORK/all/DirectRouting-$MISSING.csv" \
    "parameters.json=tests/cases/archive/parameters.json"
DRTRIAGE_TODAY=2026-10-22 "$BIN/drtriage-nightly" >/dev/null 2>"$WORK/late.err"
expect_true "once the missing export is ingested (a zip) that night is quiet again" test $? -eq 0
expect_true "and the zip was moved to ingested/" test -f "$STATE/ingested/Calls.Export.$MISSING.zip"
"$DRTRIAGE" history --db "$STATE/history.db" --format json >"$WORK/history2.json"
expect_json "and history has no missing day" '.missing_days == []' "$WORK/history2.json"

# --- the crontab line runs the same script ---
line=$(grep -v '^[A-Z_]*=' "$WORK/crontab" | grep -v '^#' | head -n 1)
set -f
set -- $line
set +f
expect_true "the crontab line has five time fields, a user and a command" test $# -eq 7
expect_true "the crontab line runs the nightly script" test "$7" = "$BIN/drtriage-nightly"
expect_true "the crontab line's user is drtriage" test "$6" = drtriage
DRTRIAGE_TODAY=2026-10-22 sh -c "$7" >/dev/null 2>&1
expect_true "the crontab line's command runs (status 0 on a quiet night)" test $? -eq 0
expect_true "the crontab's MAILTO is set" grep -q '^MAILTO=' "$WORK/crontab"

# --- the systemd units ---
if command -v systemd-analyze >/dev/null 2>&1; then
    run systemd-analyze verify "$WORK/units/drtriage-nightly.service" \
        "$WORK/units/drtriage-nightly.timer"
    expect_status "systemd-analyze verify accepts the service and the timer" 0
    calendar=$(sed -n 's/^OnCalendar=//p' "$WORK/units/drtriage-nightly.timer")
    run systemd-analyze calendar "$calendar"
    expect_status "the timer's OnCalendar is a valid calendar event" 0
    expect_stdout "the timer runs every day at 06:30 UTC" "*-*-* 06:30:00 UTC"
else
    fail "systemd-analyze is not installed (package systemd): scripts/install-deps --test"
fi
exec_start=$(sed -n 's/^ExecStart=//p' "$WORK/units/drtriage-nightly.service")
expect_true "the service runs the nightly script" test "$exec_start" = "$BIN/drtriage-nightly"
state=$(sed -n 's/^Environment=DRTRIAGE_STATE=//p' "$WORK/units/drtriage-nightly.service")
DRTRIAGE_STATE=$state DRTRIAGE_TODAY=2026-10-22 "$exec_start" >/dev/null 2>&1
expect_true "the service's ExecStart runs with its environment" test $? -eq 0

finish
