#!/bin/sh
# make install into a temporary DESTDIR, as a packager would, then the
# installed binary, its man page and its bash and zsh completions are used
# for real; make uninstall leaves nothing behind.
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

dest=$WORK/dest
prefix=/usr/local
run make -s install DESTDIR="$dest" PREFIX="$prefix"
expect_status "make install" 0
bin=$dest$prefix/bin/drtriage

expect_true "binary installed executable" test -x "$bin"
run "$bin" --version
expect_status "installed --version" 0
expect_stdout "installed --version names the program" "drtriage "
run "$bin" --format json samples/tac-directrouting.csv
expect_status "installed binary reports on a sample" 0
expect_accounting "installed binary" "$WORK/out"

# man drtriage finds the installed page (MANPATH points into DESTDIR).
run env MANPATH="$dest$prefix/share/man" MANWIDTH=80 man drtriage
expect_status "man drtriage" 0
expect_stdout "man page rendered" "DESCRIPTION"
expect_true "docs installed" test -f "$dest$prefix/share/doc/drtriage/README.md"
expect_true "every docs/*.md installed" sh -c '
    for f in docs/*.md; do test -f "$1/${f##*/}" || exit 1; done' sh "$dest$prefix/share/doc/drtriage"

# bash: the completion function offers options read from the binary's --help.
cat >"$WORK/complete.bash" <<'SH'
. "$1"
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _drtriage; printf '%s\n' "${COMPREPLY[@]}"; }
complete_words drtriage --fo
echo ---
complete_words drtriage explain --
echo ---
complete_words drtriage rules ""
echo ---
complete_words drtriage --by d
echo ---
complete_words drtriage merge --fa
echo ---
complete_words drtriage tr
echo ---
complete_words drtriage trend --ba
SH
run env PATH="$dest$prefix/bin:$PATH" bash "$WORK/complete.bash" "$dest$prefix/share/bash-completion/completions/drtriage"
expect_status "bash completion runs" 0
expect_true "bash completes --format" grep -qx -- '--format' "$WORK/out"
expect_true "bash completes explain's own options" grep -qx -- '--phrase' "$WORK/out"
expect_true "bash completes rules subcommands" grep -qx 'check' "$WORK/out"
expect_true "bash completes --by values" grep -qx 'day' "$WORK/out"
expect_true "bash completes merge's options" grep -qx -- '--fail-if' "$WORK/out"
expect_true "bash completes the trend command" grep -qx 'trend' "$WORK/out"
expect_true "bash completes trend's own options" grep -qx -- '--baseline' "$WORK/out"

# zsh: the completion function, run by real zsh with compadd and friends
# standing in for the completion system, offers options from --help.
cat >"$WORK/complete.zsh" <<'SH'
compadd() { print -l -- "${@:#-*}" "${(M)@:#--*}"; }
_describe() { print describe; }
_files() { print files; }
complete_words() { words=("$@"); CURRENT=$#; PREFIX=$words[-1]; source "$COMPLETION"; print ---; }
complete_words drtriage --for
complete_words drtriage explain --ph
complete_words drtriage rules ""
complete_words drtriage --by ""
complete_words drtriage merge --fa
complete_words drtriage merge ""
complete_words drtriage history --pr
SH
run env PATH="$dest$prefix/bin:$PATH" COMPLETION="$dest$prefix/share/zsh/site-functions/_drtriage" \
    zsh -f "$WORK/complete.zsh"
expect_status "zsh completion runs" 0
expect_true "zsh completes --format" grep -qx -- '--format' "$WORK/out"
expect_true "zsh completes explain's own options" grep -qx -- '--phrase' "$WORK/out"
expect_true "zsh completes rules subcommands" grep -qx 'check' "$WORK/out"
expect_true "zsh completes --by values" grep -qx 'week' "$WORK/out"
expect_true "zsh completes merge's options" grep -qx -- '--fail-if' "$WORK/out"
expect_true "zsh completes history's own options" grep -qx -- '--prune' "$WORK/out"

run make -s uninstall DESTDIR="$dest" PREFIX="$prefix"
expect_status "make uninstall" 0
left=$(find "$dest" -type f | wc -l)
expect_true "uninstall removes every installed file" test "$left" -eq 0

finish
