#!/usr/bin/env bash
# How checking and building a recipe grow with its number of sources. For each size N it writes a valid recipe of N
# sources (relative weights over two phases) and times `recipe check`, `recipe plan` and a `dotnet build` of a project
# that compiles it (generator + C# compiler, the cost a recipe project pays), then prints each step's growth from one
# size to the next: near-linear is about the size ratio, quadratic its square. About 5 minutes on a 2-core machine.
#   benchmarks/run-scale.sh                      # sizes 4000 16000 64000 (build), checks also at 256000
#   SIZES="1000 4000" BUILD_SIZES="1000" benchmarks/run-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
sizes=${SIZES:-"4000 16000 64000 256000"}
build_sizes=${BUILD_SIZES:-"4000 16000 64000"}
python=/usr/bin/python3

dotnet build src/Recipe.Cli -c Release -nologo -v:q >/dev/null
recipe=src/Recipe.Cli/bin/Release/net10.0/recipe
work=$(mktemp -d)
# The project lives under examples/ for its Directory.Build.props (the generator as an analyzer, the runtime).
project=examples/.scale-benchmark
trap 'rm -rf "$work" "$project"' EXIT

write_recipe() { # N PATH: the recipe of tests/Shared/WideRecipe.cs
  "$python" - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
sources = ",\n".join(f'"s{i}":{{"tokens":"1T"' + (',"maxFraction":0.5' if i % 7 == 0 else "") + "}" for i in range(n))
phases = ",".join(
    f'{{"name":"p{p}","at":"{p * 50}T","weights":{{' + ",\n".join(f'"s{i}":{1 + (i + p) % 3}' for i in range(n)) + "}}"
    for p in range(2))
with open(path, "w") as f:
    f.write('{"name":"wide","totalTokens":"100T","sequenceLength":4096,"weights":"relative","sources":{\n'
            + sources + '},"schedule":{"phases":[' + phases + "]}}")
PY
}

seconds() { # COMMAND...: wall seconds of one run, output discarded
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  "$python" -c "print(f'{$end - $start:.2f}')"
}

declare -A check plan build
for n in $sizes; do
  write_recipe "$n" "$work/wide$n.recipe.json"
  check[$n]=$(seconds "$recipe" check "$work/wide$n.recipe.json")
  plan[$n]=$(seconds "$recipe" plan "$work/wide$n.recipe.json")
done

mkdir -p "$project"
echo '<Project Sdk="Microsoft.NET.Sdk" />' > "$project/ScaleBenchmark.csproj"
dotnet build "$project" -nologo -v:q >/dev/null # restore and a warm build server
for n in $build_sizes; do
  cp "$work/wide$n.recipe.json" "$project/wide.recipe.json"
  build[$n]=$(seconds dotnet build "$project" -nologo -v:q --no-restore)
done

printf '\n| sources | recipe check s | recipe plan s | dotnet build s |\n|---:|---:|---:|---:|\n'
for n in $sizes; do printf '| %s | %s | %s | %s |\n' "$n" "${check[$n]}" "${plan[$n]}" "${build[$n]:-}"; done
printf '\ngrowth from the size before (x4 sources: near-linear is about 4, quadratic 16)\n'
previous=
for n in $sizes; do
  if [ -n "$previous" ]; then
    ratio() { [ -n "${2:-}" ] && [ -n "${1:-}" ] && "$python" -c "print(f'x{$2 / max($1, 0.01):.1f}')" || echo "-"; }
    printf '%s -> %s: check %s, plan %s, build %s\n' "$previous" "$n" \
      "$(ratio "${check[$previous]}" "${check[$n]}")" "$(ratio "${plan[$previous]}" "${plan[$n]}")" \
      "$(ratio "${build[$previous]:-}" "${build[$n]:-}")"
  fi
  previous=$n
done
