#!/usr/bin/env bash
# Benchmarks the exact sampler against a port of Megatron-LM's greedy blend index on the compiled 6-source recipes of
# 1e8 samples (static, and the Llama 3 curriculum): BenchmarkDotNet's per-sample table (sequential Fill of a 4096
# batch vs the greedy building 4096 entries; random Locate), then the same-run comparison with index setup, Locate
# worst case, index size and the largest prefix deviation of each method. A few minutes on a 2-core machine.
#   benchmarks/run-sampler.sh               # both
#   benchmarks/run-sampler.sh --job dry     # extra arguments go to BenchmarkDotNet
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
project=benchmarks/Recipe.Benchmarks

dotnet build "$project" -c Release -nologo -v:q
echo "== BenchmarkDotNet: SamplerBenchmarks (--job short)"
dotnet run -c Release --no-build --project "$project" -- --filter '*SamplerBenchmarks*' --job short "$@"
echo
echo "== Same-run comparison (--sampler)"
dotnet run -c Release --no-build --project "$project" -- --sampler
