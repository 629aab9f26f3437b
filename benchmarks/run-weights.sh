#!/usr/bin/env bash
# Benchmarks the generated weight function of the Llama 3 curriculum against the Model's reference evaluation and a
# port of the Python DataMixer's phase schedule, then checks the targets: generated w(t) allocates 0 B/call
# and is >= 20x faster than the dictionary port. A few minutes on a 2-core machine (BenchmarkDotNet's short job).
#   benchmarks/run-weights.sh                 # BenchmarkDotNet table + check, then the Stopwatch check
#   benchmarks/run-weights.sh --job dry       # extra arguments go to BenchmarkDotNet (a later --job wins)
# Exit status 1 when a target is missed. Artifacts (full logs, CSV/Markdown reports): ./BenchmarkDotNet.Artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
project=benchmarks/Recipe.Benchmarks

dotnet build "$project" -c Release -nologo -v:q
status=0
echo "== BenchmarkDotNet: WeightsBenchmarks (--job short)"
dotnet run -c Release --no-build --project "$project" -- --filter '*WeightsBenchmarks*' --job short "$@" || status=1
echo
echo "== Stopwatch check (--verify)"
dotnet run -c Release --no-build --project "$project" -- --verify || status=1
exit $status
