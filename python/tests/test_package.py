"""README step 9 from the packages, as a new user meets it: Recipe.Runtime and Recipe.Generator packed into a local
feed, a fresh class library outside the repository with a JSON and a C# recipe and the two properties, published
with `dotnet publish -c Release -r linux-x64 -o OUT` into OUT/<AssemblyName>.so, and that library loaded from Python.
Without PublishAot the publish stops with the error that says to add it."""

import json
import os
import subprocess
import sys
import uuid

import numpy as np
import pytest

from conftest import PYTHON, REPO

JSON_RECIPE = {
    "name": "fresh-mix", "totalTokens": 64000, "sequenceLength": 64, "seed": 3, "maxEpochs": 100,
    "sources": {"web": {"tokens": 4000}, "code": {"tokens": 2000}},
    "schedule": {"interpolation": "linear", "phases": [
        {"name": "a", "at": 0, "weights": {"web": 70, "code": 30}},
        {"name": "b", "at": 32000, "weights": {"web": 40, "code": 60}}]},
}

CSHARP_RECIPE = """using Recipe.Runtime;

namespace Fresh;

[Recipe(Name = "fresh-static", TotalTokens = "32K", SequenceLength = 64, Seed = 5, MaxEpochs = 100)]
[Phase("all", At = "0")]
public static partial class FreshStatic
{
    [Source(Tokens = "4K"), Mix(50)]
    public static partial SourceId Web { get; }

    [Source(Tokens = "4K"), Mix(50)]
    public static partial SourceId Code { get; }
}
"""


def _dotnet(args, cwd, env, timeout=900):
    return subprocess.run(["dotnet", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """The packed feed and a fresh library project that uses it (its own NuGet cache: nothing from this checkout's)."""
    root = tmp_path_factory.mktemp("fresh")
    version = "0.1.0-py-" + uuid.uuid4().hex[:12]
    feed = root / "feed"
    env = dict(os.environ, NUGET_PACKAGES=str(root / "packages"), NuGetAudit="false", DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    for name in ("Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props"):
        (root / name).write_text("<Project />\n")
    for project in ("Recipe.Model", "Recipe.Runtime", "Recipe.Generator"):
        packed = _dotnet(["pack", os.path.join(REPO, "src", project, project + ".csproj"), "-c", "Release", "-o", str(feed),
                          "--artifacts-path", str(root / "artifacts"), f"-p:Version={version}", "-p:NuGetAudit=false", "-v:q"], REPO, env)
        assert packed.returncode == 0, packed.stdout[-4000:]
    return root, version, feed, env


def _project(root, feed, version, name, publish_aot):
    folder = root / name
    folder.mkdir()
    aot = "\n    <PublishAot>true</PublishAot>" if publish_aot else ""
    (folder / f"{name}.csproj").write_text(f"""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <RecipeNativeLibrary>true</RecipeNativeLibrary>{aot}
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Recipe.Runtime" Version="{version}" />
    <PackageReference Include="Recipe.Generator" Version="{version}" PrivateAssets="all" />
  </ItemGroup>
</Project>
""")
    (folder / "nuget.config").write_text(f"""<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="recipe-local" value="{feed}" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="recipe-local"><package pattern="Recipe.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
""")
    (folder / "fresh-mix.recipe.json").write_text(json.dumps(JSON_RECIPE, indent=2))
    (folder / "FreshStatic.cs").write_text(CSHARP_RECIPE)
    return folder


def test_a_fresh_library_from_the_packages_publishes_a_native_library_python_loads(fresh):
    root, version, feed, env = fresh
    folder = _project(root, feed, version, "FreshRecipes", publish_aot=True)
    out = root / "out"
    published = _dotnet(["publish", "-c", "Release", "-r", "linux-x64", "-o", str(out)], folder, env, timeout=1500)
    assert published.returncode == 0, published.stdout[-6000:]
    library = out / "FreshRecipes.so"
    assert library.exists(), sorted(os.listdir(out))

    code = """
import json, sys
import recipe_runtime as rr
lib = rr.load(sys.argv[1])
compiled, from_json = lib["fresh-mix"], lib.from_json(sys.argv[2])
print(json.dumps({"names": sorted(lib.names), "hash": compiled.hash, "json_hash": from_json.hash,
                  "plan": [a.tolist() for a in compiled.plan(0, compiled.samples)],
                  "json_plan": [a.tolist() for a in from_json.plan(0, from_json.samples)],
                  "static": lib["fresh-static"].plan(0, 10)[0].tolist()}))
"""
    run = subprocess.run([sys.executable, "-c", code, str(library), str(folder / "fresh-mix.recipe.json")], cwd=str(root),
                         env=dict(os.environ, PYTHONPATH=PYTHON), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:]
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["names"] == ["fresh-mix", "fresh-static"]
    assert result["hash"] == result["json_hash"]
    assert result["plan"] == result["json_plan"]
    sources, ordinals = (np.array(a) for a in result["plan"])
    assert len(sources) == 1000 and set(sources.tolist()) == {0, 1}
    for source in (0, 1):
        assert ordinals[sources == source].tolist() == list(range(int((sources == source).sum())))
    assert set(result["static"]) == {0, 1}


def test_without_publish_aot_the_publish_says_to_add_it(fresh):
    root, version, feed, env = fresh
    folder = _project(root, feed, version, "NoAot", publish_aot=False)
    published = _dotnet(["publish", "-c", "Release", "-r", "linux-x64", "-o", str(root / "no-aot")], folder, env, timeout=900)
    assert published.returncode != 0
    assert "RECIPE001" in published.stdout and "<PublishAot>true</PublishAot>" in published.stdout, published.stdout[-4000:]
