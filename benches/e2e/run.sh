#!/usr/bin/env bash
# The end-to-end benchmark: the release kzcn-bot and a bare teloxide echo bot, in turn, against
# the fast fake Bot API of examples/e2e_load.rs on loopback (BENCHMARKS.md, "End to end").
# Options go to the driver, e.g. benches/e2e/run.sh --rounds 5 --updates 50000.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked --bin kzcn-bot --example echo --example e2e_load
target="${CARGO_TARGET_DIR:-target}/release"
exec "$target/examples/e2e_load" --bot "$target/kzcn-bot" --echo "$target/examples/echo" \
    --knowledge knowledge --questions tests/eval "$@"
