"""Fixtures: the test recipe project published as a native library, `recipe export` of its recipes, and shards.

Publishing (NativeAOT) and building the CLI take minutes, so both are cached under python/tests/.cache, keyed by the
content of every file they are built from; a change to any of them rebuilds.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys

import numpy as np
import pytest

TESTS = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.path.dirname(TESTS)
REPO = os.path.dirname(PYTHON)
sys.path.insert(0, PYTHON)

PROJECT = os.path.join(TESTS, "NativeRecipes")
JSON_RECIPE = os.path.join(PROJECT, "recipes", "tiny-mix.recipe.json")
CACHE = os.environ.get("RECIPE_TEST_CACHE", os.path.join(TESTS, ".cache"))
# The loaders cache sampler indexes per user; the tests (and the library and tools they start) keep theirs here.
os.environ["RECIPE_INDEX_CACHE"] = os.path.join(CACHE, "sampler-index")
INPUTS = ["src/Recipe.Native", "src/Recipe.Runtime", "src/Recipe.Model", "src/Recipe.Generator", "src/Recipe.Cli", "python/tests/NativeRecipes", "examples/PyTorchTrainer",
          "Directory.Build.props", "Directory.Packages.props"]

# README step 9's command for the generic library (test_trainer_example checks they agree).
GENERIC_PUBLISH = "dotnet publish src/Recipe.Native -c Release -r linux-x64 -o out/generic"

# Token k of source s holds SOURCE_BASE * s + k: a row tells where in which source it was read.
SOURCE_BASE = 20000
SOURCE_TOKENS = {"web": 4500, "code": 3000, "math": 1500}


def _inputs_key() -> str:
    digest = hashlib.sha256()
    for entry in INPUTS:
        root = os.path.join(REPO, entry)
        paths = [root] if os.path.isfile(root) else sorted(
            os.path.join(folder, name)
            for folder, dirs, names in os.walk(root)
            if not ({"bin", "obj"} & set(os.path.relpath(folder, root).split(os.sep)))
            for name in names
            if name.endswith((".cs", ".csproj", ".props", ".targets", ".json"))
        )
        for path in paths:
            digest.update(os.path.relpath(path, REPO).encode())
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()[:16]


def _run(args, cwd=REPO, timeout=1200):
    result = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout[-6000:]}")
    return result.stdout


@pytest.fixture(scope="session")
def built():
    """{"library": NativeRecipes.so, "generic": Recipe.Native.so, "export": {recipe: (sources, ordinals)}}, built once per input change."""
    folder = os.path.join(CACHE, _inputs_key())
    library = os.path.join(folder, "lib", "NativeRecipes.so")
    generic = os.path.join(folder, "generic", "Recipe.Native.so")
    done = os.path.join(folder, "done")
    if not os.path.exists(done):
        shutil.rmtree(folder, ignore_errors=True)
        _run(["dotnet", "publish", PROJECT, "-c", "Release", "-r", "linux-x64", "-o", os.path.join(folder, "lib"), "-nologo", "-v:q"])
        _run(GENERIC_PUBLISH.replace("out/generic", os.path.join(folder, "generic")).split() + ["-nologo", "-v:q"])
        cli = os.path.join(folder, "cli")
        _run(["dotnet", "build", "src/Recipe.Cli/Recipe.Cli.csproj", "-c", "Release", "-o", cli, "-nologo", "-v:q"])
        assembly = os.path.join(PROJECT, "bin", "Release", "net10.0", "linux-x64", "NativeRecipes.dll")
        recipe = os.path.join(cli, "recipe.dll")
        _run(["dotnet", recipe, "export", JSON_RECIPE, "-o", os.path.join(folder, "export", "tiny-mix")])
        _run(["dotnet", recipe, "export", assembly, "--recipe", "tiny-curriculum", "-o", os.path.join(folder, "export", "tiny-curriculum")])
        open(done, "w").close()
    exports = {}
    for name in ("tiny-mix", "tiny-curriculum"):
        where = os.path.join(folder, "export", name)
        exports[name] = (np.load(os.path.join(where, "dataset_index.npy")), np.load(os.path.join(where, "dataset_sample_index.npy")))
    return {"library": library, "generic": generic, "export": exports, "cli": os.path.join(folder, "cli", "recipe.dll")}


@pytest.fixture(scope="session")
def library_path(built):
    return built["library"]


@pytest.fixture(scope="session")
def generic_path(built):
    return built["generic"]


@pytest.fixture(scope="session")
def exported(built):
    return built["export"]


@pytest.fixture(scope="session")
def lib(library_path):
    import recipe_runtime

    return recipe_runtime.load(library_path)


def write_shards(root: str, tokens=SOURCE_TOKENS) -> str:
    """The shards of both test recipes (uint32; web over two files) under `root`."""
    os.makedirs(os.path.join(root, "web"), exist_ok=True)
    os.makedirs(os.path.join(root, "code"), exist_ok=True)
    streams = {name: (SOURCE_BASE * index + np.arange(count)).astype(np.uint32) for index, (name, count) in enumerate(tokens.items())}
    streams["web"][:2000].tofile(os.path.join(root, "web", "part-0.bin"))
    streams["web"][2000:].tofile(os.path.join(root, "web", "part-1.bin"))
    streams["code"].tofile(os.path.join(root, "code", "shard.bin"))
    streams["math"].tofile(os.path.join(root, "math.bin"))
    return root


@pytest.fixture(scope="session")
def data_root(tmp_path_factory):
    return write_shards(str(tmp_path_factory.mktemp("data")))


def readme_blocks(start: str, end: str):
    """The bash blocks (as lists of lines) and the python blocks of the README between the headings `start` and `end`."""
    import re

    text = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    section = text[text.index(start): text.index(end)]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, re.S)
    return [body.strip().splitlines() for lang, body in blocks if lang == "bash"], [body for lang, body in blocks if lang == "python"]


def readme_command(command: str, out: str):
    """A README command's words with out/... in `out` and /usr/bin/python3 as this interpreter, and its leading
    VAR=value words as environment (paths relative to the repository)."""
    env = dict(os.environ)
    words = shlex.split(command)
    while "=" in words[0]:
        name, value = words.pop(0).split("=", 1)
        env[name] = os.path.join(REPO, value)
    words = [os.path.join(out, w[len("out/"):]) if w.startswith("out/") else w for w in words]
    return [sys.executable if w == "/usr/bin/python3" else w for w in words], env


def published_trainer(publish_command: str, out: str) -> str:
    """Runs the README's publish command of examples/PyTorchTrainer (once per input change, cached) and links its
    output folder as out/trainer; returns the library's path."""
    cached = os.path.join(CACHE, _inputs_key(), "trainer")
    words, _ = readme_command(publish_command, out)
    if not os.path.exists(os.path.join(cached, "PyTorchTrainer.so")):
        _run([cached if w == os.path.join(out, "trainer") else w for w in words])
    os.symlink(cached, os.path.join(out, "trainer"))
    return os.path.join(out, "trainer", "PyTorchTrainer.so")
