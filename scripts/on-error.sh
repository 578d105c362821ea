# Sourced by every script the README's commands run (make demo, make test, CI):
# strict mode, and no silent exit. When a command fails and errexit ends the
# script, this prints the command, the file and line, the functions it was
# called through, and what to do, instead of leaving a bare "Error 2" from make.
#
# A script (or a stage of one) names what to do with `on_error_hint "..."`.
# Inside `set +e` sections the script judges failures itself, so nothing is
# printed there; a failure in a subshell or command substitution is reported
# once, by the shell that errexit ends.
# shellcheck shell=bash

set -Eeuo pipefail

INPUTMUX_ERROR_HINT="read the command's own message just above; to trace the script, run it again with: bash -x ${0}"

on_error_hint() { INPUTMUX_ERROR_HINT="$*"; }

inputmux_on_error() {
    local rc="$1" line="$2" command="$3" statuses="$4" i
    [[ $- == *e* ]] || return 0
    ((BASH_SUBSHELL == 0)) || return 0
    # A function that failed by `return N` is named by the line that called it.
    if [[ "$command" == return* && -r "${BASH_SOURCE[1]}" ]]; then
        command="$(sed -n "${line}{s/^[[:space:]]*//;p}" "${BASH_SOURCE[1]}")"
    fi
    if [[ "$statuses" == *" "* ]]; then
        printf '\nerror: %s:%s: the pipeline ending in `%s` failed (exit statuses along it: %s)\n' \
            "${BASH_SOURCE[1]}" "$line" "$command" "$statuses" >&2
    else
        printf '\nerror: %s:%s: `%s` failed (exit status %s)\n' "${BASH_SOURCE[1]}" "$line" "$command" "$rc" >&2
    fi
    for ((i = 1; i < ${#FUNCNAME[@]} - 1; i++)); do
        printf '  in %s(), called from %s:%s\n' "${FUNCNAME[i]}" "${BASH_SOURCE[i + 1]}" "${BASH_LINENO[i]}" >&2
    done
    printf '  what to do: %s\n' "$INPUTMUX_ERROR_HINT" >&2
}
trap 'inputmux_on_error "$?" "$LINENO" "$BASH_COMMAND" "${PIPESTATUS[*]}"' ERR
