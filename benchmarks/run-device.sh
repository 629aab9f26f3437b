#!/usr/bin/env bash
# The device loader against the accelerator's copy bandwidth, packed to run where the
# GPU is: publishes benchmarks/Recipe.Benchmarks self-contained for linux-x64 (no .NET needed there), packs it with a
# run.sh into one compressed archive (at most 64 MiB, so a session can carry it to the GPU machine), then unpacks the
# archive into a temporary folder and runs it on ILGPU's CPU accelerator at a tiny size, to prove the archive works.
#   benchmarks/run-device.sh                  # build, pack, smoke-test: artifacts/recipe-device-bench-linux-x64.tar.gz
# On the GPU machine (CUDA chosen automatically; arguments are --device's: shard MB, B, L, --accelerator):
#   tar xzf recipe-device-bench-linux-x64.tar.gz && recipe-device-bench/run.sh            # 1 GB of shards, B 8/64, L 2048/8192
#   recipe-device-bench/run.sh 1024 64 8192                                               # one configuration
# Exit status 1 when device batches differ from the CPU loader's, 2 when the archive exceeds 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
name=recipe-device-bench
archive=artifacts/$name-linux-x64.tar.gz
stage=artifacts/device-bench-stage
limit=$((64 * 1024 * 1024))

rm -rf "$stage"
# Invariant globalization: the GPU machine may have no libicu, and the benchmark formats numbers invariantly anyway.
dotnet publish benchmarks/Recipe.Benchmarks -c Release -r linux-x64 --self-contained -nologo -v:q \
  -p:InvariantGlobalization=true -p:DebugType=none -o "$stage/$name/bin"
cat > "$stage/$name/run.sh" <<'RUN'
#!/usr/bin/env bash
# Device loader benchmark: staged and resident batch assembly against H2D and D2D copies on this machine's accelerator.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version,pcie.link.gen.current,pcie.link.width.current --format=csv || true
exec "$here/bin/Recipe.Benchmarks" --device "$@"
RUN
chmod +x "$stage/$name/run.sh"
tar -C "$stage" -czf "$archive" "$name"
rm -rf "$stage"
size=$(stat -c %s "$archive")
echo "$archive: $size bytes ($((size / 1024 / 1024)) MiB, limit 64 MiB)"
if [ "$size" -gt "$limit" ]; then echo "archive over 64 MiB" >&2; exit 2; fi

smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
tar -C "$smoke" -xzf "$archive"
"$smoke/$name/run.sh" --accelerator cpu
