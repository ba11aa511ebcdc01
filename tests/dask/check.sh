#!/bin/sh
# make check-dask: docs/scale.md's Dask recipe on a real cluster on this
# machine. Installs python3-distributed when it is missing, starts a
# dask-scheduler and two dask-worker processes, runs scripts/drtriage-dask
# against them on a generated export split into 24 files, then the same on a
# LocalCluster, and compares both reports with the single-machine ones: one
# run over the 24 files (byte for byte, JSON and HTML) and the whole export
# (JSON, but for what names the files). A gate is judged the same way. The
# cluster is stopped at the end, and when a step fails. Not part of `make check`.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

DRTRIAGE_EXTRA_PKGS="python3-distributed" scripts/install-deps || exit 2
PYTHON=${PYTHON:-/usr/bin/python3} # Debian's, with python3-distributed
BIN=$(dirname "$PYTHON")           # dask-scheduler and dask-worker beside it
GEN=${GEN:-build/gen-export}
DRTRIAGE=$(cd "$(dirname "$DRTRIAGE")" && pwd)/$(basename "$DRTRIAGE")
RECIPE="$PYTHON scripts/drtriage-dask --drtriage $DRTRIAGE"

# The cluster's processes, stopped by their ids on any exit.
pids=""
stop_cluster() {
    for pid in $pids; do kill "$pid" 2>/dev/null; done
    for pid in $pids; do wait "$pid" 2>/dev/null; done
    pids=""
}
trap 'stop_cluster; rm -rf "$WORK"' EXIT
trap 'exit 2' INT TERM HUP

"$GEN" --rows 30000 --tricky --seed 21 --days 10 |
    awk 'NR > 1 && NR % 2999 == 0 { print "bad,row" } { print }' >"$WORK/whole.csv"
split_export "$WORK/whole.csv" 24 "$WORK/parts"
"$DRTRIAGE" --quiet --by day --samples 3 -o "$WORK/whole.json" "$WORK/whole.csv"
"$DRTRIAGE" --quiet --by day --samples 3 -o "$WORK/one-run.json" -o "$WORK/one-run.html" \
    "$WORK"/parts/part-*.csv

# compare NAME DIR: DIR's report against the single-machine ones.
compare() {
    expect_spread "$1" "$WORK/one-run" "$2/report"
}

# --- a dask-scheduler and two dask-worker processes ---
"$BIN/dask-scheduler" --scheduler-file "$WORK/scheduler.json" --port 0 --no-dashboard \
    >"$WORK/scheduler.log" 2>&1 &
pids="$!"
for _ in $(seq 100); do [ -s "$WORK/scheduler.json" ] && break; sleep 0.2; done
expect_true "the scheduler is up" test -s "$WORK/scheduler.json"
for w in 1 2; do
    "$BIN/dask-worker" --scheduler-file "$WORK/scheduler.json" --nthreads 1 --no-dashboard \
        --name "worker-$w" >"$WORK/worker-$w.log" 2>&1 &
    pids="$pids $!"
done
run "$PYTHON" -c "
import sys
from dask.distributed import Client
c = Client(scheduler_file=sys.argv[1], timeout=60)
c.wait_for_workers(2, timeout=60)
print(len(c.scheduler_info()['workers']))" "$WORK/scheduler.json"
expect_status "two workers joined the scheduler" 0
expect_stdout "two workers" "2"

mkdir -p "$WORK/cluster"
run $RECIPE --scheduler-file "$WORK/scheduler.json" --files-per-task 3 --fan-in 3 \
    --state-option=--by --state-option=day --state-option=--samples --state-option=3 \
    "$WORK"/parts/part-*.csv -- --quiet -o "$WORK/cluster/report.json" \
    -o "$WORK/cluster/report.html"
expect_status "the recipe on the cluster" 0
compare cluster "$WORK/cluster"
run "$PYTHON" -c "
import sys
from dask.distributed import Client
c = Client(scheduler_file=sys.argv[1])
print(' '.join(str(n) for n in c.run(lambda dask_worker: dask_worker.state.executed_count).values()))
" "$WORK/scheduler.json"
expect_status "the workers answer after the run" 0
expect_true "both workers ran tasks" awk '{ exit !(NF == 2 && $1 > 0 && $2 > 0) }' "$WORK/out"

run $RECIPE --scheduler-file "$WORK/scheduler.json" --files-per-task 1 "$WORK/missing.csv" -- \
    -o "$WORK/x.json"
expect_status "an unreadable export fails the run" 2
expect_stderr "with drtriage's message" "missing.csv: cannot open"
stop_cluster

# --- the same code on a LocalCluster of two worker processes ---
mkdir -p "$WORK/local"
run $RECIPE --workers 2 --files-per-task 5 \
    --state-option=--by --state-option=day --state-option=--samples --state-option=3 \
    "$WORK"/parts/part-*.csv -- --quiet -o "$WORK/local/report.json" -o "$WORK/local/report.html"
expect_status "the recipe on a LocalCluster" 0
compare local "$WORK/local"
run $RECIPE --workers 2 "$WORK"/parts/part-*.csv -- --quiet --fail-if 'calls>100'
expect_status "a gate breached on the merged report: exit 1" 1

finish
