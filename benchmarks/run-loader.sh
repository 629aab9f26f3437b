#!/usr/bin/env bash
# Batch loader throughput against memcpy: writes temporary raw uint16/uint32 shards
# (384 MB by default), then for B in {8, 64} and L in {2048, 8192} prints tokens/s of batch assembly on the calling
# thread, tokens/s delivered through the prefetch thread, and a plain memcpy of the same bytes, with the ratios.
#   benchmarks/run-loader.sh              # the whole table
#   benchmarks/run-loader.sh 384 8 2048   # shard MB, then only B = 8 and L = 2048
# Exit status 1 when assembly is below 70% of memcpy for any configuration. Quiet machines give stable numbers:
# the prefetch column in particular needs two otherwise idle cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
project=benchmarks/Recipe.Benchmarks

dotnet build "$project" -c Release -nologo -v:q
lscpu | head -15
dotnet run -c Release --no-build --project "$project" -- --loader "$@"
