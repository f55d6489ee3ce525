#!/usr/bin/env bash
# Fuzzes kzcn-bot: replays every committed regression input, then runs each target for SECONDS
# (default 20), one after another, from the committed corpus. Fails on the first crash,
# timeout or memory blow-up; the input that caused it is left in fuzz/artifacts/<target>/.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      targets: answer telegram_text loader (default: all)
#
# cargo-fuzz passes nightly-only flags to rustc; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# accept them. The targets are optimised with debug assertions and overflow checks on, and
# built without a sanitiser: the crate forbids unsafe code, and a build without one runs
# several times the inputs a second.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-20}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(answer telegram_text loader)
fi

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked --version 0.13.2
fi

# Per input: 2 s at most, 1 GiB of memory, 8 KiB of text (twice Telegram's longest message).
limits=(-timeout=2 -rss_limit_mb=1024 -max_len=8192)
build=(--sanitizer none)

cargo fuzz build "${build[@]}"
for target in "${targets[@]}"; do
    regressions=(regressions/"$target"/*)
    if [ -e "${regressions[0]}" ]; then
        echo "== $target: replaying ${#regressions[@]} regression inputs"
        cargo fuzz run "${build[@]}" "$target" "${regressions[@]}" -- "${limits[@]}"
    fi
    echo "== $target: fuzzing for ${seconds}s"
    # New inputs go to a scratch corpus under target/, so a run never changes committed files;
    # the committed corpus is read after it. To keep what a run found, see README.md.
    scratch="target/corpus/$target"
    mkdir -p "$scratch"
    cargo fuzz run "${build[@]}" "$target" "$scratch" "corpus/$target" -- \
        "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1
done
