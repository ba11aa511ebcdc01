# bash completion for drtriage. Options are read from the installed binary's
# own --help, so they stay true to the version installed.

_drtriage_commands="report explain rules merge ingest trend history help"

# The words after "WORD:" on the --help line of an option, e.g. the formats.
_drtriage_values() { # COMMAND OPTION
    drtriage $1 --help 2>/dev/null |
        sed -n "s/.*$2 [A-Z|]*  *[^:]*: \([a-z0-9, |]*\).*/\1/p" | head -n 1 | tr ',|' '  '
}

_drtriage() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmd=report i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) [[ " $_drtriage_commands " == *" ${COMP_WORDS[i]} "* ]] && cmd=${COMP_WORDS[i]}
           break ;;
        esac
    done
    case $prev in
    -o|--output|--rules|--db|--prune)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --by) COMPREPLY=($(compgen -W "hour day week" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --direction) COMPREPLY=($(compgen -W "in out" -- "$cur")); return ;;
    --origin) COMPREPLY=($(compgen -W "sbc microsoft unknown" -- "$cur")); return ;;
    --date-order) COMPREPLY=($(compgen -W "dmy mdy ymd" -- "$cur")); return ;;
    --top) COMPREPLY=($(compgen -W "all" -- "$cur")); return ;;
    -f|--format) COMPREPLY=($(compgen -W "$(_drtriage_values "$cmd" --format)" -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(drtriage $cmd --help 2>/dev/null |
            grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)" -- "$cur"))
    elif ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W "$_drtriage_commands" -- "$cur") $(compgen -f -- "$cur"))
    elif [[ $cmd == rules && $prev == rules ]]; then
        COMPREPLY=($(compgen -W "check list" -- "$cur"))
    elif [[ $cmd == merge ]]; then # states, and directories on the way to them
        COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.state' -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _drtriage drtriage
