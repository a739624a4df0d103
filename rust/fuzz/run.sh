#!/usr/bin/env bash
# Builds every Rust fuzz target once, then runs each for FUZZ_SECONDS (or FUZZ_RUNS executions)
# on its corpus (seeded from the vectors by seed_corpus.py), and prints one line per target:
# executions, coverage (cov = edges, ft = features), corpus size, crashes. Exits non-zero if
# any target found a crash, a timeout or a leak, or failed to build.
#
#   rust/fuzz/run.sh [TARGET...]        FUZZ_SECONDS=60 by default; FUZZ_RUNS=N for a run count
#
# A crash leaves its input under rust/fuzz/artifacts/TARGET/; reproduce it with
# `cargo fuzz run --fuzz-dir rust/fuzz $FUZZ_BUILD_FLAGS TARGET rust/fuzz/artifacts/TARGET/crash-...`.
set -uo pipefail
cd "$(dirname "$0")/../.."

FUZZ_DIR=rust/fuzz
CORPUS=${FUZZ_CORPUS:-$FUZZ_DIR/corpus}
LOGS=${FUZZ_LOGS:-$FUZZ_DIR/logs}
SECONDS_EACH=${FUZZ_SECONDS:-60}
RUNS=${FUZZ_RUNS:-}
PYTHON=${PYTHON:-python3}
# No sanitizer by default: the core forbids unsafe code, and it builds with stable flags only.
# FUZZ_SANITIZER=address adds AddressSanitizer (for the dependencies' unsafe code): its
# -Zsanitizer flag is unstable, so stable rustc needs RUSTC_BOOTSTRAP=1 (checked: a heap
# overflow is reported on stable 1.95 so); a separate, full build.
SANITIZER=${FUZZ_SANITIZER:-none}
if [ "$SANITIZER" != none ]; then
    export RUSTC_BOOTSTRAP=1
fi
BUILD_FLAGS=(--fuzz-dir "$FUZZ_DIR" --sanitizer "$SANITIZER" --codegen-units 16)
# Inputs up to 16 KiB (the largest key documents and signatures are below 12 KiB); a single
# input over 10 s is a hang (the encrypted-key target relies on this for its cost bound).
LIBFUZZER_FLAGS=(-max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz (crates.io)"
    cargo install cargo-fuzz --locked || exit 1
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd "$FUZZ_DIR/fuzz_targets" && ls -- *.rs | sed 's/\.rs$//' | sort)
fi

"$PYTHON" "$FUZZ_DIR/seed_corpus.py" "$CORPUS" || exit 1
echo "== building ${#targets[@]} fuzz targets (sanitizer: $SANITIZER)"
build_start=$(date +%s)
cargo fuzz build "${BUILD_FLAGS[@]}" || exit 1
echo "== built in $(( $(date +%s) - build_start )) s"

mkdir -p "$LOGS"
status=0
passed=0
failed=0
summary=()
for t in "${targets[@]}"; do
    mkdir -p "$CORPUS/$t"
    # FUZZ_RUNS alone: that many executions; with FUZZ_SECONDS too, whichever comes first.
    budget=()
    [ -n "$RUNS" ] && budget+=(-runs="$RUNS")
    { [ -z "$RUNS" ] || [ -n "${FUZZ_SECONDS:-}" ]; } && budget+=(-max_total_time="$SECONDS_EACH")
    echo "== $t (${budget[*]})"
    start=$(date +%s)
    cargo fuzz run "${BUILD_FLAGS[@]}" "$t" "$CORPUS/$t" -- "${LIBFUZZER_FLAGS[@]}" "${budget[@]}" \
        >"$LOGS/$t.log" 2>&1
    rc=$?
    elapsed=$(( $(date +%s) - start ))
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$LOGS/$t.log" | tail -1 | awk '{print $2}')
    last=$(grep -E '^#[0-9]+' "$LOGS/$t.log" | grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' | tail -1)
    files=$(find "$CORPUS/$t" -type f | wc -l)
    crashes=$(find "$FUZZ_DIR/artifacts/$t" -type f 2>/dev/null | wc -l)
    line=$(printf '%-20s execs %-10s %-30s corpus files %-6s artifacts %-3s %4ss rc %s' \
        "$t" "${execs:-?}" "${last:-cov: ?}" "$files" "$crashes" "$elapsed" "$rc")
    echo "$line"
    summary+=("$line")
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        status=1
        echo "!! $t failed (exit $rc); the end of its log ($LOGS/$t.log):"
        tail -40 "$LOGS/$t.log"
    fi
done
echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
echo "fuzz: $passed passed, $failed failed"
exit $status
