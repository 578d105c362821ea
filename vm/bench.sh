#!/usr/bin/env bash
# Runs the passthrough benchmark against the real kernel in the QEMU guest and
# prints its table: muxbench passthrough [ARGS] (e.g. --json, which then is
# the only thing on stdout).
set -euo pipefail
exec bash "$(dirname "$0")/run-in-guest.sh" --timeout "${INPUTMUX_BENCH_TIMEOUT:-900}" -- muxbench passthrough "$@"
