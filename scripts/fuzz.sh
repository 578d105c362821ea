#!/usr/bin/env bash
# Runs the coverage-guided fuzz targets (Sources/muxfuzz, docs/FUZZING.md) for a
# bounded time each and prints a table: executions, corpus, crashes. `make test`
# runs it (`make fuzz`); a crash, or a target that ran no input, fails it.
#
#   bash scripts/fuzz.sh [--seconds N] [--update-corpus] [TARGET...]
#
# Each target starts from its committed corpus (Fuzz/corpus/TARGET) and writes what
# it finds to a scratch copy; --update-corpus merges the new inputs that add
# coverage back into Fuzz/corpus (commit them). A crash leaves its input in
# fuzz-artifacts/ and the table names it; replay it with
#   swift run muxfuzz TARGET fuzz-artifacts/crash-…
source "$(dirname "$0")/on-error.sh"
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

seconds="${INPUTMUX_FUZZ_SECONDS:-60}"
update=0
targets=()
while (($#)); do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --update-corpus) update=1; shift ;;
        -*) echo "fuzz: unknown option $1 (usage: scripts/fuzz.sh [--seconds N] [--update-corpus] [TARGET...])" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
((${#targets[@]})) || targets=(wire request engine)

on_error_hint "building the fuzz targets failed: the compiler's message is above; the same code builds without the fuzzer with: swift build --product muxfuzz"
# lld: gold stops with an internal error on the fuzzer runtime's objects.
swift build -c release --product muxfuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld >&2
binary=.build-fuzz/release/muxfuzz
on_error_hint "read the fuzzer's message above"

work="$(mktemp -d "${TMPDIR:-/tmp}/inputmux-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p fuzz-artifacts
rows=()
row() { printf '%-8s  %7s  %10s  %7s  %8s  %6s  %9s  %s\n' "$@"; }
failed=0
for t in "${targets[@]}"; do
    [[ -d "Fuzz/corpus/$t" ]] || { echo "fuzz: no target $t (Fuzz/corpus/$t is missing)" >&2; exit 2; }
    mkdir -p "$work/$t"
    log="$work/$t.log"
    set +e
    MUXFUZZ_TARGET="$t" "$binary" "$work/$t" "Fuzz/corpus/$t" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -artifact_prefix="fuzz-artifacts/$t-" -print_final_stats=1 > "$log" 2>&1
    rc=$?
    set -e
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
    cov="$(grep -aoE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)"
    seeds="$(find "Fuzz/corpus/$t" -type f | wc -l)"
    found="$(find "$work/$t" -type f | wc -l)"
    crash="$(grep -aoE "fuzz-artifacts/$t-[a-z]+-[0-9a-f]+" "$log" | head -n 1 || true)"
    verdict=ok
    if ((rc != 0)) || [[ -n "$crash" ]]; then
        verdict="CRASH ${crash:-exit $rc}"
        failed=1
        echo "fuzz: $t broke; the fuzzer's last lines:" >&2
        grep -avE '^#[0-9]+' "$log" | tail -n 25 | sed 's/^/  | /' >&2
    elif [[ -z "$runs" || "$runs" == 0 ]]; then
        verdict="ran no input"
        failed=1
    fi
    rows+=("$(row "$t" "${seconds}s" "${runs:-0}" "${rate:-0}" "$seeds" "$found" "${cov:--}" "$verdict")")
    if ((update)) && ((rc == 0)); then
        MUXFUZZ_TARGET="$t" "$binary" -merge=1 "Fuzz/corpus/$t" "$work/$t" > /dev/null 2>&1
    fi
done

echo "fuzzing: coverage-guided (libFuzzer, swiftc -sanitize=fuzzer), each target from its committed corpus"
row target time executions exec/s corpus new coverage verdict
row -------- ------- ---------- ------- -------- ------ --------- -------
printf '%s\n' "${rows[@]}"
if ((failed)); then
    echo "fuzz: FAILED: an input broke a target; it is in fuzz-artifacts/ (replay: swift run muxfuzz TARGET FILE)" >&2
    exit 1
fi
echo "fuzz: ${#targets[@]} targets, 0 crashes"
