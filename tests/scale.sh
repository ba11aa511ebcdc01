#!/bin/sh
# docs/scale.md's GNU parallel recipe, run as the page writes it, on a
# generated export split into 12 files: with hosts.txt holding ':' (this
# machine), and with two hosts that an ssh stand-in keeps in folders of their
# own (every export goes there and back through rsync, and is removed there).
# The report must be one run's over the 12 files, byte for byte, and the
# whole export's (docs/state.md). Run by `make check`.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

GEN=${GEN:-build/gen-export}
DRTRIAGE=$(cd "$(dirname "$DRTRIAGE")" && pwd)/$(basename "$DRTRIAGE")
for tool in parallel rsync; do
    command -v "$tool" >/dev/null || { fail "$tool is missing (scripts/install-deps --test)"; finish; exit; }
done

# The recipe: the sh block after the "recipe: parallel" mark.
awk '/<!-- recipe: parallel -->/ { on = 1; next }
     on && /^```sh/ { code = 1; next }
     code && /^```/ { exit }
     code { print }' docs/scale.md >"$WORK/recipe.sh"
expect_true "docs/scale.md has the recipe" grep -q 'parallel --sshloginfile hosts.txt' "$WORK/recipe.sh"

# drtriage as the hosts run it: by name, on PATH.
mkdir -p "$WORK/bin"
ln -s "$DRTRIAGE" "$WORK/bin/drtriage"

"$GEN" --rows 6000 --tricky --seed 12 --days 3 >"$WORK/whole.csv"
"$DRTRIAGE" --quiet -o "$WORK/whole.json" -o "$WORK/whole.html" "$WORK/whole.csv"

# The ssh stand-in: HOST is the folder hosts/HOST, its home; the command runs
# there with the environment sshd gives a login (HOME, and SHELL, which
# parallel's remote wrapper runs the job with: without it the job never runs
# and parallel still exits 0).
cat >"$WORK/ssh" <<EOF
#!/bin/sh
while [ \$# -gt 0 ]; do case \$1 in -*) shift ;; *) break ;; esac; done
host=\$1
shift
[ "\${1:-}" = -- ] && shift
echo "\$host \$*" >>"$WORK/ssh.log"
cd "$WORK/hosts/\$host" && HOME="$WORK/hosts/\$host" SHELL=/bin/sh exec sh -c "\$*"
EOF
chmod +x "$WORK/ssh"

# recipe NAME HOSTS...: the recipe in $WORK/NAME/home/exports, hosts.txt
# holding HOSTS, one a line; then its report against the single-machine ones.
recipe() {
    name=$1
    shift
    home="$WORK/$name/home"
    split_export "$WORK/whole.csv" 12 "$home/exports"
    printf '%s\n' "$@" >"$home/exports/hosts.txt"
    (cd "$home/exports" && "$DRTRIAGE" --quiet -o ../one-run.json -o ../one-run.html part-*.csv)
    run env HOME="$home" PATH="$WORK/bin:$PATH" PARALLEL_SSH="$WORK/ssh" \
        sh -c 'cd "$HOME/exports" && sh -e "$1"' sh "$WORK/recipe.sh"
    expect_status "$name: the recipe runs" 0
    expect_spread "$name" "$home/one-run" "$home/exports/report"
    expect_true "$name: a state per file" test "$(ls "$home/exports"/part-*.state | wc -l)" -eq 12
}

recipe local ':'
mkdir -p "$WORK/hosts/h1" "$WORK/hosts/h2"
recipe hosts 1/h1 1/h2
for h in h1 h2; do
    expect_true "$h received exports by rsync" grep -q "^$h rsync --server -" "$WORK/ssh.log"
    expect_true "$h sent states back" grep -q "^$h .*rsync --server --sender .*part-[0-9]*\.state" \
        "$WORK/ssh.log"
    expect_true "$h keeps nothing (--cleanup)" test -z "$(find "$WORK/hosts/$h" -type f)"
done

finish
