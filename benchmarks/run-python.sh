#!/usr/bin/env bash
# Python delivery of recipe batches into torch tensors: publishes the generic native library
# (src/Recipe.Native, cached in out/bench-python), writes temporary raw uint16 shards, then for B in {8, 64} and
# L in {2048, 8192} prints tokens/s of RecipeDataset in one process (the native loader writing into the tensors),
# through a DataLoader with 2 workers, and numpy copying the same bytes (random windows of the same mapped shards,
# widened to int32) in the same process, with the ratio; then
# the per-batch overhead in µs (a one-row batch, less the copy of its bytes).
#   benchmarks/run-python.sh            # the whole table
#   benchmarks/run-python.sh 8 2048     # only B = 8 and L = 2048
# Exit status 1 when single-process delivery is below 50% of the copy, or the overhead is 20 µs or more.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
library=out/bench-python/Recipe.Native.so
if [ ! -f "$library" ] || [ -n "$(find src/Recipe.Native src/Recipe.Runtime src/Recipe.Model -name '*.cs' -newer "$library" | head -1)" ]; then
  dotnet publish src/Recipe.Native -c Release -r linux-x64 -o out/bench-python -nologo -v:q
fi
lscpu | head -15
PYTHONPATH=python exec /usr/bin/python3 - "$library" "$@" <<'PY'
import json, os, sys, tempfile, time
import numpy as np
import torch
import recipe_runtime as rr
from recipe_runtime.torch import RecipeDataset

library = sys.argv[1]
sizes = [int(sys.argv[2])] if len(sys.argv) > 2 else [8, 64]
lengths = [int(sys.argv[3])] if len(sys.argv) > 3 else [2048, 8192]
lib = rr.load(library)
root = tempfile.mkdtemp(prefix="recipe-bench-python-")
source_tokens = 32 * 1024 * 1024
rng = np.random.default_rng(0)
for name in ("web", "code"):
    os.makedirs(os.path.join(root, name))
    rng.integers(0, 50000, size=source_tokens, dtype=np.uint16).tofile(os.path.join(root, name, "shard.bin"))


def recipe(length):
    path = os.path.join(root, f"bench-{length}.recipe.json")
    with open(path, "w") as f:
        json.dump({"name": f"bench-{length}", "totalTokens": 1024 * source_tokens, "sequenceLength": length, "seed": 1, "maxEpochs": 1024,
                   "sources": {n: {"tokens": source_tokens, "format": "uint16", "files": [f"{n}/*.bin"]} for n in ("web", "code")},
                   "schedule": {"phases": [{"name": "all", "at": 0, "weights": {"web": 70, "code": 30}}]}}, f)
    return lib.from_json(path)


def rate(batches, seconds, rows, length):
    return batches * rows * length / seconds


def single(r, rows, width, seconds=1.5):
    it = iter(RecipeDataset(r, root, batch_size=rows, shifted=True))
    for _ in range(3):
        next(it)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        next(it)
        n += 1
    return n, time.perf_counter() - start


def workers(r, rows, seconds=3.0):
    loader = torch.utils.data.DataLoader(RecipeDataset(r, root, batch_size=rows, shifted=True), batch_size=None, num_workers=2, timeout=300)
    it = iter(loader)
    for _ in range(4):
        next(it)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        next(it)
        n += 1
    del it
    return n, time.perf_counter() - start


shards = [np.memmap(os.path.join(root, name, "shard.bin"), dtype=np.uint16, mode="r") for name in ("web", "code")]


def copy(rows, width, seconds=1.0):
    # The same bytes in numpy: rows of `width` tokens from random aligned windows of the same mapped shards, widened
    # to int32 into a new array (what the loader does, without choosing the windows).
    rng = np.random.default_rng(1)
    length = width - 1
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        out = np.empty((rows, width), dtype=np.int32)
        for r in range(rows):
            shard = shards[r & 1]
            at = int(rng.integers(0, (shard.size - 1) // length)) * length
            np.copyto(out[r], shard[at:at + width], casting="unsafe")
        n += 1
    return n, time.perf_counter() - start


failed = False
print(f"{'B':>4} {'L':>6} {'torch, 1 process':>18} {'2 workers':>14} {'numpy copy':>14} {'1 process / copy':>17}")
for length in lengths:
    r = recipe(length)
    for rows in sizes:
        width = length + 1
        n1, s1 = single(r, rows, width)
        n2, s2 = workers(r, rows)
        n3, s3 = copy(rows, width)
        one, two, base = rate(n1, s1, rows, width), rate(n2, s2, rows, width), rate(n3, s3, rows, width)
        ratio = one / base
        failed |= ratio < 0.5
        print(f"{rows:>4} {length:>6} {one / 1e6:>15.0f} M/s {two / 1e6:>11.0f} M/s {base / 1e6:>11.0f} M/s {ratio:>16.0%}")

r = recipe(2048)
n1, s1 = single(r, 1, 2049, seconds=2.0)
n3, s3 = copy(1, 2049, seconds=1.0)
overhead = (s1 / n1 - s3 / n3) * 1e6
failed |= overhead >= 20
print(f"per-batch overhead: {overhead:.1f} µs (one row of 2049 tokens: {s1 / n1 * 1e6:.1f} µs a batch, its copy {s3 / n3 * 1e6:.1f} µs)")
import shutil
shutil.rmtree(root, ignore_errors=True)
sys.exit(1 if failed else 0)
PY
