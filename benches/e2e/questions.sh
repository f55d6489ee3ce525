#!/usr/bin/env bash
# Writes N (default 5,000) questions, one a line, to standard output: every `q` of
# tests/eval/**.toml in file order, repeated until there are N. The console batch figure of
# BENCHMARKS.md runs `kzcn-bot ask --json` over them.
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-5000}"
python3 - "$n" <<'PY'
import pathlib, sys, tomllib

def qs(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "q" and isinstance(item, str):
                yield item
            else:
                yield from qs(item)
    elif isinstance(value, list):
        for item in value:
            yield from qs(item)

found = []
for path in sorted(pathlib.Path("tests/eval").rglob("*.toml")):
    found.extend(qs(tomllib.loads(path.read_text(encoding="utf-8"))))
n = int(sys.argv[1])
for i in range(n):
    print(" ".join(found[i % len(found)].split()))
PY
